/* The user's kept digits: keep, relabel, delete and undo; the one-in-five
 * test split; a restart (reopening the folder) and a crash (SIGKILL at
 * random moments of a keeping, relabelling and deleting process) lose
 * nothing; damaged files are reported and never overwritten; the export is
 * an MNIST-shaped folder; and the personal test split never reaches the
 * fine-tuning mix. */
#include "harness.h"
#include "common.h"
#include "digits.h"
#include "platform.h"
#include "finetune.h"
#include "mnist.h"
#include "preprocess.h"
#include "userset.h"

#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[256];

static void make_dir(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", root, name);
}

static void draw_digit(dp_strokes *s, int d, int variant)
{
    dp_strokes_clear(s);
    dp_test_digit(s, d, 150.0f + 7.0f * (float)(variant % 10), 40.0f + (float)(variant % 7), 50.0f);
}

static int count_files(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name), sl = strlen(suffix);
        n += e->d_name[0] != '.' && len >= sl && strcmp(e->d_name + len - sl, suffix) == 0;
    }
    if (d) closedir(d);
    return n;
}

static void write_text(const char *path, const char *text) { check_write_file(path, text, strlen(text)); }

/* ---- keeping, relabelling, deleting, reopening ---------------------------------- */

static void test_keep_and_reopen(void)
{
    char dir[512];
    make_dir(dir, sizeof dir, "keep/digits");   /* a missing parent is created */
    dp_userset u;
    CHECK(dp_userset_open(&u, dir) == 0 && u.n == 0, "an empty folder opens: %s", dp_error());
    dp_strokes s;
    dp_strokes_init(&s);
    /* Five of each digit, in prompted order 0..9 five times. */
    for (int round = 0; round < 5; round++)
        for (int d = 0; d < 10; d++) {
            draw_digit(&s, d, round);
            CHECK(dp_userset_add(&u, &s, d, DP_SPLIT_AUTO) >= 0, "keep %d: %s", d, dp_error());
        }
    CHECK(u.n == 50 && count_files(dir, ".txt") == 50, "50 kept digits, one file each: %d, %d", u.n,
          count_files(dir, ".txt"));
    for (int d = 0; d < 10; d++) {
        CHECK(dp_userset_count(&u, d, -1) == 5, "five %ds", d);
        /* the 2nd of each digit is a test digit, the 7th would be the next */
        CHECK(dp_userset_count(&u, d, DP_SPLIT_TEST) == 1, "one test %d of five: %d", d, dp_userset_count(&u, d, DP_SPLIT_TEST));
        CHECK(dp_userset_next_split(&u, d) == DP_SPLIT_TRAIN, "the 6th %d trains", d);
    }
    /* Images are the window's reading of the strokes: not empty, centred. */
    const dp_user_digit *first = &u.items[0];
    long ink = 0;
    for (int i = 0; i < DP_PIXELS; i++) ink += first->image[i];
    CHECK(ink > 30 * 255 && first->image[0] == 0 && first->image[DP_PIXELS - 1] == 0,
          "kept image has ink in the middle (%ld)", ink);

    /* Nothing to keep: an empty drawing, a stray dot; a bad label. */
    dp_strokes_clear(&s);
    CHECK(dp_userset_add(&u, &s, 3, DP_SPLIT_AUTO) < 0 && strstr(dp_error(), "too little ink"), "empty: %s", dp_error());
    dp_strokes_add_point(&s, 100, 100);
    CHECK(dp_userset_add(&u, &s, 3, DP_SPLIT_AUTO) < 0, "a dot is not kept");
    draw_digit(&s, 3, 0);
    CHECK(dp_userset_add(&u, &s, 10, DP_SPLIT_AUTO) < 0 && strstr(dp_error(), "label"), "label 10: %s", dp_error());
    CHECK(u.n == 50 && count_files(dir, ".txt") == 50, "failed keeps keep nothing");

    /* Relabel: the split stays. */
    int test_index = -1;
    for (int i = 0; i < u.n && test_index < 0; i++)
        if (u.items[i].split == DP_SPLIT_TEST) test_index = i;
    unsigned test_id = u.items[test_index].id;
    int old_label = u.items[test_index].label;
    CHECK(dp_userset_relabel(&u, test_index, (old_label + 1) % 10) == 0, "relabel: %s", dp_error());
    CHECK(dp_userset_relabel(&u, test_index, 11) < 0 && u.items[test_index].label == (old_label + 1) % 10, "bad relabel");
    CHECK(dp_userset_relabel(&u, 999, 1) < 0, "relabel out of range");

    /* Delete and undo. */
    dp_user_digit removed;
    unsigned removed_id = u.items[5].id;
    CHECK(dp_userset_remove(&u, 5, &removed) == 0 && u.n == 49 && removed.id == removed_id, "remove: %s", dp_error());
    CHECK(dp_userset_find(&u, removed_id) < 0 && count_files(dir, ".txt") == 49, "its file is gone");
    CHECK(dp_userset_remove(&u, -1, NULL) < 0, "remove out of range");
    int back = dp_userset_restore(&u, &removed);
    CHECK(back == 5 && u.n == 50 && u.items[5].id == removed_id, "undo puts it back in place: %d", back);
    dp_user_digit again = u.items[5];
    dp_strokes_init(&again.strokes);
    dp_strokes_copy(&again.strokes, &u.items[5].strokes);
    CHECK(dp_userset_restore(&u, &again) < 0, "restoring a digit that is there is refused");
    CHECK(dp_userset_remove(&u, 7, NULL) == 0 && u.n == 49, "remove without undo");
    /* Another program keeps a digit in the same folder meanwhile: its file is never overwritten. */
    dp_userset other;
    CHECK(dp_userset_open(&other, dir) == 0, "a second reader of the folder");
    draw_digit(&s, 6, 3);
    int oi = dp_userset_add(&other, &s, 6, DP_SPLIT_TRAIN);
    draw_digit(&s, 2, 4);
    int mi = dp_userset_add(&u, &s, 2, DP_SPLIT_TRAIN);
    CHECK(oi >= 0 && mi >= 0 && u.items[mi].id != other.items[oi].id, "two writers get two ids: %u, %u",
          mi >= 0 ? u.items[mi].id : 0, oi >= 0 ? other.items[oi].id : 0);
    dp_userset_free(&other);
    dp_userset_remove(&u, mi, NULL);
    CHECK(dp_userset_open(&other, dir) == 0 && other.n == 50 && dp_userset_count(&other, 6, -1) == 6,
          "the other program's digit is there: %d kept", other.n);
    dp_userset_free(&other);
    dp_userset_free(&u);
    CHECK(dp_userset_open(&u, dir) == 0 && u.n == 50, "reopen");

    /* A restart: everything as it was. */
    dp_userset v;
    CHECK(dp_userset_open(&v, dir) == 0 && v.n == u.n && v.n_bad == 0, "reopen: %d of %d (%s)", v.n, u.n, dp_error());
    int same = v.n == u.n;
    for (int i = 0; same && i < u.n; i++) {
        const dp_user_digit *a = &u.items[i], *b = &v.items[i];
        same = a->id == b->id && a->label == b->label && a->split == b->split && a->kept_at == b->kept_at &&
               memcmp(a->image, b->image, DP_PIXELS) == 0 && a->strokes.n_points == b->strokes.n_points &&
               a->strokes.n_strokes == b->strokes.n_strokes;
        for (int k = 0; same && k < a->strokes.n_points; k++)
            /* the file keeps two decimals */
            same = fabsf(a->strokes.points[k].x - b->strokes.points[k].x) <= 0.006f &&
                   fabsf(a->strokes.points[k].y - b->strokes.points[k].y) <= 0.006f;
    }
    CHECK(same, "every kept digit reads back the same after a restart");
    int ti = dp_userset_find(&v, test_id);
    CHECK(ti >= 0 && v.items[ti].split == DP_SPLIT_TEST && v.items[ti].label == (old_label + 1) % 10,
          "a relabelled test digit stays a test digit");
    CHECK(v.next_id == u.next_id, "ids go on where they were: %u vs %u", v.next_id, u.next_id);
    /* A kept file is a stroke file like any other. */
    char path[600];
    snprintf(path, sizeof path, "%s/digit-%06u.txt", dir, v.items[0].id);
    dp_strokes plain;
    dp_strokes_init(&plain);
    CHECK(dp_strokes_load(&plain, path) == 0 && plain.n_points == v.items[0].strokes.n_points,
          "stroke-file readers read kept digits: %s", dp_error());
    dp_strokes_free(&plain);
    dp_userset_free(&v);
    dp_userset_free(&u);
    dp_strokes_free(&s);
}

/* ---- damaged folders -------------------------------------------------------------- */

static void test_damage(void)
{
    char dir[512], path[700];
    make_dir(dir, sizeof dir, "damage");
    dp_userset u;
    dp_strokes s;
    dp_strokes_init(&s);
    CHECK(dp_userset_open(&u, dir) == 0, "open");
    for (int d = 0; d < 3; d++) {
        draw_digit(&s, d, d);
        dp_userset_add(&u, &s, d, DP_SPLIT_AUTO);
    }
    dp_userset_free(&u);
    /* A damaged kept digit with the highest id, a temporary file of a killed
     * save, a stroke file without the fields, and files that are none of ours. */
    snprintf(path, sizeof path, "%s/digit-000041.txt", dir);
    write_text(path, "# digitpad strokes v1\n# label: 12\n# split: train\n1,2 3,4\n");
    snprintf(path, sizeof path, "%s/digit-000003.txt.digitpad-tmp", dir);
    write_text(path, "# digitpad strokes v1\n# lab");
    snprintf(path, sizeof path, "%s/digit-000007.txt", dir);
    write_text(path, "# digitpad strokes v1\n10,10 200,200\n");
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    write_text(path, "hello\n");
    snprintf(path, sizeof path, "%s/digit-12.txt", dir);
    write_text(path, "not canonical\n");
    snprintf(path, sizeof path, "%s/digit-000009.txt", dir);
    mkdir(path, 0755);   /* a folder with a digit's name */
    CHECK(dp_userset_open(&u, dir) == 0 && u.n == 3, "the good digits open: %d", u.n);
    CHECK(u.n_bad == 3, "three damaged files counted: %d", u.n_bad);
    CHECK(strstr(u.bad, "digit-0000") != NULL, "the first is named: %s", u.bad);
    CHECK(u.next_id == 42, "a damaged file's id is never reused: next %u", u.next_id);
    draw_digit(&s, 4, 0);
    int i = dp_userset_add(&u, &s, 4, DP_SPLIT_AUTO);
    CHECK(i >= 0 && u.items[i].id == 42, "the next digit is 42");
    snprintf(path, sizeof path, "%s/digit-000041.txt", dir);
    unsigned char *data;
    size_t len;
    CHECK(dp_read_file(path, 1 << 20, &data, &len) == 0 && strstr((char *)data, "label: 12"), "the damaged file is untouched");
    free(data);
    dp_userset_free(&u);

    /* Field errors name the file and line. */
    struct { const char *text, *want; } bad[] = {
        {"# label: 7\n# split: train\n1,1\n", "not a kept digit"},
        {"# label: x\n", ":1: bad label"},
        {"# label: 3\n# split: maybe\n", ":2: bad split"},
        {"# label: 3\n# label: 4\n", "given twice"},
        {"# label: 3\n# split: test\n# image: 28x28 00ff\n", ":3: bad image"},
        {"# kept: soon\n", "bad kept"},
        {"# label: 3\n5,5 oops\n", "bad point"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        dp_user_digit d = {0};
        dp_strokes_init(&d.strokes);
        CHECK(dp_user_digit_parse(&d, bad[k].text, strlen(bad[k].text), "x.txt") != 0 && strstr(dp_error(), bad[k].want) &&
                  strstr(dp_error(), "x.txt"), "'%s': %s", bad[k].text, dp_error());
        dp_strokes_free(&d.strokes);
    }
    /* A folder that cannot be made. */
    snprintf(path, sizeof path, "%s/afile", root);
    write_text(path, "x");
    snprintf(path, sizeof path, "%s/afile/digits", root);
    CHECK(dp_userset_open(&u, path) != 0 && strstr(dp_error(), "afile"), "a file in the way: %s", dp_error());
    dp_userset_free(&u);
    dp_strokes_free(&s);
}

/* ---- a crash at any moment loses nothing --------------------------------------- */

typedef struct { unsigned id[400]; int label[400]; int n; unsigned next_id; } shadow;

/* Operation k on the folder: keep a digit, relabel the newest, or delete the
 * oldest; the same function of (state, k) drives the child's real folder and
 * the parent's expectation. */
static int op_kind(int n, long k) { return k % 3 == 2 ? (n > 5 ? 2 : 0) : (int)(k % 3); }

static void shadow_apply(shadow *sh, long k)
{
    int kind = op_kind(sh->n, k);
    if (kind == 0 || (kind == 1 && sh->n == 0)) {
        sh->id[sh->n] = sh->next_id++;
        sh->label[sh->n++] = (int)(k % 10);
    } else if (kind == 1) {
        sh->label[sh->n - 1] = (sh->label[sh->n - 1] + 3) % 10;
    } else {
        memmove(sh->id, sh->id + 1, sizeof(unsigned) * (size_t)(sh->n - 1));
        memmove(sh->label, sh->label + 1, sizeof(int) * (size_t)(sh->n - 1));
        sh->n--;
    }
}

static int real_apply(dp_userset *u, long k, dp_strokes *s)
{
    int kind = op_kind(u->n, k);
    if (kind == 0 || (kind == 1 && u->n == 0)) {
        draw_digit(s, (int)(k % 10), (int)k);
        return dp_userset_add(u, s, (int)(k % 10), DP_SPLIT_AUTO) >= 0 ? 0 : -1;
    }
    if (kind == 1) return dp_userset_relabel(u, u->n - 1, (u->items[u->n - 1].label + 3) % 10);
    return dp_userset_remove(u, 0, NULL);
}

static int matches(const dp_userset *u, const shadow *sh)
{
    if (u->n != sh->n) return 0;
    for (int i = 0; i < u->n; i++)
        if (u->items[i].id != sh->id[i] || u->items[i].label != sh->label[i]) return 0;
    return 1;
}

/* The child's work: operations first, first+1, ... on the folder. */
typedef struct {
    const char *dir;
    long first;
} crash_job;

static void child_work(void *arg, int fd)
{
    const crash_job *job = arg;
    dp_userset u;
    dp_strokes s;
    dp_strokes_init(&s);
    if (dp_userset_open(&u, job->dir) != 0 || u.n_bad) _exit(5);
    for (long k = job->first;; k++) {
        if (real_apply(&u, k, &s) != 0) _exit(6);
        if (write(fd, "o", 1) != 1) _exit(7);
    }
}

static void test_crash(void)
{
    char dir[512];
    make_dir(dir, sizeof dir, "crash");
    dp_make_dirs(dir);
    shadow sh = {.n = 0, .next_id = 0}, before, after;
    long done_ops = 0, waited_for = 0;
    int kills = 0, mid_op = 0, broken = 0, strays = 0;
    srand(12345);
    for (kills = 0; kills < 150 && sh.n < 380; kills++) {
        check_worker child;
        if (check_worker_start(&child, child_work, &(crash_job){dir, done_ops}) != 0) break;
        /* Progress does not depend on the machine's speed: each round waits
         * for a few acknowledged operations (the child writes one byte after
         * each), then kills at a random moment of the ones that follow. */
        long wanted = rand() % 6, acked = check_worker_wait(&child, wanted);
        waited_for += wanted;
        check_sleep_us(rand() % 25000);
        long more = check_worker_kill(&child);
        CHECK(more >= 0, "kill %d: the child had died before it (it exits when the folder does not open or an "
              "operation fails)", kills);
        if (more < 0) break;
        acked += more;
        before = sh;
        for (long k = 0; k < acked; k++) shadow_apply(&before, done_ops + k);
        after = before;
        shadow_apply(&after, done_ops + acked);
        dp_userset u;
        if (dp_userset_open(&u, dir) != 0 || u.n_bad) {
            broken++;
            fprintf(stderr, "kill %d: %s %s\n", kills, dp_error(), u.bad);
        } else if (matches(&u, &before)) {
            sh = before, done_ops += acked;
        } else if (matches(&u, &after)) {
            sh = after, done_ops += acked + 1, mid_op++;   /* the killed operation had reached the disk */
        } else {
            broken++;
            fprintf(stderr, "kill %d: the folder holds neither the state before nor after operation %ld\n", kills,
                    done_ops + acked);
        }
        dp_userset_free(&u);
        strays += count_files(dir, DP_SAVE_TMP_SUFFIX) > 1;
    }
    CHECK(broken == 0, "%d of %d kills left the folder in a state no operation sequence explains", broken, kills);
    CHECK(strays == 0, "%d kills left more than one temporary file", strays);
    CHECK(done_ops >= waited_for, "the children got work done: %ld operations, %ld waited for", done_ops, waited_for);
    CHECK(waited_for > 100, "the rounds waited for %ld operations", waited_for);
    printf("crash: %d kills, %ld operations, %d landed although unacknowledged, %d digits at the end\n", kills,
           done_ops, mid_op, sh.n);
}

/* ---- export and the fine-tuning mix --------------------------------------------- */

static int contains_image(const dp_dataset *ds, const uint8_t *img)
{
    for (int i = 0; i < ds->n; i++)
        if (memcmp(ds->images + (size_t)i * DP_PIXELS, img, DP_PIXELS) == 0) return 1;
    return 0;
}

static void test_export_and_mix(void)
{
    char dir[512], out[512], path[700];
    make_dir(dir, sizeof dir, "export/digits");
    make_dir(out, sizeof out, "export/out");
    dp_userset u;
    dp_strokes s;
    dp_strokes_init(&s);
    dp_userset_open(&u, dir);
    for (int k = 0; k < 40; k++) {
        draw_digit(&s, k % 10, k / 10 + 3 * (k % 10));
        dp_userset_add(&u, &s, k % 10, DP_SPLIT_AUTO);
    }
    int n_test = dp_userset_count(&u, -1, DP_SPLIT_TEST), n_train = u.n - n_test;
    CHECK(n_test == 10 && n_train == 30, "40 kept: %d test, %d train", n_test, n_train);
    CHECK(dp_userset_export(&u, out) == 0, "export: %s", dp_error());
    dp_dataset train = {0}, test = {0};
    CHECK(dp_mnist_load(&train, out, "train") == 0 && dp_mnist_load(&test, out, "t10k") == 0,
          "the export reads as MNIST: %s", dp_error());
    CHECK(train.n == n_train && test.n == n_test, "sizes %d, %d", train.n, test.n);
    int in_order = train.n == n_train;
    for (int i = 0, t = 0, r = 0; in_order && i < u.n; i++) {
        const dp_user_digit *d = &u.items[i];
        const dp_dataset *ds = d->split == DP_SPLIT_TEST ? &test : &train;
        int at = d->split == DP_SPLIT_TEST ? t++ : r++;
        in_order = ds->labels[at] == d->label && memcmp(ds->images + (size_t)at * DP_PIXELS, d->image, DP_PIXELS) == 0;
    }
    CHECK(in_order, "every kept digit is in its split, in order, image and label");
    int leaked = 0;
    for (int i = 0; i < test.n; i++) leaked += contains_image(&train, test.images + (size_t)i * DP_PIXELS);
    CHECK(leaked == 0, "%d test images are in the exported training split", leaked);
    snprintf(path, sizeof path, "%s/strokes", out);
    CHECK(count_files(path, ".txt") == 40, "40 stroke files: %d", count_files(path, ".txt"));
    snprintf(path, sizeof path, "%s/labels.tsv", out);
    unsigned char *tsv;
    size_t len;
    CHECK(dp_read_file(path, 1 << 20, &tsv, &len) == 0 && strstr((char *)tsv, "file\tlabel\tsplit\n") &&
              strstr((char *)tsv, "\ttest\n"), "labels.tsv");
    free(tsv);

    /* The fine-tuning mix: the training split only, repeated to its share,
     * plus MNIST-like images picked without repeats. */
    dp_dataset mine = {0}, mine_test = {0}, mix = {0};
    CHECK(dp_userset_dataset(&u, DP_SPLIT_TRAIN, &mine) == 0 && mine.n == n_train, "training split");
    dp_userset_dataset(&u, DP_SPLIT_TEST, &mine_test);
    dp_dataset fake_mnist = {.n = 500, .rows = 28, .cols = 28};
    fake_mnist.images = calloc(500, DP_PIXELS);
    fake_mnist.labels = calloc(500, 1);
    for (int i = 0; i < 500; i++) {
        fake_mnist.images[(size_t)i * DP_PIXELS + (size_t)(i % DP_PIXELS)] = (uint8_t)(1 + i / DP_PIXELS + (i % 250));
        fake_mnist.images[(size_t)i * DP_PIXELS + DP_PIXELS - 1] = (uint8_t)(i / 2);
        fake_mnist.labels[i] = (uint8_t)(i % 10);
    }
    CHECK(dp_finetune_mix(&mix, &fake_mnist, 300, &mine, 0.25f, 7) == 0, "mix: %s", dp_error());
    int from_user = 0, from_mnist = 0, unknown = 0;
    for (int i = 0; i < mix.n; i++) {
        const uint8_t *img = mix.images + (size_t)i * DP_PIXELS;
        if (contains_image(&mine, img)) from_user++;
        else if (contains_image(&fake_mnist, img)) from_mnist++;
        else unknown++;
    }
    CHECK(from_mnist == 300 && unknown == 0, "300 MNIST images and nothing else: %d, %d", from_mnist, unknown);
    double share = (double)from_user / mix.n;
    CHECK(share >= 0.25 && share < 0.25 + (double)mine.n / mix.n + 1e-9, "your share %.3f", share);
    leaked = 0;
    for (int i = 0; i < mine_test.n; i++) leaked += contains_image(&mix, mine_test.images + (size_t)i * DP_PIXELS);
    CHECK(leaked == 0, "%d personal test digits reached the training mix", leaked);
    int distinct = 1;
    for (int i = 0; i < 300 && distinct; i++)
        for (int j = 0; j < i && distinct; j++)
            distinct = memcmp(mix.images + (size_t)i * DP_PIXELS, mix.images + (size_t)j * DP_PIXELS, DP_PIXELS) != 0;
    CHECK(distinct, "MNIST images are picked without repeats");
    dp_dataset empty = {.rows = 28, .cols = 28}, mix2;
    CHECK(dp_finetune_mix(&mix2, &fake_mnist, 300, &empty, 0.3f, 1) != 0 && strstr(dp_error(), "never trained"),
          "no training digits: %s", dp_error());
    dp_dataset_free(&mix);

    /* A second export after deleting every test digit: no stale split left. */
    for (int i = u.n - 1; i >= 0; i--)
        if (u.items[i].split == DP_SPLIT_TEST) dp_userset_remove(&u, i, NULL);
    CHECK(dp_userset_export(&u, out) == 0, "export again: %s", dp_error());
    CHECK(!dp_mnist_present(out), "no test split files are left behind");
    snprintf(path, sizeof path, "%s/strokes", out);
    CHECK(count_files(path, ".txt") == n_train, "stale stroke files removed: %d", count_files(path, ".txt"));

    dp_dataset_free(&train);
    dp_dataset_free(&test);
    dp_dataset_free(&mine);
    dp_dataset_free(&mine_test);
    dp_dataset_free(&fake_mnist);
    dp_userset_free(&u);
    dp_strokes_free(&s);
}

int main(void)
{
    check_temp_dir(root, sizeof root, "digitpad-userset");
    test_keep_and_reopen();
    test_damage();
    test_crash();
    test_export_and_mix();
    check_remove_tree(root);
    return check_report("userset");
}

/* Crash safety of saves. A child process saves one file over and over,
 * alternating two contents, and is SIGKILLed at a random moment; after every
 * kill the file must load with the real loader and be byte for byte one of
 * the two contents, and the only other file allowed in the folder is the one
 * temporary file of the save (PATH.digitpad-tmp, reused by the next save).
 *
 *   test_kill_save model [N]     a 3.3 MB model, N kills (default 250)
 *   test_kill_save strokes [N]   a 250 kB stroke file
 *   test_kill_save selfcheck [N] (default 60) the same checker against two writers that
 *                                are NOT crash safe (rewriting in place, and
 *                                random temporary names never cleaned up):
 *                                it must catch both, or it proves nothing.
 *   test_kill_save concurrent [N] two processes saving the same model at once,
 *                                killed and restarted at random; N looks.
 *
 * The random delays are scaled to the measured duration of one save, so kills
 * land before, inside and after the write; the summary says how many found a
 * temporary file, i.e. landed between its creation and the rename. */
#include "harness.h"
#include "common.h"
#include "platform.h"
#include "model_io.h"
#include "net.h"
#include "strokes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char work_dir[128];          /* holds the saved file and nothing else of ours */
static char target[192], temp[224];

/* The two contents, and their bytes as the real save writes them. */
static dp_net *nets[2];
static const char *const metas[2] = {"content: A\n", "content: B\n"};
static dp_strokes drawings[2];
static unsigned char *refs[2];
static size_t ref_lens[2];

/* ---- what is saved and how it is read back ------------------------------ */

typedef struct {
    const char *name;
    int (*save)(int which);             /* writes content 0 or 1 to target; 0 on success */
    int (*identify)(const char *path);  /* real loader: 0 or 1, -1 if refused */
} writer;

static int save_model(int which) { return dp_model_save(target, nets[which], metas[which], NULL); }

static int identify_model(const char *path)
{
    char *meta = NULL;
    dp_net *net = dp_model_load(path, &meta, NULL, NULL);
    int which = -1;
    for (int k = 0; net && meta && k < 2; k++)
        if (strcmp(meta, metas[k]) == 0) which = k;
    dp_net_free(net);
    free(meta);
    return which;
}

static int save_strokes(int which) { return dp_strokes_save(&drawings[which], target); }

static int identify_strokes(const char *path)
{
    dp_strokes s;
    dp_strokes_init(&s);
    int which = -1;
    if (dp_strokes_load(&s, path) == 0)
        for (int k = 0; k < 2; k++)
            if (s.n_points == drawings[k].n_points) which = k;
    dp_strokes_free(&s);
    return which;
}

/* ---- two writers that are not crash safe, for the self-check -------------- */

static int write_bytes(int fd, const unsigned char *p, size_t n)
{
    for (size_t off = 0; off < n;) {   /* small pieces: a wide window for the kill */
        ssize_t w = write(fd, p + off, n - off < 16384 ? n - off : 16384);
        if (w <= 0) return -1;
        off += (size_t)w;
    }
    return 0;
}

/* Truncates and rewrites the file in place: a kill leaves it torn. */
static int save_in_place(int which)
{
    int fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return dp_set_error("%s: %s", target, strerror(errno));
    int rc = write_bytes(fd, refs[which], ref_lens[which]);
    close(fd);
    return rc ? dp_set_error("%s: write failed", target) : 0;
}

/* Atomic, but with a fresh random temporary name each time and no cleanup:
 * every kill inside the window leaves one more file behind. */
static int save_littering(int which)
{
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", target);
    int fd = mkstemp(tmp);
    if (fd < 0) return dp_set_error("%s: %s", tmp, strerror(errno));
    int rc = write_bytes(fd, refs[which], ref_lens[which]) || fsync(fd) || rename(tmp, target);
    close(fd);
    return rc ? dp_set_error("%s: save failed", target) : 0;
}

/* ---- the state of the folder after a kill --------------------------------- */

typedef struct {
    int which;         /* content by the loader: 0, 1, or -1 (refused or missing) */
    int exact;         /* the bytes are exactly that content's */
    int has_temp;      /* PATH.digitpad-tmp exists */
    struct stat temp_st;
    int strays;        /* any other file */
    char stray[256];
} disk_state;

static int same_bytes(const char *path, int which)
{
    unsigned char *data;
    size_t len;
    if (which < 0 || dp_read_file(path, 64u << 20, &data, &len) != 0) return 0;
    int same = len == ref_lens[which] && memcmp(data, refs[which], len) == 0;
    free(data);
    return same;
}

static void count_files(disk_state *d)
{
    const char *base = strrchr(target, '/') + 1, *tbase = strrchr(temp, '/') + 1;
    DIR *dir = opendir(work_dir);
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, base) ||
            !strcmp(e->d_name, tbase))
            continue;
        if (d->strays++ == 0) snprintf(d->stray, sizeof d->stray, "%s", e->d_name);
    }
    if (dir) closedir(dir);
}

static disk_state observe(const writer *w)
{
    disk_state d = {.which = w->identify(target)};
    d.exact = same_bytes(target, d.which);
    d.has_temp = lstat(temp, &d.temp_st) == 0;
    count_files(&d);
    return d;
}

/* The temporary file was written by this child (not left by an earlier kill). */
static int temp_is_new(const disk_state *before, const disk_state *after, long saves)
{
    if (!after->has_temp) return 0;
    if (!before->has_temp || saves > 0) return 1;
    const struct stat *a = &before->temp_st, *b = &after->temp_st;
    return a->st_ino != b->st_ino || a->st_size != b->st_size || a->st_mtim.tv_sec != b->st_mtim.tv_sec ||
           a->st_mtim.tv_nsec != b->st_mtim.tv_nsec || a->st_ctim.tv_nsec != b->st_ctim.tv_nsec;
}

/* ---- killing ----------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* What a saving child does: saves first, 1-first, first, ... */
typedef struct {
    const writer *w;
    int first;
} saver;

/* Child: saves until it is killed, reporting each finished save with one
 * byte on fd. */
static void child_main(void *arg, int fd)
{
    const saver *s = arg;
    for (int k = s->first;; k ^= 1) {
        if (s->w->save(k) != 0) {
            fprintf(stderr, "child: save failed: %s\n", dp_error());
            _exit(3);
        }
        if (write(fd, "s", 1) != 1) _exit(4);
    }
}

/* Starts a child saving first, 1-first, ... */
static void start_child(check_worker *c, const writer *w, int first)
{
    check_worker_start(c, child_main, &(saver){w, first});
}

/* The saves a child finished before the kill, or -1 if it died on its own. */
static long run_and_kill(const writer *w, int first, long delay_us)
{
    check_worker c;
    start_child(&c, w, first);
    if (c.pid > 0) check_sleep_us(delay_us);
    return check_worker_kill(&c);
}

typedef struct {
    int kills, old_kept, new_in_place, mid_write, temp_partial, max_temps;
    int refused, mismatched, littered;   /* violations: must stay 0 for a safe writer */
    long saves;
} tally;

/* Counts the violations in one observation. */
static void judge(const disk_state *d, int expected_old, int expected_new, int verbose, tally *t)
{
    if (d->which < 0 || (d->which != expected_old && d->which != expected_new)) {
        t->refused++;
        if (verbose) fprintf(stderr, "  kill %d: the file does not load: %s\n", t->kills, dp_error());
    } else if (!d->exact) {
        t->mismatched++;
        if (verbose) fprintf(stderr, "  kill %d: the file loads but is not exactly content %d\n", t->kills, d->which);
    }
    if (d->strays) {
        t->littered++;
        if (verbose) fprintf(stderr, "  kill %d: %d stray file(s) next to it, e.g. %s\n", t->kills, d->strays, d->stray);
    }
    int temps = d->has_temp + d->strays;
    if (temps > t->max_temps) t->max_temps = temps;
}

/* Kills N children at random moments in [0, max_delay_us]; prints each
 * violation when verbose. */
static void kill_loop(const writer *w, int n, long max_delay_us, int verbose, tally *t)
{
    disk_state before = observe(w);
    for (int i = 0; i < n; i++) {
        int old = before.which < 0 ? 0 : before.which, first = !old;
        long saves = run_and_kill(w, first, (long)(next_random() % (uint64_t)(max_delay_us + 1)));
        CHECK(saves >= 0, "%s: kill %d: the child died on its own (see its message above)", w->name, i);
        if (saves < 0) return;
        t->kills++;
        t->saves += saves;
        /* Old = the last finished save (or what was there); new = the one in progress. */
        int done = saves ? first ^ (int)((saves - 1) & 1) : old, doing = first ^ (int)(saves & 1);
        disk_state after = observe(w);
        judge(&after, done, doing, verbose, t);
        if (after.which == old) t->old_kept++;
        else if (after.which >= 0) t->new_in_place++;
        if (temp_is_new(&before, &after, saves)) {
            t->mid_write++;
            if (after.temp_st.st_size < (off_t)ref_lens[doing]) t->temp_partial++;
        }
        before = after;
    }
}

/* ---- set-up ------------------------------------------------------------------- */

static void make_drawing(dp_strokes *s, int strokes, int points, float phase)
{
    dp_strokes_init(s);
    for (int k = 0; k < strokes; k++) {
        dp_strokes_begin(s);
        for (int i = 0; i < points; i++)
            dp_strokes_add_point(s, 140 + 120 * sinf(phase + 0.001f * (float)(k * points + i)),
                                 140 + 120 * cosf(phase * 3 + 0.0137f * (float)i));
    }
}

static int make_contents(void)
{
    dp_arch arch;
    if (dp_arch_parse(&arch, "dense1024 relu dense10") != 0) return -1;
    for (int k = 0; k < 2; k++) {
        if (!(nets[k] = dp_net_create(&arch))) return -1;
        dp_net_init(nets[k], 11 + (uint64_t)k);
    }
    make_drawing(&drawings[0], 200, 100, 0.0f);   /* 20,000 points, about 250 kB */
    make_drawing(&drawings[1], 180, 100, 1.0f);
    return 0;
}

/* Saves both contents once (uninterrupted) to learn their exact bytes, and
 * returns the mean time of one save in microseconds. */
static long learn_contents(const writer *w)
{
    double t0 = dp_now();
    for (int k = 0; k < 2; k++) {
        free(refs[k]);
        refs[k] = NULL;
        if (w->save(k) != 0 || dp_read_file(target, 64u << 20, &refs[k], &ref_lens[k]) != 0) {
            CHECK(0, "%s: saving content %d: %s", w->name, k, dp_error());
            return -1;
        }
    }
    return (long)((dp_now() - t0) / 2 * 1e6);
}

static void remove_work_files(void)
{
    DIR *dir = opendir(work_dir);
    struct dirent *e;
    char path[512];
    while (dir && (e = readdir(dir)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", work_dir, e->d_name);
            unlink(path);
        }
    if (dir) closedir(dir);
}

static void print_tally(const char *name, const tally *t, long save_us, long max_delay_us)
{
    printf("%s: %d kills (file %zu bytes, one save %.1f ms, delays 0..%.1f ms, %ld saves finished in all)\n",
           name, t->kills, ref_lens[0], save_us / 1e3, max_delay_us / 1e3, t->saves);
    printf("%s: %d kept the old content, %d had the new one; %d landed mid-write (temporary file present: "
           "%d partly written, %d complete but not yet renamed); at most %d temporary file(s) at a time\n",
           name, t->old_kept, t->new_in_place, t->mid_write, t->temp_partial, t->mid_write - t->temp_partial,
           t->max_temps);
    printf("%s: violations: %d refused or unknown, %d not byte-exact, %d with stray files\n", name,
           t->refused, t->mismatched, t->littered);
}

/* ---- the three modes ---------------------------------------------------------- */

static void test_safe_writer(const writer *w, int n)
{
    long save_us = learn_contents(w);
    if (save_us < 0) return;
    /* Some kills after the first save's rename, most before or inside it. */
    long max_delay = save_us * 3 / 2 + 500;
    tally t = {0};
    kill_loop(w, n, max_delay, 1, &t);
    print_tally(w->name, &t, save_us, max_delay);
    CHECK(t.kills == n, "%s: only %d of %d kills ran", w->name, t.kills, n);
    CHECK(t.refused + t.mismatched + t.littered == 0, "%s: the save is not crash safe", w->name);
    CHECK(t.max_temps <= 1, "%s: %d temporary files at once", w->name, t.max_temps);
    CHECK(t.mid_write > 0, "%s: no kill landed mid-write, the test did not exercise the window", w->name);
    /* A clean save after all that takes over the leftover temporary file. */
    CHECK(w->save(0) == 0, "%s: save after the kills: %s", w->name, dp_error());
    disk_state d = observe(w);
    CHECK(d.which == 0 && d.exact && !d.has_temp && !d.strays,
          "%s: after a clean save: content %d, exact %d, temporary file %d, %d stray", w->name, d.which, d.exact,
          d.has_temp, d.strays);
}

/* The checker must notice writers that are not crash safe. */
static void test_self_check(int n)
{
    const writer safe = {"model", save_model, identify_model};
    long save_us = learn_contents(&safe);
    if (save_us < 0) return;
    const writer bad[] = {{"selfcheck-in-place", save_in_place, identify_model},
                          {"selfcheck-littering", save_littering, identify_model}};
    for (int k = 0; k < 2; k++) {
        remove_work_files();
        CHECK(bad[k].save(0) == 0, "%s: first save: %s", bad[k].name, dp_error());
        long max_delay = save_us * 3 / 2 + 500;
        tally t = {0};
        kill_loop(&bad[k], n, max_delay, 0, &t);
        int caught = t.refused + t.mismatched + t.littered;
        printf("%s: %d kills, %d left a torn file, %d found stray files (up to %d at once)\n", bad[k].name,
               t.kills, t.refused + t.mismatched, t.littered, t.max_temps);
        CHECK(caught > 0, "%s: %d kills and the checker never noticed the unsafe writer", bad[k].name, t.kills);
    }
}

/* Two children save the same file at once (the save's lock makes them take
 * turns) and are killed and restarted at random. Whatever is read at any
 * moment must be one complete content: compared byte for byte from a single
 * read, since the children keep renaming. */
static void test_concurrent(int n)
{
    const writer w = {"concurrent", save_model, identify_model};
    long save_us = learn_contents(&w);
    if (save_us < 0) return;
    check_worker child[2];
    int torn = 0, strays = 0, kills = 0, died = 0;
    long saves = 0;
    for (int c = 0; c < 2; c++) start_child(&child[c], &w, c);
    for (int i = 0; i < n; i++) {
        check_sleep_us((long)(next_random() % (uint64_t)(save_us + 1)));
        size_t len;
        unsigned char *data = NULL;
        int ok = dp_read_file(target, 64u << 20, &data, &len) == 0 &&
                 ((len == ref_lens[0] && !memcmp(data, refs[0], len)) ||
                  (len == ref_lens[1] && !memcmp(data, refs[1], len)));
        free(data);
        disk_state d = {0};
        count_files(&d);
        torn += !ok;
        strays += d.strays > 0;
        if (next_random() % 8 == 0) {   /* kill one saver, start a new one */
            int c = (int)(next_random() % 2);
            long done = check_worker_kill(&child[c]);
            died += done < 0, saves += done > 0 ? done : 0, kills++;
            start_child(&child[c], &w, c);
        }
    }
    for (int c = 0; c < 2; c++) {
        long done = check_worker_kill(&child[c]);
        died += done < 0, saves += done > 0 ? done : 0;
    }
    printf("concurrent: %d looks while two processes saved %ld times in all, %d kills: %d torn, %d with stray "
           "files\n", n, saves, kills, torn, strays);
    CHECK(died == 0, "concurrent: %d children died on their own (see above)", died);
    CHECK(torn == 0 && strays == 0, "concurrent saves of one file are not safe");
    CHECK(w.save(0) == 0 && access(temp, F_OK) != 0, "concurrent: a clean save left %s: %s", temp, dp_error());
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "model";
    int n = argc > 2 ? atoi(argv[2]) : strcmp(mode, "selfcheck") ? 250 : 60;
    const char *seed = getenv("DP_KILL_SEED");
    rng_state = seed ? strtoull(seed, NULL, 10) : (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
    if (!rng_state) rng_state = 1;
    printf("%s: seed %llu (DP_KILL_SEED=%llu repeats the delays)\n", mode, (unsigned long long)rng_state,
           (unsigned long long)rng_state);
    check_temp_dir(work_dir, sizeof work_dir, "dp_kill");
    if (n < 1 || make_contents() != 0) {
        fprintf(stderr, "set-up failed: %s\n", n < 1 ? "bad count" : dp_error());
        check_remove_tree(work_dir);
        return 1;
    }
    snprintf(target, sizeof target, "%s/%s", work_dir, strcmp(mode, "strokes") ? "a.model" : "a.txt");
    snprintf(temp, sizeof temp, "%s%s", target, DP_SAVE_TMP_SUFFIX);
    if (!strcmp(mode, "model")) test_safe_writer(&(writer){"model", save_model, identify_model}, n);
    else if (!strcmp(mode, "strokes")) test_safe_writer(&(writer){"strokes", save_strokes, identify_strokes}, n);
    else if (!strcmp(mode, "selfcheck")) test_self_check(n);
    else if (!strcmp(mode, "concurrent")) test_concurrent(n);
    else CHECK(0, "unknown mode '%s' (model, strokes, selfcheck or concurrent)", mode);
    check_remove_tree(work_dir);
    for (int k = 0; k < 2; k++) {
        dp_net_free(nets[k]);
        dp_strokes_free(&drawings[k]);
        free(refs[k]);
    }
    return check_report(mode);
}

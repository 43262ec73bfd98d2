#include "userset.h"
#include "common.h"
#include "platform.h"
#include "preprocess.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DIGIT_FILE_MAX (64UL << 20)   /* as for any stroke file */
/* A kept digit's image as its file stores it: "28x28", then that many
 * bytes in hex. A fact of the file format, which is also the network's
 * input size. */
#define IMAGE_BYTES (28 * 28)
_Static_assert(IMAGE_BYTES == DP_PIXELS, "a kept image is one network input");

/* ---- one kept digit as text ------------------------------------------------ */

static const char hex_digits[] = "0123456789abcdef";

int dp_user_digit_format(const dp_user_digit *d, char **text, size_t *len)
{
    if (d->label < 0 || d->label > 9 || (d->split != DP_SPLIT_TRAIN && d->split != DP_SPLIT_TEST))
        return dp_set_error("kept digit %u: bad label %d or split %d", d->id, d->label, d->split);
    char comments[256 + 2 * IMAGE_BYTES];
    int n = snprintf(comments, sizeof comments, "# label: %d\n# split: %s\n# kept: %lld\n# image: 28x28 ", d->label,
                     d->split == DP_SPLIT_TEST ? "test" : "train", d->kept_at);
    for (int i = 0; i < IMAGE_BYTES; i++) {
        comments[n++] = hex_digits[d->image[i] >> 4];
        comments[n++] = hex_digits[d->image[i] & 15];
    }
    comments[n++] = '\n';
    comments[n] = 0;
    return dp_strokes_format(&d->strokes, comments, text, len);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads "28x28 " and 1568 hex digits, then only blanks, up to end. */
static int parse_image(uint8_t *image, const char *p, const char *end)
{
    if (end - p < 6 || memcmp(p, "28x28 ", 6) != 0) return -1;
    p += 6;
    if (end - p < 2 * IMAGE_BYTES) return -1;
    for (int i = 0; i < IMAGE_BYTES; i++, p += 2) {
        int hi = hex_value(p[0]), lo = hex_value(p[1]);
        if (hi < 0 || lo < 0) return -1;
        image[i] = (uint8_t)(hi << 4 | lo);
    }
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r')) p++;
    return p == end ? 0 : -1;
}

static int parse_label(dp_user_digit *d, const char *v, size_t n)
{
    if (n != 1 || v[0] < '0' || v[0] > '9') return -1;
    d->label = v[0] - '0';
    return 0;
}

static int parse_split(dp_user_digit *d, const char *v, size_t n)
{
    if (n == 5 && memcmp(v, "train", 5) == 0) d->split = DP_SPLIT_TRAIN;
    else if (n == 4 && memcmp(v, "test", 4) == 0) d->split = DP_SPLIT_TEST;
    else return -1;
    return 0;
}

static int parse_kept(dp_user_digit *d, const char *v, size_t n)
{
    char buf[32], *stop;
    if (n == 0 || n >= sizeof buf) return -1;
    memcpy(buf, v, n);
    buf[n] = 0;
    errno = 0;
    d->kept_at = strtoll(buf, &stop, 10);
    return *stop == 0 && errno == 0 ? 0 : -1;
}

static int parse_image_field(dp_user_digit *d, const char *v, size_t n) { return parse_image(d->image, v, v + n); }

static const struct {
    const char *key, *expected;
    int (*parse)(dp_user_digit *d, const char *v, size_t n);
} fields[] = {
    {"# label: ", "0-9", parse_label},
    {"# split: ", "train or test", parse_split},
    {"# kept: ", "seconds since 1970", parse_kept},
    {"# image: ", "28x28 and 1568 hex digits", parse_image_field},
};
enum { FIELDS = sizeof fields / sizeof fields[0], REQUIRED = 1 | 2 | 8 };   /* label, split, image */

/* One line (without its newline) into d if it is a "# key: value" field;
 * *seen gets a bit per field. */
static int parse_field(dp_user_digit *d, const char *p, const char *end, int *seen, const char *name, int line)
{
    for (int k = 0; k < FIELDS; k++) {
        size_t kl = strlen(fields[k].key);
        if ((size_t)(end - p) < kl || memcmp(p, fields[k].key, kl) != 0) continue;
        const char *v = p + kl;
        size_t vl = (size_t)(end - v);
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' ')) vl--;
        if (*seen & (1 << k)) return dp_set_error("%s:%d: %.*s given twice", name, line, (int)(kl - 4), fields[k].key + 2);
        if (fields[k].parse(d, v, vl) != 0)
            return dp_set_error("%s:%d: bad %.*s (expected %s)", name, line, (int)(kl - 4), fields[k].key + 2,
                                fields[k].expected);
        *seen |= 1 << k;
    }
    return 0;
}

int dp_user_digit_parse(dp_user_digit *d, const char *text, size_t len, const char *name)
{
    dp_user_digit r = {0};
    dp_strokes_init(&r.strokes);
    if (dp_strokes_parse(&r.strokes, text, len, name) != 0) return -1;   /* also refuses NUL bytes */
    int seen = 0, line = 1;
    for (const char *p = text, *end = text + len; p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *stop = nl ? nl : end;
        if (parse_field(&r, p, stop, &seen, name, line) != 0) {
            dp_strokes_free(&r.strokes);
            return -1;
        }
        p = stop + 1;
    }
    if ((seen & REQUIRED) != REQUIRED) {
        dp_strokes_free(&r.strokes);
        return dp_set_error("%s: not a kept digit (needs '# label:', '# split:' and '# image:' lines)", name);
    }
    r.id = d->id;
    dp_strokes_free(&d->strokes);
    *d = r;
    return 0;
}

/* ---- the folder -------------------------------------------------------------- */

static void digit_path(const dp_userset *u, unsigned id, char *out, size_t size)
{
    snprintf(out, size, "%s/digit-%06u.txt", u->dir, id);
}

/* The id of a file named exactly digit-NNNNNN.txt (six or more digits, as
 * digit_path writes them), or -1. Temporary files of saves do not match. */
static long long id_of_name(const char *name)
{
    size_t n = strlen(name);
    if (n < 16 || n > 20 || strncmp(name, "digit-", 6) != 0 || strcmp(name + n - 4, ".txt") != 0) return -1;
    long long id = 0;
    for (size_t i = 6; i < n - 4; i++) {
        if (name[i] < '0' || name[i] > '9') return -1;
        id = id * 10 + (name[i] - '0');
    }
    char canonical[32];
    snprintf(canonical, sizeof canonical, "digit-%06llu.txt", (unsigned long long)id);
    return id <= UINT_MAX - 1 && strcmp(canonical, name) == 0 ? id : -1;
}

static int save_digit(const dp_userset *u, const dp_user_digit *d)
{
    char path[PATH_MAX], *text;
    size_t len;
    digit_path(u, d->id, path, sizeof path);
    if (dp_user_digit_format(d, &text, &len) != 0) return dp_prefix_error("cannot save %s", path);
    int rc = dp_write_file_atomic(path, text, len);
    free(text);
    return rc;
}

static int load_digit(dp_user_digit *d, const char *path, unsigned id)
{
    unsigned char *data;
    size_t len;
    if (dp_read_file(path, DIGIT_FILE_MAX, &data, &len) != 0) return -1;
    d->id = id;
    int rc = dp_user_digit_parse(d, (const char *)data, len, path);
    free(data);
    return rc;
}

static int grow_items(dp_userset *u)
{
    if (u->n < u->cap) return 0;
    if (u->n >= DP_USERSET_MAX) return dp_set_error("%s: already %d kept digits, the most one folder holds", u->dir, u->n);
    int cap = u->cap ? 2 * u->cap : 64;
    if (cap > DP_USERSET_MAX) cap = DP_USERSET_MAX;
    dp_user_digit *p = realloc(u->items, (size_t)cap * sizeof *p);
    if (!p) return dp_set_error("out of memory for kept digits");
    u->items = p;
    u->cap = cap;
    return 0;
}

/* Puts d at its place in id order (the caller made room). */
static int insert_sorted(dp_userset *u, const dp_user_digit *d)
{
    int at = u->n;
    while (at > 0 && u->items[at - 1].id > d->id) at--;
    memmove(u->items + at + 1, u->items + at, (size_t)(u->n - at) * sizeof *u->items);
    u->items[at] = *d;
    u->n++;
    return at;
}

static void note_bad(dp_userset *u)
{
    if (!u->n_bad++) snprintf(u->bad, sizeof u->bad, "%s", dp_error());
}

/* One entry of the folder: a kept digit is loaded, anything else ignored. */
static int read_entry(void *ctx, const char *name)
{
    dp_userset *u = ctx;
    long long id = id_of_name(name);
    if (id < 0) return 0;
    if ((unsigned)id >= u->next_id) u->next_id = (unsigned)id + 1;
    char path[PATH_MAX];
    digit_path(u, (unsigned)id, path, sizeof path);
    dp_user_digit digit = {0};
    dp_strokes_init(&digit.strokes);
    if (load_digit(&digit, path, (unsigned)id) != 0) {
        note_bad(u);
        return 0;
    }
    if (grow_items(u) != 0) {
        dp_strokes_free(&digit.strokes);
        return -1;
    }
    insert_sorted(u, &digit);
    return 0;
}

int dp_userset_open(dp_userset *u, const char *dir)
{
    memset(u, 0, sizeof *u);
    if (strlen(dir) >= sizeof u->dir) return dp_set_error("%s: folder name too long", dir);
    snprintf(u->dir, sizeof u->dir, "%s", dir);
    if (dp_make_dirs(dir) != 0) return -1;
    if (dp_list_dir(dir, read_entry, u) != 0) {
        char why[512];
        snprintf(why, sizeof why, "%s", dp_error());
        dp_userset_free(u);
        return dp_set_error("%s", why);
    }
    return 0;
}

void dp_userset_free(dp_userset *u)
{
    for (int i = 0; i < u->n; i++) dp_strokes_free(&u->items[i].strokes);
    free(u->items);
    u->items = NULL;
    u->n = u->cap = 0;
}

int dp_userset_count(const dp_userset *u, int label, int split)
{
    int n = 0;
    for (int i = 0; i < u->n; i++)
        n += (label < 0 || u->items[i].label == label) && (split < 0 || u->items[i].split == split);
    return n;
}

int dp_userset_find(const dp_userset *u, unsigned id)
{
    for (int i = 0; i < u->n; i++)
        if (u->items[i].id == id) return i;
    return -1;
}

int dp_userset_next_split(const dp_userset *u, int label)
{
    int total = dp_userset_count(u, label, -1) + 1, tests = dp_userset_count(u, label, DP_SPLIT_TEST);
    return tests < (total + 3) / 5 ? DP_SPLIT_TEST : DP_SPLIT_TRAIN;
}

/* The image the network gets for a drawing, as bytes. */
static int prepare_image(uint8_t *image, const dp_strokes *s)
{
    float *canvas = dp_alloc_floats(DP_CANVAS * DP_CANVAS), input[IMAGE_BYTES];
    if (!canvas) return -1;
    int rc = dp_strokes_to_input(input, canvas, s, DP_BRUSH_AUTO, NULL);
    free(canvas);
    if (rc != 1) return dp_set_error("nothing to keep: the drawing has too little ink to be a digit");
    for (int i = 0; i < IMAGE_BYTES; i++) {
        float v = input[i] * 255.0f + 0.5f;
        image[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
    return 0;
}

static int check_label(int label)
{
    return label >= 0 && label <= 9 ? 0 : dp_set_error("bad label %d (a digit is 0-9)", label);
}

int dp_userset_add(dp_userset *u, const dp_strokes *s, int label, int split)
{
    if (check_label(label) != 0) return -1;
    if (split != DP_SPLIT_AUTO && split != DP_SPLIT_TRAIN && split != DP_SPLIT_TEST)
        return dp_set_error("bad split %d", split);
    /* Another program (digitpad keep, a second window) may have kept digits
     * in the folder since it was read: never write over one of them. */
    char path[PATH_MAX];
    for (;;) {
        if (u->next_id == UINT_MAX) return dp_set_error("%s: no digit ids left", u->dir);
        digit_path(u, u->next_id, path, sizeof path);
        if (dp_path_kind_of(path) == DP_PATH_MISSING) break;
        u->next_id++;
    }
    if (grow_items(u) != 0) return -1;
    dp_user_digit d = {.id = u->next_id, .label = label, .kept_at = (long long)time(NULL)};
    d.split = split == DP_SPLIT_AUTO ? dp_userset_next_split(u, label) : split;
    dp_strokes_init(&d.strokes);
    if (prepare_image(d.image, s) != 0 || dp_strokes_copy(&d.strokes, s) != 0 || save_digit(u, &d) != 0) {
        dp_strokes_free(&d.strokes);
        return -1;
    }
    u->next_id++;
    return insert_sorted(u, &d);
}

int dp_userset_relabel(dp_userset *u, int index, int label)
{
    if (index < 0 || index >= u->n) return dp_set_error("no kept digit %d", index);
    if (check_label(label) != 0) return -1;
    dp_user_digit changed = u->items[index];   /* shares the strokes; only the label differs */
    changed.label = label;
    if (save_digit(u, &changed) != 0) return -1;
    u->items[index].label = label;
    return 0;
}

int dp_userset_remove(dp_userset *u, int index, dp_user_digit *removed)
{
    if (index < 0 || index >= u->n) return dp_set_error("no kept digit %d", index);
    char path[PATH_MAX];
    digit_path(u, u->items[index].id, path, sizeof path);
    if (dp_remove_file(path) != 0) return -1;
    if (removed) *removed = u->items[index];
    else dp_strokes_free(&u->items[index].strokes);
    memmove(u->items + index, u->items + index + 1, (size_t)(u->n - index - 1) * sizeof *u->items);
    u->n--;
    return 0;
}

int dp_userset_restore(dp_userset *u, dp_user_digit *d)
{
    int rc = -1;
    char path[PATH_MAX];
    digit_path(u, d->id, path, sizeof path);
    if (dp_userset_find(u, d->id) >= 0 || dp_path_kind_of(path) != DP_PATH_MISSING) dp_set_error("kept digit %u is already there", d->id);
    else if (check_label(d->label) == 0 && grow_items(u) == 0 && save_digit(u, d) == 0) rc = 0;
    if (rc) {
        dp_strokes_free(&d->strokes);
        return -1;
    }
    if (d->id >= u->next_id) u->next_id = d->id + 1;
    return insert_sorted(u, d);
}

/* ---- as data ------------------------------------------------------------------ */

int dp_userset_dataset(const dp_userset *u, int split, dp_dataset *out)
{
    memset(out, 0, sizeof *out);
    out->rows = out->cols = 28;
    int n = dp_userset_count(u, -1, split);
    if (n == 0) return 0;
    out->images = dp_alloc((size_t)n, IMAGE_BYTES);
    out->labels = dp_alloc((size_t)n, 1);
    if (!out->images || !out->labels) {
        dp_dataset_free(out);
        return -1;
    }
    for (int i = 0; i < u->n; i++) {
        if (split >= 0 && u->items[i].split != split) continue;
        memcpy(out->images + (size_t)out->n * IMAGE_BYTES, u->items[i].image, IMAGE_BYTES);
        out->labels[out->n++] = (uint8_t)u->items[i].label;
    }
    return 0;
}

/* Writes (or, for an empty split, removes) DIR/WHICH-images and -labels. */
static int export_split(const dp_userset *u, const char *dir, int split, const char *which)
{
    char images[PATH_MAX], labels[PATH_MAX];
    snprintf(images, sizeof images, "%s/%s-images-idx3-ubyte", dir, which);
    snprintf(labels, sizeof labels, "%s/%s-labels-idx1-ubyte", dir, which);
    dp_dataset ds;
    if (dp_userset_dataset(u, split, &ds) != 0) return -1;
    int rc;
    if (ds.n == 0) {
        rc = dp_remove_file(images) == 0 && dp_remove_file(labels) == 0 ? 0 : -1;
        for (const char *p = images; !rc && p; p = p == images ? labels : NULL) {   /* and gzipped leftovers */
            char gz[PATH_MAX + 4];
            snprintf(gz, sizeof gz, "%s.gz", p);
            rc = dp_remove_file(gz);
        }
    } else {
        rc = dp_idx_write_images(images, ds.images, ds.n, 28, 28) == 0 && dp_idx_write_labels(labels, ds.labels, ds.n) == 0
                 ? 0 : -1;
    }
    dp_dataset_free(&ds);
    return rc;
}

typedef struct {
    const dp_userset *u;
    const char *dir;
} stale_scan;

static int remove_if_stale(void *ctx, const char *name)
{
    const stale_scan *scan = ctx;
    long long id = id_of_name(name);
    if (id < 0 || dp_userset_find(scan->u, (unsigned)id) >= 0) return 0;
    char path[PATH_MAX + 256];
    snprintf(path, sizeof path, "%s/%s", scan->dir, name);
    return dp_remove_file(path);
}

/* Stroke files of an earlier export that are no longer kept go. */
static int remove_stale_strokes(const dp_userset *u, const char *strokes_dir)
{
    stale_scan scan = {u, strokes_dir};
    return dp_list_dir(strokes_dir, remove_if_stale, &scan);
}

int dp_userset_export(const dp_userset *u, const char *dir)
{
    char strokes_dir[PATH_MAX], path[PATH_MAX + 32];
    if (snprintf(strokes_dir, sizeof strokes_dir, "%s/strokes", dir) >= (int)sizeof strokes_dir - 32)
        return dp_set_error("%s: folder name too long", dir);
    if (dp_make_dirs(strokes_dir) != 0) return -1;
    if (export_split(u, dir, DP_SPLIT_TRAIN, "train") != 0 || export_split(u, dir, DP_SPLIT_TEST, "t10k") != 0 ||
        remove_stale_strokes(u, strokes_dir) != 0)
        return -1;
    size_t cap = 64 + (size_t)u->n * 48, len = 0;
    char *tsv = dp_alloc(cap, 1);
    if (!tsv) return -1;
    len += (size_t)snprintf(tsv, cap, "file\tlabel\tsplit\n");
    for (int i = 0; i < u->n; i++) {
        const dp_user_digit *d = &u->items[i];
        snprintf(path, sizeof path, "%s/digit-%06u.txt", strokes_dir, d->id);
        char *text;
        size_t tl;
        int rc = dp_user_digit_format(d, &text, &tl);
        if (rc == 0) rc = dp_write_file_atomic(path, text, tl), free(text);
        if (rc != 0) {
            free(tsv);
            return -1;
        }
        len += (size_t)snprintf(tsv + len, cap - len, "strokes/digit-%06u.txt\t%d\t%s\n", d->id, d->label,
                                d->split == DP_SPLIT_TEST ? "test" : "train");
    }
    snprintf(path, sizeof path, "%s/labels.tsv", dir);
    int rc = dp_write_file_atomic(path, tsv, len);
    free(tsv);
    return rc;
}

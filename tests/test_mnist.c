/* MNIST IDX reader: synthetic raw and gzip files, good and broken, then (if
 * DIGITPAD_MNIST is available) the real data set. The real-data part runs
 * last because check_mnist_dir() exits 77 when the data is missing. */
#include "harness.h"
#include "common.h"
#include "mnist.h"
#include "platform.h"

#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static char tmpdir[512];

/* The test's folder/NAME, valid until the next call. */
static const char *tmp_path(const char *name) { return check_path(tmpdir, name); }

static void write_gz(const char *path, const void *data, size_t len)
{
    gzFile gz = gzopen(path, "wb");
    CHECK(gz != NULL, "cannot create %s", path);
    if (!gz) return;
    CHECK(len == 0 || gzwrite(gz, data, (unsigned)len) == (int)len, "gzwrite %s", path);
    CHECK(gzclose(gz) == Z_OK, "gzclose %s", path);
}

/* Writes DATA raw to NAME and gzip'ed to NAME.gz. */
static void write_both(const char *name, const void *data, size_t len)
{
    char gzname[256];
    check_write_file(tmp_path(name), data, len);
    snprintf(gzname, sizeof gzname, "%s.gz", name);
    write_gz(tmp_path(gzname), data, len);
}

static size_t put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
    return 4;
}

/* An IDX3 image file in BUF: header then n*rows*cols pixels of a fixed,
 * position-dependent pattern (so a shifted or reordered read is caught). */
static size_t make_images(uint8_t *buf, uint32_t magic, uint32_t n, uint32_t rows, uint32_t cols)
{
    size_t len = put_be32(buf, magic);
    len += put_be32(buf + len, n);
    len += put_be32(buf + len, rows);
    len += put_be32(buf + len, cols);
    for (size_t i = 0; i < (size_t)n * rows * cols; i++) buf[len++] = (uint8_t)(i * 37 + i / 7);
    return len;
}

static size_t make_labels(uint8_t *buf, uint32_t n)
{
    size_t len = put_be32(buf, 0x00000801);
    len += put_be32(buf + len, n);
    for (uint32_t i = 0; i < n; i++) buf[len++] = (uint8_t)((i * 7 + 3) % 10);
    return len;
}

/* The error message must be present and name the file it is about. */
static void check_error_names(const char *path, const char *expect_word)
{
    const char *e = dp_error();
    CHECK(e[0] != 0, "%s: empty error message", path);
    CHECK(strstr(e, path) != NULL, "error does not name %s: \"%s\"", path, e);
    if (expect_word)
        CHECK(strstr(e, expect_word) != NULL, "%s: error lacks \"%s\": \"%s\"", path, expect_word, e);
}

/* Both readers must fail on PATH with a message naming it. */
static void expect_images_fail(const char *path, const char *expect_word)
{
    uint8_t *px = (uint8_t *)1;
    int n = -1, r = -1, c = -1;
    dp_set_error("%s", "");
    CHECK(dp_idx_read_images(path, &px, &n, &r, &c) == -1, "%s: images should fail", path);
    CHECK(px == NULL && n == 0 && r == 0 && c == 0, "%s: outputs not cleared on failure", path);
    check_error_names(path, expect_word);
}

static void expect_labels_fail(const char *path, const char *expect_word)
{
    uint8_t *lb = (uint8_t *)1;
    int n = -1;
    dp_set_error("%s", "");
    CHECK(dp_idx_read_labels(path, &lb, &n) == -1, "%s: labels should fail", path);
    CHECK(lb == NULL && n == 0, "%s: outputs not cleared on failure", path);
    check_error_names(path, expect_word);
}

/* Good files, raw and gzip'ed, load with exactly the bytes written. */
static void test_good_files(void)
{
    static uint8_t img[16 + 5 * 3 * 4], lbl[8 + 9];
    size_t il = make_images(img, 0x00000803, 5, 3, 4), ll = make_labels(lbl, 9);
    write_both("good-images", img, il);
    write_both("good-labels", lbl, ll);
    const char *names[] = { "good-images", "good-images.gz" };
    for (int k = 0; k < 2; k++) {
        uint8_t *px = NULL;
        int n = 0, r = 0, c = 0;
        int rc = dp_idx_read_images(tmp_path(names[k]), &px, &n, &r, &c);
        CHECK(rc == 0, "%s: %s", names[k], dp_error());
        CHECK(n == 5 && r == 3 && c == 4, "%s: got %d x %dx%d", names[k], n, r, c);
        CHECK(px && memcmp(px, img + 16, 60) == 0, "%s: pixel bytes differ", names[k]);
        free(px);
    }
    const char *lnames[] = { "good-labels", "good-labels.gz" };
    for (int k = 0; k < 2; k++) {
        uint8_t *lb = NULL;
        int n = 0;
        CHECK(dp_idx_read_labels(tmp_path(lnames[k]), &lb, &n) == 0, "%s: %s", lnames[k], dp_error());
        CHECK(n == 9 && lb && memcmp(lb, lbl + 8, 9) == 0, "%s: label bytes differ", lnames[k]);
        free(lb);
    }
}

/* A large gzip file exercises the incremental buffer growth (>1 MiB). */
static void test_large_gz(void)
{
    uint32_t n = 3000;   /* 3000 * 28 * 28 = 2.35 MB of pixels */
    size_t cap = 16 + (size_t)n * 28 * 28;
    uint8_t *img = malloc(cap);
    CHECK(img != NULL, "malloc");
    if (!img) return;
    size_t il = make_images(img, 0x00000803, n, 28, 28);
    write_gz(tmp_path("large-images.gz"), img, il);
    uint8_t *px = NULL;
    int got = 0, r = 0, c = 0;
    CHECK(dp_idx_read_images(tmp_path("large-images.gz"), &px, &got, &r, &c) == 0, "%s", dp_error());
    CHECK(got == (int)n && r == 28 && c == 28, "large: %d x %dx%d", got, r, c);
    CHECK(px && memcmp(px, img + 16, il - 16) == 0, "large: pixel bytes differ");
    free(px);
    free(img);
}

/* Cut headers, cut data and extra bytes, raw and gzip'ed. */
static void test_sizes(void)
{
    static uint8_t img[16 + 4 * 28 * 28 + 8], lbl[8 + 20 + 8];
    size_t il = make_images(img, 0x00000803, 4, 28, 28), ll = make_labels(lbl, 20);
    write_both("short-header-images", img, 10);
    write_both("short-magic-images", img, 3);
    write_both("short-header-labels", lbl, 6);
    write_both("short-data-images", img, il - 100);
    write_both("short-data-labels", lbl, ll - 1);
    memset(img + il, 0, 8);
    memset(lbl + ll, 0, 8);
    write_both("long-images", img, il + 5);
    write_both("long-labels", lbl, ll + 1);
    const char *suffix[] = { "", ".gz" };
    char name[256];
    for (int k = 0; k < 2; k++) {
#define P(base) (snprintf(name, sizeof name, "%s%s", base, suffix[k]), tmp_path(name))
        expect_images_fail(P("short-header-images"), "truncated header");
        expect_images_fail(P("short-magic-images"), "truncated header");
        expect_labels_fail(P("short-header-labels"), "truncated header");
        expect_images_fail(P("short-data-images"), "truncated: expected 3136 bytes of pixel data, got 3036");
        expect_labels_fail(P("short-data-labels"), "truncated");
        expect_images_fail(P("long-images"), "trailing");
        expect_labels_fail(P("long-labels"), "trailing");
#undef P
    }
}

/* Wrong magic numbers, data types and swapped files. */
static void test_magic(void)
{
    static uint8_t img[16 + 2 * 28 * 28], lbl[8 + 2];
    size_t il = make_images(img, 0x12345678, 2, 28, 28);
    write_both("bad-magic-images", img, il);
    il = make_images(img, 0x00000903, 2, 28, 28);   /* signed byte data */
    write_both("bad-type-images", img, il);
    il = make_images(img, 0x00000804, 2, 28, 28);   /* 4 dimensions */
    write_both("bad-dims-images", img, il);
    il = make_images(img, 0x00000803, 2, 28, 28);
    write_both("real-images", img, il);
    size_t ll = make_labels(lbl, 2);
    write_both("real-labels", lbl, ll);

    expect_images_fail(tmp_path("bad-magic-images"), "wrong magic number: expected 0x00000803");
    expect_images_fail(tmp_path("bad-type-images.gz"), "expected 0x08");
    expect_images_fail(tmp_path("bad-dims-images"), "wrong magic");
    /* Labels passed as images and images as labels: the message says so. */
    expect_images_fail(tmp_path("real-labels"), "found 0x00000801 (an IDX1 label file)");
    expect_images_fail(tmp_path("real-labels.gz"), "label file");
    expect_labels_fail(tmp_path("real-images"), "found 0x00000803 (an IDX3 image file)");
    expect_labels_fail(tmp_path("real-images.gz"), "image file");
}

/* Out-of-range header fields and label values. */
static void test_values(void)
{
    static uint8_t img[16 + 64], lbl[8 + 5];
    size_t ll = make_labels(lbl, 5);
    lbl[8 + 3] = 10;
    write_both("label-10", lbl, ll);
    expect_labels_fail(tmp_path("label-10"), "label 10 at index 3");
    expect_labels_fail(tmp_path("label-10.gz"), "out of range 0..9");

    size_t il = make_images(img, 0x00000803, 0, 28, 28);
    write_both("zero-count-images", img, il);
    expect_images_fail(tmp_path("zero-count-images"), "item count 0");
    expect_images_fail(tmp_path("zero-count-images.gz"), "item count 0");
    ll = make_labels(lbl, 0);
    write_both("zero-count-labels", lbl, ll);
    expect_labels_fail(tmp_path("zero-count-labels.gz"), "item count 0");

    il = make_images(img, 0x00000803, 1, 0, 28);
    write_both("zero-rows-images", img, il);
    expect_images_fail(tmp_path("zero-rows-images"), "out of range");
    il = make_images(img, 0x00000803, 1, 8, 8);
    put_be32(img + 12, 1025);   /* absurd width, tiny file */
    write_both("wide-images", img, il);
    expect_images_fail(tmp_path("wide-images.gz"), "8x1025");
    put_be32(img + 4, DP_MNIST_MAX_ITEMS + 1);
    put_be32(img + 12, 8);
    write_both("many-images", img, il);
    expect_images_fail(tmp_path("many-images"), "item count");
}

/* Headers that claim far more data than a tiny file holds must fail
 * from the header and must not allocate the claimed size. Runs in a child whose data limit
 * (which covers malloc's mmaps) is far below the claimed sizes, so an eager
 * allocation fails with "out of memory" instead of "truncated". ASan
 * reserves huge shadow mappings, so the limit is only set without it. */
static void run_huge_headers(void)
{
    static uint8_t img[16 + 64], lbl[8 + 8];
    /* 1000 x 1024 x 1024 = 1000 MB claimed, under the 1 GiB payload cap. */
    size_t il = make_images(img, 0x00000803, 1, 8, 8);
    put_be32(img + 4, 1000);
    put_be32(img + 8, 1024);
    put_be32(img + 12, 1024);
    write_both("huge-images", img, il);
    size_t ll = make_labels(lbl, 8);
    put_be32(lbl + 4, DP_MNIST_MAX_ITEMS);
    write_both("huge-labels", lbl, ll);
    /* Past the cap: rejected from the header alone. */
    put_be32(img + 4, DP_MNIST_MAX_ITEMS);
    write_both("absurd-images", img, il);

    double t0 = dp_now();
    expect_images_fail(tmp_path("huge-images"), "truncated: expected 1048576000 bytes of pixel data, got 64");
    expect_images_fail(tmp_path("huge-images.gz"), "truncated: expected 1048576000 bytes of pixel data, got 64");
    expect_labels_fail(tmp_path("huge-labels"), "truncated");
    expect_labels_fail(tmp_path("huge-labels.gz"), "truncated");
    expect_images_fail(tmp_path("absurd-images"), "more than");
    expect_images_fail(tmp_path("absurd-images.gz"), "more than");
    /* How fast is not checked (a loaded machine is slow); the data limit
     * above is what catches an eager allocation. */
    printf("huge headers rejected in %.3f s\n", dp_now() - t0);
}

/* In a child, whose data limit catches an eager allocation. */
static int huge_headers_child(void *ctx)
{
    (void)ctx;
#ifndef __SANITIZE_ADDRESS__
    struct rlimit lim = { 256u << 20, 256u << 20 };
    if (setrlimit(RLIMIT_DATA, &lim) != 0) perror("setrlimit");
#endif
    run_huge_headers();
    return check_failures ? 1 : 0;
}

static void test_huge_headers(void)
{
    int rc = check_in_child(huge_headers_child, NULL);
    CHECK(rc == 0, "huge-header child failed (exit status %d; -1: killed or not started)", rc);
}

/* Damaged gzip streams: flipped bytes in the middle and a cut-off file. */
static void test_corrupt_gzip(void)
{
    static uint8_t img[16 + 50 * 28 * 28];
    size_t il = make_images(img, 0x00000803, 50, 28, 28);
    const char *path = tmp_path("corrupt-images.gz");
    write_gz(path, img, il);
    unsigned char *gz = NULL;
    size_t gzlen = 0;
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL, "reopen %s", path);
    if (!f) return;
    gz = malloc(il + 1024);
    gzlen = fread(gz, 1, il + 1024, f);
    fclose(f);
    CHECK(gzlen > 100, "gz too small (%zu)", gzlen);

    check_write_file(tmp_path("cut-images.gz"), gz, gzlen / 2);
    expect_images_fail(tmp_path("cut-images.gz"), "truncated");
    check_write_file(tmp_path("no-trailer-images.gz"), gz, gzlen - 4);   /* CRC ok, length field cut */
    expect_images_fail(tmp_path("no-trailer-images.gz"), "gzip");
    for (size_t i = gzlen / 2; i < gzlen / 2 + 8; i++) gz[i] ^= 0x5a;
    check_write_file(path, gz, gzlen);
    expect_images_fail(path, NULL);
    for (size_t i = gzlen / 2; i < gzlen / 2 + 8; i++) gz[i] ^= 0x5a;
    gz[gzlen - 6] ^= 0xff;   /* only the CRC is wrong */
    check_write_file(tmp_path("crc-images.gz"), gz, gzlen);
    expect_images_fail(tmp_path("crc-images.gz"), "gzip");
    free(gz);
}

/* Empty file, missing file, directory. */
static void test_not_files(void)
{
    check_write_file(tmp_path("empty"), "", 0);
    expect_images_fail(tmp_path("empty"), "empty");
    expect_labels_fail(tmp_path("empty"), "empty");
    expect_images_fail(tmp_path("missing"), "No such file");
    expect_labels_fail(tmp_path("missing.gz"), "No such file");
    CHECK(mkdir(tmp_path("a-directory"), 0755) == 0, "mkdir");
    expect_images_fail(tmp_path("a-directory"), "directory");
    expect_labels_fail(tmp_path("a-directory"), "directory");
}

/* Writes a fake MNIST split WHICH into DIR_NAME under the temp dir. */
static void write_split(const char *dir_name, const char *which, uint32_t n_img,
                        uint32_t side, uint32_t n_lbl, int gz)
{
    static uint8_t img[16 + 10 * 32 * 32], lbl[8 + 16];
    char name[512];
    size_t il = make_images(img, 0x00000803, n_img, side, side), ll = make_labels(lbl, n_lbl);
    snprintf(name, sizeof name, "%s/%s-images-idx3-ubyte%s", dir_name, which, gz ? ".gz" : "");
    (gz ? write_gz : check_write_file)(tmp_path(name), img, il);
    /* Labels in the other form, to check both lookups. */
    snprintf(name, sizeof name, "%s/%s-labels-idx1-ubyte%s", dir_name, which, gz ? "" : ".gz");
    (gz ? check_write_file : write_gz)(tmp_path(name), lbl, ll);
}

static void test_mnist_load(void)
{
    char dir[4096];
    mkdir(tmp_path("split"), 0755);
    snprintf(dir, sizeof dir, "%s", tmp_path("split"));
    CHECK(dp_mnist_present(dir) == 0, "empty dir reported present");
    dp_dataset ds;
    CHECK(dp_mnist_load(&ds, dir, "train") == -1, "missing split loaded");
    CHECK(strstr(dp_error(), "train-images-idx3-ubyte") != NULL, "missing: \"%s\"", dp_error());

    write_split("split", "train", 6, 28, 6, 1);
    CHECK(dp_mnist_present(dir) == 0, "half a data set reported present");
    write_split("split", "t10k", 3, 28, 3, 0);
    CHECK(dp_mnist_present(dir) == 1, "complete data set not reported present");
    CHECK(dp_mnist_load(&ds, dir, "train") == 0, "train: %s", dp_error());
    CHECK(ds.n == 6 && ds.rows == 28 && ds.cols == 28, "train: %d x %dx%d", ds.n, ds.rows, ds.cols);
    CHECK(ds.images && ds.labels && ds.labels[1] == 0 && ds.images[1] == 37, "train contents");
    dp_dataset_free(&ds);
    CHECK(ds.images == NULL && ds.labels == NULL && ds.n == 0, "free did not zero");
    dp_dataset_free(&ds);   /* safe twice */
    CHECK(dp_mnist_load(&ds, dir, "t10k") == 0 && ds.n == 3, "t10k: %s", dp_error());
    dp_dataset_free(&ds);
    CHECK(dp_mnist_load(&ds, dir, "valid") == -1 && strstr(dp_error(), "valid"), "bad split name");

    write_split("split", "t10k", 5, 28, 4, 0);   /* count mismatch */
    CHECK(dp_mnist_load(&ds, dir, "t10k") == -1, "count mismatch loaded");
    CHECK(strstr(dp_error(), "5 images") && strstr(dp_error(), "4 labels"), "mismatch: \"%s\"", dp_error());
    CHECK(ds.images == NULL && ds.labels == NULL && ds.n == 0, "failed load left data");
    write_split("split", "t10k", 4, 32, 4, 0);   /* wrong size */
    CHECK(dp_mnist_load(&ds, dir, "t10k") == -1, "32x32 loaded");
    CHECK(strstr(dp_error(), "32x32") && strstr(dp_error(), "t10k-images"), "size: \"%s\"", dp_error());
}

static void check_real_split(const char *dir, const char *which, int n, const int counts[10])
{
    dp_dataset ds;
    double t0 = dp_now();
    int rc = dp_mnist_load(&ds, dir, which);
    CHECK(rc == 0, "%s: %s", which, dp_error());
    if (rc != 0) return;
    CHECK(ds.n == n && ds.rows == 28 && ds.cols == 28, "%s: %d x %dx%d", which, ds.n, ds.rows, ds.cols);
    int seen[10] = { 0 };
    for (int i = 0; i < ds.n; i++) seen[ds.labels[i]]++;
    for (int d = 0; d < 10; d++)
        CHECK(seen[d] == counts[d], "%s: %d labels of digit %d, expected %d", which, seen[d], d, counts[d]);
    /* Well-known first labels: train starts with a 5, test with a 7. */
    CHECK(ds.labels[0] == (strcmp(which, "train") == 0 ? 5 : 7), "%s: first label %d", which, ds.labels[0]);
    printf("%s: %d images loaded in %.2f s\n", which, ds.n, dp_now() - t0);
    dp_dataset_free(&ds);
}

int main(void)
{
    check_temp_dir(tmpdir, sizeof tmpdir, "dp-test-mnist");
    test_good_files();
    test_large_gz();
    test_sizes();
    test_magic();
    test_values();
    test_huge_headers();
    test_corrupt_gzip();
    test_not_files();
    test_mnist_load();
    check_remove_tree(tmpdir);
    if (check_failures) return check_report("mnist (synthetic)");
    printf("mnist: synthetic checks passed\n");
    fflush(stdout);

    const char *dir = check_mnist_dir();   /* may exit 77 (skip) or 1 (CI) */
    CHECK(dp_mnist_present(dir) == 1, "%s: MNIST not complete", dir);
    static const int train[10] = { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 };
    static const int test[10] = { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 };
    check_real_split(dir, "train", 60000, train);
    check_real_split(dir, "t10k", 10000, test);
    return check_report("mnist");
}

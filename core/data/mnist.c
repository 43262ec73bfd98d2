/* MNIST IDX reader. Files may be raw or gzip-compressed: zlib's gzread reads
 * both. Every header field is validated before anything is allocated, and
 * the payload buffer only grows as bytes actually arrive, so a tiny hostile
 * file can never make us allocate gigabytes. */
#include "mnist.h"
#include "common.h"
#include "platform.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define IDX_IMAGES_MAGIC 0x00000803u
#define IDX_LABELS_MAGIC 0x00000801u
#define IDX_UBYTE 0x08u
#define IDX_MAX_SIDE 1024
/* Largest payload we accept (1 GiB); MNIST train images are 47 MB. Beyond it a
 * header is far more likely hostile or corrupt than a real data set. */
#define IDX_MAX_PAYLOAD ((size_t)1 << 30)
/* First allocation for compressed payloads; doubled as data arrives. */
#define IDX_FIRST_CHUNK ((size_t)1 << 20)

typedef struct {
    const char *path;
    gzFile gz;
    int direct;          /* 1 when the file is not gzip-compressed */
    long long raw_size;  /* size on disk, exact payload check for raw files */
} idx_file;

/* Opens PATH for reading, refusing non-regular and empty files up front so
 * that every later error can be about the content. */
static int idx_open(idx_file *f, const char *path)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    long long size;
    int fd = dp_open_regular(path, &size);
    if (fd < 0) return -1;
    if (size == 0) {
        close(fd);
        return dp_set_error("%s: empty file", path);
    }
    f->raw_size = size;
    f->gz = gzdopen(fd, "rb");   /* takes ownership of fd on success */
    if (!f->gz) {
        close(fd);
        return dp_set_error("%s: cannot read: out of memory", path);
    }
    gzbuffer(f->gz, 1 << 17);
    f->direct = gzdirect(f->gz);   /* looks at the first bytes for the gzip magic */
    return 0;
}

static void idx_close(idx_file *f)
{
    if (f->gz) gzclose(f->gz);
    f->gz = NULL;
}

/* If zlib recorded an error (corrupt or cut-off stream), sets our message and
 * returns -1; otherwise returns 0. Z_BUF_ERROR is zlib's "unexpected end of
 * file" for a gzip stream that stops before its end. */
static int idx_check_stream(idx_file *f)
{
    int err = Z_OK;
    const char *msg = gzerror(f->gz, &err);
    if (err == Z_OK) return 0;
    const char *sep = strstr(msg, ": ");   /* drop zlib's "<fd:N>: " prefix */
    if (sep) msg = sep + 2;
    if (err == Z_BUF_ERROR)
        return dp_set_error("%s: truncated gzip stream (%s)", f->path, msg);
    return dp_set_error("%s: corrupt gzip data: %s", f->path, msg);
}

/* Reads up to LEN bytes, stopping early only at end of data. Returns the
 * number read, or -1 with the error set on a stream error. */
static long long idx_read(idx_file *f, void *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        size_t want = len - got;
        if (want > (size_t)INT_MAX) want = (size_t)INT_MAX;   /* gzread returns int */
        int r = gzread(f->gz, (unsigned char *)buf + got, (unsigned)want);
        if (r < 0) return idx_check_stream(f);
        if (r == 0) break;
        got += (size_t)r;
    }
    if (got < len && idx_check_stream(f) != 0) return -1;
    return (long long)got;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Describes what a magic number looks like, to make "you passed the labels
 * file as images" obvious from the message. */
static const char *magic_hint(uint32_t magic)
{
    if (magic == IDX_IMAGES_MAGIC) return " (an IDX3 image file)";
    if (magic == IDX_LABELS_MAGIC) return " (an IDX1 label file)";
    if ((magic >> 16) == 0x1f8b) return " (gzip data inside a gzip file?)";
    return "";
}

/* Checks the 4-byte magic: two zero bytes, type 0x08, then NDIMS. */
static int idx_check_magic(idx_file *f, uint32_t magic, uint32_t want)
{
    if ((magic >> 16) != 0 || (magic & 0xffu) != (want & 0xffu))
        return dp_set_error("%s: wrong magic number: expected 0x%08x%s, found 0x%08x%s",
                            f->path, want, magic_hint(want), magic, magic_hint(magic));
    if (((magic >> 8) & 0xffu) != IDX_UBYTE)
        return dp_set_error("%s: unsupported IDX data type 0x%02x (magic 0x%08x): "
                            "expected 0x08 (unsigned byte)",
                            f->path, (magic >> 8) & 0xffu, magic);
    return 0;
}

/* Reads and validates the header: magic, then NDIMS big-endian sizes. The
 * first size is the item count, the others (rows, cols) must be 1..1024. */
static int idx_read_header(idx_file *f, uint32_t want_magic, uint32_t dims[3])
{
    unsigned char hdr[16];
    size_t ndims = want_magic & 0xffu;
    size_t hdr_len = 4 + 4 * ndims;
    long long got = idx_read(f, hdr, hdr_len);
    if (got < 0) return -1;
    if ((size_t)got < 4)
        return dp_set_error("%s: truncated header: expected %zu bytes, got %lld",
                            f->path, hdr_len, got);
    if (idx_check_magic(f, be32(hdr), want_magic) != 0) return -1;
    if ((size_t)got < hdr_len)
        return dp_set_error("%s: truncated header: expected %zu bytes, got %lld",
                            f->path, hdr_len, got);
    for (size_t i = 0; i < ndims; i++) dims[i] = be32(hdr + 4 + 4 * i);
    if (dims[0] == 0 || dims[0] > DP_MNIST_MAX_ITEMS)
        return dp_set_error("%s: item count %u out of range 1..%d",
                            f->path, dims[0], DP_MNIST_MAX_ITEMS);
    for (size_t i = 1; i < ndims; i++)
        if (dims[i] == 0 || dims[i] > IDX_MAX_SIDE)
            return dp_set_error("%s: image size %ux%u out of range 1..%d",
                                f->path, dims[1], dims[2], IDX_MAX_SIDE);
    return 0;
}

/* A raw file's length is known before reading: check it against the header
 * so a lying header is reported without allocating anything. */
static int idx_check_raw_size(idx_file *f, size_t hdr_len, size_t expected, const char *what)
{
    unsigned long long have = (unsigned long long)f->raw_size - hdr_len;
    if (have < expected)
        return dp_set_error("%s: truncated: expected %zu bytes of %s, got %llu",
                            f->path, expected, what, have);
    if (have > expected)
        return dp_set_error("%s: trailing data: expected %zu bytes of %s, file has %llu",
                            f->path, expected, what, have);
    return 0;
}

/* Grows *buf to FIRST bytes, or doubles it, never beyond EXPECTED. */
static int idx_grow(idx_file *f, uint8_t **buf, size_t *cap, size_t first, size_t expected)
{
    size_t next = *cap == 0 ? first : *cap * 2;
    if (next > expected || next < *cap) next = expected;
    uint8_t *p = realloc(*buf, next);
    if (!p) return dp_set_error("%s: out of memory allocating %zu bytes", f->path, next);
    *buf = p;
    *cap = next;
    return 0;
}

/* Reads exactly EXPECTED payload bytes, then requires end of data (reading
 * on also makes zlib verify the gzip CRC). The buffer grows only as data
 * arrives, so memory stays proportional to what the file really holds. */
static int idx_read_payload(idx_file *f, size_t expected, const char *what, uint8_t **out)
{
    uint8_t *buf = NULL;
    size_t cap = 0, have = 0;
    /* A raw file's size was already checked against EXPECTED: read it in one go. */
    size_t first = f->direct ? expected : IDX_FIRST_CHUNK;
    while (have < expected) {
        if (have == cap && idx_grow(f, &buf, &cap, first, expected) != 0) goto fail;
        long long r = idx_read(f, buf + have, cap - have);
        if (r < 0) goto fail;
        have += (size_t)r;
        if (have < cap) break;   /* end of data before the buffer filled */
    }
    if (have < expected) {
        dp_set_error("%s: truncated: expected %zu bytes of %s, got %zu",
                     f->path, expected, what, have);
        goto fail;
    }
    unsigned char extra;
    long long r = idx_read(f, &extra, 1);
    if (r < 0) goto fail;
    if (r > 0) {
        dp_set_error("%s: trailing data after the %zu bytes of %s", f->path, expected, what);
        goto fail;
    }
    *out = buf;
    return 0;
fail:
    free(buf);
    return -1;
}

/* Computes the payload size of COUNT items of ITEM bytes with overflow and
 * sanity checks. */
static int idx_payload_size(idx_file *f, size_t count, size_t item, size_t *out)
{
    if (!dp_mul_size(count, item, out) || *out > IDX_MAX_PAYLOAD)
        return dp_set_error("%s: header claims %zu items of %zu bytes, more than the "
                            "%zu bytes we accept", f->path, count, item, IDX_MAX_PAYLOAD);
    return 0;
}

int dp_idx_read_images(const char *path, uint8_t **pixels, int *n, int *rows, int *cols)
{
    *pixels = NULL;
    *n = *rows = *cols = 0;
    idx_file f;
    uint32_t dims[3] = { 0, 0, 0 };
    size_t expected;
    if (idx_open(&f, path) != 0) return -1;
    if (idx_read_header(&f, IDX_IMAGES_MAGIC, dims) != 0 ||
        idx_payload_size(&f, dims[0], (size_t)dims[1] * dims[2], &expected) != 0 ||
        (f.direct && idx_check_raw_size(&f, 16, expected, "pixel data") != 0) ||
        idx_read_payload(&f, expected, "pixel data", pixels) != 0) {
        idx_close(&f);
        return -1;
    }
    idx_close(&f);
    *n = (int)dims[0];
    *rows = (int)dims[1];
    *cols = (int)dims[2];
    return 0;
}

/* Labels outside 0..9 would index past a 10-way softmax: refuse them. */
static int check_labels(const char *path, const uint8_t *labels, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (labels[i] > 9)
            return dp_set_error("%s: label %u at index %zu is out of range 0..9",
                                path, labels[i], i);
    return 0;
}

int dp_idx_read_labels(const char *path, uint8_t **labels, int *n)
{
    *labels = NULL;
    *n = 0;
    idx_file f;
    uint32_t dims[3] = { 0, 0, 0 };
    if (idx_open(&f, path) != 0) return -1;
    if (idx_read_header(&f, IDX_LABELS_MAGIC, dims) != 0 ||
        (f.direct && idx_check_raw_size(&f, 8, dims[0], "label data") != 0) ||
        idx_read_payload(&f, dims[0], "label data", labels) != 0) {
        idx_close(&f);
        return -1;
    }
    idx_close(&f);
    if (check_labels(path, *labels, dims[0]) != 0) {
        free(*labels);
        *labels = NULL;
        return -1;
    }
    *n = (int)dims[0];
    return 0;
}

static int is_regular_file(const char *path) { return dp_path_kind_of(path) == DP_PATH_FILE; }

/* Finds DIR/NAME.gz, else DIR/NAME, into OUT (PATH_MAX bytes). Returns 0 if
 * either exists; otherwise sets an error naming both paths tried. */
static int find_mnist_file(char *out, const char *dir, const char *name)
{
    int len = snprintf(out, PATH_MAX, "%s/%s.gz", dir, name);
    if (len < 0 || len >= PATH_MAX) return dp_set_error("%s: path too long", dir);
    if (is_regular_file(out)) return 0;
    out[len - 3] = 0;   /* drop ".gz" */
    if (is_regular_file(out)) return 0;
    return dp_set_error("MNIST file not found: %s (also tried %s.gz)", out, out);
}

/* Builds the path of one MNIST file of split WHICH ("images" or "labels"). */
static int mnist_path(char *out, const char *dir, const char *which, const char *kind)
{
    char name[64];
    const char *idx = strcmp(kind, "images") == 0 ? "idx3" : "idx1";
    snprintf(name, sizeof name, "%s-%s-%s-ubyte", which, kind, idx);
    return find_mnist_file(out, dir, name);
}

/* Checks that images and labels describe the same MNIST split. */
static int check_split(const dp_dataset *ds, int n_labels, const char *img, const char *lbl)
{
    if (ds->rows != 28 || ds->cols != 28)
        return dp_set_error("%s: images are %dx%d, MNIST images are 28x28",
                            img, ds->rows, ds->cols);
    if (ds->n != n_labels)
        return dp_set_error("%s has %d images but %s has %d labels",
                            img, ds->n, lbl, n_labels);
    return 0;
}

int dp_mnist_load(dp_dataset *ds, const char *dir, const char *which)
{
    memset(ds, 0, sizeof *ds);
    if (strcmp(which, "train") != 0 && strcmp(which, "t10k") != 0)
        return dp_set_error("unknown MNIST split \"%s\" (expected \"train\" or \"t10k\")", which);
    char img[PATH_MAX], lbl[PATH_MAX];
    if (mnist_path(img, dir, which, "images") != 0 || mnist_path(lbl, dir, which, "labels") != 0)
        return -1;
    int n_labels = 0;
    if (dp_idx_read_images(img, &ds->images, &ds->n, &ds->rows, &ds->cols) != 0 ||
        dp_idx_read_labels(lbl, &ds->labels, &n_labels) != 0 ||
        check_split(ds, n_labels, img, lbl) != 0) {
        dp_dataset_free(ds);
        return -1;
    }
    return 0;
}

const char *const dp_mnist_names[4] = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
};
const long dp_mnist_gz_bytes[4] = {9912422, 28881, 1648877, 4542};

int dp_mnist_present(const char *dir)
{
    const char *const *names = dp_mnist_names;
    char path[PATH_MAX];
    char saved[512];
    /* Probing is not an error: keep the caller's error message intact. */
    snprintf(saved, sizeof saved, "%s", dp_error());
    int ok = 1;
    for (size_t i = 0; i < 4 && ok; i++)
        ok = find_mnist_file(path, dir, names[i]) == 0;
    dp_set_error("%s", saved);
    return ok;
}

void dp_dataset_free(dp_dataset *ds)
{
    if (!ds) return;
    free(ds->images);
    free(ds->labels);
    memset(ds, 0, sizeof *ds);
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Header (magic, then the sizes) and payload in one buffer, saved atomically. */
static int idx_write(const char *path, uint32_t magic, const uint32_t *dims, int ndims, const uint8_t *data,
                     size_t bytes)
{
    if (dims[0] < 1 || dims[0] > DP_MNIST_MAX_ITEMS)
        return dp_set_error("cannot save %s: %u items (1..%d can be read back)", path, dims[0], DP_MNIST_MAX_ITEMS);
    size_t hdr = 4 + 4 * (size_t)ndims;
    unsigned char *buf = dp_alloc(hdr + bytes, 1);
    if (!buf) return dp_prefix_error("cannot save %s", path);
    put_be32(buf, magic);
    for (int i = 0; i < ndims; i++) put_be32(buf + 4 + 4 * i, dims[i]);
    memcpy(buf + hdr, data, bytes);
    int rc = dp_write_file_atomic(path, buf, hdr + bytes);
    free(buf);
    return rc;
}

int dp_idx_write_images(const char *path, const uint8_t *pixels, int n, int rows, int cols)
{
    if (rows < 1 || cols < 1 || rows > IDX_MAX_SIDE || cols > IDX_MAX_SIDE || n < 0)
        return dp_set_error("cannot save %s: image size %dx%d out of range", path, rows, cols);
    uint32_t dims[3] = {(uint32_t)n, (uint32_t)rows, (uint32_t)cols};
    return idx_write(path, IDX_IMAGES_MAGIC, dims, 3, pixels, (size_t)n * (size_t)rows * (size_t)cols);
}

int dp_idx_write_labels(const char *path, const uint8_t *labels, int n)
{
    for (int i = 0; i < n; i++)
        if (labels[i] > 9) return dp_set_error("cannot save %s: label %u at index %d is not 0..9", path, labels[i], i);
    uint32_t dims[1] = {(uint32_t)(n < 0 ? 0 : n)};
    return idx_write(path, IDX_LABELS_MAGIC, dims, 1, labels, (size_t)(n < 0 ? 0 : n));
}

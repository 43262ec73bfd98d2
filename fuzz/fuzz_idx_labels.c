/* IDX1 label files (dp_idx_read_labels), raw and gzip-compressed, read both
 * ways like fuzz_idx_images.c: an input that is not gzip is also read
 * gzip-compressed and both reads must agree. A file that loads must hold
 * only labels 0..9, which the trainer uses as indices. */
#include "fuzz.h"

#include "mnist.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int rc, n;
    uint8_t *labels;
} idx_labels;

static idx_labels read_labels(const uint8_t *data, size_t size)
{
    idx_labels r;
    r.rc = dp_idx_read_labels(fuzz_as_file(data, size), &r.labels, &r.n);
    FUZZ_ASSERT(r.rc == 0 ? r.labels && r.n > 0 : !r.labels && r.n == 0);
    return r;
}

/* Downstream of the reader: a class histogram, as evaluation builds one. */
static void use_labels(const idx_labels *r)
{
    int count[10] = {0};
    for (int i = 0; i < r->n; i++) {
        FUZZ_ASSERT(r->labels[i] <= 9);
        count[r->labels[i]]++;
    }
    int total = 0;
    for (int c = 0; c < 10; c++) total += count[c];
    FUZZ_ASSERT(total == r->n);
}

static void compare_gzipped(const uint8_t *data, size_t size, const idx_labels *raw)
{
    uint8_t *gz;
    size_t gz_len = fuzz_gzip(data, size, &gz);
    FUZZ_ASSERT(gz_len > 0);
    idx_labels z = read_labels(gz, gz_len);
    FUZZ_ASSERT(z.rc == raw->rc);
    if (z.rc == 0) FUZZ_ASSERT(z.n == raw->n && memcmp(z.labels, raw->labels, (size_t)z.n) == 0);
    free(z.labels);
    free(gz);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    idx_labels r = read_labels(data, size);
    if (r.rc == 0) use_labels(&r);
    int is_gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    if (!is_gzip) compare_gzipped(data, size, &r);
    free(r.labels);
    return 0;
}

/* IDX3 image files (dp_idx_read_images), raw and gzip-compressed. The
 * input is read as it is (zlib decides raw or gzip from its first bytes);
 * an input that is not gzip is also read again gzip-compressed, and both
 * reads must agree: the two paths through the reader (exact size checks on
 * raw files, a growing buffer on compressed ones) accept the same files. A
 * file that loads has its first image prepared for the network. */
#include "fuzz.h"

#include "mnist.h"
#include "preprocess.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int rc, n, rows, cols;
    uint8_t *pixels;
} idx_images;

static idx_images read_images(const uint8_t *data, size_t size)
{
    idx_images r;
    r.rc = dp_idx_read_images(fuzz_as_file(data, size), &r.pixels, &r.n, &r.rows, &r.cols);
    FUZZ_ASSERT(r.rc == 0 ? r.pixels && r.n > 0 && r.rows > 0 && r.cols > 0 : !r.pixels && r.n == 0);
    return r;
}

/* Downstream of the reader: the first image through the MNIST recipe. */
static void use_first_image(const idx_images *r)
{
    size_t px = (size_t)r->rows * (size_t)r->cols;
    float *img = malloc(px * sizeof *img), out[DP_PIXELS];
    FUZZ_ASSERT(img != NULL);
    for (size_t i = 0; i < px; i++) img[i] = (float)r->pixels[i] * (1.0f / 255.0f);
    int rc = dp_preprocess(out, img, r->cols, r->rows, NULL);
    FUZZ_ASSERT(rc == 0 || rc == 1);
    free(img);
}

/* The same bytes gzip-compressed must give the same result. */
static void compare_gzipped(const uint8_t *data, size_t size, const idx_images *raw)
{
    uint8_t *gz;
    size_t gz_len = fuzz_gzip(data, size, &gz);
    FUZZ_ASSERT(gz_len > 0);
    idx_images z = read_images(gz, gz_len);
    FUZZ_ASSERT(z.rc == raw->rc);
    if (z.rc == 0) {
        FUZZ_ASSERT(z.n == raw->n && z.rows == raw->rows && z.cols == raw->cols);
        FUZZ_ASSERT(memcmp(z.pixels, raw->pixels, (size_t)z.n * (size_t)z.rows * (size_t)z.cols) == 0);
    }
    free(z.pixels);
    free(gz);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    idx_images r = read_images(data, size);
    if (r.rc == 0) use_first_image(&r);
    int is_gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    if (!is_gzip) compare_gzipped(data, size, &r);
    free(r.pixels);
    return 0;
}

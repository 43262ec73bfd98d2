/* MNIST IDX files, raw or gzip-compressed, read with full validation. */
#ifndef DP_MNIST_H
#define DP_MNIST_H

#include <stdint.h>

#define DP_MNIST_MAX_ITEMS 10000000  /* sane upper bound on an IDX count */

/* n images of rows×cols bytes (0 = background, 255 = ink) with labels 0..9. */
typedef struct {
    int n, rows, cols;
    uint8_t *images;   /* n*rows*cols bytes, row-major, image after image */
    uint8_t *labels;   /* n bytes */
} dp_dataset;

/* Reads an IDX3 unsigned-byte image file (magic 0x00000803). The file may be
 * gzip-compressed or raw. On success *pixels is malloc'ed (caller frees). */
int dp_idx_read_images(const char *path, uint8_t **pixels, int *n, int *rows, int *cols);

/* Reads an IDX1 unsigned-byte label file (magic 0x00000801); every label must
 * be 0..9. On success *labels is malloc'ed (caller frees). */
int dp_idx_read_labels(const char *path, uint8_t **labels, int *n);

/* Write uncompressed IDX files (images: n × rows × cols bytes; labels: n
 * bytes, each 0..9), atomically, so the readers above and other MNIST tools
 * read them back. n must be at least 1 (the readers refuse empty files). */
int dp_idx_write_images(const char *path, const uint8_t *pixels, int n, int rows, int cols);
int dp_idx_write_labels(const char *path, const uint8_t *labels, int n);

/* Loads one MNIST split from DIR: which is "train" or "t10k". Looks for
 * WHICH-images-idx3-ubyte(.gz) and WHICH-labels-idx1-ubyte(.gz); counts must
 * match and images must be 28×28. Returns 0, or -1 with dp_error() set. */
int dp_mnist_load(dp_dataset *ds, const char *dir, const char *which);

/* The four MNIST files' names, without ".gz": training images and labels,
 * then test images and labels; and the sizes of the four .gz files as
 * published (for a download's progress). */
extern const char *const dp_mnist_names[4];
extern const long dp_mnist_gz_bytes[4];

/* 1 if DIR holds all four MNIST files (raw or .gz), else 0. */
int dp_mnist_present(const char *dir);

/* Releases what dp_mnist_load allocated; safe on a zeroed or freed dataset. */
void dp_dataset_free(dp_dataset *ds);

#endif

/* Writes drawings in the personal style of tests/style.h as stroke files,
 * for the command-line and window tests of fine-tuning:
 *   make_style MNIST_DIR OUT_DIR PER_DIGIT SEED
 * writes OUT_DIR/style-D-NNN.txt, PER_DIGIT of each digit D (shaped after
 * MNIST training digits, counting from the end of the set, so a different
 * seed gives other drawings of the same shapes), and OUT_DIR/labels.tsv. */
#include "common.h"
#include "mnist.h"
#include "preprocess.h"
#include "style.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: make_style MNIST_DIR OUT_DIR PER_DIGIT SEED\n");
        return 2;
    }
    int per_digit = atoi(argv[3]);
    dp_dataset train;
    if (dp_mnist_load(&train, argv[1], "train") != 0) {
        fprintf(stderr, "make_style: %s\n", dp_error());
        return 1;
    }
    dp_rng r;
    dp_rng_seed(&r, strtoull(argv[4], NULL, 10));
    dp_strokes s;
    dp_strokes_init(&s);
    char path[4096];
    snprintf(path, sizeof path, "%s/labels.tsv", argv[2]);
    FILE *tsv = fopen(path, "w");
    int have[10] = {0}, done = 0, rc = tsv ? 0 : 1;
    for (int i = train.n - 1; i >= 0 && done < 10 * per_digit && !rc; i--) {
        int label = train.labels[i];
        if (have[label] == per_digit || style_digit(&s, train.images + (size_t)i * DP_PIXELS, label, &r) != 0) continue;
        snprintf(path, sizeof path, "%s/style-%d-%03d.txt", argv[2], label, have[label]);
        if (dp_strokes_save(&s, path) != 0) {
            fprintf(stderr, "make_style: %s\n", dp_error());
            rc = 1;
        }
        fprintf(tsv, "style-%d-%03d.txt\t%d\n", label, have[label], label);
        have[label]++, done++;
    }
    if (tsv) fclose(tsv);
    dp_strokes_free(&s);
    dp_dataset_free(&train);
    return rc;
}

/* The user's own digits: drawings they labelled and kept to teach the
 * network their handwriting. Each kept digit is one stroke file in a folder
 * ($XDG_DATA_HOME/digitpad/digits for the window), named digit-NNNNNN.txt
 * after its id, with its label, its split and its 28×28 prepared image in
 * comment lines after the usual header:
 *
 *   # digitpad strokes v1
 *   # label: 7
 *   # split: train            (or test)
 *   # kept: 1765100000        (seconds since 1970)
 *   # image: 28x28 0000…      (784 bytes in hex, row by row, 0 = no ink)
 *   60.00,50.00 220.00,50.00 130.00,240.00
 *
 * so the files stay readable as drawings by every stroke-file reader. Every
 * change writes or removes one file atomically: a crash loses at most the
 * change being made, never a kept digit.
 *
 * One kept digit in five of each label goes to the personal test set when it
 * is kept, and stays there through relabelling: those digits measure how well
 * the network reads this person, and are never trained on. */
#ifndef DP_USERSET_H
#define DP_USERSET_H

#include <stdint.h>

#include "mnist.h"
#include "strokes.h"

#define DP_USERSET_MAX 100000      /* kept digits one folder may hold */
#define DP_SPLIT_TRAIN 0
#define DP_SPLIT_TEST 1
#define DP_SPLIT_AUTO (-1)         /* dp_userset_add: the one-in-five rule */

typedef struct {
    unsigned id;                   /* file name digit-%06u.txt; ids are never reused in a folder */
    int label;                     /* 0..9 */
    int split;                     /* DP_SPLIT_TRAIN or DP_SPLIT_TEST */
    long long kept_at;             /* Unix time */
    dp_strokes strokes;            /* canvas coordinates */
    uint8_t image[28 * 28];        /* the network's input, 0..255 */
} dp_user_digit;

typedef struct {
    char dir[4000];                /* leaves room for file names in a PATH_MAX path */
    dp_user_digit *items;          /* in id order */
    int n, cap;
    unsigned next_id;
    /* Files that look like kept digits but could not be read: they are left
     * alone on disk (their ids are never reused) and reported here. */
    int n_bad;
    char bad[512];                 /* the first one's error */
} dp_userset;

/* Reads every kept digit in DIR, creating the folder if needed. Returns 0
 * (unreadable files are only counted in n_bad), or -1 with dp_error() if the
 * folder cannot be created or listed; u is then empty but valid. */
int  dp_userset_open(dp_userset *u, const char *dir);
void dp_userset_free(dp_userset *u);

/* Keeps a drawing with its label. The image is made from the strokes the way
 * the window reads them (dp_strokes_to_input, automatic brush). split is
 * DP_SPLIT_AUTO for the one-in-five rule (the 2nd, 7th, 12th… digit of each
 * label is a test digit), or a split to force. Returns the new digit's
 * index, or -1 with dp_error() (a drawing with too little ink to be a digit,
 * a bad label, a failed save: nothing is kept then). */
int dp_userset_add(dp_userset *u, const dp_strokes *s, int label, int split);
/* Which split dp_userset_add would give a new digit of this label. */
int dp_userset_next_split(const dp_userset *u, int label);

/* Changes a digit's label (its split stays). 0, or -1 with dp_error(). */
int dp_userset_relabel(dp_userset *u, int index, int label);
/* Deletes a digit's file. If removed is not NULL it receives the digit (the
 * caller then owns its strokes) so that dp_userset_restore can undo it;
 * otherwise it is freed. 0, or -1 with dp_error() (nothing changed). */
int dp_userset_remove(dp_userset *u, int index, dp_user_digit *removed);
/* Writes a removed digit back under its own id and takes ownership of its
 * strokes (also on failure). Returns its index, or -1 with dp_error(). */
int dp_userset_restore(dp_userset *u, dp_user_digit *d);

/* Index of the digit with this id, or -1. */
int dp_userset_find(const dp_userset *u, unsigned id);
/* Digits with this label (-1: any) in this split (-1: either). */
int dp_userset_count(const dp_userset *u, int label, int split);

/* The images and labels of one split as a dataset (28×28, in id order; n may
 * be 0). Free with dp_dataset_free. 0, or -1 with dp_error(). */
int dp_userset_dataset(const dp_userset *u, int split, dp_dataset *out);

/* Writes the kept digits to DIR as an MNIST-shaped folder: the training
 * split as train-images-idx3-ubyte and train-labels-idx1-ubyte, the test
 * split as t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (uncompressed;
 * a split with no digits has no files, and files an earlier export left for
 * it are removed), every stroke file under DIR/strokes/ and DIR/labels.tsv
 * (file, label, split). 0, or -1 with dp_error(). */
int dp_userset_export(const dp_userset *u, const char *dir);

/* The text of a kept digit's file, and its parser (for tests and
 * the fuzzer); name is used in error messages. */
int dp_user_digit_format(const dp_user_digit *d, char **text, size_t *len);
int dp_user_digit_parse(dp_user_digit *d, const char *text, size_t len, const char *name);

#endif

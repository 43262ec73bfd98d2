/* Fine-tuning on the user's own digits: a short training run of an existing
 * model on their kept digits mixed with MNIST, so that it learns their
 * handwriting without forgetting everyone else's. The window's "Fine-tune"
 * button, `digitpad finetune` and `digitpad train --extra` share it. */
#ifndef DP_FINETUNE_H
#define DP_FINETUNE_H

#include <stdatomic.h>
#include <stdint.h>

#include "mnist.h"
#include "train.h"

typedef struct {
    int mnist_images;     /* MNIST training images in the mix (all of them if more) */
    float user_share;     /* share of the mix that are the user's digits, each repeated */
    int epochs;           /* passes over the mix */
    int batch;
    float lr;             /* Adam, cosine decay to 0 */
    uint64_t seed;        /* which MNIST images, the order, the augmentation */
    int threads;          /* <= 0: one per CPU */
} dp_finetune_cfg;

/* 8,000 MNIST images and 30 % the user's, 2 passes at batch 32, lr 3e-4:
 * a few seconds on two cores, and measured in the README. */
dp_finetune_cfg dp_finetune_defaults(void);

/* The training set of a fine-tune, into out (free with dp_dataset_free):
 * mnist_images images of mnist picked at random (without repeats), and every
 * image of user repeated so that they make up user_share of the whole. Only
 * what is passed in is used: callers pass the user's training split, never
 * their test digits. Returns 0, or -1 with dp_error() (no user digits, bad
 * sizes, out of memory). */
int dp_finetune_mix(dp_dataset *out, const dp_dataset *mnist, int mnist_images, const dp_dataset *user,
                    float user_share, uint64_t seed);

/* The training settings of a fine-tune: draw-like augmentation on, no
 * evaluation per epoch (the caller measures before and after). */
dp_train_cfg dp_finetune_train_cfg(const dp_finetune_cfg *c);

/* Accuracy before or after: on the user's test digits (NaN when there are
 * none) and on the MNIST test set (NaN if test is NULL). */
typedef struct {
    double personal, mnist;
    int personal_right, personal_n;
} dp_finetune_score;

int dp_finetune_measure(dp_exec *ex, const dp_net *net, const dp_dataset *personal, const dp_dataset *mnist_test,
                        dp_finetune_score *out);

/* What a fine-tune learns from and is judged on. */
typedef struct {
    const dp_dataset *mnist_train;   /* mixed in, so MNIST is not forgotten */
    const dp_dataset *mnist_test;    /* judged on; may be NULL */
    const dp_dataset *mine_train;    /* the user's training split: learned from */
    const dp_dataset *mine_test;     /* the user's test split: judged on only; may be NULL */
} dp_finetune_data;

/* The whole fine-tune, as the window and `digitpad finetune` run it:
 * measures net (before), trains it in place on the mix (cb as for
 * dp_trainer_run, on this thread), and measures it again (after, also when
 * stopped). Returns 0 when done, 1 when stopped (by *stop or cb), -1 with
 * dp_error() on an error (net may then be partly trained). */
int dp_finetune_run(dp_net *net, const dp_finetune_cfg *cfg, const dp_finetune_data *data, const atomic_int *stop,
                    dp_train_cb cb, void *user, dp_finetune_score *before, dp_finetune_score *after);

#endif

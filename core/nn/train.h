/* The training loop shared by `digitpad train` and the window's trainer
 * thread: epochs over a shuffled dataset, mini-batch gradient steps,
 * learning-rate schedule, progress callbacks, a stop flag, evaluation. */
#ifndef DP_TRAIN_H
#define DP_TRAIN_H

#include <stdatomic.h>
#include <stdint.h>

#include "augment.h"
#include "mnist.h"
#include "net.h"
#include "optim.h"

typedef struct {
    int epochs, batch;
    float lr;                 /* base learning rate */
    float lr_floor;           /* cosine ends at lr * lr_floor */
    int schedule;             /* dp_lr_schedule */
    long warmup_steps;
    dp_optim_cfg optim;
    uint64_t seed;            /* weights, shuffling and dropout all derive from it */
    int threads;              /* <= 0: one per CPU */
    int log_every;            /* steps between progress callbacks */
    int eval_each_epoch;      /* test-set accuracy after every epoch */
    int augment;              /* draw-like augmentation (dp_augment_image) */
    dp_augment_cfg aug;
} dp_train_cfg;

/* Adam at 1e-3, cosine decay, batch 32, 3 epochs, seed 1: about 99.2 % on
 * MNIST for the seed network in about 25 s on two cores. */
dp_train_cfg dp_train_defaults(void);

/* Everything needed to continue a run exactly where it stopped. */
typedef struct {
    dp_train_cfg cfg;
    int epoch;                /* epoch in progress, 0-based */
    long step_in_epoch;       /* batches of it already done */
    long step;                /* batches done in all */
    dp_optim optim;
} dp_train_state;

typedef struct {
    int epoch, epochs;        /* epoch is 1-based */
    long step, total_steps;
    long step_in_epoch, steps_per_epoch;
    float lr;
    double loss;              /* mean training loss since the last report */
    double train_acc;         /* training-batch accuracy since the last report */
    double img_per_s;         /* training throughput of this run so far */
    double elapsed_s, eta_s;
    int epoch_done;           /* this report closes an epoch */
    double test_acc;          /* after an epoch's evaluation, else NaN */
} dp_train_progress;

/* Called every log_every steps and after every epoch, on the training
 * thread, with the network as it is between steps. Non-zero stops training. */
typedef int (*dp_train_cb)(const dp_train_progress *p, const dp_net *net, void *user);

typedef struct dp_trainer dp_trainer;

/* Trains NET in place. resume, if not NULL, continues a saved state (its
 * cfg is used, except epochs which cfg may extend). test may be NULL. */
dp_trainer *dp_trainer_create(dp_net *net, const dp_train_cfg *cfg, const dp_train_state *resume,
                              const dp_dataset *train, const dp_dataset *test);
void dp_trainer_free(dp_trainer *tr);

/* Runs until the last epoch ends (returns 0), *stop becomes non-zero or the
 * callback asks to stop (returns 1), or an error (-1, dp_error()). */
int dp_trainer_run(dp_trainer *tr, const atomic_int *stop, dp_train_cb cb, void *user);

/* The trainer's execution context, for evaluating between steps on the
 * training thread (e.g. from the progress callback). */
dp_exec *dp_trainer_exec(dp_trainer *tr);

/* The state to save in a checkpoint; valid until the trainer is freed. */
const dp_train_state *dp_trainer_state(const dp_trainer *tr);

/* Converts images [first, first+n) of ds to floats in [0,1]. */
void dp_dataset_floats(float *dst, const dp_dataset *ds, int first, int n);

#endif

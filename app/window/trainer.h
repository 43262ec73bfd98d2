/* The window's background worker: trains on MNIST or evaluates a model on a
 * thread of its own, so the window never waits. It publishes progress,
 * chart points and weight snapshots under a mutex; the window copies them
 * when it draws. The window only ever sees whole, consistent weights. */
#ifndef DP_TRAINER_H
#define DP_TRAINER_H

#include <SDL.h>

#include "chart_scale.h"
#include "finetune.h"
#include "net.h"
#include "train.h"

typedef enum { JOB_IDLE, JOB_TRAIN, JOB_EVAL, JOB_FINETUNE } job_kind;
typedef enum { PHASE_IDLE, PHASE_LOADING, PHASE_RUNNING, PHASE_DONE, PHASE_STOPPED, PHASE_FAILED } job_phase;

typedef struct {
    job_kind kind;
    job_phase phase;
    int busy;                       /* a job runs: read with the rest, so a job that ends is seen whole */
    dp_train_progress progress;     /* latest training report */
    double last_test_acc;           /* full test set, after the last epoch (NaN if none) */
    char message[512];              /* what failed, or where MNIST was looked for */
    dp_finetune_score before, after;/* a fine-tune's, once it has ended */
} trainer_status;

/* An evaluation on the MNIST test set, with every image's answer so the
 * window can show the digits behind any cell of the confusion matrix. The
 * arrays belong to whoever holds the result (eval_result_free). */
typedef struct {
    double accuracy;
    int confusion[10][10];
    double seconds;
    int n;
    uint8_t *images, *labels;   /* n × 784, n: the test set */
    uint8_t *predicted;         /* n: the answer */
    float *probs;               /* n × 10 */
} eval_result;

void eval_result_free(eval_result *r);

/* Chart points since the start of the current training run. */
typedef struct {
    chart_series loss, loss_smooth, heldout, test;
    chart_series personal;          /* a fine-tune's accuracy on the user's test digits */
    chart_series drawing[10];       /* the drawing's probabilities by step (kept by the window) */
} train_curves;

typedef struct trainer trainer;

/* wake_event: an SDL user event pushed whenever there is news to draw. */
trainer *trainer_create(Uint32 wake_event);
void trainer_free(trainer *tr);   /* stops any job and joins the thread */

/* Starts training a network of arch: from the weights of `from` if not
 * NULL, else freshly initialised from cfg->seed. mnist_dir must hold MNIST.
 * Returns -1 if a job is already running. */
int trainer_start_train(trainer *tr, const dp_arch *arch, const dp_net *from, const dp_train_cfg *cfg,
                        const char *mnist_dir);
/* Fine-tunes a copy of `from` on the user's digits (mine: their training
 * split; mine_test: their test split, judged on only; both copied) mixed
 * with MNIST, measuring before and after (trainer_status.before, .after). */
int trainer_start_finetune(trainer *tr, const dp_net *from, const dp_finetune_cfg *cfg, const char *mnist_dir,
                           const dp_dataset *mine, const dp_dataset *mine_test);
/* Evaluates a copy of net on the MNIST test set. */
int trainer_start_eval(trainer *tr, const dp_net *net, const char *mnist_dir);
/* Asks the running job to stop; it does within one training step. */
void trainer_request_stop(trainer *tr);
int trainer_busy(trainer *tr);

void trainer_get_status(trainer *tr, trainer_status *out);
/* Appends the chart points the window does not have yet; returns how many. */
int trainer_sync_curves(trainer *tr, train_curves *dst);
/* Copies the newest weights into dst (same architecture) if newer than
 * *seen; returns 1 if it copied. */
int trainer_take_weights(trainer *tr, dp_net *dst, unsigned *seen);
/* Moves the last evaluation's result into *out (freeing what it held) if
 * it is newer than *seen; returns 1 then. */
int trainer_take_eval(trainer *tr, eval_result *out, unsigned *seen);

void train_curves_init(train_curves *c);
void train_curves_clear(train_curves *c);
void train_curves_free(train_curves *c);

#endif

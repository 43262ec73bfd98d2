/* The window's long jobs: training on MNIST, fine-tuning on the user's
 * digits and evaluating on the MNIST test set, on a background worker
 * (worker.h) so the window never waits. A job publishes its progress,
 * chart points and weight snapshots; the window copies them when it draws,
 * and only ever sees whole, consistent weights. */
#ifndef DP_JOBS_H
#define DP_JOBS_H

#include <SDL.h>

#include "chart_scale.h"
#include "evaluate.h"
#include "finetune.h"
#include "net.h"
#include "train.h"

typedef enum { JOB_IDLE, JOB_TRAIN, JOB_EVAL, JOB_FINETUNE } job_kind;
typedef enum { PHASE_IDLE, PHASE_LOADING, PHASE_RUNNING, PHASE_DONE, PHASE_STOPPED, PHASE_FAILED } job_phase;

/* One consistent snapshot of the last job. */
typedef struct {
    job_kind kind;
    job_phase phase;
    int busy;                       /* it still runs: a job that ends is seen whole, with its final phase */
    unsigned done;                  /* jobs ended so far: one that starts and ends between two looks counts */
    dp_train_progress progress;     /* latest training report */
    double last_test_acc;           /* full test set, after the last epoch and at a training run's end (NaN if none) */
    long last_test_step;            /* the step it was measured at */
    char message[512];              /* what failed */
    dp_finetune_score before, after;/* a fine-tune's, once it has ended */
    long long fetched, fetch_total; /* MNIST being downloaded (a browser page): bytes so far, of about; 0 if not */
} jobs_status;

/* An evaluation on the MNIST test set, with every image's answer, so the
 * window can show the digits behind any cell of the confusion matrix. The
 * arrays belong to whoever holds the result (eval_result_free). */
typedef struct {
    dp_evaluation e;                /* kept: answers and probabilities */
    double seconds;
    uint8_t *images, *labels;       /* the test set: n × DP_PIXELS, n */
} eval_result;

void eval_result_free(eval_result *r);

/* Chart points since the start of the current training run. */
typedef struct {
    chart_series loss, loss_smooth, heldout, test;
    chart_series personal;          /* a fine-tune's accuracy on the user's test digits */
    chart_series drawing[10];       /* the drawing's probabilities by step (kept by the window) */
} train_curves;

void train_curves_init(train_curves *c);
void train_curves_clear(train_curves *c);
void train_curves_free(train_curves *c);

typedef struct jobs jobs;

/* wake_event: an SDL user event pushed whenever there is news to draw. */
jobs *jobs_create(Uint32 wake_event);
void jobs_free(jobs *j);   /* stops any job and waits for it */

/* Each start returns -1 if a job is already running (or out of memory).
 * Training: a network of arch, from the weights of `from` if not NULL,
 * else freshly initialised from cfg->seed. mnist_dir must hold MNIST. */
int jobs_start_train(jobs *j, const dp_arch *arch, const dp_net *from, const dp_train_cfg *cfg, const char *mnist_dir);
/* Fine-tunes a copy of `from` on the user's digits (mine: their training
 * split; mine_test: their test split, judged on only; both copied) mixed
 * with MNIST, measuring before and after (jobs_status.before, .after). */
int jobs_start_finetune(jobs *j, const dp_net *from, const dp_finetune_cfg *cfg, const char *mnist_dir,
                        const dp_dataset *mine, const dp_dataset *mine_test);
/* Evaluates a copy of net on the MNIST test set. */
int jobs_start_eval(jobs *j, const dp_net *net, const char *mnist_dir);
/* Asks the running job to stop; it does within one training step. */
void jobs_stop(jobs *j);
int jobs_busy(jobs *j);

void jobs_get_status(jobs *j, jobs_status *out);
/* Appends the chart points the window does not have yet; returns how many. */
int jobs_sync_curves(jobs *j, train_curves *dst);
/* Copies the newest weights into dst (same architecture) if newer than
 * *seen; returns 1 if it copied. */
int jobs_take_weights(jobs *j, dp_net *dst, unsigned *seen);
/* Moves the last evaluation's result into *out (freeing what it held) if
 * it is newer than *seen; returns 1 then. */
int jobs_take_eval(jobs *j, eval_result *out, unsigned *seen);

#endif

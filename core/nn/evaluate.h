/* How well a network reads a labelled set: accuracy, the confusion matrix,
 * accuracy per digit, the expected calibration error, and, when asked for,
 * every image's answer and probabilities. One evaluation for `digitpad eval`,
 * the window's Evaluate and `digitpad calibrate`. */
#ifndef DP_EVALUATE_H
#define DP_EVALUATE_H

#include <stdint.h>

#include "mnist.h"
#include "net.h"

#define DP_ECE_BINS 15

typedef struct {
    int n;
    double accuracy;
    int confusion[DP_CLASSES][DP_CLASSES];   /* [true digit][answer] */
    double per_class[DP_CLASSES];            /* accuracy on each true digit (0 where there is none) */
    int per_class_n[DP_CLASSES];             /* images of each true digit */
    double ece;                              /* expected calibration error, DP_ECE_BINS bins */
    /* With DP_EVAL_KEEP: every image's answer and probabilities (n, n × 10),
     * owned by the evaluation; NULL otherwise. */
    uint8_t *answers;
    float *probs;
} dp_evaluation;

enum { DP_EVAL_SUMMARY = 0, DP_EVAL_KEEP = 1 };

/* Scores n rows of probabilities (n × 10) against labels. 0, or -1 if out
 * of memory (keep copies probs). */
int dp_evaluation_score(dp_evaluation *out, const float *probs, const uint8_t *labels, int n, int keep);

/* Runs net on every image of ds (batches through ex) and scores it. */
int dp_evaluate(dp_evaluation *out, dp_exec *ex, const dp_net *net, const dp_dataset *ds, int keep);
/* The same, calling progress(user, images done, images in all) after each
 * batch (progress may be NULL). */
typedef void (*dp_progress_fn)(void *user, long done, long total);
int dp_evaluate_with_progress(dp_evaluation *out, dp_exec *ex, const dp_net *net, const dp_dataset *ds, int keep,
                              dp_progress_fn progress, void *user);

/* Frees what a kept evaluation holds; a summary is left as it is. */
void dp_evaluation_free(dp_evaluation *e);

/* Only the accuracy, without keeping anything: for measuring between
 * training steps. NaN if out of memory. */
double dp_accuracy(dp_exec *ex, const dp_net *net, const dp_dataset *ds);

#endif

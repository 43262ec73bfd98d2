#include "evaluate.h"
#include "calibrate.h"
#include "common.h"
#include "train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 256   /* images per forward pass */

int dp_evaluation_score(dp_evaluation *out, const float *probs, const uint8_t *labels, int n, int keep)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    if (keep) {
        out->answers = dp_alloc((size_t)(n ? n : 1), 1);
        out->probs = dp_alloc_floats((size_t)n * DP_CLASSES);
        if (!out->answers || !out->probs) {
            dp_evaluation_free(out);
            return -1;
        }
        memcpy(out->probs, probs, sizeof(float) * (size_t)n * DP_CLASSES);
    }
    int right = 0;
    for (int i = 0; i < n; i++) {
        int answer = dp_argmax(probs + (long)i * DP_CLASSES, DP_CLASSES), truth = labels[i];
        if (out->answers) out->answers[i] = (uint8_t)answer;
        if (truth >= DP_CLASSES) continue;   /* not a digit label: counted in n, never right */
        out->confusion[truth][answer]++;
        out->per_class_n[truth]++;
        right += answer == truth;
    }
    for (int d = 0; d < DP_CLASSES; d++)
        out->per_class[d] = out->per_class_n[d] ? (double)out->confusion[d][d] / out->per_class_n[d] : 0.0;
    out->accuracy = n ? (double)right / n : 0.0;
    out->ece = dp_ece(probs, labels, n, DP_ECE_BINS);
    return 0;
}

/* Every image's probabilities, n × 10 (malloc'ed), or NULL. */
static float *predict_all(dp_exec *ex, const dp_net *net, const dp_dataset *ds, dp_progress_fn progress, void *user)
{
    int size = ds->rows * ds->cols;
    float *x = dp_alloc_floats((size_t)CHUNK * size), *probs = dp_alloc_floats((size_t)ds->n * DP_CLASSES);
    if (x && probs)
        for (int first = 0; first < ds->n; first += CHUNK) {
            int m = ds->n - first < CHUNK ? ds->n - first : CHUNK;
            dp_dataset_floats(x, ds, first, m);
            dp_net_predict(ex, net, x, m, probs + (long)first * DP_CLASSES);
            if (progress) progress(user, first + m, ds->n);
        }
    free(x);
    if (!x) {
        free(probs);
        return NULL;
    }
    return probs;
}

int dp_evaluate(dp_evaluation *out, dp_exec *ex, const dp_net *net, const dp_dataset *ds, int keep)
{
    return dp_evaluate_with_progress(out, ex, net, ds, keep, NULL, NULL);
}

int dp_evaluate_with_progress(dp_evaluation *out, dp_exec *ex, const dp_net *net, const dp_dataset *ds, int keep,
                              dp_progress_fn progress, void *user)
{
    memset(out, 0, sizeof *out);
    float *probs = predict_all(ex, net, ds, progress, user);
    if (!probs) return -1;
    int rc = dp_evaluation_score(out, probs, ds->labels, ds->n, keep);
    free(probs);
    return rc;
}

void dp_evaluation_free(dp_evaluation *e)
{
    free(e->answers);
    free(e->probs);
    e->answers = NULL;
    e->probs = NULL;
}

double dp_accuracy(dp_exec *ex, const dp_net *net, const dp_dataset *ds)
{
    int size = ds->rows * ds->cols, right = 0;
    float *x = dp_alloc_floats((size_t)CHUNK * size), *probs = dp_alloc_floats((size_t)CHUNK * DP_CLASSES);
    if (!x || !probs) {
        free(x), free(probs);
        return NAN;
    }
    for (int first = 0; first < ds->n; first += CHUNK) {
        int m = ds->n - first < CHUNK ? ds->n - first : CHUNK;
        dp_dataset_floats(x, ds, first, m);
        dp_net_predict(ex, net, x, m, probs);
        for (int i = 0; i < m; i++) right += dp_argmax(probs + i * DP_CLASSES, DP_CLASSES) == ds->labels[first + i];
    }
    free(x), free(probs);
    return ds->n ? (double)right / ds->n : 0.0;
}

#include "calibrate.h"
#include "evaluate.h"
#include "common.h"
#include "train.h"

#include <math.h>
#include <stdlib.h>

double dp_nll(const float *logits, const uint8_t *labels, int n, float temperature)
{
    double total = 0.0, inv = 1.0 / temperature;
    for (int i = 0; i < n; i++) {
        const float *z = logits + (long)i * DP_CLASSES;
        double zmax = z[0];
        for (int c = 1; c < DP_CLASSES; c++) zmax = z[c] > zmax ? z[c] : zmax;
        double sum = 0.0;
        for (int c = 0; c < DP_CLASSES; c++) sum += exp((z[c] - zmax) * inv);
        total += log(sum) - (z[labels[i]] - zmax) * inv;
    }
    return n ? total / n : 0.0;
}

float dp_fit_temperature(const float *logits, const uint8_t *labels, int n)
{
    /* The NLL is smooth and unimodal in log T: golden-section search. */
    double lo = log(0.05), hi = log(20.0), g = (sqrt(5.0) - 1.0) / 2.0;
    double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
    double fa = dp_nll(logits, labels, n, (float)exp(a)), fb = dp_nll(logits, labels, n, (float)exp(b));
    for (int it = 0; it < 60; it++) {
        if (fa < fb) {
            hi = b, b = a, fb = fa;
            a = hi - g * (hi - lo);
            fa = dp_nll(logits, labels, n, (float)exp(a));
        } else {
            lo = a, a = b, fa = fb;
            b = lo + g * (hi - lo);
            fb = dp_nll(logits, labels, n, (float)exp(b));
        }
    }
    return (float)exp(0.5 * (lo + hi));
}

static int top_class(const float *p)
{
    int best = 0;
    for (int c = 1; c < DP_CLASSES; c++)
        if (p[c] > p[best]) best = c;
    return best;
}

double dp_ece(const float *probs, const uint8_t *labels, int n, int bins)
{
    if (bins < 1 || n < 1) return 0.0;
    double *conf = calloc((size_t)bins, sizeof(double)), *hits = calloc((size_t)bins, sizeof(double));
    long *count = calloc((size_t)bins, sizeof(long));
    double ece = 0.0;
    if (conf && hits && count) {
        for (int i = 0; i < n; i++) {
            const float *p = probs + (long)i * DP_CLASSES;
            int c = top_class(p), b = (int)(p[c] * bins);
            b = b < 0 ? 0 : b >= bins ? bins - 1 : b;
            conf[b] += p[c];
            hits[b] += c == labels[i];
            count[b]++;
        }
        for (int b = 0; b < bins; b++)
            if (count[b]) ece += fabs(hits[b] - conf[b]) / n;
    }
    free(conf), free(hits), free(count);
    return ece;
}

typedef struct { float p; int right; } scored;

static int by_confidence_desc(const void *a, const void *b)
{
    float x = ((const scored *)a)->p, y = ((const scored *)b)->p;
    return (x < y) - (x > y);
}

float dp_pick_threshold(const float *probs, const uint8_t *labels, int n, double precision)
{
    scored *s = malloc(sizeof(scored) * (size_t)(n > 0 ? n : 1));
    if (!s || n < 1) {
        free(s);
        return 1.0f;
    }
    for (int i = 0; i < n; i++) {
        const float *p = probs + (long)i * DP_CLASSES;
        int c = top_class(p);
        s[i] = (scored){p[c], c == labels[i]};
    }
    qsort(s, (size_t)n, sizeof(scored), by_confidence_desc);
    /* Walk from the most confident down; remember the lowest confidence at
     * which everything at or above it is still precise enough. */
    float threshold = 1.0f;
    long right = 0;
    for (int i = 0; i < n; i++) {
        right += s[i].right;
        int last_of_tie = i + 1 == n || s[i + 1].p < s[i].p;
        if (last_of_tie && (double)right / (i + 1) >= precision) threshold = s[i].p;
    }
    free(s);
    return threshold;
}

int dp_calibrate_temperature(dp_net *net, dp_exec *ex, const dp_dataset *held_out, double nll[2], double ece[2])
{
    int n = held_out->n, size = held_out->rows * held_out->cols;
    float *x = dp_alloc_floats((size_t)n * size), *logits = dp_alloc_floats((size_t)n * DP_CLASSES);
    float *probs = dp_alloc_floats((size_t)n * DP_CLASSES);
    if (!x || !logits || !probs) {
        free(x), free(logits), free(probs);
        return -1;
    }
    dp_dataset_floats(x, held_out, 0, n);
    dp_net_logits(ex, net, x, n, logits);
    float t = dp_fit_temperature(logits, held_out->labels, n);
    for (int pass = 0; pass < 2; pass++) {   /* before (T = 1), after */
        float temp = pass ? t : 1.0f;
        dp_softmax_rows(probs, logits, n, temp);
        if (nll) nll[pass] = dp_nll(logits, held_out->labels, n, temp);
        if (ece) ece[pass] = dp_ece(probs, held_out->labels, n, DP_ECE_BINS);
    }
    net->temperature = t;
    free(x), free(logits), free(probs);
    return 0;
}

/* Honest confidence: temperature scaling fitted on held-out images, and
 * the expected calibration error that says how well probabilities match
 * how often the network is right. */
#ifndef DP_CALIBRATE_H
#define DP_CALIBRATE_H

#include <stdint.h>

#include "mnist.h"
#include "net.h"

/* Mean negative log-likelihood of the labels under softmax(logits / T). */
double dp_nll(const float *logits, const uint8_t *labels, int n, float temperature);

/* The temperature (0.05 .. 20) minimising dp_nll on these logits. */
float dp_fit_temperature(const float *logits, const uint8_t *labels, int n);

/* Expected calibration error: predictions grouped in `bins` equal bins of
 * top probability; the count-weighted mean |accuracy - confidence|. */
double dp_ece(const float *probs, const uint8_t *labels, int n, int bins);

/* The smallest top-probability threshold above which predictions are right
 * at least `precision` of the time, e.g. 0.99 (1 if none is). */
float dp_pick_threshold(const float *probs, const uint8_t *labels, int n, double precision);

/* Fits net->temperature on a held-out set the network never trained on and
 * reports the NLL and ECE (15 bins) there before and after (any pointer may
 * be NULL). Returns -1 if out of memory. */
int dp_calibrate_temperature(dp_net *net, dp_exec *ex, const dp_dataset *held_out, double nll[2], double ece[2]);

#endif

/* Looking inside a network: every layer's output for one image (to show
 * filters and feature maps), and the nearest of many images in the space
 * of the features the last layer reads (to explain an answer by example). */
#ifndef DP_INSPECT_H
#define DP_INSPECT_H

#include "net.h"

/* Layer l's output for one image, channels last: h × w × c floats (h = w =
 * 1 after flatten and dense layers). */
typedef struct {
    int n_layers;
    float *out[DP_MAX_LAYERS];
    int h[DP_MAX_LAYERS], w[DP_MAX_LAYERS], c[DP_MAX_LAYERS];
} dp_trace;

/* Runs net on one 28×28 input (values in [0,1]) with the plain reference
 * kernels, keeping every layer's output (the fast path fuses
 * convolution, ReLU and pooling and never keeps the middle). Inference
 * mode: dropout passes through, batch norm uses running statistics. The
 * last layer's output is the logits. t is overwritten; 0, or -1 with
 * dp_error() (out of memory). */
int  dp_net_trace(dp_trace *t, const dp_net *net, const float *x);
void dp_trace_free(dp_trace *t);

/* Floats per image of the features the last dense layer reads. */
int dp_net_feature_size(const dp_net *net);

/* The features the last dense layer reads (feats: B × dp_net_feature_size
 * floats) and the probabilities (probs: B × 10, may be NULL) of B inputs,
 * on the fast path. */
void dp_net_features(dp_exec *ex, const dp_net *net, const float *x, int B, float *feats, float *probs);

/* Indices of the k rows of feats (n rows of dim floats) nearest to query
 * in Euclidean distance, nearest first (ties: the lower index first), with
 * their squared distances; k is capped at n and rows with NaN are skipped.
 * Returns how many were found. */
int dp_nearest(const float *feats, int n, int dim, const float *query, int k, int *idx, float *dist2);

/* Scales v (dim floats) to unit length, so that Euclidean distance between
 * such vectors orders them as the angle between them does; a zero vector
 * stays zero. */
void dp_unit_length(float *v, int dim);

#endif

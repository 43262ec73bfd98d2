/* A sequential network: its architecture (data, stored in model files), the
 * flat parameter buffer, and execution contexts that run forward and backward
 * passes over mini-batches on a thread pool. */
#ifndef DP_NET_H
#define DP_NET_H

#include <stddef.h>
#include <stdint.h>

#define DP_MAX_LAYERS 64
#define DP_CLASSES 10
#define DP_MAX_PARAMS (64L * 1024 * 1024)   /* sanity bound: 256 MB of weights */
#define DP_UNSURE_DEFAULT 0.8f               /* until calibration picks one from data */

typedef enum {
    DP_LAYER_CONV = 1,     /* out = channels, k = kernel size, pad = zero padding */
    DP_LAYER_RELU = 2,
    DP_LAYER_MAXPOOL = 3,  /* 2×2, stride 2 */
    DP_LAYER_FLATTEN = 4,
    DP_LAYER_DENSE = 5,    /* out = units */
    DP_LAYER_DROPOUT = 6,  /* rate; training only */
    DP_LAYER_BATCHNORM = 7,/* per channel: learned scale and shift, running statistics */
} dp_layer_type;

typedef struct {
    int type;
    int out, k, pad;
    float rate;
} dp_layer_spec;

typedef struct {
    int in_c, in_h, in_w;          /* 1×28×28 for digits */
    float input_mean, input_std;   /* the net sees (pixel - mean) / std */
    int n_layers;
    dp_layer_spec layers[DP_MAX_LAYERS];
} dp_arch;

/* The seed network: conv 32 3×3 → ReLU → pool → conv 64 3×3 → ReLU → pool →
 * dense 128 → ReLU → dense 10. */
#define DP_ARCH_SEED "conv32k3 relu pool conv64k3 relu pool flatten dense128 relu dense10"

/* Parses "seed" or a layer list such as DP_ARCH_SEED ("convFkK[pP]", "relu",
 * "pool", "flatten", "denseN", "dropoutR", "bn", separated by spaces, commas or
 * dashes). A flatten is inserted before the first dense if missing. The
 * input is 1×28×28, mean 0, std 1. Validates as dp_arch_check. */
int dp_arch_parse(dp_arch *arch, const char *text);
/* Writes the canonical text form. */
void dp_arch_format(const dp_arch *arch, char *buf, size_t size);
/* Checks the input is 1×28×28 (what dp_net_predict is given), every layer's
 * sizes fit, the last layer is dense with DP_CLASSES outputs, and the
 * parameter count is sane. */
int dp_arch_check(const dp_arch *arch);

/* Shapes and parameter offsets of one layer, derived from the architecture. */
typedef struct {
    dp_layer_spec spec;
    int in_c, in_h, in_w, out_c, out_h, out_w;
    long in_size, out_size;        /* floats per image */
    long w_off, w_count, b_off, b_count;
    long s_off, s_count;           /* batch norm: running mean then variance, in dp_net.stats */
} dp_layer_info;

typedef struct {
    dp_arch arch;
    int n_layers;
    dp_layer_info layer[DP_MAX_LAYERS];
    long n_params;
    float *params;                 /* one contiguous buffer; layers view into it */
    long n_stats;
    float *stats;                  /* batch-norm running statistics (not trained by gradients) */
    float temperature;             /* probabilities are softmax(logits / temperature); 1 until calibrated */
    float unsure_below;            /* a top probability below this is shown as "unsure" */
} dp_net;

/* Derives every layer's shapes and parameter offsets; info has
 * DP_MAX_LAYERS entries. Returns -1 with dp_error() if a size does not fit. */
int dp_arch_layout(const dp_arch *arch, dp_layer_info *info, long *n_params, long *n_stats);

/* Creates a network with zeroed parameters (NULL + dp_error() on failure). */
dp_net *dp_net_create(const dp_arch *arch);
void    dp_net_free(dp_net *net);
/* He-normal weights, zero biases, from the seed. */
void    dp_net_init(dp_net *net, uint64_t seed);
/* Copies parameters between nets of the same architecture. */
void    dp_net_copy_params(dp_net *dst, const dp_net *src);
long    dp_net_flops(const dp_net *net);   /* multiply-adds ×2 per forward image */

/* Per-thread workspaces for running a network on batches of up to max_batch
 * images, plus the thread pool that runs them. Nothing is allocated after
 * creation. One exec serves one caller at a time. */
typedef struct dp_exec dp_exec;

/* n_threads <= 0: one per CPU. training = 0 makes a context for
 * dp_net_predict only, without gradient buffers. */
dp_exec *dp_exec_create(const dp_net *net, int max_batch, int n_threads, int training);
void     dp_exec_free(dp_exec *ex);
int      dp_exec_threads(const dp_exec *ex);
/* The context's thread pool, for other per-batch work between passes
 * (e.g. preparing the next batch); never during a pass. */
struct dp_pool *dp_exec_pool(dp_exec *ex);

/* Class probabilities probs (B,10) for inputs x (B,28*28 in [0,1]); any B
 * (large batches run in chunks). */
void dp_net_predict(dp_exec *ex, const dp_net *net, const float *x, int B, float *probs);

/* The same without the softmax: logits (B,10), before the temperature. */
void dp_net_logits(dp_exec *ex, const dp_net *net, const float *x, int B, float *logits);

/* Softmax of logits / temperature, row by row (n rows of DP_CLASSES). */
void dp_softmax_rows(float *probs, const float *logits, int n, float temperature);

/* After a training pass: folds the batch statistics its batch-norm layers
 * measured into the running ones (momentum: share of the new batch). */
#define DP_BN_MOMENTUM 0.1f
void dp_net_update_stats(dp_exec *ex, dp_net *net, float momentum);

/* One training pass over a batch (B <= max_batch): forward with dropout
 * drawn from dropout_seed, softmax cross-entropy, backward. grads (n_params)
 * is OVERWRITTEN with the gradient of the mean loss; returns the mean loss.
 * If n_correct is not NULL it gets how many argmax predictions were right. */
double dp_net_gradient(dp_exec *ex, const dp_net *net, const float *x, const uint8_t *y, int B,
                       uint64_t dropout_seed, float *grads, int *n_correct);

/* Time spent per layer by the first slice (thread) since the last reset,
 * forward and backward separately, in seconds; and the per-step phases
 * outside the layers (gradient reduction). For `digitpad bench --profile`. */
typedef struct {
    double forward[DP_MAX_LAYERS], backward[DP_MAX_LAYERS];
    double loss, reduce;
    long passes;
} dp_profile;
void dp_exec_profile(dp_exec *ex, dp_profile *out, int reset);

/* Index of the largest of n values. */
int dp_argmax(const float *v, int n);

#endif

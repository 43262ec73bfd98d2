/* Layer kernels as forward/backward pairs. Activations are NHWC: image after
 * image, row after row, the channels of a pixel contiguous. Outputs come
 * first, inputs next, sizes last. Backward ADDS into weight and bias
 * gradients (zeroing is the caller's step) and OVERWRITES input gradients. */
#ifndef DP_LAYERS_H
#define DP_LAYERS_H

#include <stdint.h>

#include "kernels.h"

/* Convolution output size for one spatial dimension (stride 1). */
static inline int dp_conv_out_size(int in, int k, int pad) { return in + 2 * pad - k + 1; }

/* Floats of im2col workspace dp_conv_* need for images of this shape. */
long dp_conv_col_floats(int H, int W, int C, int k, int pad);

/* conv: in (n,H,W,C), w (F,k,k,C), b (F) -> out (n,OH,OW,F).
 * col is scratch of dp_conv_col_floats() floats. */
void dp_conv_forward(float *out, float *col, const float *in, const float *w, const float *b,
                     int n, int H, int W, int C, int F, int k, int pad, dp_gemm_ws *ws);
/* din may be NULL (first layer: no one needs it). dcol is scratch like col. */
void dp_conv_backward(float *din, float *dw, float *db, float *col, float *dcol,
                      const float *dout, const float *in, const float *w,
                      int n, int H, int W, int C, int F, int k, int pad, dp_gemm_ws *ws);
void dp_conv_forward_ref(float *out, const float *in, const float *w, const float *b,
                         int n, int H, int W, int C, int F, int k, int pad);
void dp_conv_backward_ref(float *din, float *dw, float *db, const float *dout, const float *in,
                          const float *w, int n, int H, int W, int C, int F, int k, int pad);

/* conv -> relu -> 2×2 max-pool in one pass: the convolution's output only
 * ever exists a few images at a time in scratch, so the largest tensor of
 * the network never goes through memory. out (n,OH/2,OW/2,F); winner
 * (same size) records which of the 4 inputs won, or DP_POOL_NONE when the
 * ReLU cut it to zero (no gradient flows). scratch holds
 * dp_convpool_scratch_floats() floats. Results equal conv, relu, maxpool. */
#define DP_POOL_NONE 4
long dp_convpool_scratch_floats(int H, int W, int C, int F, int k, int pad);
void dp_convpool_forward(float *out, uint8_t *winner, float *scratch, const float *in, const float *w,
                         const float *b, int n, int H, int W, int C, int F, int k, int pad, dp_gemm_ws *ws);
/* dout is the gradient of out; din may be NULL. */
void dp_convpool_backward(float *din, float *dw, float *db, float *scratch, const float *dout,
                          const uint8_t *winner, const float *in, const float *w,
                          int n, int H, int W, int C, int F, int k, int pad, dp_gemm_ws *ws);

/* dense: in (n,I), w (O,I), b (O) -> out (n,O). */
void dp_dense_forward(float *out, const float *in, const float *w, const float *b,
                      int n, int I, int O, dp_gemm_ws *ws);
void dp_dense_backward(float *din, float *dw, float *db, const float *dout, const float *in,
                       const float *w, int n, int I, int O, dp_gemm_ws *ws);
void dp_dense_forward_ref(float *out, const float *in, const float *w, const float *b,
                          int n, int I, int O);
void dp_dense_backward_ref(float *din, float *dw, float *db, const float *dout, const float *in,
                           const float *w, int n, int I, int O);

/* relu over count floats; out may alias in. Backward uses the output. */
void dp_relu_forward(float *out, const float *in, long count);
void dp_relu_backward(float *din, const float *dout, const float *out, long count);

/* 2×2 max-pooling, stride 2, odd edges dropped: in (n,H,W,C) ->
 * out (n,H/2,W/2,C); argmax (same size as out) remembers the winner's index
 * within in for backward. */
void dp_maxpool_forward(float *out, int32_t *argmax, const float *in, int n, int H, int W, int C);
void dp_maxpool_backward(float *din, const float *dout, const int32_t *argmax,
                         int n, int H, int W, int C);

/* Inverted dropout: keeps each value with probability 1-rate and scales it by
 * 1/(1-rate). The mask of element e of sample s depends only on (seed, s, e),
 * never on how the batch was split among threads. */
void dp_dropout_forward(float *out, float *mask, const float *in, int n, long per_sample,
                        float rate, uint64_t seed, long first_sample);
void dp_dropout_backward(float *din, const float *dout, const float *mask, long count);

/* Batch normalisation of rows (images × pixels) of C channels. Training
 * normalises with the batch's own statistics and returns them (mean and
 * 1/sqrt(var + eps) per channel); inference uses running mean and variance.
 * acc is scratch of 2*C doubles. */
#define DP_BN_EPS 1e-5f
void dp_bn_forward_train(float *out, float *mean, float *rstd, double *acc, const float *in, const float *gamma,
                         const float *beta, long rows, int C);
void dp_bn_forward_infer(float *out, const float *in, const float *gamma, const float *beta, const float *rmean,
                         const float *rvar, long rows, int C);
/* din may alias dout. */
void dp_bn_backward(float *din, float *dgamma, float *dbeta, double *acc, const float *dout, const float *in,
                    const float *mean, const float *rstd, const float *gamma, long rows, int C);

/* One row of softmax(z * inv): p (classes) from z. Returns the sum of
 * exp((z - max) * inv) and gives the max in *zmax, which a loss needs. */
double dp_softmax_row(float *p, const float *z, int classes, float inv, float *zmax);

/* Softmax over each row of logits (n,classes) into probs; returns the summed
 * cross-entropy loss of the labelled rows. If dlogits is not NULL it gets
 * (probs - onehot) * scale. */
double dp_softmax_xent(float *probs, float *dlogits, const float *logits, const uint8_t *labels,
                       int n, int classes, float scale);

/* When set, conv and dense use their naive references (tests compare). */
void dp_layers_use_reference(int on);
int dp_layers_reference(void);

#endif

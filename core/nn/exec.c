/* Execution contexts: batched forward/backward passes split across threads.
 * Each thread runs whole images of its slice of the batch and writes its own
 * gradient buffer; the buffers are then summed in a fixed order, so results
 * depend on the thread count but never on timing. */
#include "net.h"
#include "inspect.h"
#include "common.h"
#include "layers.h"
#include "rng.h"
#include "threadpool.h"
#include "platform.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- contexts and their slices ------------------------------------------ */

/* conv, relu, pool in a row run as one fused block (dp_convpool_*), unless
 * the reference kernels were asked for when the context was made. */
static int can_fuse(const dp_net *net, int l)
{
    return l + 2 < net->n_layers && net->layer[l].spec.type == DP_LAYER_CONV &&
           net->layer[l + 1].spec.type == DP_LAYER_RELU && net->layer[l + 2].spec.type == DP_LAYER_MAXPOOL &&
           !dp_layers_reference();
}

/* One thread's buffers for a slice of up to per_slice images. */
typedef struct {
    float *buf[DP_MAX_LAYERS];      /* owned output buffers */
    const float *out[DP_MAX_LAYERS];/* what each layer produced in the last pass */
    int32_t *argmax[DP_MAX_LAYERS];
    uint8_t *winner[DP_MAX_LAYERS]; /* fused conv-relu-pool blocks, at the pool's index */
    uint8_t fused[DP_MAX_LAYERS];   /* a fused block starts at this layer */
    float *bn_mean[DP_MAX_LAYERS], *bn_rstd[DP_MAX_LAYERS];   /* batch statistics of the last pass */
    double *bn_acc;                 /* batch-norm scratch, 2 doubles per channel */
    float *fused_scratch;
    float *mask[DP_MAX_LAYERS];
    float *input;                   /* normalised copy of the input */
    const float *in;                /* what the first layer read in the last pass */
    float *col, *dcol;              /* im2col scratch */
    float *grad_a, *grad_b;         /* ping-pong activation gradients */
    float *probs, *dlogits;
    float *grads;                   /* this slice's parameter gradient */
    dp_gemm_ws *gemm;
    double loss;
    int correct;
} slice;

struct dp_exec {
    int max_batch, n_threads, per_slice, training;
    long n_params;
    dp_pool *pool;
    slice *slices;

    /* The job being run by the pool's tasks. */
    const dp_net *net;
    const float *x;
    const uint8_t *y;
    float *probs_out;
    float *grads_out;
    int batch, n_slices;
    int want_logits;            /* predict writes logits, not probabilities */
    float *feats_out;           /* predict also copies the last dense layer's input here */
    int feats_layer;            /* that layer */
    uint64_t seed;
    dp_profile prof;            /* written by slice 0 only */
};

static void slice_free(slice *s)
{
    for (int l = 0; l < DP_MAX_LAYERS; l++) {
        free(s->buf[l]);
        free(s->argmax[l]);
        free(s->mask[l]);
        free(s->winner[l]);
        free(s->bn_mean[l]);
        free(s->bn_rstd[l]);
    }
    free(s->fused_scratch);
    free(s->bn_acc);
    free(s->input); free(s->col); free(s->dcol);
    free(s->grad_a); free(s->grad_b);
    free(s->probs); free(s->dlogits); free(s->grads);
    dp_gemm_ws_free(s->gemm);
}

/* Is layer l inside a fused block but not its last layer? Its output never exists. */
static int hidden_in_block(const slice *s, int l)
{
    return s->fused[l] || (l >= 1 && s->fused[l - 1]);
}

static void bigger(long *m, long v)
{
    if (v > *m) *m = v;
}

/* Buffers for up to n images; gradients only when training. */
static int slice_alloc(slice *s, const dp_net *net, int n, int training)
{
    long max_act = net->layer[0].in_size, max_col = 1, max_fused = 1, max_channels = 1;
    for (int l = 0; l < net->n_layers; l++) s->fused[l] = (uint8_t)can_fuse(net, l);
    for (int l = 0; l < net->n_layers; l++) {
        const dp_layer_info *L = &net->layer[l];
        size_t count = (size_t)n * (size_t)L->out_size;
        int t = L->spec.type;
        if (s->fused[l]) {
            const dp_layer_info *P = &net->layer[l + 2];
            bigger(&max_fused, dp_convpool_scratch_floats(L->in_h, L->in_w, L->in_c, L->out_c, L->spec.k, L->spec.pad));
            if (!(s->winner[l + 2] = dp_alloc((size_t)n * (size_t)P->out_size, 1))) return -1;
        }
        if (hidden_in_block(s, l)) continue;
        bigger(&max_act, L->in_size);
        bigger(&max_act, L->out_size);
        if (t == DP_LAYER_BATCHNORM) {
            bigger(&max_channels, L->in_c);
            if (!(s->bn_mean[l] = dp_alloc_floats((size_t)L->in_c)) || !(s->bn_rstd[l] = dp_alloc_floats((size_t)L->in_c)))
                return -1;
        }
        if (t == DP_LAYER_CONV || t == DP_LAYER_MAXPOOL || t == DP_LAYER_DENSE || t == DP_LAYER_BATCHNORM ||
            t == DP_LAYER_DROPOUT || (t == DP_LAYER_RELU && l == 0)) {
            if (!(s->buf[l] = dp_alloc_floats(count))) return -1;
        }
        if (t == DP_LAYER_MAXPOOL && !s->winner[l] && !(s->argmax[l] = dp_alloc(count, sizeof(int32_t)))) return -1;
        if (t == DP_LAYER_DROPOUT && !(s->mask[l] = dp_alloc_floats(count))) return -1;
        if (t == DP_LAYER_CONV) bigger(&max_col, dp_conv_col_floats(L->in_h, L->in_w, L->in_c, L->spec.k, L->spec.pad));
    }
    size_t act = training ? (size_t)n * (size_t)max_act : 1, cols = (size_t)max_col;
    s->input = dp_alloc_floats((size_t)n * (size_t)net->layer[0].in_size);
    s->col = dp_alloc_floats(cols);
    s->dcol = dp_alloc_floats(training ? cols : 1);
    s->grad_a = dp_alloc_floats(act);
    s->grad_b = dp_alloc_floats(act);
    s->probs = dp_alloc_floats((size_t)n * DP_CLASSES);
    s->dlogits = dp_alloc_floats((size_t)n * DP_CLASSES);
    s->grads = dp_alloc_floats(training ? (size_t)net->n_params : 1);
    s->fused_scratch = dp_alloc_floats((size_t)max_fused);
    s->bn_acc = dp_alloc((size_t)max_channels * 2, sizeof(double));
    s->gemm = dp_gemm_ws_create();
    if (!s->input || !s->col || !s->dcol || !s->grad_a || !s->grad_b || !s->probs ||
        !s->dlogits || !s->grads || !s->fused_scratch || !s->bn_acc || !s->gemm)
        return -1;
    return 0;
}

dp_exec *dp_exec_create(const dp_net *net, int max_batch, int n_threads, int training)
{
    if (max_batch < 1 || max_batch > 65536) {
        dp_set_error("batch size %d out of range 1..65536", max_batch);
        return NULL;
    }
    dp_exec *ex = dp_calloc(1, sizeof *ex);
    if (!ex) return NULL;
    ex->pool = dp_pool_create(n_threads);
    if (!ex->pool) {
        free(ex);
        return NULL;
    }
    ex->n_threads = dp_pool_threads(ex->pool);
    ex->max_batch = max_batch;
    ex->training = training;
    ex->per_slice = (max_batch + ex->n_threads - 1) / ex->n_threads;
    ex->n_params = net->n_params;
    ex->slices = dp_calloc((size_t)ex->n_threads, sizeof(slice));
    if (!ex->slices) {
        dp_exec_free(ex);
        return NULL;
    }
    for (int t = 0; t < ex->n_threads; t++)
        if (slice_alloc(&ex->slices[t], net, ex->per_slice, training) != 0) {
            dp_exec_free(ex);
            return NULL;
        }
    return ex;
}

void dp_exec_free(dp_exec *ex)
{
    if (!ex) return;
    for (int t = 0; ex->slices && t < ex->n_threads; t++) slice_free(&ex->slices[t]);
    free(ex->slices);
    dp_pool_free(ex->pool);
    free(ex);
}

int dp_exec_threads(const dp_exec *ex) { return ex->n_threads; }

dp_pool *dp_exec_pool(dp_exec *ex) { return ex->pool; }

void dp_exec_profile(dp_exec *ex, dp_profile *out, int reset)
{
    if (out) *out = ex->prof;
    if (reset) memset(&ex->prof, 0, sizeof ex->prof);
}

/* Images [first, first+count) of a batch of B split into n slices. */
static void slice_range(int B, int n_slices, int t, int *first, int *count)
{
    int a = (int)((long)B * t / n_slices), b = (int)((long)B * (t + 1) / n_slices);
    *first = a;
    *count = b - a;
}

/* ---- forward and backward over one slice -------------------------------- */

static const float *forward_slice(slice *s, const dp_net *net, const float *x, int n,
                                  int training, uint64_t seed, long first_sample, dp_profile *prof)
{
    const dp_arch *a = &net->arch;
    const float *cur = x;
    long in_size = net->layer[0].in_size;
    if (a->input_mean != 0.0f || a->input_std != 1.0f) {
        float inv = 1.0f / a->input_std;
        for (long i = 0; i < n * in_size; i++) s->input[i] = (x[i] - a->input_mean) * inv;
        cur = s->input;
    }
    s->in = cur;
    int writable = cur != x;   /* may ReLU work in place on cur? */
    for (int l = 0; l < net->n_layers; l++) {
        const dp_layer_info *L = &net->layer[l];
        const float *W = net->params + L->w_off, *bias = net->params + L->b_off;
        float *out = s->buf[l];
        double t0 = prof ? dp_now() : 0.0;
        if (s->fused[l]) {
            out = s->buf[l + 2];
            dp_convpool_forward(out, s->winner[l + 2], s->fused_scratch, cur, W, bias, n, L->in_h, L->in_w, L->in_c,
                                L->out_c, L->spec.k, L->spec.pad, s->gemm);
            s->out[l] = s->out[l + 1] = NULL;   /* never materialised */
            s->out[l + 2] = out;
            cur = out;
            writable = 1;
            if (prof) prof->forward[l] += dp_now() - t0;
            l += 2;
            continue;
        }
        switch (L->spec.type) {
        case DP_LAYER_CONV:
            dp_conv_forward(out, s->col, cur, W, bias, n, L->in_h, L->in_w, L->in_c,
                            L->out_c, L->spec.k, L->spec.pad, s->gemm);
            break;
        case DP_LAYER_DENSE:
            dp_dense_forward(out, cur, W, bias, n, (int)L->in_size, L->out_c, s->gemm);
            break;
        case DP_LAYER_RELU:
            if (writable) out = (float *)cur;
            dp_relu_forward(out, cur, n * L->in_size);
            break;
        case DP_LAYER_MAXPOOL:
            dp_maxpool_forward(out, s->argmax[l], cur, n, L->in_h, L->in_w, L->in_c);
            break;
        case DP_LAYER_DROPOUT:
            if (!training) {
                out = (float *)cur;
                break;
            }
            dp_dropout_forward(out, s->mask[l], cur, n, L->in_size, L->spec.rate,
                               dp_hash64(seed + (uint64_t)l), first_sample);
            break;
        case DP_LAYER_FLATTEN:
            out = (float *)cur;
            break;
        case DP_LAYER_BATCHNORM:
            if (training)
                dp_bn_forward_train(out, s->bn_mean[l], s->bn_rstd[l], s->bn_acc, cur, W, bias,
                                    n * (long)L->in_h * L->in_w, L->in_c);
            else
                dp_bn_forward_infer(out, cur, W, bias, net->stats + L->s_off, net->stats + L->s_off + L->in_c,
                                    n * (long)L->in_h * L->in_w, L->in_c);
            break;
        }
        s->out[l] = out;
        cur = out;
        writable = 1;
        if (prof) prof->forward[l] += dp_now() - t0;
    }
    if (prof) prof->passes++;
    return cur;
}

static int first_layer_with_params(const dp_net *net)
{
    for (int l = 0; l < net->n_layers; l++)
        if (net->layer[l].w_count) return l;
    return net->n_layers;
}

static void backward_slice(slice *s, const dp_net *net, int n, dp_profile *prof)
{
    float *dcur = s->dlogits;
    int stop = first_layer_with_params(net);
    float *grads = s->grads;
    for (int l = net->n_layers - 1; l >= stop; l--) {
        const dp_layer_info *L = &net->layer[l];
        const float *in = l == 0 ? s->in : s->out[l - 1];
        const float *W = net->params + L->w_off;
        float *other = dcur == s->grad_a ? s->grad_b : s->grad_a;
        float *din = l > stop ? other : NULL;
        long count = n * L->in_size;
        double t0 = prof ? dp_now() : 0.0;
        if (l >= 2 && s->fused[l - 2]) {
            const dp_layer_info *C = &net->layer[l - 2];
            const float *block_in = l - 2 == 0 ? s->in : s->out[l - 3];
            din = l - 2 > stop ? other : NULL;
            dp_convpool_backward(din, grads + C->w_off, grads + C->b_off, s->fused_scratch, dcur, s->winner[l],
                                 block_in, net->params + C->w_off, n, C->in_h, C->in_w, C->in_c, C->out_c,
                                 C->spec.k, C->spec.pad, s->gemm);
            dcur = other;
            if (prof) prof->backward[l - 2] += dp_now() - t0;
            l -= 2;
            continue;
        }
        switch (L->spec.type) {
        case DP_LAYER_CONV:
            dp_conv_backward(din, grads + L->w_off, grads + L->b_off, s->col, s->dcol, dcur, in, W,
                             n, L->in_h, L->in_w, L->in_c, L->out_c, L->spec.k, L->spec.pad, s->gemm);
            dcur = other;
            break;
        case DP_LAYER_DENSE:
            dp_dense_backward(din, grads + L->w_off, grads + L->b_off, dcur, in, W, n,
                              (int)L->in_size, L->out_c, s->gemm);
            dcur = other;
            break;
        case DP_LAYER_RELU:
            dp_relu_backward(dcur, dcur, s->out[l], count);
            break;
        case DP_LAYER_MAXPOOL:
            dp_maxpool_backward(other, dcur, s->argmax[l], n, L->in_h, L->in_w, L->in_c);
            dcur = other;
            break;
        case DP_LAYER_DROPOUT:
            dp_dropout_backward(dcur, dcur, s->mask[l], count);
            break;
        case DP_LAYER_FLATTEN:
            break;
        case DP_LAYER_BATCHNORM:
            dp_bn_backward(dcur, grads + L->w_off, grads + L->b_off, s->bn_acc, dcur, in, s->bn_mean[l], s->bn_rstd[l],
                           W, n * (long)L->in_h * L->in_w, L->in_c);
            break;
        }
        if (prof) prof->backward[l] += dp_now() - t0;
    }
}

/* ---- pool tasks --------------------------------------------------------- */

static void predict_task(void *arg, int t)
{
    dp_exec *ex = arg;
    int first, n;
    slice_range(ex->batch, ex->n_slices, t, &first, &n);
    long in_size = ex->net->layer[0].in_size;
    slice *s = &ex->slices[t];
    const float *logits = forward_slice(s, ex->net, ex->x + first * in_size, n, 0, 0, first, t ? NULL : &ex->prof);
    float *out = ex->probs_out + (long)first * DP_CLASSES;
    if (ex->want_logits) memcpy(out, logits, sizeof(float) * (size_t)n * DP_CLASSES);
    else dp_softmax_rows(out, logits, n, ex->net->temperature);
    if (ex->feats_out) {
        int L = ex->feats_layer;
        long dim = ex->net->layer[L].in_size;
        const float *src = L > 0 ? s->out[L - 1] : s->in;
        memcpy(ex->feats_out + first * dim, src, sizeof(float) * (size_t)(n * dim));
    }
}

void dp_softmax_rows(float *probs, const float *logits, int n, float temperature)
{
    float inv = temperature > 0 ? 1.0f / temperature : 1.0f, zmax;
    for (int i = 0; i < n; i++)
        dp_softmax_row(probs + (long)i * DP_CLASSES, logits + (long)i * DP_CLASSES, DP_CLASSES, inv, &zmax);
}

static void gradient_task(void *arg, int t)
{
    dp_exec *ex = arg;
    int first, n;
    slice_range(ex->batch, ex->n_slices, t, &first, &n);
    long in_size = ex->net->layer[0].in_size;
    slice *s = &ex->slices[t];
    const float *x = ex->x + first * in_size;
    const uint8_t *y = ex->y + first;
    dp_profile *prof = t ? NULL : &ex->prof;
    memset(s->grads, 0, sizeof(float) * (size_t)ex->n_params);
    const float *logits = forward_slice(s, ex->net, x, n, 1, ex->seed, first, prof);
    double t0 = dp_now();
    s->loss = dp_softmax_xent(s->probs, s->dlogits, logits, y, n, DP_CLASSES, 1.0f / (float)ex->batch);
    s->correct = 0;
    for (int i = 0; i < n; i++) s->correct += dp_argmax(s->probs + i * DP_CLASSES, DP_CLASSES) == y[i];
    if (prof) prof->loss += dp_now() - t0;
    backward_slice(s, ex->net, n, prof);
}

/* Sums the slices' gradients over one range of parameters, slices in order. */
static void reduce_task(void *arg, int t)
{
    dp_exec *ex = arg;
    long a = ex->n_params * t / ex->n_threads, b = ex->n_params * (t + 1) / ex->n_threads;
    float *dst = ex->grads_out;
    memcpy(dst + a, ex->slices[0].grads + a, sizeof(float) * (size_t)(b - a));
    for (int s = 1; s < ex->n_slices; s++) {
        const float *src = ex->slices[s].grads;
        for (long i = a; i < b; i++) dst[i] += src[i];
    }
}

static int slices_for(const dp_exec *ex, int B)
{
    /* A slice below a few images costs more in overhead than it saves; but
     * no slice may get more images than its buffers hold (per_slice). */
    int n = B / 4, need = (B + ex->per_slice - 1) / ex->per_slice;
    if (n < need) n = need;
    if (n < 1) n = 1;
    return n < ex->n_threads ? n : ex->n_threads;
}

static void run_predict(dp_exec *ex, const dp_net *net, const float *x, int B, float *probs);

void dp_net_predict(dp_exec *ex, const dp_net *net, const float *x, int B, float *probs)
{
    ex->want_logits = 0;
    run_predict(ex, net, x, B, probs);
}

void dp_net_features(dp_exec *ex, const dp_net *net, const float *x, int B, float *feats, float *probs)
{
    int L = net->n_layers - 1;
    while (L > 0 && net->layer[L].spec.type != DP_LAYER_DENSE) L--;
    long dim = net->layer[L].in_size;
    float *scratch = probs ? NULL : dp_alloc_floats((size_t)ex->max_batch * DP_CLASSES);
    if (!probs && !scratch) return;
    ex->want_logits = 0;
    ex->feats_layer = L;
    /* run_predict in chunks of max_batch: the features of each chunk go after the last's */
    for (int done = 0; done < B; done += ex->max_batch) {
        int n = B - done < ex->max_batch ? B - done : ex->max_batch;
        ex->feats_out = feats + (long)done * dim;
        run_predict(ex, net, x + (long)done * net->layer[0].in_size, n, probs ? probs + (long)done * DP_CLASSES : scratch);
    }
    ex->feats_out = NULL;
    free(scratch);
}

void dp_net_logits(dp_exec *ex, const dp_net *net, const float *x, int B, float *logits)
{
    ex->want_logits = 1;
    run_predict(ex, net, x, B, logits);
    ex->want_logits = 0;
}

static void run_predict(dp_exec *ex, const dp_net *net, const float *x, int B, float *probs)
{
    long in_size = net->layer[0].in_size;
    for (int done = 0; done < B; done += ex->max_batch) {
        int n = B - done < ex->max_batch ? B - done : ex->max_batch;
        ex->net = net;
        ex->x = x + done * in_size;
        ex->probs_out = probs + (long)done * DP_CLASSES;
        ex->batch = n;
        ex->n_slices = slices_for(ex, n);
        dp_pool_run(ex->pool, ex->n_slices, predict_task, ex);
    }
}

void dp_net_update_stats(dp_exec *ex, dp_net *net, float momentum)
{
    for (int l = 0; l < net->n_layers; l++) {
        const dp_layer_info *L = &net->layer[l];
        if (L->spec.type != DP_LAYER_BATCHNORM) continue;
        long pixels = (long)L->in_h * L->in_w;
        float *rmean = net->stats + L->s_off, *rvar = rmean + L->in_c;
        for (int c = 0; c < L->in_c; c++) {
            /* Slices' statistics combined: the mean of means, and the mean
             * of variances plus the variance of the means. */
            double total = 0, m1 = 0, m2 = 0;
            for (int t = 0; t < ex->n_slices; t++) {
                int first, n;
                slice_range(ex->batch, ex->n_slices, t, &first, &n);
                double rows = (double)n * pixels, mu = ex->slices[t].bn_mean[l][c], rs = ex->slices[t].bn_rstd[l][c];
                double var = 1.0 / (rs * rs) - DP_BN_EPS;
                total += rows, m1 += rows * mu, m2 += rows * (var + mu * mu);
            }
            double mean = m1 / total, var = m2 / total - mean * mean;
            if (total > 1) var *= total / (total - 1);   /* unbiased, as the running estimate should be */
            rmean[c] = (1 - momentum) * rmean[c] + momentum * (float)mean;
            rvar[c] = (1 - momentum) * rvar[c] + momentum * (float)(var > 0 ? var : 0);
        }
    }
}

double dp_net_gradient(dp_exec *ex, const dp_net *net, const float *x, const uint8_t *y, int B,
                       uint64_t dropout_seed, float *grads, int *n_correct)
{
    if (B < 1 || B > ex->max_batch || !ex->training) {
        dp_set_error("batch of %d images does not fit the context (max %d%s)", B, ex->max_batch,
                     ex->training ? "" : ", made for inference only");
        return NAN;
    }
    ex->net = net;
    ex->x = x;
    ex->y = y;
    ex->batch = B;
    ex->seed = dropout_seed;
    ex->grads_out = grads;
    ex->n_slices = slices_for(ex, B);
    dp_pool_run(ex->pool, ex->n_slices, gradient_task, ex);
    double t0 = dp_now();
    dp_pool_run(ex->pool, ex->n_threads, reduce_task, ex);
    ex->prof.reduce += dp_now() - t0;
    double loss = 0.0;
    int correct = 0;
    for (int t = 0; t < ex->n_slices; t++) {
        loss += ex->slices[t].loss;
        correct += ex->slices[t].correct;
    }
    if (n_correct) *n_correct = correct;
    return loss / B;
}

#include "layers.h"
#include "rng.h"

#include <math.h>
#include <string.h>

/* im2col is done a few images at a time so the column buffer stays near the
 * size of L2 cache instead of growing with the batch. */
#define COL_BUDGET_FLOATS (96 * 1024)

static int use_reference;

void dp_layers_use_reference(int on) { use_reference = on; }
int dp_layers_reference(void) { return use_reference; }

/* ---- convolution -------------------------------------------------------- */

static int conv_chunk_images(int OH, int OW, int C, int k)
{
    long per_image = (long)OH * OW * k * k * C;
    long chunk = COL_BUDGET_FLOATS / (per_image > 0 ? per_image : 1);
    return chunk < 1 ? 1 : (int)chunk;
}

long dp_conv_col_floats(int H, int W, int C, int k, int pad)
{
    int OH = dp_conv_out_size(H, k, pad), OW = dp_conv_out_size(W, k, pad);
    long per_image = (long)OH * OW * k * k * C;
    return per_image * conv_chunk_images(OH, OW, C, k);
}

/* col (n*OH*OW, k*k*C): row r is the receptive field of output pixel r, in
 * (kh, kw, c) order; zero padding is written as zeros. */
static void im2col(float *col, const float *in, int n, int H, int W, int C, int k, int pad)
{
    int OH = dp_conv_out_size(H, k, pad), OW = dp_conv_out_size(W, k, pad);
    size_t run = (size_t)k * C;   /* one kernel row of one output pixel */
    for (int i = 0; i < n; i++) {
        const float *img = in + (long)i * H * W * C;
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++) {
                for (int ky = 0; ky < k; ky++) {
                    int y = oy + ky - pad;
                    int x0 = ox - pad;
                    if (y < 0 || y >= H) {
                        memset(col, 0, run * sizeof(float));
                    } else if (x0 >= 0 && x0 + k <= W) {
                        memcpy(col, img + ((long)y * W + x0) * C, run * sizeof(float));
                    } else {
                        for (int kx = 0; kx < k; kx++) {
                            int x = x0 + kx;
                            float *dst = col + (long)kx * C;
                            if (x < 0 || x >= W) memset(dst, 0, (size_t)C * sizeof(float));
                            else memcpy(dst, img + ((long)y * W + x) * C, (size_t)C * sizeof(float));
                        }
                    }
                    col += run;
                }
            }
    }
}

/* The adjoint of im2col: adds each column entry back onto its input pixel. */
static void col2im_add(float *din, const float *dcol, int n, int H, int W, int C, int k, int pad)
{
    int OH = dp_conv_out_size(H, k, pad), OW = dp_conv_out_size(W, k, pad);
    for (int i = 0; i < n; i++) {
        float *img = din + (long)i * H * W * C;
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++)
                for (int ky = 0; ky < k; ky++) {
                    int y = oy + ky - pad;
                    for (int kx = 0; kx < k; kx++, dcol += C) {
                        int x = ox + kx - pad;
                        if (y < 0 || y >= H || x < 0 || x >= W) continue;
                        float *dst = img + ((long)y * W + x) * C;
                        for (int c = 0; c < C; c++) dst[c] += dcol[c];
                    }
                }
    }
}

static void add_bias_rows(float *out, const float *b, long rows, int cols)
{
    for (long r = 0; r < rows; r++, out += cols)
        for (int j = 0; j < cols; j++) out[j] += b[j];
}

static void sum_rows_into(float *db, const float *dout, long rows, int cols)
{
    for (long r = 0; r < rows; r++, dout += cols)
        for (int j = 0; j < cols; j++) db[j] += dout[j];
}

void dp_conv_forward(float *out, float *col, const float *in, const float *w, const float *b,
                     int n, int H, int W, int C, int F, int k, int pad, dp_gemm_ws *ws)
{
    if (use_reference) {
        dp_conv_forward_ref(out, in, w, b, n, H, W, C, F, k, pad);
        return;
    }
    int OH = dp_conv_out_size(H, k, pad), OW = dp_conv_out_size(W, k, pad);
    int K = k * k * C;
    int chunk = conv_chunk_images(OH, OW, C, k);
    for (int i0 = 0; i0 < n; i0 += chunk) {
        int m = n - i0 < chunk ? n - i0 : chunk;
        int P = m * OH * OW;
        float *o = out + (long)i0 * OH * OW * F;
        im2col(col, in + (long)i0 * H * W * C, m, H, W, C, k, pad);
        /* out (P,F) = col (P,K) · w^T (K,F) */
        dp_gemm(ws, P, F, K, col, K, 1, w, 1, K, 0.0f, o, F);
        add_bias_rows(o, b, P, F);
    }
}

void dp_conv_backward(float *din, float *dw, float *db, float *col, float *dcol,
                      const float *dout, const float *in, const float *w,
                      int n, int H, int W, int C, int F, int k, int pad, dp_gemm_ws *ws)
{
    if (use_reference) {
        dp_conv_backward_ref(din, dw, db, dout, in, w, n, H, W, C, F, k, pad);
        return;
    }
    int OH = dp_conv_out_size(H, k, pad), OW = dp_conv_out_size(W, k, pad);
    int K = k * k * C;
    int chunk = conv_chunk_images(OH, OW, C, k);
    for (int i0 = 0; i0 < n; i0 += chunk) {
        int m = n - i0 < chunk ? n - i0 : chunk;
        int P = m * OH * OW;
        const float *d = dout + (long)i0 * OH * OW * F;
        im2col(col, in + (long)i0 * H * W * C, m, H, W, C, k, pad);
        /* dw (F,K) += dout^T (F,P) · col (P,K) */
        dp_gemm(ws, F, K, P, d, 1, F, col, K, 1, 1.0f, dw, K);
        sum_rows_into(db, d, P, F);
        if (din) {
            /* dcol (P,K) = dout (P,F) · w (F,K) */
            dp_gemm(ws, P, K, F, d, F, 1, w, K, 1, 0.0f, dcol, K);
            float *di = din + (long)i0 * H * W * C;
            memset(di, 0, sizeof(float) * (size_t)m * H * W * C);
            col2im_add(di, dcol, m, H, W, C, k, pad);
        }
    }
}

/* ---- conv + relu + pool, fused ------------------------------------------------ */

/* Images per chunk so that the chunk's columns, its convolution output and
 * the column gradient stay near L2 size. */
static int convpool_chunk(int OH, int OW, int K, int F)
{
    long per_image = (long)OH * OW * (2L * K + F);
    long chunk = (2 * COL_BUDGET_FLOATS) / (per_image > 0 ? per_image : 1);
    return chunk < 1 ? 1 : (int)chunk;
}

/* Few inputs per output: a direct convolution beats im2col + GEMM. */
static int small_conv(int C, int F, int k) { return k * k * C <= 27 && F <= DP_CONV_SMALL_MAX_F; }

long dp_convpool_scratch_floats(int H, int W, int C, int F, int k, int pad)
{
    int OH = dp_conv_out_size(H, k, pad), OW = dp_conv_out_size(W, k, pad), K = k * k * C;
    long chunk = convpool_chunk(OH, OW, K, F);
    long padded = chunk * (H + 2L * pad) * (W + 2L * pad) * C;
    return chunk * OH * OW * (2L * K + F) + padded + 2L * K * F;
}

/* Scratch layout: columns | conv output (or its gradient) | column gradient
 * | zero-padded input | transposed weights | their gradient. */
typedef struct {
    float *col, *y, *dcol, *padded, *wt, *dwt;
} convpool_scratch;

static convpool_scratch split_scratch(float *scratch, int H, int W, int C, int F, int k, int pad)
{
    int OH = dp_conv_out_size(H, k, pad), OW = dp_conv_out_size(W, k, pad), K = k * k * C;
    long chunk = convpool_chunk(OH, OW, K, F), rows = chunk * OH * OW;
    convpool_scratch sc;
    sc.col = scratch;
    sc.y = sc.col + rows * K;
    sc.dcol = sc.y + rows * F;
    sc.padded = sc.dcol + rows * K;
    sc.wt = sc.padded + chunk * (H + 2L * pad) * (W + 2L * pad) * C;
    sc.dwt = sc.wt + (long)K * F;
    return sc;
}

/* The m images of a chunk with `pad` zeros around, for the direct kernel. */
static const float *pad_images(float *dst, const float *in, int m, int H, int W, int C, int pad)
{
    if (!pad) return in;
    int Hp = H + 2 * pad, Wp = W + 2 * pad;
    memset(dst, 0, sizeof(float) * (size_t)m * Hp * Wp * C);
    for (int i = 0; i < m; i++)
        for (int y = 0; y < H; y++)
            memcpy(dst + (((long)i * Hp + y + pad) * Wp + pad) * C, in + (((long)i * H + y) * W) * C,
                   sizeof(float) * (size_t)W * C);
    return dst;
}

/* (F,K) -> (K,F) */
static void transpose(float *dst, const float *src, int rows, int cols)
{
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) dst[(long)c * rows + r] = src[(long)r * cols + c];
}

/* Bias, ReLU and 2×2 max-pool of one image's convolution output y. The
 * winner is tracked as a float so the whole loop is compares and blends the
 * compiler vectorizes across channels. */
static void relu_pool_epilogue(float *out, uint8_t *winner, const float *y, const float *b, int OH, int OW, int F)
{
    int PH = OH / 2, PW = OW / 2;
    float at[256];
    for (int py = 0; py < PH; py++)
        for (int px = 0; px < PW; px++) {
            const float *y00 = y + ((long)(2 * py) * OW + 2 * px) * F, *y01 = y00 + F;
            const float *y10 = y00 + (long)OW * F, *y11 = y10 + F;
            float *o = out + ((long)py * PW + px) * F;
            uint8_t *wn = winner + ((long)py * PW + px) * F;
            for (int c0 = 0; c0 < F; c0 += 256) {
                int nc = F - c0 < 256 ? F - c0 : 256;
                for (int c = 0; c < nc; c++) {
                    float m = y00[c0 + c], a = 0.0f;
                    a = y01[c0 + c] > m ? 1.0f : a, m = y01[c0 + c] > m ? y01[c0 + c] : m;
                    a = y10[c0 + c] > m ? 2.0f : a, m = y10[c0 + c] > m ? y10[c0 + c] : m;
                    a = y11[c0 + c] > m ? 3.0f : a, m = y11[c0 + c] > m ? y11[c0 + c] : m;
                    m += b[c0 + c];   /* one bias for all four: add it to the winner only */
                    o[c0 + c] = m > 0.0f ? m : 0.0f;
                    at[c] = m > 0.0f ? a : (float)DP_POOL_NONE;
                }
                for (int c = 0; c < nc; c++) wn[c0 + c] = (uint8_t)at[c];
            }
        }
}

void dp_convpool_forward(float *out, uint8_t *winner, float *scratch, const float *in, const float *w,
                         const float *b, int n, int H, int W, int C, int F, int k, int pad, dp_gemm_ws *ws)
{
    int OH = dp_conv_out_size(H, k, pad), OW = dp_conv_out_size(W, k, pad), K = k * k * C;
    int chunk = convpool_chunk(OH, OW, K, F), small = small_conv(C, F, k);
    long pooled = (long)(OH / 2) * (OW / 2) * F;
    convpool_scratch sc = split_scratch(scratch, H, W, C, F, k, pad);
    float *y = sc.y;
    if (small) transpose(sc.wt, w, F, K);
    for (int i0 = 0; i0 < n; i0 += chunk) {
        int m = n - i0 < chunk ? n - i0 : chunk;
        int P = m * OH * OW;
        const float *src = in + (long)i0 * H * W * C;
        if (small) {
            dp_conv_small_forward(y, pad_images(sc.padded, src, m, H, W, C, pad), sc.wt, m, H + 2 * pad,
                                  W + 2 * pad, C, F, k);
        } else {
            im2col(sc.col, src, m, H, W, C, k, pad);
            dp_gemm(ws, P, F, K, sc.col, K, 1, w, 1, K, 0.0f, y, F);
        }
        for (int i = 0; i < m; i++)
            relu_pool_epilogue(out + (i0 + i) * pooled, winner + (i0 + i) * pooled, y + (long)i * OH * OW * F, b,
                               OH, OW, F);
    }
}

/* The convolution output's gradient for one image: each pooled gradient
 * goes to the input that won, nothing elsewhere. */
static void unpool_gradient(float *dy, const float *dout, const uint8_t *winner, int OH, int OW, int F)
{
    int PH = OH / 2, PW = OW / 2;
    memset(dy, 0, sizeof(float) * (size_t)OH * OW * F);
    for (int py = 0; py < PH; py++)
        for (int px = 0; px < PW; px++) {
            const float *g = dout + ((long)py * PW + px) * F;
            const uint8_t *wn = winner + ((long)py * PW + px) * F;
            float *base = dy + ((long)(2 * py) * OW + 2 * px) * F;
            for (int c = 0; c < F; c++) {
                if (wn[c] == DP_POOL_NONE) continue;
                base[((long)(wn[c] >> 1) * OW + (wn[c] & 1)) * F + c] = g[c];
            }
        }
}

void dp_convpool_backward(float *din, float *dw, float *db, float *scratch, const float *dout,
                          const uint8_t *winner, const float *in, const float *w,
                          int n, int H, int W, int C, int F, int k, int pad, dp_gemm_ws *ws)
{
    int OH = dp_conv_out_size(H, k, pad), OW = dp_conv_out_size(W, k, pad), K = k * k * C;
    int chunk = convpool_chunk(OH, OW, K, F), small = !din && small_conv(C, F, k);
    long pooled = (long)(OH / 2) * (OW / 2) * F;
    convpool_scratch sc = split_scratch(scratch, H, W, C, F, k, pad);
    float *dy = sc.y;
    if (small) memset(sc.dwt, 0, sizeof(float) * (size_t)K * F);
    for (int i0 = 0; i0 < n; i0 += chunk) {
        int m = n - i0 < chunk ? n - i0 : chunk;
        int P = m * OH * OW;
        const float *src = in + (long)i0 * H * W * C;
        for (int i = 0; i < m; i++)
            unpool_gradient(dy + (long)i * OH * OW * F, dout + (i0 + i) * pooled, winner + (i0 + i) * pooled, OH,
                            OW, F);
        if (small) {
            dp_conv_small_dweights(sc.dwt, db, dy, pad_images(sc.padded, src, m, H, W, C, pad), m, H + 2 * pad,
                                   W + 2 * pad, C, F, k);
            continue;
        }
        im2col(sc.col, src, m, H, W, C, k, pad);
        dp_gemm(ws, F, K, P, dy, 1, F, sc.col, K, 1, 1.0f, dw, K);
        sum_rows_into(db, dy, P, F);
        if (din) {
            dp_gemm(ws, P, K, F, dy, F, 1, w, K, 1, 0.0f, sc.dcol, K);
            float *di = din + (long)i0 * H * W * C;
            memset(di, 0, sizeof(float) * (size_t)m * H * W * C);
            col2im_add(di, sc.dcol, m, H, W, C, k, pad);
        }
    }
    if (small)   /* dw (F,K) += dwt^T */
        for (int f = 0; f < F; f++)
            for (int t = 0; t < K; t++) dw[(long)f * K + t] += sc.dwt[(long)t * F + f];
}

/* Direct convolution by the definition, for the tests. */
void dp_conv_forward_ref(float *out, const float *in, const float *w, const float *b,
                         int n, int H, int W, int C, int F, int k, int pad)
{
    int OH = dp_conv_out_size(H, k, pad), OW = dp_conv_out_size(W, k, pad);
    for (int i = 0; i < n; i++)
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++)
                for (int f = 0; f < F; f++) {
                    double acc = b[f];
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++) {
                            int y = oy + ky - pad, x = ox + kx - pad;
                            if (y < 0 || y >= H || x < 0 || x >= W) continue;
                            for (int c = 0; c < C; c++)
                                acc += (double)in[(((long)i * H + y) * W + x) * C + c] *
                                       w[(((long)f * k + ky) * k + kx) * C + c];
                        }
                    out[(((long)i * OH + oy) * OW + ox) * F + f] = (float)acc;
                }
}

void dp_conv_backward_ref(float *din, float *dw, float *db, const float *dout, const float *in,
                          const float *w, int n, int H, int W, int C, int F, int k, int pad)
{
    int OH = dp_conv_out_size(H, k, pad), OW = dp_conv_out_size(W, k, pad);
    if (din) memset(din, 0, sizeof(float) * (size_t)n * H * W * C);
    for (int i = 0; i < n; i++)
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++)
                for (int f = 0; f < F; f++) {
                    float g = dout[(((long)i * OH + oy) * OW + ox) * F + f];
                    db[f] += g;
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++) {
                            int y = oy + ky - pad, x = ox + kx - pad;
                            if (y < 0 || y >= H || x < 0 || x >= W) continue;
                            for (int c = 0; c < C; c++) {
                                long xi = (((long)i * H + y) * W + x) * C + c;
                                long wi = (((long)f * k + ky) * k + kx) * C + c;
                                dw[wi] += g * in[xi];
                                if (din) din[xi] += g * w[wi];
                            }
                        }
                }
}

/* ---- dense -------------------------------------------------------------- */

void dp_dense_forward(float *out, const float *in, const float *w, const float *b,
                      int n, int I, int O, dp_gemm_ws *ws)
{
    if (use_reference) {
        dp_dense_forward_ref(out, in, w, b, n, I, O);
        return;
    }
    /* out (n,O) = in (n,I) · w^T (I,O) */
    dp_gemm(ws, n, O, I, in, I, 1, w, 1, I, 0.0f, out, O);
    add_bias_rows(out, b, n, O);
}

void dp_dense_backward(float *din, float *dw, float *db, const float *dout, const float *in,
                       const float *w, int n, int I, int O, dp_gemm_ws *ws)
{
    if (use_reference) {
        dp_dense_backward_ref(din, dw, db, dout, in, w, n, I, O);
        return;
    }
    /* dw (O,I) += dout^T (O,n) · in (n,I) */
    dp_gemm(ws, O, I, n, dout, 1, O, in, I, 1, 1.0f, dw, I);
    sum_rows_into(db, dout, n, O);
    /* din (n,I) = dout (n,O) · w (O,I) */
    if (din) dp_gemm(ws, n, I, O, dout, O, 1, w, I, 1, 0.0f, din, I);
}

void dp_dense_forward_ref(float *out, const float *in, const float *w, const float *b,
                          int n, int I, int O)
{
    for (int i = 0; i < n; i++)
        for (int o = 0; o < O; o++) {
            double acc = b[o];
            for (int j = 0; j < I; j++) acc += (double)in[(long)i * I + j] * w[(long)o * I + j];
            out[(long)i * O + o] = (float)acc;
        }
}

void dp_dense_backward_ref(float *din, float *dw, float *db, const float *dout, const float *in,
                           const float *w, int n, int I, int O)
{
    if (din) memset(din, 0, sizeof(float) * (size_t)n * I);
    for (int i = 0; i < n; i++)
        for (int o = 0; o < O; o++) {
            float g = dout[(long)i * O + o];
            db[o] += g;
            for (int j = 0; j < I; j++) {
                dw[(long)o * I + j] += g * in[(long)i * I + j];
                if (din) din[(long)i * I + j] += g * w[(long)o * I + j];
            }
        }
}

/* ---- relu, pooling, dropout --------------------------------------------- */

void dp_relu_forward(float *out, const float *in, long count)
{
    for (long i = 0; i < count; i++) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

void dp_relu_backward(float *din, const float *dout, const float *out, long count)
{
    for (long i = 0; i < count; i++) din[i] = out[i] > 0.0f ? dout[i] : 0.0f;
}

void dp_maxpool_forward(float *out, int32_t *argmax, const float *in, int n, int H, int W, int C)
{
    int OH = H / 2, OW = W / 2;
    for (int i = 0; i < n; i++) {
        const float *img = in + (long)i * H * W * C;
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++) {
                int32_t base = (int32_t)(((2 * oy) * W + 2 * ox) * C);
                int32_t offs[4] = {base, base + C, base + W * C, base + W * C + C};
                for (int c = 0; c < C; c++) {
                    int32_t best = offs[0] + c;
                    for (int q = 1; q < 4; q++)
                        if (img[offs[q] + c] > img[best]) best = offs[q] + c;
                    *out++ = img[best];
                    *argmax++ = best;
                }
            }
    }
}

void dp_maxpool_backward(float *din, const float *dout, const int32_t *argmax,
                         int n, int H, int W, int C)
{
    long in_size = (long)H * W * C, out_size = (long)(H / 2) * (W / 2) * C;
    memset(din, 0, sizeof(float) * (size_t)n * in_size);
    for (int i = 0; i < n; i++) {
        float *img = din + (long)i * in_size;
        for (long j = 0; j < out_size; j++) img[argmax[j]] += dout[j];
        dout += out_size;
        argmax += out_size;
    }
}

void dp_dropout_forward(float *out, float *mask, const float *in, int n, long per_sample,
                        float rate, uint64_t seed, long first_sample)
{
    float keep_scale = 1.0f / (1.0f - rate);
    uint64_t threshold = (uint64_t)((double)rate * 18446744073709551616.0);
    for (int i = 0; i < n; i++) {
        uint64_t sample_seed = dp_hash64(seed ^ dp_hash64((uint64_t)(first_sample + i)));
        for (long e = 0; e < per_sample; e++) {
            long j = (long)i * per_sample + e;
            mask[j] = dp_hash64(sample_seed + (uint64_t)e) >= threshold ? keep_scale : 0.0f;
            out[j] = in[j] * mask[j];
        }
    }
}

void dp_dropout_backward(float *din, const float *dout, const float *mask, long count)
{
    for (long i = 0; i < count; i++) din[i] = dout[i] * mask[i];
}

/* ---- batch normalisation ------------------------------------------------ */

void dp_bn_forward_train(float *out, float *mean, float *rstd, double *acc, const float *in, const float *gamma,
                         const float *beta, long rows, int C)
{
    double *sum = acc, *sq = acc + C;
    for (int c = 0; c < C; c++) sum[c] = sq[c] = 0.0;
    for (long r = 0; r < rows; r++) {
        const float *x = in + r * C;
        for (int c = 0; c < C; c++) sum[c] += x[c], sq[c] += (double)x[c] * x[c];
    }
    for (int c = 0; c < C; c++) {
        double m = sum[c] / (double)rows, var = sq[c] / (double)rows - m * m;
        mean[c] = (float)m;
        rstd[c] = (float)(1.0 / sqrt((var > 0 ? var : 0) + DP_BN_EPS));
    }
    for (long r = 0; r < rows; r++) {
        const float *x = in + r * C;
        float *y = out + r * C;
        for (int c = 0; c < C; c++) y[c] = gamma[c] * (x[c] - mean[c]) * rstd[c] + beta[c];
    }
}

void dp_bn_forward_infer(float *out, const float *in, const float *gamma, const float *beta, const float *rmean,
                         const float *rvar, long rows, int C)
{
    for (long r = 0; r < rows; r++) {
        const float *x = in + r * C;
        float *y = out + r * C;
        for (int c = 0; c < C; c++) y[c] = gamma[c] * (x[c] - rmean[c]) / sqrtf(rvar[c] + DP_BN_EPS) + beta[c];
    }
}

void dp_bn_backward(float *din, float *dgamma, float *dbeta, double *acc, const float *dout, const float *in,
                    const float *mean, const float *rstd, const float *gamma, long rows, int C)
{
    /* With xhat = (x - mean) * rstd and g = dout * gamma:
     * din = rstd * (g - mean(g) - xhat * mean(g * xhat)). */
    double *sum_g = acc, *sum_gx = acc + C;
    for (int c = 0; c < C; c++) sum_g[c] = sum_gx[c] = 0.0;
    for (long r = 0; r < rows; r++) {
        const float *x = in + r * C, *d = dout + r * C;
        for (int c = 0; c < C; c++) {
            float xhat = (x[c] - mean[c]) * rstd[c];
            dgamma[c] += d[c] * xhat;
            dbeta[c] += d[c];
            sum_g[c] += d[c] * gamma[c];
            sum_gx[c] += (double)d[c] * gamma[c] * xhat;
        }
    }
    for (int c = 0; c < C; c++) sum_g[c] /= (double)rows, sum_gx[c] /= (double)rows;
    for (long r = 0; r < rows; r++) {
        const float *x = in + r * C, *d = dout + r * C;
        float *g = din + r * C;
        for (int c = 0; c < C; c++) {
            float xhat = (x[c] - mean[c]) * rstd[c];
            g[c] = rstd[c] * (d[c] * gamma[c] - (float)sum_g[c] - xhat * (float)sum_gx[c]);
        }
    }
}

/* ---- loss --------------------------------------------------------------- */

double dp_softmax_row(float *p, const float *z, int classes, float inv, float *zmax)
{
    float m = z[0];
    for (int c = 1; c < classes; c++) m = z[c] > m ? z[c] : m;
    double sum = 0.0;
    for (int c = 0; c < classes; c++) sum += (p[c] = expf((z[c] - m) * inv));
    for (int c = 0; c < classes; c++) p[c] = (float)(p[c] / sum);
    *zmax = m;
    return sum;
}

double dp_softmax_xent(float *probs, float *dlogits, const float *logits, const uint8_t *labels,
                       int n, int classes, float scale)
{
    double loss = 0.0;
    for (int i = 0; i < n; i++) {
        const float *z = logits + (long)i * classes;
        float *p = probs + (long)i * classes, zmax;
        double sum = dp_softmax_row(p, z, classes, 1.0f, &zmax);
        if (!labels) continue;
        int y = labels[i];
        loss += -(double)(z[y] - zmax) + log(sum);   /* -log p[y], stable */
        if (dlogits)
            for (int c = 0; c < classes; c++)
                dlogits[(long)i * classes + c] = (p[c] - (c == y ? 1.0f : 0.0f)) * scale;
    }
    return loss;
}

/* The AVX2+FMA micro-kernel. This file is compiled with -mavx2 -mfma and
 * only ever called after kernels.c has checked that the CPU has both. */
#include "kernels.h"

#include <immintrin.h>
#include <string.h>

/* Writes a finished 6×16 tile: C = beta*C + acc, only the mr×nr part that
 * exists. */
static inline void store_tile(__m256 acc[DP_GEMM_MR][2], float beta, float *C, int ldc, int mr, int nr)
{
    if (mr == DP_GEMM_MR && nr == DP_GEMM_NR) {
        __m256 vb = _mm256_set1_ps(beta);
        for (int i = 0; i < DP_GEMM_MR; i++) {
            float *c = C + (long)i * ldc;
            if (beta == 0.0f) {
                _mm256_storeu_ps(c, acc[i][0]);
                _mm256_storeu_ps(c + 8, acc[i][1]);
            } else {
                _mm256_storeu_ps(c, _mm256_fmadd_ps(vb, _mm256_loadu_ps(c), acc[i][0]));
                _mm256_storeu_ps(c + 8, _mm256_fmadd_ps(vb, _mm256_loadu_ps(c + 8), acc[i][1]));
            }
        }
        return;
    }
    /* Edge tile: spill and copy only the part of C that exists. */
    float tile[DP_GEMM_MR][DP_GEMM_NR];
    for (int i = 0; i < DP_GEMM_MR; i++) {
        _mm256_storeu_ps(tile[i], acc[i][0]);
        _mm256_storeu_ps(tile[i] + 8, acc[i][1]);
    }
    for (int i = 0; i < mr; i++) {
        float *c = C + (long)i * ldc;
        if (beta == 0.0f)
            memcpy(c, tile[i], (size_t)nr * sizeof(float));
        else
            for (int j = 0; j < nr; j++) c[j] = beta * c[j] + tile[i][j];
    }
}

/* 6×16 tile: 12 accumulators, 2 B vectors and 1 broadcast of A fit in the
 * 16 ymm registers, the classic shape for 2 FMA ports. */
void dp_microkernel_avx2(int kc, const float *Ap, const float *Bp,
                         float beta, float *C, int ldc, int mr, int nr)
{
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    for (int p = 0; p < kc; p++) {
        __m256 b0 = _mm256_load_ps(Bp);
        __m256 b1 = _mm256_load_ps(Bp + 8);
        __m256 a;
        a = _mm256_broadcast_ss(Ap + 0); c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);
        a = _mm256_broadcast_ss(Ap + 1); c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);
        a = _mm256_broadcast_ss(Ap + 2); c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);
        a = _mm256_broadcast_ss(Ap + 3); c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);
        a = _mm256_broadcast_ss(Ap + 4); c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41);
        a = _mm256_broadcast_ss(Ap + 5); c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51);
        Ap += DP_GEMM_MR;
        Bp += DP_GEMM_NR;
    }
    __m256 acc[DP_GEMM_MR][2] = {
        {c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51},
    };
    store_tile(acc, beta, C, ldc, mr, nr);
}

/* The same tile with A read in place: rows of A contiguous along K (a row
 * stride rsa, a column stride of 1), as im2col columns, activations and
 * output gradients are. Skipping A's packing saves a pass over A that cost
 * as much as a sixth of the multiply at the network's shapes. Rows past mr
 * repeat the last real one; their results are never stored. */
void dp_microkernel_rows_avx2(int kc, const float *A, long rsa, int mr, const float *Bp,
                              float beta, float *C, int ldc, int nr)
{
    const float *a0 = A, *a1 = mr > 1 ? A + rsa : a0, *a2 = mr > 2 ? A + 2 * rsa : a1;
    const float *a3 = mr > 3 ? A + 3 * rsa : a2, *a4 = mr > 4 ? A + 4 * rsa : a3, *a5 = mr > 5 ? A + 5 * rsa : a4;
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    for (int p = 0; p < kc; p++) {
        __m256 b0 = _mm256_load_ps(Bp);
        __m256 b1 = _mm256_load_ps(Bp + 8);
        __m256 a;
        a = _mm256_broadcast_ss(a0 + p); c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);
        a = _mm256_broadcast_ss(a1 + p); c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);
        a = _mm256_broadcast_ss(a2 + p); c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);
        a = _mm256_broadcast_ss(a3 + p); c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);
        a = _mm256_broadcast_ss(a4 + p); c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41);
        a = _mm256_broadcast_ss(a5 + p); c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51);
        Bp += DP_GEMM_NR;
    }
    __m256 acc[DP_GEMM_MR][2] = {
        {c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51},
    };
    store_tile(acc, beta, C, ldc, mr, nr);
}

/* 8×8 transpose of rows r[0..8) (8 floats each) into out[8][8] (ld 16). */
static inline void transpose8(const float *const r[8], float *out, int ld)
{
    __m256 x0 = _mm256_loadu_ps(r[0]), x1 = _mm256_loadu_ps(r[1]), x2 = _mm256_loadu_ps(r[2]);
    __m256 x3 = _mm256_loadu_ps(r[3]), x4 = _mm256_loadu_ps(r[4]), x5 = _mm256_loadu_ps(r[5]);
    __m256 x6 = _mm256_loadu_ps(r[6]), x7 = _mm256_loadu_ps(r[7]);
    __m256 t0 = _mm256_unpacklo_ps(x0, x1), t1 = _mm256_unpackhi_ps(x0, x1);
    __m256 t2 = _mm256_unpacklo_ps(x2, x3), t3 = _mm256_unpackhi_ps(x2, x3);
    __m256 t4 = _mm256_unpacklo_ps(x4, x5), t5 = _mm256_unpackhi_ps(x4, x5);
    __m256 t6 = _mm256_unpacklo_ps(x6, x7), t7 = _mm256_unpackhi_ps(x6, x7);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(out + 0 * ld, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(out + 1 * ld, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(out + 2 * ld, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(out + 3 * ld, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(out + 4 * ld, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(out + 5 * ld, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(out + 6 * ld, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(out + 7 * ld, _mm256_permute2f128_ps(u3, u7, 0x31));
}

/* Packs a full 16-column panel of B when B's columns are contiguous along
 * K (B(p,j) = Bcol[j*csb + p], a weight matrix used transposed): 8×8
 * register transposes instead of one strided load per element. Returns the
 * number of rows (p) packed, a multiple of 8; the caller does the rest. */
int dp_pack_b_cols_avx2(float *dst, const float *Bcol, long csb, int kc)
{
    int p = 0;
    for (; p + 8 <= kc; p += 8)
        for (int half = 0; half < 2; half++) {
            const float *r[8];
            for (int j = 0; j < 8; j++) r[j] = Bcol + (long)(half * 8 + j) * csb + p;
            transpose8(r, dst + (long)p * DP_GEMM_NR + half * 8, DP_GEMM_NR);
        }
    return p;
}

/* Runs iters rounds of 12 independent 8-wide FMAs (enough in flight to fill
 * both FMA pipes) and returns the flops done, so a caller timing it learns
 * this core's achievable peak. The result depends on the loop, which the
 * compiler cannot remove. */
double dp_fma_probe_avx2(long iters)
{
    __m256 acc[12];
    for (int i = 0; i < 12; i++) acc[i] = _mm256_set1_ps((float)i * 1e-3f);
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < 12; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    __m256 sum = acc[0];
    for (int i = 1; i < 12; i++) sum = _mm256_add_ps(sum, acc[i]);
    float out[8];
    _mm256_storeu_ps(out, sum);
    /* 12 FMAs of 8 lanes, 2 flops each; the sum keeps the loop alive. */
    return (double)iters * 12 * 8 * 2 + (out[0] == 12345.0f ? 1 : 0);
}

static float hsum(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* Dot products of x with rows, four rows at a time: x is loaded once for
 * four weight streams, which keeps enough loads in flight when the weights
 * come from L3 (one image through a dense layer reads all of them). */
void dp_dots_avx2(float *out, const float *x, const float *rows, long stride, int n_rows, int n)
{
    int j = 0;
    for (; j + 4 <= n_rows; j += 4) {
        const float *r0 = rows + j * stride, *r1 = r0 + stride, *r2 = r1 + stride, *r3 = r2 + stride;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        int p = 0;
        for (; p + 8 <= n; p += 8) {
            __m256 v = _mm256_loadu_ps(x + p);
            a0 = _mm256_fmadd_ps(v, _mm256_loadu_ps(r0 + p), a0);
            a1 = _mm256_fmadd_ps(v, _mm256_loadu_ps(r1 + p), a1);
            a2 = _mm256_fmadd_ps(v, _mm256_loadu_ps(r2 + p), a2);
            a3 = _mm256_fmadd_ps(v, _mm256_loadu_ps(r3 + p), a3);
        }
        float s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
        for (; p < n; p++) s0 += x[p] * r0[p], s1 += x[p] * r1[p], s2 += x[p] * r2[p], s3 += x[p] * r3[p];
        out[j] = s0, out[j + 1] = s1, out[j + 2] = s2, out[j + 3] = s3;
    }
    for (; j < n_rows; j++) {
        const float *r = rows + j * stride;
        __m256 a = _mm256_setzero_ps();
        int p = 0;
        for (; p + 8 <= n; p += 8) a = _mm256_fmadd_ps(_mm256_loadu_ps(x + p), _mm256_loadu_ps(r + p), a);
        float s = hsum(a);
        for (; p < n; p++) s += x[p] * r[p];
        out[j] = s;
    }
}

#define SMALL_SUFFIX _generic_avx2
#include "conv_small.inc"

/* The first layer's usual shape, 32 output channels, by hand: two output
 * pixels at a time, 8 accumulators, each weight vector loaded once for both
 * pixels. The generic body above leaves its accumulators in memory. */
static void small_forward_32(float *out, const float *in, const float *wt, int n, int H, int W, int C, int k)
{
    int OH = H - k + 1, OW = W - k + 1, run = k * C;
    for (int i = 0; i < n; i++) {
        const float *img = in + (long)i * H * W * C;
        for (int oy = 0; oy < OH; oy++) {
            float *o = out + (((long)i * OH + oy) * OW) * 32;
            int ox = 0;
            for (; ox + 2 <= OW; ox += 2, o += 64) {
                __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                const float *t = wt;
                for (int ky = 0; ky < k; ky++) {
                    const float *ra = img + ((long)(oy + ky) * W + ox) * C, *rb = ra + C;
                    for (int q = 0; q < run; q++, t += 32) {
                        __m256 w0 = _mm256_loadu_ps(t), w1 = _mm256_loadu_ps(t + 8);
                        __m256 w2 = _mm256_loadu_ps(t + 16), w3 = _mm256_loadu_ps(t + 24);
                        __m256 va = _mm256_broadcast_ss(ra + q), vb = _mm256_broadcast_ss(rb + q);
                        a0 = _mm256_fmadd_ps(va, w0, a0), a1 = _mm256_fmadd_ps(va, w1, a1);
                        a2 = _mm256_fmadd_ps(va, w2, a2), a3 = _mm256_fmadd_ps(va, w3, a3);
                        b0 = _mm256_fmadd_ps(vb, w0, b0), b1 = _mm256_fmadd_ps(vb, w1, b1);
                        b2 = _mm256_fmadd_ps(vb, w2, b2), b3 = _mm256_fmadd_ps(vb, w3, b3);
                    }
                }
                _mm256_storeu_ps(o, a0), _mm256_storeu_ps(o + 8, a1);
                _mm256_storeu_ps(o + 16, a2), _mm256_storeu_ps(o + 24, a3);
                _mm256_storeu_ps(o + 32, b0), _mm256_storeu_ps(o + 40, b1);
                _mm256_storeu_ps(o + 48, b2), _mm256_storeu_ps(o + 56, b3);
            }
            if (ox < OW) {   /* an odd last column */
                __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
                const float *t = wt;
                for (int ky = 0; ky < k; ky++) {
                    const float *ra = img + ((long)(oy + ky) * W + ox) * C;
                    for (int q = 0; q < run; q++, t += 32) {
                        __m256 va = _mm256_broadcast_ss(ra + q);
                        a0 = _mm256_fmadd_ps(va, _mm256_loadu_ps(t), a0);
                        a1 = _mm256_fmadd_ps(va, _mm256_loadu_ps(t + 8), a1);
                        a2 = _mm256_fmadd_ps(va, _mm256_loadu_ps(t + 16), a2);
                        a3 = _mm256_fmadd_ps(va, _mm256_loadu_ps(t + 24), a3);
                    }
                }
                _mm256_storeu_ps(o, a0), _mm256_storeu_ps(o + 8, a1);
                _mm256_storeu_ps(o + 16, a2), _mm256_storeu_ps(o + 24, a3);
            }
        }
    }
}

/* dwt += patch ⊗ dy for 32 channels: two taps at a time, so each loaded
 * gradient vector feeds two accumulators. */
static void small_dweights_32(float *dwt, float *db, const float *dy, const float *in, int n, int H, int W, int C,
                              int k)
{
    int OH = H - k + 1, OW = W - k + 1, taps = k * k * C;
    for (int t0 = 0; t0 < taps; t0 += 2) {
        int two = t0 + 1 < taps;
        int ky0 = t0 / (k * C), q0 = t0 % (k * C), ky1 = (t0 + 1) / (k * C), q1 = (t0 + 1) % (k * C);
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int i = 0; i < n; i++) {
            const float *img = in + (long)i * H * W * C;
            const float *pa = img + (long)ky0 * W * C + q0, *pb = img + (long)ky1 * W * C + q1;
            const float *g = dy + (long)i * OH * OW * 32;
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++, g += 32) {
                    long at = ((long)oy * W + ox) * C;
                    __m256 g0 = _mm256_loadu_ps(g), g1 = _mm256_loadu_ps(g + 8);
                    __m256 g2 = _mm256_loadu_ps(g + 16), g3 = _mm256_loadu_ps(g + 24);
                    __m256 va = _mm256_broadcast_ss(pa + at), vb = _mm256_broadcast_ss(two ? pb + at : pa + at);
                    a0 = _mm256_fmadd_ps(va, g0, a0), a1 = _mm256_fmadd_ps(va, g1, a1);
                    a2 = _mm256_fmadd_ps(va, g2, a2), a3 = _mm256_fmadd_ps(va, g3, a3);
                    b0 = _mm256_fmadd_ps(vb, g0, b0), b1 = _mm256_fmadd_ps(vb, g1, b1);
                    b2 = _mm256_fmadd_ps(vb, g2, b2), b3 = _mm256_fmadd_ps(vb, g3, b3);
                }
        }
        float *d = dwt + (long)t0 * 32;
        _mm256_storeu_ps(d, _mm256_add_ps(_mm256_loadu_ps(d), a0));
        _mm256_storeu_ps(d + 8, _mm256_add_ps(_mm256_loadu_ps(d + 8), a1));
        _mm256_storeu_ps(d + 16, _mm256_add_ps(_mm256_loadu_ps(d + 16), a2));
        _mm256_storeu_ps(d + 24, _mm256_add_ps(_mm256_loadu_ps(d + 24), a3));
        if (two) {
            _mm256_storeu_ps(d + 32, _mm256_add_ps(_mm256_loadu_ps(d + 32), b0));
            _mm256_storeu_ps(d + 40, _mm256_add_ps(_mm256_loadu_ps(d + 40), b1));
            _mm256_storeu_ps(d + 48, _mm256_add_ps(_mm256_loadu_ps(d + 48), b2));
            _mm256_storeu_ps(d + 56, _mm256_add_ps(_mm256_loadu_ps(d + 56), b3));
        }
    }
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    for (long p = 0; p < (long)n * OH * OW; p++) {
        const float *g = dy + p * 32;
        s0 = _mm256_add_ps(s0, _mm256_loadu_ps(g)), s1 = _mm256_add_ps(s1, _mm256_loadu_ps(g + 8));
        s2 = _mm256_add_ps(s2, _mm256_loadu_ps(g + 16)), s3 = _mm256_add_ps(s3, _mm256_loadu_ps(g + 24));
    }
    _mm256_storeu_ps(db, _mm256_add_ps(_mm256_loadu_ps(db), s0));
    _mm256_storeu_ps(db + 8, _mm256_add_ps(_mm256_loadu_ps(db + 8), s1));
    _mm256_storeu_ps(db + 16, _mm256_add_ps(_mm256_loadu_ps(db + 16), s2));
    _mm256_storeu_ps(db + 24, _mm256_add_ps(_mm256_loadu_ps(db + 24), s3));
}

void dp_conv_small_forward_avx2(float *out, const float *in, const float *wt, int n, int H, int W, int C, int F,
                                int k)
{
    if (F == 32) small_forward_32(out, in, wt, n, H, W, C, k);
    else dp_conv_small_forward_generic_avx2(out, in, wt, n, H, W, C, F, k);
}

void dp_conv_small_dweights_avx2(float *dwt, float *db, const float *dy, const float *in, int n, int H, int W,
                                 int C, int F, int k)
{
    if (F == 32) small_dweights_32(dwt, db, dy, in, n, H, W, C, k);
    else dp_conv_small_dweights_generic_avx2(dwt, db, dy, in, n, H, W, C, F, k);
}

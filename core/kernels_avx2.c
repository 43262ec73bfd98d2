/* The AVX2+FMA micro-kernel. This file is compiled with -mavx2 -mfma and
 * only ever called after kernels.c has checked that the CPU has both. */
#include "kernels.h"

#include <immintrin.h>
#include <string.h>

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

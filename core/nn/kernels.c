#include "kernels.h"
#include "common.h"
#include "platform.h"

#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

struct dp_gemm_ws {
    float *packed_a;   /* MC×KC, in MR-row panels */
    float *packed_b;   /* KC×NC, in NR-column panels */
};

/* ---- ISA selection ------------------------------------------------------ */

static int cpu_has_avx2_fma(void)
{
#if defined(DP_HAVE_AVX2_KERNELS) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

static void microkernel_portable(int kc, const float *Ap, const float *Bp,
                                 float beta, float *C, int ldc, int mr, int nr);

/* Resolved on first use, by whichever worker thread gets there first:
 * atomics make that race well defined (every thread would store the same
 * values). The kernel is stored before the ISA, so a thread that sees the
 * ISA resolved also sees its kernel. */
static _Atomic(dp_isa) current_isa = DP_ISA_AUTO;
static _Atomic(dp_microkernel_fn) current_kernel = microkernel_portable;

dp_isa dp_kernels_select(dp_isa want)
{
    if (want == DP_ISA_AUTO) want = DP_ISA_AVX2;   /* the best there is, if the CPU has it */
    if (want == DP_ISA_AVX2 && !cpu_has_avx2_fma()) want = DP_ISA_PORTABLE;
#ifdef DP_HAVE_AVX2_KERNELS
    current_kernel = want == DP_ISA_AVX2 ? dp_microkernel_avx2 : microkernel_portable;
#else
    current_kernel = microkernel_portable;
#endif
    current_isa = want;
    return want;
}

dp_isa dp_kernels_isa(void)
{
    if (current_isa == DP_ISA_AUTO) dp_kernels_select(DP_ISA_AUTO);
    return current_isa;
}

const char *dp_isa_name(dp_isa isa)
{
    switch (isa) {
    case DP_ISA_AVX2: return "avx2+fma";
    case DP_ISA_PORTABLE: return "portable";
    default: return "auto";
    }
}

/* ---- workspace ---------------------------------------------------------- */

dp_gemm_ws *dp_gemm_ws_create(void)
{
    dp_gemm_ws *ws = dp_calloc(1, sizeof *ws);
    if (!ws) return NULL;
    ws->packed_a = dp_alloc_floats((size_t)DP_GEMM_MC * DP_GEMM_KC);
    ws->packed_b = dp_alloc_floats((size_t)DP_GEMM_KC * (DP_GEMM_NC + DP_GEMM_NR));
    if (!ws->packed_a || !ws->packed_b) {
        dp_gemm_ws_free(ws);
        return NULL;
    }
    return ws;
}

void dp_gemm_ws_free(dp_gemm_ws *ws)
{
    if (!ws) return;
    free(ws->packed_a);
    free(ws->packed_b);
    free(ws);
}

/* ---- reference ---------------------------------------------------------- */

void dp_gemm_ref(int M, int N, int K,
                 const float *A, int rsa, int csa,
                 const float *B, int rsb, int csb,
                 float beta, float *C, int ldc)
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double acc = 0.0;
            for (int p = 0; p < K; p++)
                acc += (double)A[(long)i * rsa + (long)p * csa] * B[(long)p * rsb + (long)j * csb];
            float *c = &C[(long)i * ldc + j];
            *c = (float)acc + (beta == 0.0f ? 0.0f : beta * *c);
        }
}

/* ---- packing ------------------------------------------------------------ */

/* Packs the mc×kc block of A at (i0,p0) into MR-row panels, zero-padding
 * the last panel so the micro-kernel never reads past the edge. */
static void pack_a(float *dst, const float *A, int rsa, int csa, int i0, int p0, int mc, int kc)
{
    for (int ir = 0; ir < mc; ir += DP_GEMM_MR) {
        int mr = mc - ir < DP_GEMM_MR ? mc - ir : DP_GEMM_MR;
        const float *src = A + (long)(i0 + ir) * rsa + (long)p0 * csa;
        if (csa == 1) {
            for (int p = 0; p < kc; p++) {
                for (int i = 0; i < mr; i++) dst[i] = src[(long)i * rsa + p];
                for (int i = mr; i < DP_GEMM_MR; i++) dst[i] = 0.0f;
                dst += DP_GEMM_MR;
            }
        } else {
            for (int p = 0; p < kc; p++) {
                const float *col = src + (long)p * csa;
                for (int i = 0; i < mr; i++) dst[i] = col[(long)i * rsa];
                for (int i = mr; i < DP_GEMM_MR; i++) dst[i] = 0.0f;
                dst += DP_GEMM_MR;
            }
        }
    }
}

/* Packs the kc×nc block of B at (p0,j0) into NR-column panels. */
static void pack_b(float *dst, const float *B, int rsb, int csb, int p0, int j0, int kc, int nc)
{
    for (int jr = 0; jr < nc; jr += DP_GEMM_NR) {
        int nr = nc - jr < DP_GEMM_NR ? nc - jr : DP_GEMM_NR;
        const float *src = B + (long)p0 * rsb + (long)(j0 + jr) * csb;
        int p = 0;
#ifdef DP_HAVE_AVX2_KERNELS
        /* A transposed weight matrix (columns contiguous along K): transpose
         * 8×8 blocks in registers. */
        if (rsb == 1 && nr == DP_GEMM_NR && current_isa == DP_ISA_AVX2) {
            p = dp_pack_b_cols_avx2(dst, src, csb, kc);
            dst += (long)p * DP_GEMM_NR;
        }
#endif
        for (; p < kc; p++) {
            const float *row = src + (long)p * rsb;
            if (csb == 1 && nr == DP_GEMM_NR) {
                memcpy(dst, row, DP_GEMM_NR * sizeof(float));
            } else {
                for (int j = 0; j < nr; j++) dst[j] = row[(long)j * csb];
                for (int j = nr; j < DP_GEMM_NR; j++) dst[j] = 0.0f;
            }
            dst += DP_GEMM_NR;
        }
    }
}

/* ---- portable micro-kernel ---------------------------------------------- */

/* Four floats as one vector, written with GCC/Clang vector extensions: the
 * same source is SSE2 on x86-64, NEON on arm64 and SIMD128 in WebAssembly.
 * Loads and stores go through memcpy (any alignment, no aliasing games). */
typedef float v4f __attribute__((vector_size(16)));
#define V4_LANES 4
#define NR_VECS (DP_GEMM_NR / V4_LANES)

static inline v4f v4_load(const float *p)
{
    v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline v4f v4_splat(float x) { return (v4f){x, x, x, x}; }

/* The MR×NR tile in 24 four-lane accumulators, then only the mr×nr part
 * that exists written back. */
static void microkernel_portable(int kc, const float *Ap, const float *Bp,
                                 float beta, float *C, int ldc, int mr, int nr)
{
    v4f acc[DP_GEMM_MR][NR_VECS];
    memset(acc, 0, sizeof acc);
    for (int p = 0; p < kc; p++) {
        const float *a = Ap + p * DP_GEMM_MR;
        const float *b = Bp + p * DP_GEMM_NR;
        v4f b0 = v4_load(b), b1 = v4_load(b + 4), b2 = v4_load(b + 8), b3 = v4_load(b + 12);
        for (int i = 0; i < DP_GEMM_MR; i++) {
            v4f ai = v4_splat(a[i]);
            acc[i][0] += ai * b0, acc[i][1] += ai * b1, acc[i][2] += ai * b2, acc[i][3] += ai * b3;
        }
    }
    for (int i = 0; i < mr; i++) {
        float row[DP_GEMM_NR], *c = C + (long)i * ldc;
        memcpy(row, acc[i], sizeof row);
        if (beta == 0.0f)
            for (int j = 0; j < nr; j++) c[j] = row[j];
        else
            for (int j = 0; j < nr; j++) c[j] = beta * c[j] + row[j];
    }
}

/* ---- a few rows: dot products ------------------------------------------- */

/* Eight partial sums in two four-lane vectors. */
static float dot_portable(const float *a, const float *b, int n)
{
    v4f lo = v4_splat(0.0f), hi = v4_splat(0.0f);
    int p = 0;
    for (; p + 8 <= n; p += 8) {
        lo += v4_load(a + p) * v4_load(b + p);
        hi += v4_load(a + p + 4) * v4_load(b + p + 4);
    }
    float acc[8];
    memcpy(acc, &lo, sizeof lo);
    memcpy(acc + 4, &hi, sizeof hi);
    float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (; p < n; p++) s += a[p] * b[p];
    return s;
}

static void dots_portable(float *out, const float *x, const float *rows, long stride, int n_rows, int n)
{
    for (int j = 0; j < n_rows; j++) out[j] = dot_portable(x, rows + (long)j * stride, n);
}

/* One image through a dense layer is a matrix-vector product: packing the
 * whole weight matrix for it would cost more than the product itself, so
 * when A has a few rows and both operands run contiguously along K, each
 * output is a plain dot product. */
static int gemm_few_rows(int M, int N, int K, const float *A, int rsa, int csa, const float *B, int rsb,
                         int csb, float beta, float *C, int ldc)
{
    if (M > 2 || csa != 1 || rsb != 1) return 0;
    for (int i = 0; i < M; i++) {
        float *c = C + (long)i * ldc;
        for (int j0 = 0; j0 < N; j0 += 64) {
            float v[64];
            int nj = N - j0 < 64 ? N - j0 : 64;
#ifdef DP_HAVE_AVX2_KERNELS
            if (current_isa == DP_ISA_AVX2) dp_dots_avx2(v, A + (long)i * rsa, B + (long)j0 * csb, csb, nj, K);
            else
#endif
                dots_portable(v, A + (long)i * rsa, B + (long)j0 * csb, csb, nj, K);
            for (int j = 0; j < nj; j++) c[j0 + j] = beta == 0.0f ? v[j] : beta * c[j0 + j] + v[j];
        }
    }
    return 1;
}

/* ---- blocked driver ----------------------------------------------------- */

void dp_gemm(dp_gemm_ws *ws, int M, int N, int K,
             const float *A, int rsa, int csa,
             const float *B, int rsb, int csb,
             float beta, float *C, int ldc)
{
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {   /* an empty sum: C = beta*C */
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                float *c = &C[(long)i * ldc + j];
                *c = beta == 0.0f ? 0.0f : beta * *c;
            }
        return;
    }
    dp_isa isa = dp_kernels_isa();
    dp_microkernel_fn kernel = current_kernel;
    if (gemm_few_rows(M, N, K, A, rsa, csa, B, rsb, csb, beta, C, ldc)) return;
#ifdef DP_HAVE_AVX2_KERNELS
    /* Rows of A contiguous along K: the AVX2 kernel reads them in place. */
    int a_in_place = csa == 1 && isa == DP_ISA_AVX2;
#else
    const int a_in_place = 0;
    (void)isa;
#endif

    for (int jc = 0; jc < N; jc += DP_GEMM_NC) {
        int nc = N - jc < DP_GEMM_NC ? N - jc : DP_GEMM_NC;
        for (int pc = 0; pc < K; pc += DP_GEMM_KC) {
            int kc = K - pc < DP_GEMM_KC ? K - pc : DP_GEMM_KC;
            float block_beta = pc == 0 ? beta : 1.0f;   /* later K blocks accumulate */
            pack_b(ws->packed_b, B, rsb, csb, pc, jc, kc, nc);
            for (int ic = 0; ic < M; ic += DP_GEMM_MC) {
                int mc = M - ic < DP_GEMM_MC ? M - ic : DP_GEMM_MC;
                if (!a_in_place) pack_a(ws->packed_a, A, rsa, csa, ic, pc, mc, kc);
                for (int jr = 0; jr < nc; jr += DP_GEMM_NR) {
                    int nr = nc - jr < DP_GEMM_NR ? nc - jr : DP_GEMM_NR;
                    const float *bp = ws->packed_b + (long)(jr / DP_GEMM_NR) * kc * DP_GEMM_NR;
                    for (int ir = 0; ir < mc; ir += DP_GEMM_MR) {
                        int mr = mc - ir < DP_GEMM_MR ? mc - ir : DP_GEMM_MR;
                        float *c = C + (long)(ic + ir) * ldc + jc + jr;
#ifdef DP_HAVE_AVX2_KERNELS
                        if (a_in_place) {
                            dp_microkernel_rows_avx2(kc, A + (long)(ic + ir) * rsa + pc, rsa, mr, bp, block_beta,
                                                     c, ldc, nr);
                            continue;
                        }
#endif
                        const float *ap = ws->packed_a + (long)(ir / DP_GEMM_MR) * kc * DP_GEMM_MR;
                        kernel(kc, ap, bp, block_beta, c, ldc, mr, nr);
                    }
                }
            }
        }
    }
}

/* The portable kernels' peak: multiply-adds of four lanes (a multiply and
 * an add where there is no fused instruction), twelve chains at once. */
static double fma_probe_portable(long iters)
{
    v4f acc[12];
    for (int i = 0; i < 12; i++) acc[i] = v4_splat((float)i * 1e-3f);
    const v4f a = v4_splat(0.999999f), b = v4_splat(1e-7f);
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < 12; i++) acc[i] = acc[i] * a + b;
    v4f sum = acc[0];
    for (int i = 1; i < 12; i++) sum += acc[i];
    float out[4];
    memcpy(out, &sum, sizeof out);
    return (double)iters * 12 * 4 * 2 + (out[0] == 12345.0f ? 1 : 0);   /* the sum keeps the loop alive */
}

double dp_kernels_core_peak_gflops(void)
{
    double (*probe)(long) = fma_probe_portable;
#ifdef DP_HAVE_AVX2_KERNELS
    if (dp_kernels_isa() == DP_ISA_AVX2) probe = dp_fma_probe_avx2;
#endif
    probe(100000);   /* warm up: let the clock ramp */
    double best = 0.0;
    for (int r = 0; r < 5; r++) {
        double t0 = dp_now();
        double flops = probe(400000);
        double g = flops / (dp_now() - t0) / 1e9;
        if (g > best) best = g;
    }
    return best;
}

/* ---- direct convolution for small layers ---------------------------------- */

#define SMALL_SUFFIX _portable
#include "conv_small.inc"

/* The first layer's usual shape, 32 output channels, in four-lane vectors:
 * one output pixel's 32 sums in 8 accumulators (16 registers on SSE2 leave
 * no room for two pixels), each tap's weights loaded once per pixel. The
 * generic body keeps its sums in memory (10-14 GFLOP/s against 16-17 here);
 * its weight gradient vectorizes well as it is, so it stays. */
#define SMALL_VECS (32 / V4_LANES)

static void small_forward_32_portable(float *out, const float *in, const float *wt, int n, int H, int W, int C,
                                      int k)
{
    int OH = H - k + 1, OW = W - k + 1, run = k * C;
    for (int i = 0; i < n; i++) {
        const float *img = in + (long)i * H * W * C;
        float *o = out + (long)i * OH * OW * 32;
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++, o += 32) {
                v4f acc[SMALL_VECS];
                for (int v = 0; v < SMALL_VECS; v++) acc[v] = v4_splat(0.0f);
                const float *t = wt;
                for (int ky = 0; ky < k; ky++) {
                    const float *row = img + ((long)(oy + ky) * W + ox) * C;
                    for (int q = 0; q < run; q++, t += 32) {
                        v4f x = v4_splat(row[q]);
                        for (int v = 0; v < SMALL_VECS; v++) acc[v] += x * v4_load(t + v * V4_LANES);
                    }
                }
                memcpy(o, acc, sizeof acc);
            }
    }
}

void dp_conv_small_forward(float *out, const float *in, const float *wt, int n, int H, int W, int C, int F, int k)
{
#ifdef DP_HAVE_AVX2_KERNELS
    if (dp_kernels_isa() == DP_ISA_AVX2) {
        dp_conv_small_forward_avx2(out, in, wt, n, H, W, C, F, k);
        return;
    }
#endif
    if (F == 32) small_forward_32_portable(out, in, wt, n, H, W, C, k);
    else dp_conv_small_forward_portable(out, in, wt, n, H, W, C, F, k);
}

void dp_conv_small_dweights(float *dwt, float *db, const float *dy, const float *in, int n, int H, int W, int C,
                            int F, int k)
{
#ifdef DP_HAVE_AVX2_KERNELS
    if (dp_kernels_isa() == DP_ISA_AVX2) {
        dp_conv_small_dweights_avx2(dwt, db, dy, in, n, H, W, C, F, k);
        return;
    }
#endif
    dp_conv_small_dweights_portable(dwt, db, dy, in, n, H, W, C, F, k);
}

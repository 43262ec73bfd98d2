/* Matrix-multiply kernels: a cache-blocked, packed GEMM whose inner
 * micro-kernel is AVX2+FMA when the CPU has it (chosen at run time) and
 * otherwise generic four-lane SIMD written with vector extensions (SSE2,
 * NEON or WebAssembly SIMD128 from one source), with a naive reference
 * beside it for the tests. */
#ifndef DP_KERNELS_H
#define DP_KERNELS_H

/* Register tile of the micro-kernel and the cache blocks around it. */
#define DP_GEMM_MR 6
#define DP_GEMM_NR 16
#define DP_GEMM_MC 144
#define DP_GEMM_KC 256
#define DP_GEMM_NC 2048

typedef enum {
    DP_ISA_AUTO = 0,      /* best the CPU supports */
    DP_ISA_PORTABLE = 1,  /* generic four-lane SIMD (GCC/Clang vector extensions) */
    DP_ISA_AVX2 = 2,      /* AVX2 + FMA intrinsics */
} dp_isa;

/* Selects the kernels for the whole process (tests compare them); returns
 * the ISA now in use. Asking for AVX2 on a CPU without it gives PORTABLE.
 * Until a choice is made, the best the CPU supports is used. */
dp_isa dp_kernels_select(dp_isa want);
dp_isa dp_kernels_isa(void);
const char *dp_isa_name(dp_isa isa);

/* Packing buffers for one thread's GEMM calls, allocated once so the
 * training step never allocates. */
typedef struct dp_gemm_ws dp_gemm_ws;
dp_gemm_ws *dp_gemm_ws_create(void);
void dp_gemm_ws_free(dp_gemm_ws *ws);

/* C = beta*C + A·B where A is M×K and B is K×N, both addressed through
 * strides so transposed operands need no copies:
 *   A(i,p) = A[i*rsa + p*csa],  B(p,j) = B[p*rsb + j*csb],  C(i,j) = C[i*ldc + j].
 * With beta == 0, C is only written (it may hold garbage). */
void dp_gemm(dp_gemm_ws *ws, int M, int N, int K,
             const float *A, int rsa, int csa,
             const float *B, int rsb, int csb,
             float beta, float *C, int ldc);

/* The same product by the definition: three loops, double accumulator. */
void dp_gemm_ref(int M, int N, int K,
                 const float *A, int rsa, int csa,
                 const float *B, int rsb, int csb,
                 float beta, float *C, int ldc);

/* Micro-kernel contract shared with kernels_avx2.c: C tile (mr×nr ≤ MR×NR)
 * = beta*C + Ap·Bp, where Ap is kc×MR packed (MR floats per k) and Bp is
 * kc×NR packed (NR floats per k). */
typedef void (*dp_microkernel_fn)(int kc, const float *Ap, const float *Bp,
                                  float beta, float *C, int ldc, int mr, int nr);
void dp_microkernel_avx2(int kc, const float *Ap, const float *Bp,
                         float beta, float *C, int ldc, int mr, int nr);
/* Packs rows [0, returned) of a full 16-column panel of B whose columns
 * are contiguous along K (B(p,j) = Bcol[j*csb + p]). */
int dp_pack_b_cols_avx2(float *dst, const float *Bcol, long csb, int kc);
/* The same with A unpacked: row r of the tile at A + r*rsa, contiguous in K. */
void dp_microkernel_rows_avx2(int kc, const float *A, long rsa, int mr, const float *Bp,
                              float beta, float *C, int ldc, int nr);

/* out[j] = x · rows[j*stride .. +n) for j < n_rows (AVX2+FMA). */
void dp_dots_avx2(float *out, const float *x, const float *rows, long stride, int n_rows, int n);

/* Direct convolution for layers with few inputs per output (k*k*C small,
 * F <= DP_CONV_SMALL_MAX_F): input (n,H,W,C) without padding, weights
 * transposed to (k,k,C,F); out (n,H-k+1,W-k+1,F) is written, bias not
 * added. dweights adds the weight gradient (transposed, (k,k,C,F)) and the
 * bias gradient of dy (n,OH,OW,F). */
#define DP_CONV_SMALL_MAX_F 64
void dp_conv_small_forward(float *out, const float *in, const float *wt, int n, int H, int W, int C, int F, int k);
void dp_conv_small_dweights(float *dwt, float *db, const float *dy, const float *in, int n, int H, int W, int C,
                            int F, int k);
void dp_conv_small_forward_avx2(float *out, const float *in, const float *wt, int n, int H, int W, int C, int F,
                                int k);
void dp_conv_small_dweights_avx2(float *dwt, float *db, const float *dy, const float *in, int n, int H, int W,
                                 int C, int F, int k);

/* Peak floating-point rate of one core for the selected ISA, measured with
 * a short multiply-add loop (about 20 ms). */
double dp_kernels_core_peak_gflops(void);
double dp_fma_probe_avx2(long iters);

#endif

/* The fast GEMM (both ISAs) against the naive reference on odd shapes, every
 * transposition and beta, including K and N larger than one cache block. */
#include "check.h"
#include "common.h"
#include "kernels.h"
#include "rng.h"

static void fill(float *x, long n, dp_rng *r)
{
    for (long i = 0; i < n; i++) x[i] = dp_rng_uniform(r) * 2.0f - 1.0f;
}

static void check_shape(dp_gemm_ws *ws, dp_rng *r, int M, int N, int K, int ta, int tb, float beta)
{
    int lda = ta ? M + 3 : K + 1;    /* padded leading dimensions catch stride bugs */
    int ldb = tb ? K + 2 : N + 5;
    int ldc = N + 7;
    float *A = dp_alloc_floats((size_t)(ta ? K : M) * lda);
    float *B = dp_alloc_floats((size_t)(tb ? N : K) * ldb);
    float *C = dp_alloc_floats((size_t)M * ldc);
    float *R = dp_alloc_floats((size_t)M * ldc);
    fill(A, (long)(ta ? K : M) * lda, r);
    fill(B, (long)(tb ? N : K) * ldb, r);
    fill(C, (long)M * ldc, r);
    memcpy(R, C, sizeof(float) * (size_t)M * ldc);
    int rsa = ta ? 1 : lda, csa = ta ? lda : 1;
    int rsb = tb ? 1 : ldb, csb = tb ? ldb : 1;
    dp_gemm(ws, M, N, K, A, rsa, csa, B, rsb, csb, beta, C, ldc);
    dp_gemm_ref(M, N, K, A, rsa, csa, B, rsb, csb, beta, R, ldc);
    double worst = 0.0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < ldc; j++) {
            double d = fabs((double)C[i * ldc + j] - R[i * ldc + j]);
            if (j >= N && d != 0.0) worst = 1e9;   /* wrote outside the matrix */
            if (d > worst) worst = d;
        }
    double tol = 1e-5 * sqrt((double)K + 1.0) * 4.0;
    CHECK(worst <= tol, "%s M=%d N=%d K=%d ta=%d tb=%d beta=%g: max diff %g > %g",
          dp_isa_name(dp_kernels_isa()), M, N, K, ta, tb, beta, worst, tol);
    free(A); free(B); free(C); free(R);
}

int main(void)
{
    dp_gemm_ws *ws = dp_gemm_ws_create();
    CHECK(ws != NULL, "workspace: %s", dp_error());
    if (!ws) return check_report("kernels");
    dp_rng r;
    dp_rng_seed(&r, 42);
    static const int shapes[][3] = {
        {1, 1, 1}, {6, 16, 1}, {7, 17, 3}, {5, 15, 9}, {13, 33, 288},
        {121, 64, 288}, {145, 19, 257}, {64, 128, 1600}, {37, 2049 + 16, 11},
        {300, 10, 128}, {2, 3, 600}, {676, 32, 9},
    };
    dp_isa isas[] = {DP_ISA_PORTABLE, DP_ISA_AVX2};
    for (int s = 0; s < 2; s++) {
        dp_isa got = dp_kernels_select(isas[s]);
        if (got != isas[s]) {
            printf("note: %s kernels not available on this CPU\n", dp_isa_name(isas[s]));
            continue;
        }
        for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
            for (int t = 0; t < 4; t++) {
                float beta = (t == 0) ? 0.0f : (t == 1 ? 1.0f : 0.5f);
                check_shape(ws, &r, shapes[i][0], shapes[i][1], shapes[i][2], t & 1, t >> 1, beta);
            }
    }

    /* beta == 0 must ignore whatever C held, even NaN. */
    dp_kernels_select(DP_ISA_AUTO);
    float a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4] = {NAN, NAN, NAN, NAN};
    dp_gemm(ws, 2, 2, 2, a, 2, 1, b, 2, 1, 0.0f, c, 2);
    CHECK(c[0] == 1 && c[1] == 2 && c[2] == 3 && c[3] == 4, "beta=0 with NaN in C: %g %g %g %g",
          c[0], c[1], c[2], c[3]);
    dp_gemm_ws_free(ws);
    return check_report("kernels");
}

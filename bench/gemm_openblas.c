/* digitpad's dp_gemm (one thread, one workspace) against OpenBLAS's
 * cblas_sgemm at the GEMM shapes the seed network's training runs, on one
 * training thread's slice of a batch, plus 1024³ for scale. Each figure is
 * the median GFLOP/s of 5 timed repeats after a warm-up; both libraries
 * compute the same product (dp_gemm through strides, cblas through its
 * transpose flags) and the results are checked against each other.
 *
 * usage: gemm_openblas [SECONDS]   (time per figure, default 1)
 * Built only when meson finds OpenBLAS; not a test. */
#include "common.h"
#include "kernels.h"
#include "platform.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define REPEATS 5

typedef struct {
    const char *name;
    int M, N, K;
    int ta, tb;   /* A stored K×M (A(i,p) = a[p*M + i]); B stored N×K (B(p,j) = b[j*K + p]) */
} shape;

/* Conv layers run on 1352 (26²) and 242 (11²) output pixels per image: one
 * image is one GEMM. Dense layers run on a slice of 32 images (batch 64 on
 * 2 threads). Transposed operands are the ones the layers really read. */
static const shape shapes[] = {
    {"conv1 forward", 1352, 32, 9, 0, 1},
    {"conv2 forward", 242, 64, 288, 0, 1},
    {"conv2 weight grad", 64, 288, 242, 1, 0},
    {"conv2 input grad", 242, 288, 64, 0, 0},
    {"dense1 forward", 32, 128, 1600, 0, 1},
    {"dense1 weight grad", 128, 1600, 32, 1, 0},
    {"dense1 input grad", 32, 1600, 128, 0, 0},
    {"1024^3", 1024, 1024, 1024, 0, 0},
};

typedef struct {
    const shape *s;
    const float *a, *b;
    float *c;
    dp_gemm_ws *ws;   /* NULL: OpenBLAS */
} job;

static void run(const job *j)
{
    const shape *s = j->s;
    int M = s->M, N = s->N, K = s->K;
    if (j->ws)
        dp_gemm(j->ws, M, N, K, j->a, s->ta ? 1 : K, s->ta ? M : 1, j->b, s->tb ? 1 : N, s->tb ? K : 1, 0.0f, j->c, N);
    else
        cblas_sgemm(CblasRowMajor, s->ta ? CblasTrans : CblasNoTrans, s->tb ? CblasTrans : CblasNoTrans, M, N, K,
                    1.0f, j->a, s->ta ? M : K, j->b, s->tb ? K : N, 0.0f, j->c, N);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Median GFLOP/s of REPEATS timed repeats of `seconds`/REPEATS each, after a
 * warm-up repeat. */
static double gflops(const job *j, double seconds)
{
    double flop = 2.0 * j->s->M * j->s->N * j->s->K, rates[REPEATS];
    for (int r = -1; r < REPEATS; r++) {
        double t0 = dp_now(), t;
        long calls = 0;
        do {
            run(j);
            calls++;
            t = dp_now() - t0;
        } while (t < seconds / REPEATS);
        if (r >= 0) rates[r] = flop * (double)calls / t / 1e9;
    }
    qsort(rates, REPEATS, sizeof rates[0], cmp_double);
    return rates[REPEATS / 2];
}

/* max |x - y| / max |y|: elementwise relative error is meaningless where
 * the product is near zero. */
static double max_rel_diff(const float *x, const float *y, long n)
{
    double d = 0, m = 0;
    for (long i = 0; i < n; i++) {
        d = fmax(d, fabs((double)x[i] - y[i]));
        m = fmax(m, fabs((double)y[i]));
    }
    return m > 0 ? d / m : d;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    if (argc > 2 || !(seconds > 0)) {
        fprintf(stderr, "usage: gemm_openblas [SECONDS]   (time per figure, default 1)\n");
        return 2;
    }
    dp_gemm_ws *ws = dp_gemm_ws_create();
    if (!ws) return 1;
    printf("dp_gemm (%s, 1 thread) vs %s, median of %d repeats\n", dp_isa_name(dp_kernels_isa()),
           openblas_get_config(), REPEATS);
    printf("%-24s %16s %9s %9s %6s %9s\n", "shape", "MxNxK", "ours", "OpenBLAS", "ratio", "max diff");
    printf("%-24s %16s %9s %9s %6s %9s\n", "", "", "GFLOP/s", "GFLOP/s", "o/OB", "rel");
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const shape *s = &shapes[i];
        long na = (long)s->M * s->K, nb = (long)s->K * s->N, nc = (long)s->M * s->N;
        float *a = dp_alloc_floats((size_t)na), *b = dp_alloc_floats((size_t)nb);
        float *c_ours = dp_alloc_floats((size_t)nc), *c_blas = dp_alloc_floats((size_t)nc);
        if (!a || !b || !c_ours || !c_blas) return 1;
        /* Mixed signs, as activations and gradients have, so errors can cancel
         * and the check is not flattered. */
        for (long k = 0; k < na; k++) a[k] = (float)((k * 7919) % 201 - 100) / 100.0f;
        for (long k = 0; k < nb; k++) b[k] = (float)((k * 104729) % 199 - 99) / 99.0f;
        job ours = {s, a, b, c_ours, ws}, blas = {s, a, b, c_blas, NULL};
        /* The 1024³ case also with OpenBLAS on 2 threads; ours has none. */
        for (int threads = 1; threads <= (s->M == 1024 ? 2 : 1); threads++) {
            openblas_set_num_threads(threads);
            run(&ours);
            run(&blas);
            double diff = max_rel_diff(c_ours, c_blas, nc);
            double g_ours = gflops(&ours, seconds), g_blas = gflops(&blas, seconds);
            char dims[32], name[48];
            snprintf(dims, sizeof dims, "%dx%dx%d", s->M, s->N, s->K);
            snprintf(name, sizeof name, "%s%s", s->name, threads > 1 ? " (OB 2 thr)" : "");
            printf("%-24s %16s %9.1f %9.1f %6.2f %9.1e\n", name, dims, g_ours, g_blas, g_ours / g_blas, diff);
        }
        free(a), free(b), free(c_ours), free(c_blas);
    }
    dp_gemm_ws_free(ws);
    return 0;
}

/* Minimal test helpers: every CHECK that fails is printed and counted, and
 * the test exits non-zero if any failed. Exit 77 means "skipped". */
#ifndef DP_CHECK_H
#define DP_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            check_failures++;                                                 \
            fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__,  \
                    #cond);                                                   \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
        }                                                                     \
    } while (0)

/* The largest |a[i] - b[i]|, NaN if any difference is NaN, so a "< tol"
 * check fails on it (fmax would drop the NaN; and GCC 12 for arm64 crashes
 * vectorizing an fmax reduction at -O3). */
static inline double check_max_diff(const float *a, const float *b, long n)
{
    double worst = 0.0;
    for (long i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        if (d > worst || isnan(d)) worst = d;   /* once NaN, nothing is greater: it stays */
    }
    return worst;
}

/* The larger of two differences, NaN winning, for running maxima. */
static inline double check_worse(double worst, double d) { return isnan(worst) || d <= worst ? worst : d; }

#define CHECK_CLOSE(a, b, tol, what)                                          \
    CHECK(fabs((double)(a) - (double)(b)) <= (tol), "%s: %g vs %g (tol %g)",  \
          (what), (double)(a), (double)(b), (double)(tol))

static inline int check_report(const char *name)
{
    if (check_failures) {
        fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
        return 1;
    }
    printf("%s: all checks passed\n", name);
    return 0;
}

/* The MNIST directory for tests that need the real data. Missing data fails
 * under CI (CI=true) and skips (exit 77) on a user's machine. */
static inline int check_has_mnist(const char *dir)
{
    char path[4096];
    const char *names[] = {"t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "rb");
        if (f) {
            fclose(f);
            return 1;
        }
    }
    return 0;
}

static inline const char *check_mnist_dir(void)
{
    static char fallback[4096];
    const char *dir = getenv("DIGITPAD_MNIST");
    if (dir && *dir) {
        if (check_has_mnist(dir)) return dir;
    } else {
        /* Like the program: the user data folder when nothing is set. */
        const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
        if (xdg && *xdg) snprintf(fallback, sizeof fallback, "%s/digitpad/mnist", xdg);
        else snprintf(fallback, sizeof fallback, "%s/.local/share/digitpad/mnist", home ? home : ".");
        if (check_has_mnist(fallback)) return fallback;
    }
    const char *ci = getenv("CI");
    if (ci && *ci && strcmp(ci, "0") != 0 && strcmp(ci, "false") != 0) {
        fprintf(stderr, "MNIST not found (DIGITPAD_MNIST=%s) and CI is set: failing\n",
                dir ? dir : "(unset)");
        exit(1);
    }
    fprintf(stderr, "SKIP: MNIST not found (set DIGITPAD_MNIST to the folder with the four .gz files)\n");
    exit(77);
}

#endif

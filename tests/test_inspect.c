/* Looking inside: the traced layer outputs end in the same logits as the
 * fast path, on the seed network and the shipped model; the fast path's
 * features are the traced ones; the nearest-neighbour search agrees with
 * sorting every distance. */
#include "check.h"
#include "common.h"
#include "digits.h"
#include "inspect.h"
#include "model_io.h"
#include "preprocess.h"
#include "rng.h"

#include <unistd.h>

#define N_INPUTS 24

/* Digit drawings prepared like the canvas's. */
static int make_inputs(float *x)
{
    static float canvas[DP_CANVAS * DP_CANVAS];
    dp_strokes s;
    dp_strokes_init(&s);
    int n = 0;
    for (int i = 0; i < N_INPUTS; i++) {
        dp_strokes_clear(&s);
        dp_test_digit(&s, i % 10, 120.0f + 6.0f * (float)i, 20.0f + (float)(i % 5) * 9, 15.0f + (float)(i % 3) * 7);
        n += dp_strokes_to_input(x + (long)n * DP_PIXELS, canvas, &s, DP_BRUSH_AUTO, NULL) == 1;
    }
    dp_strokes_free(&s);
    return n;
}

static void check_net(const dp_net *net, const char *what)
{
    float x[N_INPUTS * DP_PIXELS], logits[N_INPUTS * 10];
    int n = make_inputs(x);
    CHECK(n == N_INPUTS, "%s: %d inputs", what, n);
    dp_exec *ex = dp_exec_create(net, 7, 2, 0);   /* batches of 7 on 2 threads: chunking and slicing */
    dp_net_logits(ex, net, x, n, logits);
    int dim = dp_net_feature_size(net);
    float *feats = dp_alloc_floats((size_t)n * dim), probs[N_INPUTS * 10], probs2[N_INPUTS * 10];
    dp_net_features(ex, net, x, n, feats, probs);
    dp_net_predict(ex, net, x, n, probs2);
    double worst = 0, worst_feat = 0, worst_p = 0;
    int last_dense = net->n_layers - 1;
    while (net->layer[last_dense].spec.type != DP_LAYER_DENSE) last_dense--;
    for (int i = 0; i < n; i++) {
        dp_trace t;
        CHECK(dp_net_trace(&t, net, x + (long)i * DP_PIXELS) == 0 && t.n_layers == net->n_layers, "%s: trace", what);
        const float *z = t.out[t.n_layers - 1];
        worst = check_worse(worst, check_max_diff(z, logits + i * 10, 10));
        const float *f = t.out[last_dense - 1];
        worst_feat = check_worse(worst_feat, check_max_diff(f, feats + (long)i * dim, dim));
        worst_p = check_worse(worst_p, check_max_diff(probs + i * 10, probs2 + i * 10, 10));
        for (int l = 0; l < t.n_layers; l++)
            CHECK((long)t.h[l] * t.w[l] * t.c[l] == net->layer[l].out_size, "%s: layer %d shape", what, l);
        dp_trace_free(&t);
    }
    CHECK(worst < 1e-3, "%s: traced logits differ from the fast path's by %g", what, worst);
    CHECK(worst_feat < 1e-3, "%s: traced features differ from the fast path's by %g", what, worst_feat);
    CHECK(worst_p < 1e-6, "%s: dp_net_features' probabilities differ from dp_net_predict's by %g", what, worst_p);
    printf("%s: traced vs fast logits %.2e, features %.2e (%d floats)\n", what, worst, worst_feat, dim);
    free(feats);
    dp_exec_free(ex);
}

typedef struct { float d; int i; } ranked;

static int by_distance(const void *a, const void *b)
{
    const ranked *p = a, *q = b;
    if (p->d != q->d) return p->d < q->d ? -1 : 1;
    return p->i - q->i;
}

static void test_nearest(void)
{
    enum { N = 500, DIM = 16 };
    static float feats[N * DIM];
    dp_rng r;
    dp_rng_seed(&r, 5);
    for (int i = 0; i < N * DIM; i++) feats[i] = (float)(int)(dp_rng_uniform(&r) * 4);   /* coarse: many ties */
    memcpy(feats + 7 * DIM, feats + 3 * DIM, sizeof(float) * DIM);   /* an exact duplicate */
    feats[11 * DIM + 2] = NAN;                                        /* a broken row */
    for (int q = 0; q < 20; q++) {
        float query[DIM];
        for (int j = 0; j < DIM; j++) query[j] = q == 0 ? feats[3 * DIM + j] : dp_rng_uniform(&r) * 4;
        static ranked all[N];
        int m = 0;
        for (int i = 0; i < N; i++) {
            double d = 0;
            for (int j = 0; j < DIM; j++) d += (double)(feats[i * DIM + j] - query[j]) * (feats[i * DIM + j] - query[j]);
            if (!isnan(d)) all[m++] = (ranked){(float)d, i};
        }
        qsort(all, (size_t)m, sizeof all[0], by_distance);
        for (int k = 1; k <= N + 3; k = k < 10 ? k + 4 : k * 5) {
            int idx[N + 3];
            float d2[N + 3];
            int got = dp_nearest(feats, N, DIM, query, k, idx, d2);
            int want = k < m ? k : m, same = got == want;
            for (int i = 0; same && i < got; i++) same = idx[i] == all[i].i && fabsf(d2[i] - all[i].d) < 1e-3f;
            CHECK(same, "query %d, k %d: %d found, want %d; first %d vs %d", q, k, got, want, got ? idx[0] : -1, all[0].i);
        }
        if (q == 0) {
            int idx[3];
            float d2[3];
            dp_nearest(feats, N, DIM, query, 3, idx, d2);
            CHECK(idx[0] == 3 && idx[1] == 7 && d2[0] == 0 && d2[1] == 0, "a duplicate: %d, %d", idx[0], idx[1]);
        }
    }
    int idx[1];
    float d2[1];
    CHECK(dp_nearest(feats, N, DIM, feats, 0, idx, d2) == 0, "k = 0 finds nothing");
    float v[3] = {3, 0, 4}, z[3] = {0, 0, 0};
    dp_unit_length(v, 3);
    dp_unit_length(z, 3);
    CHECK(fabsf(v[0] - 0.6f) < 1e-6f && fabsf(v[2] - 0.8f) < 1e-6f && z[0] == 0, "unit length");
}

int main(void)
{
    dp_arch arch;
    dp_arch_parse(&arch, "seed");
    dp_net *seed = dp_net_create(&arch);
    dp_net_init(seed, 3);
    check_net(seed, "seed network");
    dp_net_free(seed);
    const char *path = getenv("DIGITPAD_MODEL");
    dp_net *shipped = path ? dp_model_load(path, NULL, NULL, NULL) : NULL;
    CHECK(shipped != NULL, "the shipped model (DIGITPAD_MODEL=%s): %s", path ? path : "", dp_error());
    if (shipped) check_net(shipped, "shipped model");
    dp_net_free(shipped);
    test_nearest();
    return check_report("inspect");
}

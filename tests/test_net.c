/* Networks: architecture parsing, determinism (same seed and threads give
 * bit-identical weights), exact resume, and thread-count independence of
 * predictions. */
#include "harness.h"
#include "evaluate.h"
#include "kernels.h"
#include "common.h"
#include "model_io.h"
#include "preprocess.h"
#include "rng.h"
#include "train.h"

#include <unistd.h>

static void test_arch_parse(void)
{
    dp_arch a;
    char text[1024];
    CHECK(dp_arch_parse(&a, "seed") == 0, "seed: %s", dp_error());
    dp_arch_format(&a, text, sizeof text);
    CHECK(strcmp(text, DP_ARCH_SEED) == 0, "seed formats as '%s'", text);
    dp_net *net = dp_net_create(&a);
    CHECK(net && net->n_params == 225034, "seed parameters %ld", net ? net->n_params : -1L);
    CHECK(net && dp_net_flops(net) == 2L * (26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 1600 * 128 + 128 * 10),
          "seed flops %ld", net ? dp_net_flops(net) : -1L);
    dp_net_free(net);

    CHECK(dp_arch_parse(&a, "conv16k5p2-relu-pool-dense10") == 0, "dashes: %s", dp_error());
    CHECK(a.n_layers == 5 && a.layers[3].type == DP_LAYER_FLATTEN, "flatten inserted before dense");
    CHECK(dp_arch_parse(&a, "dropout0.5,dense10") == 0, "commas: %s", dp_error());

    struct { const char *spec, *want; } bad[] = {
        {"", "layers"}, {"conv32 relu dense10", "bad layer"}, {"conv32k3 relu", "last layer"},
        {"dense12", "last layer"}, {"convk3 dense10", "bad layer"}, {"conv9999k3 dense10", "channels"},
        {"conv8k31 dense10", "kernel"}, {"conv8k3p3 dense10", "padding"}, {"dropout1.5 dense10", "dropout"},
        {"pool pool pool pool pool dense10", "below 1 pixel"}, {"conv8k29 dense10", "kernel"},
        {"dense99999999 dense10", "units"}, {"wibble dense10", "bad layer"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = dp_arch_parse(&a, bad[i].spec);
        CHECK(rc != 0, "'%s' was accepted", bad[i].spec);
        CHECK(strstr(dp_error(), bad[i].want) != NULL, "'%s': error '%s' lacks '%s'", bad[i].spec, dp_error(), bad[i].want);
    }
}

/* A synthetic dataset: each class is a noisy bar at its own position, so a
 * small net can learn it. */
static void make_dataset(dp_dataset *ds, int n, uint64_t seed)
{
    dp_rng r;
    dp_rng_seed(&r, seed);
    ds->n = n, ds->rows = ds->cols = 28;
    ds->images = calloc((size_t)n * DP_PIXELS, 1);
    ds->labels = calloc((size_t)n, 1);
    for (int i = 0; i < n; i++) {
        int y = (int)dp_rng_below(&r, 10);
        ds->labels[i] = (uint8_t)y;
        for (int p = 0; p < DP_PIXELS; p++) {
            int row = p / 28, on = row >= 3 + 2 * y && row < 5 + 2 * y;
            ds->images[(long)i * DP_PIXELS + p] = (uint8_t)(on ? 200 + dp_rng_below(&r, 56) : dp_rng_below(&r, 60));
        }
    }
}

static dp_net *train_net(const char *spec, const dp_dataset *ds, uint64_t seed, int threads, int epochs)
{
    dp_arch a;
    dp_arch_parse(&a, spec);
    dp_net *net = dp_net_create(&a);
    dp_net_init(net, seed);
    dp_train_cfg cfg = dp_train_defaults();
    cfg.seed = seed, cfg.threads = threads, cfg.epochs = epochs, cfg.batch = 32;
    dp_trainer *tr = dp_trainer_create(net, &cfg, NULL, ds, NULL);
    CHECK(tr != NULL, "trainer: %s", dp_error());
    CHECK(dp_trainer_run(tr, NULL, NULL, NULL) == 0, "run: %s", dp_error());
    dp_trainer_free(tr);
    return net;
}

static int same_weights(const dp_net *a, const dp_net *b)
{
    return a->n_params == b->n_params && memcmp(a->params, b->params, sizeof(float) * (size_t)a->n_params) == 0;
}

#define SMALL "conv8k3 relu pool conv8k3 relu pool dropout0.2 dense32 relu dense10"

/* The same seed, kernels and thread count train the same weights, with
 * every kernel set this CPU runs. */
static void test_determinism(const dp_dataset *ds)
{
    const dp_isa isas[] = {DP_ISA_PORTABLE, DP_ISA_AVX2};
    for (int i = 0; i < 2; i++) {
        if (dp_kernels_select(isas[i]) != isas[i]) continue;
        for (int threads = 1; threads <= 2; threads++) {
            dp_net *a = train_net(SMALL, ds, 11, threads, 2);
            dp_net *b = train_net(SMALL, ds, 11, threads, 2);
            dp_net *c = train_net(SMALL, ds, 12, threads, 2);
            CHECK(same_weights(a, b), "%s, %d threads: the same seed gave different weights", dp_isa_name(isas[i]),
                  threads);
            CHECK(!same_weights(a, c), "%s: different seeds gave identical weights", dp_isa_name(isas[i]));
            dp_net_free(a);
            dp_net_free(b);
            dp_net_free(c);
        }
    }
    dp_kernels_select(DP_ISA_AUTO);
}

static int stop_at_step_7(const dp_train_progress *p, const dp_net *net, void *user)
{
    (void)net, (void)user;
    return p->step >= 7;
}

static void test_resume(const dp_dataset *ds)
{
    dp_net *straight = train_net(SMALL, ds, 5, 2, 2);

    dp_arch a;
    dp_arch_parse(&a, SMALL);
    dp_net *net = dp_net_create(&a);
    dp_net_init(net, 5);
    dp_train_cfg cfg = dp_train_defaults();
    cfg.seed = 5, cfg.threads = 2, cfg.epochs = 2, cfg.batch = 32, cfg.log_every = 1;
    dp_trainer *tr = dp_trainer_create(net, &cfg, NULL, ds, NULL);
    CHECK(dp_trainer_run(tr, NULL, stop_at_step_7, NULL) == 1, "run did not stop when asked");
    char path[512];
    check_temp_file(path, sizeof path, "dp_resume");
    CHECK(dp_model_save(path, net, NULL, dp_trainer_state(tr)) == 0, "checkpoint: %s", dp_error());
    dp_trainer_free(tr);
    dp_net_free(net);

    dp_train_state st;
    int has_state = 0;
    net = dp_model_load(path, NULL, &st, &has_state);
    unlink(path);
    CHECK(net && has_state && st.step == 7, "checkpoint reload: %s", dp_error());
    if (!net || !has_state) return;
    tr = dp_trainer_create(net, &cfg, &st, ds, NULL);
    CHECK(dp_trainer_run(tr, NULL, NULL, NULL) == 0, "resumed run: %s", dp_error());
    CHECK(same_weights(net, straight), "stop + resume differs from an uninterrupted run");
    dp_trainer_free(tr);
    dp_optim_free(&st.optim);
    dp_net_free(net);
    dp_net_free(straight);
}

static void test_learns_and_predicts(const dp_dataset *train, const dp_dataset *test)
{
    dp_net *net = train_net(SMALL, train, 3, 2, 6);
    dp_exec *one = dp_exec_create(net, 64, 1, 0), *two = dp_exec_create(net, 64, 2, 0);
    double acc = dp_accuracy(two, net, test);
    CHECK(acc > 0.95, "synthetic accuracy %.3f after 6 epochs", acc);
    printf("synthetic accuracy %.3f\n", acc);
    /* Every image is computed the same way whatever the slicing. */
    int n = 100;
    float *x = malloc(sizeof(float) * DP_PIXELS * (size_t)n), *p1 = malloc(sizeof(float) * 10 * (size_t)n),
          *p2 = malloc(sizeof(float) * 10 * (size_t)n), *p3 = malloc(sizeof(float) * 10);
    dp_dataset_floats(x, test, 0, n);
    dp_net_predict(one, net, x, n, p1);
    dp_net_predict(two, net, x, n, p2);
    CHECK(memcmp(p1, p2, sizeof(float) * 10 * (size_t)n) == 0, "1 and 2 threads predict differently");
    /* One image alone takes the matrix-vector path in dense layers: the
     * same sums in another order, so equal to rounding. */
    dp_net_predict(one, net, x + 37 * DP_PIXELS, 1, p3);
    double worst = check_max_diff(p3, p1 + 37 * 10, 10);
    CHECK(worst < 1e-5, "batch of one differs from the batch by %g", worst);
    double sum = 0;
    for (int i = 0; i < 10; i++) sum += p3[i];
    CHECK(fabs(sum - 1.0) < 1e-5, "probabilities sum to %g", sum);
    free(x), free(p1), free(p2), free(p3);
    dp_exec_free(one);
    dp_exec_free(two);
    dp_net_free(net);
}

/* Batch norm's running statistics converge to the data's, and inference
 * then uses them. */
static void test_bn_running_stats(const dp_dataset *ds)
{
    dp_arch a;
    CHECK(dp_arch_parse(&a, "bn conv4k3 bn relu pool dense10") == 0, "parse: %s", dp_error());
    dp_net *net = dp_net_create(&a);
    dp_net_init(net, 1);
    CHECK(net->n_stats == 2 * (1 + 4), "stats %ld", net->n_stats);
    dp_exec *ex = dp_exec_create(net, 64, 2, 1);
    float *x = malloc(sizeof(float) * 64 * DP_PIXELS), *g = malloc(sizeof(float) * (size_t)net->n_params);
    dp_dataset_floats(x, ds, 0, 64);
    double mean = 0, sq = 0;
    for (int i = 0; i < 64 * DP_PIXELS; i++) mean += x[i], sq += (double)x[i] * x[i];
    mean /= 64 * DP_PIXELS;
    double var = (sq / (64 * DP_PIXELS) - mean * mean) * (64.0 * DP_PIXELS / (64.0 * DP_PIXELS - 1));
    for (int step = 0; step < 150; step++) {
        dp_net_gradient(ex, net, x, ds->labels, 64, 1, g, NULL);
        dp_net_update_stats(ex, net, DP_BN_MOMENTUM);
    }
    CHECK(fabs(net->stats[0] - mean) < 1e-4 && fabs(net->stats[1] - var) < 1e-3 * var,
          "running statistics %g %g, data %g %g", (double)net->stats[0], (double)net->stats[1], mean, var);
    dp_exec_free(ex);
    free(x), free(g);
    dp_net_free(net);
}

/* Every batch size up to a context's maximum, on several threads, gives
 * what one thread gives: a batch of 5-7 on a context for 8 images and 2
 * threads once went to one thread with room for 4 (found by test_inspect). */
static void test_batch_splits(const dp_dataset *ds)
{
    dp_arch arch;
    dp_arch_parse(&arch, "seed");
    dp_net *net = dp_net_create(&arch);
    dp_net_init(net, 4);
    float x[40 * DP_PIXELS], p1[40 * 10], pn[40 * 10];
    dp_dataset_floats(x, ds, 0, 40);
    dp_exec *one = dp_exec_create(net, 40, 1, 1);
    float *g1 = dp_alloc_floats((size_t)net->n_params), *gn = dp_alloc_floats((size_t)net->n_params);
    for (int threads = 2; threads <= 5; threads++)
        for (int max = 1; max <= 40; max += max < 12 ? 1 : 7) {
            dp_exec *ex = dp_exec_create(net, max, threads, 1);
            for (int b = 1; b <= max; b++) {
                dp_net_predict(one, net, x, b, p1);
                dp_net_predict(ex, net, x, b, pn);
                double worst = check_max_diff(p1, pn, b * 10L);
                double l1 = dp_net_gradient(one, net, x, ds->labels, b, 9, g1, NULL);
                double ln = dp_net_gradient(ex, net, x, ds->labels, b, 9, gn, NULL);
                CHECK(worst < 1e-5 && fabs(l1 - ln) < 1e-5, "%d threads, room for %d, batch %d: %g, %g vs %g", threads,
                      max, b, worst, l1, ln);
            }
            dp_exec_free(ex);
        }
    free(g1), free(gn);
    dp_exec_free(one);
    dp_net_free(net);
}

int main(void)
{
    test_arch_parse();
    dp_dataset train, test;
    make_dataset(&train, 600, 1);
    make_dataset(&test, 300, 2);
    test_determinism(&train);
    test_resume(&train);
    test_learns_and_predicts(&train, &test);
    test_bn_running_stats(&train);
    test_batch_splits(&train);
    dp_dataset_free(&train);
    dp_dataset_free(&test);
    return check_report("net");
}

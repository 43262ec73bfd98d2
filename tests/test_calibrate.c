/* Calibration: temperature fitting recovers a known temperature, ECE tells
 * calibrated from overconfident, thresholds are picked as documented, and
 * model files keep both. */
#include "harness.h"
#include "calibrate.h"
#include "common.h"
#include "model_io.h"
#include "rng.h"

#include <unistd.h>

enum { N = 20000 };
static float logits[N * DP_CLASSES], probs[N * DP_CLASSES];
static uint8_t labels[N];

/* Labels drawn from softmax(z / t_true): the best temperature is t_true. */
static void make_data(float t_true, dp_rng *r)
{
    for (int i = 0; i < N; i++) {
        float *z = logits + (long)i * DP_CLASSES;
        for (int c = 0; c < DP_CLASSES; c++) z[c] = 3.0f * dp_rng_normal(r);
        dp_softmax_rows(probs + (long)i * DP_CLASSES, z, 1, t_true);
        float u = dp_rng_uniform(r), acc = 0;
        int y = DP_CLASSES - 1;
        for (int c = 0; c < DP_CLASSES; c++)
            if ((acc += probs[(long)i * DP_CLASSES + c]) > u) {
                y = c;
                break;
            }
        labels[i] = (uint8_t)y;
    }
}

int main(void)
{
    dp_rng r;
    dp_rng_seed(&r, 11);
    float truths[] = {0.5f, 1.0f, 2.5f};
    for (int k = 0; k < 3; k++) {
        make_data(truths[k], &r);
        float t = dp_fit_temperature(logits, labels, N);
        CHECK(fabsf(t - truths[k]) < 0.1f * truths[k], "fitted temperature %g, true %g", (double)t, (double)truths[k]);
        double at_fit = dp_nll(logits, labels, N, t);
        CHECK(at_fit <= dp_nll(logits, labels, N, t * 1.2f) && at_fit <= dp_nll(logits, labels, N, t / 1.2f),
              "NLL is not minimal at the fitted temperature");
        /* Calibrated probabilities have a small ECE; the same logits read at
         * T = 1 are over- or under-confident and have a larger one. */
        dp_softmax_rows(probs, logits, N, t);
        double ece_fit = dp_ece(probs, labels, N, 15);
        dp_softmax_rows(probs, logits, N, 1.0f);
        double ece_one = dp_ece(probs, labels, N, 15);
        CHECK(ece_fit < 0.02, "ECE at the fitted temperature %g", ece_fit);
        if (truths[k] != 1.0f) CHECK(ece_one > 2 * ece_fit, "ECE at T=1 %g vs fitted %g", ece_one, ece_fit);
        printf("true T %.2f: fitted %.3f, ECE %.4f at T=1, %.4f fitted\n", (double)truths[k], (double)t, ece_one,
               ece_fit);
    }

    /* Thresholds: 4 predictions at 0.9 (3 right), 4 at 0.6 (2 right). */
    float p[8 * DP_CLASSES] = {0};
    uint8_t y[8];
    for (int i = 0; i < 8; i++) {
        p[i * DP_CLASSES + 3] = i < 4 ? 0.9f : 0.6f;
        p[i * DP_CLASSES + 5] = i < 4 ? 0.1f : 0.4f;
        y[i] = (i % 4 == 3) || (i >= 4 && i % 4 == 2) ? 5 : 3;
    }
    CHECK(dp_pick_threshold(p, y, 8, 0.75) == 0.9f, "75%% precision: threshold %g", (double)dp_pick_threshold(p, y, 8, 0.75));
    CHECK(dp_pick_threshold(p, y, 8, 0.6) == 0.6f, "60%% precision: threshold %g", (double)dp_pick_threshold(p, y, 8, 0.6));
    CHECK(dp_pick_threshold(p, y, 8, 0.99) == 1.0f, "unreachable precision gives 1");
    CHECK(fabs(dp_ece(p, y, 8, 10) - (fabs(0.75 - 0.9) * 0.5 + fabs(0.5 - 0.6) * 0.5)) < 1e-6, "ECE by hand");

    /* Model files keep the temperature and the threshold. */
    dp_arch a;
    dp_arch_parse(&a, "conv4k3 relu pool dense10");
    dp_net *net = dp_net_create(&a);
    net->temperature = 1.37f;
    net->unsure_below = 0.66f;
    char path[512];
    check_temp_file(path, sizeof path, "dp_calib");
    CHECK(dp_model_save(path, net, NULL, NULL) == 0, "save: %s", dp_error());
    dp_net *back = dp_model_load(path, NULL, NULL, NULL);
    unlink(path);
    CHECK(back && back->temperature == 1.37f && back->unsure_below == 0.66f, "calibration lost in the model file");
    dp_net_free(back);
    dp_net_free(net);
    return check_report("calibrate");
}

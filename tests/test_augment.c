/* Draw-like augmentation: deterministic, produces prepared inputs (centred,
 * 20 px), really varies the digits, adds the pen styles it promises, keeps
 * them readable (the shipped model still reads them), and a trainer with
 * augmentation stays bit-reproducible. */
#include "check.h"
#include "augment.h"
#include "common.h"
#include "model_io.h"
#include "preprocess.h"
#include "skeleton.h"
#include "train.h"
#include "platform.h"

static float scratch[DP_AUG_SCRATCH];

/* A synthetic "1": a vertical bar, as MNIST would centre it. */
static void make_one(uint8_t *img)
{
    memset(img, 0, DP_PIXELS);
    for (int y = 4; y < 24; y++)
        for (int x = 13; x < 16; x++) img[y * 28 + x] = x == 14 ? 255 : 160;
}

static void test_synthetic(void)
{
    uint8_t one[DP_PIXELS];
    make_one(one);
    dp_augment_cfg cfg = dp_augment_defaults();
    float a[DP_PIXELS], b[DP_PIXELS];
    dp_rng r1, r2;
    dp_rng_seed(&r1, 9), dp_rng_seed(&r2, 9);
    dp_augment_image(a, one, 1, &r1, &cfg, scratch);
    dp_augment_image(b, one, 1, &r2, &cfg, scratch);
    CHECK(memcmp(a, b, sizeof a) == 0, "same seed, different image");

    /* Many draws: each a prepared input, and not all alike. */
    double worst_com = 0, differ = 0;
    dp_rng r;
    dp_rng_seed(&r, 1);
    for (int i = 0; i < 200; i++) {
        dp_augment_image(a, one, 1, &r, &cfg, scratch);
        float cx, cy;
        dp_center_of_mass(a, 28, 28, &cx, &cy);
        worst_com = fmax(worst_com, fmax(fabs(cx - 14), fabs(cy - 14)));
        int y0 = 28, y1 = -1;
        for (int p = 0; p < DP_PIXELS; p++)
            if (a[p] > 0.05f) y0 = p / 28 < y0 ? p / 28 : y0, y1 = p / 28 > y1 ? p / 28 : y1;
        CHECK(y1 - y0 + 1 >= 18 && y1 - y0 + 1 <= 22, "draw %d: height %d, not the MNIST 20 px", i, y1 - y0 + 1);
        for (int p = 0; p < DP_PIXELS; p++) CHECK(a[p] >= 0 && a[p] <= 1, "value %g out of range", (double)a[p]);
        double d = 0;
        for (int p = 0; p < DP_PIXELS; p++) d += fabs(a[p] - b[p]);
        differ += d > 5.0;
        memcpy(b, a, sizeof a);
    }
    CHECK(worst_com < 0.6, "centre of mass off by %g", worst_com);
    CHECK(differ > 190, "only %g of 200 draws differ from the one before", differ);

    /* Pen styles: a flag on a 1 adds ink on the left at the top. */
    dp_augment_cfg plain = cfg, styled = cfg;
    plain.style_prob = 0, styled.style_prob = 1;
    double left_plain = 0, left_styled = 0;
    for (int i = 0; i < 100; i++) {
        dp_rng_seed(&r, (uint64_t)i);
        dp_augment_image(a, one, 1, &r, &plain, scratch);
        dp_rng_seed(&r, (uint64_t)i);
        dp_augment_image(b, one, 1, &r, &styled, scratch);
        for (int y = 0; y < 14; y++)
            for (int x = 0; x < 12; x++) left_plain += a[y * 28 + x], left_styled += b[y * 28 + x];
    }
    CHECK(left_styled > 3 * left_plain + 100, "flags on 1s: ink top-left %g styled vs %g plain", left_styled, left_plain);
    printf("flag ink top-left: %.0f styled vs %.0f plain\n", left_styled, left_plain);
}

/* Two short trainings with augmentation (and re-drawing, if redraw > 0) and
 * the same seed agree bit for bit. */
static void test_trainer_deterministic(const dp_dataset *ds, float redraw)
{
    float *w[2];
    for (int run = 0; run < 2; run++) {
        dp_arch a;
        dp_arch_parse(&a, "conv8k3 relu pool dense10");
        dp_net *net = dp_net_create(&a);
        dp_net_init(net, 3);
        dp_train_cfg cfg = dp_train_defaults();
        cfg.epochs = 1, cfg.threads = 2, cfg.augment = 1, cfg.eval_each_epoch = 0;
        cfg.aug.redraw_share = redraw, cfg.aug.clean_share = redraw > 0 ? 0.2f : cfg.aug.clean_share;
        dp_trainer *tr = dp_trainer_create(net, &cfg, NULL, ds, NULL);
        CHECK(tr && dp_trainer_run(tr, NULL, NULL, NULL) == 0, "augmented training: %s", dp_error());
        w[run] = malloc(sizeof(float) * (size_t)net->n_params);
        memcpy(w[run], net->params, sizeof(float) * (size_t)net->n_params);
        dp_trainer_free(tr);
        CHECK(run == 0 || memcmp(w[0], w[1], sizeof(float) * (size_t)net->n_params) == 0,
              "augmented training (redraw %g) is not reproducible", (double)redraw);
        dp_net_free(net);
    }
    free(w[0]), free(w[1]);
}

/* The shipped model still reads augmented test digits: the label survives. */
static void test_still_readable(const dp_dataset *test)
{
    const char *path = getenv("DIGITPAD_MODEL");
    dp_net *net = path ? dp_model_load(path, NULL, NULL, NULL) : NULL;
    CHECK(net != NULL, "model %s: %s", path ? path : "(DIGITPAD_MODEL unset)", dp_error());
    if (!net) return;
    dp_exec *ex = dp_exec_create(net, 256, 2, 0);
    dp_augment_cfg cfg = dp_augment_defaults();
    enum { N = 2000 };
    static float x[N * DP_PIXELS], probs[N * 10];
    dp_rng r;
    dp_rng_seed(&r, 4);
    double t0 = dp_now();
    for (int i = 0; i < N; i++)
        dp_augment_image(x + i * DP_PIXELS, test->images + (long)i * DP_PIXELS, test->labels[i], &r, &cfg, scratch);
    double us = 1e6 * (dp_now() - t0) / N;
    dp_net_predict(ex, net, x, N, probs);
    int right = 0;
    for (int i = 0; i < N; i++) right += dp_argmax(probs + i * 10, 10) == test->labels[i];
    printf("shipped model on %d augmented test digits: %.1f%% (%.0f us per augmented image)\n", N, 100.0 * right / N, us);
    CHECK(right > 0.93 * N, "augmentation destroys the digits: %d of %d read", right, N);
    dp_exec_free(ex);
    dp_net_free(net);
}

/* Re-drawn test digits: prepared like any drawing (20 px, centred), the
 * same for the same seed, different from one draw to the next, and still
 * the digit they were (the shipped model reads nearly all of them). */
static void test_redraw(const dp_dataset *test)
{
    const char *path = getenv("DIGITPAD_MODEL");
    dp_net *net = path ? dp_model_load(path, NULL, NULL, NULL) : NULL;
    CHECK(net != NULL, "model %s: %s", path ? path : "(DIGITPAD_MODEL unset)", dp_error());
    if (!net) return;
    enum { N = 600 };
    static float x[N * DP_PIXELS], again[DP_PIXELS], probs[N * 10];
    static float canvas[DP_CANVAS * DP_CANVAS];
    static uint8_t labels[N];
    dp_strokes traced, work;
    dp_strokes_init(&traced), dp_strokes_init(&work);
    int n = 0, same = 1, differ = 0;
    double worst_com = 0;
    for (int i = 0; i < N; i++) {
        if (dp_digit_strokes(&traced, test->images + (long)i * DP_PIXELS) != 0 || traced.n_points == 0) continue;
        dp_rng r1, r2;
        dp_rng_seed(&r1, 100 + (uint64_t)i), dp_rng_seed(&r2, 100 + (uint64_t)i);
        float *out = x + (long)n * DP_PIXELS;
        if (dp_redraw(out, &traced, &r1, &work, canvas) != 0) continue;
        CHECK(dp_redraw(again, &traced, &r2, &work, canvas) == 0, "redraw %d failed the second time", i);
        same &= memcmp(out, again, sizeof again) == 0;
        dp_rng_seed(&r2, 7 + (uint64_t)i);
        differ += dp_redraw(again, &traced, &r2, &work, canvas) == 0 && memcmp(out, again, sizeof again) != 0;
        float cx, cy;
        dp_center_of_mass(out, 28, 28, &cx, &cy);
        worst_com = fmax(worst_com, fmax(fabs(cx - 14), fabs(cy - 14)));
        labels[n++] = test->labels[i];
    }
    CHECK(n > 0.97 * N, "only %d of %d test digits could be traced and re-drawn", n, N);
    CHECK(same, "re-drawing with the same seed gives a different image");
    CHECK(differ > 0.95 * n, "only %d of %d re-draws differ with another seed", differ, n);
    CHECK(worst_com < 0.6, "a re-drawn digit's centre of mass is %.2f px off centre", worst_com);
    dp_exec *ex = dp_exec_create(net, 256, 2, 0);
    dp_net_predict(ex, net, x, n, probs);
    int right = 0;
    for (int i = 0; i < n; i++) right += dp_argmax(probs + i * 10, 10) == labels[i];
    printf("shipped model on %d re-drawn test digits: %.1f%%\n", n, 100.0 * right / (n ? n : 1));
    CHECK(right > 0.93 * n, "re-drawing loses the digits: %d of %d read", right, n);
    dp_exec_free(ex);
    dp_strokes_free(&traced), dp_strokes_free(&work);
    dp_net_free(net);
}

int main(void)
{
    test_synthetic();
    const char *dir = check_mnist_dir();
    dp_dataset train = {0}, test = {0};
    CHECK(dp_mnist_load(&train, dir, "train") == 0 && dp_mnist_load(&test, dir, "t10k") == 0, "%s", dp_error());
    if (!check_failures) {
        train.n = 640;
        test_trainer_deterministic(&train, 0.0f);
        test_trainer_deterministic(&train, 0.5f);
        test_still_readable(&test);
        test_redraw(&test);
    }
    dp_dataset_free(&train);
    dp_dataset_free(&test);
    return check_report("augment");
}

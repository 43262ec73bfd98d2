/* Fine-tuning teaches the shipped model one person's handwriting: digits in
 * a consistent personal style (tests/style.h: turned 40°, European 1,
 * crossed 7) are kept as the window keeps them, the model is fine-tuned on
 * the kept training split mixed with MNIST (dp_finetune_run, as the window
 * and `digitpad finetune` do), and accuracy on that style's held-out
 * drawings must rise clearly while MNIST test accuracy stays within a small
 * margin. Needs MNIST and the shipped model. */
#include "harness.h"
#include "evaluate.h"
#include "common.h"
#include "finetune.h"
#include "model_io.h"
#include "preprocess.h"
#include "style.h"
#include "userset.h"
#include "platform.h"

#include <unistd.h>

#define KEPT_PER_DIGIT 20       /* 4 of each become personal test digits */
#define FRESH 500               /* more held-out drawings in the style, from MNIST test digits */

/* Keeps KEPT_PER_DIGIT styled drawings of each digit, shaped after MNIST
 * training digits of that label. */
static int keep_styled(dp_userset *u, const dp_dataset *train)
{
    dp_rng r;
    dp_rng_seed(&r, 2026);
    dp_strokes s;
    dp_strokes_init(&s);
    int have[10] = {0}, failed = 0;
    for (int i = train->n - 1; i >= 0 && u->n < 10 * KEPT_PER_DIGIT; i--) {
        int label = train->labels[i];
        if (have[label] == KEPT_PER_DIGIT) continue;
        if (style_digit(&s, train->images + (size_t)i * DP_PIXELS, label, &r) != 0) continue;
        if (dp_userset_add(u, &s, label, DP_SPLIT_AUTO) < 0) failed++;
        else have[label]++;
    }
    dp_strokes_free(&s);
    return failed;
}

/* FRESH drawings in the style, as the window would read them. */
static int styled_set(dp_dataset *out, const dp_dataset *test)
{
    out->rows = out->cols = 28;
    out->images = calloc(FRESH, DP_PIXELS);
    out->labels = calloc(FRESH, 1);
    float *canvas = dp_alloc_floats(DP_CANVAS * DP_CANVAS), input[DP_PIXELS];
    dp_strokes s;
    dp_strokes_init(&s);
    dp_rng r;
    dp_rng_seed(&r, 99);
    out->n = 0;
    for (int i = 0; i < test->n && out->n < FRESH && out->images && canvas; i++) {
        if (style_digit(&s, test->images + (size_t)i * DP_PIXELS, test->labels[i], &r) != 0 ||
            dp_strokes_to_input(input, canvas, &s, DP_BRUSH_AUTO, NULL) != 1)
            continue;
        for (int k = 0; k < DP_PIXELS; k++)
            out->images[(size_t)out->n * DP_PIXELS + k] = (uint8_t)(input[k] * 255.0f + 0.5f);
        out->labels[out->n++] = test->labels[i];
    }
    dp_strokes_free(&s);
    free(canvas);
    return out->n == FRESH ? 0 : -1;
}

static int on_progress(const dp_train_progress *p, const dp_net *net, void *user)
{
    (void)net;
    long *steps = user;
    *steps = p->step;
    return 0;
}

int main(void)
{
    const char *mnist = check_mnist_dir();
    const char *model = getenv("DIGITPAD_MODEL");
    if (!model || access(model, R_OK) != 0) {
        fprintf(stderr, "the shipped model is needed (DIGITPAD_MODEL=%s)\n", model ? model : "");
        return 1;
    }
    dp_dataset train = {0}, test = {0}, fresh = {0}, mine = {0}, mine_test = {0};
    CHECK(dp_mnist_load(&train, mnist, "train") == 0 && dp_mnist_load(&test, mnist, "t10k") == 0, "MNIST: %s", dp_error());
    dp_net *net = dp_model_load(model, NULL, NULL, NULL);
    CHECK(net != NULL, "model: %s", dp_error());
    char dir[512];
    check_temp_dir(dir, sizeof dir, "digitpad-finetune");
    dp_userset u;
    CHECK(dp_userset_open(&u, dir) == 0, "open: %s", dp_error());
    if (check_failures || !net) return check_report("finetune");

    CHECK(keep_styled(&u, &train) == 0 && u.n == 10 * KEPT_PER_DIGIT, "kept %d styled digits", u.n);
    CHECK(styled_set(&fresh, &test) == 0, "fresh styled drawings: %d", fresh.n);
    dp_userset_dataset(&u, DP_SPLIT_TRAIN, &mine);
    dp_userset_dataset(&u, DP_SPLIT_TEST, &mine_test);
    CHECK(mine_test.n == 4 * 10 && mine.n == 16 * 10, "splits %d / %d", mine.n, mine_test.n);

    dp_exec *ex = dp_exec_create(net, 256, 0, 0);
    double fresh_before = dp_accuracy(ex, net, &fresh);
    dp_finetune_cfg cfg = dp_finetune_defaults();
    dp_finetune_data data = {&train, &test, &mine, &mine_test};
    dp_finetune_score before, after;
    long steps = 0;
    double t0 = dp_now();
    int rc = dp_finetune_run(net, &cfg, &data, NULL, on_progress, &steps, &before, &after);
    double seconds = dp_now() - t0;
    CHECK(rc == 0, "fine-tune: %s", dp_error());
    double fresh_after = dp_accuracy(ex, net, &fresh);
    printf("fine-tune: %ld steps in %.1f s\n", steps, seconds);
    printf("  personal test digits (%d): %.1f%% -> %.1f%%\n", before.personal_n, 100 * before.personal,
           100 * after.personal);
    printf("  %d more drawings in the style: %.1f%% -> %.1f%%\n", fresh.n, 100 * fresh_before, 100 * fresh_after);
    printf("  MNIST test: %.2f%% -> %.2f%%\n", 100 * before.mnist, 100 * after.mnist);

    /* The style is one the model gets wrong, and fine-tuning fixes it. */
    CHECK(fresh_before < 0.90, "the style was read well already (%.3f): the test would prove nothing", fresh_before);
    CHECK(fresh_after >= fresh_before + 0.05 && fresh_after >= 0.90, "held-out drawings in the style: %.3f -> %.3f",
          fresh_before, fresh_after);
    CHECK(after.personal >= before.personal + 0.05, "personal test digits: %.3f -> %.3f", before.personal, after.personal);
    CHECK(after.mnist >= before.mnist - 0.004, "MNIST test accuracy fell from %.4f to %.4f", before.mnist, after.mnist);
    CHECK(before.personal_n == mine_test.n && after.personal_right <= after.personal_n, "counts");

    dp_exec_free(ex);
    dp_net_free(net);
    dp_userset_free(&u);
    dp_dataset_free(&train);
    dp_dataset_free(&test);
    dp_dataset_free(&fresh);
    dp_dataset_free(&mine);
    dp_dataset_free(&mine_test);
    check_remove_tree(dir);
    return check_report("finetune");
}

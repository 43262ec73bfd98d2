/* digitpad calibrate: honest probabilities. Fits the temperature on MNIST
 * training digits the model never saw (the last --holdout of the training
 * split) drawn the way the canvas draws, picks the window's "unsure"
 * threshold from the same drawings, and measures how random scribbles fare. */
#include "calibrate.h"
#include "cli.h"
#include "common.h"
#include "evaluate.h"
#include "model_io.h"
#include "preprocess.h"
#include "realism.h"
#include "skeleton.h"
#include "train.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char calibrate_usage[] =
    "usage: digitpad calibrate [--model FILE] --out FILE [--data DIR] [--holdout N] [--precision P] [--json]\n"
    "Calibrates a model's probabilities and picks its \"unsure\" threshold, from MNIST training\n"
    "images it never trained on: the last N of the training split (train it with --holdout N).\n"
    "\n"
    "  1. the held-out digits are drawn the way the canvas draws (traced into pen strokes, placed\n"
    "     at random sizes and places): the window's world;\n"
    "  2. temperature scaling: the temperature that best fits those drawings' labels;\n"
    "     the threshold is the lowest top probability above which at least P of them are read\n"
    "     right; below it the window says \"unsure\";\n"
    "  3. random scribbles that are no digit: how many still look sure.\n"
    "\n"
    "  --model FILE     model to calibrate (default: the shipped model)\n"
    "  --out FILE       where to save the calibrated model (may be the same file)\n"
    "  --data DIR       MNIST folder (default: $DIGITPAD_MNIST, else ~/.local/share/digitpad/mnist)\n"
    "  --holdout N      held-out training images (default 5000)\n"
    "  --precision P    required accuracy above the threshold (default 0.997)\n"
    "  --drawings N     held-out digits to draw (default 3000) and scribbles (a third of it)\n"
    "  --threads T      worker threads (default: one per CPU)\n"
    "  --json           print one JSON object with the figures\n"
    "  -h, --help       show this help\n";

typedef struct {
    const char *model, *out, *data;
    long holdout, drawings;
    int threads;
    double precision;
    int json;
} calib_opts;

typedef struct {
    double nll[2], ece[2];                 /* held-out images: before, after */
    double draw_acc, draw_ece[2], draw_unsure, draw_sure_acc;
    double scribble_sure;
    int n_images, n_drawings, n_scribbles;
    float temperature, threshold;
} calib_report;

/* Draws digit images (or, with img NULL, scribbles) the way the canvas
 * would, into network inputs; returns how many came out as digits. */
static int draw_inputs(float *inputs, uint8_t *labels, const dp_dataset *src, int n, uint64_t seed)
{
    float *canvas = dp_alloc_floats(DP_CANVAS * DP_CANVAS);
    dp_strokes s;
    dp_strokes_init(&s);
    dp_place_cfg place = dp_place_defaults();
    int made = 0;
    for (int i = 0; canvas && i < n; i++) {
        dp_rng r;
        dp_rng_seed(&r, dp_hash64(seed + (uint64_t)i));
        int rc = src ? dp_digit_strokes(&s, src->images + (long)i * DP_PIXELS) : dp_scribble_strokes(&s, &r);
        if (rc == 0) rc = dp_strokes_place(&s, &r, &place);
        float *input = inputs + (long)made * DP_PIXELS;
        if (rc != 0 || dp_strokes_to_input(input, canvas, &s, DP_BRUSH_AUTO, NULL) != 1) continue;
        if (labels) labels[made] = src ? src->labels[i] : 0;
        made++;
    }
    dp_strokes_free(&s);
    free(canvas);
    return made;
}

/* Share of rows whose top probability is at least threshold, and accuracy among them. */
static double sure_share(const float *probs, const uint8_t *labels, int n, float threshold, double *acc)
{
    int sure = 0, right = 0;
    for (int i = 0; i < n; i++) {
        const float *p = probs + (long)i * DP_CLASSES;
        int c = dp_argmax(p, DP_CLASSES);
        if (p[c] < threshold) continue;
        sure++;
        right += labels && c == labels[i];
    }
    if (acc) *acc = sure ? (double)right / sure : 0.0;
    return n ? (double)sure / n : 0.0;
}

/* Logits at a temperature, as probabilities (in probs) scored against the
 * labels: NLL, ECE and accuracy (any pointer may be NULL). */
static void score(const float *logits, float *probs, const uint8_t *labels, int n, float t, double *nll, double *ece,
                  double *accuracy)
{
    dp_softmax_rows(probs, logits, n, t);
    dp_evaluation e;
    dp_evaluation_score(&e, probs, labels, n, DP_EVAL_SUMMARY);
    if (nll) *nll = dp_nll(logits, labels, n, t);
    if (ece) *ece = e.ece;
    if (accuracy) *accuracy = e.accuracy;
}

static int run(const calib_opts *o, dp_net *net, const dp_dataset *held, calib_report *r)
{
    int nd = (int)(o->drawings < held->n ? o->drawings : held->n), ns = nd / 3, ni = held->n;
    int cap = ni > nd ? ni : nd;
    dp_exec *ex = dp_exec_create(net, 256, o->threads, 0);
    float *in = dp_alloc_floats((size_t)cap * DP_PIXELS), *logits = dp_alloc_floats((size_t)cap * DP_CLASSES);
    float *probs = dp_alloc_floats((size_t)cap * DP_CLASSES);
    uint8_t *labels = dp_alloc((size_t)nd, 1);
    int rc = -1;
    if (!ex || !in || !logits || !probs || !labels) goto done;

    /* The window shows drawings, so the temperature is fitted on drawings
     * of the held-out digits; the held-out images show what it does there. */
    dp_dataset part = *held;
    part.n = nd;
    r->n_drawings = draw_inputs(in, labels, &part, nd, 0xd7a3);
    dp_net_logits(ex, net, in, r->n_drawings, logits);
    r->temperature = net->temperature = dp_fit_temperature(logits, labels, r->n_drawings);
    score(logits, probs, labels, r->n_drawings, 1.0f, NULL, &r->draw_ece[0], NULL);
    score(logits, probs, labels, r->n_drawings, r->temperature, NULL, &r->draw_ece[1], &r->draw_acc);
    r->threshold = net->unsure_below = dp_pick_threshold(probs, labels, r->n_drawings, o->precision);
    r->draw_unsure = 1.0 - sure_share(probs, labels, r->n_drawings, r->threshold, &r->draw_sure_acc);

    r->n_images = ni;
    dp_dataset_floats(in, held, 0, ni);
    dp_net_logits(ex, net, in, ni, logits);
    score(logits, probs, held->labels, ni, 1.0f, &r->nll[0], &r->ece[0], NULL);
    score(logits, probs, held->labels, ni, r->temperature, &r->nll[1], &r->ece[1], NULL);

    r->n_scribbles = draw_inputs(in, NULL, NULL, ns, 0x5c41);
    dp_net_predict(ex, net, in, r->n_scribbles, probs);
    r->scribble_sure = sure_share(probs, NULL, r->n_scribbles, r->threshold, NULL);
    rc = 0;
done:
    if (rc) cli_error("calibrate", "%s", dp_error());
    free(in), free(logits), free(probs), free(labels);
    dp_exec_free(ex);
    return rc;
}

static void print_report(const calib_report *r, int json, const char *out)
{
    if (json) {
        printf("{\"temperature\": %.4f, \"threshold\": %.4f, \"heldout_images\": %d, \"nll\": [%.5f, %.5f], "
               "\"ece\": [%.5f, %.5f], \"drawings\": %d, \"drawing_accuracy\": %.5f, \"drawing_ece\": [%.5f, %.5f], "
               "\"drawing_unsure\": %.5f, \"drawing_sure_accuracy\": %.5f, \"scribbles\": %d, \"scribble_sure\": %.5f}\n",
               (double)r->temperature, (double)r->threshold, r->n_images, r->nll[0], r->nll[1], r->ece[0], r->ece[1],
               r->n_drawings, r->draw_acc, r->draw_ece[0], r->draw_ece[1], r->draw_unsure, r->draw_sure_acc,
               r->n_scribbles, r->scribble_sure);
        return;
    }
    printf("%d held-out training digits drawn like on the canvas: %.2f %% read right\n", r->n_drawings,
           100 * r->draw_acc);
    printf("temperature %.3f fitted on those drawings: ECE %.4f -> %.4f\n", (double)r->temperature, r->draw_ece[0],
           r->draw_ece[1]);
    printf("on the %d held-out images themselves: NLL %.4f -> %.4f, ECE %.4f -> %.4f\n", r->n_images, r->nll[0],
           r->nll[1], r->ece[0], r->ece[1]);
    printf("\"unsure\" below %.3f: %.1f %% of those drawings; the rest are %.2f %% right\n", (double)r->threshold,
           100 * r->draw_unsure, 100 * r->draw_sure_acc);
    printf("random scribbles: %.1f %% of %d still look sure (the rest are shown as unsure)\n", 100 * r->scribble_sure,
           r->n_scribbles);
    printf("saved %s\n", out);
}

/* Options into o (defaults already there); CLI_RUN, CLI_HELP or CLI_USAGE. */
static int parse(int argc, char **argv, calib_opts *o)
{
    const cli_option table[] = {
        CLI_OPT_MODEL(&o->model), CLI_OPT_OUT(&o->out), CLI_OPT_DATA(&o->data),
        CLI_OPT_LONG("holdout", &o->holdout, 100, 50000), CLI_OPT_DOUBLE("precision", &o->precision, 0.5, 1.0),
        CLI_OPT_LONG("drawings", &o->drawings, 30, 50000), CLI_OPT_THREADS(&o->threads), CLI_OPT_JSON(&o->json),
    };
    const cli_command command = CLI_COMMAND("calibrate", calibrate_usage, table);
    int rc = cli_parse_options_only(&command, argc, argv);
    if (rc == CLI_RUN && !o->out) {
        cli_error("calibrate", "--out FILE is needed (it may name the model itself)");
        rc = CLI_USAGE;
    }
    return rc;
}

int cli_calibrate(int argc, char **argv)
{
    calib_opts o = {.holdout = 5000, .drawings = 3000, .precision = 0.997};
    int rc = parse(argc, argv, &o);
    if (rc != CLI_RUN) return cli_exit_status(rc);
    const char *cmd = "calibrate";
    char dir[PATH_MAX];
    dp_dataset train = {0};
    dp_train_state state = {0};
    int has_state = 0;
    char *meta = NULL;
    dp_net *net = cli_load_model_all(cmd, o.model, NULL, 0, &meta, &state, &has_state);
    if (!net || cli_find_mnist(cmd, o.data, dir, sizeof dir) != 0 || cli_load_split(cmd, dir, "train", &train) != 0) {
        rc = 1;
        goto done;
    }
    dp_dataset held = train;   /* the last N images: never trained on with --holdout N */
    held.n = (int)o.holdout;
    held.images += (long)(train.n - held.n) * DP_PIXELS;
    held.labels += train.n - held.n;
    calib_report r = {0};
    rc = run(&o, net, &held, &r);
    /* Everything else in the file (how it was trained, its training state)
     * is kept: calibrating changes only the CALB section. */
    if (!rc && dp_model_save(o.out, net, meta, has_state ? &state : NULL) != 0) {
        cli_error(cmd, "%s", dp_error());
        rc = -1;
    }
    if (!rc) print_report(&r, o.json, o.out);
done:
    if (has_state) dp_optim_free(&state.optim);
    free(meta);
    dp_dataset_free(&train);
    dp_net_free(net);
    return rc ? 1 : 0;
}

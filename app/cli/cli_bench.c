/* digitpad bench: training and inference throughput, drawing latency and
 * per-layer kernel speed, each the median of several timed repeats after a
 * warm-up. Absolute figures depend on the machine; compare ratios from one
 * run (bench/compare.sh puts PyTorch beside it). */
#include "cli.h"
#include "common.h"
#include "kernels.h"
#include "layers.h"
#include "model_io.h"
#include "optim.h"
#include "preprocess.h"
#include "rng.h"
#include "strokes.h"
#include "train.h"
#include "platform.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char bench_usage[] =
    "usage: digitpad bench [--model FILE] [--threads T] [--isa NAME] [--seconds S] [--json] [--profile]\n"
    "Measures the seed network (and the model, if its architecture differs) on synthetic data:\n"
    "training images/s at batch 32, 64, 128 and 256 (forward, backward and Adam), inference\n"
    "images/s at batch 1000, the latency of one drawing end to end (strokes -> rasterize ->\n"
    "MNIST preparation -> forward -> probabilities) and of the forward pass alone, and each\n"
    "layer's kernels at the shapes training uses, against this CPU's measured peak.\n"
    "Every kernel set this CPU runs is measured in turn (best first, then the portable one\n"
    "against it), unless --isa names one. Every figure is the median of 5 timed repeats\n"
    "after a warm-up.\n"
    "\n"
    "  --model FILE   also measure this model (default: the shipped model)\n"
    "  --threads T    worker threads (default: one per CPU)\n"
    "  --isa NAME     measure only these kernels: auto (the best this CPU has), avx2, or portable\n"
    "  --seconds S    time spent on each figure (default 1)\n"
    "  --json         print one JSON object instead of a table\n"
    "  --profile      also print where a training step spends its time, layer by layer\n"
    "  -h, --help     show this help\n";

#define REPEATS 5
#define SAMPLES 1000       /* synthetic inputs; inference runs on all of them at once */

static double median(double *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return n ? (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2])) : 0.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- the measurements ------------------------------------------------------ */

typedef struct {
    int threads;
    double seconds;
    float *images;         /* SAMPLES synthetic inputs */
    uint8_t *labels;
} bench_ctx;

/* Training steps at batch B; returns images/s (median of repeats). */
static double bench_train(const bench_ctx *c, const dp_net *proto, int B, dp_profile *prof)
{
    dp_net *net = dp_net_create(&proto->arch);
    dp_exec *ex = net ? dp_exec_create(net, B, c->threads, 1) : NULL;
    float *grads = dp_alloc_floats((size_t)proto->n_params);
    dp_optim opt = {0};
    dp_optim_cfg ocfg = dp_optim_defaults(DP_OPT_ADAM);
    double result = NAN;
    if (!net || !ex || !grads || dp_optim_init(&opt, &ocfg, net->n_params) != 0) goto done;
    dp_net_copy_params(net, proto);
    double rates[REPEATS];
    long step = 0;
    for (int r = -1; r < REPEATS; r++) {   /* r = -1 is the warm-up */
        double t0 = dp_now(), t;
        long images = 0;
        if (r == 0) dp_exec_profile(ex, NULL, 1);
        do {
            int first = (int)((step * B) % (SAMPLES - B + 1));
            dp_net_gradient(ex, net, c->images + (long)first * DP_PIXELS, c->labels + first, B, (uint64_t)step, grads,
                            NULL);
            dp_optim_step(&opt, net->params, grads, 1e-4f);
            images += B;
            step++;
            t = dp_now() - t0;
        } while (t < c->seconds / REPEATS);
        if (r >= 0) rates[r] = (double)images / t;
    }
    if (prof) dp_exec_profile(ex, prof, 0);
    result = median(rates, REPEATS);
done:
    dp_optim_free(&opt);
    free(grads);
    dp_exec_free(ex);
    dp_net_free(net);
    return result;
}

static double bench_infer(const bench_ctx *c, const dp_net *net, int B)
{
    dp_exec *ex = dp_exec_create(net, 256, c->threads, 0);
    float *probs = dp_alloc_floats((size_t)B * DP_CLASSES);
    double rates[REPEATS], result = NAN;
    if (!ex || !probs) goto done;
    for (int r = -1; r < REPEATS; r++) {
        double t0 = dp_now(), t;
        long images = 0;
        do {
            dp_net_predict(ex, net, c->images, B, probs);
            images += B;
            t = dp_now() - t0;
        } while (t < c->seconds / REPEATS);
        if (r >= 0) rates[r] = (double)images / t;
    }
    result = median(rates, REPEATS);
done:
    free(probs);
    dp_exec_free(ex);
    return result;
}

/* A drawn 3 in two strokes, as the window records it: a point every few pixels. */
static void sample_drawing(dp_strokes *s)
{
    dp_strokes_init(s);
    for (int stroke = 0; stroke < 2; stroke++) {
        dp_strokes_begin(s);
        for (int i = 0; i <= 60; i++) {
            float a = -2.2f + 3.6f * (float)i / 60.0f;
            float cy = stroke ? 180.0f : 85.0f, r = stroke ? 58.0f : 48.0f;
            dp_strokes_add_point(s, 135.0f + r * cosf(a), cy + r * sinf(a));
        }
    }
}

typedef struct { double median_us, p99_us, forward_us; } latency;

/* One drawing end to end on one thread, as the window does at every frame. */
static latency bench_latency(const bench_ctx *c, const dp_net *net)
{
    latency out = {NAN, NAN, NAN};
    enum { MAX_SAMPLES = 20000 };
    dp_exec *ex = dp_exec_create(net, 1, 1, 0);
    double *us = malloc(sizeof(double) * MAX_SAMPLES);
    float *canvas = dp_alloc_floats(DP_CANVAS * DP_CANVAS), input[DP_PIXELS], probs[DP_CLASSES];
    dp_strokes s;
    sample_drawing(&s);
    if (!ex || !us || !canvas) goto done;
    for (int pass = 0; pass < 2; pass++) {   /* pass 0: end to end; pass 1: forward only */
        int n = 0;
        double t_end = dp_now() + c->seconds;
        for (int warm = 0; warm < 50; warm++) {
            dp_strokes_to_input(input, canvas, &s, DP_BRUSH_AUTO, NULL);
            dp_net_predict(ex, net, input, 1, probs);
        }
        while (n < MAX_SAMPLES && (n < 200 || dp_now() < t_end)) {
            double t0 = dp_now();
            if (pass == 0) dp_strokes_to_input(input, canvas, &s, DP_BRUSH_AUTO, NULL);
            dp_net_predict(ex, net, input, 1, probs);
            us[n++] = 1e6 * (dp_now() - t0);
        }
        qsort(us, (size_t)n, sizeof(double), cmp_double);
        if (pass == 0) {
            out.median_us = us[n / 2];
            out.p99_us = us[(int)(0.99 * (n - 1))];
        } else {
            out.forward_us = us[n / 2];
        }
    }
done:
    dp_strokes_free(&s);
    free(canvas);
    free(us);
    dp_exec_free(ex);
    return out;
}

/* ---- kernels at the network's shapes ------------------------------------------ */

typedef struct {
    char name[64];
    double gflops, pct;
} kernel_result;

/* conv, relu, pool in a row: the network runs them as one fused block. */
static int fused_block(const dp_net *net, int l)
{
    return l + 2 < net->n_layers && net->layer[l].spec.type == DP_LAYER_CONV &&
           net->layer[l + 1].spec.type == DP_LAYER_RELU && net->layer[l + 2].spec.type == DP_LAYER_MAXPOOL;
}

/* Times one layer's forward or backward on one thread, on a slice of n
 * images (what each thread handles in a training step), the way the
 * network runs it (a conv followed by relu and pool as the fused block). */
static double time_layer(const dp_net *net, int l, int backward, int n, double seconds, long *flops)
{
    const dp_layer_info *L = &net->layer[l];
    int conv = L->spec.type == DP_LAYER_CONV, fused = fused_block(net, l);
    long in = n * L->in_size, out = n * (fused ? net->layer[l + 2].out_size : L->out_size);
    long colf = fused ? dp_convpool_scratch_floats(L->in_h, L->in_w, L->in_c, L->out_c, L->spec.k, L->spec.pad)
                : conv ? dp_conv_col_floats(L->in_h, L->in_w, L->in_c, L->spec.k, L->spec.pad) : 1;
    uint8_t *winner = dp_alloc((size_t)out, 1);
    float *x = dp_alloc_floats((size_t)in), *y = dp_alloc_floats((size_t)out), *dx = dp_alloc_floats((size_t)in);
    float *dw = dp_alloc_floats((size_t)(L->w_count + L->b_count)), *col = dp_alloc_floats((size_t)colf);
    float *dcol = dp_alloc_floats((size_t)colf);
    dp_gemm_ws *ws = dp_gemm_ws_create();
    const float *W = net->params + L->w_off, *b = net->params + L->b_off;
    int first = l == 0;
    long fwd = 2 * L->w_count * L->out_h * L->out_w * n;
    *flops = backward ? fwd * (first ? 1 : 2) : fwd;
    double rates[REPEATS];
    for (long i = 0; i < in; i++) x[i] = (float)(i % 17) * 0.05f;
    for (long i = 0; i < out; i++) y[i] = (float)(i % 13) * 0.01f - 0.05f;
    for (long i = 0; i < out; i++) winner[i] = (uint8_t)(i % 5);   /* a fifth cut by the ReLU */
    for (int r = -1; r < REPEATS; r++) {
        double t0 = dp_now(), t;
        long calls = 0;
        do {
            if (fused && !backward)
                dp_convpool_forward(y, winner, col, x, W, b, n, L->in_h, L->in_w, L->in_c, L->out_c, L->spec.k,
                                    L->spec.pad, ws);
            else if (fused)
                dp_convpool_backward(first ? NULL : dx, dw, dw + L->w_count, col, y, winner, x, W, n, L->in_h,
                                     L->in_w, L->in_c, L->out_c, L->spec.k, L->spec.pad, ws);
            else if (conv && !backward)
                dp_conv_forward(y, col, x, W, b, n, L->in_h, L->in_w, L->in_c, L->out_c, L->spec.k, L->spec.pad, ws);
            else if (conv)
                dp_conv_backward(first ? NULL : dx, dw, dw + L->w_count, col, dcol, y, x, W, n, L->in_h, L->in_w,
                                 L->in_c, L->out_c, L->spec.k, L->spec.pad, ws);
            else if (!backward)
                dp_dense_forward(y, x, W, b, n, (int)L->in_size, L->out_c, ws);
            else
                dp_dense_backward(first ? NULL : dx, dw, dw + L->w_count, y, x, W, n, (int)L->in_size, L->out_c, ws);
            calls++;
            t = dp_now() - t0;
        } while (t < seconds / REPEATS);
        if (r >= 0) rates[r] = (double)(*flops) * calls / t / 1e9;
    }
    free(x), free(y), free(dx), free(dw), free(col), free(dcol), free(winner);
    dp_gemm_ws_free(ws);
    return median(rates, REPEATS);
}

static int bench_kernels(const bench_ctx *c, const dp_net *net, int slice, double peak, kernel_result *out, int max)
{
    int n = 0;
    for (int l = 0; l < net->n_layers && n + 2 <= max; l++) {
        const dp_layer_info *L = &net->layer[l];
        if (L->spec.type != DP_LAYER_CONV && L->spec.type != DP_LAYER_DENSE) continue;
        for (int backward = 0; backward < 2; backward++) {
            long flops;
            kernel_result *k = &out[n++];
            k->gflops = time_layer(net, l, backward, slice, c->seconds / 2, &flops);
            k->pct = peak > 0 ? 100.0 * k->gflops / peak : NAN;
            snprintf(k->name, sizeof k->name, "layer %d %s%d%s %s", l + 1,
                     L->spec.type == DP_LAYER_CONV ? "conv" : "dense", L->out_c,
                     fused_block(net, l) ? "+relu+pool" : "", backward ? "backward" : "forward");
        }
    }
    return n;
}

/* ---- report ------------------------------------------------------------------------ */

typedef struct {
    char arch[512];
    long params;
    double train[4], infer;
    latency lat;
    kernel_result kernels[16];
    int n_kernels;
    dp_profile prof;
} net_report;

static const int train_batches[4] = {32, 64, 128, 256};

static void measure_net(const bench_ctx *c, const dp_net *net, double peak, int with_kernels, net_report *r)
{
    dp_arch_format(&net->arch, r->arch, sizeof r->arch);
    r->params = net->n_params;
    for (int i = 0; i < 4; i++) r->train[i] = bench_train(c, net, train_batches[i], i == 1 ? &r->prof : NULL);
    r->infer = bench_infer(c, net, SAMPLES);
    r->lat = bench_latency(c, net);
    int slice = (64 + c->threads - 1) / c->threads;
    r->n_kernels = with_kernels ? bench_kernels(c, net, slice, peak, r->kernels, 16) : 0;
}

static void print_text(const net_report *r, const char *title)
{
    printf("%s: %s (%ld parameters)\n", title, r->arch, r->params);
    for (int i = 0; i < 4; i++) printf("  training, batch %-4d %10.0f images/s\n", train_batches[i], r->train[i]);
    printf("  inference, batch 1000 %9.0f images/s\n", r->infer);
    printf("  one drawing, end to end %7.1f us median, %.1f us p99\n", r->lat.median_us, r->lat.p99_us);
    printf("  forward pass alone %12.1f us median\n", r->lat.forward_us);
    for (int i = 0; i < r->n_kernels; i++)
        printf("  %-36s %6.1f GFLOP/s  %5.1f %% of one core's peak\n", r->kernels[i].name, r->kernels[i].gflops,
               r->kernels[i].pct);
}

static void print_profile(const net_report *r, const dp_net *net)
{
    const dp_profile *p = &r->prof;
    if (!p->passes) return;
    double total = p->loss + p->reduce;
    for (int l = 0; l < net->n_layers; l++) total += p->forward[l] + p->backward[l];
    printf("  where a training step at batch 64 goes (first thread, per step):\n");
    for (int l = 0; l < net->n_layers; l++) {
        char name[32];
        dp_arch a = net->arch;
        a.n_layers = 1;
        a.layers[0] = net->layer[l].spec;
        dp_arch_format(&a, name, sizeof name);
        printf("    %-12s forward %7.1f us  backward %7.1f us\n", name, 1e6 * p->forward[l] / p->passes,
               1e6 * p->backward[l] / p->passes);
    }
    printf("    loss %.1f us, gradient reduction %.1f us; layers+loss+reduction %.1f us per step\n",
           1e6 * p->loss / p->passes, 1e6 * p->reduce / p->passes, 1e6 * total / p->passes);
}

static void print_json_net(const net_report *r)
{
    printf("{\"arch\": \"%s\", \"params\": %ld, \"train_img_per_s\": %.1f, \"train\": {", r->arch, r->params,
           r->train[1]);
    for (int i = 0; i < 4; i++) printf("%s\"%d\": %.1f", i ? ", " : "", train_batches[i], r->train[i]);
    printf("}, \"infer_img_per_s\": %.1f, \"latency_us\": %.2f, \"latency_p99_us\": %.2f, \"forward_us\": %.2f, "
           "\"kernels\": [", r->infer, r->lat.median_us, r->lat.p99_us, r->lat.forward_us);
    for (int i = 0; i < r->n_kernels; i++)
        printf("%s{\"name\": \"%s\", \"gflops\": %.2f, \"pct_of_core_peak\": %.1f}", i ? ", " : "", r->kernels[i].name,
               r->kernels[i].gflops, isnan(r->kernels[i].pct) ? -1.0 : r->kernels[i].pct);
    printf("]}");
}

static void make_data(bench_ctx *c)
{
    dp_rng rng;
    dp_rng_seed(&rng, 7);
    for (long i = 0; i < (long)SAMPLES * DP_PIXELS; i++)
        c->images[i] = dp_rng_uniform(&rng) < 0.8f ? 0.0f : dp_rng_uniform(&rng);
    for (int i = 0; i < SAMPLES; i++) c->labels[i] = (uint8_t)dp_rng_below(&rng, 10);
}

typedef struct {
    const char *model;
    int threads;           /* 0: one per CPU */
    double seconds;
    int json, profile;
    int isa;               /* from --isa; 0: every kernel set this CPU has, best first */
} bench_opts;

/* One kernel set's figures: its own peak, the seed network, the model. */
typedef struct {
    dp_isa isa;
    double peak;
    net_report seed, model;
} isa_report;

#define MAX_ISAS 2

static void print_json_isa(const isa_report *r, int model_differs)
{
    printf("{\"isa\": \"%s\", \"core_peak_gflops\": %.1f, \"seed\": ", dp_isa_name(r->isa), r->peak);
    print_json_net(&r->seed);
    if (model_differs) {
        printf(", \"model\": ");
        print_json_net(&r->model);
    }
    printf("}");
}

/* The generic kernels against the best, as the targets put it: training
 * images/s at batch 64 as a share, one drawing's latency as a multiple. */
static void compare_isas(const isa_report *best, const isa_report *other, double *train_share, double *latency_x)
{
    *train_share = other->seed.train[1] / best->seed.train[1];
    *latency_x = other->seed.lat.median_us / best->seed.lat.median_us;
}

/* A ratio, or null where a measurement failed (JSON has no NaN). */
static void print_json_ratio(double x)
{
    if (isfinite(x)) printf("%.3f", x);
    else printf("null");
}

static void print_json_all(const bench_ctx *ctx, const isa_report *r, int n, int model_differs)
{
    /* The top level keeps the best kernel set's figures for scripts that read them. */
    printf("{\"threads\": %d, \"isa\": \"%s\", \"core_peak_gflops\": %.1f, \"train_img_per_s\": %.1f, "
           "\"infer_img_per_s\": %.1f, \"latency_us\": %.2f, \"seed\": ", ctx->threads, dp_isa_name(r[0].isa),
           r[0].peak, r[0].seed.train[1], r[0].seed.infer, r[0].seed.lat.median_us);
    print_json_net(&r[0].seed);
    if (model_differs) {
        printf(", \"model\": ");
        print_json_net(&r[0].model);
    }
    printf(", \"isas\": [");
    for (int i = 0; i < n; i++) {
        printf(i ? ", " : "");
        print_json_isa(&r[i], model_differs);
    }
    printf("], \"against_best\": [");
    for (int i = 1; i < n; i++) {
        double share, times;
        compare_isas(&r[0], &r[i], &share, &times);
        printf("%s{\"isa\": \"%s\", \"train_batch64_share\": ", i > 1 ? ", " : "", dp_isa_name(r[i].isa));
        print_json_ratio(share);
        printf(", \"latency_multiple\": ");
        print_json_ratio(times);
        printf(", \"peak_share\": ");
        print_json_ratio(r[i].peak / r[0].peak);
        printf("}");
    }
    printf("]}\n");
}

static void print_text_all(const bench_ctx *ctx, const bench_opts *o, const dp_net *seed, const isa_report *r,
                           int n, int model_differs)
{
    for (int i = 0; i < n; i++) {
        printf("%sdigitpad bench: %d threads, %s kernels, one core's measured peak %.1f GFLOP/s\n", i ? "\n" : "",
               ctx->threads, dp_isa_name(r[i].isa), r[i].peak);
        print_text(&r[i].seed, "seed network");
        if (o->profile) print_profile(&r[i].seed, seed);
        if (model_differs) print_text(&r[i].model, "model");
    }
    for (int i = 1; i < n; i++) {
        double share, times;
        compare_isas(&r[0], &r[i], &share, &times);
        printf("\n%s against %s (seed network): training at batch 64 %.0f %% of its images/s, one drawing %.2f x "
               "its latency; peak %.0f %% of its peak\n", dp_isa_name(r[i].isa), dp_isa_name(r[0].isa),
               100.0 * share, times, 100.0 * r[i].peak / r[0].peak);
    }
}

/* The kernel sets to measure: the one --isa chose, or every one this CPU
 * runs, best first. Returns how many. */
static int isas_to_measure(const bench_opts *o, dp_isa *out)
{
    if (o->isa) {
        out[0] = (dp_isa)o->isa;
        return 1;
    }
    int n = 0;
    if (dp_kernels_select(DP_ISA_AVX2) == DP_ISA_AVX2) out[n++] = DP_ISA_AVX2;
    out[n++] = DP_ISA_PORTABLE;
    return n;
}

/* Measures the seed network and, if its architecture differs, the model,
 * with each kernel set in turn. */
static int run_bench(const bench_opts *o)
{
    bench_ctx ctx = {.threads = o->threads ? o->threads : dp_cpu_count(), .seconds = o->seconds};
    ctx.images = dp_alloc_floats((size_t)SAMPLES * DP_PIXELS);
    ctx.labels = malloc(SAMPLES);
    dp_net *model = cli_load_model("bench", o->model, NULL, 0), *seed = NULL;
    dp_arch arch;
    dp_arch_parse(&arch, "seed");
    if (!model || !ctx.images || !ctx.labels || !(seed = dp_net_create(&arch))) {
        free(ctx.images), free(ctx.labels), dp_net_free(model);
        return 1;
    }
    make_data(&ctx);
    int model_differs = memcmp(&model->arch, &seed->arch, sizeof arch) != 0;
    if (model_differs) dp_net_init(seed, 1);
    else dp_net_copy_params(seed, model);

    static isa_report reports[MAX_ISAS];
    dp_isa isas[MAX_ISAS];
    int n = isas_to_measure(o, isas);
    for (int i = 0; i < n; i++) {
        isa_report *r = &reports[i];
        r->isa = dp_kernels_select(isas[i]);
        r->peak = dp_kernels_core_peak_gflops();
        measure_net(&ctx, seed, r->peak, 1, &r->seed);
        if (model_differs) measure_net(&ctx, model, r->peak, 0, &r->model);
    }
    if (o->json) print_json_all(&ctx, reports, n, model_differs);
    else print_text_all(&ctx, o, seed, reports, n, model_differs);
    free(ctx.images), free(ctx.labels);
    dp_net_free(seed);
    dp_net_free(model);
    return 0;
}

int cli_bench(int argc, char **argv)
{
    bench_opts o = {.seconds = 1.0};
    const cli_option table[] = {
        CLI_OPT_MODEL(&o.model), CLI_OPT_THREADS(&o.threads), CLI_OPT_ISA(&o.isa), CLI_OPT_DOUBLE("seconds", &o.seconds, 0.05, 600),
        CLI_OPT_JSON(&o.json), CLI_OPT_FLAG("profile", &o.profile),
    };
    const cli_command command = CLI_COMMAND("bench", bench_usage, table);
    int parsed = cli_parse_options_only(&command, argc, argv);
    if (parsed != CLI_RUN) return cli_exit_status(parsed);
    return run_bench(&o);
}

/* digitpad realism: a test set of drawings made the way the canvas makes
 * them, to judge models on drawings rather than on MNIST images. MNIST test
 * digits are traced into pen strokes and pen styles MNIST lacks are drawn
 * from templates; each is put on the canvas at a random size, place and
 * slant with hand wobble, and read through the app's own path
 * (dp_strokes_to_input with the automatic brush, then the network). */
#include "cli.h"
#include "common.h"
#include "platform.h"
#include "preprocess.h"
#include "realism.h"
#include "rng.h"
#include "skeleton.h"
#include "strokes.h"
#include "threadpool.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char realism_usage[] =
    "usage: digitpad realism [--data DIR] [--model FILE] [--count N] [--styles N] [--seed S]\n"
    "                        [--write DIR] [--json] [--threads T]\n"
    "Scores a model on drawings made the way the canvas makes them: MNIST test digits traced\n"
    "into pen strokes, plus pen styles MNIST lacks (a 1 with a long flag, a crossed 7, a slashed\n"
    "0, an open 4, ...), each drawn on the 280x280 canvas at a random size (50-250 px), place,\n"
    "rotation and slant with hand wobble, and read like a drawing in the window. The same seed\n"
    "gives the same drawings; only the MNIST test split is used.\n"
    "\n"
    "  --data DIR     MNIST folder (default: $DIGITPAD_MNIST, else ~/.local/share/digitpad/mnist)\n"
    "  --model FILE   model to score (default: the shipped model)\n"
    "  --count N      drawings traced from MNIST test digits, each digit once (default 5000, max 10000)\n"
    "  --styles N     drawings in the pen styles, spread evenly over them (default 1000)\n"
    "  --seed S       which digits, in which order, and every random choice (default 1)\n"
    "  --write DIR    also write every drawing as a stroke file (mnist-00042-7.txt,\n"
    "                 style-flag1-0003-1.txt), DIR/labels.tsv (file, label) and\n"
    "                 DIR/predictions.tsv (file, label, predicted), for 'digitpad predict DIR/*.txt'\n"
    "  --json         print one JSON object: accuracy, per_class, mnist_part, styles, n, ...\n"
    "  --threads T    worker threads (default: one per CPU)\n"
    "  -h, --help     show this help\n";

enum { SRC_MNIST = DP_STYLES, SOURCES = DP_STYLES + 1, TOP_CONFUSIONS = 10 };

typedef struct {
    int label;
    int source;            /* a pen style, or SRC_MNIST */
    int index;             /* the MNIST test image, or the sample number within the style */
    dp_strokes strokes;
    int status;            /* 1 digit, 0 the recipe saw no digit, -1 could not be drawn */
    int predicted;         /* -1 when there is no prediction */
} drawing;

typedef struct {
    const dp_dataset *test;
    uint64_t seed;
    drawing *d;
    float *inputs;         /* DP_PIXELS per drawing */
    int n, n_chunks;
    char (*errors)[256];   /* the first failure of each chunk */
} build_job;

typedef struct {
    int n, correct, empty;
    int class_n[10], class_ok[10];
    int src_n[SOURCES], src_ok[SOURCES];
    int conf[10][10];                /* true -> predicted */
    int conf_src[10][10][SOURCES];
} tally;

static const char *source_name(int source) { return source == SRC_MNIST ? "mnist" : dp_style_name(source); }

/* Every drawing has its own random stream, from the seed and what it is,
 * so it does not change with --count, --styles or the number of threads. */
static uint64_t drawing_seed(uint64_t seed, const drawing *d)
{
    return dp_hash64(dp_hash64(seed) ^ ((uint64_t)(d->source + 1) << 32 | (uint32_t)d->index));
}

/* Points rounded the way a stroke file stores them ("%.2f", read back with
 * strtod), so that the written files replay to exactly these predictions. */
static void quantize(dp_strokes *s)
{
    char buf[64];
    for (int i = 0; i < s->n_points; i++) {
        snprintf(buf, sizeof buf, "%.2f", (double)s->points[i].x);
        s->points[i].x = (float)strtod(buf, NULL);
        snprintf(buf, sizeof buf, "%.2f", (double)s->points[i].y);
        s->points[i].y = (float)strtod(buf, NULL);
    }
}

static int make_drawing(drawing *d, const dp_dataset *test, uint64_t seed, const dp_place_cfg *cfg)
{
    dp_rng r;
    dp_rng_seed(&r, drawing_seed(seed, d));
    int rc = d->source == SRC_MNIST ? dp_digit_strokes(&d->strokes, test->images + (size_t)d->index * DP_PIXELS)
                                    : dp_style_strokes(&d->strokes, d->source, &r);
    if (rc == 0) rc = dp_strokes_place(&d->strokes, &r, cfg);
    if (rc == 0) quantize(&d->strokes);
    return rc;
}

/* One chunk of the set: strokes, placement and the network's input. Tasks
 * write only their own drawings, so the result does not depend on threads. */
static void build_chunk(void *ctx, int chunk)
{
    build_job *job = ctx;
    dp_place_cfg cfg = dp_place_defaults();
    int first = (int)((long)job->n * chunk / job->n_chunks), end = (int)((long)job->n * (chunk + 1) / job->n_chunks);
    float *canvas = dp_alloc_floats(DP_CANVAS * DP_CANVAS);
    job->errors[chunk][0] = 0;
    for (int i = first; i < end; i++) {
        drawing *d = &job->d[i];
        d->status = -1;
        if (!canvas || make_drawing(d, job->test, job->seed, &cfg) != 0) {
            if (!job->errors[chunk][0])
                snprintf(job->errors[chunk], sizeof job->errors[chunk], "drawing %s %d: %s", source_name(d->source),
                         d->index, dp_error());
            continue;
        }
        d->status = dp_strokes_to_input(job->inputs + (size_t)i * DP_PIXELS, canvas, &d->strokes, DP_BRUSH_AUTO, NULL);
    }
    free(canvas);
}

/* What to draw: the first `count` MNIST test images in the seed's order,
 * then `styles` drawings going round the pen styles. */
static int plan(drawing *d, const dp_dataset *test, int count, int styles, uint64_t seed)
{
    int *order = count ? dp_alloc((size_t)test->n, sizeof(int)) : NULL;
    if (count && !order) return -1;
    for (int i = 0; count && i < test->n; i++) order[i] = i;
    dp_rng r;
    dp_rng_seed(&r, seed);
    if (count) dp_rng_shuffle(&r, order, test->n);
    for (int i = 0; i < count; i++) d[i] = (drawing){test->labels[order[i]], SRC_MNIST, order[i], {0}, -1, -1};
    for (int j = 0; j < styles; j++)
        d[count + j] = (drawing){dp_style_digit(j % DP_STYLES), j % DP_STYLES, j / DP_STYLES, {0}, -1, -1};
    for (int i = 0; i < count + styles; i++) dp_strokes_init(&d[i].strokes);
    free(order);
    return 0;
}

/* Classifies every drawing the recipe took for a digit, in batches. */
static int predict_all(dp_net *net, int threads, drawing *d, int n, const float *inputs)
{
    enum { BATCH = 4096 };
    dp_exec *ex = dp_exec_create(net, 256, threads, 0);
    float *batch = dp_alloc_floats((size_t)BATCH * DP_PIXELS), *probs = dp_alloc_floats((size_t)BATCH * DP_CLASSES);
    int *which = dp_alloc(BATCH, sizeof(int)), rc = ex && batch && probs && which ? 0 : -1;
    for (int i = 0; !rc && i < n;) {
        int m = 0;
        for (; i < n && m < BATCH; i++) {
            d[i].predicted = -1;
            if (d[i].status != 1) continue;
            memcpy(batch + (size_t)m * DP_PIXELS, inputs + (size_t)i * DP_PIXELS, sizeof(float) * DP_PIXELS);
            which[m++] = i;
        }
        if (m) dp_net_predict(ex, net, batch, m, probs);
        for (int j = 0; j < m; j++) d[which[j]].predicted = dp_argmax(probs + (size_t)j * DP_CLASSES, DP_CLASSES);
    }
    free(batch), free(probs), free(which);
    dp_exec_free(ex);
    return rc;
}

static void count_all(tally *t, const drawing *d, int n)
{
    memset(t, 0, sizeof *t);
    for (int i = 0; i < n; i++) {
        int ok = d[i].predicted == d[i].label;
        t->n++, t->correct += ok, t->empty += d[i].status == 0;
        t->class_n[d[i].label]++, t->class_ok[d[i].label] += ok;
        t->src_n[d[i].source]++, t->src_ok[d[i].source] += ok;
        if (d[i].predicted >= 0) {
            t->conf[d[i].label][d[i].predicted]++;
            t->conf_src[d[i].label][d[i].predicted][d[i].source]++;
        }
    }
}

/* Sources in reporting order: MNIST, then the styles. */
static int nth_source(int k) { return k == 0 ? SRC_MNIST : k - 1; }

static double frac(int a, int b) { return b ? (double)a / b : 0.0; }

/* The most common mistakes as (true, predicted) pairs, most frequent first. */
static int top_confusions(const tally *t, int pairs[TOP_CONFUSIONS][2])
{
    int n = 0;
    for (int k = 0; k < TOP_CONFUSIONS; k++) {
        int bt = -1, bp = -1;
        for (int a = 0; a < 10; a++)
            for (int p = 0; p < 10; p++) {
                int taken = 0;
                for (int j = 0; j < n; j++) taken |= pairs[j][0] == a && pairs[j][1] == p;
                if (a != p && !taken && t->conf[a][p] > 0 && (bt < 0 || t->conf[a][p] > t->conf[bt][bp])) bt = a, bp = p;
            }
        if (bt < 0) break;
        pairs[n][0] = bt, pairs[n][1] = bp, n++;
    }
    return n;
}

static void print_text(const char *model, const tally *t, uint64_t seed, double build_s, double eval_s)
{
    printf("model %s\n", model);
    printf("%d drawings (%d traced from MNIST test digits, %d in %d pen styles), seed %llu\n", t->n,
           t->src_n[SRC_MNIST], t->n - t->src_n[SRC_MNIST], DP_STYLES, (unsigned long long)seed);
    printf("built in %.2f s, classified in %.2f s\n", build_s, eval_s);
    printf("accuracy %.2f%% (%d of %d)%s\n\n", 100 * frac(t->correct, t->n), t->correct, t->n,
           t->empty ? " (some drawings were too small to read)" : "");
    printf("per class   accuracy      n\n");
    for (int c = 0; c < 10; c++)
        if (t->class_n[c]) printf("  %d         %7.2f%%  %5d\n", c, 100 * frac(t->class_ok[c], t->class_n[c]), t->class_n[c]);
        else printf("  %d               -      0\n", c);
    printf("\nby source   accuracy      n\n");
    for (int k = 0; k < SOURCES; k++) {
        int src = nth_source(k);
        if (t->src_n[src])
            printf("  %-10s %7.2f%%  %5d\n", source_name(src), 100 * frac(t->src_ok[src], t->src_n[src]), t->src_n[src]);
    }
    int pairs[TOP_CONFUSIONS][2], n = top_confusions(t, pairs);
    printf("\nmost common confusions (true -> predicted):%s\n", n ? "" : " none");
    for (int k = 0; k < n; k++) {
        int a = pairs[k][0], p = pairs[k][1];
        printf("  %d -> %d  %5d  (", a, p, t->conf[a][p]);
        for (int k2 = 0, first = 1; k2 < SOURCES; k2++) {
            int src = nth_source(k2);
            if (!t->conf_src[a][p][src]) continue;
            printf("%s%s %d", first ? "" : ", ", source_name(src), t->conf_src[a][p][src]);
            first = 0;
        }
        printf(")\n");
    }
}

static void print_json(const char *model, const tally *t, uint64_t seed, double build_s, double eval_s)
{
    printf("{\"model\": ");
    cli_print_json_string(model);
    printf(", \"seed\": %llu, \"n\": %d, \"accuracy\": %.6f, \"per_class\": [", (unsigned long long)seed, t->n,
           frac(t->correct, t->n));
    for (int c = 0; c < 10; c++)   /* null for a digit with no drawings */
        if (t->class_n[c]) printf("%s%.6f", c ? ", " : "", frac(t->class_ok[c], t->class_n[c]));
        else printf("%snull", c ? ", " : "");
    printf("], \"per_class_n\": [");
    for (int c = 0; c < 10; c++) printf("%s%d", c ? ", " : "", t->class_n[c]);
    printf("], \"mnist_part\": ");
    if (t->src_n[SRC_MNIST]) printf("%.6f", frac(t->src_ok[SRC_MNIST], t->src_n[SRC_MNIST]));
    else printf("null");
    printf(", \"mnist_n\": %d, \"styles\": {", t->src_n[SRC_MNIST]);
    for (int s = 0, first = 1; s < DP_STYLES; s++)
        if (t->src_n[s])
            printf("%s\"%s\": %.6f", first ? "" : ", ", dp_style_name(s), frac(t->src_ok[s], t->src_n[s])), first = 0;
    printf("}, \"styles_n\": {");
    for (int s = 0, first = 1; s < DP_STYLES; s++)
        if (t->src_n[s]) printf("%s\"%s\": %d", first ? "" : ", ", dp_style_name(s), t->src_n[s]), first = 0;
    int pairs[TOP_CONFUSIONS][2], n = top_confusions(t, pairs);
    printf("}, \"confusions\": [");
    for (int k = 0; k < n; k++)
        printf("%s[%d, %d, %d]", k ? ", " : "", pairs[k][0], pairs[k][1], t->conf[pairs[k][0]][pairs[k][1]]);
    printf("], \"empty\": %d, \"build_seconds\": %.3f, \"eval_seconds\": %.3f}\n", t->empty, build_s, eval_s);
}

static void drawing_name(const drawing *d, char *buf, size_t size)
{
    if (d->source == SRC_MNIST) snprintf(buf, size, "mnist-%05d-%d.txt", d->index, d->label);
    else snprintf(buf, size, "style-%s-%04d-%d.txt", dp_style_name(d->source), d->index, d->label);
}

/* Appends one line to a table; the buffer is sized for the longest lines. */
static void add_row(char *buf, size_t *len, size_t cap, const drawing *d, int with_prediction)
{
    char name[64], pred[12] = "-";
    drawing_name(d, name, sizeof name);
    if (d->predicted >= 0) snprintf(pred, sizeof pred, "%d", d->predicted);
    int n = with_prediction ? snprintf(buf + *len, cap - *len, "%s\t%d\t%s\n", name, d->label, pred)
                            : snprintf(buf + *len, cap - *len, "%s\t%d\n", name, d->label);
    *len += n > 0 && (size_t)n < cap - *len ? (size_t)n : 0;
}

static int write_table(const char *cmd, const char *dir, const char *file, const char *text, size_t len)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (dp_write_file_atomic(path, text, len) == 0) return 0;
    cli_error(cmd, "%s", dp_error());   /* names the file and the reason */
    return -1;
}

/* The --write folder, made if missing (checked before the work starts). */
static int make_folder(const char *cmd, const char *dir)
{
    if (dp_path_kind_of(dir) != DP_PATH_MISSING && dp_path_kind_of(dir) != DP_PATH_FOLDER) {
        cli_error(cmd, "--write: %s is not a folder", dir);
        return -1;
    }
    if (dp_make_dirs(dir) != 0) {
        cli_error(cmd, "%s", dp_error());
        return -1;
    }
    return 0;
}

/* Every drawing as a stroke file, then DIR/labels.tsv and predictions.tsv. */
static int write_set(const char *cmd, const char *dir, const drawing *d, int n)
{
    size_t cap = (size_t)n * 80 + 1, nl = 0, np = 0;
    char *labels = malloc(cap), *preds = malloc(cap), path[PATH_MAX + 64], name[64];
    int rc = labels && preds ? 0 : -1;
    if (rc) cli_error(cmd, "out of memory");
    for (int i = 0; !rc && i < n; i++) {
        drawing_name(&d[i], name, sizeof name);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        if (dp_strokes_save(&d[i].strokes, path) != 0) {
            cli_error(cmd, "%s", dp_error());
            rc = -1;
        }
        add_row(labels, &nl, cap, &d[i], 0);
        add_row(preds, &np, cap, &d[i], 1);
    }
    if (!rc) rc = write_table(cmd, dir, "labels.tsv", labels, nl) || write_table(cmd, dir, "predictions.tsv", preds, np);
    free(labels), free(preds);
    return rc;
}

/* Builds the drawings on a thread pool; prints the first failure. */
static int build_set(const char *cmd, build_job *job, int threads)
{
    dp_pool *pool = dp_pool_create(threads);
    job->n_chunks = job->n < 64 * dp_pool_threads(pool) ? job->n : 64 * dp_pool_threads(pool);
    job->errors = malloc(sizeof *job->errors * (size_t)job->n_chunks);
    if (!job->errors) {
        dp_pool_free(pool);
        cli_error(cmd, "out of memory");
        return -1;
    }
    dp_pool_run(pool, job->n_chunks, build_chunk, job);
    dp_pool_free(pool);
    int rc = 0;
    for (int c = 0; c < job->n_chunks && !rc; c++)
        if (job->errors[c][0]) {
            cli_error(cmd, "%s", job->errors[c]);
            rc = -1;
        }
    free(job->errors);
    return rc;
}

typedef struct {
    const char *model, *data, *write;
    long count, styles;
    int threads;
    uint64_t seed;
    int json;
} options;

/* Options into o; CLI_RUN, CLI_HELP or CLI_USAGE. */
static int parse_options(int argc, char **argv, options *o)
{
    *o = (options){.count = 5000, .styles = 1000, .seed = 1};
    const cli_option table[] = {
        CLI_OPT_MODEL(&o->model), CLI_OPT_DATA(&o->data), CLI_OPT_LONG("count", &o->count, 0, 10000),
        CLI_OPT_LONG("styles", &o->styles, 0, 100000), CLI_OPT_SEED(&o->seed), CLI_OPT_STRING("write", &o->write),
        CLI_OPT_JSON(&o->json), CLI_OPT_THREADS(&o->threads),
    };
    const cli_command command = CLI_COMMAND("realism", realism_usage, table);
    int rc = cli_parse_options_only(&command, argc, argv);
    if (rc == CLI_RUN && o->count == 0 && o->styles == 0) {
        cli_error("realism", "nothing to draw: --count and --styles are both 0");
        rc = CLI_USAGE;
    }
    return rc;
}

int cli_realism(int argc, char **argv)
{
    const char *cmd = "realism";
    options o;
    int rc = parse_options(argc, argv, &o);
    if (rc != CLI_RUN) return cli_exit_status(rc);
    char model_path[PATH_MAX], dir[PATH_MAX];
    dp_net *net = cli_load_model(cmd, o.model, model_path, sizeof model_path);
    if (!net) return 1;
    dp_dataset test = {0};
    int n = (int)(o.count + o.styles);
    drawing *d = NULL;
    float *inputs = NULL;
    rc = 1;
    /* only the test split, and only when MNIST drawings are asked for */
    if (o.count && (cli_find_mnist(cmd, o.data, dir, sizeof dir) != 0 || cli_load_split(cmd, dir, "t10k", &test) != 0))
        goto done;
    if (o.count && o.count > test.n) {
        cli_error(cmd, "--count %ld is more than the %d MNIST test digits", o.count, test.n);
        goto done;
    }
    if (o.write && make_folder(cmd, o.write) != 0) goto done;
    d = dp_calloc((size_t)n, sizeof *d);
    inputs = dp_alloc_floats((size_t)n * DP_PIXELS);
    if (!d || !inputs) {
        cli_error(cmd, "%s", dp_error());
        goto done;
    }
    if (plan(d, &test, (int)o.count, (int)o.styles, o.seed) != 0) {
        cli_error(cmd, "%s", dp_error());
        goto done;
    }
    double t0 = dp_now();
    build_job job = {&test, o.seed, d, inputs, n, 0, NULL};
    if (build_set(cmd, &job, o.threads) != 0) goto done;
    double t1 = dp_now();
    if (predict_all(net, o.threads, d, n, inputs) != 0) {
        cli_error(cmd, "%s", dp_error());
        goto done;
    }
    double t2 = dp_now();
    if (o.write && write_set(cmd, o.write, d, n) != 0) goto done;
    tally t;
    count_all(&t, d, n);
    if (o.json) print_json(model_path, &t, o.seed, t1 - t0, t2 - t1);
    else print_text(model_path, &t, o.seed, t1 - t0, t2 - t1);
    if (o.write && !o.json) printf("\nwrote %d stroke files, labels.tsv and predictions.tsv to %s\n", n, o.write);
    rc = 0;
done:
    for (int i = 0; d && i < n; i++) dp_strokes_free(&d[i].strokes);
    free(d), free(inputs);
    dp_dataset_free(&test);
    dp_net_free(net);
    return rc;
}

/* digitpad predict: classifies stroke files and PGM images, many at once. */
#include "cli.h"
#include "common.h"
#include "platform.h"
#include "preprocess.h"
#include "pgm.h"
#include "strokes.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

static const char predict_usage[] =
    "usage: digitpad predict [--model FILE] [--brush auto|W] [--threads T] [--isa NAME] FILE...\n"
    "Classifies drawings. Each FILE is a stroke file or a PGM image; one line per file:\n"
    "  FILE<TAB>DIGIT<TAB>p0 p1 ... p9\n"
    "DIGIT is '-' for an empty drawing (its probabilities are then all 0).\n"
    "\n"
    "Stroke files: '#' lines are comments; every other line is one stroke of points 'x,y'\n"
    "in canvas pixels (280x280, origin top-left, y down), e.g. '140,40 150,60 152,200'.\n"
    "PGM images (P5 or P2): 28x28 is taken as a prepared network input like an MNIST digit;\n"
    "any other size is a drawing (light ink on dark, or dark on light) and is prepared the\n"
    "MNIST way first.\n"
    "\n"
    "  --model FILE   model to use (default: the shipped model)\n"
    "  --brush auto   stroke files are drawn for the network with a brush scaled to the\n"
    "                 drawing's size, so strokes come out as thick as MNIST's (default)\n"
    "  --brush W      a fixed brush diameter instead, in canvas pixels (1-200)\n"
    "  --threads T    worker threads (default: one per CPU)\n"
    CLI_ISA_HELP
    "  -h, --help     show this help\n";

enum { CHUNK = 512 };

typedef struct {
    const char *path;
    int status;           /* 1 digit, 0 empty, -1 unreadable */
} item;

static int is_pgm(const char *path)
{
    /* Only peek into regular files: opening a named pipe would wait for a
     * writer. Anything else goes to the stroke loader, which refuses it. */
    if (dp_path_kind_of(path) != DP_PATH_FILE) return 0;
    FILE *f = dp_fopen(path, "rb");
    if (!f) return 0;
    char magic[2] = {0};
    size_t n = fread(magic, 1, 2, f);
    fclose(f);
    return n == 2 && magic[0] == 'P' && (magic[1] == '5' || magic[1] == '2');
}

/* Loads one file and prepares its 28×28 input; prints errors. */
static int prepare(const char *path, float *input, float *canvas, dp_strokes *strokes, float brush)
{
    if (is_pgm(path)) {
        float *px;
        int w, h;
        if (dp_pgm_read(path, &px, &w, &h) != 0) {
            cli_error("predict", "%s", dp_error());
            return -1;
        }
        int rc = dp_image_to_input(input, px, w, h);
        free(px);
        return rc;
    }
    if (dp_strokes_load(strokes, path) != 0) {
        cli_error("predict", "%s", dp_error());
        return -1;
    }
    return dp_strokes_to_input(input, canvas, strokes, brush, NULL);
}

static void print_line(const char *path, int status, const float *p)
{
    if (status == 1) printf("%s\t%d\t", path, dp_argmax(p, DP_CLASSES));
    else printf("%s\t-\t", path);
    for (int c = 0; c < DP_CLASSES; c++) printf(c ? " %.6f" : "%.6f", status == 1 ? (double)p[c] : 0.0);
    putchar('\n');
}

/* Prepares, classifies and prints up to CHUNK files; returns the number of
 * files that could not be read. */
static int run_chunk(dp_exec *ex, const dp_net *net, item *items, int n, float *inputs, float *batch,
                     float *probs, float *canvas, dp_strokes *strokes, float brush)
{
    int failed = 0, m = 0;
    for (int i = 0; i < n; i++) {
        float *input = inputs + (long)i * DP_PIXELS;
        items[i].status = prepare(items[i].path, input, canvas, strokes, brush);
        failed += items[i].status < 0;
        if (items[i].status == 1) memcpy(batch + (long)m++ * DP_PIXELS, input, sizeof(float) * DP_PIXELS);
    }
    if (m) dp_net_predict(ex, net, batch, m, probs);
    for (int i = 0, j = 0; i < n; i++) {
        if (items[i].status < 0) continue;
        print_line(items[i].path, items[i].status, probs + (long)j * DP_CLASSES);
        j += items[i].status == 1;
    }
    fflush(stdout);
    return failed;
}

/* --brush: "auto" (DP_BRUSH_AUTO) or a width from 1 to 200, into a float. */
static int parse_brush(const char *cmd, const char *s, void *to)
{
    float *brush = to;
    if (strcmp(s, "auto") == 0) {
        *brush = DP_BRUSH_AUTO;
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v) || v < 1 || v > 200) {
        cli_error(cmd, "--brush needs 'auto' or a width from 1 to 200 canvas pixels, not '%s'", s);
        return -1;
    }
    *brush = (float)v;
    return 0;
}

int cli_predict(int argc, char **argv)
{
    const char *cmd = "predict", *model_flag = NULL;
    float brush = DP_BRUSH_AUTO;
    int threads = 0, first_file;
    int isa = 0;   /* --isa: the kernels are chosen as it is read */
    const cli_option table[] = {
        CLI_OPT_MODEL(&model_flag), CLI_OPT_CUSTOM("brush", &brush, parse_brush), CLI_OPT_THREADS(&threads), CLI_OPT_ISA(&isa),
    };
    const cli_command command = CLI_COMMAND(cmd, predict_usage, table);
    int parsed = cli_parse(&command, argc, argv, &first_file);
    if (parsed != CLI_RUN) return cli_exit_status(parsed);
    if (first_file >= argc) {
        cli_error(cmd, "no files given (see 'digitpad predict --help')");
        return 2;
    }
    dp_net *net = cli_load_model(cmd, model_flag, NULL, 0);
    if (!net) return 1;
    dp_exec *ex = dp_exec_create(net, 256, threads, 0);
    item *items = dp_alloc(CHUNK, sizeof(item));
    float *inputs = dp_alloc_floats((size_t)CHUNK * DP_PIXELS), *batch = dp_alloc_floats((size_t)CHUNK * DP_PIXELS);
    float *probs = dp_alloc_floats((size_t)CHUNK * DP_CLASSES), *canvas = dp_alloc_floats(DP_CANVAS * DP_CANVAS);
    int failed = 0, rc = 1;
    dp_strokes strokes;
    dp_strokes_init(&strokes);
    if (!ex || !items || !inputs || !batch || !probs || !canvas) {
        cli_error(cmd, "%s", dp_error());
        goto done;
    }
    for (int first = first_file; first < argc; first += CHUNK) {
        int n = argc - first < CHUNK ? argc - first : CHUNK;
        for (int i = 0; i < n; i++) items[i].path = argv[first + i];
        failed += run_chunk(ex, net, items, n, inputs, batch, probs, canvas, &strokes, brush);
    }
    if (failed) cli_error(cmd, "%d of %d files could not be read", failed, argc - first_file);
    rc = failed ? 1 : 0;
done:
    dp_strokes_free(&strokes);
    free(items), free(inputs), free(batch), free(probs), free(canvas);
    dp_exec_free(ex);
    dp_net_free(net);
    return rc;
}

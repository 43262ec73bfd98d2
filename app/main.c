/* digitpad: draw a digit, watch a neural network read it, train it yourself.
 * Without a subcommand it opens the window; the subcommands are the headless
 * side of the same code. */
#include "window.h"
#include "cli.h"
#include "common.h"
#include "kernels.h"
#include "platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: digitpad [window options]      open the window\n"
    "       digitpad COMMAND [options]     run a command without a window\n"
    "Draw a digit, watch a neural network read it, train it yourself.\n"
    "\n"
    "window options:\n"
    "  --model FILE        model to start with (default: the shipped model)\n"
    "  --strokes FILE      open a stroke file on the canvas\n"
    "  --screenshot PNG    render until the prediction is shown, save a screenshot, exit\n"
    "  --train-steps N     with --screenshot: press Train and shoot after N steps\n"
    "  --finetune          with --screenshot: press Fine-tune and shoot its before/after figures\n"
    "  --my-digits         open My digits (your kept digits)\n"
    "  --view NAME         under the canvas: training (default), preparation, inside, nearest or\n"
    "                      teach (the teaching strip, where it is a tab)\n"
    "  --evaluate          with --screenshot: press Evaluate and shoot the result\n"
    "  --cell T,P[,K]      with --screenshot: evaluate, open the test digits T read as P (and put\n"
    "                      the K-th, from 0, on the canvas)\n"
    "  --size WxH          window size (default 1100x700, smaller on a smaller screen)\n"
    "  --verbose           log predictions, training points and the canvas position\n"
    "\n"
    "commands:\n"
    "  train     train a network on MNIST and save it\n"
    "  eval      score a model on the MNIST test set\n"
    "  predict   classify stroke files or PGM images\n"
    "  bench     measure training, inference and drawing latency\n"
    "  calibrate fit honest probabilities and the \"unsure\" threshold\n"
    "  realism   score a model on drawings made like the canvas makes them\n"
    "  keep      keep drawings as your own digits, labelled, as the window does\n"
    "  export-user  write your kept digits as MNIST-format files and stroke files\n"
    "  finetune  teach a model your handwriting from your kept digits\n"
    "\n"
    "  digitpad COMMAND --help   options of one command\n"
    "  digitpad --version        print the version\n";

/* --size WxH, into the window_options. */
static int parse_size(const char *cmd, const char *s, void *to)
{
    window_options *o = to;
    long ww, hh;
    char tail;
    if (sscanf(s, "%ldx%ld%c", &ww, &hh, &tail) != 2 || ww < 320 || hh < 360 || ww > 16384 || hh > 16384) {
        cli_error(cmd, "--size needs WIDTHxHEIGHT between 320x360 and 16384x16384, not '%s'", s);
        return -1;
    }
    o->width = (int)ww, o->height = (int)hh, o->size_given = 1;
    return 0;
}

/* --cell T,P[,K]: a confusion cell to open, which needs an evaluation. */
static int parse_cell(const char *cmd, const char *s, void *to)
{
    window_options *o = to;
    int t, p, k = -1, n = 0;
    char tail;
    int got = sscanf(s, "%d,%d%n", &t, &p, &n);
    if (got == 2 && s[n] == ',') got = sscanf(s, "%d,%d,%d%c", &t, &p, &k, &tail) == 3 ? 2 : 0;
    else if (got == 2 && s[n]) got = 0;
    if (got != 2 || t < 0 || t > 9 || p < 0 || p > 9 || (k < -1 || k > 9999)) {
        cli_error(cmd, "--cell needs TRUE,PREDICTED[,INDEX] (digits 0-9, index from 0), not '%s'", s);
        return -1;
    }
    o->cell_t = t, o->cell_p = p, o->cell_k = k;
    o->evaluate = 1;
    return 0;
}

/* --view: the names of view_id, in its order. */
static const char *const view_names[] = {"training", "preparation", "inside", "nearest", "teach", NULL};
_Static_assert(sizeof view_names / sizeof view_names[0] == VIEW_COUNT + 1, "a name for every view");

/* The window's options into o; CLI_RUN, or CLI_USAGE (the window has no
 * --help of its own: 'digitpad --help' is handled before). */
static int parse_window_args(int argc, char **argv, window_options *o)
{
    int view = VIEW_TRAINING, first_arg;
    const cli_option table[] = {
        CLI_OPT_MODEL(&o->model_path), CLI_OPT_STRING("strokes", &o->strokes_path),
        CLI_OPT_STRING("screenshot", &o->screenshot_path), CLI_OPT_LONG("train-steps", &o->train_steps, 1, 100000000),
        CLI_OPT_CUSTOM("size", o, parse_size), CLI_OPT_FLAG("verbose", &o->verbose),
        CLI_OPT_FLAG("finetune", &o->finetune), CLI_OPT_FLAG("my-digits", &o->my_digits),
        CLI_OPT_CHOICE("view", &view, view_names, NULL), CLI_OPT_FLAG("evaluate", &o->evaluate),
        CLI_OPT_CUSTOM("cell", o, parse_cell),
    };
    const cli_command command = CLI_COMMAND(NULL, NULL, table);
    int rc = cli_parse(&command, argc, argv, &first_arg);
    o->view = (view_id)view;
    if (rc != CLI_RUN) return rc;
    if (first_arg < argc) {
        cli_error(NULL, "unknown command '%s' (see 'digitpad --help')", argv[first_arg]);
        return CLI_USAGE;
    }
    if ((o->train_steps || o->finetune || o->evaluate) && !o->screenshot_path) {
        cli_error(NULL, "%s goes with --screenshot",
                  o->finetune ? "--finetune" : o->cell_t >= 0 ? "--cell" : o->evaluate ? "--evaluate" : "--train-steps");
        return CLI_USAGE;
    }
    if ((o->train_steps > 0) + o->finetune + o->evaluate > 1) {
        cli_error(NULL, "--train-steps, --finetune and --evaluate: one job at a time");
        return CLI_USAGE;
    }
    return CLI_RUN;
}

static int run_window(int argc, char **argv)
{
    window_options o = {.width = 1100, .height = 700, .start_time = dp_now(), .cell_t = -1, .cell_p = -1, .cell_k = -1};
    int parsed = parse_window_args(argc, argv, &o);
    if (parsed != CLI_RUN) return cli_exit_status(parsed);
    return window_run(&o);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            fputs(usage, stdout);
            return 0;
        }
        if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
            printf("digitpad %s\n", DP_VERSION);
            return 0;
        }
        return run_window(argc, argv);
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "train") == 0) return cli_train(argc - 1, argv + 1);
    if (strcmp(cmd, "eval") == 0) return cli_eval(argc - 1, argv + 1);
    if (strcmp(cmd, "predict") == 0) return cli_predict(argc - 1, argv + 1);
    if (strcmp(cmd, "bench") == 0) return cli_bench(argc - 1, argv + 1);
    if (strcmp(cmd, "calibrate") == 0) return cli_calibrate(argc - 1, argv + 1);
    if (strcmp(cmd, "realism") == 0) return cli_realism(argc - 1, argv + 1);
    if (strcmp(cmd, "keep") == 0) return cli_keep(argc - 1, argv + 1);
    if (strcmp(cmd, "export-user") == 0) return cli_export_user(argc - 1, argv + 1);
    if (strcmp(cmd, "finetune") == 0) return cli_finetune(argc - 1, argv + 1);
    cli_error(NULL, "unknown command '%s' (see 'digitpad --help')", cmd);
    return 2;
}

/* The command line's option table (app/cli/options.c): every kind of row,
 * ranges, bad numbers, missing values, unknown options, choices, flags,
 * help, positional arguments; and a few real commands' tables through
 * their entry points, stopping at usage errors and --help. Messages are
 * compared whole: the tests of the program (test_cli.py) look for them. */
#include "check.h"
#include "cli.h"
#include "options.h"

#include <stdarg.h>
#include <unistd.h>

/* What one parse printed and returned. */
typedef struct {
    int rc, first;
    char out[4096], err[4096];
} result;

/* What was written to f, as a string; closes f. */
static void read_back(FILE *f, char *buf, size_t size)
{
    rewind(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = 0;
    fclose(f);
}

/* argv from the NULL-terminated arguments, after "digitpad CMD" (argv[0]);
 * copied, as getopt_long may reorder it. */
static int make_argv(char **argv, int max, va_list ap)
{
    static char storage[32][256];
    int argc = 0;
    argv[argc++] = "cmd";
    for (const char *a; (a = va_arg(ap, const char *)) && argc < max - 1; argc++) {
        snprintf(storage[argc], sizeof storage[argc], "%s", a);
        argv[argc] = storage[argc];
    }
    argv[argc] = NULL;
    return argc;
}

/* Runs the parse (with options_only: cli_parse_options_only) or, with cmd_fn,
 * a command's entry point, capturing stdout and stderr. */
static result run_v(const cli_command *c, int options_only, int (*cmd_fn)(int, char **), char **argv_out,
                    va_list ap)
{
    static char *argv[32];
    int argc = make_argv(argv, 32, ap);
    result r = {.first = -1};
    FILE *out = tmpfile(), *err = tmpfile();
    fflush(stdout), fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    dup2(fileno(out), 1), dup2(fileno(err), 2);
    if (cmd_fn) r.rc = cmd_fn(argc, argv);
    else if (options_only) r.rc = cli_parse_options_only(c, argc, argv);
    else r.rc = cli_parse(c, argc, argv, &r.first);
    fflush(stdout), fflush(stderr);
    dup2(saved_out, 1), dup2(saved_err, 2);
    close(saved_out), close(saved_err);
    read_back(out, r.out, sizeof r.out);
    read_back(err, r.err, sizeof r.err);
    if (argv_out)
        for (int i = 0; i <= argc; i++) argv_out[i] = argv[i];
    return r;
}

static result parse(const cli_command *c, ...)
{
    va_list ap;
    va_start(ap, c);
    result r = run_v(c, 0, NULL, NULL, ap);
    va_end(ap);
    return r;
}

static result parse_keep_argv(const cli_command *c, char **argv_out, ...)
{
    va_list ap;
    va_start(ap, argv_out);
    result r = run_v(c, 0, NULL, argv_out, ap);
    va_end(ap);
    return r;
}

static result parse_options_only(const cli_command *c, ...)
{
    va_list ap;
    va_start(ap, c);
    result r = run_v(c, 1, NULL, NULL, ap);
    va_end(ap);
    return r;
}

static result command(int (*fn)(int, char **), ...)
{
    va_list ap;
    va_start(ap, fn);
    result r = run_v(NULL, 0, fn, NULL, ap);
    va_end(ap);
    return r;
}

/* A usage error with exactly this message (after "digitpad test: "). */
#define CHECK_USAGE(r, msg)                                                                          \
    do {                                                                                             \
        result r_ = (r);                                                                             \
        CHECK(r_.rc == CLI_USAGE, "rc %d, expected CLI_USAGE for \"%s\"", r_.rc, msg);              \
        CHECK(strcmp(r_.err, "digitpad test: " msg "\n") == 0, "stderr '%s', expected '%s'", r_.err, \
              "digitpad test: " msg);                                                                \
        CHECK(!r_.out[0], "nothing on stdout after a usage error: '%s'", r_.out);                    \
    } while (0)

#define CHECK_RUN(r)                                                                                  \
    do {                                                                                              \
        result r_ = (r);                                                                              \
        CHECK(r_.rc == CLI_RUN && !r_.err[0] && !r_.out[0], "rc %d, stderr '%s'", r_.rc, r_.err);     \
    } while (0)

/* ---- one table with a row of every kind ----------------------------------------- */

typedef struct {
    const char *model, *out;
    int threads, json, quiet, optimizer, view, epochs;
    long limit;
    float lr;
    double share;
    uint64_t seed;
    int custom_calls;
    char custom_seen[64];
} opts;

static const char *const optimizer_names[] = {"adam", "sgd", NULL};
static const int optimizer_values[] = {11, 22};
static const char *const view_names[] = {"training", "preparation", "inside", NULL};

/* Accepts "ok..." only. */
static int parse_custom(const char *cmd, const char *value, void *to)
{
    opts *o = to;
    o->custom_calls++;
    snprintf(o->custom_seen, sizeof o->custom_seen, "%s", value);
    if (strncmp(value, "ok", 2) == 0) return 0;
    cli_error(cmd, "--custom wants ok, not '%s'", value);
    return -1;
}

static opts o;

static const char usage[] = "usage: digitpad test [options]\n  --threads T   threads\n";

/* Destinations of static storage: the table can be a constant. */
static const cli_option table[] = {
    CLI_OPT_MODEL(&o.model), CLI_OPT_OUT(&o.out), CLI_OPT_THREADS(&o.threads), CLI_OPT_JSON(&o.json),
    CLI_OPT_QUIET(&o.quiet), CLI_OPT_INT("epochs", &o.epochs, 1, 10000),
    CLI_OPT_LONG("limit", &o.limit, 1, DP_MNIST_MAX_ITEMS), CLI_OPT_FLOAT("lr", &o.lr, 1e-7, 9.99),
    CLI_OPT_DOUBLE("share", &o.share, 0.01, 0.9), CLI_OPT_SEED(&o.seed),
    CLI_OPT_CHOICE("optimizer", &o.optimizer, optimizer_names, optimizer_values),
    CLI_OPT_CHOICE("view", &o.view, view_names, NULL), CLI_OPT_CUSTOM("custom", &o, parse_custom),
    CLI_OPT_FLAG("slim", &o.json),
};

static void reset(void)
{
    o = (opts){.threads = -7, .epochs = 3, .limit = -1, .lr = 0.5f, .share = 0.25, .seed = 42, .view = -1};
}

static void test_defaults_and_values(const cli_command *c)
{
    reset();
    result r = parse(c, NULL);
    CHECK_RUN(r);
    CHECK(r.first == 1, "no arguments: first %d", r.first);
    CHECK(o.threads == -7 && o.epochs == 3 && o.limit == -1 && o.lr == 0.5f && o.share == 0.25 && o.seed == 42 &&
          !o.model && !o.json && o.view == -1 && !o.custom_calls, "options not given keep their defaults");

    reset();
    CHECK_RUN(parse(c, "--model", "m.model", "--out=o.model", "--threads", "256", "--json", "--quiet", "--epochs",
                    "1", "--limit", "10000000", "--lr", "1e-7", "--share", "0.9", "--seed", "18446744073709551615",
                    "--optimizer", "sgd", "--view", "inside", "--custom", "ok!", NULL));
    CHECK(o.model && strcmp(o.model, "m.model") == 0 && o.out && strcmp(o.out, "o.model") == 0, "strings");
    CHECK(o.threads == 256 && o.epochs == 1 && o.limit == 10000000L, "ints at the ends of their ranges: %d %d %ld",
          o.threads, o.epochs, o.limit);
    CHECK(o.lr == 1e-7f && o.share == 0.9, "floats at the ends of their ranges: %g %g", (double)o.lr, o.share);
    CHECK(o.seed == UINT64_MAX, "the largest seed: %llu", (unsigned long long)o.seed);
    CHECK(o.json == 1 && o.quiet == 1, "flags");
    CHECK(o.optimizer == 22, "a choice stores its value: %d", o.optimizer);
    CHECK(o.view == 2, "a choice without values stores its index: %d", o.view);
    CHECK(o.custom_calls == 1 && strcmp(o.custom_seen, "ok!") == 0, "the custom parser got its value");

    reset();
    CHECK_RUN(parse(c, "--threads", "2", "--threads=3", "--seed", "0", NULL));
    CHECK(o.threads == 3 && o.seed == 0, "the last one wins: %d", o.threads);
    reset();
    CHECK_RUN(parse(c, "--thr", "5", "--opt", "adam", NULL));
    CHECK(o.threads == 5 && o.optimizer == 11, "unambiguous prefixes: %d %d", o.threads, o.optimizer);
}

static void test_numbers(const cli_command *c)
{
    reset();
    CHECK_USAGE(parse(c, "--threads", "0", NULL), "--threads needs a whole number from 1 to 256, not '0'");
    CHECK_USAGE(parse(c, "--threads", "257", NULL), "--threads needs a whole number from 1 to 256, not '257'");
    CHECK_USAGE(parse(c, "--threads", "x", NULL), "--threads needs a whole number from 1 to 256, not 'x'");
    CHECK_USAGE(parse(c, "--threads", "", NULL), "--threads needs a whole number from 1 to 256, not ''");
    CHECK_USAGE(parse(c, "--threads", "4x", NULL), "--threads needs a whole number from 1 to 256, not '4x'");
    CHECK_USAGE(parse(c, "--threads", "2.5", NULL), "--threads needs a whole number from 1 to 256, not '2.5'");
    CHECK_USAGE(parse(c, "--threads=99999999999999999999", NULL),
                "--threads needs a whole number from 1 to 256, not '99999999999999999999'");
    CHECK_USAGE(parse(c, "--epochs", "-5", NULL), "--epochs needs a whole number from 1 to 10000, not '-5'");
    CHECK_USAGE(parse(c, "--limit", "10000001", NULL),
                "--limit needs a whole number from 1 to 10000000, not '10000001'");
    CHECK(o.threads == -7 && o.epochs == 3 && o.limit == -1, "bad numbers are not stored");

    CHECK_USAGE(parse(c, "--lr", "nan", NULL), "--lr needs a number from 1e-07 to 9.99, not 'nan'");
    CHECK_USAGE(parse(c, "--lr", "inf", NULL), "--lr needs a number from 1e-07 to 9.99, not 'inf'");
    CHECK_USAGE(parse(c, "--lr", "1e400", NULL), "--lr needs a number from 1e-07 to 9.99, not '1e400'");
    CHECK_USAGE(parse(c, "--lr", "10", NULL), "--lr needs a number from 1e-07 to 9.99, not '10'");
    CHECK_USAGE(parse(c, "--lr", "0.001x", NULL), "--lr needs a number from 1e-07 to 9.99, not '0.001x'");
    CHECK_USAGE(parse(c, "--share", "0", NULL), "--share needs a number from 0.01 to 0.9, not '0'");
    CHECK_USAGE(parse(c, "--share", "0.91", NULL), "--share needs a number from 0.01 to 0.9, not '0.91'");
    CHECK(o.lr == 0.5f && o.share == 0.25, "bad numbers are not stored");

    CHECK_USAGE(parse(c, "--seed", "-1", NULL), "--seed needs a non-negative whole number, not '-1'");
    CHECK_USAGE(parse(c, "--seed", "18446744073709551616", NULL),
                "--seed needs a non-negative whole number, not '18446744073709551616'");
    CHECK_USAGE(parse(c, "--seed", "1.0", NULL), "--seed needs a non-negative whole number, not '1.0'");
    CHECK_USAGE(parse(c, "--seed", " -1", NULL), "--seed needs a non-negative whole number, not ' -1'");
    CHECK_USAGE(parse(c, "--seed", " 7", NULL), "--seed needs a non-negative whole number, not ' 7'");
    CHECK_USAGE(parse(c, "--seed", "+7", NULL), "--seed needs a non-negative whole number, not '+7'");
    CHECK(o.seed == 42, "bad seeds are not stored");

    /* the first bad option ends the parse: what follows is not read */
    reset();
    CHECK_USAGE(parse(c, "--threads", "4", "--epochs", "0", "--limit", "5", NULL),
                "--epochs needs a whole number from 1 to 10000, not '0'");
    CHECK(o.threads == 4 && o.limit == -1, "read up to the bad option, not after: %d %ld", o.threads, o.limit);
}

static void test_refused(const cli_command *c, const cli_command *window)
{
    reset();
    CHECK_USAGE(parse(c, "--out", NULL), "--out needs a value");
    CHECK_USAGE(parse(c, "--json", "--threads", NULL), "--threads needs a value");
    CHECK_USAGE(parse(c, "--bogus", NULL), "unknown option '--bogus' (see 'digitpad test --help')");
    CHECK_USAGE(parse(c, "--bogus=3", "--threads", "x", NULL),
                "unknown option '--bogus=3' (see 'digitpad test --help')");
    CHECK_USAGE(parse(c, "--json=1", NULL), "unknown option '--json=1' (see 'digitpad test --help')");
    CHECK_USAGE(parse(c, "--s", "1", NULL), "unknown option '--s' (see 'digitpad test --help')");   /* ambiguous */
    CHECK_USAGE(parse(c, "-x", NULL), "unknown option '-x' (see 'digitpad test --help')");
    /* in a group, the option itself, not the argument before the group */
    CHECK_USAGE(parse(c, "--json", "-xq", NULL), "unknown option '-x' (see 'digitpad test --help')");
    CHECK_USAGE(parse(c, "--help=1", NULL), "unknown option '--help=1' (see 'digitpad test --help')");
    CHECK_USAGE(parse(c, "--optimizer", "rmsprop", NULL), "--optimizer must be adam or sgd, not 'rmsprop'");
    CHECK_USAGE(parse(c, "--optimizer", "ADAM", NULL), "--optimizer must be adam or sgd, not 'ADAM'");
    CHECK_USAGE(parse(c, "--view", "", NULL), "--view must be training, preparation or inside, not ''");
    CHECK(o.optimizer == 0 && o.view == -1, "bad choices are not stored");
    CHECK_USAGE(parse(c, "--custom", "no", NULL), "--custom wants ok, not 'no'");
    CHECK(o.custom_calls == 1, "the custom parser ran once: %d", o.custom_calls);

    /* The window's table: no command name, no help of its own. */
    result r = parse(window, "--help", NULL);
    CHECK(r.rc == CLI_USAGE && strcmp(r.err, "digitpad: unknown option '--help' (see 'digitpad --help')\n") == 0,
          "without a usage --help is unknown: %d '%s'", r.rc, r.err);
    r = parse(window, "-h", NULL);
    CHECK(r.rc == CLI_USAGE && strcmp(r.err, "digitpad: unknown option '-h' (see 'digitpad --help')\n") == 0,
          "without a usage -h is unknown: %d '%s'", r.rc, r.err);
    r = parse(window, "--threads", NULL);
    CHECK(r.rc == CLI_USAGE && strcmp(r.err, "digitpad: --threads needs a value\n") == 0, "no command name: '%s'",
          r.err);
}

static void test_help_and_arguments(const cli_command *c)
{
    reset();
    const char *helps[] = {"--help", "-h", "--he", "--help", NULL};
    for (int i = 0; helps[i]; i++) {
        result r = i < 3 ? parse(c, "--threads", "3", helps[i], "--bogus", NULL) : parse(c, "stray", "--help", NULL);
        CHECK(r.rc == CLI_HELP && strcmp(r.out, usage) == 0 && !r.err[0], "%s: rc %d, out '%s', err '%s'", helps[i],
              r.rc, r.out, r.err);
    }
    CHECK(cli_exit_status(CLI_HELP) == 0 && cli_exit_status(CLI_USAGE) == 2, "exit statuses");
    result r = parse(c, "--bogus", "--help", NULL);
    CHECK(r.rc == CLI_USAGE && !r.out[0], "an error before --help wins");

    /* Positional arguments come after the options, in their order. */
    char *argv[32];
    r = parse_keep_argv(c, argv, "a.txt", "--threads", "3", "b.txt", "--json", NULL);
    CHECK(r.rc == CLI_RUN && r.first == 4 && o.threads == 3 && o.json, "options among arguments: %d %d", r.rc,
          r.first);
    CHECK(r.first == 4 && strcmp(argv[4], "a.txt") == 0 && strcmp(argv[5], "b.txt") == 0 && !argv[6],
          "arguments moved after the options, in their order");
    r = parse_keep_argv(c, argv, "--json", "--", "--threads", "x", NULL);
    CHECK(r.rc == CLI_RUN && r.first == 3 && strcmp(argv[3], "--threads") == 0, "-- ends the options: %d %d", r.rc,
          r.first);

    CHECK_RUN(parse_options_only(c, "--json", NULL));
    CHECK_USAGE(parse_options_only(c, "--json", "stray", "more", NULL),
                "unexpected argument 'stray' (see 'digitpad test --help')");
    r = parse_options_only(c, "-h", "stray", NULL);
    CHECK(r.rc == CLI_HELP, "help before an unexpected argument: %d", r.rc);
}

/* ---- the real commands, up to their usage errors and help ------------------------- */

#define CHECK_CMD_USAGE(r, msg)                                                                          \
    do {                                                                                                 \
        result r_ = (r);                                                                                 \
        CHECK(r_.rc == 2 && strcmp(r_.err, msg "\n") == 0, "exit %d, stderr '%s', expected '%s'", r_.rc, \
              r_.err, msg);                                                                              \
    } while (0)

static void test_commands(void)
{
    struct { const char *name; int (*fn)(int, char **); int has_out; } cmds[] = {
        {"train", cli_train, 1}, {"eval", cli_eval, 0}, {"predict", cli_predict, 0}, {"bench", cli_bench, 0},
        {"calibrate", cli_calibrate, 1}, {"realism", cli_realism, 0}, {"keep", cli_keep, 0},
        {"export-user", cli_export_user, 0}, {"finetune", cli_finetune, 1},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        const char *name = cmds[i].name;
        char start[64], msg[160];
        snprintf(start, sizeof start, "usage: digitpad %s", name);
        result r = command(cmds[i].fn, "--help", NULL);
        CHECK(r.rc == 0 && strncmp(r.out, start, strlen(start)) == 0 && !r.err[0], "%s --help: %d '%.40s'", name,
              r.rc, r.out);
        r = command(cmds[i].fn, "--bogus", NULL);
        snprintf(msg, sizeof msg, "digitpad %s: unknown option '--bogus' (see 'digitpad %s --help')\n", name, name);
        CHECK(r.rc == 2 && strcmp(r.err, msg) == 0, "%s --bogus: %d '%s'", name, r.rc, r.err);
        r = command(cmds[i].fn, "--out", NULL);
        if (cmds[i].has_out) snprintf(msg, sizeof msg, "digitpad %s: --out needs a value\n", name);
        else snprintf(msg, sizeof msg, "digitpad %s: unknown option '--out' (see 'digitpad %s --help')\n", name, name);
        CHECK(r.rc == 2 && strcmp(r.err, msg) == 0, "%s --out: %d '%s'", name, r.rc, r.err);
    }
    CHECK_CMD_USAGE(command(cli_train, "--optimizer", "rmsprop", NULL),
                    "digitpad train: --optimizer must be adam or sgd, not 'rmsprop'");
    CHECK_CMD_USAGE(command(cli_train, "--schedule", "linear", NULL),
                    "digitpad train: --schedule must be cosine, step or constant, not 'linear'");
    CHECK_CMD_USAGE(command(cli_train, "--augment", "--clean", "0.8", "--redraw", "0.5", NULL),
                    "digitpad train: --clean and --redraw add up to more than 1");
    CHECK_CMD_USAGE(command(cli_train, "extra", NULL),
                    "digitpad train: unexpected argument 'extra' (see 'digitpad train --help')");
    CHECK_CMD_USAGE(command(cli_eval, "--threads", "x", NULL),
                    "digitpad eval: --threads needs a whole number from 1 to 256, not 'x'");
    CHECK_CMD_USAGE(command(cli_predict, NULL), "digitpad predict: no files given (see 'digitpad predict --help')");
    CHECK_CMD_USAGE(command(cli_predict, "--brush", "-3", "x", NULL),
                    "digitpad predict: --brush needs 'auto' or a width from 1 to 200 canvas pixels, not '-3'");
    CHECK_CMD_USAGE(command(cli_bench, "--seconds", "0", NULL),
                    "digitpad bench: --seconds needs a number from 0.05 to 600, not '0'");
    CHECK_CMD_USAGE(command(cli_calibrate, NULL),
                    "digitpad calibrate: --out FILE is needed (it may name the model itself)");
    CHECK_CMD_USAGE(command(cli_realism, "--count", "0", "--styles", "0", NULL),
                    "digitpad realism: nothing to draw: --count and --styles are both 0");
    CHECK_CMD_USAGE(command(cli_keep, "--label", "3", "--split", "maybe", "x", NULL),
                    "digitpad keep: --split must be auto, train or test, not 'maybe'");
    CHECK_CMD_USAGE(command(cli_keep, "x.txt", NULL),
                    "digitpad keep: --label D is needed: what the drawings are (0-9)");
    CHECK_CMD_USAGE(command(cli_export_user, "a", "b", NULL), "digitpad export-user: one folder to export to, not 2");
    CHECK_CMD_USAGE(command(cli_finetune, "--digits", "a", "--extra", "b", NULL),
                    "digitpad finetune: --digits and --extra both name your digits: give one");
}

int main(void)
{
    const cli_command c = CLI_COMMAND("test", usage, table);
    const cli_command window = CLI_COMMAND(NULL, NULL, table);
    test_defaults_and_values(&c);
    test_numbers(&c);
    test_refused(&c, &window);
    test_help_and_arguments(&c);
    test_commands();
    return check_report("options");
}

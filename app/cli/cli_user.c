/* The user's own digits on the command line: digitpad keep (as the
 * window's 0-9 keys do), export-user (an MNIST-shaped folder) and finetune
 * (as the window's Fine-tune button does). */
#include "cli.h"
#include "common.h"
#include "platform.h"
#include "finetune.h"
#include "model_io.h"
#include "userset.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- shared -------------------------------------------------------------------- */

static void open_digits_dir(const char *flag_dir, char *dir, size_t size)
{
    if (flag_dir) app_copy_text(dir, size, flag_dir);
    else app_user_digits_dir(dir, size);
}

/* Opens the kept digits, saying on stderr which files could not be read. */
static int open_userset(const char *cmd, const char *dir, dp_userset *u)
{
    if (dp_userset_open(u, dir) != 0) {
        cli_error(cmd, "%s", dp_error());
        return -1;
    }
    if (u->n_bad)
        cli_error(cmd, "%d kept digit file%s in %s could not be read and %s left out (the first: %s)", u->n_bad,
                  u->n_bad == 1 ? "" : "s", dir, u->n_bad == 1 ? "is" : "are", u->bad);
    return 0;
}

static int split_present(const char *dir, const char *which)
{
    char path[PATH_MAX + 64];
    for (int gz = 0; gz < 2; gz++) {
        snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte%s", dir, which, gz ? ".gz" : "");
        if (dp_path_kind_of(path) != DP_PATH_MISSING) return 1;
    }
    return 0;
}

int cli_load_user_digits(const char *cmd, const char *digits_dir, const char *extra_dir, dp_dataset *train,
                         dp_dataset *test, char *where, size_t where_size)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    if (extra_dir) {
        app_copy_text(where, where_size, extra_dir);
        if (!split_present(extra_dir, "train")) {
            cli_error(cmd, "%s has no train-labels-idx1-ubyte: not a folder written by 'digitpad export-user' "
                           "(or any MNIST-format folder)", extra_dir);
            return -1;
        }
        if (cli_load_split(cmd, extra_dir, "train", train) != 0) return -1;
        if (split_present(extra_dir, "t10k") && cli_load_split(cmd, extra_dir, "t10k", test) != 0) {
            dp_dataset_free(train);
            return -1;
        }
        return 0;
    }
    char dir[PATH_MAX];
    open_digits_dir(digits_dir, dir, sizeof dir);
    app_copy_text(where, where_size, dir);
    dp_userset u;
    if (open_userset(cmd, dir, &u) != 0) return -1;
    int rc = dp_userset_dataset(&u, DP_SPLIT_TRAIN, train) == 0 && dp_userset_dataset(&u, DP_SPLIT_TEST, test) == 0 ? 0 : -1;
    if (rc) cli_error(cmd, "%s", dp_error());
    dp_userset_free(&u);
    if (rc == 0 && train->n == 0) {
        cli_error(cmd, "no kept digits to learn from in %s%s (keep some in the window with the keys 0-9, or "
                       "with 'digitpad keep')", dir, test->n ? " (only personal test digits, which are never trained on)" : "");
        rc = -1;
    }
    if (rc) dp_dataset_free(train), dp_dataset_free(test);
    return rc;
}

/* ---- keep ---------------------------------------------------------------------- */

static const char keep_usage[] =
    "usage: digitpad keep --label D [--digits DIR] [--split auto|train|test] FILE...\n"
    "Keeps drawings (stroke files) as your own digits, labelled D, as the window's 0-9 keys do.\n"
    "\n"
    "  --label D       what the drawings are (0-9)\n"
    "  --digits DIR    kept digits folder (default: ~/.local/share/digitpad/digits)\n"
    "  --split NAME    auto (default: one in five of each digit is kept for testing), train or test\n"
    "  -h, --help      show this help\n";

static const char *const split_names[] = {"auto", "train", "test", NULL};
static const int split_values[] = {DP_SPLIT_AUTO, DP_SPLIT_TRAIN, DP_SPLIT_TEST};

int cli_keep(int argc, char **argv)
{
    const char *cmd = "keep", *digits = NULL;
    long label = -1;
    int split = DP_SPLIT_AUTO, first_file;
    const cli_option table[] = {
        CLI_OPT_LONG("label", &label, 0, 9), CLI_OPT_DIGITS(&digits),
        CLI_OPT_CHOICE("split", &split, split_names, split_values),
    };
    const cli_command command = CLI_COMMAND(cmd, keep_usage, table);
    int parsed = cli_parse(&command, argc, argv, &first_file);
    if (parsed != CLI_RUN) return cli_exit_status(parsed);
    if (label < 0) {
        cli_error(cmd, "--label D is needed: what the drawings are (0-9)");
        return 2;
    }
    if (first_file >= argc) {
        cli_error(cmd, "no files to keep (see 'digitpad keep --help')");
        return 2;
    }
    char dir[PATH_MAX];
    open_digits_dir(digits, dir, sizeof dir);
    dp_userset u;
    if (open_userset(cmd, dir, &u) != 0) return 1;
    int failed = 0;
    dp_strokes s;
    dp_strokes_init(&s);
    for (int i = first_file; i < argc; i++) {
        if (dp_strokes_load(&s, argv[i]) != 0) {   /* the error names the file */
            cli_error(cmd, "%s", dp_error());
            failed++;
            continue;
        }
        int at = dp_userset_add(&u, &s, (int)label, split);
        if (at < 0) {
            cli_error(cmd, "%s: %s", argv[i], dp_error());
            failed++;
            continue;
        }
        printf("kept %s, labelled %ld (%s), as %s/digit-%06u.txt\n", argv[i], label,
               u.items[at].split == DP_SPLIT_TEST ? "personal test digit" : "to learn from", dir, u.items[at].id);
    }
    dp_strokes_free(&s);
    dp_userset_free(&u);
    return failed ? 1 : 0;
}

/* ---- export-user ------------------------------------------------------------------ */

static const char export_usage[] =
    "usage: digitpad export-user [--digits DIR] OUT\n"
    "Writes your kept digits to the folder OUT in MNIST's format: train-images-idx3-ubyte and\n"
    "train-labels-idx1-ubyte (the digits to learn from), t10k-images-idx3-ubyte and\n"
    "t10k-labels-idx1-ubyte (your personal test digits), every drawing as a stroke file in\n"
    "OUT/strokes/, and OUT/labels.tsv. 'digitpad finetune --extra OUT' and\n"
    "'digitpad train --extra OUT' learn from it.\n"
    "\n"
    "  --digits DIR    kept digits folder (default: ~/.local/share/digitpad/digits)\n"
    "  -h, --help      show this help\n";

int cli_export_user(int argc, char **argv)
{
    const char *cmd = "export-user", *digits = NULL;
    int first_arg;
    const cli_option table[] = {CLI_OPT_DIGITS(&digits)};
    const cli_command command = CLI_COMMAND(cmd, export_usage, table);
    int parsed = cli_parse(&command, argc, argv, &first_arg);
    if (parsed != CLI_RUN) return cli_exit_status(parsed);
    if (first_arg != argc - 1) {
        cli_error(cmd, first_arg >= argc ? "the folder to export to is missing (see 'digitpad export-user --help')"
                                         : "one folder to export to, not %d", argc - first_arg);
        return 2;
    }
    const char *out = argv[first_arg];
    char dir[PATH_MAX];
    open_digits_dir(digits, dir, sizeof dir);
    dp_userset u;
    if (open_userset(cmd, dir, &u) != 0) return 1;
    int rc = 0;
    if (u.n == 0) {
        cli_error(cmd, "no kept digits in %s (keep some in the window with the keys 0-9, or with 'digitpad keep')", dir);
        rc = 1;
    } else if (dp_userset_export(&u, out) != 0) {
        cli_error(cmd, "%s", dp_error());
        rc = 1;
    } else {
        int tests = dp_userset_count(&u, -1, DP_SPLIT_TEST);
        printf("exported %d kept digits to %s: %d to learn from, %d personal test digits\n", u.n, out,
               u.n - tests, tests);
    }
    dp_userset_free(&u);
    return rc;
}

/* ---- finetune ------------------------------------------------------------------------ */

static const char finetune_usage[] =
    "usage: digitpad finetune [options]\n"
    "Fine-tunes a model on your kept digits mixed with MNIST (so it learns your handwriting\n"
    "without forgetting everyone else's), as the window's Fine-tune button does, and shows\n"
    "accuracy on your personal test digits and on the MNIST test set before and after.\n"
    "Your personal test digits are never trained on.\n"
    "\n"
    "  --model FILE        model to start from (default: the shipped model)\n"
    "  --out FILE          where to save the fine-tuned model (default: finetuned.model)\n"
    "  --digits DIR        kept digits folder (default: ~/.local/share/digitpad/digits)\n"
    "  --extra DIR         a folder written by 'digitpad export-user' instead (train-* learned\n"
    "                      from, t10k-* judged on)\n"
    "  --data DIR          MNIST folder (default: $DIGITPAD_MNIST, else ~/.local/share/digitpad/mnist)\n"
    "  --epochs N          passes over the mix (default 2)\n"
    "  --lr X              learning rate (default 0.0003)\n"
    "  --share X           share of the mix that are your digits (default 0.3)\n"
    "  --mnist-images N    MNIST training images in the mix (default 8000)\n"
    "  --seed S            seed for the MNIST images picked, the order and augmentation (default 1)\n"
    "  --threads T         worker threads (default: one per CPU)\n"
    "  --json              print the before and after figures as one JSON object\n"
    "  --quiet             no progress lines\n"
    "  -h, --help          show this help\n";

typedef struct {
    const char *model, *out, *digits, *extra, *data;
    dp_finetune_cfg cfg;
    int json, quiet;
} finetune_opts;

/* Options into o (defaults already there); CLI_RUN, CLI_HELP or CLI_USAGE. */
static int parse_finetune_args(int argc, char **argv, finetune_opts *o)
{
    dp_finetune_cfg *cfg = &o->cfg;
    const cli_option table[] = {
        CLI_OPT_MODEL(&o->model), CLI_OPT_OUT(&o->out), CLI_OPT_DIGITS(&o->digits), CLI_OPT_EXTRA(&o->extra),
        CLI_OPT_DATA(&o->data), CLI_OPT_INT("epochs", &cfg->epochs, 1, 1000), CLI_OPT_FLOAT("lr", &cfg->lr, 1e-7, 1),
        CLI_OPT_FLOAT("share", &cfg->user_share, 0.01, 0.99),
        CLI_OPT_INT("mnist-images", &cfg->mnist_images, 0, DP_MNIST_MAX_ITEMS), CLI_OPT_SEED(&cfg->seed),
        CLI_OPT_THREADS(&cfg->threads), CLI_OPT_JSON(&o->json), CLI_OPT_QUIET(&o->quiet),
    };
    const cli_command command = CLI_COMMAND("finetune", finetune_usage, table);
    int rc = cli_parse_options_only(&command, argc, argv);
    if (rc == CLI_RUN && o->digits && o->extra) {
        cli_error("finetune", "--digits and --extra both name your digits: give one");
        rc = CLI_USAGE;
    }
    return rc;
}

static void print_score_text(const dp_finetune_score *b, const dp_finetune_score *a)
{
    printf("\n                     before          after\n");
    if (b->personal_n)
        printf("your test digits     %3d/%-3d %5.1f %%  %3d/%-3d %5.1f %%\n", b->personal_right, b->personal_n,
               100 * b->personal, a->personal_right, a->personal_n, 100 * a->personal);
    else
        printf("your test digits     none kept yet (one in five kept digits of each label is)\n");
    printf("MNIST test set       %6.2f %%        %6.2f %%\n", 100 * b->mnist, 100 * a->mnist);
}

static void print_score_json(const char *key, const dp_finetune_score *s)
{
    printf("\"%s\": {\"personal\": ", key);
    if (s->personal_n) printf("%.6f", s->personal);
    else printf("null");
    printf(", \"personal_right\": %d, \"personal_n\": %d, \"mnist\": %.6f}", s->personal_right, s->personal_n, s->mnist);
}

int cli_finetune(int argc, char **argv)
{
    const char *cmd = "finetune";
    finetune_opts o = {.out = "finetuned.model", .cfg = dp_finetune_defaults()};
    int rc = parse_finetune_args(argc, argv, &o);
    if (rc != CLI_RUN) return cli_exit_status(rc);
    char mnist[PATH_MAX], where[PATH_MAX], model_path[PATH_MAX];
    dp_dataset mine = {0}, mine_test = {0}, train = {0}, test = {0};
    dp_net *net = NULL;
    rc = 1;
    if (cli_load_user_digits(cmd, o.digits, o.extra, &mine, &mine_test, where, sizeof where) != 0) goto done;
    if (cli_find_mnist(cmd, o.data, mnist, sizeof mnist) != 0 || cli_load_split(cmd, mnist, "train", &train) != 0 ||
        cli_load_split(cmd, mnist, "t10k", &test) != 0)
        goto done;
    if (!(net = cli_load_model(cmd, o.model, model_path, sizeof model_path))) goto done;
    if (!o.quiet && !o.json)
        printf("fine-tuning %s on %d of your digits from %s (%d more kept for testing) mixed with %d MNIST images: "
               "%d epochs, lr %g\n", model_path, mine.n, where, mine_test.n,
               o.cfg.mnist_images < train.n ? o.cfg.mnist_images : train.n, o.cfg.epochs, (double)o.cfg.lr);
    fflush(stdout);
    dp_finetune_data data = {&train, &test, &mine, &mine_test};
    dp_finetune_score before, after;
    cli_progress report = {.quiet = o.quiet || o.json, .final_acc = NAN};
    cli_catch_ctrl_c(1);
    int result = dp_finetune_run(net, &o.cfg, &data, &cli_stop, cli_on_progress, &report, &before, &after);
    cli_catch_ctrl_c(0);
    if (result < 0) {
        cli_error(cmd, "%s", dp_error());
        goto done;
    }
    char meta[PATH_MAX * 3];
    snprintf(meta, sizeof meta, "fine-tuned-by: digitpad %s finetune\nfrom: %s\nyour-digits: %d from %s\n"
             "epochs: %d\nlr: %g\nmnist-test-accuracy: %.4f\n", DP_VERSION, model_path, mine.n, where,
             o.cfg.epochs, (double)o.cfg.lr, after.mnist);
    if (dp_model_save(o.out, net, meta, NULL) != 0) {
        cli_error(cmd, "%s", dp_error());
        goto done;
    }
    if (o.json) {
        printf("{");
        print_score_json("before", &before);
        printf(", ");
        print_score_json("after", &after);
        printf(", \"stopped\": %s, \"out\": ", result == 1 ? "true" : "false");
        cli_print_json_string(o.out);
        printf("}\n");
    } else {
        print_score_text(&before, &after);
        printf("%s; saved %s\n", result == 1 ? "stopped early" : "done", o.out);
    }
    rc = 0;
done:
    dp_net_free(net);
    dp_dataset_free(&mine);
    dp_dataset_free(&mine_test);
    dp_dataset_free(&train);
    dp_dataset_free(&test);
    return rc;
}

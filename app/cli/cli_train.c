/* digitpad train: trains a network on MNIST from the command line. */
#include "cli.h"
#include "evaluate.h"
#include "common.h"
#include "kernels.h"
#include "calibrate.h"
#include "finetune.h"
#include "model_io.h"
#include "train.h"
#include "platform.h"

#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char train_usage[] =
    "usage: digitpad train [options]\n"
    "Trains a network on MNIST and saves it (with its optimizer state, so it can be resumed).\n"
    "\n"
    "  --data DIR         MNIST folder (default: $DIGITPAD_MNIST, else ~/.local/share/digitpad/mnist)\n"
    "  --out FILE         where to save the model (default: digitpad.model)\n"
    "  --arch SPEC        'seed' (default) or a layer list, e.g. \"conv32k3 relu pool dense10\"\n"
    "  --epochs N         passes over the training set (default 3)\n"
    "  --batch B          images per step (default 32)\n"
    "  --lr X             base learning rate (default 0.001)\n"
    "  --optimizer NAME   adam (default) or sgd (momentum 0.9)\n"
    "  --schedule NAME    cosine (default), step (halve every epoch) or constant\n"
    "  --weight-decay X   L2 penalty (default 0)\n"
    "  --threads T        worker threads (default: one per CPU)\n"
    "  --isa NAME         kernels: auto (default: the best this CPU has), avx2, or portable (generic SIMD)\n"
    "  --seed S           seed for weights, shuffling and dropout (default 1)\n"
    "  --resume FILE      continue a saved run (its settings and optimizer state)\n"
    "  --csv FILE         write one row of metrics per logging step\n"
    "  --limit N          train on the first N training images only\n"
    "  --holdout N        keep the last N training images out of training and fit the\n"
    "                     probability calibration (temperature) on them at the end\n"
    "  --augment          half of each batch made to look like drawings: warped, thinner or\n"
    "                     thicker strokes, pen styles (a flag on 1, a bar through 7, a slashed 0)\n"
    "  --redraw SHARE     with --augment: this share of each batch re-drawn from the digits'\n"
    "                     traced pen strokes, as the canvas would draw them (default 0)\n"
    "  --clean SHARE      with --augment: this share left as MNIST made it (default 0.5)\n"
    "  --extra DIR        also learn from your own digits: a folder written by 'digitpad export-user'\n"
    "                     (its train-* files; its t10k-* personal test digits are only scored)\n"
    "  --extra-share X    share of the training set that are those digits, repeated (default 0.1)\n"
    "  --slim             save without optimizer state (smaller, cannot be resumed)\n"
    "  --quiet            print only the final summary\n"
    "  -h, --help         show this help\n"
    "\n"
    "Ctrl-C stops at the next step and saves what has been learned so far.\n";

typedef struct {
    const char *data, *out, *arch, *resume, *csv, *extra;
    double extra_share;
    dp_train_cfg cfg;
    int optimizer;     /* dp_optim_type: its defaults replace cfg.optim, the weight decay kept */
    int epochs;        /* 0: not given (the default, or the resumed run's) */
    long limit, holdout;
    int slim, quiet;
} train_opts;

static const char *const optimizer_names[] = {"adam", "sgd", NULL};
static const int optimizer_values[] = {DP_OPT_ADAM, DP_OPT_SGD};
static const char *const schedule_names[] = {"cosine", "step", "constant", NULL};
static const int schedule_values[] = {DP_LR_COSINE, DP_LR_STEP, DP_LR_CONSTANT};

/* Options into o (defaults already there); CLI_RUN, CLI_HELP or CLI_USAGE. */
static int parse_train_args(int argc, char **argv, train_opts *o)
{
    dp_train_cfg *cfg = &o->cfg;
    int isa = 0;   /* --isa: the kernels are chosen as it is read */
    const cli_option table[] = {
        CLI_OPT_DATA(&o->data), CLI_OPT_OUT(&o->out), CLI_OPT_STRING("arch", &o->arch),
        CLI_OPT_INT("epochs", &o->epochs, 1, 10000), CLI_OPT_INT("batch", &cfg->batch, 1, 4096),
        CLI_OPT_FLOAT("lr", &cfg->lr, 1e-7, 9.99),
        CLI_OPT_CHOICE("optimizer", &o->optimizer, optimizer_names, optimizer_values),
        CLI_OPT_CHOICE("schedule", &cfg->schedule, schedule_names, schedule_values),
        CLI_OPT_FLOAT("weight-decay", &cfg->optim.weight_decay, 0, 1), CLI_OPT_THREADS(&cfg->threads), CLI_OPT_ISA(&isa),
        CLI_OPT_SEED(&cfg->seed), CLI_OPT_STRING("resume", &o->resume), CLI_OPT_STRING("csv", &o->csv),
        CLI_OPT_LONG("limit", &o->limit, 1, DP_MNIST_MAX_ITEMS), CLI_OPT_FLAG("slim", &o->slim),
        CLI_OPT_QUIET(&o->quiet), CLI_OPT_FLAG("augment", &cfg->augment),
        CLI_OPT_LONG("holdout", &o->holdout, 1, 50000), CLI_OPT_FLOAT("redraw", &cfg->aug.redraw_share, 0, 1),
        CLI_OPT_FLOAT("clean", &cfg->aug.clean_share, 0, 1), CLI_OPT_EXTRA(&o->extra),
        CLI_OPT_DOUBLE("extra-share", &o->extra_share, 0.01, 0.9),
    };
    const cli_command command = CLI_COMMAND("train", train_usage, table);
    int rc = cli_parse_options_only(&command, argc, argv);
    if (rc != CLI_RUN) return rc;
    if (cfg->aug.clean_share + cfg->aug.redraw_share > 1.0f) {
        cli_error("train", "--clean and --redraw add up to more than 1");
        return CLI_USAGE;
    }
    float weight_decay = cfg->optim.weight_decay;
    cfg->optim = dp_optim_defaults((dp_optim_type)o->optimizer);
    cfg->optim.weight_decay = weight_decay;
    if (o->epochs) cfg->epochs = o->epochs;
    return CLI_RUN;
}

/* The META text: how this model was made. */
static void describe_run(char *meta, size_t size, int argc, char **argv, const dp_net *net,
                         const dp_train_cfg *cfg, double acc)
{
    char arch[1024];
    dp_arch_format(&net->arch, arch, sizeof arch);
    size_t n = (size_t)snprintf(meta, size, "trained-by: digitpad %s\ncommand: digitpad", DP_VERSION);
    for (int i = 0; i < argc && n < size; i++)
        n += (size_t)snprintf(meta + n, size - n, strchr(argv[i], ' ') ? " \"%s\"" : " %s", argv[i]);
    if (n < size)
        snprintf(meta + n, size - n, "\narch: %s\nparams: %ld\nseed: %llu\nepochs: %d\nbatch: %d\nlr: %g\n"
                 "augment: %s\ntest-accuracy: %.4f\n", arch, net->n_params, (unsigned long long)cfg->seed,
                 cfg->epochs, cfg->batch, (double)cfg->lr, cfg->augment ? "yes" : "no", acc);
}

/* Temperature scaling on the held-out images; says what it did. */
static void calibrate(dp_net *net, dp_trainer *tr, const dp_dataset *held_out, int quiet)
{
    double nll[2], ece[2];
    if (dp_calibrate_temperature(net, dp_trainer_exec(tr), held_out, nll, ece) != 0) {
        cli_error("train", "calibration: %s", dp_error());
        return;
    }
    if (!quiet)
        printf("calibrated on %d held-out images: temperature %.3f, NLL %.4f -> %.4f, ECE %.4f -> %.4f\n",
               held_out->n, (double)net->temperature, nll[0], nll[1], ece[0], ece[1]);
}

/* What a run reads: MNIST's splits, the held-out end of the training split
 * and, with --extra, the user's digits and the mix. */
typedef struct {
    dp_dataset train, test;       /* train: without the held-out images, cut to --limit */
    dp_dataset held_out;          /* --holdout: the last images of train's memory (not a copy) */
    dp_dataset mine, mine_test;   /* --extra: the user's digits to learn from, and to score */
    dp_dataset mixed;             /* --extra: train with the user's digits mixed in */
    const dp_dataset *learn;      /* what is trained on: &train or &mixed */
} train_data;

static void train_data_free(train_data *d)
{
    dp_dataset_free(&d->train);   /* held_out lives in its memory */
    dp_dataset_free(&d->test);
    dp_dataset_free(&d->mine);
    dp_dataset_free(&d->mine_test);
    dp_dataset_free(&d->mixed);
}

/* The held-out images are the last ones of the training split; --limit
 * applies to what is left. */
static int split_off_holdout(train_data *d, const train_opts *o)
{
    if (o->holdout >= d->train.n) {
        cli_error("train", "--holdout %ld leaves no training images", o->holdout);
        return -1;
    }
    d->held_out = d->train;
    d->train.n -= (int)o->holdout;
    d->held_out.images += (long)d->train.n * d->train.rows * d->train.cols;
    d->held_out.labels += d->train.n;
    d->held_out.n = (int)o->holdout;
    return 0;
}

/* The user's own digits join the training set, repeated to their share;
 * their personal test digits are only scored. */
static int mix_in_extra(train_data *d, const train_opts *o)
{
    char where[PATH_MAX];
    if (cli_load_user_digits("train", NULL, o->extra, &d->mine, &d->mine_test, where, sizeof where) != 0) return -1;
    if (dp_finetune_mix(&d->mixed, &d->train, d->train.n, &d->mine, (float)o->extra_share, o->cfg.seed) != 0) {
        cli_error("train", "--extra %s: %s", o->extra, dp_error());
        return -1;
    }
    d->learn = &d->mixed;
    return 0;
}

/* Fills d (zeroed first; free it with train_data_free whatever happens).
 * 0, or the exit status: 1 for a failure, 2 for a --holdout too large. */
static int train_data_load(train_data *d, const train_opts *o)
{
    const char *cmd = "train";
    char dir[PATH_MAX];
    memset(d, 0, sizeof *d);
    d->learn = &d->train;
    if (cli_find_mnist(cmd, o->data, dir, sizeof dir) != 0) return 1;
    if (cli_load_split(cmd, dir, "train", &d->train) || cli_load_split(cmd, dir, "t10k", &d->test)) return 1;
    if (o->holdout && split_off_holdout(d, o) != 0) return 2;
    if (o->limit && o->limit < d->train.n) d->train.n = (int)o->limit;
    if (o->extra && mix_in_extra(d, o) != 0) return 1;
    return 0;
}

/* The network to train: --resume's (with its training state) or a new one of
 * --arch. 0, or the exit status: 1 for a failure, 2 for a bad --arch. */
static int make_net(train_opts *o, dp_net **net, dp_train_state *state, int *has_state)
{
    const char *cmd = "train";
    if (o->resume) {
        *net = dp_model_load(o->resume, NULL, state, has_state);
        if (!*net || !*has_state) {
            cli_error(cmd, "cannot resume: %s",
                      *net ? "the file has no training state (saved with --slim?)" : dp_error());
            return 1;
        }
        if (!o->epochs) o->cfg.epochs = state->cfg.epochs;
        return 0;
    }
    dp_arch arch;
    if (dp_arch_parse(&arch, o->arch ? o->arch : "seed") != 0) {
        cli_error(cmd, "--arch: %s", dp_error());
        return 2;
    }
    if (!(*net = dp_net_create(&arch))) {
        cli_error(cmd, "%s", dp_error());
        return 1;
    }
    dp_net_init(*net, o->cfg.seed);
    return 0;
}

/* --csv: the file and its header line. */
static int open_csv(const char *path, cli_progress *report)
{
    if (!(report->csv = dp_fopen(path, "w"))) {
        cli_error("train", "cannot write %s", dp_error());
        return -1;
    }
    fputs("step,epoch,loss,train_acc,lr,img_per_s,elapsed_s,test_acc\n", report->csv);
    return 0;
}

/* The line that says what is about to be trained, and how. */
static void print_plan(const train_opts *o, const dp_net *net, const dp_trainer *tr, const dp_dataset *learn)
{
    const dp_train_state *st = dp_trainer_state(tr);
    char arch_text[1024];
    dp_arch_format(&net->arch, arch_text, sizeof arch_text);
    printf("training %s (%ld parameters) on %d images: %d epochs, batch %d, %s lr %g %s, %s%d threads, %s "
           "kernels%s\n", arch_text, net->n_params, learn->n, st->cfg.epochs, st->cfg.batch,
           dp_optim_name(st->cfg.optim.type), (double)st->cfg.lr, dp_schedule_name(st->cfg.schedule),
           st->cfg.augment ? "augmented, " : "", o->cfg.threads > 0 ? o->cfg.threads : dp_cpu_count(),
           dp_isa_name(dp_kernels_isa()), o->resume ? " (resumed)" : "");
}

/* Saves what was learned (also after Ctrl-C) and says where; the exit status. */
static int save_run(const train_opts *o, dp_net *net, dp_trainer *tr, const cli_progress *report, int stopped,
                    int argc, char **argv)
{
    const dp_train_state *st = dp_trainer_state(tr);
    char meta[4096];
    describe_run(meta, sizeof meta, argc, argv, net, &st->cfg, report->final_acc);
    if (dp_model_save(o->out, net, meta, o->slim ? NULL : st) != 0) {
        cli_error("train", "%s", dp_error());
        return 1;
    }
    if (stopped)
        printf("stopped at step %ld; saved to %s (continue with --resume %s)\n", st->step, o->out, o->out);
    else
        printf("saved %s: test accuracy %.2f%%, %.0f training images/s\n", o->out, 100 * report->final_acc,
               report->img_per_s);
    return 0;
}

/* Trains until done or Ctrl-C, then calibrates, scores the user's test
 * digits and saves; the exit status. */
static int train_and_save(const train_opts *o, dp_net *net, dp_trainer *tr, const train_data *d,
                          cli_progress *report, int argc, char **argv)
{
    cli_catch_ctrl_c(1);
    int result = dp_trainer_run(tr, &cli_stop, cli_on_progress, report);
    cli_catch_ctrl_c(0);
    if (result == 0 && o->holdout) calibrate(net, tr, &d->held_out, o->quiet);
    if (result >= 0 && d->mine_test.n) {
        double acc = dp_accuracy(dp_trainer_exec(tr), net, &d->mine_test);
        printf("your test digits (%s): %ld of %d right, %.1f%%\n", o->extra, lround(acc * d->mine_test.n),
               d->mine_test.n, 100 * acc);
    }
    if (result < 0) {
        cli_error("train", "%s", dp_error());
        return 1;
    }
    return save_run(o, net, tr, report, result == 1, argc, argv);
}

static int run_training(train_opts *o, int argc, char **argv)
{
    train_data d;
    dp_net *net = NULL;
    dp_train_state resume_state;
    dp_trainer *tr = NULL;
    cli_progress report = {.quiet = o->quiet, .final_acc = NAN};
    int has_state = 0;
    int rc = train_data_load(&d, o);
    if (!rc) rc = make_net(o, &net, &resume_state, &has_state);
    if (!rc && o->csv && open_csv(o->csv, &report) != 0) rc = 1;
    if (!rc && !(tr = dp_trainer_create(net, &o->cfg, has_state ? &resume_state : NULL, d.learn, &d.test))) {
        cli_error("train", "%s", dp_error());
        rc = 1;
    }
    if (!rc) {
        if (!o->quiet) print_plan(o, net, tr, d.learn);
        fflush(stdout);
        rc = train_and_save(o, net, tr, &d, &report, argc, argv);
    }
    dp_trainer_free(tr);
    if (report.csv) fclose(report.csv);
    if (has_state) dp_optim_free(&resume_state.optim);
    dp_net_free(net);
    train_data_free(&d);
    return rc;
}

int cli_train(int argc, char **argv)
{
    train_opts o = {.out = "digitpad.model", .cfg = dp_train_defaults(), .optimizer = DP_OPT_ADAM, .extra_share = 0.1};
    int rc = parse_train_args(argc, argv, &o);
    if (rc != CLI_RUN) return cli_exit_status(rc);
    return run_training(&o, argc, argv);
}

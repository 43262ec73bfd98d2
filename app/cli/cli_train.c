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

#include <getopt.h>
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
    long limit, holdout;
    int slim, quiet, epochs_given;
} train_opts;

static int parse_train_args(int argc, char **argv, train_opts *o)
{
    static const struct option longopts[] = {
        {"data", required_argument, 0, 'd'}, {"out", required_argument, 0, 'o'},
        {"arch", required_argument, 0, 'a'}, {"epochs", required_argument, 0, 'e'},
        {"batch", required_argument, 0, 'b'}, {"lr", required_argument, 0, 'l'},
        {"optimizer", required_argument, 0, 'O'}, {"schedule", required_argument, 0, 'S'},
        {"weight-decay", required_argument, 0, 'w'}, {"threads", required_argument, 0, 't'},
        {"seed", required_argument, 0, 's'}, {"resume", required_argument, 0, 'r'},
        {"csv", required_argument, 0, 'c'}, {"limit", required_argument, 0, 'L'},
        {"slim", no_argument, 0, 'm'}, {"quiet", no_argument, 0, 'q'}, {"augment", no_argument, 0, 'A'},
        {"holdout", required_argument, 0, 'H'}, {"redraw", required_argument, 0, 'R'},
        {"clean", required_argument, 0, 'C'}, {"extra", required_argument, 0, 'X'},
        {"extra-share", required_argument, 0, 'E'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    const char *cmd = "train";
    long v;
    double f;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o->data = optarg; break;
        case 'o': o->out = optarg; break;
        case 'a': o->arch = optarg; break;
        case 'r': o->resume = optarg; break;
        case 'c': o->csv = optarg; break;
        case 'm': o->slim = 1; break;
        case 'A': o->cfg.augment = 1; break;
        case 'R':
            if (cli_parse_float(cmd, "--redraw", optarg, 0, 1, &f)) return 2;
            o->cfg.aug.redraw_share = (float)f;
            break;
        case 'C':
            if (cli_parse_float(cmd, "--clean", optarg, 0, 1, &f)) return 2;
            o->cfg.aug.clean_share = (float)f;
            break;
        case 'H':
            if (cli_parse_int(cmd, "--holdout", optarg, 1, 50000, &o->holdout)) return 2;
            break;
        case 'q': o->quiet = 1; break;
        case 'X': o->extra = optarg; break;
        case 'E': if (cli_parse_float(cmd, "--extra-share", optarg, 0.01, 0.9, &o->extra_share)) return 2; break;
        case 'e':
            if (cli_parse_int(cmd, "--epochs", optarg, 1, 10000, &v)) return 2;
            o->cfg.epochs = (int)v;
            o->epochs_given = 1;
            break;
        case 'b':
            if (cli_parse_int(cmd, "--batch", optarg, 1, 4096, &v)) return 2;
            o->cfg.batch = (int)v;
            break;
        case 'l':
            if (cli_parse_float(cmd, "--lr", optarg, 1e-7, 9.99, &f)) return 2;
            o->cfg.lr = (float)f;
            break;
        case 'w':
            if (cli_parse_float(cmd, "--weight-decay", optarg, 0, 1, &f)) return 2;
            o->cfg.optim.weight_decay = (float)f;
            break;
        case 't':
            if (cli_parse_int(cmd, "--threads", optarg, 1, 256, &v)) return 2;
            o->cfg.threads = (int)v;
            break;
        case 's':
            if (cli_parse_u64(cmd, "--seed", optarg, &o->cfg.seed)) return 2;
            break;
        case 'L':
            if (cli_parse_int(cmd, "--limit", optarg, 1, DP_MNIST_MAX_ITEMS, &o->limit)) return 2;
            break;
        case 'O':
            if (strcmp(optarg, "adam") == 0) o->cfg.optim = dp_optim_defaults(DP_OPT_ADAM);
            else if (strcmp(optarg, "sgd") == 0) o->cfg.optim = dp_optim_defaults(DP_OPT_SGD);
            else { cli_error(cmd, "--optimizer must be adam or sgd, not '%s'", optarg); return 2; }
            break;
        case 'S':
            if (strcmp(optarg, "cosine") == 0) o->cfg.schedule = DP_LR_COSINE;
            else if (strcmp(optarg, "step") == 0) o->cfg.schedule = DP_LR_STEP;
            else if (strcmp(optarg, "constant") == 0) o->cfg.schedule = DP_LR_CONSTANT;
            else { cli_error(cmd, "--schedule must be cosine, step or constant, not '%s'", optarg); return 2; }
            break;
        case 'h': fputs(train_usage, stdout); return 0;
        case ':': cli_error(cmd, "%s needs a value", argv[optind - 1]); return 2;
        default: cli_error(cmd, "unknown option '%s' (see 'digitpad train --help')", argv[optind - 1]); return 2;
        }
    }
    if (optind < argc) {
        cli_error(cmd, "unexpected argument '%s' (see 'digitpad train --help')", argv[optind]);
        return 2;
    }
    if (o->cfg.aug.clean_share + o->cfg.aug.redraw_share > 1.0f) {
        cli_error(cmd, "--clean and --redraw add up to more than 1");
        return 2;
    }
    return -1;
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

static int run_training(train_opts *o, int argc, char **argv)
{
    const char *cmd = "train";
    char dir[PATH_MAX];
    if (cli_find_mnist(cmd, o->data, dir, sizeof dir) != 0) return 1;
    dp_dataset train = {0}, test = {0}, mine = {0}, mine_test = {0}, mixed = {0};
    if (cli_load_split(cmd, dir, "train", &train) || cli_load_split(cmd, dir, "t10k", &test)) {
        dp_dataset_free(&train);
        dp_dataset_free(&test);
        return 1;
    }
    /* The held-out images are the last ones of the training split; --limit
     * applies to what is left. */
    dp_dataset held_out = train;
    if (o->holdout) {
        if (o->holdout >= train.n) {
            cli_error(cmd, "--holdout %ld leaves no training images", o->holdout);
            dp_dataset_free(&train), dp_dataset_free(&test);
            return 2;
        }
        train.n -= (int)o->holdout;
        held_out.images += (long)train.n * train.rows * train.cols;
        held_out.labels += train.n;
        held_out.n = (int)o->holdout;
    }
    if (o->limit && o->limit < train.n) train.n = (int)o->limit;

    dp_net *net = NULL;
    dp_train_state resume_state;
    int has_state = 0, rc = 1;
    /* The user's own digits join the training set, repeated to their share;
     * their personal test digits are only scored. */
    const dp_dataset *learn = &train;
    if (o->extra) {
        char where[PATH_MAX];
        if (cli_load_user_digits(cmd, NULL, o->extra, &mine, &mine_test, where, sizeof where) != 0) goto done;
        if (dp_finetune_mix(&mixed, &train, train.n, &mine, (float)o->extra_share, o->cfg.seed) != 0) {
            cli_error(cmd, "--extra %s: %s", o->extra, dp_error());
            goto done;
        }
        learn = &mixed;
    }
    if (o->resume) {
        net = dp_model_load(o->resume, NULL, &resume_state, &has_state);
        if (!net || !has_state) {
            cli_error(cmd, "cannot resume: %s", net ? "the file has no training state (saved with --slim?)" : dp_error());
            goto done;
        }
        if (!o->epochs_given) o->cfg.epochs = resume_state.cfg.epochs;
    } else {
        dp_arch arch;
        if (dp_arch_parse(&arch, o->arch ? o->arch : "seed") != 0) {
            cli_error(cmd, "--arch: %s", dp_error());
            rc = 2;
            goto done;
        }
        if (!(net = dp_net_create(&arch))) {
            cli_error(cmd, "%s", dp_error());
            goto done;
        }
        dp_net_init(net, o->cfg.seed);
    }

    cli_progress report = {.quiet = o->quiet, .final_acc = NAN};
    if (o->csv) {
        if (!(report.csv = dp_fopen(o->csv, "w"))) {
            cli_error(cmd, "cannot write %s", dp_error());
            goto done;
        }
        fputs("step,epoch,loss,train_acc,lr,img_per_s,elapsed_s,test_acc\n", report.csv);
    }
    dp_trainer *tr = dp_trainer_create(net, &o->cfg, has_state ? &resume_state : NULL, learn, &test);
    if (!tr) {
        cli_error(cmd, "%s", dp_error());
        goto done_csv;
    }
    const dp_train_state *st = dp_trainer_state(tr);
    char arch_text[1024];
    dp_arch_format(&net->arch, arch_text, sizeof arch_text);
    if (!o->quiet)
        printf("training %s (%ld parameters) on %d images: %d epochs, batch %d, %s lr %g %s, %s%d threads, %s "
               "kernels%s\n", arch_text, net->n_params, learn->n, st->cfg.epochs, st->cfg.batch,
               dp_optim_name(st->cfg.optim.type), (double)st->cfg.lr, dp_schedule_name(st->cfg.schedule),
               st->cfg.augment ? "augmented, " : "", o->cfg.threads > 0 ? o->cfg.threads : dp_cpu_count(),
               dp_isa_name(dp_kernels_isa()), o->resume ? " (resumed)" : "");
    fflush(stdout);

    cli_catch_ctrl_c(1);
    int result = dp_trainer_run(tr, &cli_stop, cli_on_progress, &report);
    cli_catch_ctrl_c(0);
    if (result == 0 && o->holdout) calibrate(net, tr, &held_out, o->quiet);
    if (result >= 0 && mine_test.n) {
        double acc = dp_accuracy(dp_trainer_exec(tr), net, &mine_test);
        printf("your test digits (%s): %ld of %d right, %.1f%%\n", o->extra, lround(acc * mine_test.n), mine_test.n,
               100 * acc);
    }
    if (result < 0) {
        cli_error(cmd, "%s", dp_error());
    } else {
        char meta[4096];
        describe_run(meta, sizeof meta, argc, argv, net, &st->cfg, report.final_acc);
        if (dp_model_save(o->out, net, meta, o->slim ? NULL : st) != 0) {
            cli_error(cmd, "%s", dp_error());
        } else {
            if (result == 1)
                printf("stopped at step %ld; saved to %s (continue with --resume %s)\n", st->step, o->out, o->out);
            else
                printf("saved %s: test accuracy %.2f%%, %.0f training images/s\n", o->out,
                       100 * report.final_acc, report.img_per_s);
            rc = 0;
        }
    }
    dp_trainer_free(tr);
done_csv:
    if (report.csv) fclose(report.csv);
done:
    if (has_state) dp_optim_free(&resume_state.optim);
    dp_net_free(net);
    dp_dataset_free(&train);
    dp_dataset_free(&test);
    dp_dataset_free(&mine);
    dp_dataset_free(&mine_test);
    dp_dataset_free(&mixed);
    return rc;
}

int cli_train(int argc, char **argv)
{
    train_opts o = {.out = "digitpad.model", .cfg = dp_train_defaults(), .extra_share = 0.1};
    int rc = parse_train_args(argc, argv, &o);
    if (rc >= 0) return rc;
    return run_training(&o, argc, argv);
}

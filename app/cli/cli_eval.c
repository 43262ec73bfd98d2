/* digitpad eval: accuracy, per-class accuracy and confusion matrix. */
#include "cli.h"
#include "common.h"
#include "evaluate.h"
#include "platform.h"
#include "train.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char eval_usage[] =
    "usage: digitpad eval [--model FILE] [--data DIR] [--threads T] [--isa NAME] [--json]\n"
    "                     [--probabilities CSV]\n"
    "Scores a model on the MNIST test set (10,000 images).\n"
    "\n"
    "  --model FILE   model to score (default: the shipped model)\n"
    "  --data DIR     MNIST folder (default: $DIGITPAD_MNIST, else ~/.local/share/digitpad/mnist)\n"
    "  --threads T    worker threads (default: one per CPU)\n"
    CLI_ISA_HELP
    "  --json         print one JSON object: accuracy, per_class, confusion, model, n\n"
    "  --probabilities CSV  also write every test image's label, answer and ten probabilities\n"
    "  -h, --help     show this help\n";

static void print_text(const char *model, const dp_evaluation *e, float temperature)
{
    printf("model %s\ntest accuracy %.2f%% (%d images)\ncalibration error (ECE, %d bins) %.4f at temperature %.3f\n\n"
           "per class:\n", model, 100 * e->accuracy, e->n, DP_ECE_BINS, e->ece, (double)temperature);
    for (int d = 0; d < 10; d++) printf("  %d  %6.2f%%\n", d, 100 * e->per_class[d]);
    printf("\nconfusion (rows: true digit, columns: predicted)\n     ");
    for (int p = 0; p < 10; p++) printf("%6d", p);
    printf("\n");
    for (int t = 0; t < 10; t++) {
        printf("  %d  ", t);
        for (int p = 0; p < 10; p++) printf("%6d", e->confusion[t][p]);
        printf("\n");
    }
}

static void print_json(const char *model, const dp_evaluation *e, float temperature)
{
    printf("{\"model\": ");
    cli_print_json_string(model);
    printf(", \"n\": %d, \"accuracy\": %.6f, \"ece\": %.6f, \"temperature\": %.4f, \"per_class\": [", e->n,
           e->accuracy, e->ece, (double)temperature);
    for (int d = 0; d < 10; d++) printf("%s%.6f", d ? ", " : "", e->per_class[d]);
    printf("], \"confusion\": [");
    for (int t = 0; t < 10; t++) {
        printf("%s[", t ? ", " : "");
        for (int p = 0; p < 10; p++) printf("%s%d", p ? ", " : "", e->confusion[t][p]);
        printf("]");
    }
    printf("]}\n");
}

/* image,label,answer,p0..p9 for every image, seven significant digits
 * (enough to compare two machines' answers to 1e-6), saved atomically. */
static int write_probabilities(const char *cmd, const char *path, const dp_evaluation *e, const dp_dataset *ds)
{
    enum { LINE_MAX_CHARS = 200 };   /* 3 integers and 10 "%.7g" values fit with room to spare */
    size_t cap = (size_t)e->n * LINE_MAX_CHARS + 64, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        cli_error(cmd, "out of memory writing %s", path);
        return -1;
    }
    len += (size_t)snprintf(buf, cap, "image,label,answer,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9\n");
    for (int i = 0; i < e->n; i++) {
        len += (size_t)snprintf(buf + len, cap - len, "%d,%d,%d", i, ds->labels[i], e->answers[i]);
        for (int c = 0; c < DP_CLASSES; c++)
            len += (size_t)snprintf(buf + len, cap - len, ",%.7g", (double)e->probs[(long)i * DP_CLASSES + c]);
        len += (size_t)snprintf(buf + len, cap - len, "\n");
    }
    int rc = dp_write_file_atomic(path, buf, len);
    if (rc != 0) cli_error(cmd, "%s", dp_error());
    free(buf);
    return rc;
}

int cli_eval(int argc, char **argv)
{
    const char *cmd = "eval", *model_flag = NULL, *data = NULL, *probs_path = NULL;
    int json = 0, threads = 0;
    int isa = 0;   /* --isa: the kernels are chosen as it is read */
    const cli_option table[] = {
        CLI_OPT_MODEL(&model_flag), CLI_OPT_DATA(&data), CLI_OPT_THREADS(&threads), CLI_OPT_ISA(&isa), CLI_OPT_JSON(&json),
        CLI_OPT_STRING("probabilities", &probs_path),
    };
    const cli_command command = CLI_COMMAND(cmd, eval_usage, table);
    int parsed = cli_parse_options_only(&command, argc, argv);
    if (parsed != CLI_RUN) return cli_exit_status(parsed);
    char model_path[PATH_MAX], dir[PATH_MAX];
    dp_net *net = cli_load_model(cmd, model_flag, model_path, sizeof model_path);
    if (!net) return 1;
    dp_dataset test = {0};
    int rc = 1;
    if (cli_find_mnist(cmd, data, dir, sizeof dir) != 0 || cli_load_split(cmd, dir, "t10k", &test) != 0) goto done;
    dp_exec *ex = dp_exec_create(net, 256, threads, 0);
    if (!ex) {
        cli_error(cmd, "%s", dp_error());
        goto done;
    }
    dp_evaluation e;
    int ok = dp_evaluate(&e, ex, net, &test, probs_path ? DP_EVAL_KEEP : DP_EVAL_SUMMARY) == 0;
    dp_exec_free(ex);
    if (!ok) {
        cli_error(cmd, "%s", dp_error());
        goto done;
    }
    if (probs_path && write_probabilities(cmd, probs_path, &e, &test) != 0) {
        dp_evaluation_free(&e);
        goto done;
    }
    dp_evaluation_free(&e);
    if (json) print_json(model_path, &e, net->temperature);
    else print_text(model_path, &e, net->temperature);
    rc = 0;
done:
    dp_dataset_free(&test);
    dp_net_free(net);
    return rc;
}

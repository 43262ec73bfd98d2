/* digitpad eval: accuracy, per-class accuracy and confusion matrix. */
#include "cli.h"
#include "common.h"
#include "evaluate.h"
#include "train.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static const char eval_usage[] =
    "usage: digitpad eval [--model FILE] [--data DIR] [--threads T] [--isa NAME] [--json]\n"
    "Scores a model on the MNIST test set (10,000 images).\n"
    "\n"
    "  --model FILE   model to score (default: the shipped model)\n"
    "  --data DIR     MNIST folder (default: $DIGITPAD_MNIST, else ~/.local/share/digitpad/mnist)\n"
    "  --threads T    worker threads (default: one per CPU)\n"
    CLI_ISA_HELP
    "  --json         print one JSON object: accuracy, per_class, confusion, model, n\n"
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

int cli_eval(int argc, char **argv)
{
    const char *cmd = "eval", *model_flag = NULL, *data = NULL;
    int json = 0, threads = 0;
    int isa = 0;   /* --isa: the kernels are chosen as it is read */
    const cli_option table[] = {
        CLI_OPT_MODEL(&model_flag), CLI_OPT_DATA(&data), CLI_OPT_THREADS(&threads), CLI_OPT_ISA(&isa), CLI_OPT_JSON(&json),
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
    int ok = dp_evaluate(&e, ex, net, &test, DP_EVAL_SUMMARY) == 0;
    dp_exec_free(ex);
    if (!ok) {
        cli_error(cmd, "%s", dp_error());
        goto done;
    }
    if (json) print_json(model_path, &e, net->temperature);
    else print_text(model_path, &e, net->temperature);
    rc = 0;
done:
    dp_dataset_free(&test);
    dp_net_free(net);
    return rc;
}

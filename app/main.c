/* digitpad: draw a digit, watch a neural network read it, train it yourself.
 * Without a subcommand it opens the window; the subcommands are the headless
 * side of the same code. */
#include "cli.h"
#include "common.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: digitpad [COMMAND] [options]\n"
    "Draw a digit, watch a neural network read it, train it yourself.\n"
    "\n"
    "commands:\n"
    "  train     train a network on MNIST and save it\n"
    "  eval      score a model on the MNIST test set\n"
    "  predict   classify stroke files or PGM images\n"
    "\n"
    "  digitpad COMMAND --help   options of one command\n"
    "  digitpad --version        print the version\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        /* The window comes with the next step; until then, say what there is. */
        fputs(usage, stdout);
        return 0;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("digitpad %s\n", DP_VERSION);
        return 0;
    }
    if (strcmp(cmd, "train") == 0) return cli_train(argc - 1, argv + 1);
    if (strcmp(cmd, "eval") == 0) return cli_eval(argc - 1, argv + 1);
    if (strcmp(cmd, "predict") == 0) return cli_predict(argc - 1, argv + 1);
    cli_error(NULL, "unknown command '%s' (see 'digitpad --help')", cmd);
    return 2;
}

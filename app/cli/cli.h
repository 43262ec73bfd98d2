/* Shared pieces of the command-line front ends. */
#ifndef DP_CLI_H
#define DP_CLI_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mnist.h"
#include "options.h"
#include "paths.h"
#include "net.h"
#include "train.h"

#define DP_PROG "digitpad"

/* Subcommands; each returns the process exit status (0 ok, 1 failure,
 * 2 bad usage). Each reads its options with cli_parse (options.h). */
int cli_train(int argc, char **argv);
int cli_eval(int argc, char **argv);
int cli_predict(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_calibrate(int argc, char **argv);
int cli_realism(int argc, char **argv);
int cli_keep(int argc, char **argv);
int cli_export_user(int argc, char **argv);
int cli_finetune(int argc, char **argv);

/* The user's digits to learn from and their personal test digits: from an
 * export-user folder (extra_dir), else from the kept digits folder
 * (digits_dir, else the default one). where receives the folder used.
 * Prints the error and returns -1 if there is nothing to learn from. */
int cli_load_user_digits(const char *cmd, const char *digits_dir, const char *extra_dir, dp_dataset *train,
                         dp_dataset *test, char *where, size_t where_size);

/* Prints "digitpad: message" (or "digitpad CMD: message") on stderr. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Finds the MNIST folder: --data DIR, else $DIGITPAD_MNIST, else the user
 * data folder. Returns 0 and fills dir, or prints where it looked and how to
 * get MNIST and returns -1. */
int cli_find_mnist(const char *cmd, const char *flag_dir, char *dir, size_t size);

/* Prints s as a JSON string literal, quotes included. */
void cli_print_json_string(const char *s);

/* Loads --model FILE or the shipped model; prints the error and returns NULL
 * on failure. path_out (may be NULL) receives the path used. */
dp_net *cli_load_model(const char *cmd, const char *flag_model, char *path_out, size_t size);
/* The same, also returning the model's description and training state (see dp_model_load). */
dp_net *cli_load_model_all(const char *cmd, const char *flag_model, char *path_out, size_t size, char **meta,
                           dp_train_state *state, int *has_state);

/* Training progress on the terminal: a line every two seconds and after each
 * epoch (unless quiet), and a CSV row per report if csv is open. Pass a
 * cli_progress as the user pointer of dp_trainer_run. */
typedef struct {
    FILE *csv;
    int quiet;
    double last_print;
    double final_acc;
    double img_per_s;
} cli_progress;

int cli_on_progress(const dp_train_progress *p, const dp_net *net, void *user);

/* While on, Ctrl-C sets cli_stop (pass it to dp_trainer_run, which then
 * stops at the next step); a second Ctrl-C kills at once. */
extern atomic_int cli_stop;
void cli_catch_ctrl_c(int on);

/* Loads one MNIST split, printing a clear error on failure. */
int cli_load_split(const char *cmd, const char *dir, const char *which, dp_dataset *ds);

#endif

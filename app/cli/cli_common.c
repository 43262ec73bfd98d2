/* What the commands share: errors, finding MNIST and the model, JSON strings,
 * training progress on the terminal, Ctrl-C. */
#include "cli.h"
#include "common.h"
#include "model_io.h"
#include "platform.h"

#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (cmd) fprintf(stderr, "%s %s: ", DP_PROG, cmd);
    else fprintf(stderr, "%s: ", DP_PROG);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_find_mnist(const char *cmd, const char *flag_dir, char *dir, size_t size)
{
    char msg[PATH_MAX * 3];
    if (app_find_mnist(flag_dir, 0, dir, size, msg, sizeof msg) == 0) return 0;
    cli_error(cmd, "%s", msg);
    return -1;
}

dp_net *cli_load_model(const char *cmd, const char *flag_model, char *path_out, size_t size)
{
    return cli_load_model_all(cmd, flag_model, path_out, size, NULL, NULL, NULL);
}

dp_net *cli_load_model_all(const char *cmd, const char *flag_model, char *path_out, size_t size, char **meta,
                           dp_train_state *state, int *has_state)
{
    char path[PATH_MAX], msg[PATH_MAX * 4];
    if (flag_model) {
        snprintf(path, sizeof path, "%s", flag_model);
    } else if (app_find_shipped_model(path, sizeof path, msg, sizeof msg) != 0) {
        cli_error(cmd, "%s", msg);
        return NULL;
    }
    dp_net *net = dp_model_load(path, meta, state, has_state);
    if (!net) {
        cli_error(cmd, "cannot load model: %s", dp_error());
        return NULL;
    }
    if (path_out) snprintf(path_out, size, "%s", path);
    return net;
}

int cli_load_split(const char *cmd, const char *dir, const char *which, dp_dataset *ds)
{
    if (dp_mnist_load(ds, dir, which) == 0) return 0;
    cli_error(cmd, "%s", dp_error());
    return -1;
}

void cli_print_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

static void format_eta(double s, char *buf, size_t n)
{
    if (!isfinite(s) || s < 0) s = 0;
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

int cli_on_progress(const dp_train_progress *p, const dp_net *net, void *user)
{
    (void)net;
    cli_progress *r = user;
    r->img_per_s = p->img_per_s;
    if (r->csv) {
        fprintf(r->csv, "%ld,%d,%.6f,%.5f,%.6g,%.1f,%.3f,", p->step, p->epoch, p->loss, p->train_acc,
                (double)p->lr, p->img_per_s, p->elapsed_s);
        if (isnan(p->test_acc)) fputs("\n", r->csv);
        else fprintf(r->csv, "%.5f\n", p->test_acc);
        fflush(r->csv);
    }
    double now = dp_now();
    if (!r->quiet && (now - r->last_print >= 2.0 || p->epoch_done)) {
        char eta[32];
        format_eta(p->eta_s, eta, sizeof eta);
        printf("epoch %d/%d  step %ld/%ld  loss %.4f  batch acc %.1f%%  lr %.2g  %.0f img/s  ETA %s\n",
               p->epoch, p->epochs, p->step, p->total_steps, p->loss, 100 * p->train_acc, (double)p->lr,
               p->img_per_s, eta);
        r->last_print = now;
    }
    if (!isnan(p->test_acc)) {
        r->final_acc = p->test_acc;
        if (!r->quiet) printf("epoch %d/%d done: test accuracy %.2f%%\n", p->epoch, p->epochs, 100 * p->test_acc);
    }
    fflush(stdout);
    return 0;
}

atomic_int cli_stop;

void cli_catch_ctrl_c(int on)
{
    if (on) dp_catch_interrupt(&cli_stop);
    else dp_release_interrupt();
}

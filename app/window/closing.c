/* Closing without losing the model (see closing.h). */
#include "closing.h"
#include "common.h"
#include "model_io.h"
#include "paths.h"
#include "platform.h"
#include "verbose.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void closing_autosave_path(char *out, size_t size)
{
    char dir[4096];
    app_user_data_dir(dir, sizeof dir);
    snprintf(out, size, "%s/autosave.model", dir);
}

void closing_watch(app *a) { dp_watch_termination(&a->terminate); }

/* The model in use, unsaved, into the autosave file (atomically). */
static void autosave(app *a)
{
    char path[4096], dir[4096], meta[640];
    closing_autosave_path(path, sizeof path);
    app_user_data_dir(dir, sizeof dir);
    int n = snprintf(meta, sizeof meta, "saved-by: digitpad %s window, on being asked to end\nautosave-of: %s\n",
                     DP_VERSION, a->model.name);
    if (!isnan(a->model.accuracy) && n > 0 && (size_t)n < sizeof meta)
        snprintf(meta + n, sizeof meta - (size_t)n, "test-accuracy: %.4f\n", a->model.accuracy);
    if (dp_make_dirs(dir) != 0 || dp_model_save(path, a->model.net, meta, NULL) != 0) {
        fprintf(stderr, "digitpad: the unsaved model could not be kept: %s\n", dp_error());
        return;
    }
    fprintf(stderr, "digitpad: the unsaved model was kept in %s; the next start offers it\n", path);
    verbose_line("autosaved", "%s", path);
}

void closing_request(app *a)
{
    int by_system = atomic_load(&a->terminate);
    if (by_system || !a->model.unsaved || a->opt.screenshot_path) {
        if (by_system && a->model.unsaved && !a->opt.screenshot_path) autosave(a);
        a->quit = 1;
        return;
    }
    dialog_open(&a->dialog, DIALOG_QUIT);   /* asked again if already open: the answer is still wanted */
}

void window_quit_choice(app *a, int choice)
{
    verbose_line("quit_choice", "%s", choice == QUIT_SAVE ? "save" : choice == QUIT_DISCARD ? "discard" : "cancel");
    if (choice == QUIT_DISCARD) {
        a->quit = 1;
    } else if (choice == QUIT_SAVE) {
        dialog_open(&a->dialog, DIALOG_NONE);
        command_push(&a->cmds, CMD_DIALOG, DIALOG_SAVE);   /* the system's chooser, or the window's dialog */
        a->quit_after_save = 1;
    } else {
        dialog_open(&a->dialog, DIALOG_NONE);
    }
}

void closing_saved(app *a, int ok)
{
    if (ok && a->quit_after_save) a->quit = 1;
}

/* "trained here, 97.82 %, kept on 2026-12-07 at 18:03" */
static int describe_autosave(const char *path, char *out, size_t size)
{
    char *meta = NULL;
    dp_net *net = dp_model_load(path, &meta, NULL, NULL);
    if (!net) return -1;
    dp_net_free(net);
    char name[256] = "a model";
    const char *of = meta ? strstr(meta, "autosave-of: ") : NULL;
    if (of) {
        of += strlen("autosave-of: ");
        size_t len = strcspn(of, "\n");
        snprintf(name, sizeof name, "%.*s", (int)(len < 200 ? len : 200), of);
    }
    double acc = dp_meta_number(meta, "test-accuracy");
    free(meta);
    char when[64] = "";
    long long mtime = dp_file_mtime(path);
    time_t t = (time_t)mtime;
    struct tm tm;
    if (mtime > 0 && localtime_r(&t, &tm)) strftime(when, sizeof when, ", kept on %Y-%m-%d at %H:%M", &tm);
    if (isnan(acc)) snprintf(out, size, "%s%s", name, when);
    else snprintf(out, size, "%s, %.2f\u00a0%% on the MNIST test set%s", name, 100.0 * acc, when);
    return 0;
}

void closing_offer_restore(app *a)
{
    char path[4096];
    closing_autosave_path(path, sizeof path);
    if (a->opt.screenshot_path || dp_path_kind_of(path) != DP_PATH_FILE) return;
    if (describe_autosave(path, a->restore_what, sizeof a->restore_what) != 0) {
        status_set(&a->status, 1, "an unsaved model was kept, but cannot be read: %s", dp_error());
        return;
    }
    dialog_open(&a->dialog, DIALOG_RESTORE);
}

void window_restore_choice(app *a, int restore)
{
    char path[4096];
    closing_autosave_path(path, sizeof path);
    verbose_line("restore_choice", "%s", restore ? "restore" : "discard");
    dialog_open(&a->dialog, DIALOG_NONE);
    if (restore) {
        int had_previous = a->model.previous != NULL;
        if (model_keep_previous(&a->model) != 0 || model_load(&a->model, path, &a->status) != 0) {
            if (!had_previous) model_drop_previous(&a->model);
            return;   /* the file stays, and is offered again next time */
        }
        app_copy_text(a->model.name, sizeof a->model.name, "restored model");
        a->model.unsaved = 1;   /* still in no file of the user's */
        status_set(&a->status, 0, "restored the unsaved model; Save… keeps it in a file");
    }
    if (dp_remove_file(path) != 0) status_set(&a->status, 1, "%s", dp_error());
}

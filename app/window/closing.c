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

void closing_watch(app *a) { dp_watch_termination(&a->terminate); }

/* dir/autosave-20261207-180312 (with -2, -3… if taken): a new autosave
 * never replaces one the user has not answered yet. */
static int autosave_stem(char *stem, size_t size)
{
    char dir[4096], stamp[32], path[4200];
    app_user_data_dir(dir, sizeof dir);
    if (dp_make_dirs(dir) != 0) return -1;
    dp_timestamp(stamp, sizeof stamp);
    for (int k = 1; k < 100; k++) {
        int n = k == 1 ? snprintf(stem, size, "%s/autosave-%s", dir, stamp)
                       : snprintf(stem, size, "%s/autosave-%s-%d", dir, stamp, k);
        if (n < 0 || (size_t)n >= size) return dp_set_error("the data folder's name is too long: %s", dir);
        snprintf(path, sizeof path, "%s.model", stem);
        if (dp_path_kind_of(path) == DP_PATH_MISSING) return 0;
    }
    return dp_set_error("too many autosaves in %s", dir);
}

static int save_one(const dp_net *net, const char *path, const char *name, double accuracy)
{
    char meta[640];
    int n = snprintf(meta, sizeof meta, "saved-by: digitpad %s window, on being asked to end\nautosave-of: %s\n",
                     DP_VERSION, name);
    if (!isnan(accuracy) && n > 0 && (size_t)n < sizeof meta)
        snprintf(meta + n, sizeof meta - (size_t)n, "test-accuracy: %.4f\n", accuracy);
    return dp_model_save(path, net, meta, NULL);
}

/* The model in use, and the model before it if that one is in no file
 * either (the one Go back would bring back, or a fine-tune's start), into
 * autosave files (atomically). */
static void autosave(app *a)
{
    const model_state *m = &a->model;
    char stem[4096], path[4200];
    int rc = autosave_stem(stem, sizeof stem);
    snprintf(path, sizeof path, "%s.model", stem);
    if (rc == 0) rc = save_one(m->net, path, m->name, m->accuracy);
    if (rc == 0 && m->previous && m->previous_unsaved) {
        snprintf(path, sizeof path, "%s-before.model", stem);
        rc = save_one(m->previous, path, m->previous_name, m->previous_accuracy);
    } else if (rc == 0 && m->before && m->before_unsaved) {
        snprintf(path, sizeof path, "%s-before.model", stem);
        rc = save_one(m->before, path, m->before_name, m->before_accuracy);
    }
    if (rc != 0) {
        fprintf(stderr, "digitpad: the unsaved model could not be kept: %s\n", dp_error());
        return;
    }
    fprintf(stderr, "digitpad: the unsaved model was kept in %s.model; the next start offers it\n", stem);
    verbose_line("autosaved", "%s.model", stem);
}

void closing_request(app *a)
{
    int by_system = atomic_load(&a->terminate), unsaved = model_any_unsaved(&a->model);
    if (by_system || !unsaved || a->opt.screenshot_path) {
        if (by_system && unsaved && !a->opt.screenshot_path) autosave(a);
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

/* "trained here, 97.82 % on the MNIST test set, kept on 2026-12-07 at 18:03" */
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

typedef struct {
    char newest[256];
} autosave_scan;

static int is_before(const char *name)
{
    size_t n = strlen(name), k = strlen("-before.model");
    return n > k && strcmp(name + n - k, "-before.model") == 0;
}

/* The newest autosave (the names sort by time). */
static int note_autosave(void *ctx, const char *name)
{
    autosave_scan *s = ctx;
    size_t n = strlen(name);
    if (strncmp(name, "autosave-", 9) != 0 || n < 7 || strcmp(name + n - 6, ".model") != 0 || is_before(name)) return 0;
    if (n < sizeof s->newest && strcmp(name, s->newest) > 0) snprintf(s->newest, sizeof s->newest, "%s", name);
    return 0;
}

/* The model before it, saved with it: path with "-before" before ".model". */
static void before_path(const char *path, char *out, size_t size)
{
    size_t n = strlen(path);
    snprintf(out, size, "%.*s-before.model", (int)(n > 6 ? n - 6 : n), path);
}

void closing_offer_restore(app *a)
{
    char dir[4096];
    autosave_scan scan = {""};
    app_user_data_dir(dir, sizeof dir);
    if (a->opt.screenshot_path || dp_list_dir(dir, note_autosave, &scan) != 0 || !scan.newest[0]) return;
    int n = snprintf(a->restore_path, sizeof a->restore_path, "%s/%s", dir, scan.newest);
    if (n < 0 || (size_t)n >= sizeof a->restore_path) return;
    if (describe_autosave(a->restore_path, a->restore_what, sizeof a->restore_what) != 0) {
        status_set(&a->status, 1, "an unsaved model was kept, but cannot be read: %s", dp_error());
        return;
    }
    dialog_open(&a->dialog, DIALOG_RESTORE);
}

void window_restore_choice(app *a, int restore)
{
    char before[4200];
    before_path(a->restore_path, before, sizeof before);
    int has_before = dp_path_kind_of(before) == DP_PATH_FILE;
    verbose_line("restore_choice", "%s", restore ? "restore" : "discard");
    dialog_open(&a->dialog, DIALOG_NONE);
    if (restore) {
        int had_previous = a->model.previous != NULL;
        if (model_keep_previous(&a->model) != 0 || model_load(&a->model, a->restore_path, &a->status) != 0) {
            if (!had_previous) model_drop_previous(&a->model);
            return;   /* the files stay, and are offered again next time */
        }
        app_copy_text(a->model.name, sizeof a->model.name, "restored model");
        a->model.unsaved = 1;   /* still in no file of the user's */
        if (has_before && model_previous_from_file(&a->model, before, "the model before it") != 0)
            status_set(&a->status, 1, "the model before the restored one cannot be read: %s", dp_error());
        else status_set(&a->status, 0, "restored the unsaved model; Save… keeps it in a file");
    }
    if (dp_remove_file(a->restore_path) != 0 || (has_before && dp_remove_file(before) != 0))
        status_set(&a->status, 1, "%s", dp_error());
}

/* What spans the window's modules (see actions.h). */
#include "actions.h"
#include "pictures.h"
#include "closing.h"
#include "common.h"
#include "paths.h"
#include "platform.h"
#include "train_csv.h"
#include "training.h"
#include "verbose.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void actions_read_drawing(app *a)
{
    int drawing_changed;
    status_follow_canvas(&a->status, a->canvas.draw.version);   /* "… is on the canvas" once it is not */
    if (!reading_update(&a->reading, &a->model, &a->canvas.draw, &drawing_changed)) return;
    a->dirty = 1;
    verbose_probs("predict", a->reading.has_digit, a->reading.probs);
    training_follow_drawing(a, drawing_changed);
}

/* ---- the canvas --------------------------------------------------------------------- */

void actions_clear(app *a) { drawing_clear(&a->canvas.draw); }

void actions_undo(app *a)
{
    if (kept_undo(&a->kept, &a->canvas.draw, 0, &a->status)) status_about_canvas(&a->status, a->canvas.draw.version);
    else drawing_undo(&a->canvas.draw);
}

void actions_redo(app *a)
{
    if (kept_redo(&a->kept, &a->canvas.draw, &a->status)) status_about_canvas(&a->status, a->canvas.draw.version);
    else drawing_redo(&a->canvas.draw);
}

void actions_keep(app *a, int digit)
{
    /* "kept as 2 (Ctrl+Z takes it back)": true until the next stroke */
    if (kept_keep(&a->kept, &a->canvas.draw, digit, &a->status) == 0) status_about_canvas(&a->status, a->canvas.draw.version);
}

/* An image on the canvas to draw over (the network reads both). */
static void put_image(app *a, const uint8_t *img28, const char *what)
{
    float image[DRAWING_IMAGE_PIXELS];
    for (int i = 0; i < DRAWING_IMAGE_PIXELS; i++) image[i] = (float)img28[i] * (1.0f / 255.0f);
    if (drawing_put_image(&a->canvas.draw, image) != 0) {
        status_set(&a->status, 1, "could not put %s on the canvas: out of memory", what);
        return;
    }
    status_set(&a->status, 0, "%s is on the canvas: draw over it to see what changes (C clears it, Ctrl+Z takes it back)",
               what);
    status_about_canvas(&a->status, a->canvas.draw.version);
}

static void open_test_digit(app *a, int i)
{
    if (!a->eval.have || i < 0 || i >= a->eval.result.e.n) return;
    char what[96];
    const uint8_t *img = evalview_test_digit(&a->eval, i, what, sizeof what);
    const eval_result *r = &a->eval.result;
    verbose_line("opened", "%d\t%d\t%d\t%.6f", i, r->labels[i], r->e.answers[i],
                 (double)r->e.probs[(long)i * DP_CLASSES + r->e.answers[i]]);
    put_image(a, img, what);
    dialog_open(&a->dialog, DIALOG_NONE);
}

static void open_nearest(app *a, int index)
{
    char what[64];
    const uint8_t *img = views_nearest_image(&a->views, index, what, sizeof what);
    if (!img) return;
    verbose_line("opened_nearest", "%d\t%d", index, a->views.current.labels[index]);
    put_image(a, img, what);
}

/* ---- files ------------------------------------------------------------------------ */

/* The metrics of `digitpad train --csv`, in the Training view. */
static int plot_csv(app *a, const char *path)
{
    unsigned char *data;
    size_t len;
    char err[512];
    if (dp_read_file(path, 64UL << 20, &data, &len) != 0) {
        status_set(&a->status, 1, "could not plot: %s", dp_error());
        return -1;
    }
    /* Into new curves: a file that cannot be read leaves the charts as they were. */
    train_curves plot;
    train_curves_init(&plot);
    int rows = train_csv_parse((const char *)data, len, path, &plot.loss, &plot.loss_smooth, &plot.test, err, sizeof err);
    free(data);
    if (rows < 0) {
        train_curves_free(&plot);
        status_set(&a->status, 1, "could not plot: %s", err);
        return -1;
    }
    train_curves_free(&a->train.curves);
    a->train.curves = plot;
    const chart_series *t = &plot.test;
    if (t->n) status_set(&a->status, 0, "plotted %s: %d steps, last test accuracy %.2f%%", path, rows, 100.0 * t->y[t->n - 1]);
    else status_set(&a->status, 0, "plotted %s: %d steps", path, rows);
    verbose_line("plotted", "%d\t%d", rows, t->n);
    views_set(&a->views, VIEW_TRAINING);
    return 0;
}

static int ends_with(const char *s, const char *end)
{
    size_t n = strlen(s), m = strlen(end);
    return n > m && strcmp(s + n - m, end) == 0;
}

static int open_strokes(app *a, const char *path)
{
    dp_strokes s;
    dp_strokes_init(&s);
    int rc = dp_strokes_load(&s, path) == 0 && drawing_replace(&a->canvas.draw, &s) == 0 ? 0 : -1;
    if (rc == 0) {
        status_set(&a->status, 0, "opened drawing %s", path);
        status_about_canvas(&a->status, a->canvas.draw.version);
    }
    else status_set(&a->status, 1, "could not open %s: %s", path, dp_error());
    dp_strokes_free(&s);
    return rc;
}

int actions_open_file(app *a, const char *path, int strokes_too)
{
    int csv = ends_with(path, ".csv"), model = !csv && (!strokes_too || ends_with(path, ".model"));
    if (!csv && !model) return open_strokes(a, path);
    const char *why = training_blocker(a);
    if (why) {
        if (csv) status_set(&a->status, 1, "cannot plot %s: %s", path, why);
        else status_set(&a->status, 1, "cannot load a model: %s", why);
        return -1;
    }
    if (csv) return plot_csv(a, path);
    int had_previous = a->model.previous != NULL;   /* the way back to the model before, kept first */
    if (model_keep_previous(&a->model) != 0) {
        status_set(&a->status, 1, "cannot load a model: %s", dp_error());
        return -1;
    }
    if (model_load(&a->model, path, &a->status) != 0) {
        if (!had_previous) model_drop_previous(&a->model);
        return -1;
    }
    return 0;
}

/* A model the user saved; in a browser page it is also handed over as a
 * download (the page's own files are out of the user's reach). */
int actions_save_model(app *a, const char *path)
{
    if (model_save(&a->model, path, &a->status) != 0) return -1;
    int handed = dp_hand_over_file(path, app_base_name(path));
    if (handed > 0) status_set(&a->status, 0, "saved %s (the browser downloads it)", app_base_name(path));
    else if (handed < 0) status_set(&a->status, 1, "saved %s, but %s", path, dp_error());
    return 0;
}

void actions_picture(app *a, const char *what, ui_rect part)
{
    a->picture.pending = 1;   /* taken once this frame is drawn */
    a->picture.rect = part;
    app_copy_text(a->picture.name, sizeof a->picture.name, what);
}

/* ---- files chosen with the desktop's chooser, or the window's dialogs ---------------- */

static int native(app *a) { return a->chooser && !a->opt.screenshot_path; }

static int ask(app *a, const char *title, choose_purpose purpose, const char *save_as)
{
    if (chooser_open(a->chooser, title, purpose, save_as) != 0) {
        status_set(&a->status, 1, "the file chooser is open already: answer it first");
        return -1;
    }
    status_set(&a->status, 0, "choosing a file…");
    return 0;
}

static void choose_or_open(app *a, dialog_kind kind)
{
    if (!native(a) || (kind != DIALOG_SAVE && kind != DIALOG_LOAD)) {
        dialog_open(&a->dialog, kind);
        return;
    }
    char path[PATH_MAX];
    app_default_model_path(path, sizeof path);
    if (kind == DIALOG_SAVE) ask(a, "Save the model", CHOOSE_SAVE_MODEL, path);
    else ask(a, "Load a model or a train --csv file", CHOOSE_LOAD, NULL);
}

static void browse(app *a, dialog_kind kind)
{
    if (!a->chooser) return;
    char typed[PATH_MAX];
    dialog_typed_path(&a->dialog, typed, sizeof typed);
    if (kind == DIALOG_SAVE) ask(a, "Save the model", CHOOSE_SAVE_MODEL, typed);
    else ask(a, "Load a model or a train --csv file", CHOOSE_LOAD, NULL);
}

void actions_picture_now(app *a, const char *what, ui_rect part)
{
    if (!native(a) || chooser_busy(a->chooser)) {
        picture_save_to_user_dir(a->ren, what, &part, &a->status);
        return;
    }
    SDL_FreeSurface(a->held_picture);
    a->held_picture = picture_capture(a->ren, &part);   /* the view as it was when asked */
    if (!a->held_picture) {
        status_set(&a->status, 1, "could not take the picture: %s", SDL_GetError());
        return;
    }
    char path[PATH_MAX + 128];
    picture_default_path(what, path, sizeof path);
    ask(a, "Save the picture", CHOOSE_SAVE_PICTURE, path);
}

static void chosen(app *a, choose_purpose purpose, const char *path)
{
    if (purpose == CHOOSE_LOAD) {   /* the window's dialog (if open) stays, saying why, if it did not work */
        if (actions_open_file(a, path, 0) == 0) {
            if (a->dialog.open == DIALOG_LOAD) dialog_open(&a->dialog, DIALOG_NONE);
        } else if (a->dialog.open == DIALOG_LOAD) {
            dialog_set_error(&a->dialog, a->status.text);
        } else {
            dialog_message(&a->dialog, "The model was not loaded", a->status.text);
        }
    } else if (purpose == CHOOSE_SAVE_MODEL) {
        int ok = actions_save_model(a, path) == 0;
        if (ok && a->dialog.open == DIALOG_SAVE) dialog_open(&a->dialog, DIALOG_NONE);
        else if (!ok && a->dialog.open == DIALOG_SAVE) dialog_set_error(&a->dialog, a->status.text);
        else if (!ok) dialog_message(&a->dialog, "The model was not saved", a->status.text);
        closing_saved(a, ok);
    } else if (a->held_picture) {
        if (picture_save_surface(a->held_picture, path, &a->status, 1) != 0)
            dialog_message(&a->dialog, "The picture was not saved", a->status.text);
    }
}

void actions_poll(app *a)
{
    char path[PATH_MAX], error[512];
    choose_purpose purpose;
    if (!a->chooser) return;
    chooser_answer answer = chooser_take(a->chooser, path, sizeof path, error, sizeof error, &purpose);
    if (answer == CHOSEN_NOTHING) return;
    if (answer == CHOSEN_FILE) chosen(a, purpose, path);
    else if (answer == CHOSEN_ERROR) status_set(&a->status, 1, "%s", error);
    else status_set(&a->status, 0, "no file chosen");
    if (purpose == CHOOSE_SAVE_PICTURE) {
        SDL_FreeSurface(a->held_picture);
        a->held_picture = NULL;
    }
    if (purpose == CHOOSE_SAVE_MODEL && answer != CHOSEN_FILE) closing_saved(a, 0);
    a->dirty = 1;
}

/* ---- the commands of a frame ---------------------------------------------------------- */

static void run_one(app *a, const command *c)
{
    switch (c->kind) {
    case CMD_TRAIN: training_start(a); break;
    case CMD_STOP: training_stop(a); break;
    case CMD_EVALUATE: training_evaluate(a); break;
    case CMD_FINETUNE: training_finetune(a); break;
    case CMD_FINETUNE_CHOICE: training_finetune_choice(a, c->arg); break;
    case CMD_PREVIOUS: training_previous_choice(a, c->arg); break;
    case CMD_QUIT_CHOICE: window_quit_choice(a, c->arg); break;
    case CMD_RESTORE: window_restore_choice(a, c->arg); break;
    case CMD_DIALOG: choose_or_open(a, (dialog_kind)c->arg); break;
    case CMD_UNDO: actions_undo(a); break;
    case CMD_REDO: actions_redo(a); break;
    case CMD_CLEAR: actions_clear(a); break;
    case CMD_KEEP: actions_keep(a, c->arg); break;
    case CMD_COLLECT: kept_set_collect(&a->kept, c->arg, &a->status); break;
    case CMD_VIEW: views_set(&a->views, (view_id)c->arg); break;
    case CMD_SAVE_PICTURE: actions_picture(a, c->text, c->rect); break;
    case CMD_SAVE_MODEL: {
        int ok = actions_save_model(a, c->text) == 0;
        if (ok) dialog_open(&a->dialog, DIALOG_NONE);
        else dialog_set_error(&a->dialog, a->status.text);   /* where the user is looking */
        closing_saved(a, ok);
        break;
    }
    case CMD_OPEN_FILE:
        if (actions_open_file(a, c->text, 0) == 0) dialog_open(&a->dialog, DIALOG_NONE);
        else dialog_set_error(&a->dialog, a->status.text);
        break;
    case CMD_BROWSE: browse(a, (dialog_kind)c->arg); break;
    case CMD_OPEN_TEST_DIGIT: open_test_digit(a, c->arg); break;
    case CMD_OPEN_NEAREST: open_nearest(a, c->arg); break;
    }
}

void actions_run(app *a)
{
    for (int i = 0; i < a->cmds.n; i++) {
        run_one(a, &a->cmds.items[i]);
        a->dirty = 1;
    }
    a->cmds.n = 0;
}

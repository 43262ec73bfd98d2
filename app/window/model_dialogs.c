/* The dialogs about the model in use (see model_dialogs.h). */
#include "model_dialogs.h"
#include "theme.h"
#include "widget_ids.h"

#include <math.h>
#include <stdio.h>

static void accuracy_text(char *out, size_t size, double acc)
{
    if (isnan(acc)) snprintf(out, size, "not measured");
    else snprintf(out, size, "%.2f %%", 100.0 * acc);
}

void trained_draw(frame *f, const jobs_status *job, const model_state *m)
{
    tune_layout t;
    tune_layout_compute(&t, f->lay);
    char title[96], before[32], after[32], delta[32] = "";
    if (job->phase == PHASE_STOPPED) snprintf(title, sizeof title, "Training stopped at step %ld", job->progress.step);
    else snprintf(title, sizeof title, "Training finished: %ld steps", job->progress.step);
    dialog_draw_card(f, &t.box, title);
    int x = t.box.x, y = t.header_y;
    text_draw(f->text, FONT_SMALL, "before", t.col[0], y, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_MIDDLE);
    text_draw(f->text, FONT_SMALL, "after", t.col[1], y, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_MIDDLE);
    text_draw(f->text, FONT_SMALL, "points", t.col[2], y, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_MIDDLE);
    y += t.row * 3 / 4 + t.row / 2;
    accuracy_text(before, sizeof before, m->previous_accuracy);
    accuracy_text(after, sizeof after, m->accuracy);
    double d = 100.0 * (m->accuracy - m->previous_accuracy);
    if (!isnan(d)) snprintf(delta, sizeof delta, "%+.2f", d);
    text_draw(f->text, FONT_NORMAL, "MNIST test set (10,000)", x, y, THEME_TEXT, TEXT_LEFT | TEXT_MIDDLE);
    text_draw(f->text, FONT_NORMAL, before, t.col[0], y, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_MIDDLE);
    text_draw(f->text, FONT_NORMAL, after, t.col[1], y, THEME_ACCENT, TEXT_RIGHT | TEXT_MIDDLE);
    text_draw(f->text, FONT_NORMAL, delta, t.col[2], y, isnan(d) || fabs(d) < 0.005 ? THEME_TEXT_DIM : d > 0 ? THEME_GOOD : THEME_BAD,
              TEXT_RIGHT | TEXT_MIDDLE);
    char note[400];
    snprintf(note, sizeof note, "Before: %s. Until you keep the new model, going back stays one click away at the "
             "bottom of the window.", m->previous_name);
    dialog_draw_wrapped(f, note, x, t.note_y, t.box.w, THEME_TEXT_DIM);
    int keep_default = model_keep_is_default(m);
    char back[320];
    model_previous_label(m, back, sizeof back);
    if (ui_button(f->ui, ID_DIALOG, t.box.button[0], "Keep the new model",
                  keep_default ? "Use the new model (Enter); Save… writes it to a file"
                               : "Use the new model although it scores lower; Save… writes it to a file",
                  1, keep_default))
        command_push(f->cmds, CMD_PREVIOUS, 1);
    if (ui_button(f->ui, ID_DIALOG + 1, t.box.button[1], "Go back", back, 1, !keep_default))
        command_push(f->cmds, CMD_PREVIOUS, 0);
}

/* A message with up to three buttons (labels from the right, NULL ends). */
static void question_draw(frame *f, const char *title, const char *body, const char *const *labels,
                          const char *const *tips, const int *args, command_kind kind)
{
    int n = 0;
    while (n < 3 && labels[n]) n++;
    message_layout ml;
    message_layout_compute(&ml, f->lay, n);
    dialog_draw_card(f, &ml.box, title);
    dialog_draw_wrapped(f, body, ml.box.x, ml.text_y, ml.box.w, THEME_TEXT);
    for (int i = 0; i < 3 && labels[i]; i++)
        if (ui_button(f->ui, ID_DIALOG + i, ml.box.button[i], labels[i], tips[i], 1, i == 0))
            command_push(f->cmds, kind, args[i]);
}

void quit_draw(frame *f, const model_state *m)
{
    char body[700];
    const char *before = m->previous && m->previous_unsaved ? m->previous_name
                       : m->before && m->before_unsaved ? m->before_name : NULL;
    if (m->unsaved && before)
        snprintf(body, sizeof body, "The model in use (%s) is not saved in a file, nor is the one before it (%s). "
                 "Save the one in use before closing, or close and discard them?", m->name, before);
    else if (m->unsaved)
        snprintf(body, sizeof body, "The model in use (%s) is not saved in a file. Save it before closing, or close "
                 "and discard it?", m->name);
    else
        snprintf(body, sizeof body, "The model before the one in use (%s) is in no file: closing discards it. Save… "
                 "saves the one in use; Cancel, then Go back, to keep the other.", before ? before : "");
    static const char *const labels[] = {"Save…", "Discard", "Cancel", NULL};
    static const char *const tips[] = {"Choose a file, save, then close (Enter)", "Close without saving (D)",
                                       "Back to the window (Esc)"};
    static const int args[] = {QUIT_SAVE, QUIT_DISCARD, QUIT_CANCEL};
    question_draw(f, "Close digitpad?", body, labels, tips, args, CMD_QUIT_CHOICE);
}

void restore_draw(frame *f, const char *what)
{
    char body[700];
    snprintf(body, sizeof body, "digitpad was closed with a model that was not saved: %s. It was kept for you. "
             "Use it again?", what);
    static const char *const labels[] = {"Restore", "Discard", NULL};
    static const char *const tips[] = {"Use the kept model (Enter); Save… writes it to a file",
                                       "Delete the kept model"};
    static const int args[] = {1, 0};
    question_draw(f, "Restore the unsaved model?", body, labels, tips, args, CMD_RESTORE);
}

int model_dialogs_key(dialog_state *d, const SDL_KeyboardEvent *k, const model_state *m, command_queue *cmds)
{
    SDL_Keycode key = k->keysym.sym;
    int enter = key == SDLK_RETURN || key == SDLK_KP_ENTER;
    if (key == SDLK_F12) return 0;
    if (key == SDLK_ESCAPE) {   /* closes; a choice left open stays at the bottom of the window */
        if (d->open == DIALOG_QUIT) command_push(cmds, CMD_QUIT_CHOICE, QUIT_CANCEL);
        else dialog_open(d, DIALOG_NONE);
    } else if (enter && d->open == DIALOG_TRAINED) {
        command_push(cmds, CMD_PREVIOUS, model_keep_is_default(m));
    } else if (enter && d->open == DIALOG_QUIT) {
        command_push(cmds, CMD_QUIT_CHOICE, QUIT_SAVE);
    } else if (key == SDLK_d && d->open == DIALOG_QUIT) {
        command_push(cmds, CMD_QUIT_CHOICE, QUIT_DISCARD);
    } else if (enter && d->open == DIALOG_RESTORE) {
        command_push(cmds, CMD_RESTORE, 1);
    }
    return 1;
}

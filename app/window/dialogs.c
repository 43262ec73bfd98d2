/* The simple dialogs (see dialogs.h). */
#include "dialogs.h"
#include "paths.h"
#include "platform.h"
#include "theme.h"
#include "widget_ids.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static const int batch_choices[] = {16, 32, 64, 128, 256};
static const float lr_choices[] = {0.0001f, 0.0002f, 0.0005f, 0.001f, 0.002f, 0.005f, 0.01f};

/* Save or Load what is typed (the command closes the dialog if it works). */
static void confirm_path(dialog_state *d, command_queue *cmds)
{
    char path[4096];
    dialog_typed_path(d, path, sizeof path);
    if (!path[0]) return;
    command_push_text(cmds, d->open == DIALOG_SAVE ? CMD_SAVE_MODEL : CMD_OPEN_FILE, path, (ui_rect){0, 0, 0, 0});
}

int dialogs_key(dialog_state *d, const SDL_KeyboardEvent *k, command_queue *cmds)
{
    SDL_Keycode key = k->keysym.sym;
    int text = d->open == DIALOG_SAVE || d->open == DIALOG_LOAD;
    if (key == SDLK_F12) return 0;
    if (key == SDLK_ESCAPE) dialog_open(d, DIALOG_NONE);
    else if (key == SDLK_RETURN || key == SDLK_KP_ENTER) text ? confirm_path(d, cmds) : dialog_open(d, DIALOG_NONE);
    else if (d->open == DIALOG_LOAD && (key == SDLK_PAGEUP || key == SDLK_PAGEDOWN))
        dialog_scroll_list(d, key == SDLK_PAGEUP ? FILE_ROWS : -FILE_ROWS);
    else if (text) dialog_edit_key(d, k);
    return 1;
}

/* ---- settings -------------------------------------------------------------------- */

static int index_of_batch(int b)
{
    for (int i = 0; i < 5; i++)
        if (batch_choices[i] >= b) return i;
    return 4;
}

static int index_of_lr(float lr)
{
    for (int i = 0; i < 7; i++)
        if (lr_choices[i] >= lr * 0.999f) return i;
    return 6;
}

/* One "name  [-] value [+]" row; returns -1, 0 or +1. */
static int stepper(frame *f, const settings_layout *s, int row, int id, const char *name, const char *value)
{
    ui_rect r = s->row[row];
    text_draw(f->text, FONT_NORMAL, name, r.x, r.y + r.h / 2, THEME_TEXT, TEXT_LEFT | TEXT_MIDDLE);
    int delta = 0;
    if (ui_button(f->ui, id, s->minus[row], "−", NULL, 1, 0)) delta = -1;
    text_draw(f->text, FONT_NORMAL, value, s->value_x[row], r.y + r.h / 2, THEME_ACCENT, TEXT_CENTER | TEXT_MIDDLE);
    if (ui_button(f->ui, id + 1, s->plus[row], "+", NULL, 1, 0)) delta = 1;
    f->redraw |= delta != 0;
    return delta;
}

void settings_draw(frame *f, train_settings *t, dialog_state *d)
{
    settings_layout s;
    settings_layout_compute(&s, f->lay);
    dialog_draw_card(f, &s.box, "Training settings");
    dp_train_cfg *cfg = &t->cfg;
    char v[32];
    snprintf(v, sizeof v, "%d", cfg->epochs);
    int e = cfg->epochs + stepper(f, &s, 0, ID_DIALOG, "Epochs", v);
    cfg->epochs = e < 1 ? 1 : e > 50 ? 50 : e;
    snprintf(v, sizeof v, "%d", cfg->batch);
    int bi = index_of_batch(cfg->batch) + stepper(f, &s, 1, ID_DIALOG + 2, "Batch size", v);
    cfg->batch = batch_choices[bi < 0 ? 0 : bi > 4 ? 4 : bi];
    snprintf(v, sizeof v, "%g", (double)cfg->lr);
    int li = index_of_lr(cfg->lr) + stepper(f, &s, 2, ID_DIALOG + 4, "Learning rate (Adam)", v);
    cfg->lr = lr_choices[li < 0 ? 0 : li > 6 ? 6 : li];
    text_draw(f->text, FONT_NORMAL, "Start from", s.start_label.x, s.start_label.y, THEME_TEXT, TEXT_LEFT | TEXT_MIDDLE);
    if (ui_button(f->ui, ID_DIALOG + 6, s.start_new, "new network", "Train the seed network from random weights", 1,
                  !t->from_current))
        t->from_current = 0, f->redraw = 1;
    if (ui_button(f->ui, ID_DIALOG + 7, s.start_current, "current model", "Continue training the model in use", 1,
                  t->from_current))
        t->from_current = 1, f->redraw = 1;
    if (ui_button(f->ui, ID_DIALOG + 8, s.box.button[0], "Done", "Close (Enter)", 1, 1))
        dialog_open(d, DIALOG_NONE), f->redraw = 1;
}

/* ---- save and load ------------------------------------------------------------------ */

static void file_buttons(frame *f, dialog_state *d, const dialog_box *b, const char *verb)
{
    char tip[32];
    snprintf(tip, sizeof tip, "%s (Enter)", verb);
    if (ui_button(f->ui, ID_DIALOG, b->button[0], verb, tip, d->path.text[0], 1)) confirm_path(d, f->cmds);
    if (ui_button(f->ui, ID_DIALOG + 1, b->button[1], "Cancel", "Close (Esc)", 1, 0))
        dialog_open(d, DIALOG_NONE), f->redraw = 1;
}

/* The line over the list or field; the short one in a narrow dialog. */
static void draw_hint(frame *f, const file_layout *l, const char *hint, const char *short_hint)
{
    const char *s = text_width(f->text, FONT_NORMAL, hint) <= l->box.w ? hint : short_hint;
    text_draw(f->text, FONT_NORMAL, s, l->box.x, l->hint_y, THEME_TEXT_DIM, TEXT_LEFT);
}

/* Why the last Save or Load failed, in full under the field. */
static void draw_error(frame *f, const dialog_state *d, const file_layout *l)
{
    if (d->error[0]) dialog_draw_wrapped(f, d->error, l->box.x, l->error_y, l->box.w, THEME_BAD);
}

static int error_height(frame *f, const dialog_state *d, int width)
{
    return d->error[0] ? dialog_wrapped_height(f, d->error, width) + (int)(8 * f->lay->scale) : 0;
}

void save_draw(frame *f, dialog_state *d)
{
    file_layout l;
    save_layout_compute(&l, f->lay, d->chooser, 0);
    save_layout_compute(&l, f->lay, d->chooser, error_height(f, d, l.box.w));
    dialog_draw_card(f, &l.box, "Save model");
    draw_hint(f, &l, "File (the folder is created if needed; an existing file is replaced safely):", "File:");
    dialog_draw_field(f, l.field, &d->path);
    draw_error(f, d, &l);
    file_buttons(f, d, &l.box, "Save");
    if (d->chooser && ui_button(f->ui, ID_DIALOG + 2, l.box.button[2], "Browse…",
                                "Choose where with the system's file chooser", 1, 0))
        command_push(f->cmds, CMD_BROWSE, DIALOG_SAVE);
}

/* One model of the list: its name, and under it its date, architecture and accuracy. */
static void model_row(frame *f, dialog_state *d, int i, ui_rect r)
{
    model_list_detail(&d->models, i);
    const model_entry *e = &d->models.items[i];
    if (ui_button(f->ui, ID_LOAD_LIST + i % 100, r, "", e->path, e->readable, 0)) {
        tf_set(&d->path, e->path);   /* shown in the field if it fails */
        confirm_path(d, f->cmds);
    }
    int pad = f->lay->pad, lh = text_height(f->text, FONT_NORMAL);
    char fitted[300];
    const char *name = text_fit_head(f->text, FONT_NORMAL, e->name, r.w - 2 * pad, fitted, sizeof fitted);
    text_draw(f->text, FONT_NORMAL, name, r.x + pad, r.y + r.h / 2 - lh / 2, e->readable ? THEME_TEXT : THEME_DISABLED,
              TEXT_LEFT | TEXT_MIDDLE);
    char sum[300];
    const char *summary = text_fit_head(f->text, FONT_SMALL, e->summary, r.w - 2 * pad, sum, sizeof sum);
    text_draw(f->text, FONT_SMALL, summary, r.x + pad, r.y + r.h / 2 + lh / 2, THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE);
}

void load_draw(frame *f, dialog_state *d)
{
    int n = d->models.n, rows = n < FILE_ROWS ? n : FILE_ROWS;
    file_layout l;
    load_layout_compute(&l, f->lay, rows, d->chooser, 0);
    load_layout_compute(&l, f->lay, rows, d->chooser, error_height(f, d, l.box.w));
    dialog_draw_card(f, &l.box, "Load model");
    char hint[160];
    if (n > FILE_ROWS)
        snprintf(hint, sizeof hint, "%d models, newest first (the wheel scrolls); or type a path (a .csv is plotted):", n);
    else
        snprintf(hint, sizeof hint, "%s", n ? "Pick a model, or type a path (a .csv from train --csv is plotted):"
                                            : "Type the path of a model file (a .csv from train --csv is plotted):");
    draw_hint(f, &l, hint, n ? "Pick a model, or type a path:" : "Type a path:");
    for (int k = 0; k < rows && d->list_scroll + k < n; k++) model_row(f, d, d->list_scroll + k, l.listed[k]);
    dialog_draw_field(f, l.field, &d->path);
    draw_error(f, d, &l);
    file_buttons(f, d, &l.box, "Load");
    if (d->chooser && ui_button(f->ui, ID_DIALOG + 2, l.box.button[2], "Browse…",
                                "Choose a file with the system's file chooser", 1, 0))
        command_push(f->cmds, CMD_BROWSE, DIALOG_LOAD);
}

/* ---- help and messages ----------------------------------------------------------------- */

void help_draw(frame *f, dialog_state *d)
{
    static const char *keys[][2] = {
        {"draw", "left mouse button on the canvas"}, {"C, Backspace, Delete", "clear the canvas"},
        {"Ctrl+Z / Ctrl+Y", "undo / redo a stroke, a clear, an image"}, {"[ and ], mouse wheel", "brush width"},
        {"B", "show the bounding box and centre of mass"}, {"T", "train on MNIST"},
        {"Esc", "close a dialog, end Collect, else stop training"},
        {"E", "evaluate on the MNIST test set"}, {"Ctrl+S / Ctrl+O", "save / load a model"},
        {"Ctrl+= / Ctrl+- / Ctrl+0", "zoom in / out / back to 100 %"},
        {"0 – 9", "keep the drawing as that digit"},
        {"M / P / F", "my digits / collect in turn / fine-tune"},
        {"V / Shift+V", "next / previous view under the canvas"},
        {"R", "also the answer to the canvas unprepared"},
        {"F12", "save a screenshot"}, {"F1 or ?", "this help"},
        {"a click on the status line", "the last 50 messages"},
    };
    int n = (int)(sizeof keys / sizeof keys[0]);
    help_layout h;
    help_layout_compute(&h, f->lay, n);
    dialog_draw_card(f, &h.box, "Keys");
    for (int i = 0; i < n; i++) {
        int y = h.y0 + i * h.row, dy = h.stacked ? h.row * 9 / 20 : 0;
        text_draw(f->text, FONT_NORMAL, keys[i][0], h.box.x, y, THEME_ACCENT, TEXT_LEFT);
        char fitted[128];
        const char *desc = text_fit_head(f->text, FONT_NORMAL, keys[i][1], h.box.x + h.box.w - h.desc_x, fitted, sizeof fitted);
        text_draw(f->text, FONT_NORMAL, desc, h.desc_x, y + dy, THEME_TEXT, TEXT_LEFT);
    }
    dialog_draw_wrapped(f, "Drop a .model file on the window to load it, a stroke file to draw it, a .csv to plot it.",
                        h.box.x, h.note_y, h.box.w, THEME_TEXT_DIM);
    if (ui_button(f->ui, ID_DIALOG, h.box.button[0], "Close", "Close (Esc)", 1, 1))
        dialog_open(d, DIALOG_NONE), f->redraw = 1;
}

void message_draw(frame *f, dialog_state *d)
{
    message_layout m;
    message_layout_compute(&m, f->lay, 1);
    dialog_draw_card(f, &m.box, d->title);
    dialog_draw_wrapped(f, d->body, m.box.x, m.text_y, m.box.w, THEME_TEXT);
    if (ui_button(f->ui, ID_DIALOG, m.box.button[0], "OK", "Close (Enter)", 1, 1))
        dialog_open(d, DIALOG_NONE), f->redraw = 1;
}

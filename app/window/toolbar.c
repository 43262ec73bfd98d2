#include "toolbar.h"
#include "dialog.h"
#include "theme.h"
#include "widget_ids.h"

#include <stdio.h>

static void button(frame *f, button_id b, const char *label, const char *tip, int enabled, int primary,
                   command_kind kind, int arg)
{
    if (ui_button(f->ui, ID_TOOLBAR + b, f->lay->buttons[b], label, tip, enabled, primary)) command_push(f->cmds, kind, arg);
}

static void draw_brush(frame *f, canvas_view *c)
{
    ui_rect br = f->lay->brush;
    if (br.w <= 0) return;
    char label[32];
    snprintf(label, sizeof label, "Brush %d", (int)(c->brush + 0.5f));
    int lw = text_width(f->text, FONT_SMALL, "Brush 00") + f->lay->pad / 2;
    if (br.w - lw < 2 * f->lay->min_control) lw = 0;   /* a narrow window: the slider alone (its tip names it) */
    else text_draw(f->text, FONT_SMALL, label, br.x, br.y + br.h / 2, THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE);
    ui_rect slider = {br.x + lw, br.y, br.w - lw, br.h};
    float width = c->brush;
    if (ui_slider(f->ui, ID_BRUSH, slider, &width, BRUSH_MIN, BRUSH_MAX,
                  "Brush width for the next strokes ([ and ], or the mouse wheel); the network sees a normalised stroke")) {
        canvas_set_brush(c, width);
        f->redraw = 1;
    }
}

void toolbar_draw(frame *f, canvas_view *c, const jobs_status *job)
{
    const ui_layout *l = f->lay;
    int busy = job->busy, training = busy && (job->kind == JOB_TRAIN || job->kind == JOB_FINETUNE);
    const drawing *d = &c->draw;
    draw_fill(f->ren, l->toolbar, THEME_PANEL);
    draw_fill(f->ren, (ui_rect){0, l->toolbar.h - 1, l->w, 1}, THEME_PANEL_EDGE);
    const char *train_label = !training ? "Train" : job->kind == JOB_FINETUNE ? "Tuning…" : "Training…";
    if (!l->train_stop_shared || !training)
        button(f, BTN_TRAIN, train_label, "Train a network on MNIST in the background (T)", !busy, 1, CMD_TRAIN, 0);
    if (!l->train_stop_shared || training)
        button(f, BTN_STOP, "Stop", "Stop training; keeps what was learned (Esc)", training, 0, CMD_STOP, 0);
    button(f, BTN_SETTINGS, "Settings…", "Epochs, batch size and learning rate for Train", !busy, 0, CMD_DIALOG,
           DIALOG_SETTINGS);
    button(f, BTN_EVAL, "Evaluate", "Score the model on the 10,000 MNIST test digits (E)", !busy, 0, CMD_EVALUATE, 0);
    button(f, BTN_SAVE, "Save…", "Save the model to a file (Ctrl+S)", 1, 0, CMD_DIALOG, DIALOG_SAVE);
    button(f, BTN_LOAD, "Load…", "Load a model file (Ctrl+O, or drop a file)", !busy, 0, CMD_DIALOG, DIALOG_LOAD);
    button(f, BTN_UNDO, "Undo", "Undo the last stroke, or the digit just kept (Ctrl+Z)", drawing_can_undo(d), 0, CMD_UNDO,
           0);
    button(f, BTN_REDO, "Redo", "Redo (Ctrl+Y)", drawing_can_redo(d), 0, CMD_REDO, 0);
    button(f, BTN_CLEAR, "Clear", "Clear the canvas (C, Backspace)", !drawing_is_empty(d) || drawing_image(d), 0,
           CMD_CLEAR, 0);
    button(f, BTN_HELP, "?", "Keys and help (F1)", 1, 0, CMD_DIALOG, DIALOG_HELP);
    draw_brush(f, c);
}

#include "scene.h"
#include "charts.h"
#include "kept_dialogs.h"
#include "model_dialogs.h"
#include "theme.h"
#include "toolbar.h"
#include "verbose.h"

static void draw_tooltip(frame *f)
{
    const ui_ctx *ui = f->ui;
    if (ui->tip != ui->tip_shown) verbose_line("tooltip", "%s", ui->tip ? ui->tip : "-");   /* for scripted tests */
    if (!ui->tip) return;
    int pad = f->lay->pad / 2;
    int w = text_width(f->text, FONT_SMALL, ui->tip) + 2 * pad, h = text_height(f->text, FONT_SMALL) + 2 * pad;
    ui_rect an = ui->tip_anchor;
    int x = an.x, y = an.y + an.h + pad;
    if (x + w > f->lay->w - 2) x = f->lay->w - 2 - w;
    if (x < 2) x = 2;
    if (y + h > f->lay->h) y = an.y - h - pad;
    draw_round(f->ren, (ui_rect){x, y, w, h}, pad, color_mix(THEME_BUTTON, THEME_TEXT, 0.08f));
    text_draw(f->text, FONT_SMALL, ui->tip, x + pad, y + pad, THEME_TEXT, TEXT_LEFT);
}

static side_inputs side_of(app *a)
{
    const drawing *d = &a->canvas.draw;
    int busy = a->train.job.busy;
    return (side_inputs){
        .reading = &a->reading, .model = &a->model, .kept = &a->kept, .drawing_empty = drawing_is_empty(d),
        .raw_shown = a->reading.with_raw && !drawing_image(d), .finetune_blocker = kept_finetune_blocker(&a->kept, busy),
    };
}

static void draw_under_canvas(app *a, frame *f)
{
    views_draw_tabs(f, &a->views);
    view_id shown = layout_shown_view(f->lay, a->views.view);
    if (shown == VIEW_TRAINING) {
        charts_draw(f, &a->train.curves, &a->train.job, &a->reading);
        return;
    }
    if (shown == VIEW_TEACH) {
        side_inputs in = side_of(a);
        draw_round(f->ren, f->lay->view_area, (int)(6 * f->lay->scale), THEME_PANEL);
        side_draw_teach(f, &in);
        return;
    }
    view_inputs in = {&a->reading, &a->canvas.draw, &a->model};
    views_draw(f, &a->views, &in);
}

/* The dialog open, if what it shows is there (else it closes). */
static void draw_dialog(app *a, frame *f)
{
    dialog_state *d = &a->dialog;
    gallery_env env = {d, &a->canvas.draw, &a->model, a->train.job.busy, &a->status};
    switch (d->open) {
    case DIALOG_SETTINGS: settings_draw(f, &a->settings, d); break;
    case DIALOG_SAVE: save_draw(f, d); break;
    case DIALOG_LOAD: load_draw(f, d); break;
    case DIALOG_HELP: help_draw(f, d); break;
    case DIALOG_MESSAGE: message_draw(f, d); break;
    case DIALOG_DIGITS: gallery_draw(f, &a->kept, &env); break;
    case DIALOG_EVAL:
        if (a->eval.have) evalview_draw_result(f, &a->eval, d, a->model.name);
        else dialog_open(d, DIALOG_NONE);
        break;
    case DIALOG_EVAL_CELL:
        if (a->eval.have && a->eval.result.e.n) evalview_draw_cell(f, &a->eval, d);
        else dialog_open(d, DIALOG_NONE);
        break;
    case DIALOG_FINETUNE:
        if (a->model.before) tune_result_draw(f, &a->train.job, &a->kept);
        else dialog_open(d, DIALOG_NONE);
        break;
    case DIALOG_TRAINED:
        if (a->model.previous) trained_draw(f, &a->train.job, &a->model);
        else dialog_open(d, DIALOG_NONE);
        break;
    case DIALOG_QUIT: quit_draw(f, &a->model); break;
    case DIALOG_RESTORE: restore_draw(f, a->restore_what); break;
    case DIALOG_HISTORY: status_history_draw(f, &a->status, a->dialog.list_scroll); break;
    case DIALOG_NONE: break;
    }
}

void scene_draw(app *a, frame *f)
{
    int dialog_open = a->dialog.open != DIALOG_NONE;
    SDL_SetRenderDrawColor(f->ren, THEME_BG.r, THEME_BG.g, THEME_BG.b, 255);
    SDL_RenderClear(f->ren);
    f->ui->blocked = dialog_open;   /* widgets under a dialog are inert */
    canvas_prompt prompt = {a->kept.collect, a->kept.prompt};
    canvas_draw(f, &a->canvas, &a->reading, prompt, dialog_open);
    side_inputs side = side_of(a);
    side_draw(f, &a->side, &side);
    draw_under_canvas(a, f);
    status_draw(f, &a->status, &a->train.job, a->model.name, a->model.unsaved);
    if (a->model.previous && !a->train.job.busy) {
        char back[320];
        model_previous_label(&a->model, back, sizeof back);
        status_draw_choice(f, back);
    }
    toolbar_draw(f, &a->canvas, &a->train.job);
    f->ui->blocked = 0;
    draw_dialog(a, f);
    draw_tooltip(f);   /* over everything; widgets under a dialog have none (they are blocked) */
}

/* Draws one frame of the window from the app state: toolbar, canvas, what
 * the network sees, the verdict and bars, the training charts, the status. */
#include "app.h"
#include "common.h"
#include "theme.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECOND_ABOVE 0.12f     /* an unsure answer names a runner-up above this: "1 or 7?" */

/* ---- coordinates ------------------------------------------------------------- */

int scene_window_to_canvas(const app *a, int px, int py, float *cx, float *cy)
{
    ui_rect c = a->lay.canvas;
    float k = c.w > 0 ? (float)DP_CANVAS / (float)c.w : 1.0f;
    *cx = ((float)(px - c.x) + 0.5f) * k;
    *cy = ((float)(py - c.y) + 0.5f) * k;
    return rect_contains(c, px, py);
}

void scene_canvas_to_window(const app *a, float cx, float cy, int *wx, int *wy)
{
    ui_rect c = a->lay.canvas;
    float k = (float)c.w / (float)DP_CANVAS;
    *wx = c.x + (int)(cx * k);
    *wy = c.y + (int)(cy * k);
}

/* ---- toolbar ------------------------------------------------------------------- */

enum { ID_BUTTON = 1, ID_BRUSH = 100, ID_KEEP = 120, ID_MINE = 140 };

static void draw_toolbar(app *a)
{
    ui_layout *l = &a->lay;
    ui_ctx *ui = &a->ui;
    int busy = jobs_busy(a->jobs), training = busy && (a->st.kind == JOB_TRAIN || a->st.kind == JOB_FINETUNE);
    draw_fill(a->ren, l->toolbar, THEME_PANEL);
    draw_fill(a->ren, (ui_rect){0, l->toolbar.h - 1, l->w, 1}, THEME_PANEL_EDGE);
    const ui_rect *b = l->buttons;
    const char *train_label = !training ? "Train" : a->st.kind == JOB_FINETUNE ? "Tuning…" : "Training…";
    if (ui_button(ui, ID_BUTTON + BTN_TRAIN, b[BTN_TRAIN], train_label,
                  "Train a network on MNIST in the background (T)", !busy, 1))
        app_action_train(a);
    if (ui_button(ui, ID_BUTTON + BTN_STOP, b[BTN_STOP], "Stop", "Stop training; keeps what was learned (Esc)",
                  training, 0))
        app_action_stop(a);
    if (ui_button(ui, ID_BUTTON + BTN_SETTINGS, b[BTN_SETTINGS], "Settings…",
                  "Epochs, batch size and learning rate for Train", !busy, 0))
        dialogs_open(a, MODAL_SETTINGS);
    if (ui_button(ui, ID_BUTTON + BTN_EVAL, b[BTN_EVAL], "Evaluate",
                  "Score the model on the 10,000 MNIST test digits (E)", !busy, 0))
        app_action_eval(a);
    if (ui_button(ui, ID_BUTTON + BTN_SAVE, b[BTN_SAVE], "Save…", "Save the model to a file (Ctrl+S)", 1, 0))
        dialogs_open(a, MODAL_SAVE);
    if (ui_button(ui, ID_BUTTON + BTN_LOAD, b[BTN_LOAD], "Load…", "Load a model file (Ctrl+O, or drop a file)",
                  !busy, 0))
        dialogs_open(a, MODAL_LOAD);
    if (ui_button(ui, ID_BUTTON + BTN_UNDO, b[BTN_UNDO], "Undo", "Undo the last stroke, or the digit just kept (Ctrl+Z)",
                  drawing_can_undo(&a->draw), 0) && !mine_undo(a, 0))
        drawing_undo(&a->draw);
    if (ui_button(ui, ID_BUTTON + BTN_REDO, b[BTN_REDO], "Redo", "Redo (Ctrl+Y)", drawing_can_redo(&a->draw), 0))
        drawing_redo(&a->draw);
    if (ui_button(ui, ID_BUTTON + BTN_CLEAR, b[BTN_CLEAR], "Clear", "Clear the canvas (C, Backspace)",
                  !drawing_is_empty(&a->draw) || drawing_layer(&a->draw), 0))
        app_clear_canvas(a);
    if (ui_button(ui, ID_BUTTON + BTN_HELP, b[BTN_HELP], "?", "Keys and help (F1)", 1, 0))
        dialogs_open(a, MODAL_HELP);

    ui_rect br = l->brush;
    if (br.w > 40) {
        char label[32];
        snprintf(label, sizeof label, "Brush %d", (int)(a->brush + 0.5f));
        int lw = text_width(a->text, FONT_SMALL, "Brush 00") + a->lay.pad / 2;
        text_draw(a->text, FONT_SMALL, label, br.x, br.y + br.h / 2, THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE);
        ui_rect slider = {br.x + lw, br.y, br.w - lw, br.h};
        ui_slider(ui, ID_BRUSH, slider, &a->brush, 4.0f, 60.0f,
                  "Brush width on the canvas ([ and ], or the mouse wheel); the network sees a normalised stroke");
    }
}

/* ---- canvas ---------------------------------------------------------------- */

/* Keeps the display raster and its texture the size of the canvas on screen. */
static int ensure_canvas_texture(app *a)
{
    int size = a->lay.canvas.w;
    if (size <= 0) return -1;
    if (a->canvas_tex && a->canvas_tex_size == size) return 0;
    if (a->canvas_tex) SDL_DestroyTexture(a->canvas_tex);
    free(a->canvas_px);
    a->canvas_px = calloc((size_t)size * size, sizeof(float));
    a->canvas_tex = SDL_CreateTexture(a->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, size, size);
    a->canvas_tex_size = size;
    a->canvas_drawn_version = (unsigned)-1;
    if (!a->canvas_px || !a->canvas_tex) {
        a->canvas_tex_size = 0;
        return -1;
    }
    return 0;
}

/* Only new points of the stroke being drawn are rasterized; anything else
 * (undo, clear, brush change) redraws the whole canvas. */
static void raster_canvas(app *a)
{
    const dp_strokes *s = &a->draw.current;
    int size = a->canvas_tex_size;
    float scale = (float)size / (float)DP_CANVAS;
    int appended = a->draw.in_stroke && s->n_strokes == a->canvas_drawn_strokes &&
                   s->n_points > a->canvas_drawn_points && a->brush_drawn == a->brush &&
                   a->canvas_drawn_points > s->starts[s->n_strokes - 1];
    if (appended)
        dp_rasterize_stroke_tail(a->canvas_px, size, size, scale, s, a->canvas_drawn_points, a->brush);
    else
        dp_rasterize_into(a->canvas_px, size, size, scale, s, a->brush);
    a->canvas_drawn_points = s->n_points;
    a->canvas_drawn_strokes = s->n_strokes;
    a->brush_drawn = a->brush;
}

static void upload_canvas(app *a)
{
    void *pixels;
    int pitch, size = a->canvas_tex_size;
    if (SDL_LockTexture(a->canvas_tex, NULL, &pixels, &pitch) != 0) return;
    const SDL_Color bg = THEME_CANVAS, ink = THEME_INK;
    const float *image = drawing_layer(&a->draw);
    for (int y = 0; y < size; y++) {
        Uint32 *row = (Uint32 *)((char *)pixels + (long)y * pitch);
        const float *src = a->canvas_px + (long)y * size;
        const float *layer = image ? image + (long)(y * DP_INPUT / size) * DP_INPUT : NULL;   /* under the strokes */
        for (int x = 0; x < size; x++) {
            float t = src[x];
            if (layer && layer[x * DP_INPUT / size] > t) t = layer[x * DP_INPUT / size];
            Uint32 r = (Uint32)(bg.r + (ink.r - bg.r) * t), g = (Uint32)(bg.g + (ink.g - bg.g) * t),
                   b = (Uint32)(bg.b + (ink.b - bg.b) * t);
            row[x] = 0xff000000u | r << 16 | g << 8 | b;
        }
    }
    SDL_UnlockTexture(a->canvas_tex);
}

static void draw_overlay(app *a)
{
    if (!a->has_digit || a->prep.x1 < a->prep.x0) return;
    int x0, y0, x1, y1, cx, cy;
    scene_canvas_to_window(a, (float)a->prep.x0, (float)a->prep.y0, &x0, &y0);
    scene_canvas_to_window(a, (float)a->prep.x1 + 1, (float)a->prep.y1 + 1, &x1, &y1);
    scene_canvas_to_window(a, a->prep.com_x + 0.5f, a->prep.com_y + 0.5f, &cx, &cy);
    SDL_Color c = THEME_ACCENT_2;
    c.a = 200;
    draw_frame(a->ren, (ui_rect){x0, y0, x1 - x0, y1 - y0}, c);
    draw_cross(a->ren, (float)cx, (float)cy, 9 * a->lay.scale, THEME_ACCENT);
}

/* What to draw: "draw a digit 0–9" on an empty canvas; while collecting,
 * the digit asked for, large when the canvas is empty and as a line at
 * its top while drawing. */
static void draw_canvas_hint(app *a)
{
    ui_rect c = a->lay.canvas;
    int empty = drawing_is_empty(&a->draw) && !drawing_layer(&a->draw);
    if (!a->mine.collect) {
        if (empty)
            text_draw(a->text, FONT_LARGE, "draw a digit 0–9", c.x + c.w / 2, c.y + c.h / 2, THEME_TEXT_DIM,
                      TEXT_CENTER | TEXT_MIDDLE);
        return;
    }
    int d = a->mine.prompt;
    char line[96];
    if (empty) {
        snprintf(line, sizeof line, "draw a %d", d);
        text_draw(a->text, FONT_HUGE, line, c.x + c.w / 2, c.y + c.h / 2, color_mix(THEME_CANVAS, THEME_ACCENT, 0.45f),
                  TEXT_CENTER | TEXT_MIDDLE);
        snprintf(line, sizeof line, "Enter keeps it as a %d · another key 0–9 keeps it as that digit · Esc ends", d);
        text_draw(a->text, FONT_SMALL, line, c.x + c.w / 2, c.y + c.h * 3 / 4, THEME_TEXT_DIM, TEXT_CENTER | TEXT_MIDDLE);
    } else {
        snprintf(line, sizeof line, "draw a %d — Enter keeps it", d);
        text_draw(a->text, FONT_SMALL, line, c.x + c.w / 2, c.y + a->lay.pad, THEME_ACCENT, TEXT_CENTER | TEXT_TOP);
    }
}

static void draw_canvas(app *a)
{
    ui_rect c = a->lay.canvas;
    if (c.w <= 0) return;
    draw_fill(a->ren, rect_inset((ui_rect){c.x - 2, c.y - 2, c.w + 4, c.h + 4}, 0), THEME_PANEL_EDGE);
    if (ensure_canvas_texture(a) == 0) {
        if (a->canvas_drawn_version != a->draw.version || a->brush_drawn != a->brush) {
            raster_canvas(a);
            upload_canvas(a);
            a->canvas_drawn_version = a->draw.version;
        }
        SDL_Rect dst = to_sdl(c);
        SDL_RenderCopy(a->ren, a->canvas_tex, NULL, &dst);
    }
    draw_canvas_hint(a);
    if (a->show_overlay) draw_overlay(a);
    /* The brush ring under the pointer shows the stroke width before drawing. */
    if (a->modal == MODAL_NONE && a->ui.mouse_in && rect_contains(c, a->ui.mouse_x, a->ui.mouse_y)) {
        float r = a->brush * (float)c.w / (float)DP_CANVAS / 2.0f;
        SDL_Rect clip = to_sdl(c);
        SDL_RenderSetClipRect(a->ren, &clip);
        SDL_Color ring = THEME_ACCENT;
        ring.a = 170;
        draw_circle(a->ren, (float)a->ui.mouse_x, (float)a->ui.mouse_y, r, ring);
        SDL_RenderSetClipRect(a->ren, NULL);
    }
}

/* ---- what the network sees, verdict, bars ---------------------------------------- */

static void draw_preview(app *a)
{
    ui_rect p = a->lay.preview;
    if (p.w < 28) return;
    if (!a->preview_tex) {
        a->preview_tex = SDL_CreateTexture(a->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
                                           DP_INPUT, DP_INPUT);
        if (!a->preview_tex) return;
    }
    Uint32 px[DP_INPUT * DP_INPUT];
    for (int i = 0; i < DP_INPUT * DP_INPUT; i++) {
        Uint32 v = (Uint32)(a->input[i] * 255.0f + 0.5f);
        px[i] = 0xff000000u | v << 16 | v << 8 | v;
    }
    SDL_UpdateTexture(a->preview_tex, NULL, px, DP_INPUT * 4);
    SDL_Rect dst = to_sdl(p);
    SDL_RenderCopy(a->ren, a->preview_tex, NULL, &dst);
    if (p.w >= 28 * 5) {   /* a faint pixel grid, so the 28×28 resolution is visible */
        SDL_Color grid = {60, 64, 74, 90};
        for (int i = 1; i < DP_INPUT; i++) {
            int o = i * p.w / DP_INPUT;
            draw_fill(a->ren, (ui_rect){p.x + o, p.y, 1, p.h}, grid);
            draw_fill(a->ren, (ui_rect){p.x, p.y + o, p.w, 1}, grid);
        }
    }
    draw_frame(a->ren, (ui_rect){p.x - 1, p.y - 1, p.w + 2, p.h + 2}, THEME_PANEL_EDGE);
    text_draw(a->text, FONT_SMALL, "what the network sees (28×28)", p.x, p.y + p.h + 2, THEME_TEXT_DIM, TEXT_LEFT);
}

static void two_best(const float *p, int *first, int *second)
{
    *first = dp_argmax(p, DP_CLASSES);
    *second = *first == 0 ? 1 : 0;
    for (int c = 0; c < DP_CLASSES; c++)
        if (c != *first && p[c] > p[*second]) *second = c;
}

static void draw_verdict(app *a)
{
    ui_rect v = a->lay.verdict;
    if (v.w <= 0) return;
    int cx = v.x + v.w / 2, cy = v.y + v.h * 2 / 5;
    char big[32], small[64];
    SDL_Color col = THEME_ACCENT;
    if (!a->has_digit) {
        text_draw(a->text, FONT_HUGE, "–", cx, cy, THEME_DISABLED, TEXT_CENTER | TEXT_MIDDLE);
        text_draw(a->text, FONT_NORMAL, "no digit yet", cx, cy + v.h / 3, THEME_TEXT_DIM, TEXT_CENTER | TEXT_MIDDLE);
        return;
    }
    int first, second;
    two_best(a->probs, &first, &second);
    float p1 = a->probs[first], p2 = a->probs[second];
    /* The model's calibrated probabilities, and its threshold picked from
     * data (see `digitpad calibrate`), decide what counts as sure. */
    if (p1 >= a->net->unsure_below) {
        snprintf(big, sizeof big, "%d", first);
        snprintf(small, sizeof small, "%.1f %%", 100.0 * p1);
        text_draw(a->text, FONT_HUGE, big, cx, cy, col, TEXT_CENTER | TEXT_MIDDLE);
    } else if (p2 >= SECOND_ABOVE) {
        snprintf(big, sizeof big, "%d or %d?", first, second);
        snprintf(small, sizeof small, "%.0f %% / %.0f %% — not sure", 100.0 * p1, 100.0 * p2);
        text_draw(a->text, FONT_HUGE, big, cx, cy, color_mix(col, THEME_TEXT, 0.4f), TEXT_CENTER | TEXT_MIDDLE);
    } else {
        snprintf(big, sizeof big, "%d?", first);
        snprintf(small, sizeof small, "only %.0f %% sure", 100.0 * p1);
        text_draw(a->text, FONT_HUGE, big, cx, cy, color_mix(col, THEME_TEXT, 0.4f), TEXT_CENTER | TEXT_MIDDLE);
    }
    text_draw(a->text, FONT_LARGE, small, cx, cy + v.h / 3, THEME_TEXT, TEXT_CENTER | TEXT_MIDDLE);
    if (a->show_raw && !drawing_layer(&a->draw)) {   /* R: what it would say to the canvas merely shrunk */
        int raw = dp_argmax(a->raw_probs, DP_CLASSES);
        text_drawf(a->text, FONT_SMALL, cx, v.y + v.h - 2, THEME_TEXT_DIM, TEXT_CENTER | TEXT_BOTTOM,
                   "without preparation: %d · %.1f %%", raw, 100.0 * a->raw_probs[raw]);
    }
}

static void draw_bars(app *a)
{
    ui_rect b = a->lay.bars;
    if (b.h < 20 || b.w < 60) return;
    int row = b.h / DP_CLASSES, gap = row / 5;
    int label_w = text_width(a->text, FONT_NORMAL, "0") + a->lay.pad;
    int value_w = text_width(a->text, FONT_SMALL, "100.0 %") + a->lay.pad / 2;
    int top = dp_argmax(a->probs, DP_CLASSES);
    for (int d = 0; d < DP_CLASSES; d++) {
        int y = b.y + d * row;
        ui_rect track = {b.x + label_w, y + gap / 2, b.w - label_w - value_w, row - gap};
        int is_top = a->has_digit && d == top;
        SDL_Color fg = !a->has_digit ? THEME_DISABLED : is_top ? THEME_ACCENT : THEME_TEXT_DIM;
        char label[4];
        snprintf(label, sizeof label, "%d", d);
        text_draw(a->text, FONT_NORMAL, label, b.x + label_w / 2, y + row / 2, is_top ? THEME_TEXT : THEME_TEXT_DIM,
                  TEXT_CENTER | TEXT_MIDDLE);
        draw_fill(a->ren, track, color_mix(THEME_BG, THEME_PANEL, 0.6f));
        if (a->has_digit) {
            int w = (int)((float)track.w * a->probs[d] + 0.5f);
            draw_fill(a->ren, (ui_rect){track.x, track.y, w, track.h}, fg);
            char value[16];
            snprintf(value, sizeof value, "%.1f %%", 100.0 * a->probs[d]);
            text_draw(a->text, FONT_SMALL, value, b.x + b.w, y + row / 2, is_top ? THEME_TEXT : THEME_TEXT_DIM,
                      TEXT_RIGHT | TEXT_MIDDLE);
        }
    }
}

/* "It's a…" and ten buttons: label and keep the drawing as that digit, with
 * how many of each are kept under it. The digit asked for while collecting
 * is highlighted. */
static void draw_keep_row(app *a)
{
    const ui_layout *l = &a->lay;
    if (l->keep[0].w <= 0) return;
    text_draw(a->text, FONT_SMALL, "it's a…", l->keep_caption.x, l->keep_caption.y + l->keep_caption.h / 2,
              THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE);
    int can = a->mine.ok && !drawing_is_empty(&a->draw);
    for (int d = 0; d < 10; d++) {
        ui_rect r = l->keep[d];
        static const char *tips[10] = {
            "This is a 0: keep it to teach the network your handwriting (key 0)",
            "This is a 1: keep it (key 1)", "This is a 2: keep it (key 2)", "This is a 3: keep it (key 3)",
            "This is a 4: keep it (key 4)", "This is a 5: keep it (key 5)", "This is a 6: keep it (key 6)",
            "This is a 7: keep it (key 7)", "This is an 8: keep it (key 8)", "This is a 9: keep it (key 9)",
        };
        int asked = a->mine.collect && a->mine.prompt == d;
        if (ui_button(&a->ui, ID_KEEP + d, r, "", tips[d], can, asked)) mine_keep(a, d);
        char label[4], count[16];
        snprintf(label, sizeof label, "%d", d);
        snprintf(count, sizeof count, "%d", dp_userset_count(&a->mine.set, d, -1));
        SDL_Color fg = can ? THEME_TEXT : THEME_TEXT_DIM;
        text_draw(a->text, FONT_NORMAL, label, r.x + r.w / 2, r.y + r.h * 2 / 5, fg, TEXT_CENTER | TEXT_MIDDLE);
        text_draw(a->text, FONT_SMALL, count, r.x + r.w / 2, r.y + r.h * 4 / 5, THEME_TEXT_DIM, TEXT_CENTER | TEXT_MIDDLE);
    }
}

static void draw_mine_row(app *a)
{
    const ui_layout *l = &a->lay;
    if (l->mine_digits.w <= 0) return;
    const dp_userset *u = &a->mine.set;
    int tests = dp_userset_count(u, -1, DP_SPLIT_TEST);
    ui_rect info = l->mine_info;
    SDL_Rect clip = to_sdl(info);
    SDL_RenderSetClipRect(a->ren, &clip);
    if (!a->mine.ok) text_draw(a->text, FONT_SMALL, "your digits cannot be kept here", info.x, info.y + info.h / 2,
                               THEME_BAD, TEXT_LEFT | TEXT_MIDDLE);
    else if (u->n == 0) text_draw(a->text, FONT_SMALL, "teach it your handwriting: keep digits", info.x,
                                  info.y + info.h / 2, THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE);
    else text_drawf(a->text, FONT_SMALL, info.x, info.y + info.h / 2, THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE,
                    "%d kept · %d to test on", u->n, tests);
    SDL_RenderSetClipRect(a->ren, NULL);
    if (ui_button(&a->ui, ID_MINE, l->mine_digits, "My digits…", "See, relabel and delete the digits you kept (M)",
                  a->mine.ok, 0))
        dialogs_open(a, MODAL_DIGITS);
    if (ui_button(&a->ui, ID_MINE + 1, l->mine_collect, a->mine.collect ? "Collecting" : "Collect",
                  "Ask for each digit in turn, to keep a balanced set quickly (P)", a->mine.ok, a->mine.collect))
        mine_set_collect(a, !a->mine.collect);
    const char *blocker = mine_finetune_blocker(a);
    if (ui_button(&a->ui, ID_MINE + 2, l->mine_finetune, "Fine-tune on them",
                  blocker ? blocker : "Teach the model your handwriting: a short training on your digits mixed with "
                                      "MNIST, with before and after figures (F)",
                  !blocker, 0))
        app_action_finetune(a);
}

static void draw_side(app *a)
{
    ui_rect s = a->lay.side;
    if (s.w <= 0 || s.h <= 0) return;
    draw_round(a->ren, s, (int)(6 * a->lay.scale), THEME_PANEL);
    draw_preview(a);
    draw_verdict(a);
    draw_bars(a);
    draw_keep_row(a);
    draw_mine_row(a);
}

/* ---- charts and status ------------------------------------------------------------ */

static void draw_charts(app *a)
{
    long total = a->st.kind == JOB_TRAIN || a->st.kind == JOB_FINETUNE ? a->st.progress.total_steps : 0;
    chart_line loss_lines[] = {
        {&a->curves.loss, color_mix(THEME_PANEL, THEME_ACCENT, 0.45f), "loss", 0},
        {&a->curves.loss_smooth, THEME_ACCENT, "smoothed", 1},
    };
    chart_spec loss = {.title = "training loss (cross-entropy)", .x_label = "step", .log_y = 1,
                       .x_max_hint = (double)total, .lines = loss_lines, .n_lines = 2,
                       .empty_text = "press Train to watch the network learn"};
    chart_draw(a->ren, a->text, to_sdl(a->lay.chart_loss), &loss, a->lay.scale);
    int tuning = a->st.kind == JOB_FINETUNE;
    chart_line acc_lines[] = {
        {&a->curves.heldout, THEME_ACCENT_2, "test, 1k images", 1},
        {tuning ? &a->curves.personal : &a->curves.test, THEME_GOOD,
         tuning ? "your test digits" : "test, all 10k (per epoch)", 1},
    };
    chart_spec acc = {.title = "accuracy", .x_label = "step", .y_min = 0, .y_max = 1,
                      .x_max_hint = (double)total, .lines = acc_lines, .n_lines = 2,
                      .empty_text = "accuracy appears as training runs"};
    /* Zoom in once the network is good, so the last percent is visible. */
    const chart_series *h = &a->curves.heldout, *mine = &a->curves.personal;
    float lowest = 1;
    for (int i = 0; tuning && i < mine->n; i++) lowest = fminf(lowest, mine->y[i]);
    if (h->n && h->y[h->n - 1] > 0.9f && lowest > 0.9f) acc.y_min = 0.9, acc.y_max = 1.0;
    chart_draw(a->ren, a->text, to_sdl(a->lay.chart_acc), &acc, a->lay.scale);

    /* The drawing's ten probabilities as the network learns. */
    static const char *digit_names[DP_CLASSES] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    chart_line digit_lines[DP_CLASSES];
    int top = a->has_digit ? dp_argmax(a->probs, DP_CLASSES) : -1;
    for (int d = 0; d < DP_CLASSES; d++)
        digit_lines[d] = (chart_line){&a->curves.drawing[d], THEME_DIGIT[d], digit_names[d], d == top};
    chart_spec drawing = {.title = "your drawing", .x_label = "step", .y_min = 0, .y_max = 1,
                       .x_max_hint = (double)total, .lines = digit_lines, .n_lines = DP_CLASSES, .end_labels = 1,
                       .empty_text = "draw while it trains: watch it learn"};
    chart_draw(a->ren, a->text, to_sdl(a->lay.chart_drawing), &drawing, a->lay.scale);
}

static void format_eta(double s, char *buf, size_t n)
{
    long t = isfinite(s) && s > 0 ? (long)(s + 0.5) : 0;
    snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

static void draw_progress(app *a)
{
    ui_rect p = a->lay.progress;
    const dp_train_progress *g = &a->st.progress;
    if (p.w <= 0 || !jobs_busy(a->jobs)) {
        char line[300];
        snprintf(line, sizeof line, "model: %s%s", a->model_name, a->model_unsaved ? " (unsaved)" : "");
        text_draw(a->text, FONT_SMALL, line, p.x + p.w, p.y + p.h / 2, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_MIDDLE);
        return;
    }
    char line[200], eta[32];
    if (a->st.kind == JOB_EVAL || a->st.phase == PHASE_LOADING || !g->total_steps) {
        snprintf(line, sizeof line, "%s…", a->st.phase == PHASE_LOADING ? "loading MNIST" : "evaluating");
        text_draw(a->text, FONT_SMALL, line, p.x + p.w, p.y + p.h / 2, THEME_TEXT, TEXT_RIGHT | TEXT_MIDDLE);
        return;
    }
    float frac = (float)g->step / (float)g->total_steps;
    draw_round(a->ren, p, p.h / 2, THEME_BUTTON);
    draw_round(a->ren, (ui_rect){p.x, p.y, (int)((float)p.w * frac), p.h}, p.h / 2,
               color_mix(THEME_BUTTON, THEME_ACCENT, 0.7f));
    format_eta(g->eta_s, eta, sizeof eta);
    snprintf(line, sizeof line, "epoch %d/%d   %.0f %%   step %ld   %.0f img/s   ETA %s", g->epoch, g->epochs,
             100.0 * frac, g->step, g->img_per_s, eta);
    text_draw(a->text, FONT_SMALL, line, p.x + p.w / 2, p.y + p.h / 2, THEME_TEXT, TEXT_CENTER | TEXT_MIDDLE);
}

static void draw_status(app *a)
{
    ui_rect s = a->lay.status;
    draw_fill(a->ren, s, THEME_PANEL);
    draw_fill(a->ren, (ui_rect){0, s.y, s.w, 1}, THEME_PANEL_EDGE);
    SDL_Rect clip = {s.x, s.y, a->lay.progress.x - a->lay.pad, s.h};
    SDL_RenderSetClipRect(a->ren, &clip);
    /* A message longer than its room ends in "…" rather than mid-word. */
    char fitted[sizeof a->status + 8];
    const char *shown = text_fit_head(a->text, FONT_SMALL, a->status, clip.w - 2 * a->lay.pad, fitted, sizeof fitted);
    text_draw(a->text, FONT_SMALL, shown, a->lay.pad, s.y + s.h / 2, a->status_error ? THEME_BAD : THEME_TEXT,
              TEXT_LEFT | TEXT_MIDDLE);
    SDL_RenderSetClipRect(a->ren, NULL);
    draw_progress(a);
}

static void draw_tooltip(app *a)
{
    if (!a->ui.tip || a->modal != MODAL_NONE) return;
    int pad = a->lay.pad / 2;
    int w = text_width(a->text, FONT_SMALL, a->ui.tip) + 2 * pad, h = text_height(a->text, FONT_SMALL) + 2 * pad;
    ui_rect an = a->ui.tip_anchor;
    int x = an.x, y = an.y + an.h + pad;
    if (x + w > a->lay.w - 2) x = a->lay.w - 2 - w;
    if (x < 2) x = 2;
    if (y + h > a->lay.h) y = an.y - h - pad;
    draw_round(a->ren, (ui_rect){x, y, w, h}, pad, color_mix(THEME_BUTTON, THEME_TEXT, 0.08f));
    text_draw(a->text, FONT_SMALL, a->ui.tip, x + pad, y + pad, THEME_TEXT, TEXT_LEFT);
}

void scene_draw(app *a)
{
    SDL_SetRenderDrawColor(a->ren, THEME_BG.r, THEME_BG.g, THEME_BG.b, 255);
    SDL_RenderClear(a->ren);
    draw_canvas(a);
    draw_side(a);
    views_draw_tabs(a);
    if (a->views.view == VIEW_TRAINING) draw_charts(a);
    else views_draw(a);
    draw_status(a);
    draw_toolbar(a);
    draw_tooltip(a);
}

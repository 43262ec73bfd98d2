/* Click-through evaluation: a cell of the confusion matrix opens the test
 * digits behind it (true row, predicted column), most confident first;
 * one of them goes on the canvas as an image layer that the user can draw
 * over, and the network reads the two together. */
#include "app.h"
#include "common.h"
#include "evallist.h"
#include "theme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ID_CELLS = 1000, ID_BUTTONS = 1400 };

/* ---- the image layer on the canvas --------------------------------------------------- */

_Static_assert(DRAWING_LAYER_PIXELS == DP_INPUT * DP_INPUT, "the layer is what the network reads");

void app_put_layer(app *a, const uint8_t *img28, const char *what)
{
    float image[DRAWING_LAYER_PIXELS];
    for (int i = 0; i < DRAWING_LAYER_PIXELS; i++) image[i] = (float)img28[i] * (1.0f / 255.0f);
    if (drawing_put_layer(&a->draw, image) != 0) {
        app_set_status(a, 1, "could not put %s on the canvas: out of memory", what);
        return;
    }
    app_set_status(a, 0, "%s is on the canvas: draw over it to see what changes (C clears it, Ctrl+Z takes it back)",
                   what);
}

void app_clear_canvas(app *a)
{
    drawing_clear(&a->draw);
    a->dirty = 1;
}

/* What the network gets with a layer: the image, with the strokes drawn on
 * top at the canvas's own scale and brush (no MNIST preparation: the image
 * is prepared already, and the strokes land where they are seen). */
int app_layer_input(app *a, float *out)
{
    const float *layer = drawing_layer(&a->draw);
    if (!layer) return -1;
    float strokes[DP_INPUT * DP_INPUT];
    dp_rasterize_into(strokes, DP_INPUT, DP_INPUT, (float)DP_INPUT / DP_CANVAS, &a->draw.current, a->brush);
    float ink = 0;
    for (int i = 0; i < DP_INPUT * DP_INPUT; i++) {
        out[i] = strokes[i] > layer[i] ? strokes[i] : layer[i];
        ink += out[i];
    }
    memset(&a->prep, 0, sizeof a->prep);
    a->prep.x1 = -1;   /* no box: the overlay has nothing to show */
    return ink * 100.0f >= DP_MIN_INK;
}

/* ---- the digits behind a cell ------------------------------------------------------------ */

static const eval_result *result(const app *a) { return &a->eval; }

static float prob(const app *a, int i, int digit) { return result(a)->e.probs[(long)i * DP_CLASSES + digit]; }

void eval_open_cell(app *a, int truth, int predicted)
{
    const eval_result *r = result(a);
    free(a->eval_list);
    a->eval_list = malloc(sizeof(int) * (size_t)(r->e.n ? r->e.n : 1));
    a->eval_list_n = a->eval_list ? eval_cell_list(r->labels, r->e.answers, r->e.probs, r->e.n, truth, predicted, a->eval_list) : 0;
    a->eval_t = truth, a->eval_p = predicted, a->eval_scroll = 0;
    dialogs_open(a, MODAL_EVAL_CELL);
}

void eval_open_digit(app *a, int i)
{
    const eval_result *r = result(a);
    char what[96];
    snprintf(what, sizeof what, "test digit #%d (a %d, read as %d at %.1f %%)", i, r->labels[i], r->e.answers[i],
             100.0 * prob(a, i, r->e.answers[i]));
    if (a->opt.verbose) {
        printf("opened\t%d\t%d\t%d\t%.6f\n", i, r->labels[i], r->e.answers[i], (double)prob(a, i, r->e.answers[i]));
        fflush(stdout);
    }
    app_put_layer(a, r->images + (long)i * 784, what);
    dialogs_open(a, MODAL_NONE);
}

int eval_cell_key(app *a, const SDL_KeyboardEvent *k)
{
    SDL_Keycode key = k->keysym.sym;
    int page = a->eval_rows > 0 ? a->eval_rows : 1;
    if (key == SDLK_ESCAPE || key == SDLK_BACKSPACE) dialogs_open(a, MODAL_EVAL);
    else if (key == SDLK_PAGEDOWN || key == SDLK_DOWN) a->eval_scroll += key == SDLK_DOWN ? 1 : page;
    else if (key == SDLK_PAGEUP || key == SDLK_UP) a->eval_scroll -= key == SDLK_UP ? 1 : page;
    else if (key == SDLK_RETURN && a->eval_list_n) eval_open_digit(a, a->eval_list[a->eval_scroll * a->eval_cols]);
    if (a->eval_scroll < 0) a->eval_scroll = 0;
    a->dirty = 1;
    return key != SDLK_F12;
}

void eval_cell_wheel(app *a, int dy)
{
    a->eval_scroll -= dy;
    if (a->eval_scroll < 0) a->eval_scroll = 0;
    a->dirty = 1;
}

static void log_cells(app *a, int first, int count, const ui_rect *cells)
{
    static unsigned long long last;
    unsigned long long sig = (unsigned long long)a->eval_t * 131 + (unsigned long long)a->eval_p * 7 +
                             (unsigned long long)first * 100003 + (unsigned long long)(count ? cells[0].x * 17 + cells[0].w : 0);
    if (!a->opt.verbose || sig == last) return;
    last = sig;
    const eval_result *r = result(a);
    for (int k = 0; k < count; k++) {
        int i = a->eval_list[first + k];
        printf("testcell\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.6f\n", i, r->labels[i], r->e.answers[i],
               (int)(cells[k].x / a->density), (int)(cells[k].y / a->density), (int)(cells[k].w / a->density),
               (int)(cells[k].h / a->density), (double)prob(a, i, r->e.answers[i]));
    }
    printf("testcells\t%d\t%d\n", count, a->eval_list_n);
    fflush(stdout);
}

void eval_cell_draw(app *a)
{
    const eval_result *r = result(a);
    float s = a->lay.scale;
    char title[96];
    if (a->eval_t == a->eval_p) snprintf(title, sizeof title, "Test digits %d read right", a->eval_t);
    else snprintf(title, sizeof title, "Test digits %d read as %d", a->eval_t, a->eval_p);
    ui_rect c = dialog_card(a, (int)(960 * s), (int)(660 * s), title);
    int x = c.x + 2 * a->lay.pad, w = c.w - 4 * a->lay.pad, y = c.y + (int)(56 * s);
    char shown[24], total[24];
    chart_format_count(a->eval_list_n, shown, sizeof shown);
    chart_format_count(r->e.n, total, sizeof total);
    text_drawf(a->text, FONT_SMALL, c.x + c.w - 2 * a->lay.pad, c.y + 2 * a->lay.pad + (int)(6 * s), THEME_TEXT_DIM,
               TEXT_RIGHT | TEXT_TOP, "%s of %s test images · most confident first · click one to put it on the canvas",
               shown, total);
    int cell_w = (int)(84 * s), cell_h = (int)(100 * s), gap = (int)(6 * s);
    int bottom = c.y + c.h - 2 * a->lay.pad - (int)(32 * s) - (int)(34 * s);
    int cols = (w + gap) / (cell_w + gap), rows = (bottom - y + gap) / (cell_h + gap);
    cols = cols < 1 ? 1 : cols, rows = rows < 1 ? 1 : rows;
    a->eval_cols = cols, a->eval_rows = rows;
    int total_rows = (a->eval_list_n + cols - 1) / cols;
    if (a->eval_scroll > total_rows - rows) a->eval_scroll = total_rows - rows > 0 ? total_rows - rows : 0;
    int first = a->eval_scroll * cols, count = a->eval_list_n - first < rows * cols ? a->eval_list_n - first : rows * cols;
    ui_rect cells[512];
    if (count > 512) count = 512;
    for (int k = 0; k < count; k++) {
        int i = a->eval_list[first + k];
        ui_rect cell = {x + k % cols * (cell_w + gap), y + k / cols * (cell_h + gap), cell_w, cell_h};
        cells[k] = cell;
        if (ui_button(&a->ui, ID_CELLS + k, cell, "", "Put it on the canvas", 1, 0)) {
            eval_open_digit(a, i);
            return;
        }
        int pad = (int)(4 * s), lh = (int)(34 * s);
        ui_rect img = {cell.x + pad, cell.y + pad, cell.w - 2 * pad, cell.h - 2 * pad - lh};
        if (img.w > img.h) img.x += (img.w - img.h) / 2, img.w = img.h;
        float px[784];
        for (int j = 0; j < 784; j++) px[j] = (float)r->images[(long)i * 784 + j] * (1.0f / 255.0f);
        ui_image_draw(a->ren, &a->eval_thumbs[k % EVAL_THUMBS], px, 28, 28, img, IMAGE_GREY);
        text_drawf(a->text, FONT_SMALL, cell.x + cell.w / 2, img.y + img.h + (int)(3 * s), THEME_ACCENT,
                   TEXT_CENTER | TEXT_TOP, "%d: %.1f %%", a->eval_p, 100.0 * prob(a, i, a->eval_p));
        if (a->eval_t != a->eval_p)
            text_drawf(a->text, FONT_SMALL, cell.x + cell.w / 2, img.y + img.h + (int)(18 * s), THEME_TEXT_DIM,
                       TEXT_CENTER | TEXT_TOP, "%d: %.1f %%", a->eval_t, 100.0 * prob(a, i, a->eval_t));
    }
    log_cells(a, first, count, cells);
    if (total_rows > rows)
        text_drawf(a->text, FONT_SMALL, c.x + 2 * a->lay.pad, bottom + (int)(8 * s), THEME_TEXT_DIM, TEXT_LEFT,
                   "rows %d–%d of %d (wheel, Page Up/Down)", a->eval_scroll + 1, a->eval_scroll + rows, total_rows);
    if (ui_button(&a->ui, ID_BUTTONS, dialog_button_at(a, c, 0, (int)(100 * s)), "Close", "Close (Esc twice)", 1, 1))
        dialogs_open(a, MODAL_NONE);
    if (ui_button(&a->ui, ID_BUTTONS + 1, dialog_button_at(a, c, 1, (int)(140 * s)), "← Confusion",
                  "Back to the confusion matrix (Esc)", 1, 0))
        dialogs_open(a, MODAL_EVAL);
}

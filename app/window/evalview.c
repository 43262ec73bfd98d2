/* The evaluation and the digits behind a cell of its confusion matrix (see
 * evalview.h). */
#include "evalview.h"
#include "chart_scale.h"
#include "evallist.h"
#include "preprocess.h"
#include "theme.h"
#include "widget_ids.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void evalview_free(eval_view *v)
{
    eval_result_free(&v->result);
    free(v->list);
    v->list = NULL;
    for (int i = 0; i < EVAL_THUMBS; i++) ui_image_free(&v->thumbs[i]);
}

static float prob(const eval_view *v, int i, int digit) { return v->result.e.probs[(long)i * DP_CLASSES + digit]; }

const uint8_t *evalview_test_digit(const eval_view *v, int i, char *what, size_t size)
{
    const eval_result *r = &v->result;
    snprintf(what, size, "test digit #%d (a %d, read as %d at %.1f %%)", i, r->labels[i], r->e.answers[i],
             100.0 * prob(v, i, r->e.answers[i]));
    return r->images + (long)i * DP_PIXELS;
}

/* ---- the result ------------------------------------------------------------------ */

static SDL_Color cell_color(int t, int p, int n, int total)
{
    float share = total ? (float)n / (float)total : 0;
    if (t == p) return color_mix(THEME_BG, THEME_GOOD, 0.25f + 0.75f * share);
    return color_mix(THEME_BG, THEME_BAD, n ? 0.25f + 0.75f * fminf(1.0f, sqrtf(share * 20)) : 0);
}

/* The matrix with its row and column labels; a click on a cell with digits
 * in it opens them. */
static void draw_confusion(frame *f, eval_view *v, dialog_state *d, int x, int y, int cell)
{
    const int (*m)[10] = v->result.e.confusion;
    int clicked_t = -1, clicked_p = -1;
    for (int t = 0; t < 10; t++) {
        char lab[4];
        snprintf(lab, sizeof lab, "%d", t);
        text_draw(f->text, FONT_SMALL, lab, x - cell / 2, y + t * cell + cell / 2, THEME_TEXT_DIM, TEXT_CENTER | TEXT_MIDDLE);
        text_draw(f->text, FONT_SMALL, lab, x + t * cell + cell / 2, y - cell / 2, THEME_TEXT_DIM, TEXT_CENTER | TEXT_MIDDLE);
        int total = 0;
        for (int p = 0; p < 10; p++) total += m[t][p];
        for (int p = 0; p < 10; p++) {
            int n = m[t][p];
            ui_rect r = {x + p * cell, y + t * cell, cell - 1, cell - 1};
            draw_fill(f->ren, r, cell_color(t, p, n, total));
            if (n && v->result.e.n) {
                if (ui_hover(f->ui, r)) draw_frame(f->ren, rect_inset(r, -1), THEME_TEXT);
                if (ui_click_area(f->ui, ID_MATRIX + t * 10 + p, r, 1)) clicked_t = t, clicked_p = p;
            }
            if (n) places_note(f->places, PLACE_MATRIX, r, t, p, n, 0);
            if (n && cell >= (int)(22 * f->lay->scale))
                text_drawf(f->text, FONT_SMALL, r.x + r.w / 2, r.y + r.h / 2, THEME_TEXT, TEXT_CENTER | TEXT_MIDDLE, "%d", n);
        }
    }
    text_draw(f->text, FONT_SMALL, "predicted →", x + 5 * cell, y - cell - 2, THEME_TEXT_DIM, TEXT_CENTER | TEXT_BOTTOM);
    if (clicked_t >= 0) {
        evalview_open_cell(v, d, clicked_t, clicked_p);
        f->redraw = 1;
    }
}

/* Accuracy on each true digit, as bars from 90 to 100 %, where all the
 * differences are. */
static void draw_per_digit(frame *f, const eval_view *v, const eval_layout *e)
{
    float s = f->lay->scale;
    int x = e->box.x;
    text_draw(f->text, FONT_NORMAL, "per digit", x, e->bars_y - (int)(6 * s), THEME_TEXT, TEXT_LEFT | TEXT_BOTTOM);
    for (int d = 0; d < 10; d++) {
        float acc = (float)v->result.e.per_class[d];
        int cy = e->bars_y + d * e->bar_row + e->bar_row / 2;
        ui_rect track = e->track[d];
        text_drawf(f->text, FONT_NORMAL, x, cy, THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE, "%d", d);
        draw_fill(f->ren, track, THEME_BG);
        float t = (acc - 0.9f) / 0.1f;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        draw_fill(f->ren, (ui_rect){track.x, track.y, (int)((float)track.w * t), track.h}, THEME_GOOD);
        text_drawf(f->text, FONT_SMALL, track.x + track.w + (int)(8 * s), cy, THEME_TEXT, TEXT_LEFT | TEXT_MIDDLE,
                   "%.2f %%", 100.0 * acc);
    }
    text_draw(f->text, FONT_SMALL, "bars span 90–100 %", x, e->bars_y + 10 * e->bar_row + (int)(4 * s), THEME_TEXT_DIM,
              TEXT_LEFT);
}

void evalview_draw_result(frame *f, eval_view *v, dialog_state *d, const char *model_name)
{
    eval_layout e;
    eval_layout_compute(&e, f->lay);
    dialog_draw_card(f, &e.box, "Evaluation on the MNIST test set");
    int x = e.box.x;
    text_drawf(f->text, FONT_LARGE, x, e.accuracy_y, THEME_ACCENT, TEXT_LEFT, "%.2f %% correct",
               100 * v->result.e.accuracy);
    char images[24];
    chart_format_count(v->result.e.n, images, sizeof images);
    text_drawf(f->text, FONT_SMALL, x, e.detail_y, THEME_TEXT_DIM, TEXT_LEFT, "%s · %s images · %.2f s", model_name,
               images, v->result.seconds);
    draw_per_digit(f, v, &e);
    if (e.cell > 4) {
        char title[96];
        const char *t = text_fit_head(f->text, FONT_NORMAL, "confusion (rows: true digit) · click a cell to see its digits",
                                      e.box.x + e.box.w - e.matrix_x, title, sizeof title);
        text_draw(f->text, FONT_NORMAL, t, e.matrix_x, e.matrix_title_y, THEME_TEXT, TEXT_LEFT | TEXT_BOTTOM);
        draw_confusion(f, v, d, e.matrix_x, e.matrix_y, e.cell);
    } else {
        text_draw(f->text, FONT_SMALL, "(a bigger window shows the confusion matrix)", x,
                  e.bars_y + 10 * e.bar_row + (int)(24 * f->lay->scale), THEME_TEXT_DIM, TEXT_LEFT);
    }
    if (ui_button(f->ui, ID_DIALOG, e.box.button[0], "Close", "Close (Esc)", 1, 1)) {
        dialog_open(d, DIALOG_NONE);
        f->redraw = 1;
    }
    if (ui_button(f->ui, ID_DIALOG + 1, e.box.button[1], "Save picture",
                  "Save this evaluation as a PNG (in the screenshots folder)", 1, 0))
        command_push_text(f->cmds, CMD_SAVE_PICTURE, "evaluation", e.box.card);
}

/* ---- the digits behind a cell ------------------------------------------------------------ */

void evalview_open_cell(eval_view *v, dialog_state *d, int truth, int predicted)
{
    const eval_result *r = &v->result;
    free(v->list);
    v->list = malloc(sizeof(int) * (size_t)(r->e.n ? r->e.n : 1));
    v->list_n = v->list ? eval_cell_list(r->labels, r->e.answers, r->e.probs, r->e.n, truth, predicted, v->list) : 0;
    v->t = truth, v->p = predicted, v->scroll = 0;
    dialog_open(d, DIALOG_EVAL_CELL);
}

/* Scrolled no further than the last page (by the grid last drawn), so a
 * key or the wheel acts on what is shown. */
static void clamp_scroll(eval_view *v)
{
    int cols = v->cols > 0 ? v->cols : 1, rows = v->rows > 0 ? v->rows : 1;
    int last = (v->list_n + cols - 1) / cols - rows;
    if (v->scroll > last) v->scroll = last;
    if (v->scroll < 0) v->scroll = 0;
}

int evalview_key(eval_view *v, dialog_state *d, const SDL_KeyboardEvent *k, command_queue *cmds)
{
    SDL_Keycode key = k->keysym.sym;
    int page = v->rows > 0 ? v->rows : 1;
    if (key == SDLK_ESCAPE || key == SDLK_BACKSPACE) dialog_open(d, DIALOG_EVAL);
    else if (key == SDLK_PAGEDOWN || key == SDLK_DOWN) v->scroll += key == SDLK_DOWN ? 1 : page;
    else if (key == SDLK_PAGEUP || key == SDLK_UP) v->scroll -= key == SDLK_UP ? 1 : page;
    clamp_scroll(v);
    if (key == SDLK_RETURN && v->list_n)   /* the first digit shown */
        command_push(cmds, CMD_OPEN_TEST_DIGIT, v->list[(long)v->scroll * (v->cols > 0 ? v->cols : 1)]);
    return key != SDLK_F12;
}

void evalview_wheel(eval_view *v, int dy)
{
    v->scroll -= dy;
    clamp_scroll(v);
}

/* One test digit: its picture, and its probability of the column's digit
 * (and of the row's, if they differ). A click asks for it on the canvas. */
static void draw_test_digit(frame *f, eval_view *v, int k, ui_rect cell, int i)
{
    const eval_result *r = &v->result;
    float s = f->lay->scale;
    if (ui_button(f->ui, ID_EVAL_CELL + k, cell, "", "Put it on the canvas", 1, 0))
        command_push(f->cmds, CMD_OPEN_TEST_DIGIT, i);
    int pad = (int)(4 * s), lh = (int)(34 * s);
    ui_rect img = {cell.x + pad, cell.y + pad, cell.w - 2 * pad, cell.h - 2 * pad - lh};
    if (img.w > img.h) img.x += (img.w - img.h) / 2, img.w = img.h;
    float px[DP_PIXELS];
    for (int j = 0; j < DP_PIXELS; j++) px[j] = (float)r->images[(long)i * DP_PIXELS + j] * (1.0f / 255.0f);
    ui_image_draw(f->ren, &v->thumbs[k % EVAL_THUMBS], px, DP_INPUT, DP_INPUT, img, IMAGE_GREY);
    text_drawf(f->text, FONT_SMALL, cell.x + cell.w / 2, img.y + img.h + (int)(3 * s), THEME_ACCENT, TEXT_CENTER | TEXT_TOP,
               "%d: %.1f %%", v->p, 100.0 * prob(v, i, v->p));
    if (v->t != v->p)
        text_drawf(f->text, FONT_SMALL, cell.x + cell.w / 2, img.y + img.h + (int)(18 * s), THEME_TEXT_DIM,
                   TEXT_CENTER | TEXT_TOP, "%d: %.1f %%", v->t, 100.0 * prob(v, i, v->t));
    places_note(f->places, PLACE_TESTCELL, cell, i, r->labels[i], r->e.answers[i], prob(v, i, r->e.answers[i]));
}

static void draw_cell_buttons(frame *f, eval_view *v, dialog_state *d, const grid_layout *g, int total_rows)
{
    if (total_rows > g->rows)
        text_drawf(f->text, FONT_SMALL, g->box.x, g->note_y, THEME_TEXT_DIM, TEXT_LEFT,
                   "rows %d–%d of %d (wheel, Page Up/Down)", v->scroll + 1, v->scroll + g->rows, total_rows);
    int close = ui_button(f->ui, ID_EVAL_BUTTONS, g->box.button[0], "Close", "Close (Esc twice)", 1, 1);
    int back = ui_button(f->ui, ID_EVAL_BUTTONS + 1, g->box.button[1], "← Confusion", "Back to the confusion matrix (Esc)",
                         1, 0);
    if (close || back) {
        dialog_open(d, close ? DIALOG_NONE : DIALOG_EVAL);
        f->redraw = 1;
    }
}

void evalview_draw_cell(frame *f, eval_view *v, dialog_state *d)
{
    grid_layout g;
    cell_layout_compute(&g, f->lay);
    char title[96], shown[24], total[24];
    if (v->t == v->p) snprintf(title, sizeof title, "Test digits %d read right", v->t);
    else snprintf(title, sizeof title, "Test digits %d read as %d", v->t, v->p);
    dialog_draw_card(f, &g.box, title);
    chart_format_count(v->list_n, shown, sizeof shown);
    chart_format_count(v->result.e.n, total, sizeof total);
    text_drawf(f->text, FONT_SMALL, g.header_x, g.header_y, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_TOP,
               "%s of %s test images · most confident first · click one to put it on the canvas", shown, total);
    v->cols = g.cols, v->rows = g.rows;
    int total_rows = (v->list_n + g.cols - 1) / g.cols;
    clamp_scroll(v);
    int first = v->scroll * g.cols, count = v->list_n - first < g.rows * g.cols ? v->list_n - first : g.rows * g.cols;
    if (count > PLACES_MAX) count = PLACES_MAX;
    for (int k = 0; k < count; k++) draw_test_digit(f, v, k, grid_cell(&g, k), v->list[first + k]);
    places_total(f->places, PLACE_TESTCELL, v->list_n);
    draw_cell_buttons(f, v, d, &g, total_rows);
}

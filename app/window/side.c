/* The panel right of the canvas (see side.h). */
#include "side.h"
#include "dialog.h"
#include "theme.h"
#include "widget_ids.h"

#include <stdio.h>

#define SECOND_ABOVE 0.12f     /* an unsure answer names a runner-up above this: "1 or 7?" */

void side_free(side_panel *p)
{
    if (p->preview) SDL_DestroyTexture(p->preview);
    p->preview = NULL;
}

static void draw_preview(frame *f, side_panel *sp, const reading *r)
{
    ui_rect p = f->lay->preview;
    if (p.w < DP_INPUT) return;
    if (!sp->preview) {
        sp->preview = SDL_CreateTexture(f->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, DP_INPUT, DP_INPUT);
        if (!sp->preview) return;
    }
    Uint32 px[DP_PIXELS];
    for (int i = 0; i < DP_PIXELS; i++) {
        Uint32 v = (Uint32)(r->input[i] * 255.0f + 0.5f);
        px[i] = 0xff000000u | v << 16 | v << 8 | v;
    }
    SDL_UpdateTexture(sp->preview, NULL, px, DP_INPUT * 4);
    SDL_Rect dst = to_sdl(p);
    SDL_RenderCopy(f->ren, sp->preview, NULL, &dst);
    if (p.w >= DP_INPUT * 5) {   /* a faint pixel grid, so the 28×28 resolution is visible */
        SDL_Color grid = {60, 64, 74, 90};
        for (int i = 1; i < DP_INPUT; i++) {
            int o = i * p.w / DP_INPUT;
            draw_fill(f->ren, (ui_rect){p.x + o, p.y, 1, p.h}, grid);
            draw_fill(f->ren, (ui_rect){p.x, p.y + o, p.w, 1}, grid);
        }
    }
    draw_frame(f->ren, (ui_rect){p.x - 1, p.y - 1, p.w + 2, p.h + 2}, THEME_PANEL_EDGE);
    /* The caption as long as the panel lets it be. */
    static const char *captions[] = {"what the network sees (28×28)", "the network's input", "28×28 input"};
    int room = f->lay->answer.x + f->lay->answer.w - p.x - f->lay->pad / 2;
    for (int i = 0; i < 3; i++)
        if (text_width(f->text, FONT_SMALL, captions[i]) <= room) {
            text_draw(f->text, FONT_SMALL, captions[i], p.x, p.y + p.h + 2, THEME_TEXT_DIM, TEXT_LEFT);
            break;
        }
}

static void two_best(const float *p, int *first, int *second)
{
    *first = dp_argmax(p, DP_CLASSES);
    *second = *first == 0 ? 1 : 0;
    for (int c = 0; c < DP_CLASSES; c++)
        if (c != *first && p[c] > p[*second]) *second = c;
}

/* The largest font from the given one down in which s fits w×h. */
static font_size fit_font(ui_text *t, font_size from, const char *s, int w, int h)
{
    font_size f = from;
    while (f > FONT_SMALL && (text_width(t, f, s) > w || text_height(t, f) > h)) f--;
    return f;
}

/* The answer in two lines, each in the largest font that fits, the pair
 * centred in v; the second line shortened to short_small if it cannot fit. */
static void draw_two_lines(frame *f, ui_rect v, const char *big, SDL_Color big_c, const char *small,
                           const char *short_small, font_size small_from)
{
    ui_text *t = f->text;
    font_size sf = fit_font(t, small_from, small, v.w, v.h / 3);
    if (text_width(t, sf, small) > v.w && short_small) small = short_small, sf = fit_font(t, small_from, small, v.w, v.h / 3);
    int small_h = text_height(t, sf);
    font_size bf = fit_font(t, FONT_HUGE, big, v.w, v.h - small_h);
    int big_h = text_height(t, bf), top = v.y + (v.h - big_h - small_h) / 2;
    int cx = v.x + v.w / 2;
    SDL_Rect clip = to_sdl(v);
    SDL_RenderSetClipRect(f->ren, &clip);
    text_draw(t, bf, big, cx, top, big_c, TEXT_CENTER);
    text_draw(t, sf, small, cx, top + big_h, small_from == FONT_NORMAL ? THEME_TEXT_DIM : THEME_TEXT, TEXT_CENTER);
    SDL_RenderSetClipRect(f->ren, NULL);
}

/* The big answer: the digit when sure (the model's calibrated threshold,
 * see `digitpad calibrate`), "2 or 4?" or "2?" when not. */
static void draw_verdict(frame *f, const side_inputs *in)
{
    const reading *r = in->reading;
    ui_rect v = f->lay->verdict;
    if (v.w <= 0 || v.h <= 0) return;
    char big[32], small[64], short_small[32] = "";
    SDL_Color col = THEME_ACCENT, unsure = color_mix(col, THEME_TEXT, 0.4f);
    if (in->raw_shown) v.h -= text_height(f->text, FONT_SMALL);   /* room for the line under it */
    if (!r->has_digit) {
        draw_two_lines(f, v, "–", THEME_DISABLED, "no digit yet", NULL, FONT_NORMAL);
        return;
    }
    int first, second;
    two_best(r->probs, &first, &second);
    float p1 = r->probs[first], p2 = r->probs[second];
    if (p1 >= in->model->net->unsure_below) {
        snprintf(big, sizeof big, "%d", first);
        snprintf(small, sizeof small, "%.1f %%", 100.0 * p1);
    } else if (p2 >= SECOND_ABOVE) {
        snprintf(big, sizeof big, "%d or %d?", first, second);
        snprintf(small, sizeof small, "%.0f %% / %.0f %% — not sure", 100.0 * p1, 100.0 * p2);
        snprintf(short_small, sizeof short_small, "%.0f / %.0f %%", 100.0 * p1, 100.0 * p2);
    } else {
        snprintf(big, sizeof big, "%d?", first);
        snprintf(small, sizeof small, "only %.0f %% sure", 100.0 * p1);
        snprintf(short_small, sizeof short_small, "%.0f %%", 100.0 * p1);
    }
    draw_two_lines(f, v, big, p1 >= in->model->net->unsure_below ? col : unsure, small, short_small, FONT_LARGE);
    if (in->raw_shown) {   /* R: what it would say to the canvas merely shrunk */
        int raw = dp_argmax(r->raw_probs, DP_CLASSES);
        text_drawf(f->text, FONT_SMALL, v.x + v.w / 2, v.y + v.h, THEME_TEXT_DIM, TEXT_CENTER,
                   "without preparation: %d · %.1f %%", raw, 100.0 * r->raw_probs[raw]);
    }
}

/* Ten columns side by side, the digit under each and the top one's
 * percentage over it: for a panel too short for ten rows. */
static void draw_bar_columns(frame *f, const reading *r, ui_rect b)
{
    int label_h = text_height(f->text, FONT_NORMAL), value_h = text_height(f->text, FONT_SMALL);
    int col = b.w / DP_CLASSES, gap = col / 6, h = b.h - label_h - value_h;
    if (h < 4 || col < 6) return;
    int top = dp_argmax(r->probs, DP_CLASSES);
    for (int d = 0; d < DP_CLASSES; d++) {
        int x = b.x + d * col, is_top = r->has_digit && d == top;
        ui_rect track = {x + gap / 2, b.y + value_h, col - gap, h};
        draw_fill(f->ren, track, color_mix(THEME_BG, THEME_PANEL, 0.6f));
        text_drawf(f->text, FONT_NORMAL, x + col / 2, b.y + b.h, is_top ? THEME_TEXT : THEME_TEXT_DIM,
                   TEXT_CENTER | TEXT_BOTTOM, "%d", d);
        if (!r->has_digit) continue;
        int fill = (int)((float)h * r->probs[d] + 0.5f);
        draw_fill(f->ren, (ui_rect){track.x, track.y + h - fill, track.w, fill}, is_top ? THEME_ACCENT : THEME_TEXT_DIM);
        if (is_top)
            text_drawf(f->text, FONT_SMALL, x + col / 2, track.y + h - fill, THEME_TEXT, TEXT_CENTER | TEXT_BOTTOM, "%.0f %%",
                       100.0 * r->probs[d]);
    }
}

static void draw_bars(frame *f, const reading *r)
{
    ui_rect b = f->lay->bars;
    if (f->lay->bars_columns) {
        draw_bar_columns(f, r, b);
        return;
    }
    if (b.h < 20 || b.w < 60) return;
    int row = b.h / DP_CLASSES, gap = row / 5;
    int label_w = text_width(f->text, FONT_NORMAL, "0") + f->lay->pad;
    int value_w = text_width(f->text, FONT_SMALL, "100.0 %") + f->lay->pad / 2;
    int top = dp_argmax(r->probs, DP_CLASSES);
    for (int d = 0; d < DP_CLASSES; d++) {
        int y = b.y + d * row, is_top = r->has_digit && d == top;
        ui_rect track = {b.x + label_w, y + gap / 2, b.w - label_w - value_w, row - gap};
        SDL_Color fg = !r->has_digit ? THEME_DISABLED : is_top ? THEME_ACCENT : THEME_TEXT_DIM;
        text_drawf(f->text, FONT_NORMAL, b.x + label_w / 2, y + row / 2, is_top ? THEME_TEXT : THEME_TEXT_DIM,
                   TEXT_CENTER | TEXT_MIDDLE, "%d", d);
        draw_fill(f->ren, track, color_mix(THEME_BG, THEME_PANEL, 0.6f));
        if (!r->has_digit) continue;
        draw_fill(f->ren, (ui_rect){track.x, track.y, (int)((float)track.w * r->probs[d] + 0.5f), track.h}, fg);
        text_drawf(f->text, FONT_SMALL, b.x + b.w, y + row / 2, is_top ? THEME_TEXT : THEME_TEXT_DIM,
                   TEXT_RIGHT | TEXT_MIDDLE, "%.1f %%", 100.0 * r->probs[d]);
    }
}

/* "It's a…" and ten buttons: label and keep the drawing as that digit, with
 * how many of each are kept under it. The digit asked for while collecting
 * is highlighted. */
static void draw_keep_row(frame *f, const side_inputs *in)
{
    static const char *tips[10] = {
        "This is a 0: keep it to teach the network your handwriting (key 0)",
        "This is a 1: keep it (key 1)", "This is a 2: keep it (key 2)", "This is a 3: keep it (key 3)",
        "This is a 4: keep it (key 4)", "This is a 5: keep it (key 5)", "This is a 6: keep it (key 6)",
        "This is a 7: keep it (key 7)", "This is an 8: keep it (key 8)", "This is a 9: keep it (key 9)",
    };
    const ui_layout *l = f->lay;
    const kept_state *k = in->kept;
    if (l->keep[0].w <= 0) return;
    text_draw(f->text, FONT_SMALL, "it's a…", l->keep_caption.x, l->keep_caption.y + l->keep_caption.h / 2,
              THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE);
    int can = k->ok && !in->drawing_empty;
    for (int d = 0; d < 10; d++) {
        ui_rect r = l->keep[d];
        if (ui_button(f->ui, ID_KEEP + d, r, "", tips[d], can, k->collect && k->prompt == d))
            command_push(f->cmds, CMD_KEEP, d);
        text_drawf(f->text, FONT_NORMAL, r.x + r.w / 2, r.y + r.h * 2 / 5, can ? THEME_TEXT : THEME_TEXT_DIM,
                   TEXT_CENTER | TEXT_MIDDLE, "%d", d);
        text_drawf(f->text, FONT_SMALL, r.x + r.w / 2, r.y + r.h * 4 / 5, THEME_TEXT_DIM, TEXT_CENTER | TEXT_MIDDLE, "%d",
                   dp_userset_count(&k->set, d, -1));
    }
}

static void draw_kept_info(frame *f, const kept_state *k)
{
    const dp_userset *u = &k->set;
    ui_rect info = f->lay->mine_info;
    SDL_Rect clip = to_sdl(info);
    SDL_RenderSetClipRect(f->ren, &clip);
    int y = info.y + info.h / 2;
    if (!k->ok)
        text_draw(f->text, FONT_SMALL, "your digits cannot be kept here", info.x, y, THEME_BAD, TEXT_LEFT | TEXT_MIDDLE);
    else if (u->n == 0)
        text_draw(f->text, FONT_SMALL, "teach it your handwriting: keep digits", info.x, y, THEME_TEXT_DIM,
                  TEXT_LEFT | TEXT_MIDDLE);
    else
        text_drawf(f->text, FONT_SMALL, info.x, y, THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE, "%d kept · %d to test on", u->n,
                   dp_userset_count(u, -1, DP_SPLIT_TEST));
    SDL_RenderSetClipRect(f->ren, NULL);
}

static void draw_kept_row(frame *f, const side_inputs *in)
{
    const ui_layout *l = f->lay;
    const kept_state *k = in->kept;
    if (l->mine_digits.w <= 0) return;
    draw_kept_info(f, k);
    if (ui_button(f->ui, ID_KEPT_ROW, l->mine_digits, "My digits…", "See, relabel and delete the digits you kept (M)",
                  k->ok, 0))
        command_push(f->cmds, CMD_DIALOG, DIALOG_DIGITS);
    if (ui_button(f->ui, ID_KEPT_ROW + 1, l->mine_collect, k->collect ? "Collecting" : "Collect",
                  "Ask for each digit in turn, to keep a balanced set quickly (P)", k->ok, k->collect))
        command_push(f->cmds, CMD_COLLECT, !k->collect);
    const char *blocker = in->finetune_blocker;
    const char *tune = text_width(f->text, FONT_NORMAL, "Fine-tune on them") <= l->mine_finetune.w - 8 ? "Fine-tune on them"
                                                                                                 : "Fine-tune";
    if (ui_button(f->ui, ID_KEPT_ROW + 2, l->mine_finetune, tune,
                  blocker ? blocker : "Teach the model your handwriting: a short training on your digits mixed with "
                                      "MNIST, with before and after figures (F)",
                  !blocker, 0))
        command_push(f->cmds, CMD_FINETUNE, 0);
}

void side_draw_teach(frame *f, const side_inputs *in)
{
    draw_keep_row(f, in);
    draw_kept_row(f, in);
}

void side_draw(frame *f, side_panel *p, const side_inputs *in)
{
    const ui_layout *l = f->lay;
    if (l->side.w > 0 && l->side.h > 0) draw_round(f->ren, l->side, (int)(6 * l->scale), THEME_PANEL);
    if (!rect_inside(l->answer, l->side) && l->answer.w > 0)
        draw_round(f->ren, l->answer, (int)(6 * l->scale), THEME_PANEL);
    draw_preview(f, p, in->reading);
    draw_verdict(f, in);
    draw_bars(f, in->reading);
    if (!l->teach_in_tab) side_draw_teach(f, in);
}

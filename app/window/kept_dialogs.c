/* My digits and the fine-tune result (see kept_dialogs.h). */
#include "kept_dialogs.h"
#include "common.h"
#include "preprocess.h"
#include "theme.h"
#include "verbose.h"
#include "widget_ids.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int key_digit(const SDL_KeyboardEvent *k)
{
    SDL_Keycode key = k->keysym.sym;
    if (k->keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) return -1;
    if (key >= SDLK_0 && key <= SDLK_9) return (k->keysym.mod & KMOD_SHIFT) ? -1 : (int)(key - SDLK_0);
    if (key >= SDLK_KP_1 && key <= SDLK_KP_9) return (int)(key - SDLK_KP_1) + 1;
    return key == SDLK_KP_0 ? 0 : -1;
}

/* ---- what is shown -------------------------------------------------------------- */

/* Indices of the kept digits the filter shows, in id order (out may be NULL). */
static int shown_digits(const kept_state *k, int *out)
{
    const dp_userset *u = &k->set;
    int n = 0;
    for (int i = 0; i < u->n; i++)
        if (k->filter < 0 || u->items[i].label == k->filter) {
            if (out) out[n] = i;
            n++;
        }
    return n;
}

/* Position of the selected digit in the shown list, or -1. */
static int selected_position(const kept_state *k, const int *list, int n)
{
    for (int i = 0; i < n; i++)
        if (k->set.items[list[i]].id == k->selected) return i;
    return -1;
}

static int *shown_list(const kept_state *k, int *n)
{
    int *list = malloc(sizeof(int) * (size_t)(k->set.n ? k->set.n : 1));
    *n = list ? shown_digits(k, list) : 0;
    return list;
}

static void select_position(kept_state *k, const int *list, int n, int pos)
{
    if (n == 0) {
        k->selected = UINT_MAX;
        return;
    }
    pos = pos < 0 ? 0 : pos >= n ? n - 1 : pos;
    k->selected = k->set.items[list[pos]].id;
    /* keep it in view */
    int cols = k->cols > 0 ? k->cols : 1, rows = k->rows > 0 ? k->rows : 1;
    if (pos / cols < k->scroll) k->scroll = pos / cols;
    if (pos / cols >= k->scroll + rows) k->scroll = pos / cols - rows + 1;
    verbose_line("selected", "%u", k->selected);
}

/* ---- actions -------------------------------------------------------------------- */

static int selected_index(const kept_state *k) { return dp_userset_find(&k->set, k->selected); }

static void open_selected(kept_state *k, const gallery_env *env)
{
    int i = selected_index(k);
    if (i < 0) return;
    const dp_user_digit *d = &k->set.items[i];
    if (drawing_replace(env->draw, &d->strokes) != 0) {
        status_set(env->status, 1, "could not open it: %s", dp_error());
        return;
    }
    status_set(env->status, 0, "your kept %d (digit-%06u.txt) is on the canvas", d->label, d->id);
    dialog_open(env->dialog, DIALOG_NONE);
}

static void delete_selected(kept_state *k, const gallery_env *env)
{
    int n, *list = shown_list(k, &n);
    int pos = list ? selected_position(k, list, n) : -1;
    if (pos >= 0 && kept_delete(k, list[pos], env->status) == 0) {
        n = shown_digits(k, list);
        select_position(k, list, n, pos);   /* the next one, or the new last */
    }
    free(list);
}

static void move_selection(kept_state *k, int by)
{
    int n, *list = shown_list(k, &n);
    if (!list) return;
    int pos = selected_position(k, list, n);
    select_position(k, list, n, pos < 0 ? 0 : pos + by);
    free(list);
}

static void set_filter(kept_state *k, int filter)
{
    k->filter = filter;
    k->scroll = 0;
    verbose_line("filter", "%d", filter);
}

/* Arrows, pages, Home and End move the selection. */
static int navigation_step(const kept_state *k, SDL_Keycode key)
{
    int cols = k->cols > 0 ? k->cols : 1, page = k->rows * k->cols > 0 ? k->rows * k->cols : 1;
    switch (key) {
    case SDLK_LEFT: return -1;
    case SDLK_RIGHT: return 1;
    case SDLK_UP: return -cols;
    case SDLK_DOWN: return cols;
    case SDLK_PAGEUP: return -page;
    case SDLK_PAGEDOWN: return page;
    case SDLK_HOME: return -INT_MAX / 2;
    case SDLK_END: return INT_MAX / 2;
    default: return 0;
    }
}

int gallery_key(kept_state *k, const gallery_env *env, const SDL_KeyboardEvent *ev, command_queue *cmds)
{
    (void)cmds;
    SDL_Keycode key = ev->keysym.sym;
    int ctrl = (ev->keysym.mod & KMOD_CTRL) != 0, digit = key_digit(ev), step = navigation_step(k, key);
    if (key == SDLK_F12) return 0;   /* the screenshot key still works */
    if (digit >= 0 && selected_index(k) >= 0) kept_relabel(k, selected_index(k), digit, env->status);
    else if (key == SDLK_ESCAPE) dialog_open(env->dialog, DIALOG_NONE);
    else if (key == SDLK_RETURN || key == SDLK_KP_ENTER) open_selected(k, env);
    else if (key == SDLK_DELETE || key == SDLK_BACKSPACE) delete_selected(k, env);
    else if (key == SDLK_z && ctrl) kept_undo(k, env->draw, 1, env->status);
    else if (key == SDLK_e && ctrl) kept_export(k, env->status);
    else if (step) move_selection(k, step);
    else if (key == SDLK_TAB) set_filter(k, k->filter >= 9 ? -1 : k->filter + 1);
    return 1;
}

void gallery_wheel(kept_state *k, int dy)
{
    k->scroll -= dy;
    if (k->scroll < 0) k->scroll = 0;
}

/* ---- drawing -------------------------------------------------------------------- */

static void draw_tabs(frame *f, kept_state *k, const grid_layout *g)
{
    char label[32];
    snprintf(label, sizeof label, "All · %d", k->set.n);
    if (ui_button(f->ui, ID_GALLERY_TAB, g->tab_all, label, "Every kept digit (Tab goes through the digits)", 1,
                  k->filter < 0))
        set_filter(k, -1), f->redraw = 1;
    for (int d = 0; d < 10; d++) {
        snprintf(label, sizeof label, "%d · %d", d, dp_userset_count(&k->set, d, -1));
        if (ui_button(f->ui, ID_GALLERY_TAB + 1 + d, g->tab[d], label, NULL, 1, k->filter == d))
            set_filter(k, d), f->redraw = 1;
    }
}

/* The visible thumbnails in one streaming texture, one 28×28 cell each. */
static int fill_thumbnails(frame *f, kept_state *k, const int *list, int first, int count, int cols, int rows)
{
    int tw = cols * DP_INPUT, th = rows * DP_INPUT;
    if (!k->thumbs || k->thumbs_w != tw || k->thumbs_h != th) {
        if (k->thumbs) SDL_DestroyTexture(k->thumbs);
        k->thumbs = SDL_CreateTexture(f->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, tw, th);
        k->thumbs_w = tw, k->thumbs_h = th;
        if (!k->thumbs) return -1;
    }
    void *pixels;
    int pitch;
    if (SDL_LockTexture(k->thumbs, NULL, &pixels, &pitch) != 0) return -1;
    for (int i = 0; i < count; i++) {
        const uint8_t *img = k->set.items[list[first + i]].image;
        int cx = i % cols * DP_INPUT, cy = i / cols * DP_INPUT;
        for (int y = 0; y < DP_INPUT; y++) {
            Uint32 *row = (Uint32 *)((char *)pixels + (long)(cy + y) * pitch) + cx;
            for (int x = 0; x < DP_INPUT; x++) {
                Uint32 v = img[y * DP_INPUT + x];
                row[x] = 0xff000000u | v << 16 | v << 8 | v;
            }
        }
    }
    SDL_UnlockTexture(k->thumbs);
    return 0;
}

static void draw_cell(frame *f, kept_state *k, int i, ui_rect cell, ui_rect src, int index)
{
    const dp_user_digit *d = &k->set.items[index];
    float s = f->lay->scale;
    int selected = d->id == k->selected;
    if (ui_button(f->ui, ID_GALLERY_CELL + i, cell, "", NULL, 1, selected)) {
        k->selected = d->id;
        f->redraw = 1;
        verbose_line("selected", "%u", d->id);
    }
    int pad = (int)(4 * s), label_h = (int)(18 * s);
    ui_rect img = {cell.x + pad, cell.y + pad, cell.w - 2 * pad, cell.h - 2 * pad - label_h};
    if (img.h > img.w) img.h = img.w;
    if (img.w > img.h) img.x += (img.w - img.h) / 2, img.w = img.h;
    SDL_Rect dst = to_sdl(img), from = to_sdl(src);
    if (k->thumbs) SDL_RenderCopy(f->ren, k->thumbs, &from, &dst);
    if (selected) draw_frame(f->ren, rect_inset(cell, 1), THEME_ACCENT);
    int ly = cell.y + cell.h - pad - label_h / 2;
    text_drawf(f->text, FONT_NORMAL, cell.x + pad + (int)(2 * s), ly, THEME_TEXT, TEXT_LEFT | TEXT_MIDDLE, "%d", d->label);
    if (d->split == DP_SPLIT_TEST)
        text_draw(f->text, FONT_SMALL, "test", cell.x + cell.w - pad, ly, THEME_ACCENT_2, TEXT_RIGHT | TEXT_MIDDLE);
    if (index < k->read_as_n && k->read_as[index] != d->label)   /* the model reads it as another digit */
        text_drawf(f->text, FONT_SMALL, img.x + img.w - 2, img.y + 2, THEME_BAD, TEXT_RIGHT | TEXT_TOP, "reads %d",
                   k->read_as[index]);
}

static void draw_grid(frame *f, kept_state *k, const grid_layout *g, const gallery_env *env)
{
    int n, *list = shown_list(k, &n);
    if (!list) return;
    k->cols = g->cols, k->rows = g->rows;
    int total_rows = (n + g->cols - 1) / g->cols;
    if (k->scroll > total_rows - g->rows) k->scroll = total_rows - g->rows;
    if (k->scroll < 0) k->scroll = 0;
    int first = k->scroll * g->cols, count = n - first < g->rows * g->cols ? n - first : g->rows * g->cols;
    ui_rect area = g->area;
    if (n == 0) {
        const char *empty = k->filter < 0
            ? "No kept digits yet. Draw a digit and press its key (0–9), or press Collect to be asked for each in turn."
            : "None of this digit kept yet.";
        dialog_draw_wrapped(f, empty, area.x, area.y + area.h / 4, area.w, THEME_TEXT_DIM);
    }
    places_total(f->places, PLACE_CELL, n);
    kept_refresh_readings(k, env->model, env->busy);
    fill_thumbnails(f, k, list, first, count, g->cols, g->rows);
    for (int i = 0; i < count && i < 256; i++) {
        ui_rect cell = grid_cell(g, i);
        const dp_user_digit *d = &k->set.items[list[first + i]];
        draw_cell(f, k, i, cell, (ui_rect){i % g->cols * DP_INPUT, i / g->cols * DP_INPUT, DP_INPUT, DP_INPUT},
                  list[first + i]);
        places_note(f->places, PLACE_CELL, cell, d->id, d->label, 0, 0);
    }
    if (total_rows > g->rows)
        text_drawf(f->text, FONT_SMALL, area.x + area.w, area.y + area.h + (int)(8 * f->lay->scale), THEME_TEXT_DIM,
                   TEXT_RIGHT | TEXT_TOP, "rows %d–%d of %d (wheel, Page Up/Down)", k->scroll + 1,
                   k->scroll + g->rows, total_rows);
    free(list);
}

static void draw_gallery_buttons(frame *f, kept_state *k, const grid_layout *g, const gallery_env *env)
{
    const dialog_box *b = &g->box;
    int has = selected_index(k) >= 0;
    int close = ui_button(f->ui, ID_GALLERY, b->button[0], "Close", "Close (Esc)", 1, 1);
    int undo = ui_button(f->ui, ID_GALLERY + 1, b->button[1], "Undo", "Undo the last change (Ctrl+Z)", k->n_undo > 0, 0);
    int del = ui_button(f->ui, ID_GALLERY + 2, b->button[2], "Delete", "Delete the selected digit (Delete)", has, 0);
    int open = ui_button(f->ui, ID_GALLERY + 3, g->open, "Open on canvas",
                         "Put the selected digit on the canvas (Enter)", has, 0);
    int export = ui_button(f->ui, ID_GALLERY + 4, b->button[3], "Export",
                           "Write them as an MNIST-shaped folder and a .tar of it, as digitpad export-user does (Ctrl+E)",
                           k->set.n > 0, 0);
    if (export) kept_export(k, env->status);
    if (undo) kept_undo(k, env->draw, 1, env->status);
    if (del) delete_selected(k, env);
    if (open) open_selected(k, env);
    if (close) dialog_open(env->dialog, DIALOG_NONE);
    f->redraw |= close | undo | del | open | export;
    /* Left of the buttons: what the red marks mean, and where the files are. */
    char legend[sizeof k->dir + 128], fitted[sizeof legend + 8];
    snprintf(legend, sizeof legend, "red \"reads 7\": the model in use reads it as another digit · files: %s", k->dir);
    ui_rect leftmost = g->open.w > 0 ? g->open : b->button[3];   /* (a narrow card has no Open on canvas) */
    int room = leftmost.x - f->lay->pad - b->x;
    if (room > 4 * f->lay->min_control)
        text_draw(f->text, FONT_SMALL, text_fit_head(f->text, FONT_SMALL, legend, room, fitted, sizeof fitted), b->x,
                  leftmost.y + leftmost.h / 2, THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE);
}

void gallery_draw(frame *f, kept_state *k, const gallery_env *env)
{
    grid_layout g;
    digits_layout_compute(&g, f->lay);
    const dp_userset *u = &k->set;
    dialog_draw_card(f, &g.box, "My digits");
    int tests = dp_userset_count(u, -1, DP_SPLIT_TEST);
    char header[160], fitted[160];
    snprintf(header, sizeof header, "%d kept · %d to learn from · %d to test on, never trained on", u->n, u->n - tests,
             tests);
    int room = g.header_x - g.box.x - text_width(f->text, FONT_LARGE, "My digits") - f->lay->pad;
    if (text_width(f->text, FONT_SMALL, header) > room) snprintf(header, sizeof header, "%d kept · %d to test on", u->n, tests);
    text_draw(f->text, FONT_SMALL, text_fit_head(f->text, FONT_SMALL, header, room, fitted, sizeof fitted), g.header_x,
              g.header_y, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_TOP);
    draw_tabs(f, k, &g);
    draw_grid(f, k, &g, env);
    const char *note = "Click a digit to select it · 0–9 relabels it · Delete removes it · Ctrl+Z undoes · Enter opens "
                       "it on the canvas";
    char fitted_note[200];
    text_draw(f->text, FONT_SMALL, text_fit_head(f->text, FONT_SMALL, note, g.box.w, fitted_note, sizeof fitted_note),
              g.box.x, g.note_y, THEME_TEXT_DIM, TEXT_LEFT);
    draw_gallery_buttons(f, k, &g, env);
}

/* ---- the fine-tune result ------------------------------------------------------------ */

static void score_row(frame *f, int x, int y, const int *col, const char *what, double before, double after,
                      int right_b, int right_a, int n)
{
    char b[48], a[48], d[32];
    if (n) {
        snprintf(b, sizeof b, "%d/%d · %.1f %%", right_b, n, 100 * before);
        snprintf(a, sizeof a, "%d/%d · %.1f %%", right_a, n, 100 * after);
    } else {
        snprintf(b, sizeof b, "%.2f %%", 100 * before);
        snprintf(a, sizeof a, "%.2f %%", 100 * after);
    }
    double delta = 100 * (after - before);
    snprintf(d, sizeof d, "%+.*f", n ? 1 : 2, delta);
    SDL_Color dc = fabs(delta) < 0.005 ? THEME_TEXT_DIM : delta > 0 ? THEME_GOOD : THEME_BAD;
    text_draw(f->text, FONT_NORMAL, what, x, y, THEME_TEXT, TEXT_LEFT | TEXT_MIDDLE);
    text_draw(f->text, FONT_NORMAL, b, col[0], y, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_MIDDLE);
    text_draw(f->text, FONT_NORMAL, a, col[1], y, THEME_ACCENT, TEXT_RIGHT | TEXT_MIDDLE);
    text_draw(f->text, FONT_NORMAL, d, col[2], y, dc, TEXT_RIGHT | TEXT_MIDDLE);
}

int tune_keep_is_default(const jobs_status *job)
{
    const dp_finetune_score *b = &job->before, *a = &job->after;
    int yours_held = !a->personal_n || a->personal >= b->personal;
    return yours_held && a->mnist >= b->mnist - 0.003;
}

void tune_result_draw(frame *f, const jobs_status *job, const kept_state *k)
{
    tune_layout t;
    tune_layout_compute(&t, f->lay);
    const dp_finetune_score *b = &job->before, *a = &job->after;
    dialog_draw_card(f, &t.box, job->phase == PHASE_STOPPED ? "Fine-tuning stopped early" : "Fine-tuned on your digits");
    int x = t.box.x, y = t.header_y;
    text_draw(f->text, FONT_SMALL, "before", t.col[0], y, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_MIDDLE);
    text_draw(f->text, FONT_SMALL, "after", t.col[1], y, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_MIDDLE);
    text_draw(f->text, FONT_SMALL, "points", t.col[2], y, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_MIDDLE);
    y += t.row * 3 / 4;
    if (a->personal_n)
        score_row(f, x, y, t.col, "your test digits", b->personal, a->personal, b->personal_right, a->personal_right,
                  a->personal_n);
    else
        text_draw(f->text, FONT_NORMAL, "no test digits of yours yet (the 2nd of each digit you keep is one)", x, y,
                  THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE);
    score_row(f, x, y + t.row, t.col, "MNIST test set (10,000)", b->mnist, a->mnist, 0, 0, 0);
    text_drawf(f->text, FONT_SMALL, x, t.note_y, THEME_TEXT_DIM, TEXT_LEFT,
               "%ld steps on %d of your %s and %d MNIST images; your test digits were never trained on.",
               job->progress.step, k->tuned_on, kept_digits_word(k->tuned_on), k->tuned_mnist);
    int keep = tune_keep_is_default(job);   /* Enter: the choice that does not lose accuracy */
    if (ui_button(f->ui, ID_GALLERY + 10, t.box.button[0], "Keep the new model",
                  keep ? "Use the fine-tuned model (Enter); Save… writes it to a file"
                       : "Use the fine-tuned model although it scores lower; Save… writes it to a file",
                  1, keep))
        command_push(f->cmds, CMD_FINETUNE_CHOICE, 1);
    if (ui_button(f->ui, ID_GALLERY + 11, t.box.button[1], "Go back",
                  keep ? "Use the model as it was before (Esc)" : "Use the model as it was before (Enter, Esc)", 1, !keep))
        command_push(f->cmds, CMD_FINETUNE_CHOICE, 0);
}

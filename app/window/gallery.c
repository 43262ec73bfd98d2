/* The My digits dialog: the kept digits as thumbnails of what the network
 * sees, filtered by digit, with test digits and misread ones marked;
 * select one to relabel (0-9), delete (Delete) or open it on the canvas;
 * Ctrl+Z undoes. And the fine-tune result: before and after, keep or go
 * back. */
#include "app.h"
#include "common.h"
#include "theme.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ID_GALLERY = 700, ID_TAB = 720, ID_CELL = 800 };

/* ---- what is shown -------------------------------------------------------------- */

/* Indices of the kept digits the filter shows, in id order (out may be NULL). */
static int shown_digits(const app *a, int *out)
{
    const dp_userset *u = &a->mine.set;
    int n = 0;
    for (int i = 0; i < u->n; i++)
        if (a->mine.filter < 0 || u->items[i].label == a->mine.filter) {
            if (out) out[n] = i;
            n++;
        }
    return n;
}

/* Position of the selected digit in the shown list, or -1. */
static int selected_position(const app *a, const int *list, int n)
{
    for (int k = 0; k < n; k++)
        if (a->mine.set.items[list[k]].id == a->mine.selected) return k;
    return -1;
}

static int *shown_list(const app *a, int *n)
{
    int *list = malloc(sizeof(int) * (size_t)(a->mine.set.n ? a->mine.set.n : 1));
    *n = list ? shown_digits(a, list) : 0;
    return list;
}

static void select_position(app *a, const int *list, int n, int pos)
{
    if (n == 0) {
        a->mine.selected = UINT_MAX;
        return;
    }
    pos = pos < 0 ? 0 : pos >= n ? n - 1 : pos;
    a->mine.selected = a->mine.set.items[list[pos]].id;
    /* keep it in view */
    int cols = a->mine.cols > 0 ? a->mine.cols : 1, rows = a->mine.rows > 0 ? a->mine.rows : 1;
    if (pos / cols < a->mine.scroll) a->mine.scroll = pos / cols;
    if (pos / cols >= a->mine.scroll + rows) a->mine.scroll = pos / cols - rows + 1;
    if (a->opt.verbose) {
        printf("selected\t%u\n", a->mine.selected);
        fflush(stdout);
    }
}

/* ---- actions -------------------------------------------------------------------- */

static int selected_index(const app *a) { return dp_userset_find(&a->mine.set, a->mine.selected); }

static void open_selected(app *a)
{
    int i = selected_index(a);
    if (i < 0) return;
    const dp_user_digit *d = &a->mine.set.items[i];
    if (drawing_replace(&a->draw, &d->strokes) != 0) {
        app_set_status(a, 1, "could not open it: %s", dp_error());
        return;
    }
    app_set_status(a, 0, "your kept %d (digit-%06u.txt) is on the canvas", d->label, d->id);
    dialogs_open(a, MODAL_NONE);
}

static void delete_selected(app *a)
{
    int n, *list = shown_list(a, &n);
    int pos = list ? selected_position(a, list, n) : -1;
    if (pos >= 0 && mine_delete(a, list[pos]) == 0) {
        n = shown_digits(a, list);
        select_position(a, list, n, pos);   /* the next one, or the new last */
    }
    free(list);
}

static void relabel_selected(app *a, int label)
{
    int i = selected_index(a);
    if (i >= 0) mine_relabel(a, i, label);
}

static void move_selection(app *a, int by)
{
    int n, *list = shown_list(a, &n);
    if (!list) return;
    int pos = selected_position(a, list, n);
    select_position(a, list, n, pos < 0 ? 0 : pos + by);
    free(list);
}

static void set_filter(app *a, int filter)
{
    a->mine.filter = filter;
    a->mine.scroll = 0;
    if (a->opt.verbose) {
        printf("filter\t%d\n", filter);
        fflush(stdout);
    }
}

int gallery_key(app *a, const SDL_KeyboardEvent *k)
{
    SDL_Keycode key = k->keysym.sym;
    int ctrl = (k->keysym.mod & KMOD_CTRL) != 0, digit = app_digit_key(k), page = a->mine.rows * a->mine.cols;
    int cols = a->mine.cols > 0 ? a->mine.cols : 1;
    if (digit >= 0) relabel_selected(a, digit);
    else if (key == SDLK_ESCAPE) dialogs_open(a, MODAL_NONE);
    else if (key == SDLK_RETURN || key == SDLK_KP_ENTER) open_selected(a);
    else if (key == SDLK_DELETE || key == SDLK_BACKSPACE) delete_selected(a);
    else if (key == SDLK_z && ctrl) mine_undo(a, 1);
    else if (key == SDLK_LEFT) move_selection(a, -1);
    else if (key == SDLK_RIGHT) move_selection(a, 1);
    else if (key == SDLK_UP) move_selection(a, -cols);
    else if (key == SDLK_DOWN) move_selection(a, cols);
    else if (key == SDLK_PAGEUP) move_selection(a, -(page > 0 ? page : 1));
    else if (key == SDLK_PAGEDOWN) move_selection(a, page > 0 ? page : 1);
    else if (key == SDLK_HOME) move_selection(a, -INT_MAX / 2);
    else if (key == SDLK_END) move_selection(a, INT_MAX / 2);
    else if (key == SDLK_TAB) set_filter(a, a->mine.filter >= 9 ? -1 : a->mine.filter + 1);
    a->dirty = 1;
    return 1;
}

void gallery_wheel(app *a, int dy)
{
    a->mine.scroll -= dy;
    if (a->mine.scroll < 0) a->mine.scroll = 0;
    a->dirty = 1;
}

/* ---- drawing -------------------------------------------------------------------- */

static void draw_tabs(app *a, int x, int y, int w)
{
    float s = a->lay.scale;
    int h = (int)(30 * s), gap = (int)(4 * s), all_w = (int)(96 * s);
    int tab = (w - all_w - 10 * gap) / 10;
    char label[32];
    snprintf(label, sizeof label, "All · %d", a->mine.set.n);
    if (ui_button(&a->ui, ID_TAB, (ui_rect){x, y, all_w, h}, label, "Every kept digit (Tab goes through the digits)", 1,
                  a->mine.filter < 0))
        set_filter(a, -1);
    for (int d = 0; d < 10; d++) {
        snprintf(label, sizeof label, "%d · %d", d, dp_userset_count(&a->mine.set, d, -1));
        ui_rect r = {x + all_w + gap + d * (tab + gap), y, tab, h};
        if (ui_button(&a->ui, ID_TAB + 1 + d, r, label, NULL, 1, a->mine.filter == d)) set_filter(a, d);
    }
}

/* The visible thumbnails in one streaming texture, one 28×28 cell each. */
static int fill_thumbnails(app *a, const int *list, int first, int count, int cols, int rows)
{
    mine_state *m = &a->mine;
    int tw = cols * 28, th = rows * 28;
    if (!m->thumbs || m->thumbs_w != tw || m->thumbs_h != th) {
        if (m->thumbs) SDL_DestroyTexture(m->thumbs);
        m->thumbs = SDL_CreateTexture(a->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, tw, th);
        m->thumbs_w = tw, m->thumbs_h = th;
        if (!m->thumbs) return -1;
    }
    void *pixels;
    int pitch;
    if (SDL_LockTexture(m->thumbs, NULL, &pixels, &pitch) != 0) return -1;
    for (int i = 0; i < count; i++) {
        const uint8_t *img = m->set.items[list[first + i]].image;
        int cx = i % cols * 28, cy = i / cols * 28;
        for (int y = 0; y < 28; y++) {
            Uint32 *row = (Uint32 *)((char *)pixels + (long)(cy + y) * pitch) + cx;
            for (int x = 0; x < 28; x++) {
                Uint32 v = img[y * 28 + x];
                row[x] = 0xff000000u | v << 16 | v << 8 | v;
            }
        }
    }
    SDL_UnlockTexture(m->thumbs);
    return 0;
}

/* For scripted tests: where each visible digit is, whenever that changes. */
static void log_cells(const app *a, const int *list, int first, int count, const ui_rect *cells)
{
    static unsigned long long last;
    unsigned long long sig = 1469598103934665603ull;
    for (int i = 0; i < count; i++) sig = (sig ^ a->mine.set.items[list[first + i]].id) * 1099511628211ull;
    sig = (sig ^ (unsigned)(count ? cells[0].x * 7919 + cells[0].y + cells[0].w * 31 : 0)) * 1099511628211ull;
    if (!a->opt.verbose || sig == last) return;
    last = sig;
    float d = a->density;
    for (int i = 0; i < count; i++)
        printf("cell\t%u\t%d\t%d\t%d\t%d\t%d\n", a->mine.set.items[list[first + i]].id,
               a->mine.set.items[list[first + i]].label, (int)(cells[i].x / d), (int)(cells[i].y / d),
               (int)(cells[i].w / d), (int)(cells[i].h / d));
    printf("cells\t%d\n", count);
    fflush(stdout);
}

static void draw_cell(app *a, int i, ui_rect cell, ui_rect src, int index)
{
    const dp_user_digit *d = &a->mine.set.items[index];
    float s = a->lay.scale;
    int selected = d->id == a->mine.selected;
    if (ui_button(&a->ui, ID_CELL + i, cell, "", NULL, 1, selected)) {
        a->mine.selected = d->id;
        if (a->opt.verbose) {
            printf("selected\t%u\n", d->id);
            fflush(stdout);
        }
    }
    int pad = (int)(4 * s), label_h = (int)(18 * s);
    ui_rect img = {cell.x + pad, cell.y + pad, cell.w - 2 * pad, cell.h - 2 * pad - label_h};
    if (img.h > img.w) img.h = img.w;
    if (img.w > img.h) img.x += (img.w - img.h) / 2, img.w = img.h;
    SDL_Rect dst = to_sdl(img), from = to_sdl(src);
    if (a->mine.thumbs) SDL_RenderCopy(a->ren, a->mine.thumbs, &from, &dst);
    if (selected) draw_frame(a->ren, rect_inset(cell, 1), THEME_ACCENT);
    int ly = cell.y + cell.h - pad - label_h / 2;
    text_drawf(a->text, FONT_NORMAL, cell.x + pad + (int)(2 * s), ly, THEME_TEXT, TEXT_LEFT | TEXT_MIDDLE, "%d",
               d->label);
    if (d->split == DP_SPLIT_TEST)
        text_draw(a->text, FONT_SMALL, "test", cell.x + cell.w - pad, ly, THEME_ACCENT_2, TEXT_RIGHT | TEXT_MIDDLE);
    const mine_state *m = &a->mine;
    if (index < m->read_as_n && m->read_as[index] != d->label)   /* the model reads it as another digit */
        text_drawf(a->text, FONT_SMALL, img.x + img.w - 2, img.y + 2, THEME_BAD, TEXT_RIGHT | TEXT_TOP, "reads %d",
                   m->read_as[index]);
}

static void draw_grid(app *a, ui_rect area)
{
    float s = a->lay.scale;
    int n, *list = shown_list(a, &n);
    if (!list) return;
    int cell_w = (int)(84 * s), cell_h = (int)(96 * s), gap = (int)(6 * s);
    int cols = (area.w + gap) / (cell_w + gap), rows = (area.h + gap) / (cell_h + gap);
    if (cols < 1) cols = 1;
    if (rows < 1) rows = 1;
    a->mine.cols = cols, a->mine.rows = rows;
    int total_rows = (n + cols - 1) / cols;
    if (a->mine.scroll > total_rows - rows) a->mine.scroll = total_rows - rows;
    if (a->mine.scroll < 0) a->mine.scroll = 0;
    int first = a->mine.scroll * cols, count = n - first < rows * cols ? n - first : rows * cols;
    if (n == 0) {
        const char *empty = a->mine.filter < 0
            ? "No kept digits yet. Draw a digit and press its key (0–9), or press Collect to be asked for each in turn."
            : "None of this digit kept yet.";
        text_draw(a->text, FONT_NORMAL, empty, area.x + area.w / 2, area.y + area.h / 3, THEME_TEXT_DIM,
                  TEXT_CENTER | TEXT_MIDDLE);
    }
    mine_refresh_readings(a);
    fill_thumbnails(a, list, first, count, cols, rows);
    ui_rect cells[256];
    for (int i = 0; i < count && i < 256; i++) {
        cells[i] = (ui_rect){area.x + i % cols * (cell_w + gap), area.y + i / cols * (cell_h + gap), cell_w, cell_h};
        draw_cell(a, i, cells[i], (ui_rect){i % cols * 28, i / cols * 28, 28, 28}, list[first + i]);
    }
    log_cells(a, list, first, count < 256 ? count : 256, cells);
    if (total_rows > rows)
        text_drawf(a->text, FONT_SMALL, area.x + area.w, area.y + area.h + (int)(8 * s), THEME_TEXT_DIM,
                   TEXT_RIGHT | TEXT_TOP, "rows %d–%d of %d (wheel, Page Up/Down)", a->mine.scroll + 1,
                   a->mine.scroll + rows, total_rows);
    free(list);
}

void gallery_draw(app *a)
{
    float s = a->lay.scale;
    const dp_userset *u = &a->mine.set;
    ui_rect c = dialog_card(a, (int)(960 * s), (int)(660 * s), "My digits");
    int x = c.x + 2 * a->lay.pad, w = c.w - 4 * a->lay.pad, y = c.y + (int)(56 * s);
    int tests = dp_userset_count(u, -1, DP_SPLIT_TEST);
    text_drawf(a->text, FONT_SMALL, c.x + c.w - 2 * a->lay.pad, c.y + 2 * a->lay.pad + (int)(6 * s), THEME_TEXT_DIM,
               TEXT_RIGHT | TEXT_TOP, "%d kept · %d to learn from · %d to test on, never trained on", u->n,
               u->n - tests, tests);
    draw_tabs(a, x, y, w);
    int bottom = c.y + c.h - 2 * a->lay.pad - (int)(32 * s) - (int)(34 * s);
    ui_rect area = {x, y + (int)(42 * s), w, bottom - (y + (int)(42 * s))};
    draw_grid(a, area);
    text_draw(a->text, FONT_SMALL,
              "Click a digit to select it · 0–9 relabels it · Delete removes it · Ctrl+Z undoes · Enter opens it on the "
              "canvas",
              x, bottom + (int)(8 * s), THEME_TEXT_DIM, TEXT_LEFT);
    int has = selected_index(a) >= 0, bw = (int)(130 * s);
    if (ui_button(&a->ui, ID_GALLERY, dialog_button_at(a, c, 0, (int)(100 * s)), "Close", "Close (Esc)", 1, 1))
        dialogs_open(a, MODAL_NONE);
    if (ui_button(&a->ui, ID_GALLERY + 1, dialog_button_at(a, c, 1, (int)(100 * s)), "Undo", "Undo the last change (Ctrl+Z)",
                  a->mine.n_undo > 0, 0))
        mine_undo(a, 1);
    ui_rect del = dialog_button_at(a, c, 2, (int)(100 * s));
    if (ui_button(&a->ui, ID_GALLERY + 2, del, "Delete", "Delete the selected digit (Delete)", has, 0)) delete_selected(a);
    ui_rect open = {del.x - a->lay.pad - bw, del.y, bw, del.h};
    if (ui_button(&a->ui, ID_GALLERY + 3, open, "Open on canvas", "Put the selected digit on the canvas (Enter)", has, 0))
        open_selected(a);
    /* Left of the buttons: what the red marks mean, and where the files are. */
    char legend[sizeof a->mine.dir + 128], fitted[sizeof legend + 8];
    snprintf(legend, sizeof legend, "red \"reads 7\": the model in use reads it as another digit · files: %s", a->mine.dir);
    text_draw(a->text, FONT_SMALL, text_fit_head(a->text, FONT_SMALL, legend, open.x - a->lay.pad - x, fitted, sizeof fitted),
              x, open.y + open.h / 2, THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE);
}

/* ---- the fine-tune result ------------------------------------------------------------ */

static void score_row(app *a, int x, int y, const int *col, const char *what, double before, double after, int right_b,
                      int right_a, int n)
{
    char b[48], f[48], d[32];
    if (n) {
        snprintf(b, sizeof b, "%d/%d · %.1f %%", right_b, n, 100 * before);
        snprintf(f, sizeof f, "%d/%d · %.1f %%", right_a, n, 100 * after);
    } else {
        snprintf(b, sizeof b, "%.2f %%", 100 * before);
        snprintf(f, sizeof f, "%.2f %%", 100 * after);
    }
    double delta = 100 * (after - before);
    snprintf(d, sizeof d, "%+.*f", n ? 1 : 2, delta);
    SDL_Color dc = fabs(delta) < 0.005 ? THEME_TEXT_DIM : delta > 0 ? THEME_GOOD : THEME_BAD;
    text_draw(a->text, FONT_NORMAL, what, x, y, THEME_TEXT, TEXT_LEFT | TEXT_MIDDLE);
    text_draw(a->text, FONT_NORMAL, b, col[0], y, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_MIDDLE);
    text_draw(a->text, FONT_NORMAL, f, col[1], y, THEME_ACCENT, TEXT_RIGHT | TEXT_MIDDLE);
    text_draw(a->text, FONT_NORMAL, d, col[2], y, dc, TEXT_RIGHT | TEXT_MIDDLE);
}

void finetune_result_draw(app *a)
{
    float s = a->lay.scale;
    const dp_finetune_score *b = &a->st.before, *f = &a->st.after;
    const char *title = a->st.phase == PHASE_STOPPED ? "Fine-tuning stopped early" : "Fine-tuned on your digits";
    ui_rect c = dialog_card(a, (int)(680 * s), (int)(260 * s), title);
    int x = c.x + 2 * a->lay.pad, y = c.y + (int)(74 * s), row = (int)(38 * s);
    int col[3] = {x + (int)(400 * s), x + (int)(550 * s), c.x + c.w - 2 * a->lay.pad};
    text_draw(a->text, FONT_SMALL, "before", col[0], y, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_MIDDLE);
    text_draw(a->text, FONT_SMALL, "after", col[1], y, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_MIDDLE);
    text_draw(a->text, FONT_SMALL, "points", col[2], y, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_MIDDLE);
    y += row * 3 / 4;
    if (f->personal_n)
        score_row(a, x, y, col, "your test digits", b->personal, f->personal, b->personal_right, f->personal_right,
                  f->personal_n);
    else
        text_draw(a->text, FONT_NORMAL, "no test digits of yours yet (the 2nd of each digit you keep is one)", x, y,
                  THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE);
    score_row(a, x, y + row, col, "MNIST test set (10,000)", b->mnist, f->mnist, 0, 0, 0);
    text_drawf(a->text, FONT_SMALL, x, y + row * 3 / 2 + (int)(10 * s), THEME_TEXT_DIM, TEXT_LEFT,
               "%ld steps on %d of your digits and %d MNIST images; your test digits were never trained on.",
               a->st.progress.step, a->mine.tuned_on, a->mine.tuned_mnist);
    int bw = (int)(190 * s);
    if (ui_button(&a->ui, ID_GALLERY + 10, dialog_button_at(a, c, 0, bw), "Keep the new model",
                  "Use the fine-tuned model (Enter); Save… writes it to a file", 1, 1))
        mine_finetune_choose(a, 1);
    if (ui_button(&a->ui, ID_GALLERY + 11, dialog_button_at(a, c, 1, bw), "Go back", "Use the model as it was before (Esc)",
                  1, 0))
        mine_finetune_choose(a, 0);
}

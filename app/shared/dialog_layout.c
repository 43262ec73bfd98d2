/* Each dialog's geometry (see dialog_layout.h). Sizes are layout units
 * times the window's scale, cut to whole pixels. */
#include "dialog_layout.h"

#include <string.h>

static int u(const ui_layout *l, float units) { return (int)(units * l->scale); }

/* The card of w×h pixels. */
static dialog_box place_px(const ui_layout *l, int w, int h, const float *button_units)
{
    dialog_box b;
    memset(&b, 0, sizeof b);
    int pad = l->pad;
    if (w > l->w - 2 * pad) w = l->w - 2 * pad;
    if (h > l->h - 2 * pad) h = l->h - 2 * pad;
    b.card = (ui_rect){(l->w - w) / 2, (l->h - h) / 2, w, h};
    b.title_x = b.card.x + 2 * pad, b.title_y = b.card.y + 2 * pad;
    b.x = b.card.x + 2 * pad, b.w = b.card.w - 4 * pad;
    int bh = u(l, 32), right = b.card.x + b.card.w - 2 * pad, y = b.card.y + b.card.h - 2 * pad - bh;
    for (int i = 0; button_units && i < DIALOG_BUTTONS && button_units[i] > 0; i++) {
        int bw = u(l, button_units[i]);   /* as if every button on the row had this one's width */
        b.button[i] = (ui_rect){right - (i + 1) * bw - i * pad, y, bw, bh};
    }
    return b;
}

dialog_box dialog_box_place(const ui_layout *l, float w_units, float h_units, const float *button_units)
{
    return place_px(l, u(l, w_units), u(l, h_units), button_units);
}

void settings_layout_compute(settings_layout *s, const ui_layout *l)
{
    static const float buttons[] = {100, 0};
    memset(s, 0, sizeof *s);
    s->box = dialog_box_place(l, 460, 330, buttons);
    int x = s->box.x, w = s->box.w, y = s->box.card.y + u(l, 60), row = u(l, 44), bh = u(l, 30);
    for (int i = 0; i < 3; i++) {
        int ry = y + i * row, vx = x + w - 3 * bh;
        s->row[i] = (ui_rect){x, ry, w, bh};
        s->minus[i] = (ui_rect){vx - bh, ry, bh, bh};
        s->plus[i] = (ui_rect){vx + 2 * bh, ry, bh, bh};
        s->value_x[i] = vx + bh / 2 + bh / 2;
    }
    int sy = y + 3 * row, cw = u(l, 140), cx = x + w - 2 * cw - l->pad / 2;
    s->start_label = (ui_rect){x, sy + u(l, 15), 0, 0};
    s->start_new = (ui_rect){cx, sy, cw, bh};
    s->start_current = (ui_rect){cx + cw + l->pad / 2, sy, cw, bh};
}

static void place_field(file_layout *f, const ui_layout *l, int y)
{
    int h = u(l, 34) > l->min_control ? u(l, 34) : l->min_control;
    f->field = (ui_rect){f->box.x, y, f->box.w, h};
    f->error_y = y + h + u(l, 8);
}

void save_layout_compute(file_layout *f, const ui_layout *l, int browse, int error_h)
{
    const float buttons[] = {100, 100, browse ? 110 : 0, 0};
    memset(f, 0, sizeof *f);
    f->box = place_px(l, u(l, 640), u(l, 210) + error_h, buttons);
    f->hint_y = f->box.card.y + u(l, 58);
    place_field(f, l, f->box.card.y + u(l, 84));
}

void load_layout_compute(file_layout *f, const ui_layout *l, int n_listed, int browse, int error_h)
{
    const float buttons[] = {100, 100, browse ? 110 : 0, 0};
    memset(f, 0, sizeof *f);
    n_listed = n_listed < 0 ? 0 : n_listed > FILE_ROWS ? FILE_ROWS : n_listed;
    int row = u(l, 44) > l->min_control + 4 ? u(l, 44) : l->min_control + 4;
    f->box = place_px(l, u(l, 640), u(l, 230) + n_listed * row + error_h, buttons);
    f->hint_y = f->box.card.y + u(l, 56);
    int y = f->hint_y + u(l, 28);
    for (int i = 0; i < n_listed; i++) f->listed[i] = (ui_rect){f->box.x, y + i * row, f->box.w, row - 4};
    f->list = (ui_rect){f->box.x, y, f->box.w, n_listed * row};
    place_field(f, l, y + n_listed * row + u(l, 6));
}

void eval_layout_compute(eval_layout *e, const ui_layout *l)
{
    static const float buttons[] = {100, 130, 0};
    memset(e, 0, sizeof *e);
    e->box = dialog_box_place(l, 860, 560, buttons);
    int x = e->box.x, y = e->box.card.y + u(l, 56), bw = u(l, 260);
    if (bw > e->box.w - u(l, 24) - u(l, 70)) bw = e->box.w - u(l, 24) - u(l, 70);   /* a narrow card */
    if (bw < 0) bw = 0;
    e->accuracy_y = y, e->detail_y = y + u(l, 32);
    e->bars_y = y + u(l, 86), e->bar_row = u(l, 30);
    for (int d = 0; d < 10; d++) {
        int ry = e->bars_y + d * e->bar_row;
        e->track[d] = (ui_rect){x + u(l, 24), ry + e->bar_row / 5, bw, e->bar_row * 3 / 5};
    }
    /* The confusion matrix right of the bars, or under them in a narrow
     * card, whichever gives bigger cells (none if even that is too small). */
    const ui_rect c = e->box.card;
    int mx = x + bw + u(l, 150), my = e->bars_y + u(l, 10);
    int cell = (c.x + c.w - 2 * l->pad - mx) / 10, max_cell = (c.y + c.h - u(l, 70) - my) / 10;
    cell = cell > max_cell ? max_cell : cell;
    int below_y = e->bars_y + 10 * e->bar_row + u(l, 60), below_x = x + u(l, 24);
    int below = (c.x + c.w - 2 * l->pad - below_x) / 10, below_max = (c.y + c.h - u(l, 70) - below_y) / 10;
    below = below > below_max ? below_max : below;
    if (below > cell) {
        cell = below, mx = below_x, my = below_y;
        e->matrix_title_y = below_y - u(l, 6) - cell / 2;
    } else {
        e->matrix_title_y = e->bars_y - u(l, 6) - cell / 2;
    }
    e->cell = cell > 0 ? cell : 0;
    e->matrix_x = mx, e->matrix_y = my + e->cell / 2;
}

void help_layout_compute(help_layout *h, const ui_layout *l, int rows)
{
    static const float buttons[] = {100, 0};
    memset(h, 0, sizeof *h);
    h->row = u(l, 28);
    h->box = place_px(l, u(l, 620), u(l, 150) + rows * h->row, buttons);
    h->stacked = h->box.w < u(l, 560);   /* a narrow window: each key over what it does */
    if (h->stacked) {
        h->row = u(l, 40);
        h->box = place_px(l, u(l, 620), u(l, 170) + rows * h->row, buttons);
    }
    h->y0 = h->box.card.y + u(l, 60);
    h->desc_x = h->stacked ? h->box.x + u(l, 12) : h->box.x + u(l, 230);
    h->note_y = h->y0 + rows * h->row + h->row / 3;
}

void message_layout_compute(message_layout *m, const ui_layout *l, int n_buttons)
{
    float buttons[4] = {0};
    for (int i = 0; i < n_buttons && i < 3; i++) buttons[i] = 100;
    memset(m, 0, sizeof *m);
    m->box = dialog_box_place(l, 620, 260, buttons);
    m->text_y = m->box.card.y + u(l, 60);
}

/* What the two grids share: the card, the header line, the bottom edge. */
static int grid_frame(grid_layout *g, const ui_layout *l, const float *buttons)
{
    memset(g, 0, sizeof *g);
    g->box = dialog_box_place(l, 960, 660, buttons);
    const ui_rect c = g->box.card;
    g->header_x = c.x + c.w - 2 * l->pad, g->header_y = c.y + 2 * l->pad + u(l, 6);
    g->gap = u(l, 6);
    return c.y + c.h - 2 * l->pad - u(l, 32) - u(l, 34);   /* the grid's bottom edge */
}

static void grid_fit(grid_layout *g)
{
    g->cols = (g->area.w + g->gap) / (g->cell_w + g->gap);
    g->rows = (g->area.h + g->gap) / (g->cell_h + g->gap);
    g->cols = g->cols < 1 ? 1 : g->cols, g->rows = g->rows < 1 ? 1 : g->rows;
}

void digits_layout_compute(grid_layout *g, const ui_layout *l)
{
    static const float buttons[] = {100, 100, 100, 100};   /* Close, Undo, Delete, Export */
    int bottom = grid_frame(g, l, buttons), x = g->box.x, w = g->box.w, y = g->box.card.y + u(l, 56);
    int h = u(l, 30), gap = u(l, 4), all_w = u(l, 96), tab = (w - all_w - 10 * gap) / 10;
    g->tab_all = (ui_rect){x, y, all_w, h};
    for (int d = 0; d < 10; d++) g->tab[d] = (ui_rect){x + all_w + gap + d * (tab + gap), y, tab, h};
    g->area = (ui_rect){x, y + u(l, 42), w, bottom - (y + u(l, 42))};
    g->cell_w = u(l, 84), g->cell_h = u(l, 96);
    grid_fit(g);
    g->note_y = bottom + u(l, 8);
    ui_rect export = g->box.button[3];
    int bw = u(l, 130);
    g->open = (ui_rect){export.x - l->pad - bw, export.y, bw, export.h};
    if (g->open.x < g->box.x) g->open = (ui_rect){0, 0, 0, 0};   /* a narrow card: Enter still opens it */
}

void cell_layout_compute(grid_layout *g, const ui_layout *l)
{
    static const float buttons[] = {100, 140, 0};
    int bottom = grid_frame(g, l, buttons), y = g->box.card.y + u(l, 56);
    g->area = (ui_rect){g->box.x, y, g->box.w, bottom - y};
    g->cell_w = u(l, 84), g->cell_h = u(l, 100);
    grid_fit(g);
    g->note_y = bottom + u(l, 8);
}

ui_rect grid_cell(const grid_layout *g, int k)
{
    return (ui_rect){g->area.x + k % g->cols * (g->cell_w + g->gap), g->area.y + k / g->cols * (g->cell_h + g->gap),
                     g->cell_w, g->cell_h};
}

void tune_layout_compute(tune_layout *t, const ui_layout *l)
{
    static const float buttons[] = {190, 190, 0};
    memset(t, 0, sizeof *t);
    t->box = dialog_box_place(l, 680, 260, buttons);
    int x = t->box.x;
    t->header_y = t->box.card.y + u(l, 74), t->row = u(l, 38);
    t->col[0] = x + u(l, 400), t->col[1] = x + u(l, 550), t->col[2] = t->box.card.x + t->box.card.w - 2 * l->pad;
    t->note_y = t->header_y + t->row * 3 / 4 + t->row * 3 / 2 + u(l, 10);
}

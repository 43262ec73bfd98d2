/* Where everything goes (see layout.h). The window is arranged in one of
 * three ways by its shape; the toolbar's buttons flow into as many rows as
 * the width needs; the teaching strip moves from the side panel into a tab
 * of the views when the panel has no room for it. */
#include "layout.h"

#include <math.h>
#include <stddef.h>

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }
static float clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }
static int maxi(int a, int b) { return a > b ? a : b; }
static int mini(int a, int b) { return a < b ? a : b; }
static int px(float v) { return (int)(v + 0.5f); }

int rect_contains(ui_rect r, int x, int y) { return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h; }

int rect_overlaps(ui_rect a, ui_rect b)
{
    return a.w > 0 && a.h > 0 && b.w > 0 && b.h > 0 && a.x < b.x + b.w && b.x < a.x + a.w &&
           a.y < b.y + b.h && b.y < a.y + a.h;
}

int rect_inside(ui_rect in, ui_rect out)
{
    return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w && in.y + in.h <= out.y + out.h;
}

ui_rect rect_inset(ui_rect r, int by)
{
    ui_rect o = {r.x + by, r.y + by, r.w - 2 * by, r.h - 2 * by};
    if (o.w < 0) o.w = 0;
    if (o.h < 0) o.h = 0;
    return o;
}

static ui_rect rect_nonneg(int x, int y, int w, int h) { return (ui_rect){x, y, maxi(w, 0), maxi(h, 0)}; }

/* A control's side: units times the scale, never below the minimum. */
static int control(const ui_layout *l, float units) { return maxi(px(units * l->scale), l->min_control); }

/* ---- the toolbar ------------------------------------------------------------------ */

/* Button widths in layout units, about their label's width plus margins. */
static const float button_units[BTN_COUNT] = {
    [BTN_TRAIN] = 70, [BTN_STOP] = 56, [BTN_SETTINGS] = 90, [BTN_EVAL] = 80, [BTN_SAVE] = 66,
    [BTN_LOAD] = 66, [BTN_UNDO] = 58, [BTN_REDO] = 58, [BTN_CLEAR] = 58, [BTN_HELP] = 36,
};
/* The last button of a group (train | model | drawing) has a wider gap after it. */
static const int group_end[BTN_COUNT] = {[BTN_SETTINGS] = 1, [BTN_LOAD] = 1, [BTN_CLEAR] = 1};

/* The buttons flow left to right into rows; the brush slider goes at the
 * right end of the last row, or on a row of its own when it has no room.
 * shared: Stop takes Train's place (one button that is Train or Stop).
 * Returns the number of rows. */
static int flow_toolbar(ui_layout *l, int shared)
{
    float s = l->scale;
    int pad = l->pad, bh = control(l, 32), vgap = maxi(px(8 * s), 2);
    int gap = maxi(px((l->touch ? 4 : 6) * s), 2), group_gap = l->touch ? 2 * gap : maxi(px(18 * s), gap);
    int x = pad, y = vgap, rows = 1;
    for (int i = 0; i < BTN_COUNT; i++) {
        if (shared && i == BTN_STOP) {
            l->buttons[i] = l->buttons[BTN_TRAIN];
            continue;
        }
        int bw = control(l, button_units[i]);
        if (x > pad && x + bw > l->w - pad) x = pad, y += bh + vgap, rows++;
        l->buttons[i] = (ui_rect){x, y, bw, bh};
        x += bw + (group_end[i] ? group_gap : gap);
    }
    int brush_want = px(190 * s), brush_min = maxi(px(100 * s), l->min_control * 3 / 2);
    int room = l->w - pad - (x - gap + group_gap);
    if (room < brush_min) y += bh + vgap, rows++, room = l->w - 2 * pad;
    int bw = clampi(brush_want, 0, maxi(room, 0));
    l->brush = (ui_rect){l->w - pad - bw, y, bw, bh};
    l->toolbar = (ui_rect){0, 0, l->w, rows * (bh + vgap) + vgap};
    l->train_stop_shared = shared;
    return rows;
}

/* Where a finger is the pointer, Train and Stop share a button when that
 * saves a row of the toolbar. */
static void layout_toolbar(ui_layout *l)
{
    int rows = flow_toolbar(l, 0);
    if (l->touch && rows > 1 && flow_toolbar(l, 1) >= rows) flow_toolbar(l, 0);
}

/* ---- the teaching strip ----------------------------------------------------------- */

/* "it's a…" and the ten keep buttons (in two rows of five when one row
 * would make them smaller than a control may be), then a line of the kept
 * digits' counts and the three buttons for them (the counts left out when
 * r is too short for them on a line of their own). Places them in r when
 * place is set; returns the height it takes in r, or 0 if it cannot fit. */
static int layout_teach(ui_layout *l, ui_rect r, int place)
{
    float s = l->scale;
    int gap = maxi(px(4 * s), 1), row1 = control(l, 42), row2 = control(l, 30);
    int caption = clampi(px(52 * s), 0, r.w / 6);
    int per_row = 10, cell = (r.w - caption - 9 * gap) / 10;
    if (cell < l->min_control) caption = 0, per_row = 5, cell = (r.w - 4 * gap) / 5;
    if (cell < l->min_control) return 0;
    int keep_rows = 10 / per_row;
    int widths[3] = {control(l, 112), control(l, 96), control(l, 150)};   /* My digits…, Collect, Fine-tune on them */
    int buttons_w = widths[0] + widths[1] + widths[2] + 2 * gap;
    if (buttons_w > r.w) return 0;
    int info_own_line = r.w - buttons_w < px(180 * s);   /* the counts get a line of their own */
    int info_h = px(20 * s), h = keep_rows * row1 + (keep_rows - 1) * gap + l->pad / 2 + row2;
    if (info_own_line && h + info_h + gap <= r.h) h += info_h + gap;
    else if (info_own_line) info_own_line = 0, info_h = 0;   /* no line for the counts: the buttons show them */
    if (h > r.h) return 0;
    if (!place) return h;
    if (caption) l->keep_caption = (ui_rect){r.x, r.y, caption, row1};
    for (int d = 0; d < 10; d++) {
        int col = d % per_row, row = d / per_row;
        l->keep[d] = (ui_rect){r.x + caption + col * (cell + gap), r.y + row * (row1 + gap), cell, row1};
    }
    int y = r.y + keep_rows * row1 + (keep_rows - 1) * gap + l->pad / 2;
    if (info_own_line) {
        l->mine_info = (ui_rect){r.x, y, r.w, info_h};
        y += info_h + gap;
    }
    ui_rect *btn[3] = {&l->mine_digits, &l->mine_collect, &l->mine_finetune};
    int right = r.x + r.w;
    for (int i = 2; i >= 0; i--) {
        *btn[i] = (ui_rect){right - widths[i], y, widths[i], row2};
        right -= widths[i] + gap;
    }
    if (!info_own_line && info_h) l->mine_info = rect_nonneg(r.x, y, right - r.x, row2);
    return h;
}

/* ---- the answer: preview, verdict, bars --------------------------------------------- */

/* The 28×28 preview at whole pixels per input pixel when it is big enough. */
static int preview_side(int fit) { return fit >= 56 ? fit / 28 * 28 : maxi(fit, 0); }

/* Preview and verdict side by side at the top of r, of height h. */
static void layout_answer_row(ui_layout *l, ui_rect r, int h)
{
    int p = preview_side(mini(h, r.w * 2 / 5));
    l->preview = (ui_rect){r.x, r.y, p, p};
    l->verdict = rect_nonneg(r.x + p + l->pad, r.y, r.w - p - l->pad, h);
}

static void set_bars(ui_layout *l, ui_rect r)
{
    l->bars = rect_nonneg(r.x, r.y, r.w, r.h);
    l->bars_columns = l->bars.h / 10 < px(16 * l->scale);   /* rows that thin cannot be read */
}

/* The side panel of the landscape and wide arrangements: preview and
 * verdict, the bars, and the teaching strip when it fits. */
static void layout_side(ui_layout *l)
{
    ui_rect in = rect_inset(l->side, l->pad);
    int caption = px(20 * l->scale);   /* the line under the preview */
    int teach = layout_teach(l, in, 0), usable = in.h;
    if (teach && teach * 3 <= l->side.h) usable = in.h - teach - l->pad;
    else l->teach_in_tab = 1;
    int answer_h = preview_side(clampi(in.w * 2 / 5, 0, usable / 2 - caption));
    layout_answer_row(l, in, answer_h);
    int by = in.y + answer_h + caption;
    set_bars(l, (ui_rect){in.x, by, in.w, in.y + usable - by});
    if (!l->teach_in_tab) layout_teach(l, (ui_rect){in.x, in.y + usable + l->pad, in.w, teach}, 1);
}

/* ---- the views: tabs, the area under them, the charts -------------------------------- */

static const float tab_units[VIEW_COUNT] = {90, 110, 165, 160, 100};

static void layout_charts(ui_layout *l, ui_rect a)
{
    int gap = l->pad, min_w = px(170 * l->scale), min_h = px(80 * l->scale);
    int three = (a.w - 2 * gap) / 3 >= min_w && (a.w >= 2 * a.h || a.h < 2 * min_h + gap);
    if (three) {   /* three across */
        int room = a.w - 2 * gap;
        l->chart_loss = (ui_rect){a.x, a.y, room * 9 / 20, a.h};
        int dx = a.x + l->chart_loss.w + gap;
        l->chart_drawing = (ui_rect){dx, a.y, room * 5 / 20, a.h};
        int ax = dx + l->chart_drawing.w + gap;
        l->chart_acc = rect_nonneg(ax, a.y, a.x + a.w - ax, a.h);
        return;
    }
    int half = (a.w - gap) / 2, top = a.h >= 2 * min_h + gap ? (a.h - gap) / 2 : a.h;
    l->chart_loss = rect_nonneg(a.x, a.y, half, top);
    l->chart_acc = rect_nonneg(a.x + half + gap, a.y, a.w - half - gap, top);
    if (top < a.h) l->chart_drawing = rect_nonneg(a.x, a.y + top + gap, a.w, a.h - top - gap);
}

/* The tabs at their natural widths when they fit, else sharing the width
 * (views.c then uses short names); "Save picture" at the right. */
static void layout_tabs(ui_layout *l, ui_rect v, int tab_h)
{
    int n = l->teach_in_tab ? VIEW_COUNT : VIEW_TEACH, gap = maxi(px(4 * l->scale), 1);
    int save_w = control(l, 120), natural = 0;
    for (int i = 0; i < n; i++) natural += control(l, tab_units[i]) + gap;
    int x = v.x;
    if (natural + save_w <= v.w) {
        for (int i = 0; i < n; i++) {
            l->view_tabs[i] = (ui_rect){x, v.y, control(l, tab_units[i]), tab_h};
            x += l->view_tabs[i].w + gap;
        }
    } else {
        save_w = control(l, 56);
        int each = (v.w - save_w - n * gap) / n;
        if (each < l->min_control) save_w = 0, each = (v.w - (n - 1) * gap) / n;
        for (int i = 0; i < n; i++) l->view_tabs[i] = (ui_rect){v.x + i * (each + gap), v.y, maxi(each, 0), tab_h};
    }
    if (save_w) l->view_save = (ui_rect){v.x + v.w - save_w, v.y, save_w, tab_h};
}

static void layout_views(ui_layout *l, ui_rect v)
{
    int tab_h = control(l, 26), gap = l->pad / 2;
    if (v.h >= tab_h + gap + maxi(px(60 * l->scale), tab_h)) {   /* tabs, when there is room under them */
        layout_tabs(l, v, tab_h);
        v.y += tab_h + gap, v.h -= tab_h + gap;
    } else {
        l->teach_in_tab = 0;   /* no tabs: the strip is left out; the keys 0-9 still keep */
    }
    l->view_area = rect_nonneg(v.x, v.y, v.w, v.h);
    layout_charts(l, l->view_area);
    if (l->teach_in_tab && !layout_teach(l, rect_inset(l->view_area, l->pad), 1)) l->teach_in_tab = 0;
    if (!l->teach_in_tab) l->view_tabs[VIEW_TEACH] = (ui_rect){0, 0, 0, 0};
}

/* ---- the three arrangements ------------------------------------------------------- */

/* Canvas and side panel over views of height views_h. */
static void place_landscape(ui_layout *l, ui_rect m, int views_h)
{
    int top_h = m.h - views_h - l->pad, top_min = mini(m.h, px(160 * l->scale));
    if (top_h < top_min) top_h = top_min, views_h = maxi(m.h - top_h - l->pad, 0);   /* the views give way to the canvas */
    int side_min = mini(px(260 * l->scale), m.w * 2 / 5);
    int c = clampi(mini(top_h, mini(m.w - l->pad - side_min, (m.w - l->pad) * 3 / 5)), 0, m.w);
    l->canvas = (ui_rect){m.x, m.y, c, c};
    l->side = rect_nonneg(m.x + c + l->pad, m.y, m.w - c - l->pad, top_h);
    layout_side(l);
    layout_views(l, (ui_rect){m.x, m.y + top_h + l->pad, m.w, views_h});
}

/* The views take about 30 % of the height; more when the teaching strip is
 * a tab that would not fit in them, if the canvas can spare it. */
static void arrange_landscape(ui_layout *l, ui_rect m)
{
    const ui_layout before = *l;
    int views_h = clampi(px(0.30f * (float)m.h), px(120 * l->scale), px(360 * l->scale));
    place_landscape(l, m, views_h);
    if (l->keep[0].w > 0) return;   /* the teaching strip found a place */
    ui_layout probe = before;
    int teach = layout_teach(&probe, (ui_rect){0, 0, m.w - 2 * l->pad, m.h}, 0);
    int need = control(l, 26) + l->pad / 2 + teach + 2 * l->pad;
    if (!teach || m.h - need - l->pad < px(160 * l->scale)) return;
    *l = before;
    place_landscape(l, m, need);
}

/* Canvas | side panel | views, for windows much wider than tall. */
static void arrange_wide(ui_layout *l, ui_rect m)
{
    int c = clampi(mini(m.h, m.w * 2 / 5), 0, m.w);
    int side_w = clampi(px(0.3f * (float)m.w), px(300 * l->scale), px(480 * l->scale));
    ui_layout probe = *l;   /* the teaching strip's width, when it fits in one row of ten */
    int teach_w = px(52 * l->scale) + 10 * l->min_control + 9 * maxi(px(4 * l->scale), 1) + 2 * l->pad;
    if (layout_teach(&probe, (ui_rect){0, 0, teach_w - 2 * l->pad, m.h}, 0)) side_w = maxi(side_w, teach_w);
    side_w = clampi(side_w, 0, maxi(m.w - c - l->pad, 0));
    l->canvas = (ui_rect){m.x, m.y, c, c};
    l->side = (ui_rect){m.x + c + l->pad, m.y, side_w, m.h};
    layout_side(l);
    int vx = l->side.x + side_w + l->pad;
    layout_views(l, rect_nonneg(vx, m.y, m.x + m.w - vx, m.h));
}

/* A column: the canvas with the preview and verdict beside it, the bars
 * under them, the views below. */
static void arrange_portrait(ui_layout *l, ui_rect m)
{
    int pad = l->pad;
    int col = clampi(m.w * 3 / 10, px(96 * l->scale), px(240 * l->scale));
    int c = clampi(mini(m.w - col - pad, m.h * 42 / 100), 0, m.w);
    if (c < px(150 * l->scale)) c = clampi(mini(m.w - col - pad, m.h * 60 / 100), 0, m.w);   /* a short window: the canvas first */
    col = maxi(m.w - c - pad, 0);
    l->canvas = (ui_rect){m.x, m.y, c, c};
    l->answer = rect_nonneg(m.x + c + pad, m.y, col, c);
    ui_rect in = rect_inset(l->answer, pad);
    int p = preview_side(mini(in.w, in.h / 2));
    l->preview = (ui_rect){in.x + (in.w - p) / 2, in.y, p, p};
    int vy = in.y + p + px(16 * l->scale);
    l->verdict = rect_nonneg(in.x, vy, in.w, in.y + in.h - vy);
    int y = m.y + c + pad, bars_h = clampi(m.h * 14 / 100, px(64 * l->scale), px(260 * l->scale));
    ui_rect inner = rect_nonneg(m.x + pad, 0, m.w - 2 * pad, m.h);
    int teach = layout_teach(l, inner, 0);
    int views_min = px(200 * l->scale);
    int side_h = bars_h + 2 * pad + (teach ? teach + pad : 0);
    if (!teach || m.y + m.h - (y + side_h + pad) < views_min) side_h = bars_h + 2 * pad, l->teach_in_tab = 1;
    side_h = clampi(side_h, 0, maxi(m.y + m.h - y, 0));
    l->side = rect_nonneg(m.x, y, m.w, side_h);
    set_bars(l, rect_nonneg(m.x + pad, y + pad, m.w - 2 * pad, mini(bars_h, side_h - 2 * pad)));
    if (!l->teach_in_tab) layout_teach(l, (ui_rect){inner.x, l->bars.y + l->bars.h + pad, inner.w, teach}, 1);
    int vy2 = y + side_h + pad;
    layout_views(l, rect_nonneg(m.x, vy2, m.w, m.y + m.h - vy2));
}

/* "Go back to …" and "Keep" at the right of the status line, in the
 * progress bar's half (a job and the choice never show together). */
static void layout_status_choice(ui_layout *l)
{
    ui_rect s = l->status;
    int h = maxi(mini(s.h - 4, s.h), mini(l->min_control, s.h)), y = s.y + (s.h - h) / 2, gap = l->pad / 2;
    int keep_w = control(l, 64), back_w = control(l, 300), room = s.w / 2 - l->pad;
    if (keep_w + gap + back_w > room) back_w = room - keep_w - gap;
    if (back_w < 2 * l->min_control) return;   /* no room: the keys still choose (the dialog) */
    l->status_keep = (ui_rect){s.x + s.w - l->pad - keep_w, y, keep_w, h};
    l->status_back = (ui_rect){l->status_keep.x - gap - back_w, y, back_w, h};
}

/* ---- all of it -------------------------------------------------------------------- */

/* The part of r inside bounds (an empty rect if none). */
static ui_rect clip_rect(ui_rect r, ui_rect bounds)
{
    int x0 = maxi(r.x, bounds.x), y0 = maxi(r.y, bounds.y);
    int x1 = mini(r.x + r.w, bounds.x + bounds.w), y1 = mini(r.y + r.h, bounds.y + bounds.h);
    if (x1 <= x0 || y1 <= y0) return (ui_rect){bounds.x, bounds.y, 0, 0};
    return (ui_rect){x0, y0, x1 - x0, y1 - y0};
}

/* Below the smallest window things may not fit: nothing spills out of the
 * window, the canvas and preview stay square, and a control that does not
 * fit whole is hidden. */
static void clip_to_window(ui_layout *l)
{
    ui_rect win = {0, 0, l->w, l->h};
    ui_rect *all[] = {&l->view_area, &l->toolbar, &l->canvas, &l->side, &l->answer, &l->preview, &l->verdict,
                      &l->bars, &l->chart_loss, &l->chart_drawing, &l->chart_acc, &l->status, &l->progress,
                      &l->keep_caption, &l->mine_info};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) *all[i] = clip_rect(*all[i], win);
    ui_rect *controls[] = {&l->brush, &l->view_save, &l->mine_digits, &l->mine_collect, &l->mine_finetune};
    for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++)
        if (!rect_inside(*controls[i], win)) *controls[i] = (ui_rect){0, 0, 0, 0};
    for (int i = 0; i < 10; i++)
        if (!rect_inside(l->keep[i], win)) l->keep[i] = (ui_rect){0, 0, 0, 0};
    for (int i = 0; i < VIEW_COUNT; i++)
        if (!rect_inside(l->view_tabs[i], win)) l->view_tabs[i] = (ui_rect){0, 0, 0, 0};
    l->canvas.w = l->canvas.h = mini(l->canvas.w, l->canvas.h);
    l->preview.w = l->preview.h = mini(l->preview.w, l->preview.h);
    for (int i = 0; i < BTN_COUNT; i++)
        if (!rect_inside(l->buttons[i], l->toolbar) || rect_overlaps(l->buttons[i], l->brush))
            l->buttons[i] = (ui_rect){0, 0, 0, 0};
}

/* The shape of the window decides the arrangement; each has its own
 * reference size for the scale. */
static arrangement pick_arrangement(float lw, float lh, float *fit)
{
    if (lw < lh * 0.85f) {
        *fit = fminf(lw / 520.0f, lh / 900.0f);
        return ARRANGE_PORTRAIT;
    }
    if (lw > lh * 2.2f) {
        *fit = fminf(lw / 1400.0f, lh / 520.0f);
        return ARRANGE_WIDE;
    }
    *fit = fminf(lw / 1100.0f, lh / 720.0f);
    return ARRANGE_LANDSCAPE;
}

static void compute(ui_layout *l, int w, int h, float density, float zoom);

/* A zoom too big for the window would leave no canvas: it gives way step
 * by step (the zoom asked for stays remembered; a bigger window shows it). */
void layout_compute(ui_layout *l, int w, int h, float density, float zoom)
{
    if (!(zoom >= LAYOUT_ZOOM_MIN && zoom <= LAYOUT_ZOOM_MAX)) zoom = 1.0f;
    compute(l, w, h, density, zoom);
    for (int i = 0; i < 12 && zoom > 1.0f && l->canvas.w < mini(l->w, l->h) * 3 / 10; i++) {
        zoom = fmaxf(1.0f, zoom * 0.85f);
        compute(l, w, h, density, zoom);
    }
}

static void compute(ui_layout *l, int w, int h, float density, float zoom)
{
    *l = (ui_layout){0};
    w = maxi(w, 1), h = maxi(h, 1);
    if (!(density > 0.25f && density < 8.0f)) density = 1.0f;
    if (!(zoom >= LAYOUT_ZOOM_MIN && zoom <= LAYOUT_ZOOM_MAX)) zoom = 1.0f;
    float lw = (float)w / density, lh = (float)h / density, fit;
    l->w = w, l->h = h;
    l->arrange = pick_arrangement(lw, lh, &fit);
    l->touch = lw < 700.0f;
    l->scale = density * clampf(clampf(fit, 0.75f, 2.5f) * zoom, 0.4f, 6.0f);
    l->min_control = px(density * (l->touch ? 40.0f : 28.0f) * fminf(zoom, 1.0f));
    l->pad = maxi(px((l->touch ? 6.0f : 10.0f) * l->scale), 2);
    layout_toolbar(l);
    int status_h = control(l, 30);
    if (h - status_h >= l->toolbar.h) {   /* (a window too short for both keeps the toolbar) */
        l->status = (ui_rect){0, h - status_h, w, status_h};
        l->progress = (ui_rect){w / 2, l->status.y + status_h / 4, maxi(w / 2 - l->pad, 0), status_h / 2};
        layout_status_choice(l);
    } else {
        l->status = (ui_rect){0, h, w, 0};
    }
    int top = l->toolbar.h + l->pad;
    ui_rect m = rect_nonneg(l->pad, top, w - 2 * l->pad, l->status.y - l->pad - top);
    if (l->arrange == ARRANGE_PORTRAIT) arrange_portrait(l, m);
    else if (l->arrange == ARRANGE_WIDE) arrange_wide(l, m);
    else arrange_landscape(l, m);
    if (l->answer.w == 0) l->answer = l->side;
    clip_to_window(l);
}

view_id layout_shown_view(const ui_layout *l, view_id chosen)
{
    return chosen == VIEW_TEACH && !l->teach_in_tab ? VIEW_TRAINING : chosen;
}

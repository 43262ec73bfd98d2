#include "layout.h"

#include <stddef.h>

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }
static float clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }
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

/* Button widths in layout units; they shrink together when space is short. */
static const float button_units[BTN_COUNT] = {
    [BTN_TRAIN] = 92, [BTN_STOP] = 80, [BTN_SETTINGS] = 92, [BTN_EVAL] = 96, [BTN_SAVE] = 84,
    [BTN_LOAD] = 84, [BTN_UNDO] = 76, [BTN_REDO] = 76, [BTN_CLEAR] = 76, [BTN_HELP] = 40,
};
/* Gaps after each button: wider between groups (train | model | drawing). */
static const float gap_units[BTN_COUNT] = {
    [BTN_TRAIN] = 6, [BTN_STOP] = 6, [BTN_SETTINGS] = 18, [BTN_EVAL] = 6, [BTN_SAVE] = 6,
    [BTN_LOAD] = 18, [BTN_UNDO] = 6, [BTN_REDO] = 6, [BTN_CLEAR] = 18, [BTN_HELP] = 0,
};

static void layout_toolbar(ui_layout *l)
{
    float s = l->scale;
    l->toolbar = (ui_rect){0, 0, l->w, px(48 * s)};
    int bh = px(32 * s), by = (l->toolbar.h - bh) / 2;
    int brush_w = px(190 * s);
    float want = 0;
    for (int i = 0; i < BTN_COUNT; i++) want += (button_units[i] + gap_units[i]) * s;
    float room = (float)(l->w - 3 * l->pad - brush_w);
    float shrink = want > room ? clampf(room / want, 0.3f, 1.0f) : 1.0f;
    float x = (float)l->pad;
    for (int i = 0; i < BTN_COUNT; i++) {
        l->buttons[i] = (ui_rect){px(x), by, px(button_units[i] * s * shrink), bh};
        x += (button_units[i] + gap_units[i]) * s * shrink;
    }
    int brush_x = l->w - l->pad - brush_w;
    int after_buttons = px(x) + l->pad;
    if (brush_x < after_buttons) {   /* too narrow: the slider gives way */
        brush_w = l->w - l->pad - after_buttons;
        brush_x = after_buttons;
    }
    l->brush = (ui_rect){brush_x, by, brush_w > 0 ? brush_w : 0, bh};
}

/* The teaching strip at the bottom of the side panel, from y down; its
 * height is teach_height(). */
static int teach_height(const ui_layout *l) { return px(42 * l->scale) + l->pad / 2 + px(30 * l->scale); }

static void layout_teach(ui_layout *l, int x, int y, int w)
{
    float s = l->scale;
    int gap = px(4 * s), row1 = px(42 * s), row2 = px(30 * s);
    int caption = clampi(px(52 * s), 0, w / 6);
    l->keep_caption = (ui_rect){x, y, caption, row1};
    int cell = (w - caption - 9 * gap) / 10;
    for (int d = 0; d < 10; d++) l->keep[d] = (ui_rect){x + caption + d * (cell + gap), y, cell, row1};
    int by = y + row1 + l->pad / 2;
    int widths[3] = {px(112 * s), px(96 * s), px(150 * s)};   /* My digits…, Collect, Fine-tune on them */
    int right = x + w;
    ui_rect *btn[3] = {&l->mine_digits, &l->mine_collect, &l->mine_finetune};
    for (int i = 2; i >= 0; i--) {
        *btn[i] = (ui_rect){right - widths[i], by, widths[i], row2};
        right -= widths[i] + gap;
    }
    l->mine_info = (ui_rect){x, by, right - x > 0 ? right - x : 0, row2};
}

static void layout_side(ui_layout *l)
{
    ui_rect s = l->side;
    int pad = l->pad;
    int caption = px(20 * l->scale);   /* the line of text under the preview */
    /* The teaching strip needs the room of about six bars; a short panel
     * keeps the bars and leaves it out (the keys 0-9 still keep). */
    int teach = teach_height(l), usable = s.h;
    if (teach * 3 <= s.h && s.w >= px(300 * l->scale)) usable = s.h - teach - pad;
    else teach = 0;
    int preview = clampi(s.w * 2 / 5, 28, usable / 2 - caption);
    preview = preview >= 56 ? preview / 28 * 28 : preview;   /* whole pixels per input pixel */
    l->preview = (ui_rect){s.x + pad, s.y + pad, preview, preview};
    int vx = l->preview.x + preview + pad;
    l->verdict = (ui_rect){vx, s.y + pad, s.x + s.w - pad - vx, preview};
    int by = l->preview.y + preview + caption + pad / 2;
    l->bars = (ui_rect){s.x + pad, by, s.w - 2 * pad, s.y + usable - pad - by};
    if (l->verdict.w < 0) l->verdict.w = 0;
    if (l->bars.h < 0) l->bars.h = 0;
    if (l->bars.w < 0) l->bars.w = 0;
    if (teach) layout_teach(l, s.x + pad, s.y + usable, s.w - 2 * pad);
}

/* The part of r inside bounds (an empty rect if none). */
static ui_rect clip_rect(ui_rect r, ui_rect bounds)
{
    int x0 = r.x > bounds.x ? r.x : bounds.x, y0 = r.y > bounds.y ? r.y : bounds.y;
    int x1 = r.x + r.w < bounds.x + bounds.w ? r.x + r.w : bounds.x + bounds.w;
    int y1 = r.y + r.h < bounds.y + bounds.h ? r.y + r.h : bounds.y + bounds.h;
    if (x1 <= x0 || y1 <= y0) return (ui_rect){bounds.x, bounds.y, 0, 0};
    return (ui_rect){x0, y0, x1 - x0, y1 - y0};
}

/* Below the minimum window size things may not fit: nothing may spill out
 * of the window, and a button that does not fit whole is hidden. */
static void clip_to_window(ui_layout *l)
{
    ui_rect win = {0, 0, l->w, l->h};
    ui_rect *all[] = {&l->view_tabs[0], &l->view_tabs[1], &l->view_tabs[2], &l->view_tabs[3], &l->view_save,
                      &l->view_area, &l->toolbar, &l->brush, &l->canvas, &l->side, &l->preview, &l->verdict, &l->bars,
                      &l->chart_loss, &l->chart_drawing, &l->chart_acc, &l->status, &l->progress, &l->keep_caption, &l->mine_info,
                      &l->mine_digits, &l->mine_collect, &l->mine_finetune, &l->keep[0], &l->keep[1], &l->keep[2],
                      &l->keep[3], &l->keep[4], &l->keep[5], &l->keep[6], &l->keep[7], &l->keep[8], &l->keep[9]};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) *all[i] = clip_rect(*all[i], win);
    if (l->canvas.w != l->canvas.h) {   /* the canvas stays square */
        int side = l->canvas.w < l->canvas.h ? l->canvas.w : l->canvas.h;
        l->canvas.w = l->canvas.h = side;
    }
    if (l->preview.w != l->preview.h) {
        int side = l->preview.w < l->preview.h ? l->preview.w : l->preview.h;
        l->preview.w = l->preview.h = side;
    }
    for (int i = 0; i < BTN_COUNT; i++)
        if (!rect_inside(l->buttons[i], l->toolbar) || rect_overlaps(l->buttons[i], l->brush))
            l->buttons[i] = (ui_rect){0, 0, 0, 0};
}

void layout_compute(ui_layout *l, int w, int h, float density)
{
    *l = (ui_layout){0};
    if (w < 1) w = 1;
    if (h < 1) h = 1;
    if (!(density > 0.25f && density < 8.0f)) density = 1.0f;
    float lw = (float)w / density, lh = (float)h / density;
    float fit = lw / 1100.0f < lh / 780.0f ? lw / 1100.0f : lh / 780.0f;
    l->w = w, l->h = h;
    l->scale = density * clampf(fit, 0.75f, 2.5f);
    float s = l->scale;
    l->pad = px(10 * s);
    int pad = l->pad;
    layout_toolbar(l);

    int status_h = px(30 * s);
    l->status = (ui_rect){0, h - status_h, w, status_h};
    l->progress = (ui_rect){w / 2, h - status_h + px(8 * s), w / 2 - pad, status_h - px(16 * s)};

    int top = l->toolbar.h + pad;
    int charts_h = clampi(px(0.28f * (float)h), px(120 * s), px(340 * s));
    int main_h = h - status_h - charts_h - 2 * pad - top;
    if (main_h < 28) {   /* very short window: charts give way to the canvas */
        charts_h = clampi(h - status_h - 2 * pad - top - 28, 0, charts_h);
        main_h = h - status_h - charts_h - 2 * pad - top;
    }
    if (main_h < 0) main_h = 0;
    int side_min = px(260 * s);
    int canvas = main_h;
    if (canvas > w - 3 * pad - side_min) canvas = w - 3 * pad - side_min;
    if (canvas > (w - 3 * pad) * 3 / 5) canvas = (w - 3 * pad) * 3 / 5;
    if (canvas < 0) canvas = 0;
    l->canvas = (ui_rect){pad, top, canvas, canvas};
    int side_x = pad + canvas + pad;
    l->side = (ui_rect){side_x, top, w - pad - side_x, main_h};
    if (l->side.w < 0) l->side.w = 0;
    layout_side(l);

    int cy = top + main_h + pad, room = w - 4 * pad > 0 ? w - 4 * pad : 0;
    int tab_h = px(26 * s);
    if (charts_h >= 4 * tab_h) {   /* tabs over the bottom area, when it is tall enough */
        static const float tab_units[VIEW_COUNT] = {90, 110, 150, 150};
        float x = (float)pad;
        for (int i = 0; i < VIEW_COUNT; i++) {
            l->view_tabs[i] = (ui_rect){px(x), cy, px(tab_units[i] * s), tab_h};
            x += (tab_units[i] + 4) * s;
        }
        l->view_save = (ui_rect){w - pad - px(120 * s), cy, px(120 * s), tab_h};
        if (l->view_save.x < px(x)) l->view_save = (ui_rect){0, 0, 0, 0};
        cy += tab_h + pad / 2;
        charts_h -= tab_h + pad / 2;
    }
    l->view_area = (ui_rect){pad, cy, w - 2 * pad > 0 ? w - 2 * pad : 0, charts_h};
    l->chart_loss = (ui_rect){pad, cy, room * 9 / 20, charts_h};
    int dx = pad + l->chart_loss.w + pad;
    l->chart_drawing = (ui_rect){dx, cy, room * 5 / 20, charts_h};
    int ax = dx + l->chart_drawing.w + pad;
    l->chart_acc = (ui_rect){ax, cy, w - pad - ax > 0 ? w - pad - ax : 0, charts_h};
    clip_to_window(l);
}

/* Drawing a line chart: panel, title, legend, grid, tick labels and the
 * lines, all inside the given rectangle (the clip rectangle makes sure of
 * it). Long series are reduced to the minimum and maximum of each pixel
 * column, so 100k points cost about as much as a few hundred and spikes
 * stay visible. The scaling maths is in chart_scale.c. */
#include "chart.h"
#include "theme.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_Y_TICKS 8
#define MAX_X_TICKS 12
/* Series with at most this many points also get a dot per point (a test
 * accuracy measured once per epoch is a handful of points). */
#define MARKER_MAX_POINTS 24

static SDL_Color mix(SDL_Color a, SDL_Color b, float t)
{
    SDL_Color c = {(Uint8)(a.r + (b.r - a.r) * t + 0.5f), (Uint8)(a.g + (b.g - a.g) * t + 0.5f),
                   (Uint8)(a.b + (b.b - a.b) * t + 0.5f), 255};
    return c;
}

static void set_color(SDL_Renderer *r, SDL_Color c) { SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a); }

static int px(float v, float scale)
{
    int p = (int)lroundf(v * scale);
    return p < 1 ? 1 : p;
}

static int maxi(int a, int b) { return a > b ? a : b; }

/* ---- state save/restore --------------------------------------------------- */

typedef struct {
    SDL_bool clip_on;
    SDL_Rect clip;
    SDL_BlendMode blend;
    Uint8 r, g, b, a;
} render_state;

static void state_save(SDL_Renderer *r, render_state *s)
{
    s->clip_on = SDL_RenderIsClipEnabled(r);
    SDL_RenderGetClipRect(r, &s->clip);
    SDL_GetRenderDrawBlendMode(r, &s->blend);
    SDL_GetRenderDrawColor(r, &s->r, &s->g, &s->b, &s->a);
}

static void state_restore(SDL_Renderer *r, const render_state *s)
{
    SDL_RenderSetClipRect(r, s->clip_on ? &s->clip : NULL);
    SDL_SetRenderDrawBlendMode(r, s->blend);
    SDL_SetRenderDrawColor(r, s->r, s->g, s->b, s->a);
}

/* Clips to want ∩ the caller's clip; 0 if nothing is left to draw on. */
static int clip_to(SDL_Renderer *r, const render_state *s, SDL_Rect want)
{
    SDL_Rect c = want;
    if (s->clip_on && !SDL_IntersectRect(&want, &s->clip, &c)) return 0;
    if (c.w <= 0 || c.h <= 0) return 0;
    SDL_RenderSetClipRect(r, &c);
    return 1;
}

/* ---- axes ------------------------------------------------------------------ */

typedef struct {
    double v[MAX_X_TICKS + 4];   /* tick values in data space */
    double step;                 /* for labels */
    int n;
    char label[MAX_X_TICKS + 4][24];
} axis_ticks;

static int series_points(const chart_spec *spec)
{
    int n = 0;
    for (int i = 0; i < spec->n_lines; i++)
        if (spec->lines[i].series) n += spec->lines[i].series->n;
    return n;
}

static void label_all(axis_ticks *a, int log)
{
    for (int i = 0; i < a->n; i++)
        chart_format_tick(a->v[i], log ? a->v[i] : a->step, a->label[i], sizeof a->label[i]);
}

/* Linear ticks of [lo, hi] that lie inside it. */
static void linear_inside(double lo, double hi, int max_ticks, axis_ticks *a)
{
    chart_ticks t;
    chart_nice_ticks(lo, hi, max_ticks, &t);
    double eps = (hi - lo) * 1e-9;
    a->n = 0;
    a->step = t.step;
    double k0 = round(t.first / t.step);
    for (int i = 0; i < t.count && a->n < MAX_X_TICKS; i++) {
        double v = (k0 + i) * t.step + 0.0;
        if (v >= lo - eps && v <= hi + eps) a->v[a->n++] = v;
    }
}

/* The y axis: range (data space) and ticks. Linear axes from data end on
 * nice ticks; a fixed range is kept as given; log axes hug the data with a
 * little room and label the decades (or 1-2-5, or linear steps) inside. */
static void y_axis(const chart_spec *spec, double dlo, double dhi, int max_ticks, double *lo, double *hi,
                   axis_ticks *a)
{
    int fixed = spec->y_min < spec->y_max && isfinite(spec->y_min) && isfinite(spec->y_max) &&
                (!spec->log_y || spec->y_min > 0);
    a->n = 0;
    if (!spec->log_y) {
        if (fixed) {
            *lo = spec->y_min;
            *hi = spec->y_max;
            linear_inside(*lo, *hi, max_ticks, a);
        } else {
            chart_ticks t;
            chart_nice_ticks(dlo, dhi, max_ticks, &t);
            *lo = t.first;
            *hi = t.first + (t.count - 1) * t.step;
            linear_inside(*lo, *hi, max_ticks, a);
        }
        label_all(a, 0);
        return;
    }

    double llo = log10(fixed ? spec->y_min : dlo), lhi = log10(fixed ? spec->y_max : dhi);
    if (!fixed) {
        if (lhi - llo < 0.3) {   /* a nearly flat loss: show at least a factor of two */
            double c = (llo + lhi) / 2;
            llo = c - 0.15;
            lhi = c + 0.15;
        }
        double room = (lhi - llo) * 0.04;
        llo -= room;
        lhi += room;
    }
    double v[MAX_X_TICKS + 4], one = 0;
    /* Ticks inside the axis: ask for a few more than fit, keep the inner
     * ones; on a very short axis a single inner tick will do. */
    for (int m = max_ticks + 2; m >= 2; m--) {
        int n = 0;
        chart_log_ticks(llo, lhi, m, v, &n);
        int k = 0;
        for (int i = 0; i < n; i++)
            if (log10(v[i]) >= llo - 1e-9 && log10(v[i]) <= lhi + 1e-9 && k < MAX_X_TICKS) a->v[k++] = v[i];
        if (k == 1 && one == 0) one = a->v[0];
        if (k >= 2 && k <= max_ticks) {
            a->n = k;
            break;
        }
    }
    if (a->n < 2 && one > 0) {
        a->v[0] = one;
        a->n = 1;
    }
    if (a->n < 1 && !fixed) {
        /* Too little room for two inner ticks: widen the axis to enclosing ones. */
        int n = 0;
        chart_log_ticks(log10(dlo), log10(dhi), maxi(max_ticks, 2), v, &n);
        if (n >= 2) {
            llo = log10(v[0]);
            lhi = log10(v[n - 1]);
            a->n = n < MAX_X_TICKS ? n : MAX_X_TICKS;
            memcpy(a->v, v, (size_t)a->n * sizeof v[0]);
        }
    }
    *lo = pow(10.0, llo);
    *hi = pow(10.0, lhi);
    /* Labels: a linear run (0.3, 0.35, 0.4) needs its step's decimals. */
    a->step = a->n >= 2 ? a->v[1] - a->v[0] : 0;
    int linear = a->n >= 3 && fabs((a->v[2] - a->v[1]) - a->step) < 1e-9 * a->step;
    label_all(a, !linear);
}

/* ---- lines ----------------------------------------------------------------- */

typedef struct {
    SDL_Renderer *r;
    SDL_FPoint *pts;
    int n, cap;
    int width;            /* in pixels */
} polyline;

static void poly_draw(polyline *p)
{
    if (p->n == 1) {   /* a lone point: a dot the size of the line */
        SDL_FRect d = {p->pts[0].x - p->width * 0.5f, p->pts[0].y - p->width * 0.5f, (float)p->width,
                       (float)p->width};
        SDL_RenderFillRectF(p->r, &d);
    } else if (p->n >= 2) {
        /* Thick lines: the same polyline again, shifted by whole pixels
         * vertically and horizontally, so steep and flat parts both thicken. */
        int lo = -(p->width - 1) / 2, hi = p->width / 2;
        for (int d = lo; d <= hi; d++) {
            for (int axis = 0; axis < (d == 0 ? 1 : 2); axis++) {
                if (d != 0)
                    for (int i = 0; i < p->n; i++) {
                        if (axis == 0) p->pts[i].y += (float)d;
                        else p->pts[i].x += (float)d;
                    }
                SDL_RenderDrawLinesF(p->r, p->pts, p->n);
                if (d != 0)
                    for (int i = 0; i < p->n; i++) {
                        if (axis == 0) p->pts[i].y -= (float)d;
                        else p->pts[i].x -= (float)d;
                    }
            }
        }
    }
}

/* Appends a point; when the buffer is full the run so far is drawn and the
 * new batch starts from its last point, so the line stays connected. */
static void poly_add(polyline *p, float x, float y)
{
    /* Far-off values (a fixed range that cuts the data) stay far off but
     * finite and well inside float precision. */
    if (y < -1e5f) y = -1e5f;
    if (y > 1e5f) y = 1e5f;
    if (p->n == p->cap) {
        poly_draw(p);
        p->pts[0] = p->pts[p->n - 1];
        p->n = 1;
    }
    p->pts[p->n++] = (SDL_FPoint){x, y};
}

static void poly_break(polyline *p)
{
    poly_draw(p);
    p->n = 0;
}

/* Draws one series. Above two points per pixel column, each column
 * contributes its extremes in the order they occurred. */
static void draw_series(SDL_Renderer *r, const chart_series *s, const chart_map *m, SDL_Color color, int width,
                        SDL_FPoint *buf, int cap)
{
    polyline p = {r, buf, 0, cap, width};
    set_color(r, color);
    int decimate = s->n > 2 * (m->pw + 1);
    int col = 0, have = 0, valid = 0;
    float y_min = 0, y_max = 0;
    int min_first = 0;
    for (int i = 0; i < s->n; i++) {
        double x = s->x[i], y = s->y[i];
        int ok = isfinite(x) && isfinite(y) && x >= m->x_lo && x <= m->x_hi;
        if (!ok) {
            if (have) {
                if (y_min == y_max) poly_add(&p, col + 0.5f, y_min);
                else {
                    poly_add(&p, col + 0.5f, min_first ? y_min : y_max);
                    poly_add(&p, col + 0.5f, min_first ? y_max : y_min);
                }
                have = 0;
            }
            if (isnan(y) || isinf(y)) poly_break(&p);
            continue;
        }
        valid++;
        float fx = chart_px_x(m, x), fy = chart_px_y(m, y);
        if (!decimate) {
            poly_add(&p, fx, fy);
            continue;
        }
        int c = (int)floorf(fx);
        if (have && c == col) {
            if (fy < y_min) {
                y_min = fy;
                min_first = 0;   /* the minimum is now the later extreme */
            }
            if (fy > y_max) {
                y_max = fy;
                min_first = 1;
            }
            continue;
        }
        if (have) {
            if (y_min == y_max) poly_add(&p, col + 0.5f, y_min);
            else {
                poly_add(&p, col + 0.5f, min_first ? y_min : y_max);
                poly_add(&p, col + 0.5f, min_first ? y_max : y_min);
            }
        }
        col = c;
        have = 1;
        y_min = y_max = fy;
        min_first = 1;
    }
    if (have) {
        if (y_min == y_max) poly_add(&p, col + 0.5f, y_min);
        else {
            poly_add(&p, col + 0.5f, min_first ? y_min : y_max);
            poly_add(&p, col + 0.5f, min_first ? y_max : y_min);
        }
    }
    poly_draw(&p);

    /* A few points: mark each one, so single measurements are visible. */
    if (valid > 0 && valid <= MARKER_MAX_POINTS) {
        float d = (float)(width * 2 + 1);
        for (int i = 0; i < s->n; i++) {
            double x = s->x[i], y = s->y[i];
            if (!isfinite(x) || !isfinite(y) || x < m->x_lo || x > m->x_hi) continue;
            SDL_FRect dot = {chart_px_x(m, x) - d / 2, chart_px_y(m, y) - d / 2, d, d};
            SDL_RenderFillRectF(r, &dot);
        }
    }
}

/* ---- legend ---------------------------------------------------------------- */

typedef struct {
    int swatch, gap, spacing, width, height;
} legend_metrics;

static int legend_entry(const chart_line *l) { return l->label && l->label[0]; }

static legend_metrics legend_measure(ui_text *t, const chart_spec *spec, float scale)
{
    legend_metrics lm = {px(14, scale), px(5, scale), px(14, scale), 0, text_height(t, FONT_SMALL)};
    int n = 0;
    for (int i = 0; i < spec->n_lines; i++) {
        if (!legend_entry(&spec->lines[i])) continue;
        lm.width += (n ? lm.spacing : 0) + lm.swatch + lm.gap + text_width(t, FONT_SMALL, spec->lines[i].label);
        n++;
    }
    return lm;
}

/* One row of "swatch label" pairs, right-aligned at right, centred on cy. */
static void legend_draw_row(SDL_Renderer *r, ui_text *t, const chart_spec *spec, const legend_metrics *lm, int right,
                            int cy, float scale)
{
    int x = right - lm->width;
    for (int i = 0; i < spec->n_lines; i++) {
        const chart_line *l = &spec->lines[i];
        if (!legend_entry(l)) continue;
        int h = l->thick ? px(3, scale) : px(2, scale);
        SDL_Rect sw = {x, cy - h / 2, lm->swatch, h};
        set_color(r, l->color);
        SDL_RenderFillRect(r, &sw);
        x += lm->swatch + lm->gap;
        x += text_draw(t, FONT_SMALL, l->label, x, cy, THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE);
        x += lm->spacing;
    }
}

/* A stacked legend in a box in the corner of the plot that hides the least
 * data (top right on a tie); 0 if it does not fit. */
static int legend_draw_box(SDL_Renderer *r, ui_text *t, const chart_spec *spec, const chart_map *map, SDL_Rect plot,
                           float scale)
{
    int pad = px(5, scale), rows = 0, w = 0, lh = text_height(t, FONT_SMALL);
    int swatch = px(14, scale), gap = px(5, scale);
    for (int i = 0; i < spec->n_lines; i++) {
        if (!legend_entry(&spec->lines[i])) continue;
        int ew = swatch + gap + text_width(t, FONT_SMALL, spec->lines[i].label);
        if (ew > w) w = ew;
        rows++;
    }
    if (!rows) return 1;
    SDL_Rect box = {0, 0, w + 2 * pad, rows * lh + 2 * pad};
    if (box.w > plot.w - 2 * pad || box.h > plot.h / 2) return 0;
    const chart_series *series[CHART_MAX_LINES];
    int n = 0;
    for (int i = 0; i < spec->n_lines && n < CHART_MAX_LINES; i++) series[n++] = spec->lines[i].series;
    chart_quiet_corner(series, n, map, box.w, box.h, pad, &box.x, &box.y);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(r, THEME_PANEL.r, THEME_PANEL.g, THEME_PANEL.b, 225);
    SDL_RenderFillRect(r, &box);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    set_color(r, THEME_PANEL_EDGE);
    SDL_RenderDrawRect(r, &box);
    int y = box.y + pad;
    for (int i = 0; i < spec->n_lines; i++) {
        const chart_line *l = &spec->lines[i];
        if (!legend_entry(l)) continue;
        int h = l->thick ? px(3, scale) : px(2, scale);
        SDL_Rect sw = {box.x + pad, y + lh / 2 - h / 2, swatch, h};
        set_color(r, l->color);
        SDL_RenderFillRect(r, &sw);
        text_draw(t, FONT_SMALL, l->label, sw.x + swatch + gap, y + lh / 2, THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE);
        y += lh;
    }
    return 1;
}

/* ---- labels at the ends of the lines ------------------------------------------ */

static int end_label_room(ui_text *t, const chart_spec *spec, int gap)
{
    int w = 0;
    for (int i = 0; i < spec->n_lines; i++)
        if (legend_entry(&spec->lines[i])) w = maxi(w, text_width(t, FONT_SMALL, spec->lines[i].label));
    return w ? w + 2 * gap : 0;
}

/* Each line's label just right of its last point, in its colour; the
 * highest lines first, and a label that would overlap one already drawn is
 * left out (so the top few of ten stay readable). */
static void draw_end_labels(ui_text *t, const chart_spec *spec, const chart_map *map, int gap, int fh)
{
    int order[CHART_MAX_LINES], n = 0, ys[CHART_MAX_LINES], drawn = 0;
    for (int i = 0; i < spec->n_lines && n < CHART_MAX_LINES; i++) {
        const chart_series *s = spec->lines[i].series;
        if (legend_entry(&spec->lines[i]) && s && s->n > 0 && isfinite(s->y[s->n - 1])) order[n++] = i;
    }
    for (int a = 1; a < n; a++)   /* by last value, highest first */
        for (int b = a; b > 0; b--) {
            const chart_series *p = spec->lines[order[b - 1]].series, *q = spec->lines[order[b]].series;
            if (q->y[q->n - 1] <= p->y[p->n - 1]) break;
            int tmp = order[b];
            order[b] = order[b - 1], order[b - 1] = tmp;
        }
    for (int k = 0; k < n; k++) {
        const chart_line *l = &spec->lines[order[k]];
        const chart_series *s = l->series;
        int x = (int)lroundf(chart_px_x(map, s->x[s->n - 1])) + gap;
        int y = (int)lroundf(chart_px_y(map, s->y[s->n - 1]));
        int clear = 1;
        for (int j = 0; j < drawn && clear; j++) clear = abs(ys[j] - y) >= fh * 4 / 5;
        if (!clear) continue;
        ys[drawn++] = y;
        text_draw(t, FONT_SMALL, l->label, x, y, l->color, TEXT_LEFT | TEXT_MIDDLE);
    }
}

/* ---- the chart -------------------------------------------------------------- */

void chart_draw(SDL_Renderer *r, ui_text *t, SDL_Rect rect, const chart_spec *spec, float scale)
{
    if (!r || !spec || rect.w <= 0 || rect.h <= 0) return;
    if (!(scale > 0) || !isfinite(scale)) scale = 1;
    if (scale > 8) scale = 8;
    if (spec->n_lines > 0 && !spec->lines) return;

    render_state saved;
    state_save(r, &saved);
    if (!clip_to(r, &saved, rect)) {
        state_restore(r, &saved);
        return;
    }
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);

    /* Panel and frame. */
    set_color(r, THEME_PANEL);
    SDL_RenderFillRect(r, &rect);
    set_color(r, THEME_PANEL_EDGE);
    SDL_RenderDrawRect(r, &rect);

    int pad = px(8, scale), gap = px(4, scale);
    int fh = text_height(t, FONT_SMALL);
    int top = rect.y + pad, left = rect.x + pad;
    int right = rect.x + rect.w - pad, bottom = rect.y + rect.h - pad;

    /* Title row: the title on the left, the legend on the right if both fit. */
    legend_metrics lm = legend_measure(t, spec, scale);
    if (spec->end_labels) lm.width = 0;
    int title_w = spec->title ? text_width(t, FONT_SMALL, spec->title) : 0;
    int legend_in_title = lm.width > 0 && title_w + 2 * pad + lm.width <= right - left;
    if (fh > 0 && (title_w > 0 || legend_in_title) && bottom - top >= 3 * fh) {
        if (spec->title) text_draw(t, FONT_SMALL, spec->title, left, top, THEME_TEXT, TEXT_LEFT);
        if (legend_in_title) legend_draw_row(r, t, spec, &lm, right, top + fh / 2, scale);
        top += fh + gap;
    } else {
        legend_in_title = 0;
    }

    int total = series_points(spec);
    double dxl = 0, dxh = 0, dyl = 0, dyh = 0;
    int has_data = 0;
    if (total > 0) {
        const chart_series *list[16];
        int n = 0;
        for (int i = 0; i < spec->n_lines && n < 16; i++)
            if (spec->lines[i].series) list[n++] = spec->lines[i].series;
        has_data = chart_data_range(list, n, spec->log_y, &dxl, &dxh, &dyl, &dyh);
    }
    if (!has_data) {
        if (spec->empty_text && bottom > top)
            text_draw(t, FONT_SMALL, spec->empty_text, rect.x + rect.w / 2, (top + bottom) / 2, THEME_TEXT_DIM,
                      TEXT_CENTER | TEXT_MIDDLE);
        state_restore(r, &saved);
        return;
    }

    /* Labels only if there is room for them and a plot. */
    int labels = fh > 0 && bottom - top >= 3 * fh && right - left >= 8 * fh;
    int plot_bottom = labels ? bottom - fh - gap : bottom;
    if (plot_bottom - top < 4 || right - left < 4) {
        state_restore(r, &saved);
        return;
    }
    int ph = plot_bottom - top;

    /* y axis first: its labels' width sets the plot's left edge. */
    double ylo, yhi;
    axis_ticks ya;
    int max_y = labels ? ph / (fh * 2 + gap) + 1 : 2;
    max_y = max_y < 2 ? 2 : max_y > MAX_Y_TICKS ? MAX_Y_TICKS : max_y;
    y_axis(spec, dyl, dyh, max_y, &ylo, &yhi, &ya);
    int ylw = 0;
    if (labels)
        for (int i = 0; i < ya.n; i++) {
            int w = text_width(t, FONT_SMALL, ya.label[i]);
            if (w > ylw) ylw = w;
        }
    int plot_left = labels ? left + ylw + gap + px(2, scale) : left;
    if (spec->end_labels) right -= end_label_room(t, spec, gap);
    if (right - plot_left < 4) {
        labels = 0;
        plot_left = left;
    }
    SDL_Rect plot = {plot_left, top, right - plot_left, ph};

    /* x axis: from 0 (or below, if data is) to the data or the hint. */
    double xlo = dxl < 0 ? dxl : 0;
    double xhi = dxh;
    if (isfinite(spec->x_max_hint) && spec->x_max_hint > xhi) xhi = spec->x_max_hint;
    if (!(xhi > xlo)) xhi = xlo + 1;
    axis_ticks xa = {.n = 0};
    int xlabel_w = labels && spec->x_label ? text_width(t, FONT_SMALL, spec->x_label) : 0;
    if (labels) {
        /* As many ticks as fit with their labels a comfortable gap apart. */
        for (int m = MAX_X_TICKS; m >= 2; m--) {
            linear_inside(xlo, xhi, m, &xa);
            label_all(&xa, 0);
            int widest = 0;
            for (int i = 0; i < xa.n; i++) {
                int w = text_width(t, FONT_SMALL, xa.label[i]);
                if (w > widest) widest = w;
            }
            double spacing = xa.step / (xhi - xlo) * plot.w;
            if (spacing >= widest + 3 * fh) break;
        }
    }

    chart_map map = {xlo, xhi, ylo, yhi, spec->log_y, plot.x, plot.y, plot.w - 1, plot.h - 1};
    SDL_Color grid = mix(THEME_PANEL, THEME_PANEL_EDGE, 0.75f);
    SDL_Color axis = mix(THEME_PANEL_EDGE, THEME_TEXT_DIM, 0.3f);

    /* Log axes: faint lines at 2..9 × each decade when decades are far apart. */
    if (spec->log_y && labels) {
        double decade_px = (map.ph) / (log10(yhi) - log10(ylo));
        if (decade_px >= 3 * fh) {
            set_color(r, mix(THEME_PANEL, grid, 0.45f));
            for (double d = floor(log10(ylo)); d <= ceil(log10(yhi)); d++)
                for (int k = 2; k <= 9; k++) {
                    double v = k * pow(10.0, d);
                    if (v < ylo || v > yhi) continue;
                    int y = (int)lroundf(chart_px_y(&map, v));
                    SDL_RenderDrawLine(r, plot.x, y, plot.x + plot.w - 1, y);
                }
        }
    }
    /* Grid and y labels. */
    int last_label_top = 1 << 30;
    for (int i = 0; i < ya.n; i++) {
        int y = (int)lroundf(chart_px_y(&map, ya.v[i]));
        if (y < plot.y || y > plot.y + plot.h - 1) continue;
        set_color(r, grid);
        SDL_RenderDrawLine(r, plot.x, y, plot.x + plot.w - 1, y);
        if (labels && y + fh / 2 <= last_label_top) {   /* from the bottom up: skip any overlap */
            text_draw(t, FONT_SMALL, ya.label[i], plot.x - gap - px(2, scale), y, THEME_TEXT_DIM,
                      TEXT_RIGHT | TEXT_MIDDLE);
            last_label_top = y - fh / 2 - fh / 4;
        }
    }
    /* Grid and x labels; the axis name sits at the right end of the row. */
    int label_y = plot.y + plot.h + gap;
    int xlabel_left = xlabel_w ? right - xlabel_w : right + 1;
    if (xlabel_w) text_draw(t, FONT_SMALL, spec->x_label, right, label_y, THEME_TEXT_DIM, TEXT_RIGHT);
    int last_label_right = -(1 << 30);
    for (int i = 0; i < xa.n; i++) {
        int x = (int)lroundf(chart_px_x(&map, xa.v[i]));
        if (x < plot.x || x > plot.x + plot.w - 1) continue;
        set_color(r, grid);
        if (x > plot.x) SDL_RenderDrawLine(r, x, plot.y, x, plot.y + plot.h - 1);
        int w = text_width(t, FONT_SMALL, xa.label[i]);
        int lx = x - w / 2;
        if (lx < left) lx = left;
        if (lx + w > right) lx = right - w;
        if (lx < last_label_right + fh || lx + w > xlabel_left - fh) continue;
        text_draw(t, FONT_SMALL, xa.label[i], lx, label_y, THEME_TEXT_DIM, TEXT_LEFT);
        last_label_right = lx + w;
    }
    /* Axis lines: left and bottom. */
    set_color(r, axis);
    SDL_RenderDrawLine(r, plot.x, plot.y, plot.x, plot.y + plot.h - 1);
    SDL_RenderDrawLine(r, plot.x, plot.y + plot.h - 1, plot.x + plot.w - 1, plot.y + plot.h - 1);

    /* The lines, clipped to the plot, with room above and to the sides for
     * thick lines and markers at the edges (not below: values under a fixed
     * range must not spill onto the tick labels). */
    int thick_w = px(2, scale), thin_w = maxi(1, (int)lroundf(scale));
    int room = 2 * thick_w;
    int cap = 4 * (plot.w + 2) + 64;
    SDL_FPoint *buf = malloc((size_t)cap * sizeof *buf);
    SDL_Rect inner = {rect.x + 1, rect.y + 1, rect.w - 2, rect.h - 2};
    SDL_Rect line_clip = {plot.x - room, plot.y - room, plot.w + 2 * room, plot.h + room};
    if (!SDL_IntersectRect(&line_clip, &inner, &line_clip)) line_clip.w = 0;
    if (buf && line_clip.w > 0 && clip_to(r, &saved, line_clip)) {
        for (int i = 0; i < spec->n_lines; i++) {
            const chart_line *l = &spec->lines[i];
            if (!l->series || l->series->n <= 0 || !l->series->x || !l->series->y) continue;
            draw_series(r, l->series, &map, l->color, l->thick ? thick_w : thin_w, buf, cap);
        }
    }
    free(buf);
    if (spec->end_labels && fh > 0) {
        clip_to(r, &saved, rect);
        draw_end_labels(t, spec, &map, gap, fh);
    }

    /* Legend inside the plot when the title row had no room for it. */
    if (!legend_in_title && lm.width > 0 && fh > 0) {
        clip_to(r, &saved, rect);
        legend_draw_box(r, t, spec, &map, plot, scale);
    }
    state_restore(r, &saved);
}

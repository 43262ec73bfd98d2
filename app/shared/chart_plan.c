/* Planning a line chart: every position and size widgets/chart.c draws,
 * from the rectangle, the spec, the font's metrics and the pixel scale.
 * Pure C; the maths of ticks and mappings is in chart_scale.c. */
#include "chart_plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_Y_TICKS 8    /* asked for; a log axis may end up with up to CHART_MAX_TICKS */

/* Sizes are given at scale 1 and never round to nothing. */
static int px(float v, float scale)
{
    int p = (int)lroundf(v * scale);
    return p < 1 ? 1 : p;
}

static int maxi(int a, int b) { return a > b ? a : b; }

static int text_w(const chart_font *f, const char *s)
{
    return f && f->width && s && s[0] ? f->width(f->ctx, s) : 0;
}

static int has_label(const chart_line *l) { return l->label && l->label[0]; }

/* SDL_IntersectRect's answer, with w = 0 for no overlap. */
static chart_rect intersect(chart_rect a, chart_rect b)
{
    chart_rect r = {0, 0, 0, 0};
    if (a.w <= 0 || a.h <= 0 || b.w <= 0 || b.h <= 0) return r;
    r.x = maxi(a.x, b.x);
    r.y = maxi(a.y, b.y);
    r.w = (a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w) - r.x;
    r.h = (a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h) - r.y;
    if (r.w <= 0 || r.h <= 0) r.w = r.h = 0;
    return r;
}

/* What the steps below share: the spec, the font, and the space left. */
typedef struct {
    const chart_spec *spec;
    const chart_font *font;
    int n;                        /* lines planned: n_lines up to CHART_MAX_LINES */
    float scale;
    int pad, gap, fh;             /* margin, small gap, line height */
    int top, left, right, bottom; /* the room inside the margin, shrinking */
    int labels;                   /* tick labels drawn */
    double dxl, dxh, dyl, dyh;    /* the data's range */
    double ylo, yhi;              /* the y axis's */
} planner;

/* ---- ticks ------------------------------------------------------------------- */

typedef struct {
    double v[CHART_MAX_TICKS + 4];   /* tick values in data space */
    double step;                     /* for labels */
    int n;
    char label[CHART_MAX_TICKS + 4][24];
} axis_ticks;

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
    for (int i = 0; i < t.count && a->n < CHART_MAX_TICKS; i++) {
        double v = (k0 + i) * t.step + 0.0;
        if (v >= lo - eps && v <= hi + eps) a->v[a->n++] = v;
    }
}

/* Log ticks inside [llo, lhi] (log10): ask for a few more than fit, keep
 * the inner ones; on a very short axis a single inner tick will do. */
static void log_inside(double llo, double lhi, int max_ticks, axis_ticks *a)
{
    double v[CHART_MAX_TICKS + 4], one = 0;
    a->n = 0;
    for (int m = max_ticks + 2; m >= 2; m--) {
        int n = 0;
        chart_log_ticks(llo, lhi, m, v, &n);
        int k = 0;
        for (int i = 0; i < n; i++)
            if (log10(v[i]) >= llo - 1e-9 && log10(v[i]) <= lhi + 1e-9 && k < CHART_MAX_TICKS) a->v[k++] = v[i];
        if (k == 1 && one == 0) one = a->v[0];
        if (k >= 2 && k <= max_ticks) {
            a->n = k;
            return;
        }
    }
    if (one > 0) {
        a->v[0] = one;
        a->n = 1;
    }
}

/* A log axis hugs the data with a little room (a fixed range is kept) and
 * labels the decades, or 1-2-5, or linear steps inside it. */
static void y_axis_log(const chart_spec *spec, int fixed, double dlo, double dhi, int max_ticks, double *lo,
                       double *hi, axis_ticks *a)
{
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
    log_inside(llo, lhi, max_ticks, a);
    if (a->n < 1 && !fixed) {
        /* Too little room for two inner ticks: widen the axis to enclosing ones. */
        double v[CHART_MAX_TICKS + 4];
        int n = 0;
        chart_log_ticks(log10(dlo), log10(dhi), maxi(max_ticks, 2), v, &n);
        if (n >= 2) {
            llo = log10(v[0]);
            lhi = log10(v[n - 1]);
            a->n = n < CHART_MAX_TICKS ? n : CHART_MAX_TICKS;
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

/* The y axis: range (data space) and ticks. Linear axes from data end on
 * nice ticks; a fixed range is kept as given. */
static void y_axis(const chart_spec *spec, double dlo, double dhi, int max_ticks, double *lo, double *hi,
                   axis_ticks *a)
{
    int fixed = spec->y_min < spec->y_max && isfinite(spec->y_min) && isfinite(spec->y_max) &&
                (!spec->log_y || spec->y_min > 0);
    a->n = 0;
    if (spec->log_y) {
        y_axis_log(spec, fixed, dlo, dhi, max_ticks, lo, hi, a);
        return;
    }
    if (fixed) {
        *lo = spec->y_min;
        *hi = spec->y_max;
    } else {
        chart_ticks t;
        chart_nice_ticks(dlo, dhi, max_ticks, &t);
        *lo = t.first;
        *hi = t.first + (t.count - 1) * t.step;
    }
    linear_inside(*lo, *hi, max_ticks, a);
    label_all(a, 0);
}

/* ---- title row and legend -------------------------------------------------------- */

static int swatch_h(const planner *p, const chart_line *l) { return l->thick ? px(3, p->scale) : px(2, p->scale); }

/* The legend as one row of "swatch label" pairs; 0 with end labels. */
static int legend_row_width(const planner *p)
{
    if (p->spec->end_labels) return 0;
    int w = 0, n = 0;
    for (int i = 0; i < p->n; i++) {
        const chart_line *l = &p->spec->lines[i];
        if (!has_label(l)) continue;
        w += (n++ ? px(14, p->scale) : 0) + px(14, p->scale) + px(5, p->scale) + text_w(p->font, l->label);
    }
    return w;
}

/* The row's entries, right-aligned at right, centred on cy. */
static void legend_row(const planner *p, int width, int cy, chart_plan *out)
{
    int x = p->right - width, swatch = px(14, p->scale), gap = px(5, p->scale), spacing = px(14, p->scale);
    for (int i = 0; i < p->n; i++) {
        const chart_line *l = &p->spec->lines[i];
        if (!has_label(l)) continue;
        int h = swatch_h(p, l);
        chart_plan_entry *e = &out->entries[out->n_entries++];
        *e = (chart_plan_entry){i, {x, cy - h / 2, swatch, h}, x + swatch + gap, cy};
        x += swatch + gap + text_w(p->font, l->label) + spacing;
    }
}

/* The title on the left, the legend on the right if both fit; 1 if the
 * legend is still to be placed (in a box inside the plot). */
static int plan_title_row(planner *p, chart_plan *out)
{
    const char *title = p->spec->title;
    int legend_w = legend_row_width(p), title_w = text_w(p->font, title);
    int in_title = legend_w > 0 && title_w + 2 * p->pad + legend_w <= p->right - p->left;
    if (p->fh > 0 && (title_w > 0 || in_title) && p->bottom - p->top >= 3 * p->fh) {
        out->title_shown = title && title[0];
        out->title_x = p->left;
        out->title_y = p->top;
        if (in_title) {
            out->legend = CHART_LEGEND_TITLE;
            legend_row(p, legend_w, p->top + p->fh / 2, out);
        }
        p->top += p->fh + p->gap;
    } else {
        in_title = 0;
    }
    return !in_title && legend_w > 0;
}

/* A stacked legend in the corner of the plot that hides the least data
 * (top right on a tie); none if it does not fit. */
static void plan_legend_box(const planner *p, chart_plan *out)
{
    int pad = px(5, p->scale), swatch = px(14, p->scale), gap = px(5, p->scale), lh = p->fh, rows = 0, w = 0;
    for (int i = 0; i < p->n; i++)
        if (has_label(&p->spec->lines[i])) {
            w = maxi(w, swatch + gap + text_w(p->font, p->spec->lines[i].label));
            rows++;
        }
    chart_rect box = {0, 0, w + 2 * pad, rows * lh + 2 * pad};
    if (!rows || box.w > out->plot.w - 2 * pad || box.h > out->plot.h / 2) return;
    const chart_series *series[CHART_MAX_LINES];
    for (int i = 0; i < p->n; i++) series[i] = p->spec->lines[i].series;
    chart_quiet_corner(series, p->n, &out->map, box.w, box.h, pad, &box.x, &box.y);
    out->legend = CHART_LEGEND_BOX;
    out->legend_box = box;
    int y = box.y + pad;
    for (int i = 0; i < p->n; i++) {
        const chart_line *l = &p->spec->lines[i];
        if (!has_label(l)) continue;
        int h = swatch_h(p, l);
        chart_rect sw = {box.x + pad, y + lh / 2 - h / 2, swatch, h};
        out->entries[out->n_entries++] = (chart_plan_entry){i, sw, sw.x + swatch + gap, y + lh / 2};
        y += lh;
    }
}

/* ---- the plot and its axes -------------------------------------------------------- */

static int end_label_room(const planner *p)
{
    int w = 0;
    for (int i = 0; i < p->n; i++)
        if (has_label(&p->spec->lines[i])) w = maxi(w, text_w(p->font, p->spec->lines[i].label));
    return w ? w + 2 * p->gap : 0;
}

/* The plot's box and the y axis (its labels' width sets the plot's left
 * edge); 0 if there is no room for a plot. */
static int plan_plot(planner *p, axis_ticks *ya, chart_plan *out)
{
    int fh = p->fh;
    p->labels = fh > 0 && p->bottom - p->top >= 3 * fh && p->right - p->left >= 8 * fh;
    int plot_bottom = p->labels ? p->bottom - fh - p->gap : p->bottom;
    if (plot_bottom - p->top < 4 || p->right - p->left < 4) return 0;
    int ph = plot_bottom - p->top;
    int max_y = p->labels ? ph / (fh * 2 + p->gap) + 1 : 2;
    max_y = max_y < 2 ? 2 : max_y > MAX_Y_TICKS ? MAX_Y_TICKS : max_y;
    y_axis(p->spec, p->dyl, p->dyh, max_y, &p->ylo, &p->yhi, ya);
    int ylw = 0;
    for (int i = 0; p->labels && i < ya->n; i++) ylw = maxi(ylw, text_w(p->font, ya->label[i]));
    int plot_left = p->labels ? p->left + ylw + p->gap + px(2, p->scale) : p->left;
    if (p->spec->end_labels) p->right -= end_label_room(p);
    if (p->right - plot_left < 4) {
        p->labels = 0;
        plot_left = p->left;
    }
    out->plot = (chart_rect){plot_left, p->top, p->right - plot_left, ph};
    return 1;
}

/* The x axis from 0 (or below, if data is) to the data or the hint, with
 * as many ticks as fit with their labels a comfortable gap apart. */
static void plan_x_axis(const planner *p, axis_ticks *xa, chart_plan *out)
{
    double xlo = p->dxl < 0 ? p->dxl : 0, xhi = p->dxh;
    if (isfinite(p->spec->x_max_hint) && p->spec->x_max_hint > xhi) xhi = p->spec->x_max_hint;
    if (!(xhi > xlo)) xhi = xlo + 1;
    xa->n = 0;
    for (int m = CHART_MAX_TICKS; p->labels && m >= 2; m--) {
        linear_inside(xlo, xhi, m, xa);
        label_all(xa, 0);
        int widest = 0;
        for (int i = 0; i < xa->n; i++) widest = maxi(widest, text_w(p->font, xa->label[i]));
        double spacing = xa->step / (xhi - xlo) * out->plot.w;
        if (spacing >= widest + 3 * p->fh) break;
    }
    const chart_rect *pl = &out->plot;
    out->map = (chart_map){xlo, xhi, p->ylo, p->yhi, p->spec->log_y, pl->x, pl->y, pl->w - 1, pl->h - 1};
}

/* Log axes: faint lines at 2..9 × each decade when decades are far apart. */
static void plan_minor(const planner *p, chart_plan *out)
{
    const chart_map *m = &out->map;
    if (!p->spec->log_y || !p->labels || !(m->ph / (log10(m->y_hi) - log10(m->y_lo)) >= 3 * p->fh)) return;
    for (double d = floor(log10(m->y_lo)); d <= ceil(log10(m->y_hi)); d++)
        for (int k = 2; k <= 9; k++) {
            double v = k * pow(10.0, d);
            if (v < m->y_lo || v > m->y_hi || out->n_minor == CHART_MAX_MINOR) continue;
            out->minor_y[out->n_minor++] = (int)lroundf(chart_px_y(m, v));
        }
}

/* Grid lines of the ticks inside the plot; labels from the bottom up,
 * leaving out any that would overlap the one below. */
static void plan_y_ticks(const planner *p, const axis_ticks *ya, chart_plan *out)
{
    const chart_rect *pl = &out->plot;
    int last_label_top = 1 << 30;
    for (int i = 0; i < ya->n; i++) {
        chart_plan_tick *t = &out->y_ticks[out->n_y_ticks++];
        *t = (chart_plan_tick){.value = ya->v[i], .pos = (int)lroundf(chart_px_y(&out->map, ya->v[i]))};
        memcpy(t->label, ya->label[i], sizeof t->label);
        if (t->pos < pl->y || t->pos > pl->y + pl->h - 1) continue;
        t->grid = 1;
        if (p->labels && t->pos + p->fh / 2 <= last_label_top) {
            t->shown = 1;
            t->lx = pl->x - p->gap - px(2, p->scale);
            t->ly = t->pos;
            last_label_top = t->pos - p->fh / 2 - p->fh / 4;
        }
    }
}

/* Grid lines right of the y axis; labels centred under their ticks but
 * kept inside, apart, and clear of the axis name at the right end. */
static void plan_x_ticks(const planner *p, const axis_ticks *xa, chart_plan *out)
{
    const chart_rect *pl = &out->plot;
    int label_y = pl->y + pl->h + p->gap;
    int name_w = p->labels ? text_w(p->font, p->spec->x_label) : 0;
    int name_left = name_w ? p->right - name_w : p->right + 1, last_label_right = -(1 << 30);
    out->x_name_shown = name_w > 0;
    out->x_name_x = p->right;
    out->x_name_y = label_y;
    for (int i = 0; i < xa->n; i++) {
        chart_plan_tick *t = &out->x_ticks[out->n_x_ticks++];
        *t = (chart_plan_tick){.value = xa->v[i], .pos = (int)lroundf(chart_px_x(&out->map, xa->v[i]))};
        memcpy(t->label, xa->label[i], sizeof t->label);
        if (t->pos < pl->x || t->pos > pl->x + pl->w - 1) continue;
        t->grid = t->pos > pl->x;
        int w = text_w(p->font, t->label), lx = t->pos - w / 2;
        if (lx < p->left) lx = p->left;
        if (lx + w > p->right) lx = p->right - w;
        if (lx < last_label_right + p->fh || lx + w > name_left - p->fh) continue;
        t->shown = 1;
        t->lx = lx;
        t->ly = label_y;
        last_label_right = lx + w;
    }
}

/* ---- the lines and their end labels -------------------------------------------- */

/* Room above and to the sides of the plot for thick lines and markers at
 * the edges (not below: values under a fixed range must not spill onto the
 * tick labels), inside the frame. */
static void plan_lines(const planner *p, chart_plan *out)
{
    out->thick_w = px(2, p->scale);
    out->thin_w = maxi(1, (int)lroundf(p->scale));
    int room = 2 * out->thick_w;
    const chart_rect *pl = &out->plot, *r = &out->rect;
    chart_rect inner = {r->x + 1, r->y + 1, r->w - 2, r->h - 2};
    out->line_clip = intersect((chart_rect){pl->x - room, pl->y - room, pl->w + 2 * room, pl->h + room}, inner);
}

static float last_y(const chart_line *l) { return l->series->y[l->series->n - 1]; }

/* Each line's label just right of its last point; the highest lines first,
 * and a label that would overlap one already placed is left out (so the
 * top few of ten stay readable). */
static void plan_end_labels(const planner *p, chart_plan *out)
{
    const chart_line *lines = p->spec->lines;
    int order[CHART_MAX_LINES], n = 0;
    for (int i = 0; i < p->n; i++) {
        const chart_series *s = lines[i].series;
        if (has_label(&lines[i]) && s && s->n > 0 && s->x && s->y && isfinite(s->y[s->n - 1])) order[n++] = i;
    }
    for (int a = 1; a < n; a++)   /* by last value, highest first; ties keep their order */
        for (int b = a; b > 0 && last_y(&lines[order[b]]) > last_y(&lines[order[b - 1]]); b--) {
            int tmp = order[b];
            order[b] = order[b - 1], order[b - 1] = tmp;
        }
    for (int k = 0; k < n; k++) {
        const chart_series *s = lines[order[k]].series;
        int x = (int)lroundf(chart_px_x(&out->map, s->x[s->n - 1])) + p->gap;
        int y = (int)lroundf(chart_px_y(&out->map, s->y[s->n - 1]));
        int clear = 1;
        for (int j = 0; j < out->n_ends && clear; j++) clear = abs(out->ends[j].y - y) >= p->fh * 4 / 5;
        if (clear) out->ends[out->n_ends++] = (chart_plan_end){order[k], x, y};
    }
}

/* ---- the chart ------------------------------------------------------------------- */

/* The data's range over the planned lines; 0 if there is no point. */
static int plan_data(planner *p, chart_plan *out)
{
    const chart_series *list[CHART_MAX_LINES];
    for (int i = 0; i < p->n; i++) list[i] = p->spec->lines[i].series;
    out->has_data = chart_data_range(list, p->n, p->spec->log_y, &p->dxl, &p->dxh, &p->dyl, &p->dyh);
    if (!out->has_data) {
        const char *empty = p->spec->empty_text;
        out->empty_shown = empty && empty[0] && p->bottom > p->top;
        out->empty_x = out->rect.x + out->rect.w / 2;
        out->empty_y = (p->top + p->bottom) / 2;
    }
    return out->has_data;
}

void chart_plan_make(chart_rect rect, const chart_spec *spec, const chart_font *font, float scale,
                     chart_plan *out)
{
    if (!out) return;
    memset(out, 0, sizeof *out);
    if (!spec || rect.w <= 0 || rect.h <= 0 || (spec->n_lines > 0 && !spec->lines)) return;
    if (!(scale > 0) || !isfinite(scale)) scale = 1;
    if (scale > 8) scale = 8;
    out->visible = 1;
    out->rect = rect;
    int n = spec->n_lines < 0 ? 0 : spec->n_lines > CHART_MAX_LINES ? CHART_MAX_LINES : spec->n_lines;
    int pad = px(8, scale), fh = font && font->height > 0 ? font->height : 0;
    planner p = {.spec = spec, .font = font, .n = n, .scale = scale, .pad = pad, .gap = px(4, scale), .fh = fh,
                 .top = rect.y + pad, .left = rect.x + pad, .right = rect.x + rect.w - pad,
                 .bottom = rect.y + rect.h - pad};
    int legend_box = plan_title_row(&p, out);
    if (!plan_data(&p, out)) return;
    axis_ticks ya, xa;
    if (!plan_plot(&p, &ya, out)) return;
    out->has_plot = 1;
    plan_x_axis(&p, &xa, out);
    plan_minor(&p, out);
    plan_y_ticks(&p, &ya, out);
    plan_x_ticks(&p, &xa, out);
    plan_lines(&p, out);
    if (spec->end_labels && fh > 0) plan_end_labels(&p, out);
    if (legend_box && fh > 0) plan_legend_box(&p, out);
}

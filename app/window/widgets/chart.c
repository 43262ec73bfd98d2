/* Drawing a line chart: what chart_plan (shared/chart_plan.c) worked out,
 * in passes: the panel with its title row, the grid with the tick labels,
 * the lines, then the end labels or the legend box. All of it inside the
 * given rectangle (the clip rectangle makes sure of it). Long series are
 * reduced to the minimum and maximum of each pixel column, so 100k points
 * cost about as much as a few hundred and spikes stay visible. */
#include "chart.h"
#include "wrap.h"
#include "theme.h"

#include <math.h>
#include <stdlib.h>

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

static SDL_Rect sdl_rect(chart_rect r) { return (SDL_Rect){r.x, r.y, r.w, r.h}; }

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

/* ---- panel, title row, legend ------------------------------------------------- */

/* A legend entry: the line's swatch, then its label. */
static void draw_entry(SDL_Renderer *r, ui_text *t, const chart_spec *spec, const SDL_Color *colors,
                       const chart_plan_entry *e)
{
    const chart_line *l = &spec->lines[e->line];
    SDL_Rect sw = sdl_rect(e->swatch);
    set_color(r, colors[e->line]);
    SDL_RenderFillRect(r, &sw);
    text_draw(t, FONT_SMALL, l->label, e->tx, e->ty, THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE);
}

static int measure_small(void *ctx, const char *s, size_t n) { return text_width_n(ctx, FONT_SMALL, s, n); }

/* The text of an empty chart, word-wrapped to the panel's width and centred
 * on (cx, cy). */
static void draw_empty_text(ui_text *t, const char *s, int cx, int cy, int width)
{
    const char *lines[8];
    size_t lens[8];
    int n = 0;
    for (s = wrap_skip_spaces(s); *s && n < 8; s = wrap_skip_spaces(s)) {
        lens[n] = wrap_line(s, width, measure_small, t);
        lines[n++] = s;
        s += lens[n - 1];
    }
    int lh = text_height(t, FONT_SMALL), y = cy - n * lh / 2;
    for (int i = 0; i < n; i++)
        text_draw_n(t, FONT_SMALL, lines[i], lens[i], cx, y + i * lh, THEME_TEXT_DIM, TEXT_CENTER);
}

/* The panel and its frame, the title row, or the text of an empty chart. */
static void draw_panel(SDL_Renderer *r, ui_text *t, const chart_spec *spec, const SDL_Color *colors,
                       const chart_plan *p)
{
    SDL_Rect rect = sdl_rect(p->rect);
    set_color(r, THEME_PANEL);
    SDL_RenderFillRect(r, &rect);
    set_color(r, THEME_PANEL_EDGE);
    SDL_RenderDrawRect(r, &rect);
    if (p->title_shown) text_draw(t, FONT_SMALL, spec->title, p->title_x, p->title_y, THEME_TEXT, TEXT_LEFT);
    for (int i = 0; p->legend == CHART_LEGEND_TITLE && i < p->n_entries; i++)
        draw_entry(r, t, spec, colors, &p->entries[i]);
    if (p->empty_shown)
        draw_empty_text(t, spec->empty_text, p->empty_x, p->empty_y, p->rect.w - 8);
}

/* The legend in its box inside the plot, over the lines but see-through. */
static void draw_legend_box(SDL_Renderer *r, ui_text *t, const chart_spec *spec, const SDL_Color *colors,
                            const chart_plan *p)
{
    SDL_Rect box = sdl_rect(p->legend_box);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(r, THEME_PANEL.r, THEME_PANEL.g, THEME_PANEL.b, 225);
    SDL_RenderFillRect(r, &box);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    set_color(r, THEME_PANEL_EDGE);
    SDL_RenderDrawRect(r, &box);
    for (int i = 0; i < p->n_entries; i++) draw_entry(r, t, spec, colors, &p->entries[i]);
}

/* ---- grid and tick labels --------------------------------------------------------- */

static void draw_grid(SDL_Renderer *r, ui_text *t, const chart_spec *spec, const chart_plan *p)
{
    SDL_Color grid = mix(THEME_PANEL, THEME_PANEL_EDGE, 0.75f);
    int left = p->plot.x, right = p->plot.x + p->plot.w - 1, top = p->plot.y, bottom = p->plot.y + p->plot.h - 1;
    set_color(r, mix(THEME_PANEL, grid, 0.45f));   /* fainter than the grid: the log axis's 2..9 */
    for (int i = 0; i < p->n_minor; i++) SDL_RenderDrawLine(r, left, p->minor_y[i], right, p->minor_y[i]);
    for (int i = 0; i < p->n_y_ticks; i++) {
        const chart_plan_tick *k = &p->y_ticks[i];
        set_color(r, grid);
        if (k->grid) SDL_RenderDrawLine(r, left, k->pos, right, k->pos);
        if (k->shown) text_draw(t, FONT_SMALL, k->label, k->lx, k->ly, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_MIDDLE);
    }
    if (p->x_name_shown) text_draw(t, FONT_SMALL, spec->x_label, p->x_name_x, p->x_name_y, THEME_TEXT_DIM, TEXT_RIGHT);
    for (int i = 0; i < p->n_x_ticks; i++) {
        const chart_plan_tick *k = &p->x_ticks[i];
        set_color(r, grid);
        if (k->grid) SDL_RenderDrawLine(r, k->pos, top, k->pos, bottom);
        if (k->shown) text_draw(t, FONT_SMALL, k->label, k->lx, k->ly, THEME_TEXT_DIM, TEXT_LEFT);
    }
    /* Axis lines: left and bottom. */
    set_color(r, mix(THEME_PANEL_EDGE, THEME_TEXT_DIM, 0.3f));
    SDL_RenderDrawLine(r, left, top, left, bottom);
    SDL_RenderDrawLine(r, left, bottom, right, bottom);
}

/* ---- lines ----------------------------------------------------------------- */

typedef struct {
    SDL_Renderer *r;
    SDL_FPoint *pts;
    int n, cap;
    int width;            /* in pixels */
} polyline;

/* The polyline shifted by d whole pixels down (axis 0) or right (axis 1). */
static void poly_shift(polyline *p, int axis, int d)
{
    for (int i = 0; i < p->n; i++) {
        if (axis == 0) p->pts[i].y += (float)d;
        else p->pts[i].x += (float)d;
    }
}

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
        for (int d = lo; d <= hi; d++)
            for (int axis = 0; axis < (d == 0 ? 1 : 2); axis++) {
                poly_shift(p, axis, d);
                SDL_RenderDrawLinesF(p->r, p->pts, p->n);
                poly_shift(p, axis, -d);
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

/* The extremes of the points in one pixel column, for long series. */
typedef struct {
    int col, have;
    int min_first;        /* the minimum came first */
    float y_min, y_max;
} column;

/* The column's extremes in the order they occurred; then it is empty. */
static void column_flush(polyline *p, column *c)
{
    if (!c->have) return;
    if (c->y_min == c->y_max) {
        poly_add(p, c->col + 0.5f, c->y_min);
    } else {
        poly_add(p, c->col + 0.5f, c->min_first ? c->y_min : c->y_max);
        poly_add(p, c->col + 0.5f, c->min_first ? c->y_max : c->y_min);
    }
    c->have = 0;
}

static void column_add(polyline *p, column *c, float fx, float fy)
{
    int x = (int)floorf(fx);
    if (c->have && x == c->col) {
        if (fy < c->y_min) {
            c->y_min = fy;
            c->min_first = 0;   /* the minimum is now the later extreme */
        }
        if (fy > c->y_max) {
            c->y_max = fy;
            c->min_first = 1;
        }
        return;
    }
    column_flush(p, c);
    *c = (column){.col = x, .have = 1, .min_first = 1, .y_min = fy, .y_max = fy};
}

static int point_shown(const chart_series *s, int i, const chart_map *m)
{
    double x = s->x[i], y = s->y[i];
    return isfinite(x) && isfinite(y) && x >= m->x_lo && x <= m->x_hi;
}

/* A few points: mark each one, so single measurements are visible. */
static void draw_markers(SDL_Renderer *r, const chart_series *s, const chart_map *m, int width)
{
    float d = (float)(width * 2 + 1);
    for (int i = 0; i < s->n; i++) {
        if (!point_shown(s, i, m)) continue;
        SDL_FRect dot = {chart_px_x(m, s->x[i]) - d / 2, chart_px_y(m, s->y[i]) - d / 2, d, d};
        SDL_RenderFillRectF(r, &dot);
    }
}

/* Draws one series. Above two points per pixel column, each column
 * contributes its extremes in the order they occurred. A non-finite value
 * breaks the line. */
static void draw_series(SDL_Renderer *r, const chart_series *s, const chart_map *m, SDL_Color color, int width,
                        SDL_FPoint *buf, int cap)
{
    polyline p = {r, buf, 0, cap, width};
    column c = {0, 0, 0, 0, 0};
    set_color(r, color);
    int decimate = s->n > 2 * (m->pw + 1), shown = 0;
    for (int i = 0; i < s->n; i++) {
        if (!point_shown(s, i, m)) {
            column_flush(&p, &c);
            if (!isfinite(s->y[i])) poly_break(&p);
            continue;
        }
        shown++;
        float fx = chart_px_x(m, s->x[i]), fy = chart_px_y(m, s->y[i]);
        if (decimate) column_add(&p, &c, fx, fy);
        else poly_add(&p, fx, fy);
    }
    column_flush(&p, &c);
    poly_draw(&p);
    if (shown > 0 && shown <= MARKER_MAX_POINTS) draw_markers(r, s, m, width);
}

/* Every line (also past CHART_MAX_LINES), clipped to the plan's line_clip. */
static void draw_lines(SDL_Renderer *r, const chart_spec *spec, const SDL_Color *colors, const chart_plan *p,
                       const render_state *saved)
{
    int cap = 4 * (p->plot.w + 2) + 64;   /* points per batch: a few per pixel column */
    if (cap <= 0 || p->line_clip.w <= 0) return;
    SDL_FPoint *buf = malloc((size_t)cap * sizeof *buf);
    if (buf && clip_to(r, saved, sdl_rect(p->line_clip)))
        for (int i = 0; i < spec->n_lines; i++) {
            const chart_line *l = &spec->lines[i];
            if (!l->series || l->series->n <= 0 || !l->series->x || !l->series->y) continue;
            draw_series(r, l->series, &p->map, colors[i], l->thick ? p->thick_w : p->thin_w, buf, cap);
        }
    free(buf);
}

static void draw_end_labels(SDL_Renderer *r, ui_text *t, const chart_spec *spec, const SDL_Color *colors,
                            const chart_plan *p, const render_state *saved)
{
    clip_to(r, saved, sdl_rect(p->rect));
    for (int i = 0; i < p->n_ends; i++) {
        int line = p->ends[i].line;
        text_draw(t, FONT_SMALL, spec->lines[line].label, p->ends[i].x, p->ends[i].y, colors[line], TEXT_LEFT | TEXT_MIDDLE);
    }
}

/* ---- the chart -------------------------------------------------------------- */

static int measure(void *t, const char *s) { return text_width(t, FONT_SMALL, s); }

void chart_draw(SDL_Renderer *r, ui_text *t, SDL_Rect rect, const chart_spec *spec, const SDL_Color *colors,
                float scale)
{
    if (!r || !spec || (spec->n_lines > 0 && !colors)) return;
    chart_font font = {text_height(t, FONT_SMALL), measure, t};
    chart_plan plan;
    chart_plan_make((chart_rect){rect.x, rect.y, rect.w, rect.h}, spec, &font, scale, &plan);
    if (!plan.visible) return;

    render_state saved;
    state_save(r, &saved);
    if (clip_to(r, &saved, rect)) {
        SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
        draw_panel(r, t, spec, colors, &plan);
        if (plan.has_plot) {
            draw_grid(r, t, spec, &plan);
            draw_lines(r, spec, colors, &plan, &saved);
            if (plan.n_ends) draw_end_labels(r, t, spec, colors, &plan, &saved);
            if (plan.legend == CHART_LEGEND_BOX) {
                clip_to(r, &saved, rect);
                draw_legend_box(r, t, spec, colors, &plan);
            }
        }
    }
    state_restore(r, &saved);
}

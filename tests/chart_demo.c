/* Fixed charts drawn by chart_draw through SDL's software renderer on a
 * surface (no display needed):
 *   chart_demo DIR            writes DIR/chart_<scene>.bmp, one per scene
 *   chart_demo --compare A B  compares two such runs pixel by pixel (exit 1
 *                             if any pixel differs): render with this file
 *                             built against the old and the new chart.c
 *   chart_demo --check        the test chart_pixels: each chart of each scene
 *                             alone on a magenta canvas must leave every pixel
 *                             outside its rectangle (and a caller's clip) alone,
 *                             draw its frame and restore the renderer's clip,
 *                             colour and blend mode
 * The data are made up but fixed (an LCG, no clock). Scenes cover what the
 * window shows (log loss, accuracy with markers, the drawing's ten lines with
 * end labels, empty charts) and what it rarely does: tiny and odd sizes and
 * scales, 100k points with NaN, inf, 0 and a spike, the built-in font, a
 * caller's clip, more lines than CHART_MAX_LINES. */
#include "chart.h"
#include "text.h"
#include "theme.h"
#include "ui.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned rng_state;
static double uniform(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return ((rng_state >> 8) + 0.5) / 16777216.0;
}

/* ---- the data ---------------------------------------------------------------- */

#define N_EDGE 8
#define N_MANY 20

typedef struct {
    chart_series loss, smooth, heldout, test;   /* three epochs into five */
    chart_series few, few_test;                 /* the first 12 measurements: markers */
    chart_series digit[10];                     /* the drawing's ten probabilities */
    chart_series big, big_smooth;               /* 100k points with NaN, 0, inf and a spike */
    chart_series edge[N_EDGE];
    chart_series many[N_MANY];                  /* more lines than a chart labels */
    chart_series none;
} demo_data;

/* A training run: loss decaying from 2.3 with multiplicative noise and a
 * few spikes; accuracy on 1k images every 100 steps, on 10k per epoch. */
static void make_run(demo_data *d, int steps)
{
    chart_ema ema = {.alpha = 0.05f};
    for (int s = 1; s <= steps; s++) {
        double t = s / 3000.0;
        double base = 0.025 + 2.28 * exp(-t * 9) + 0.08 * exp(-t * 1.5);
        float loss = (float)(base * exp((uniform() - 0.5) * 1.1 + (uniform() < 0.004 ? 1.5 : 0)));
        chart_series_add(&d->loss, (float)s, loss);
        chart_series_add(&d->smooth, (float)s, chart_ema_add(&ema, loss));
        if (s % 100 == 0) {
            float acc = (float)(0.993 - 0.6 * exp(-t * 14) - 0.004 * uniform());
            chart_series_add(&d->heldout, (float)s, acc);
            if (s <= 1200) chart_series_add(&d->few, (float)s, acc);
        }
        if (s % 938 == 0) chart_series_add(&d->test, (float)s, (float)(0.9935 - 0.05 * exp(-t * 6)));
    }
    chart_series_add(&d->few_test, 938, 0.97f);
}

/* Ten probabilities drifting towards one winner (4), 60 points each. */
static void make_digits(demo_data *d)
{
    for (int k = 0; k < 60; k++) {
        double sum = 0, p[10];
        for (int i = 0; i < 10; i++) sum += p[i] = exp((i == 4 ? k * 0.1 : 0) + uniform() * (1 + i * 0.1));
        for (int i = 0; i < 10; i++) chart_series_add(&d->digit[i], (float)(k * 50), (float)(p[i] / sum));
    }
}

static void make_big(demo_data *d)
{
    chart_ema ema = {.alpha = 0.01f};
    for (int i = 1; i <= 100000; i++) {
        float v = (float)((0.02 + 2.3 * exp(-i / 100000.0 * 12)) * exp((uniform() - 0.5) * 1.2));
        if (i == 50000 || i == 50001) v = NAN;
        if (i == 60000) v = INFINITY;
        if (i == 70000) v = 0;
        if (i == 80000) v = 40;   /* a spike must stay visible */
        chart_series_add(&d->big, (float)i, v);
        chart_series_add(&d->big_smooth, (float)i, chart_ema_add(&ema, v));
    }
}

/* The first few steps, one point, a flat loss, a linear y from data,
 * NaN/inf/negative values on a log axis, huge x and tiny y, negative x,
 * a NaN x. */
static void make_edges(demo_data *d)
{
    chart_series *e = d->edge;
    for (int i = 1; i <= 8; i++) chart_series_add(&e[0], (float)(i * 10), (float)(2.3 - 0.1 * i));
    chart_series_add(&e[1], 0, 2.3f);
    for (int i = 0; i < 100; i++) chart_series_add(&e[2], (float)i, 0.5f);
    for (int i = 0; i < 12; i++) chart_series_add(&e[3], (float)(i * 100), (float)(0.97 - 0.87 * exp(-i * 0.6)));
    const float odd[] = {1.0f, 0.5f, NAN, 0.3f, INFINITY, 0.2f, -1.0f, 0.15f, 0.0f, 0.1f};
    for (int i = 0; i < 10; i++) chart_series_add(&e[4], (float)i, odd[i]);
    for (int i = 0; i <= 2000; i++) chart_series_add(&e[5], i * 5000.0f, (float)(3e-5 * exp(-i / 700.0) + 1e-6));
    for (int i = -50; i <= 50; i++) chart_series_add(&e[6], (float)i * 7, (float)sin(i * 0.1) * 3);
    for (int i = 0; i < 30; i++) chart_series_add(&e[7], i == 12 ? NAN : (float)i, (float)(0.5 + 0.4 * cos(i * 0.3)));
}

static void make_data(demo_data *d)
{
    memset(d, 0, sizeof *d);
    rng_state = 12345;
    make_run(d, 3000);
    make_digits(d);
    make_big(d);
    make_edges(d);
    for (int i = 0; i < N_MANY; i++)
        for (int k = 0; k <= 40; k++) chart_series_add(&d->many[i], (float)k, (float)(i + sin(k * 0.2 + i)));
}

static void free_data(demo_data *d)
{
    chart_series *one[] = {&d->loss, &d->smooth, &d->heldout, &d->test, &d->few, &d->few_test, &d->big,
                           &d->big_smooth};
    for (int i = 0; i < 8; i++) chart_series_free(one[i]);
    for (int i = 0; i < 10; i++) chart_series_free(&d->digit[i]);
    for (int i = 0; i < N_EDGE; i++) chart_series_free(&d->edge[i]);
    for (int i = 0; i < N_MANY; i++) chart_series_free(&d->many[i]);
}

/* ---- a canvas: draw the scene, or check each chart on its own ------------------ */

/* The canvas outside the charts in --check: no chart colour is pure magenta. */
static const SDL_Color SENTINEL = {255, 0, 255, 255};

typedef struct {
    SDL_Surface *s;
    SDL_Renderer *r;
    ui_text *t;
    float scale;
    int check;            /* check each chart alone instead of drawing the scene */
    int stray;            /* --check's self-check: draw a pixel outside the chart */
    int failures, charts;
    Uint32 *sentinel_row;  /* a row of the canvas in the sentinel colour, in --check */
    const char *scene;
    int cx, cy, row_h;    /* where shelf() puts the next chart */
} canvas;

static Uint32 pixel(const SDL_Surface *s, int x, int y)
{
    return ((const Uint32 *)((const Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch))[x];
}

/* Pixels outside allowed that are no longer the sentinel; the first is
 * reported. Row spans are compared whole (memcmp) first, which keeps the
 * test quick under sanitizers. */
static int count_outside(canvas *c, SDL_Rect allowed, const char *how)
{
    SDL_Rect all = {0, 0, c->s->w, c->s->h}, in;
    if (!SDL_IntersectRect(&allowed, &all, &in)) in = (SDL_Rect){0, 0, 0, 0};
    int bad = 0;
    for (int y = 0; y < c->s->h; y++) {
        const Uint32 *row = (const Uint32 *)((const Uint8 *)c->s->pixels + (size_t)y * (size_t)c->s->pitch);
        int cut = y >= in.y && y < in.y + in.h;   /* the row crosses the allowed rectangle */
        int spans[2][2] = {{0, cut ? in.x : c->s->w}, {cut ? in.x + in.w : c->s->w, c->s->w}};
        for (int k = 0; k < 2; k++) {
            int x0 = spans[k][0], n = spans[k][1] - x0;
            if (n <= 0 || memcmp(row + x0, c->sentinel_row, (size_t)n * sizeof *row) == 0) continue;
            for (int x = x0; x < x0 + n; x++)
                if (row[x] != c->sentinel_row[0] && bad++ == 0 && !c->stray)
                    fprintf(stderr, "%s: chart at %d,%d %dx%d%s drew at %d,%d\n", c->scene, allowed.x, allowed.y,
                            allowed.w, allowed.h, how, x, y);
        }
    }
    return bad;
}

static void clear_sentinel(canvas *c)
{
    SDL_RenderSetClipRect(c->r, NULL);
    SDL_SetRenderDrawColor(c->r, SENTINEL.r, SENTINEL.g, SENTINEL.b, 255);
    SDL_RenderClear(c->r);
}

/* One chart on a sentinel canvas, maybe inside a caller's clip rectangle:
 * nothing outside (rect ∩ clip), and the renderer's state comes back. */
static void check_once(canvas *c, SDL_Rect rect, const chart_spec *spec, const SDL_Color *colors, const SDL_Rect *clip)
{
    clear_sentinel(c);
    SDL_RenderSetClipRect(c->r, clip);
    SDL_SetRenderDrawColor(c->r, 1, 2, 3, 4);
    SDL_SetRenderDrawBlendMode(c->r, SDL_BLENDMODE_ADD);
    chart_draw(c->r, c->t, rect, spec, colors, c->scale);
    SDL_RenderFlush(c->r);
    Uint8 r, g, b, a;
    SDL_BlendMode mode;
    SDL_Rect now;
    SDL_GetRenderDrawColor(c->r, &r, &g, &b, &a);
    SDL_GetRenderDrawBlendMode(c->r, &mode);
    SDL_RenderGetClipRect(c->r, &now);
    int clip_back = clip ? SDL_RenderIsClipEnabled(c->r) && memcmp(&now, clip, sizeof now) == 0
                         : !SDL_RenderIsClipEnabled(c->r);
    if (c->stray) {   /* the self-check: a pixel just outside the chart, on the surface itself */
        SDL_SetClipRect(c->s, NULL);
        SDL_FillRect(c->s, &(SDL_Rect){rect.x - 1, rect.y - 1, 1, 1}, 0);
    }
    if (r != 1 || g != 2 || b != 3 || a != 4 || mode != SDL_BLENDMODE_ADD || !clip_back) {
        fprintf(stderr, "%s: chart at %d,%d %dx%d did not restore the renderer's state\n", c->scene, rect.x, rect.y,
                rect.w, rect.h);
        c->failures++;
    }
    SDL_Rect allowed = rect;
    if (clip && !SDL_IntersectRect(&rect, clip, &allowed)) allowed.w = allowed.h = 0;
    c->failures += count_outside(c, allowed, clip ? " clipped" : "") > 0;
}

static void check_chart(canvas *c, SDL_Rect rect, const chart_spec *spec, const SDL_Color *colors)
{
    check_once(c, rect, spec, colors, NULL);
    /* The frame's corners are drawn (a chart that draws nothing fails). */
    Uint32 edge = SDL_MapRGBA(c->s->format, THEME_PANEL_EDGE.r, THEME_PANEL_EDGE.g, THEME_PANEL_EDGE.b, 255);
    if (rect.w > 0 && rect.h > 0 &&
        (pixel(c->s, rect.x, rect.y) != edge || pixel(c->s, rect.x + rect.w - 1, rect.y + rect.h - 1) != edge)) {
        fprintf(stderr, "%s: chart at %d,%d %dx%d has no frame\n", c->scene, rect.x, rect.y, rect.w, rect.h);
        c->failures++;
    }
    /* A caller's clip rectangle across the middle of the chart and beyond it. */
    SDL_Rect clip = {rect.x + rect.w / 3, rect.y - 3, rect.w, rect.h / 2 + 3};
    check_once(c, rect, spec, colors, &clip);
    c->charts++;
}

static void put(canvas *c, SDL_Rect rect, const chart_spec *spec, const SDL_Color *colors)
{
    if (c->check) check_chart(c, rect, spec, colors);
    else chart_draw(c->r, c->t, rect, spec, colors, c->scale);
}

/* The next w×h chart, left to right in rows (shelves), 6 px apart. */
static SDL_Rect shelf(canvas *c, int w, int h)
{
    if (c->cx + w + 6 > c->s->w) {
        c->cx = 0;
        c->cy += c->row_h + 6;
        c->row_h = 0;
    }
    SDL_Rect r = {c->cx + 6, c->cy + 6, w, h};
    if (r.x + w > c->s->w || r.y + h > c->s->h) {   /* the scene's canvas is too small */
        fprintf(stderr, "%s: a %dx%d chart does not fit at %d,%d\n", c->scene, w, h, r.x, r.y);
        c->failures++;
    }
    c->cx += w + 6;
    if (h > c->row_h) c->row_h = h;
    return r;
}

/* ---- the scenes -------------------------------------------------------------------- */

/* The window's three charts: loss, accuracy, the drawing. */
static void put_loss(canvas *c, SDL_Rect at, const demo_data *d, double total, const char *title)
{
    int empty = total < 0;
    chart_line lines[] = {{empty ? &d->none : &d->loss, "loss", 0}, {empty ? &d->none : &d->smooth, "smoothed", 1}};
    SDL_Color colors[] = {color_mix(THEME_PANEL, THEME_ACCENT, 0.45f), THEME_ACCENT};
    chart_spec spec = {.title = title, .x_label = "step", .log_y = 1, .x_max_hint = total, .lines = lines,
                       .n_lines = 2, .empty_text = "press Train to watch the network learn"};
    put(c, at, &spec, colors);
}

static void put_accuracy(canvas *c, SDL_Rect at, const chart_series *a, const chart_series *b, double lo)
{
    chart_line lines[] = {{a, "test, 1k images", 1}, {b, "test, all 10k (per epoch)", 1}};
    SDL_Color colors[] = {THEME_ACCENT_2, THEME_GOOD};
    chart_spec spec = {.title = "accuracy", .x_label = "step", .y_min = lo, .y_max = 1, .x_max_hint = 4690,
                       .lines = lines, .n_lines = 2, .empty_text = "accuracy appears as training runs"};
    put(c, at, &spec, colors);
}

static void put_digits(canvas *c, SDL_Rect at, const demo_data *d, int top)
{
    static const char *names[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    chart_line lines[10];
    for (int i = 0; i < 10; i++) lines[i] = (chart_line){&d->digit[i], names[i], i == top};
    chart_spec spec = {.title = "your drawing", .x_label = "step", .y_min = 0, .y_max = 1, .x_max_hint = 4690,
                       .lines = lines, .n_lines = 10, .end_labels = 1,
                       .empty_text = "draw while it trains: watch it learn"};
    put(c, at, &spec, THEME_DIGIT);
}

static void scene_window(canvas *c, const demo_data *d)
{
    float k = c->scale;
    int w = (int)(600 * k), h = (int)(230 * k), nw = (int)(360 * k);
    put_loss(c, shelf(c, w, h), d, 4690, "training loss (cross-entropy)");
    put_accuracy(c, shelf(c, nw, h), &d->few, &d->few_test, 0);
    put_digits(c, shelf(c, nw, h), d, 4);
    put_accuracy(c, shelf(c, w, h), &d->heldout, &d->test, 0.9);
    put_loss(c, shelf(c, nw, h), d, -1, "training loss (cross-entropy)");
    put_accuracy(c, shelf(c, nw, h), &d->none, &d->none, 0);
    put_digits(c, shelf(c, nw, h), d, -1);
    put_loss(c, shelf(c, w, h), d, 0, NULL);
}

/* Every size from tiny to roomy: the title row, the labels and the legend
 * come and go. */
static void scene_sizes(canvas *c, const demo_data *d)
{
    static const int ws[] = {1, 3, 9, 20, 33, 60, 81, 120, 157, 200, 260, 333};
    static const int hs[] = {1, 4, 10, 17, 30, 45, 60, 75, 90, 130, 170};
    for (size_t j = 0; j < sizeof hs / sizeof hs[0]; j++)
        for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++) {
            SDL_Rect at = shelf(c, ws[i], hs[j]);
            switch ((i + j) % 3) {
            case 0: put_loss(c, at, d, 4690, "training loss"); break;
            case 1: put_accuracy(c, at, &d->heldout, &d->test, 0.9); break;
            default: put_digits(c, at, d, (int)j % 10); break;
            }
        }
}

/* 100k points on a log and on a linear axis, and cut by a fixed range. */
static void scene_big(canvas *c, const demo_data *d)
{
    chart_line lines[] = {{&d->big, "loss", 0}, {&d->big_smooth, "smoothed", 1}};
    SDL_Color colors[] = {color_mix(THEME_PANEL, THEME_ACCENT, 0.45f), THEME_ACCENT};
    chart_spec spec = {.title = "100k points", .x_label = "step", .log_y = 1, .lines = lines, .n_lines = 2};
    put(c, shelf(c, 784, 244), &spec, colors);
    spec.log_y = 0;
    put(c, shelf(c, 500, 200), &spec, colors);
    spec.y_min = 0.1, spec.y_max = 1;
    put(c, shelf(c, 300, 200), &spec, colors);
    spec.log_y = 1;
    put(c, shelf(c, 50, 40), &spec, colors);
}

static void scene_edges(canvas *c, const demo_data *d)
{
    static const char *titles[N_EDGE] = {"first steps (hint 4690)", "one point", "flat loss 0.5", "linear y from data",
                                         "NaN, inf, -1 and 0 on a log axis", "10M steps, loss 1e-6..3e-5",
                                         "negative x, linear", "a NaN x"};
    for (int i = 0; i < N_EDGE; i++) {
        int log = i != 3 && i != 6 && i != 7;
        chart_line l[] = {{&d->edge[i], "series", i % 2}};
        SDL_Color color[] = {log ? THEME_ACCENT : THEME_ACCENT_2};
        chart_spec spec = {.title = titles[i], .x_label = i == 2 ? NULL : "step", .log_y = log, .lines = l,
                           .n_lines = 1, .x_max_hint = i == 0 ? 4690 : 0};
        put(c, shelf(c, 488, 170), &spec, color);
    }
}

/* Legends: in the title row, in a box (a long title), none (no room), a
 * line without a series, one without a label, a fixed log range, 16 lines. */
static void scene_legends(canvas *c, const demo_data *d)
{
    chart_line two[] = {{&d->heldout, "held out", 1}, {NULL, "missing", 0}, {&d->test, "", 1}};
    SDL_Color two_colors[] = {THEME_ACCENT_2, THEME_BAD, THEME_GOOD};
    chart_spec spec = {.title = "accuracy over the whole of training, a long title", .x_label = "step", .y_min = 0.4,
                       .y_max = 1, .lines = two, .n_lines = 3};
    put(c, shelf(c, 420, 200), &spec, two_colors);
    spec.y_min = 0.9;
    put(c, shelf(c, 420, 200), &spec, two_colors);
    spec.title = "short";
    put(c, shelf(c, 420, 200), &spec, two_colors);
    chart_line loss[] = {{&d->loss, "loss", 0}, {&d->smooth, "a very long legend label", 1}};
    SDL_Color loss_colors[] = {THEME_ACCENT, THEME_GOOD};
    chart_spec fixed = {.title = "loss, fixed 0.01..10", .x_label = "step", .log_y = 1, .y_min = 0.01, .y_max = 10,
                        .lines = loss, .n_lines = 2};
    put(c, shelf(c, 420, 300), &fixed, loss_colors);
    fixed.end_labels = 1;
    put(c, shelf(c, 420, 300), &fixed, loss_colors);
    chart_line many[N_MANY];
    SDL_Color many_colors[N_MANY];
    static char names[N_MANY][8];
    for (int i = 0; i < N_MANY; i++) {
        snprintf(names[i], sizeof names[i], "s%d", i);
        many[i] = (chart_line){&d->many[i], names[i], i % 3 == 0};
        many_colors[i] = THEME_DIGIT[i % 10];
    }
    chart_spec lots = {.title = "sixteen lines", .lines = many, .n_lines = 16};
    put(c, shelf(c, 600, 300), &lots, many_colors);
    lots.end_labels = 1;
    put(c, shelf(c, 600, 300), &lots, many_colors);
}

/* The loss chart at odd scales (the text stays at the canvas's scale):
 * none, NaN and huge fall back to 1 and 8; small ones still draw 1 px. */
static void scene_scales(canvas *c, const demo_data *d)
{
    const float scales[] = {0, NAN, -2, 0.3f, 0.5f, 0.7f, 1.3f, 3, 9, INFINITY};
    float keep = c->scale;
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        c->scale = scales[i];
        put_loss(c, shelf(c, 440, 200), d, 4690, "training loss");
        put_digits(c, shelf(c, 220, 200), d, 2);
    }
    c->scale = keep;
}

/* Inside a caller's clip rectangle (through a chart, past its edges); in
 * --check, put() tries its own clip instead. */
static void scene_clipped(canvas *c, const demo_data *d)
{
    SDL_Rect at[] = {shelf(c, 400, 200), shelf(c, 400, 200), shelf(c, 400, 200), shelf(c, 300, 120)};
    SDL_Rect clips[] = {{at[0].x + 50, at[0].y + 20, 200, 300}, {at[1].x - 10, at[1].y + 150, 500, 100},
                        {at[2].x + 100, at[2].y + 40, 50, 60}, {at[3].x + 400, at[3].y, 10, 10}};
    for (int i = 0; i < 4; i++) {
        SDL_RenderSetClipRect(c->r, &clips[i]);
        if (i % 2) put_digits(c, at[i], d, 7);
        else put_loss(c, at[i], d, 0, "clipped loss");
    }
    SDL_RenderSetClipRect(c->r, NULL);
}

/* More lines than CHART_MAX_LINES, with short labels that would all fit in
 * the title row. */
static void scene_too_many(canvas *c, const demo_data *d)
{
    static const char *names[N_MANY] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j",
                                        "k", "l", "m", "n", "o", "p", "q", "r", "s", "t"};
    chart_line many[N_MANY];
    SDL_Color colors[N_MANY];
    for (int i = 0; i < N_MANY; i++) many[i] = (chart_line){&d->many[i], names[i], 0}, colors[i] = THEME_DIGIT[i % 10];
    chart_spec spec = {.title = "twenty lines", .lines = many, .n_lines = N_MANY};
    put(c, shelf(c, 1380, 300), &spec, colors);
    spec.end_labels = 1;
    put(c, shelf(c, 1380, 300), &spec, colors);
}

typedef struct {
    const char *name;
    void (*draw)(canvas *, const demo_data *);
    int w, h;
    float scale;
    int builtin;        /* the built-in bitmap font instead of the TrueType one */
} scene;

static const scene SCENES[] = {
    {"window", scene_window, 1400, 720, 1, 0},       {"window_x1.5", scene_window, 2000, 1060, 1.5f, 0},
    {"window_x2", scene_window, 2700, 1410, 2, 0},    {"window_builtin", scene_window, 1400, 720, 1, 1},
    {"sizes", scene_sizes, 1400, 1120, 1, 0},         {"sizes_builtin", scene_sizes, 1400, 1120, 1, 1},
    {"big", scene_big, 1400, 500, 1, 0},              {"edges", scene_edges, 1000, 720, 1, 0},
    {"legends", scene_legends, 1400, 860, 1, 0},      {"legends_x2", scene_legends, 1400, 860, 2, 0},
    {"legends_builtin", scene_legends, 1400, 860, 1, 1},
    {"scales", scene_scales, 1400, 1100, 1, 0},      {"clipped", scene_clipped, 1400, 480, 1, 0},
    {"too_many", scene_too_many, 1400, 630, 1, 0},
};
#define N_SCENES (int)(sizeof SCENES / sizeof SCENES[0])

/* ---- running them ------------------------------------------------------------------ */

/* The TrueType font when there is one (the path found once), else the built-in. */
static ui_text *open_text(SDL_Renderer *r, const scene *sc)
{
    static char font[4096];
    static int looked, found;
    if (!looked) {
        char err[8192];
        looked = 1;
        found = text_find_font(font, sizeof font, err, sizeof err) == 0;
        if (!found) fprintf(stderr, "chart_demo: %s; the built-in font instead\n", err);
    }
    char err[256];
    ui_text *t = found && !sc->builtin ? text_create(r, font, sc->scale, err, sizeof err) : NULL;
    return t ? t : text_create_builtin(r, sc->scale);
}

static void close_scene(canvas *c)
{
    text_free(c->t);
    if (c->r) SDL_DestroyRenderer(c->r);
    SDL_FreeSurface(c->s);
    free(c->sentinel_row);
}

/* Draws (or, with check, checks) one scene; 0 or -1 on failure to start. */
static int run_scene(const scene *sc, const demo_data *d, int check, int stray, canvas *out)
{
    canvas c = {.scale = sc->scale, .check = check, .stray = stray, .scene = sc->name};
    c.s = SDL_CreateRGBSurfaceWithFormat(0, sc->w, sc->h, 32, SDL_PIXELFORMAT_ARGB8888);
    c.r = c.s ? SDL_CreateSoftwareRenderer(c.s) : NULL;
    c.t = c.r ? open_text(c.r, sc) : NULL;
    c.sentinel_row = check ? malloc((size_t)sc->w * sizeof *c.sentinel_row) : NULL;
    for (int x = 0; c.sentinel_row && x < sc->w; x++)
        c.sentinel_row[x] = SDL_MapRGBA(c.s->format, SENTINEL.r, SENTINEL.g, SENTINEL.b, 255);
    if (!c.t || (check && !c.sentinel_row)) {
        fprintf(stderr, "chart_demo: %s: %s\n", sc->name, SDL_GetError());
        close_scene(&c);
        return -1;
    }
    SDL_SetRenderDrawColor(c.r, THEME_BG.r, THEME_BG.g, THEME_BG.b, 255);
    SDL_RenderClear(c.r);
    sc->draw(&c, d);
    SDL_RenderFlush(c.r);
    *out = c;
    return 0;
}

static int render_all(const char *dir, const demo_data *d)
{
    int rc = 0;
    for (int i = 0; i < N_SCENES; i++) {
        canvas c;
        if (run_scene(&SCENES[i], d, 0, 0, &c) != 0) return 1;
        char path[4096];
        snprintf(path, sizeof path, "%s/chart_%s.bmp", dir, SCENES[i].name);
        if (SDL_SaveBMP(c.s, path) != 0) {
            fprintf(stderr, "chart_demo: cannot save %s: %s\n", path, SDL_GetError());
            rc = 1;
        } else {
            printf("wrote %s\n", path);
        }
        close_scene(&c);
    }
    return rc;
}

/* Pixels that differ between two images of one scene, with where the first
 * one is and the box around all of them; -1 if either cannot be read. */
static long compare_one(const char *a_dir, const char *b_dir, const char *name)
{
    char pa[4096], pb[4096];
    snprintf(pa, sizeof pa, "%s/chart_%s.bmp", a_dir, name);
    snprintf(pb, sizeof pb, "%s/chart_%s.bmp", b_dir, name);
    SDL_Surface *la = SDL_LoadBMP(pa), *lb = SDL_LoadBMP(pb);
    SDL_Surface *a = la ? SDL_ConvertSurfaceFormat(la, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
    SDL_Surface *b = lb ? SDL_ConvertSurfaceFormat(lb, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
    long diff = -1;
    if (!a || !b || a->w != b->w || a->h != b->h) {
        fprintf(stderr, "chart_demo: cannot compare %s with %s: %s\n", pa, pb,
                a && b ? "sizes differ" : SDL_GetError());
    } else {
        int x0 = a->w, y0 = a->h, x1 = -1, y1 = -1;
        diff = 0;
        for (int y = 0; y < a->h; y++)
            for (int x = 0; x < a->w; x++)
                if (pixel(a, x, y) != pixel(b, x, y)) {
                    diff++;
                    x0 = x < x0 ? x : x0, y0 = y < y0 ? y : y0, x1 = x > x1 ? x : x1, y1 = y > y1 ? y : y1;
                }
        printf("%-16s %dx%d: %ld pixels differ", name, a->w, a->h, diff);
        if (diff) printf(" within %d,%d..%d,%d", x0, y0, x1, y1);
        printf("\n");
    }
    SDL_FreeSurface(la), SDL_FreeSurface(lb), SDL_FreeSurface(a), SDL_FreeSurface(b);
    return diff;
}

static int compare_all(const char *a_dir, const char *b_dir)
{
    int rc = 0;
    for (int i = 0; i < N_SCENES; i++) rc |= compare_one(a_dir, b_dir, SCENES[i].name) != 0;
    printf(rc ? "the images differ\n" : "identical\n");
    return rc;
}

/* Every chart of every scene checked on its own; first a self-check that a
 * pixel drawn outside a chart is caught, so the check can fail. */
static int check_all(const demo_data *d)
{
    canvas c;
    if (run_scene(&SCENES[0], d, 1, 1, &c) != 0) return 1;
    close_scene(&c);
    if (c.failures < c.charts || c.charts == 0) {
        fprintf(stderr, "chart_demo: the self-check's stray pixels went unnoticed (%d of %d)\n", c.failures, c.charts);
        return 1;
    }
    printf("self-check: stray pixels caught in all %d charts\n", c.charts);
    int failures = 0, charts = 0;
    for (int i = 0; i < N_SCENES; i++) {
        if (run_scene(&SCENES[i], d, 1, 0, &c) != 0) return 1;
        close_scene(&c);
        failures += c.failures, charts += c.charts;
    }
    printf("%d charts in %d scenes, each alone and in a caller's clip rectangle: %d failure(s)\n", charts, N_SCENES,
           failures);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    int check = argc == 2 && strcmp(argv[1], "--check") == 0, compare = argc == 4 && strcmp(argv[1], "--compare") == 0;
    if (!check && !compare && (argc != 2 || argv[1][0] == '-')) {
        fprintf(stderr, "usage: chart_demo DIR | --compare DIR_A DIR_B | --check\n");
        return 2;
    }
    if (SDL_Init(0) != 0) {
        fprintf(stderr, "chart_demo: %s\n", SDL_GetError());
        return 1;
    }
    int rc;
    if (compare) {
        rc = compare_all(argv[2], argv[3]);
    } else {
        demo_data d;
        make_data(&d);
        rc = check ? check_all(&d) : render_all(argv[1], &d);
        free_data(&d);
    }
    SDL_Quit();
    return rc;
}

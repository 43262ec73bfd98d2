/* A manual look at the charts (not a test, not in meson.build): renders a
 * loss chart (3000 noisy steps, raw faint + smoothed bold, log y) and an
 * accuracy chart (0.9..1.0) at scale 1, the same at scale 2, an empty
 * chart, 100k points and a few tiny sizes into PNGs, with a software
 * renderer on a surface, so no display is needed.
 *
 * Build and run from the source root:
 *   cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Iapp tests/chart_demo.c \
 *      app/chart.c app/chart_scale.c app/text.c -o /tmp/chart_demo \
 *      $(pkg-config --cflags --libs sdl2 SDL2_ttf SDL2_image fontconfig) -lm
 *   /tmp/chart_demo /tmp        # writes /tmp/chart_*.png
 *   xvfb-run -a /tmp/chart_demo /tmp --window
 *                               # the same through a window's own (GL) renderer
 */
#include "chart.h"
#include "text.h"
#include "theme.h"

#include <SDL_image.h>
#include <SDL_ttf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned rng_state = 12345;
static double uniform(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return ((rng_state >> 8) + 0.5) / 16777216.0;
}

typedef struct {
    chart_series loss, smooth, heldout, test;
} curves;

/* A training run: loss decaying from 2.3 with multiplicative noise and a
 * few spikes; accuracy on 1k images every 100 steps, on 10k per epoch. */
static void make_curves(curves *c, int steps, int steps_per_epoch)
{
    chart_series_init(&c->loss);
    chart_series_init(&c->smooth);
    chart_series_init(&c->heldout);
    chart_series_init(&c->test);
    chart_ema ema = {.alpha = 0.05f};
    for (int s = 1; s <= steps; s++) {
        double t = (double)s / 3000.0;
        double base = 0.025 + 2.28 * exp(-t * 9) + 0.08 * exp(-t * 1.5);
        double noise = exp((uniform() - 0.5) * 1.1 + (uniform() < 0.004 ? 1.5 : 0));
        float loss = (float)(base * noise);
        chart_series_add(&c->loss, (float)s, loss);
        chart_series_add(&c->smooth, (float)s, chart_ema_add(&ema, loss));
        if (s % 100 == 0) {
            double acc = 0.993 - 0.6 * exp(-t * 14) - 0.004 * uniform();
            chart_series_add(&c->heldout, (float)s, (float)acc);
        }
        if (s % steps_per_epoch == 0)
            chart_series_add(&c->test, (float)s, (float)(0.9935 - 0.05 * exp(-t * 6) - 0.001 * uniform()));
    }
}

static void free_curves(curves *c)
{
    chart_series_free(&c->loss);
    chart_series_free(&c->smooth);
    chart_series_free(&c->heldout);
    chart_series_free(&c->test);
}

static SDL_Color mix(SDL_Color a, SDL_Color b, float t)
{
    SDL_Color c = {(Uint8)(a.r + (b.r - a.r) * t), (Uint8)(a.g + (b.g - a.g) * t), (Uint8)(a.b + (b.b - a.b) * t),
                   255};
    return c;
}

/* Both charts side by side, as the window lays them out. */
static void draw_pair(SDL_Renderer *r, ui_text *t, const curves *c, SDL_Rect area, float scale, double total,
                      int empty)
{
    static const chart_series none;
    int pad = (int)lroundf(8 * scale);
    int lw = (area.w - pad) * 58 / 100;
    SDL_Rect a = {area.x, area.y, lw, area.h};
    SDL_Rect b = {area.x + lw + pad, area.y, area.w - lw - pad, area.h};
    chart_line loss_lines[] = {
        {empty ? &none : &c->loss, mix(THEME_PANEL, THEME_ACCENT, 0.45f), "loss", 0},
        {empty ? &none : &c->smooth, THEME_ACCENT, "smoothed", 1},
    };
    chart_spec loss = {.title = "training loss (cross-entropy)", .x_label = "step", .log_y = 1,
                       .x_max_hint = total, .lines = loss_lines, .n_lines = 2,
                       .empty_text = "press Train to watch the network learn"};
    chart_draw(r, t, a, &loss, scale);
    chart_line acc_lines[] = {
        {empty ? &none : &c->heldout, THEME_ACCENT_2, "test, 1k images", 1},
        {empty ? &none : &c->test, THEME_GOOD, "test, all 10k (per epoch)", 1},
    };
    chart_spec acc = {.title = "accuracy", .x_label = "step", .y_min = 0.9, .y_max = 1.0, .x_max_hint = total,
                      .lines = acc_lines, .n_lines = 2, .empty_text = "accuracy appears as training runs"};
    chart_draw(r, t, b, &acc, scale);
}

/* With --window, everything is drawn by a hidden window's renderer and
 * read back before saving; otherwise by a software renderer on a surface. */
static SDL_Window *window;

static int save(SDL_Renderer *sr, SDL_Surface *s, const char *dir, const char *name)
{
    char path[4096];
    if (window) {   /* read the back buffer before any present */
        SDL_Renderer *r = SDL_GetRenderer(window);
        if (SDL_RenderReadPixels(r, NULL, s->format->format, s->pixels, s->pitch) != 0) {
            fprintf(stderr, "chart_demo: cannot read pixels: %s\n", SDL_GetError());
            return -1;
        }
        SDL_RenderPresent(r);
    } else {
        SDL_RenderFlush(sr);
    }
    snprintf(path, sizeof path, "%s/chart_%s.png", dir, name);
    if (IMG_SavePNG(s, path) != 0) {
        fprintf(stderr, "chart_demo: cannot save %s: %s\n", path, IMG_GetError());
        return -1;
    }
    printf("wrote %s\n", path);
    return 0;
}

/* A fresh surface + software renderer of w×h, cleared to the background. */
static SDL_Renderer *canvas(SDL_Surface **surf, int w, int h)
{
    *surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!*surf) return NULL;
    SDL_Renderer *r;
    if (window) {
        SDL_SetWindowSize(window, w, h);
        r = SDL_GetRenderer(window);
        SDL_RenderSetClipRect(r, NULL);
    } else {
        r = SDL_CreateSoftwareRenderer(*surf);
    }
    if (!r) return NULL;
    SDL_SetRenderDrawColor(r, THEME_BG.r, THEME_BG.g, THEME_BG.b, 255);
    SDL_RenderClear(r);
    return r;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    int use_window = argc > 2 && strcmp(argv[2], "--window") == 0;
    if (SDL_Init(use_window ? SDL_INIT_VIDEO : 0) != 0 || TTF_Init() != 0) {
        fprintf(stderr, "chart_demo: %s\n", SDL_GetError());
        return 1;
    }
    if (use_window) {
        window = SDL_CreateWindow("chart_demo", 0, 0, 2000, 1000, SDL_WINDOW_HIDDEN);
        SDL_Renderer *wr = window ? SDL_CreateRenderer(window, -1, 0) : NULL;
        SDL_RendererInfo info;
        if (!wr || SDL_GetRendererInfo(wr, &info) != 0) {
            fprintf(stderr, "chart_demo: no window renderer: %s\n", SDL_GetError());
            return 1;
        }
        printf("renderer: %s\n", info.name);
    }
    char font[4096], err[8192];
    if (text_find_font(font, sizeof font, err, sizeof err) != 0) {
        fprintf(stderr, "chart_demo: %s\n", err);
        return 1;
    }
    printf("font: %s\n", font);

    curves mid, done;
    make_curves(&mid, 3000, 938);    /* three epochs into five */
    make_curves(&done, 4690, 938);

    SDL_Surface *s;
    SDL_Renderer *r;
    ui_text *t;
    int rc = 0;

    /* 1. scale 1: training in progress, finished, empty. */
    r = canvas(&s, 1000, 3 * 230 + 4 * 8);
    t = text_create(r, font, 1.0f, err, sizeof err);
    if (!r || !t) {
        fprintf(stderr, "chart_demo: %s\n", t ? SDL_GetError() : err);
        return 1;
    }
    draw_pair(r, t, &mid, (SDL_Rect){8, 8, 984, 230}, 1.0f, 4690, 0);
    draw_pair(r, t, &done, (SDL_Rect){8, 8 + 238, 984, 230}, 1.0f, 4690, 0);
    draw_pair(r, t, &mid, (SDL_Rect){8, 8 + 2 * 238, 984, 230}, 1.0f, 0, 1);
    rc |= save(r, s, dir, "scale1");
    text_free(t);
    if (!window) SDL_DestroyRenderer(r);
    SDL_FreeSurface(s);

    /* 2. scale 2 (HiDPI). */
    r = canvas(&s, 2000, 2 * 460 + 3 * 16);
    t = text_create(r, font, 2.0f, err, sizeof err);
    draw_pair(r, t, &mid, (SDL_Rect){16, 16, 1968, 460}, 2.0f, 4690, 0);
    draw_pair(r, t, &done, (SDL_Rect){16, 16 + 476, 1968, 460}, 2.0f, 0, 0);
    rc |= save(r, s, dir, "scale2");
    text_free(t);
    if (!window) SDL_DestroyRenderer(r);
    SDL_FreeSurface(s);

    /* 3. small and tiny sizes; the red frame around each must stay clean. */
    r = canvas(&s, 1000, 260);
    t = text_create(r, font, 1.0f, err, sizeof err);
    int sizes[][2] = {{20, 10}, {60, 30}, {120, 60}, {200, 90}, {320, 130}, {420, 150}};
    int x = 10;
    for (int i = 0; i < 6; i++) {
        SDL_Rect frame = {x - 1, 49, sizes[i][0] + 2, sizes[i][1] + 2};
        SDL_SetRenderDrawColor(r, 255, 0, 0, 255);
        SDL_RenderDrawRect(r, &frame);
        SDL_SetRenderDrawColor(r, THEME_BG.r, THEME_BG.g, THEME_BG.b, 255);
        chart_line l[] = {{&mid.loss, mix(THEME_PANEL, THEME_ACCENT, 0.45f), "loss", 0},
                          {&mid.smooth, THEME_ACCENT, "smoothed", 1}};
        chart_spec spec = {.title = "training loss", .x_label = "step", .log_y = 1, .lines = l, .n_lines = 2};
        chart_draw(r, t, (SDL_Rect){x, 50, sizes[i][0], sizes[i][1]}, &spec, 1.0f);
        x += sizes[i][0] + 12;
    }
    /* Clipping inside a caller's clip rectangle: only the left half shows. */
    SDL_Rect outer = {10, 200, 150, 50};
    SDL_RenderSetClipRect(r, &outer);
    chart_line l1[] = {{&mid.smooth, THEME_ACCENT, "smoothed", 1}};
    chart_spec s1 = {.title = "clipped", .lines = l1, .n_lines = 1, .log_y = 1};
    chart_draw(r, t, (SDL_Rect){10, 200, 300, 50}, &s1, 1.0f);
    SDL_Rect after;
    SDL_RenderGetClipRect(r, &after);
    if (!SDL_RenderIsClipEnabled(r) || after.x != outer.x || after.w != outer.w) {
        fprintf(stderr, "chart_demo: the caller's clip rectangle was not restored\n");
        rc = 1;
    }
    SDL_RenderSetClipRect(r, NULL);
    rc |= save(r, s, dir, "tiny");
    text_free(t);
    if (!window) SDL_DestroyRenderer(r);
    SDL_FreeSurface(s);

    /* 4. 100k points (and a NaN gap, a zero on the log axis): timing. */
    chart_series big, big_s;
    chart_series_init(&big);
    chart_series_init(&big_s);
    chart_ema ema = {.alpha = 0.01f};
    for (int i = 1; i <= 100000; i++) {
        double t01 = i / 100000.0;
        float v = (float)((0.02 + 2.3 * exp(-t01 * 12)) * exp((uniform() - 0.5) * 1.2));
        if (i == 50000) v = NAN;
        if (i == 70000) v = 0;
        if (i == 80000) v = 40;   /* a spike must stay visible */
        chart_series_add(&big, (float)i, v);
        chart_series_add(&big_s, (float)i, chart_ema_add(&ema, v));
    }
    r = canvas(&s, 800, 260);
    t = text_create(r, font, 1.0f, err, sizeof err);
    chart_line bl[] = {{&big, mix(THEME_PANEL, THEME_ACCENT, 0.45f), "loss", 0},
                       {&big_s, THEME_ACCENT, "smoothed", 1}};
    chart_spec bs = {.title = "100k points", .x_label = "step", .log_y = 1, .lines = bl, .n_lines = 2};
    Uint64 t0 = SDL_GetPerformanceCounter();
    for (int i = 0; i < 20; i++) {
        chart_draw(r, t, (SDL_Rect){8, 8, 784, 244}, &bs, 1.0f);
        SDL_RenderFlush(r);
    }
    double ms = (double)(SDL_GetPerformanceCounter() - t0) * 1000.0 / (double)SDL_GetPerformanceFrequency() / 20;
    printf("100k points: %.2f ms per chart, drawn\n", ms);
    rc |= save(r, s, dir, "100k");
    text_free(t);
    if (!window) SDL_DestroyRenderer(r);
    SDL_FreeSurface(s);
    chart_series_free(&big);
    chart_series_free(&big_s);

    /* 5. edge cases: the first few steps, one point, a flat loss, a linear
     * y from data, NaN/inf/negative values on a log axis, huge x, tiny y. */
    r = canvas(&s, 1000, 3 * 170 + 4 * 8);
    t = text_create(r, font, 1.0f, err, sizeof err);
    chart_series e[6];
    for (int i = 0; i < 6; i++) chart_series_init(&e[i]);
    for (int i = 1; i <= 8; i++) chart_series_add(&e[0], (float)(i * 10), (float)(2.3 - 0.1 * i));
    chart_series_add(&e[1], 0, 2.3f);
    for (int i = 0; i < 100; i++) chart_series_add(&e[2], (float)i, 0.5f);
    for (int i = 0; i < 12; i++) chart_series_add(&e[3], (float)(i * 100), (float)(0.97 - 0.87 * exp(-i * 0.6)));
    float odd[] = {1.0f, 0.5f, NAN, 0.3f, INFINITY, 0.2f, -1.0f, 0.15f, 0.0f, 0.1f};
    for (int i = 0; i < 10; i++) chart_series_add(&e[4], (float)i, odd[i]);
    for (int i = 0; i <= 2000; i++)
        chart_series_add(&e[5], (float)(i * 5000.0), (float)(3e-5 * exp(-i / 700.0) + 1e-6));
    const char *titles[] = {"first steps (hint 4690)", "one point", "flat loss 0.5", "linear y from data",
                            "NaN, inf, -1 and 0 on a log axis", "10M steps, loss 1e-6..3e-5"};
    for (int i = 0; i < 6; i++) {
        chart_line l[] = {{&e[i], i == 3 ? THEME_ACCENT_2 : THEME_ACCENT, "series", 1}};
        chart_spec spec = {.title = titles[i], .x_label = "step", .log_y = i != 3, .lines = l, .n_lines = 1,
                           .x_max_hint = i == 0 ? 4690 : 0};
        chart_draw(r, t, (SDL_Rect){8 + (i % 2) * 496, 8 + (i / 2) * 178, 488, 170}, &spec, 1.0f);
    }
    rc |= save(r, s, dir, "edge");
    for (int i = 0; i < 6; i++) chart_series_free(&e[i]);
    text_free(t);
    if (!window) SDL_DestroyRenderer(r);
    SDL_FreeSurface(s);

    free_curves(&mid);
    free_curves(&done);
    if (window) {
        SDL_DestroyRenderer(SDL_GetRenderer(window));
        SDL_DestroyWindow(window);
    }
    TTF_Quit();
    SDL_Quit();
    return rc ? 1 : 0;
}

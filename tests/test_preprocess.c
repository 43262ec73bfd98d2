/* The MNIST recipe: centre of mass, size, aspect, invariance to where and
 * how big the digit is drawn, and "no digit" detection; stroke-width
 * normalization (the automatic brush) against MNIST and the shipped model. */
#include "check.h"
#include "common.h"
#include "digits.h"
#include "mnist.h"
#include "model_io.h"
#include "net.h"
#include "preprocess.h"
#include "strokes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N DP_CANVAS
#define S DP_INPUT
static float canvas[N * N];

/* Deterministic LCG so failures reproduce. */
static unsigned long long rng_state = 2024;
static float rnd(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)(rng_state >> 40) / 16777216.0f;
}

typedef struct {
    int x0, y0, x1, y1;   /* inclusive; x1 < x0 when empty */
} box;

static box ink_box(const float *img, int w, int h, float t)
{
    box b = {w, h, -1, -1};
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (img[y * w + x] > t) {
                b.x0 = x < b.x0 ? x : b.x0;
                b.x1 = x > b.x1 ? x : b.x1;
                b.y0 = y < b.y0 ? y : b.y0;
                b.y1 = y > b.y1 ? y : b.y1;
            }
    return b;
}

static int in_unit_range(const float *v, int n)
{
    for (int i = 0; i < n; i++)
        if (!(v[i] >= 0 && v[i] <= 1)) return 0;
    return 1;
}

/* Adds a polyline given in unit coordinates, resampled every ~2 canvas
 * pixels like mouse input, scaled by `size` and moved to (ox, oy). */
static void add_shape(dp_strokes *s, const float (*pts)[2], int n, float size, float ox, float oy)
{
    dp_strokes_begin(s);
    for (int i = 0; i + 1 < n; i++) {
        float ax = ox + size * pts[i][0], ay = oy + size * pts[i][1];
        float bx = ox + size * pts[i + 1][0], by = oy + size * pts[i + 1][1];
        int steps = 1 + (int)(hypotf(bx - ax, by - ay) / 2);
        for (int k = 0; k < steps; k++)
            dp_strokes_add_point(s, ax + (bx - ax) * k / steps, ay + (by - ay) * k / steps);
    }
    dp_strokes_add_point(s, ox + size * pts[n - 1][0], oy + size * pts[n - 1][1]);
}

static const float seven[][2] = {{0.15f, 0.1f}, {0.85f, 0.1f}, {0.7f, 0.4f}, {0.45f, 0.95f}};
static const float two[][2] = {{0.2f, 0.3f},  {0.3f, 0.12f}, {0.5f, 0.05f}, {0.7f, 0.12f}, {0.8f, 0.3f},
                               {0.7f, 0.5f},  {0.4f, 0.75f}, {0.2f, 0.95f}, {0.85f, 0.95f}};
static const float one[][2] = {{0.5f, 0.05f}, {0.5f, 0.95f}};

/* Draws one shape at the given size/place with a brush proportional to it. */
static void draw_shape(const float (*pts)[2], int n, float size, float ox, float oy)
{
    dp_strokes s;
    dp_strokes_init(&s);
    add_shape(&s, pts, n, size, ox, oy);
    dp_rasterize(canvas, &s, size * 0.1f);
    dp_strokes_free(&s);
}

/* A plain 10× box downscale: what the network would see without the recipe. */
static void box_downscale(float *out, const float *img)
{
    for (int j = 0; j < S; j++)
        for (int i = 0; i < S; i++) {
            float sum = 0;
            for (int y = 0; y < 10; y++)
                for (int x = 0; x < 10; x++) sum += img[(j * 10 + y) * N + i * 10 + x];
            out[j * S + i] = sum / 100;
        }
}

static void diff_stats(const float *a, const float *b, double *mean, double *max)
{
    *mean = *max = 0;
    for (int i = 0; i < S * S; i++) {
        double d = fabs(a[i] - b[i]);
        *mean += d / (S * S);
        *max = fmax(*max, d);
    }
}

static void test_center_of_mass(void)
{
    float img[4 * 3] = {0};
    float cx, cy;
    CHECK(dp_center_of_mass(img, 4, 3, &cx, &cy) == 0 && cx == 1.5f && cy == 1.0f, "empty image: %g %g", cx,
          cy);
    img[0 * 4 + 1] = 1;   /* (1,0) */
    img[2 * 4 + 3] = 3;   /* (3,2) */
    float m = dp_center_of_mass(img, 4, 3, &cx, &cy);
    CHECK(m == 4 && fabsf(cx - 2.5f) < 1e-6f && fabsf(cy - 1.5f) < 1e-6f, "mass %g com %g %g", m, cx, cy);
    CHECK(dp_center_of_mass(img, 4, 3, NULL, NULL) == 4, "NULL outputs");
}

/* Random scribbles at random places and sizes: the output's centre of mass
 * must sit on (14,14) and the longer side of its ink must be ~20 px. */
static void test_random_drawings(void)
{
    float out[S * S];
    double worst_com = 0;
    int worst_side = 20, digits = 0, clipped = 0;
    for (int trial = 0; trial < 200; trial++) {
        dp_strokes s;
        dp_strokes_init(&s);
        float size = 30 + rnd() * 230, ox = rnd() * (N - size), oy = rnd() * (N - size);
        float sx = size * (0.3f + 0.7f * rnd()), sy = size * (0.3f + 0.7f * rnd());
        int strokes = 1 + (int)(rnd() * 3);
        for (int k = 0; k < strokes; k++) {
            dp_strokes_begin(&s);
            float x = rnd(), y = rnd(), vx = rnd() - 0.5f, vy = rnd() - 0.5f;
            int n = 2 + (int)(rnd() * 100);
            for (int i = 0; i < n; i++) {
                vx += (rnd() - 0.5f) * 0.1f, vy += (rnd() - 0.5f) * 0.1f;
                x = fminf(fmaxf(x + 0.03f * vx, 0), 1), y = fminf(fmaxf(y + 0.03f * vy, 0), 1);
                dp_strokes_add_point(&s, ox + sx * x, oy + sy * y);
            }
        }
        dp_rasterize(canvas, &s, 6 + rnd() * 24);
        dp_strokes_free(&s);
        dp_prep_info info;
        int rc = dp_preprocess(out, canvas, N, N, &info);
        if (rc != 1) {
            CHECK(rc == 0 && info.ink < DP_MIN_INK, "trial %d: rc %d with ink %g", trial, rc, info.ink);
            continue;
        }
        digits++;
        CHECK(in_unit_range(out, S * S), "trial %d: output outside [0,1]", trial);
        float cx, cy;
        dp_center_of_mass(out, S, S, &cx, &cy);
        double err = fmax(fabs(cx - 14), fabs(cy - 14));
        worst_com = fmax(worst_com, err);
        CHECK(err < 0.05, "trial %d: centre of mass (%.3f, %.3f)", trial, cx, cy);
        /* Area-averaging keeps the ink (scaled by s²) unless part of the
         * drawing fell outside 28×28: a scribble with a long faint tail,
         * whose centre of mass is far from its box's middle. That clipping
         * is the recipe (MNIST digits touch the border too), and the box
         * is then smaller than 20 px, so only unclipped drawings are sized. */
        int src_side = info.x1 - info.x0 > info.y1 - info.y0 ? info.x1 - info.x0 + 1 : info.y1 - info.y0 + 1;
        double scale = (double)DP_FIT / src_side, kept = dp_center_of_mass(out, S, S, NULL, NULL);
        if (kept < 0.995 * info.ink * scale * scale) {
            clipped++;
            continue;
        }
        box b = ink_box(out, S, S, 0.05f);
        int side = b.x1 - b.x0 > b.y1 - b.y0 ? b.x1 - b.x0 + 1 : b.y1 - b.y0 + 1;
        if (abs(side - 20) > abs(worst_side - 20)) worst_side = side;
        CHECK(side >= 20 && side <= 21, "trial %d: longer side %d px", trial, side);
    }
    CHECK(digits > 150, "only %d of 200 drawings were digits", digits);
    CHECK(clipped <= 10, "%d of %d drawings were clipped", clipped, digits);
    printf("random drawings: %d digits (%d clipped), worst centre-of-mass error %.4f px, "
           "worst longer side %d px\n", digits, clipped, worst_com, worst_side);
}

/* The same shape small in a corner and large in the middle gives nearly the
 * same 28×28; a plain downscale does not (so the thresholds can catch a
 * broken crop, scale or shift). */
static void test_invariance(const char *name, const float (*pts)[2], int n)
{
    float small[S * S], large[S * S], plain_small[S * S], plain_large[S * S];
    draw_shape(pts, n, 0.3f * N, 8, 10);
    CHECK(dp_preprocess(small, canvas, N, N, NULL) == 1, "%s small: no digit", name);
    box_downscale(plain_small, canvas);
    draw_shape(pts, n, 0.9f * N, 0.05f * N, 0.05f * N);
    CHECK(dp_preprocess(large, canvas, N, N, NULL) == 1, "%s large: no digit", name);
    box_downscale(plain_large, canvas);

    double mean, max, plain_mean, plain_max;
    diff_stats(small, large, &mean, &max);
    diff_stats(plain_small, plain_large, &plain_mean, &plain_max);
    printf("%s small vs large: mean |diff| %.4f, max %.3f (plain downscale: %.4f, %.3f)\n", name, mean, max,
           plain_mean, plain_max);
    /* measured: mean ~0.001, max ~0.02 (anti-aliasing at the two scales) */
    CHECK(mean < 0.005 && max < 0.08, "%s: small and large differ: mean %.4f max %.3f", name, mean, max);
    CHECK(!(plain_mean < 0.005 && plain_max < 0.08), "%s: the thresholds would pass a plain downscale", name);
}

static void test_no_digit(void)
{
    float out[S * S];
    dp_prep_info info;
    memset(canvas, 0, sizeof canvas);
    for (int i = 0; i < S * S; i++) out[i] = 0.5f;
    CHECK(dp_preprocess(out, canvas, N, N, &info) == 0 && info.ink == 0, "empty canvas is a digit");
    CHECK(ink_box(out, S, S, 0).x1 < 0, "empty canvas: output not zeroed");

    dp_strokes s;
    dp_strokes_init(&s);
    dp_strokes_add_point(&s, 200, 30);
    dp_rasterize(canvas, &s, 5);   /* a click: ~25 pixels of ink */
    for (int i = 0; i < S * S; i++) out[i] = 0.5f;
    CHECK(dp_preprocess(out, canvas, N, N, &info) == 0, "a speck of %g ink is a digit", info.ink);
    CHECK(info.ink > 0 && info.ink < DP_MIN_INK, "speck ink %g", info.ink);
    CHECK(ink_box(out, S, S, 0).x1 < 0, "speck: output not zeroed");

    /* faint haze everywhere: plenty of ink in total, none above the threshold */
    for (int i = 0; i < N * N; i++) canvas[i] = 0.04f;
    CHECK(dp_preprocess(out, canvas, N, N, &info) == 0, "faint haze is a digit");
    /* NaN anywhere: no digit rather than garbage */
    draw_shape(seven, 4, 200, 40, 40);
    canvas[5] = NAN;
    CHECK(dp_preprocess(out, canvas, N, N, NULL) == 0 && ink_box(out, S, S, 0).x1 < 0, "NaN input");
    dp_strokes_free(&s);

    CHECK(dp_preprocess(out, canvas, 0, N, NULL) == -1 && strstr(dp_error(), "preprocess"), "zero width");
    CHECK(dp_preprocess(out, NULL, N, N, NULL) == -1, "NULL image");

    /* A failure leaves info defined (an empty box, no ink), never what was
     * in the caller's variable before: the window draws from it. */
    memset(&info, 0x7f, sizeof info);
    CHECK(dp_preprocess(out, NULL, N, N, &info) == -1 && info.x1 < info.x0 && info.ink == 0,
          "a failed preparation leaves info undefined: box %d..%d, ink %g", info.x0, info.x1, info.ink);
    dp_strokes line;
    dp_strokes_init(&line);
    dp_strokes_add_point(&line, 100, 100);
    dp_strokes_add_point(&line, 150, 180);
    memset(&info, 0x7f, sizeof info);
    CHECK(dp_strokes_to_input(NULL, canvas, &line, DP_BRUSH_AUTO, &info) == -1 && info.x1 < info.x0 && info.ink == 0,
          "strokes to a NULL input: info not defined: box %d..%d, ink %g", info.x0, info.x1, info.ink);
    dp_strokes_free(&line);
}

/* A tall thin "1" keeps its aspect: ~20 px high, a few px wide. */
static void test_aspect(void)
{
    float out[S * S];
    dp_prep_info info;
    draw_shape(one, 2, 200, 30, 40);   /* brush 20, 200 px tall */
    CHECK(dp_preprocess(out, canvas, N, N, &info) == 1, "1: no digit");
    box b = ink_box(out, S, S, 0.05f);
    int bw = b.x1 - b.x0 + 1, bh = b.y1 - b.y0 + 1;
    CHECK(bh >= 20 && bh <= 21 && bw >= 2 && bw <= 4, "1: output box %dx%d", bw, bh);
    /* the source box: pixels whose centre is within 10.45 px of the stroke
     * x = 130, y = 50..230 (coverage above 0.05) */
    CHECK(info.x0 == 120 && info.x1 == 139 && info.y0 == 40 && info.y1 == 239, "1: source box %d,%d..%d,%d",
          info.x0, info.y0, info.x1, info.y1);
    CHECK(fabsf(info.com_x - 129.5f) < 0.01f && fabsf(info.com_y - 139.5f) < 0.01f, "1: source com %g %g",
          info.com_x, info.com_y);

    /* a thin horizontal line (very wide): 20 px wide, one or two high */
    dp_strokes s;
    dp_strokes_init(&s);
    dp_strokes_add_point(&s, 20, 100);
    dp_strokes_add_point(&s, 260, 100);
    dp_rasterize(canvas, &s, 3);
    dp_strokes_free(&s);
    CHECK(dp_preprocess(out, canvas, N, N, NULL) == 1, "line: no digit");
    b = ink_box(out, S, S, 0.05f);
    bw = b.x1 - b.x0 + 1, bh = b.y1 - b.y0 + 1;
    CHECK(bw >= 20 && bw <= 21 && bh >= 1 && bh <= 2, "line: output box %dx%d", bw, bh);
    CHECK(in_unit_range(out, S * S), "line: output outside [0,1]");
    float cx, cy;
    dp_center_of_mass(out, S, S, &cx, &cy);
    CHECK(fabsf(cx - 14) < 0.05f && fabsf(cy - 14) < 0.05f, "line: centre of mass %g %g", cx, cy);
}

/* Other image sizes: small and non-square, and one big enough to take the
 * allocating path; the result matches the canvas version. */
static void test_sizes(void)
{
    float ref[S * S], out[S * S];
    draw_shape(two, 9, 200, 40, 30);
    CHECK(dp_preprocess(ref, canvas, N, N, NULL) == 1, "2: no digit");

    static float big[1500 * 1100];
    memset(big, 0, sizeof big);
    for (int y = 0; y < N; y++)   /* the canvas at (1100, 700) */
        memcpy(big + (size_t)(y + 700) * 1500 + 1100, canvas + y * N, N * sizeof(float));
    CHECK(dp_preprocess(out, big, 1500, 1100, NULL) == 1, "big image: %s", dp_error());
    double mean, max;
    diff_stats(ref, out, &mean, &max);
    CHECK(max < 1e-4, "big image differs from the canvas by %g", max);

    /* a 40×30 image holding a small blob (upscaling: s > 1) */
    float tiny[40 * 30] = {0};
    for (int y = 10; y < 22; y++)
        for (int x = 5; x < 13; x++) tiny[y * 40 + x] = 1;
    CHECK(dp_preprocess(out, tiny, 40, 30, NULL) == 1, "tiny image");
    box b = ink_box(out, S, S, 0.05f);
    float cx, cy;
    dp_center_of_mass(out, S, S, &cx, &cy);
    CHECK(b.y1 - b.y0 + 1 >= 20 && b.y1 - b.y0 + 1 <= 21 && fabsf(cx - 14) < 0.05f && fabsf(cy - 14) < 0.05f,
          "upscaled blob: height %d com %g %g", b.y1 - b.y0 + 1, cx, cy);
}

/* ---- stroke-width normalization ---- */

/* A digit's stroke width in the 28×28 input: 2 * ink / perimeter, the
 * perimeter being the total variation of the image (by the coarea formula,
 * the mean perimeter of its level sets), measured on the dual grid of 2×2
 * cells so diagonal edges count their true length. A long stroke of width w
 * gives w; round ends and crossings make it a little less. */
static double stroke_width(const float *img)
{
    double ink = 0, tv = 0;
    for (int i = 0; i < S * S; i++) ink += img[i];
    for (int y = -1; y < S; y++)
        for (int x = -1; x < S; x++) {
            double v[4];
            for (int k = 0; k < 4; k++) {
                int xx = x + (k & 1), yy = y + (k >> 1);
                v[k] = xx < 0 || yy < 0 || xx >= S || yy >= S ? 0.0 : img[yy * S + xx];
            }
            double gx = 0.5 * ((v[1] - v[0]) + (v[3] - v[2])), gy = 0.5 * ((v[2] - v[0]) + (v[3] - v[1]));
            tv += sqrt(gx * gx + gy * gy);
        }
    return tv > 0 ? 2 * ink / tv : 0;
}

/* MNIST's stroke widths by stroke_width over the 60000 training digits:
 * 10th, 50th and 90th percentile (t10k: 1.94, 2.52, 3.46). */
#define MNIST_W10 1.89
#define MNIST_W50 2.48
#define MNIST_W90 3.41

static double mean_abs_diff(const float *a, const float *b)
{
    double sum = 0;
    for (int i = 0; i < S * S; i++) sum += fabs(a[i] - b[i]);
    return sum / (S * S);
}

/* The input for digit d drawn `size` px tall with its box at (ox, oy). */
static int digit_input(float *out, int d, float size, float ox, float oy, float brush)
{
    dp_strokes s;
    dp_strokes_init(&s);
    int rc = dp_test_digit(&s, d, size, ox, oy) == 0 ? dp_strokes_to_input(out, canvas, &s, brush, NULL) : -1;
    dp_strokes_free(&s);
    return rc;
}

/* The automatic brush: the formula, the clamps, degenerate drawings. */
static void test_normalized_brush(void)
{
    double f = DP_MNIST_STROKE / (DP_FIT - DP_MNIST_STROKE);
    dp_strokes s;
    dp_strokes_init(&s);
    CHECK(dp_normalized_brush(NULL) == DP_BRUSH_MIN && dp_normalized_brush(&s) == DP_BRUSH_MIN,
          "no drawing: %g", (double)dp_normalized_brush(&s));
    /* a straight "1": the extent is its height */
    dp_strokes_add_point(&s, 140, 40);
    dp_strokes_add_point(&s, 140, 240);
    float b = dp_normalized_brush(&s);
    CHECK(fabs(b - f * 201) < 1e-3, "1 of height 200: brush %g, want %g", (double)b, f * 201);
    CHECK(fabs(DP_FIT * b / (200 + 1 + b) - DP_MNIST_STROKE) < 1e-3, "1: stroke %g in the input",
          DP_FIT * b / (200 + 1 + b));
    /* the extent is the larger side, and only the part on the canvas counts */
    dp_strokes_begin(&s);
    dp_strokes_add_point(&s, -1e6f, 100);
    dp_strokes_add_point(&s, 1e6f, 101);
    b = dp_normalized_brush(&s);
    CHECK(fabs(b - f * (DP_CANVAS + 1)) < 1e-3 && b <= DP_BRUSH_MAX, "huge drawing: brush %g", (double)b);

    /* a dot: the minimum brush, too little ink for a digit, no crash */
    float out[S * S];
    dp_strokes_clear(&s);
    dp_strokes_add_point(&s, 140, 140);
    CHECK(dp_normalized_brush(&s) == DP_BRUSH_MIN, "dot: brush %g", (double)dp_normalized_brush(&s));
    dp_prep_info info;
    CHECK(dp_strokes_to_input(out, canvas, &s, DP_BRUSH_AUTO, &info) == 0 && info.ink > 0 &&
              ink_box(out, S, S, 0).x1 < 0,
          "dot with the auto brush: ink %g", info.ink);
    CHECK(dp_strokes_to_input(out, canvas, &s, NAN, NULL) == 0, "NaN brush is not auto");
    CHECK(dp_strokes_to_input(out, canvas, &s, 20, NULL) == 1, "dot with brush 20 is no longer a digit");
    /* a tiny scribble: the minimum brush; whatever it gives stays in range */
    dp_strokes_clear(&s);
    for (int i = 0; i < 30; i++) dp_strokes_add_point(&s, 100 + 2 * rnd(), 100 + 2 * rnd());
    CHECK(dp_normalized_brush(&s) == DP_BRUSH_MIN, "scribble: brush %g", (double)dp_normalized_brush(&s));
    int rc = dp_strokes_to_input(out, canvas, &s, DP_BRUSH_AUTO, NULL);
    CHECK(rc >= 0 && in_unit_range(out, S * S), "scribble: rc %d", rc);
    /* nothing at all, and a drawing entirely off the canvas */
    dp_strokes_clear(&s);
    CHECK(dp_strokes_to_input(out, canvas, &s, DP_BRUSH_AUTO, NULL) == 0, "empty drawing is a digit");
    dp_strokes_add_point(&s, -500, -500);
    dp_strokes_add_point(&s, -400, -300);
    CHECK(dp_strokes_to_input(out, canvas, &s, DP_BRUSH_AUTO, NULL) == 0, "off-canvas drawing is a digit");
    dp_strokes_free(&s);
}

/* The user's brush: with the auto brush it never reaches the network (the
 * input depends on the strokes alone, even though the canvas was last drawn
 * with another brush, as in the window), so the inputs are identical; a
 * fixed brush changes the input by far more than the threshold, which would
 * therefore catch the brush leaking in. */
static void test_auto_ignores_brush(void)
{
    const float brushes[3] = {6, 20, 50};
    double worst_auto = 0, least_fixed = 1;
    for (int d = 0; d < 10; d++) {
        float fixed[3][S * S], autob[3][S * S];
        for (int k = 0; k < 3; k++) {
            digit_input(fixed[k], d, 200, 40, 40, brushes[k]);
            digit_input(autob[k], d, 200, 40, 40, DP_BRUSH_AUTO);
        }
        double a = fmax(mean_abs_diff(autob[0], autob[1]), mean_abs_diff(autob[0], autob[2]));
        double fx = fmin(mean_abs_diff(fixed[0], fixed[1]), mean_abs_diff(fixed[1], fixed[2]));
        worst_auto = fmax(worst_auto, a);
        least_fixed = fmin(least_fixed, fx);
        CHECK(a < 0.02, "digit %d: auto inputs differ by %.4f with the user's brush", d, a);
        CHECK(fx > 0.02, "digit %d: fixed brushes 6/20/50 differ by only %.4f", d, fx);
    }
    printf("brush 6/20/50: auto inputs differ by at most %.4f; fixed ones by at least %.4f (mean |diff|)\n",
           worst_auto, least_fixed);
}

/* The same digit small in a corner, medium and large: with the auto brush
 * nearly the same input (the stroke scales with the digit); with a fixed
 * brush the small one is much bolder. */
static void test_auto_size_invariance(void)
{
    double worst_auto = 0, least_fixed = 1;
    for (int d = 0; d < 10; d++) {
        float small[S * S], medium[S * S], large[S * S], fsmall[S * S], flarge[S * S];
        digit_input(small, d, 60, 12, 200, DP_BRUSH_AUTO);
        digit_input(medium, d, 140, 110, 30, DP_BRUSH_AUTO);
        digit_input(large, d, 255, 5, 12, DP_BRUSH_AUTO);
        digit_input(fsmall, d, 60, 12, 200, 20);
        digit_input(flarge, d, 255, 5, 12, 20);
        double a = fmax(mean_abs_diff(small, large), fmax(mean_abs_diff(small, medium), mean_abs_diff(medium, large)));
        double fx = mean_abs_diff(fsmall, flarge);
        worst_auto = fmax(worst_auto, a);
        least_fixed = fmin(least_fixed, fx);
        CHECK(a < 0.02, "digit %d: auto small vs large differ by %.4f", d, a);
        CHECK(fx > 0.02, "digit %d: fixed brush small vs large differ by only %.4f", d, fx);
    }
    printf("small/medium/large digit: auto inputs differ by at most %.4f; brush 20 by at least %.4f\n", worst_auto,
           least_fixed);
}

/* Non-exiting MNIST lookup: DIGITPAD_MNIST, else the user data folder. */
static const char *find_mnist(void)
{
    static char path[4096];
    const char *dir = getenv("DIGITPAD_MNIST"), *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    if (dir && *dir) return dp_mnist_present(dir) ? dir : NULL;
    if (xdg && *xdg) snprintf(path, sizeof path, "%s/digitpad/mnist", xdg);
    else snprintf(path, sizeof path, "%s/.local/share/digitpad/mnist", home ? home : ".");
    return dp_mnist_present(path) ? path : NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* With the auto brush every test digit, at every size, has a stroke as wide
 * as MNIST's middle 80%, and on average MNIST's median; fixed brushes of 8
 * and 40 leave that range (so the check bites). With MNIST at hand its
 * percentiles are measured again on t10k. */
static void test_auto_stroke_width(void)
{
    double lo = MNIST_W10, mid = MNIST_W50, hi = MNIST_W90;
    const char *dir = find_mnist();
    dp_dataset ds = {0};
    if (dir && dp_mnist_load(&ds, dir, "t10k") == 0) {
        double *w = malloc(sizeof(double) * (size_t)ds.n);
        float img[S * S];
        for (int i = 0; w && i < ds.n; i++) {
            for (int k = 0; k < S * S; k++) img[k] = ds.images[(size_t)i * S * S + k] / 255.0f;
            w[i] = stroke_width(img);
        }
        if (w) {
            qsort(w, (size_t)ds.n, sizeof *w, cmp_double);
            lo = w[ds.n / 10], mid = w[ds.n / 2], hi = w[ds.n * 9 / 10];
            printf("MNIST t10k stroke width: p10 %.3f p50 %.3f p90 %.3f\n", lo, mid, hi);
            CHECK(fabs(mid - DP_MNIST_STROKE) < 0.1 && fabs(mid - MNIST_W50) < 0.1,
                  "t10k median stroke %.3f far from the calibration (%.2f)", mid, (double)DP_MNIST_STROKE);
        }
        free(w);
        dp_dataset_free(&ds);
    } else {
        printf("MNIST not found: stroke widths checked against the recorded percentiles\n");
    }

    const float sizes[] = {40, 100, 250};
    double sum = 0, wmin = 99, wmax = 0;
    int n = 0, fixed_out[2] = {0, 0};
    for (int d = 0; d < 10; d++)
        for (int k = 0; k < 3; k++) {
            float out[S * S];
            float ox = 0.5f * (N - sizes[k]);
            CHECK(digit_input(out, d, sizes[k], ox, ox, DP_BRUSH_AUTO) == 1, "digit %d size %g: no digit", d,
                  (double)sizes[k]);
            double w = stroke_width(out);
            CHECK(w >= lo && w <= hi, "digit %d size %g: stroke %.3f outside MNIST's %.2f..%.2f", d,
                  (double)sizes[k], w, lo, hi);
            sum += w, n++;
            wmin = fmin(wmin, w), wmax = fmax(wmax, w);
            for (int b = 0; b < 2; b++) {
                digit_input(out, d, sizes[k], ox, ox, b ? 40.0f : 8.0f);
                w = stroke_width(out);
                fixed_out[b] += !(w >= lo && w <= hi);
            }
        }
    printf("auto stroke width over %d digits: %.3f..%.3f, mean %.3f (MNIST p10 %.2f p50 %.2f p90 %.2f); "
           "outside that range with brush 8: %d, with brush 40: %d\n",
           n, wmin, wmax, sum / n, lo, mid, hi, fixed_out[0], fixed_out[1]);
    CHECK(fabs(sum / n - mid) < 0.1 * mid, "mean auto stroke %.3f vs MNIST median %.3f", sum / n, mid);
    CHECK(fixed_out[0] > 0 && fixed_out[1] > 0, "fixed brushes 8 and 40 stay in MNIST's range (%d, %d)",
          fixed_out[0], fixed_out[1]);
}

/* The shipped model reads every polyline digit at six sizes and four places
 * with the auto brush; the fixed brushes are printed for comparison. The
 * model is DIGITPAD_MODEL or assets/digitpad.model next to this source. */
static void test_model_reads_digits(void)
{
    char path[4096];
    const char *env = getenv("DIGITPAD_MODEL"), *src = __FILE__, *slash = strrchr(src, '/');
    if (env && *env) snprintf(path, sizeof path, "%s", env);
    else snprintf(path, sizeof path, "%.*s../assets/digitpad.model", slash ? (int)(slash - src + 1) : 0, src);
    FILE *f = fopen(path, "rb");
    if (!f) {
        /* meson test always names the model, so a missing one is a failure
         * there; run by hand from elsewhere, the check is skipped. */
        CHECK(!(env && *env), "model %s (DIGITPAD_MODEL) not found", path);
        printf("model %s not found: classification check skipped (set DIGITPAD_MODEL)\n", path);
        return;
    }
    fclose(f);
    dp_net *net = dp_model_load(path, NULL, NULL, NULL);
    CHECK(net != NULL, "model: %s", dp_error());
    dp_exec *ex = net ? dp_exec_create(net, 256, 1, 0) : NULL;
    static float inputs[240 * S * S];
    float probs[240 * DP_CLASSES];
    const float sizes[] = {40, 60, 100, 160, 220, 260}, places[4][2] = {{0.5f, 0.5f}, {0, 0}, {1, 0.1f}, {0.2f, 1}};
    const float brushes[] = {DP_BRUSH_AUTO, 8, 20, 40};
    for (int b = 0; ex && b < 4; b++) {
        int n = 0, correct = 0;
        double p_true = 0;
        for (int d = 0; d < 10; d++)
            for (int k = 0; k < 6; k++)
                for (int p = 0; p < 4; p++, n++) {
                    float room = N - sizes[k];
                    digit_input(inputs + n * S * S, d, sizes[k], places[p][0] * room, places[p][1] * room,
                                brushes[b]);
                }
        dp_net_predict(ex, net, inputs, n, probs);
        for (int i = 0; i < n; i++) {
            int d = i / 24;
            correct += dp_argmax(probs + i * DP_CLASSES, DP_CLASSES) == d;
            p_true += probs[i * DP_CLASSES + d];
        }
        char name[16];
        snprintf(name, sizeof name, b ? "%.0f" : "auto", (double)brushes[b]);
        printf("model on polyline digits, brush %s: %d/%d correct, mean p(true) %.3f\n", name, correct, n, p_true / n);
        if (b == 0) CHECK(correct >= 0.95 * n, "auto brush: only %d of %d polyline digits read right", correct, n);
    }
    dp_exec_free(ex);
    dp_net_free(net);
}

int main(void)
{
    test_center_of_mass();
    test_random_drawings();
    test_invariance("7", seven, 4);
    test_invariance("2", two, 9);
    test_no_digit();
    test_aspect();
    test_sizes();
    test_normalized_brush();
    test_auto_ignores_brush();
    test_auto_size_invariance();
    test_auto_stroke_width();
    test_model_reads_digits();
    return check_report("test_preprocess");
}

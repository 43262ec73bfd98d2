/* The MNIST recipe: centre of mass, size, aspect, invariance to where and
 * how big the digit is drawn, and "no digit" detection. */
#include "check.h"
#include "common.h"
#include "preprocess.h"
#include "strokes.h"

#include <math.h>
#include <stdio.h>
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

int main(void)
{
    test_center_of_mass();
    test_random_drawings();
    test_invariance("7", seven, 4);
    test_invariance("2", two, 9);
    test_no_digit();
    test_aspect();
    test_sizes();
    return check_report("test_preprocess");
}

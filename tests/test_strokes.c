/* Stroke files, the stroke list, the rasterizer (against a brute-force
 * reference and against geometry) and PGM reading/writing. */
#include "harness.h"
#include "common.h"
#include "pgm.h"
#include "strokes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define N DP_CANVAS
static float canvas[N * N], ref[N * N];

static char tmpdir[512];

/* The test's folder/NAME, valid until the next call. */
static const char *tmp_path(const char *name) { return check_path(tmpdir, name); }

static int parse(dp_strokes *s, const char *text, const char *name)
{
    return dp_strokes_parse(s, text, strlen(text), name);
}

/* Deterministic LCG so failures reproduce. */
static unsigned long long rng_state = 12345;
static float rnd(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)(rng_state >> 40) / 16777216.0f;
}

static double canvas_sum(const float *c)
{
    double s = 0;
    for (int i = 0; i < N * N; i++) s += c[i];
    return s;
}

/* ---- parser ---- */

static void test_parse_good(void)
{
    static const char text[] = "\xEF\xBB\xBF# digitpad strokes v1\r\n"
                               "\r\n"
                               "  # indented comment\n"
                               "10,20 30.5,40.25\t-5,+6\r\n"
                               "   \t  \n"
                               "1e2,2.5E1\n"
                               "7,8";   /* last line without newline: a one-point stroke */
    dp_strokes s;
    dp_strokes_init(&s);
    CHECK(dp_strokes_parse(&s, text, sizeof text - 1, "good.txt") == 0, "parse failed: %s", dp_error());
    CHECK(s.n_strokes == 3, "%d strokes", s.n_strokes);
    CHECK(s.n_points == 5, "%d points", s.n_points);
    if (s.n_strokes == 3 && s.n_points == 5) {
        CHECK(s.starts[0] == 0 && s.starts[1] == 3 && s.starts[2] == 4 && s.starts[3] == 5,
              "starts %d %d %d %d", s.starts[0], s.starts[1], s.starts[2], s.starts[3]);
        const float want[5][2] = {{10, 20}, {30.5f, 40.25f}, {-5, 6}, {100, 25}, {7, 8}};
        for (int i = 0; i < 5; i++)
            CHECK(s.points[i].x == want[i][0] && s.points[i].y == want[i][1], "point %d = (%g, %g)", i,
                  (double)s.points[i].x, (double)s.points[i].y);
    }
    dp_strokes_free(&s);
}

static void test_parse_empty(void)
{
    dp_strokes s;
    dp_strokes_init(&s);
    CHECK(dp_strokes_parse(&s, "", 0, "empty.txt") == 0, "empty file: %s", dp_error());
    CHECK(s.n_strokes == 0 && s.n_points == 0, "empty file gave %d strokes", s.n_strokes);
    CHECK(parse(&s, "# only a comment\n\n   \n", "c.txt") == 0 && s.n_strokes == 0, "comments only");
    dp_rasterize(canvas, &s, 18);
    CHECK(canvas_sum(canvas) == 0, "empty drawing has ink");
    dp_strokes_free(&s);
}

/* Each bad file must fail, naming the file and the line, and leave the
 * caller's drawing untouched. */
static void test_parse_errors(void)
{
    static const struct {
        const char *text, *needle;
        int line;
    } cases[] = {
        {"# ok\n1,2 3,4\n12;40\n", "bad point '12;40' (expected x,y)", 3},
        {"1,2\n3\n", "bad point '3'", 2},
        {"1,2,3\n", "bad point '1,2,3'", 1},
        {"\n\n\nx,1\n", "bad number", 4},
        {"1,\n", "bad number", 1},
        {",1\n", "bad number", 1},
        {"1,nan\n", "bad number", 1},
        {"inf,1\n", "bad number", 1},
        {"0x10,1\n", "bad number", 1},
        {"1.5.5,1\n", "bad number", 1},
        {"1,2\n2e7,1\n", "out of range", 2},
        {"1,2 # trailing comment\n", "bad point '#'", 1},
        {"1,2\r\n3,4\r\n5,6\r7,8\r\n", "bad point", 3},   /* a lone CR is not a line break */
    };
    dp_strokes s;
    dp_strokes_init(&s);
    parse(&s, "1,1 2,2\n", "keep.txt");
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char name[32], want[48];
        snprintf(name, sizeof name, "bad%zu.txt", k);
        snprintf(want, sizeof want, "bad%zu.txt:%d: ", k, cases[k].line);
        int rc = parse(&s, cases[k].text, name);
        CHECK(rc == -1, "case %zu accepted", k);
        CHECK(strstr(dp_error(), want) != NULL, "case %zu: '%s' lacks '%s'", k, dp_error(), want);
        CHECK(strstr(dp_error(), cases[k].needle) != NULL, "case %zu: '%s' lacks '%s'", k, dp_error(),
              cases[k].needle);
        CHECK(strchr(dp_error(), '\n') == NULL, "case %zu: message spans lines", k);
    }
    CHECK(s.n_strokes == 1 && s.n_points == 2, "failed parse changed the drawing");

    static const char nul[] = "1,2\n3,4\n5,\0006\n";
    CHECK(dp_strokes_parse(&s, nul, sizeof nul - 1, "nul.txt") == -1, "NUL accepted");
    CHECK(strstr(dp_error(), "nul.txt:3: ") && strstr(dp_error(), "NUL"), "NUL message: %s", dp_error());

    /* control bytes in a bad token are not copied into the message */
    CHECK(parse(&s, "1,2\x1b[31m\n", "esc.txt") == -1 && !strchr(dp_error(), '\x1b'), "escape in message: %s",
          dp_error());
    dp_strokes_free(&s);
}

static void test_load_save(void)
{
    dp_strokes s, t;
    dp_strokes_init(&s);
    dp_strokes_init(&t);
    for (int k = 0; k < 4; k++) {
        dp_strokes_begin(&s);
        for (int i = 0; i < 1 + k * 7; i++) dp_strokes_add_point(&s, rnd() * 300 - 10, rnd() * 300 - 10);
    }
    dp_strokes_begin(&s);   /* an empty stroke: saved as nothing */
    const char *path = tmp_path("round.txt");
    CHECK(dp_strokes_save(&s, path) == 0, "save: %s", dp_error());
    CHECK(dp_strokes_load(&t, path) == 0, "load: %s", dp_error());
    CHECK(t.n_strokes == 4 && t.n_points == s.n_points, "round trip: %d strokes %d points", t.n_strokes,
          t.n_points);
    double worst = 0;
    for (int i = 0; i < s.n_points && i < t.n_points; i++) {
        worst = check_worse(worst, fabs(s.points[i].x - t.points[i].x));
        worst = check_worse(worst, fabs(s.points[i].y - t.points[i].y));
    }
    CHECK(worst <= 0.0051, "round trip error %g", worst);
    for (int k = 0; k <= t.n_strokes && t.n_strokes == 4; k++)
        CHECK(t.starts[k] == s.starts[k], "stroke %d starts at %d, not %d", k, t.starts[k], s.starts[k]);

    FILE *f = fopen(path, "rb");
    char head[32] = {0};
    CHECK(f && fgets(head, sizeof head, f) && strcmp(head, "# digitpad strokes v1\n") == 0, "header '%s'",
          head);
    if (f) fclose(f);

    CHECK(dp_strokes_load(&t, tmp_path("missing.txt")) == -1 && strstr(dp_error(), "missing.txt"),
          "missing file: %s", dp_error());
    CHECK(dp_strokes_save(&s, tmp_path("no/such/dir.txt")) == -1 && strstr(dp_error(), "dir.txt"),
          "save into a missing directory: %s", dp_error());
    check_write_file(tmp_path("bad.txt"), "1,2\n3,x\n", 8);
    CHECK(dp_strokes_load(&t, tmp_path("bad.txt")) == -1 && strstr(dp_error(), "bad.txt:2: "),
          "load error: %s", dp_error());
    dp_strokes_free(&s);
    dp_strokes_free(&t);
}

/* ---- stroke list ---- */

static void test_list(void)
{
    dp_strokes s, t;
    dp_strokes_init(&s);
    dp_strokes_init(&t);
    CHECK(dp_strokes_add_point(&s, 1, 2) == 0 && s.n_strokes == 1, "point without begin");
    dp_strokes_begin(&s);
    for (int i = 0; i < 1000; i++) dp_strokes_add_point(&s, (float)i, 5);
    CHECK(s.n_strokes == 2 && s.n_points == 1001 && s.starts[2] == 1001, "growth");
    CHECK(dp_strokes_add_point(&s, NAN, 1) == -1 && dp_strokes_add_point(&s, 1, 2e6f) == -1,
          "bad point accepted");
    CHECK(dp_strokes_copy(&t, &s) == 0 && t.n_points == 1001 && t.n_strokes == 2 &&
              memcmp(t.points, s.points, 1001 * sizeof(dp_point)) == 0,
          "copy");
    dp_strokes_pop(&s);
    CHECK(s.n_strokes == 1 && s.n_points == 1, "pop");
    dp_strokes_pop(&s);
    dp_strokes_pop(&s);   /* popping nothing is harmless */
    CHECK(s.n_strokes == 0 && s.n_points == 0, "pop to empty");
    dp_strokes_clear(&t);
    CHECK(t.n_strokes == 0 && t.n_points == 0, "clear");
    dp_strokes_free(&s);
    dp_strokes_free(&t);
    dp_strokes_free(&t);   /* freeing twice after free is safe: free re-inits */

    /* the point limit: hit it quickly with one huge stroke */
    dp_strokes_init(&s);
    int rc = 0, n = 0;
    while ((rc = dp_strokes_add_point(&s, (float)(n % 280), 1)) == 0) n++;
    CHECK(n == DP_MAX_POINTS && strstr(dp_error(), "too many"), "point cap at %d: %s", n, dp_error());
    dp_strokes_free(&s);
}

/* ---- rasterizer ---- */

static void test_dot(void)
{
    dp_strokes s;
    dp_strokes_init(&s);
    dp_strokes_add_point(&s, 140, 140);
    dp_rasterize(canvas, &s, 20);
    double area = canvas_sum(canvas);
    CHECK(fabs(area - M_PI * 100) <= 0.03 * M_PI * 100, "dot area %g, want %g", area, M_PI * 100);
    CHECK(canvas[140 * N + 140] == 1.0f && canvas[139 * N + 139] == 1.0f, "dot centre %g",
          canvas[140 * N + 140]);
    CHECK(canvas[140 * N + 155] == 0 && canvas[125 * N + 140] == 0 && canvas[155 * N + 140] == 0 &&
              canvas[140 * N + 125] == 0,
          "pixels 15 px away are inked");
    /* a stroke whose points all coincide is the same dot */
    dp_strokes_clear(&s);
    for (int i = 0; i < 5; i++) dp_strokes_add_point(&s, 140, 140);
    dp_rasterize(ref, &s, 20);
    CHECK(memcmp(canvas, ref, sizeof canvas) == 0, "repeated point differs from a dot");
    dp_strokes_free(&s);
}

static void test_line(void)
{
    dp_strokes s;
    dp_strokes_init(&s);
    dp_strokes_add_point(&s, 50, 100);
    dp_strokes_add_point(&s, 150, 100);
    dp_rasterize(canvas, &s, 10);
    double want = 100 * 10 + M_PI * 25, got = canvas_sum(canvas);
    CHECK(fabs(got - want) <= 0.03 * want, "line ink %g, want %g", got, want);
    float lo = 1, hi = 0;
    for (int i = 0; i < N * N; i++) {
        lo = fminf(lo, canvas[i]);
        hi = fmaxf(hi, canvas[i]);
    }
    CHECK(lo >= 0 && hi <= 1 && hi == 1, "values in [%g, %g]", lo, hi);

    /* the same line drawn again on top changes nothing: max, not sum */
    dp_strokes_begin(&s);
    dp_strokes_add_point(&s, 50, 100);
    dp_strokes_add_point(&s, 150, 100);
    dp_strokes_begin(&s);
    dp_strokes_add_point(&s, 150, 100);   /* and reversed, in pieces */
    dp_strokes_add_point(&s, 100, 100);
    dp_strokes_add_point(&s, 50, 100);
    dp_rasterize(ref, &s, 10);
    double diff = check_max_diff(canvas, ref, N * N);
    CHECK(diff < 1e-5, "overlapping strokes change the canvas by %g", diff);
    dp_strokes_free(&s);
}

static void test_offcanvas(void)
{
    dp_strokes s;
    dp_strokes_init(&s);
    dp_strokes_add_point(&s, -5000, -5000);
    dp_strokes_add_point(&s, -400, 900000);
    dp_strokes_add_point(&s, 1e6f, 1e6f);
    dp_strokes_begin(&s);
    dp_strokes_add_point(&s, 300, 10);   /* dot just off the right edge, brush can't reach */
    dp_strokes_begin(&s);
    dp_strokes_add_point(&s, -1e6f, -1e6f);
    dp_rasterize(canvas, &s, 18);
    CHECK(canvas_sum(canvas) == 0, "off-canvas strokes left ink %g", canvas_sum(canvas));

    /* a line crossing the whole canvas from far away is clipped, not lost */
    dp_strokes_clear(&s);
    dp_strokes_add_point(&s, -1e5f, 140);
    dp_strokes_add_point(&s, 1e5f, 140);
    dp_rasterize(canvas, &s, 10);
    CHECK(fabs(canvas_sum(canvas) - 280 * 10) < 3, "crossing line ink %g", canvas_sum(canvas));
    /* a huge or invalid brush neither crashes nor escapes [0,1] */
    dp_rasterize(canvas, &s, 1e9f);
    CHECK(canvas_sum(canvas) == N * N, "huge brush");
    dp_rasterize(canvas, &s, NAN);
    CHECK(canvas_sum(canvas) <= 280 * 1.01, "NaN brush ink %g", canvas_sum(canvas));
    dp_strokes_free(&s);
}

/* The fast rasterizer (rectangles + wedges) against the brute-force one on
 * random drawings, including collinear runs and points on the pixel grid,
 * where rounding at piece boundaries could leave holes. */
static void test_against_reference(void)
{
    double worst = 0;
    for (int trial = 0; trial < 40; trial++) {
        dp_strokes s;
        dp_strokes_init(&s);
        int strokes = 1 + (int)(rnd() * 3);
        for (int k = 0; k < strokes; k++) {
            dp_strokes_begin(&s);
            int n = 1 + (int)(rnd() * 30);
            float x = rnd() * 320 - 20, y = rnd() * 320 - 20, dx = rnd() * 8 - 4, dy = rnd() * 8 - 4;
            for (int i = 0; i < n; i++) {
                switch (trial % 4) {
                case 0: x += dx, y += dy; break;                           /* collinear */
                case 1: x += rnd() * 40 - 20, y += rnd() * 40 - 20; break;  /* zigzag, sharp turns */
                case 2: /* on the pixel grid */
                    x = roundf(x + rnd() * 6 - 3) + 0.5f, y = roundf(y + rnd() * 6 - 3);
                    break;
                default: x += rnd() * 6 - 3, y += rnd() * 6 - 3; break;     /* mouse-like */
                }
                dp_strokes_add_point(&s, x, y);
            }
        }
        float brush = trial % 5 == 0 ? 0.6f : 1 + rnd() * 30;
        dp_rasterize(canvas, &s, brush);
        dp_rasterize_ref(ref, &s, brush);
        worst = check_worse(worst, check_max_diff(canvas, ref, N * N));
        dp_strokes_free(&s);
    }
    CHECK(worst < 1e-3, "fast rasterizer differs from the reference by %g", worst);
}

/* Any size and scale: the fast rasterizer against the brute-force one, on
 * images the window uses (560, 812), an odd non-square one, and a big one. */
static void test_sizes_against_reference(void)
{
    static const struct {
        int w, h;
        float scale;
    } sizes[] = {{560, 560, 2.0f}, {97, 131, 0.37f}, {1000, 1000, 3.57f}, {812, 812, 2.9f}, {280, 280, 1.0f}};
    for (size_t c = 0; c < sizeof sizes / sizeof sizes[0]; c++) {
        int w = sizes[c].w, h = sizes[c].h;
        float *fast = malloc(sizeof(float) * (size_t)w * h), *slow = malloc(sizeof(float) * (size_t)w * h);
        double worst = 0, ink = 0;
        int trials = w * h > 500000 ? 3 : 8;
        for (int trial = 0; trial < trials && fast && slow; trial++) {
            dp_strokes s;
            dp_strokes_init(&s);
            for (int k = 0; k < 2; k++) {
                dp_strokes_begin(&s);
                int n = 1 + (int)(rnd() * 25);
                float x = rnd() * 300 - 10, y = rnd() * 300 - 10;
                for (int i = 0; i < n; i++) {
                    if (trial % 2) x += rnd() * 40 - 20, y += rnd() * 40 - 20;   /* sharp turns */
                    else x += rnd() * 6 - 3, y += rnd() * 6 - 3;                 /* mouse-like */
                    dp_strokes_add_point(&s, x, y);
                }
            }
            float brush = trial == 0 ? 0.5f : 2 + rnd() * 40;
            dp_rasterize_into(fast, w, h, sizes[c].scale, &s, brush);
            dp_rasterize_into_ref(slow, w, h, sizes[c].scale, &s, brush);
            for (size_t i = 0; i < (size_t)w * h; i++) {
                worst = check_worse(worst, fabs(fast[i] - slow[i]));
                ink += fast[i];
            }
            dp_strokes_free(&s);
        }
        CHECK(worst < 1e-3, "%dx%d at x%g: fast differs from the reference by %g", w, h, (double)sizes[c].scale,
              worst);
        CHECK(ink > 100, "%dx%d at x%g: (almost) no ink drawn", w, h, (double)sizes[c].scale);
        printf("rasterize %dx%d at x%g: worst difference from the reference %.2g\n", w, h,
               (double)sizes[c].scale, worst);
        free(fast);
        free(slow);
    }

    /* scale 2 on a 560 image is the canvas at twice the resolution: a line
     * of brush 10 has twice the length and width, so 4x the ink */
    dp_strokes s;
    dp_strokes_init(&s);
    dp_strokes_add_point(&s, 50, 100);
    dp_strokes_add_point(&s, 150, 120);
    static float big[560 * 560];
    dp_rasterize(canvas, &s, 10);
    dp_rasterize_into(big, 560, 560, 2.0f, &s, 10);
    double a = canvas_sum(canvas), b = 0;
    for (int i = 0; i < 560 * 560; i++) b += big[i];
    CHECK(fabs(b - 4 * a) < 0.01 * 4 * a, "x2 ink %g, want 4 x %g", b, a);
    /* dp_rasterize is dp_rasterize_into at scale 1 */
    dp_rasterize_into(ref, N, N, 1.0f, &s, 10);
    CHECK(memcmp(canvas, ref, sizeof canvas) == 0, "dp_rasterize differs from dp_rasterize_into at x1");
    /* bad sizes leave the image alone; a bad scale zeroes it */
    ref[0] = 7;
    dp_rasterize_into(ref, 0, N, 1.0f, &s, 10);
    dp_rasterize_into(ref, N, DP_RASTER_MAX + 1, 1.0f, &s, 10);
    dp_rasterize_into(NULL, N, N, 1.0f, &s, 10);
    CHECK(ref[0] == 7, "bad size touched the image");
    dp_rasterize_into(ref, N, N, NAN, &s, 10);
    CHECK(canvas_sum(ref) == 0, "NaN scale drew ink");
    dp_rasterize_into(ref, N, N, -1.0f, &s, 10);
    CHECK(canvas_sum(ref) == 0, "negative scale drew ink");
    dp_strokes_free(&s);
}

/* A mouse-like drawing: a few strokes of points ~2 px apart with the odd
 * repeated point, sharp turn and a one-point stroke. */
static void make_drawing(dp_strokes *s, int strokes)
{
    for (int k = 0; k < strokes; k++) {
        dp_strokes_begin(s);
        int n = k == 1 ? 1 : 20 + (int)(rnd() * 120);
        float x = 40 + rnd() * 200, y = 40 + rnd() * 200, a = rnd() * 6.3f;
        for (int i = 0; i < n; i++) {
            dp_strokes_add_point(s, x, y);
            if (rnd() < 0.05f) dp_strokes_add_point(s, x, y);   /* mouse event without motion */
            a += rnd() < 0.03f ? 2.5f : (rnd() - 0.5f) * 0.4f;
            float step = 0.5f + rnd() * 3;
            x += step * cosf(a), y += step * sinf(a);
        }
    }
}

/* Drawing live, a few points per frame, gives bit for bit the image of the
 * whole drawing after every frame, at the window's scales. (Without the
 * re-rendered end-cap box, about one frame in twenty differs by up to ~1e-4
 * somewhere, mostly with big brushes at big scales.) */
static void test_stroke_tail(void)
{
    static const struct {
        int w, h;
        float scale, brush;
    } cases[] = {{280, 280, 1.0f, 18}, {560, 560, 2.0f, 20}, {812, 812, 2.9f, 6},  {97, 131, 0.37f, 40},
                 {560, 560, 2.0f, 45}, {812, 812, 2.9f, 40}, {1000, 1000, 3.57f, 55}, {280, 280, 1.0f, 0.7f}};
    int repeats = 3;
    for (size_t c = 0; c < repeats * sizeof cases / sizeof cases[0]; c++) {
        size_t ci = c % (sizeof cases / sizeof cases[0]);
        int w = cases[ci].w, h = cases[ci].h;
        float scale = cases[ci].scale, brush = cases[ci].brush;
        size_t bytes = sizeof(float) * (size_t)w * h;
        float *live = malloc(bytes), *whole = malloc(bytes);
        if (!live || !whole) {
            free(live);
            free(whole);
            CHECK(0, "out of memory");
            return;
        }
        dp_strokes all, s;
        dp_strokes_init(&all);
        dp_strokes_init(&s);
        make_drawing(&all, 4);
        dp_rasterize_into(live, w, h, scale, &s, brush);
        int frames = 0, mismatched = 0, first_bad = -1;
        for (int k = 0; k < all.n_strokes; k++) {
            dp_strokes_begin(&s);
            for (int i = all.starts[k]; i < all.starts[k + 1];) {
                int from = s.n_points, batch = 1 + (c % 2 ? (int)(rnd() * 4) : 0);
                for (int b = 0; b < batch && i < all.starts[k + 1]; b++, i++)
                    dp_strokes_add_point(&s, all.points[i].x, all.points[i].y);
                /* a new stroke is drawn either whole or from its first point */
                if (from == s.starts[k] && k % 2) dp_rasterize_into(live, w, h, scale, &s, brush);
                else dp_rasterize_stroke_tail(live, w, h, scale, &s, from, brush);
                dp_rasterize_into(whole, w, h, scale, &s, brush);
                frames++;
                if (memcmp(live, whole, bytes) != 0) {
                    mismatched++;
                    if (first_bad < 0) first_bad = frames;
                }
            }
        }
        CHECK(mismatched == 0, "%dx%d x%g brush %g: %d of %d frames differ from the whole drawing (first %d)", w,
              h, (double)scale, (double)brush, mismatched, frames, first_bad);
        /* nothing new, or a repeated end point: nothing changes */
        dp_rasterize_stroke_tail(live, w, h, scale, &s, s.n_points, brush);
        dp_point end = s.points[s.n_points - 1];
        dp_strokes_add_point(&s, end.x, end.y);
        dp_rasterize_stroke_tail(live, w, h, scale, &s, s.n_points - 1, brush);
        CHECK(memcmp(live, whole, bytes) == 0, "%dx%d: a repeated point changed the image", w, h);
        free(live);
        free(whole);
        dp_strokes_free(&all);
        dp_strokes_free(&s);
    }
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

/* Timings (printed, not checked): a digit-sized drawing of ~300 points,
 * whole and one point per frame, at the canvas size and the window's. */
static void bench_rasterizer(void)
{
    static const struct {
        int size;
        float brush;
    } cases[] = {{280, 18}, {560, 18}, {812, 18}, {560, 40}};
    dp_strokes all, s;
    dp_strokes_init(&all);
    dp_strokes_init(&s);
    /* an "8"-like figure: two loops, 300 points ~2 px apart */
    dp_strokes_begin(&all);
    for (int i = 0; i <= 300; i++) {
        float t = (float)i / 300 * 2 * (float)M_PI;
        dp_strokes_add_point(&all, 140 + 55 * sinf(2 * t) / 2 * 1.6f, 140 - 95 * cosf(t));
    }
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        int w = cases[c].size;
        float scale = (float)w / N, *img = malloc(sizeof(float) * (size_t)w * w);
        if (!img) return;
        int reps = 200;
        double t0 = now_us();
        for (int r = 0; r < reps; r++) dp_rasterize_into(img, w, w, scale, &all, cases[c].brush);
        double whole = (now_us() - t0) / reps;
        /* live: one point per frame */
        dp_strokes_clear(&s);
        dp_strokes_begin(&s);
        dp_rasterize_into(img, w, w, scale, &s, cases[c].brush);
        t0 = now_us();
        for (int i = 0; i < all.n_points; i++) {
            dp_strokes_add_point(&s, all.points[i].x, all.points[i].y);
            dp_rasterize_stroke_tail(img, w, w, scale, &s, s.n_points - 1, cases[c].brush);
        }
        double frame = (now_us() - t0) / all.n_points;
        printf("rasterize %d points, brush %g, at %dx%d: whole %.0f us, live %.1f us per new point\n",
               all.n_points, (double)cases[c].brush, w, w, whole, frame);
        free(img);
    }
    dp_strokes_free(&all);
    dp_strokes_free(&s);
}

/* ---- PGM ---- */

static void test_pgm(void)
{
    float img[7 * 5];
    for (int i = 0; i < 35; i++) img[i] = (float)i / 34.0f;
    img[3] = -1;   /* clamped */
    img[4] = 7;
    const char *path = tmp_path("a.pgm");
    CHECK(dp_pgm_write(path, img, 7, 5) == 0, "pgm write: %s", dp_error());
    float *px = NULL;
    int w = 0, h = 0;
    CHECK(dp_pgm_read(path, &px, &w, &h) == 0 && w == 7 && h == 5, "pgm read: %s", dp_error());
    if (px) {
        double worst = 0;
        for (int i = 0; i < 35; i++) {
            float want = img[i] < 0 ? 0 : img[i] > 1 ? 1 : img[i];
            worst = check_worse(worst, fabs(px[i] - want));
        }
        CHECK(worst <= 0.5 / 255 + 1e-6, "pgm round trip error %g", worst);
        free(px);
    }

    static const char p2[] = "P2\n# a comment\n3 2 # trailing\n10\n0 5 10\n# mid\n 1 2 3\n";
    check_write_file(tmp_path("b.pgm"), p2, sizeof p2 - 1);
    CHECK(dp_pgm_read(tmp_path("b.pgm"), &px, &w, &h) == 0 && w == 3 && h == 2, "P2: %s", dp_error());
    if (px) {
        CHECK(px[0] == 0 && px[1] == 0.5f && px[2] == 1 && fabsf(px[5] - 0.3f) < 1e-6f, "P2 values");
        free(px);
    }

    static const unsigned char p5_16[] = "P5 2 1 1000\n\x01\xF4\x03\xE8";   /* 500, 1000 */
    check_write_file(tmp_path("c.pgm"), p5_16, sizeof p5_16 - 1);
    CHECK(dp_pgm_read(tmp_path("c.pgm"), &px, &w, &h) == 0 && w == 2 && h == 1, "16-bit: %s", dp_error());
    if (px) {
        CHECK(px[0] == 0.5f && px[1] == 1, "16-bit values %g %g", px[0], px[1]);
        free(px);
    }

#define BAD(text, needle) {text, sizeof text - 1, needle}
    static const struct {
        const char *data;
        size_t len;
        const char *needle;
    } bad[] = {
        BAD("P5\n4 4\n255\n\x01\x02\x03", "truncated"),
        BAD("P5\n4 4\n65535\n\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", "truncated"),
        BAD("P5\n1 1\n255", "no pixel data"),
        BAD("P6\n1 1\n255\n\x01", "not a PGM"),
        BAD("GIF89a", "not a PGM"),
        BAD("", "not a PGM"),
        BAD("P5\n5000 10\n255\n", "out of range"),
        BAD("P5\n10 4097\n255\n", "out of range"),
        BAD("P5\n99999999999 1\n255\n", "too large"),
        BAD("P5\n0 10\n255\n", "out of range"),
        BAD("P5\n2 2\n70000\n", "maxval"),
        BAD("P5\n2 2\n0\n\0\0\0\0", "maxval"),
        BAD("P5\n2 2\n", "end of file"),
        BAD("P5\n2 -2\n255\n", "expected a number"),
        BAD("P5\n2 2\n9\n\x01\x02\x03\x0a", "above maxval"),
        BAD("P2\n2 2\n255\n1 2 3", "end of file"),
        BAD("P2\n2 2\n9\n1 2 3 10", "above maxval"),
        BAD("P2\n2 2\n9\n1 2 x 3", "expected a number"),
    };
#undef BAD
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char name[32];
        snprintf(name, sizeof name, "bad%zu.pgm", k);
        check_write_file(tmp_path(name), bad[k].data, bad[k].len);
        px = (float *)1;
        int rc = dp_pgm_read(tmp_path(name), &px, &w, &h);
        CHECK(rc == -1 && px == NULL, "bad pgm %zu accepted", k);
        CHECK(strstr(dp_error(), name) && strstr(dp_error(), bad[k].needle), "bad pgm %zu: '%s' lacks '%s'",
              k, dp_error(), bad[k].needle);
    }
    CHECK(dp_pgm_write(tmp_path("z.pgm"), img, 0, 5) == -1, "zero-width write accepted");
}

int main(void)
{
    check_temp_dir(tmpdir, sizeof tmpdir, "dp_test_strokes");
    test_parse_good();
    test_parse_empty();
    test_parse_errors();
    test_load_save();
    test_list();
    test_dot();
    test_line();
    test_offcanvas();
    test_against_reference();
    test_sizes_against_reference();
    test_stroke_tail();
    bench_rasterizer();
    test_pgm();
    check_remove_tree(tmpdir);
    return check_report("test_strokes");
}

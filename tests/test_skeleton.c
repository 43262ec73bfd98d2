/* Digit images -> pen strokes (dp_digit_strokes), curves, placement on the
 * canvas and the pen-style templates; then, with MNIST, every test digit
 * traced, the strokes checked against the ink (IoU) and read by the shipped
 * model. The MNIST part runs last: check_mnist_dir() exits 77 without it. */
#include "check.h"
#include "common.h"
#include "digits.h"
#include "mnist.h"
#include "model_io.h"
#include "net.h"
#include "preprocess.h"
#include "realism.h"
#include "skeleton.h"
#include "strokes.h"
#include "platform.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N DP_CANVAS
static float canvas[N * N];

/* Renders canvas strokes with a brush like MNIST's pen (2.5 px at 28×28)
 * and box-averages them 10× down to a 28×28 byte image, as MNIST was made. */
static void render28(const dp_strokes *s, uint8_t *img)
{
    dp_rasterize(canvas, s, 25.0f);
    for (int j = 0; j < 28; j++)
        for (int i = 0; i < 28; i++) {
            float sum = 0;
            for (int y = 0; y < 10; y++)
                for (int x = 0; x < 10; x++) sum += canvas[(j * 10 + y) * N + i * 10 + x];
            img[j * 28 + i] = (uint8_t)lrintf(fminf(sum / 100, 1) * 255);
        }
}

static void line(dp_strokes *s, float x0, float y0, float x1, float y1)
{
    dp_strokes_begin(s);
    dp_strokes_add_point(s, x0, y0);
    dp_strokes_add_point(s, x1, y1);
}

static dp_point first_point(const dp_strokes *s, int k) { return s->points[s->starts[k]]; }

static dp_point last_point(const dp_strokes *s, int k) { return s->points[s->starts[k + 1] - 1]; }

static float dist(dp_point a, float x, float y) { return hypotf(a.x - x, a.y - y); }

/* Largest distance of a stroke's points from the line through (x0,y0)-(x1,y1). */
static float off_line(const dp_strokes *s, int k, float x0, float y0, float x1, float y1)
{
    float dx = x1 - x0, dy = y1 - y0, len = hypotf(dx, dy), worst = 0;
    for (int i = s->starts[k]; i < s->starts[k + 1]; i++)
        worst = fmaxf(worst, fabsf((s->points[i].x - x0) * dy - (s->points[i].y - y0) * dx) / len);
    return worst;
}

/* A line, a ring and a cross: one open stroke, one closed loop, two
 * strokes going straight through the crossing. */
static void test_shapes(void)
{
    uint8_t img[28 * 28];
    dp_strokes in, out;
    dp_strokes_init(&in), dp_strokes_init(&out);

    line(&in, 90, 60, 190, 220);   /* 28-scale: (9,6) -> (19,22) */
    render28(&in, img);
    CHECK(dp_digit_strokes(&out, img) == 0, "line: %s", dp_error());
    CHECK(out.n_strokes == 1, "line: %d strokes", out.n_strokes);
    if (out.n_strokes == 1) {
        CHECK(dist(first_point(&out, 0), 9, 6) < 1.5f && dist(last_point(&out, 0), 19, 22) < 1.5f,
              "line runs (%.1f,%.1f) -> (%.1f,%.1f), drawn (9,6) -> (19,22)", (double)first_point(&out, 0).x,
              (double)first_point(&out, 0).y, (double)last_point(&out, 0).x, (double)last_point(&out, 0).y);
        CHECK(off_line(&out, 0, 9, 6, 19, 22) < 0.5f, "line strays %.2f px", (double)off_line(&out, 0, 9, 6, 19, 22));
    }

    dp_strokes_clear(&in);
    dp_strokes_begin(&in);
    for (int i = 0; i <= 64; i++)
        dp_strokes_add_point(&in, 140 + 80 * cosf(i * 6.2831853f / 64), 140 + 80 * sinf(i * 6.2831853f / 64));
    render28(&in, img);
    CHECK(dp_digit_strokes(&out, img) == 0, "ring: %s", dp_error());
    CHECK(out.n_strokes == 1, "ring: %d strokes", out.n_strokes);
    if (out.n_strokes == 1) {
        dp_point a = first_point(&out, 0), b = last_point(&out, 0);
        CHECK(a.x == b.x && a.y == b.y, "ring: not closed (%g,%g) vs (%g,%g)", (double)a.x, (double)a.y, (double)b.x,
              (double)b.y);
        CHECK(a.y < 7.5f, "ring starts at (%.1f,%.1f), not at its top", (double)a.x, (double)a.y);
        float lo = 99, hi = 0;
        for (int i = 0; i < out.n_points; i++) {
            float r = dist(out.points[i], 14, 14);
            lo = fminf(lo, r), hi = fmaxf(hi, r);
        }
        CHECK(lo > 7.3f && hi < 8.7f, "ring radius %.2f..%.2f, drawn 8", (double)lo, (double)hi);
    }

    dp_strokes_clear(&in);
    line(&in, 60, 140, 220, 140);
    line(&in, 140, 60, 140, 220);
    render28(&in, img);
    CHECK(dp_digit_strokes(&out, img) == 0, "cross: %s", dp_error());
    CHECK(out.n_strokes == 2, "cross: %d strokes", out.n_strokes);
    if (out.n_strokes == 2) {
        /* one horizontal, one vertical, each through the middle */
        int h = fabsf(first_point(&out, 0).y - last_point(&out, 0).y) < 2 ? 0 : 1;
        CHECK(off_line(&out, h, 6, 14, 22, 14) < 0.6f && off_line(&out, 1 - h, 14, 6, 14, 22) < 0.6f,
              "cross strokes are not straight through the crossing");
    }
    dp_strokes_free(&in), dp_strokes_free(&out);
}

/* The polyline digits of the other tests, drawn MNIST-style: each traces
 * into at most two strokes that follow the drawn lines. */
static void test_polyline_digits(void)
{
    uint8_t img[28 * 28];
    dp_strokes in, out;
    dp_strokes_init(&in), dp_strokes_init(&out);
    const int expect_max[10] = {1, 1, 1, 1, 2, 2, 1, 2, 2, 1};
    for (int d = 0; d < 10; d++) {
        dp_test_digit(&in, d, 200, 40, 40);
        render28(&in, img);
        CHECK(dp_digit_strokes(&out, img) == 0, "digit %d: %s", d, dp_error());
        CHECK(out.n_strokes >= 1 && out.n_strokes <= expect_max[d], "digit %d: %d strokes", d, out.n_strokes);
        /* every traced point lies on the drawn polyline (canvas / 10) */
        float worst = 0;
        for (int i = 0; i < out.n_points; i++) {
            float best = 1e9f;
            for (int k = 0; k < in.n_strokes; k++)
                for (int j = in.starts[k] + 1; j < in.starts[k + 1]; j++) {
                    dp_point a = in.points[j - 1], b = in.points[j], p = {out.points[i].x * 10, out.points[i].y * 10};
                    float vx = b.x - a.x, vy = b.y - a.y, l2 = vx * vx + vy * vy;
                    float t = l2 > 0 ? fminf(fmaxf(((p.x - a.x) * vx + (p.y - a.y) * vy) / l2, 0), 1) : 0;
                    best = fminf(best, hypotf(p.x - a.x - t * vx, p.y - a.y - t * vy) / 10);
                }
            worst = fmaxf(worst, best);
        }
        CHECK(worst < 1.0f, "digit %d: a traced point is %.2f px off the drawing", d, (double)worst);
    }
    dp_strokes_free(&in), dp_strokes_free(&out);
}

static void test_errors(void)
{
    uint8_t img[28 * 28] = {0};
    dp_strokes out;
    dp_strokes_init(&out);
    CHECK(dp_digit_strokes(&out, img) == -1 && strstr(dp_error(), "no ink"), "blank image: %s", dp_error());
    CHECK(dp_digit_strokes(&out, NULL) == -1, "NULL image accepted");
    img[14 * 28 + 14] = 255;   /* one pixel: a dot, not an error */
    CHECK(dp_digit_strokes(&out, img) == 0 && out.n_strokes == 1, "one pixel: %d strokes (%s)", out.n_strokes,
          dp_error());
    dp_rng r;
    dp_rng_seed(&r, 1);
    CHECK(dp_style_strokes(&out, DP_STYLES, &r) == -1 && dp_style_name(DP_STYLES) == NULL &&
              dp_style_digit(-1) == -1, "bad style accepted");
    dp_place_cfg cfg = dp_place_defaults();
    dp_strokes_clear(&out);
    CHECK(dp_strokes_place(&out, &r, &cfg) == -1, "placing an empty drawing");
    dp_strokes_free(&out);
}

/* Curves pass through their control points; closed ones end where they
 * start; appended pieces continue one stroke. */
static void test_curves(void)
{
    dp_strokes s;
    dp_strokes_init(&s);
    const dp_point p[4] = {{0, 0}, {10, 0}, {10, 10}, {0, 10}};
    CHECK(dp_strokes_add_curve(&s, p, 4, 0, 0.5f) == 0 && s.n_strokes == 1, "open curve");
    int through = 0;
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < s.n_points; i++) through += s.points[i].x == p[k].x && s.points[i].y == p[k].y;
    CHECK(through == 4, "open curve passes through %d of 4 points", through);
    float worst = 0;
    for (int i = 1; i < s.n_points; i++) worst = fmaxf(worst, dist(s.points[i], s.points[i - 1].x, s.points[i - 1].y));
    CHECK(worst <= 0.75f && s.n_points > 50, "spacing up to %.2f with step 0.5 (%d points)", (double)worst, s.n_points);
    CHECK(dp_strokes_add_curve(&s, p, 4, DP_CURVE_CLOSED, 0.5f) == 0 && s.n_strokes == 2, "closed curve");
    dp_point a = first_point(&s, 1), b = last_point(&s, 1);
    CHECK(a.x == b.x && a.y == b.y, "closed curve does not return to its start");
    int before = s.n_points;
    CHECK(dp_strokes_add_curve(&s, p + 3, 1, DP_CURVE_APPEND, 0.5f) == 0 && s.n_strokes == 2 && s.n_points == before + 1,
          "appending a point");
    CHECK(dp_strokes_add_curve(&s, p, 0, 0, 0.5f) == -1, "an empty curve accepted");
    dp_strokes_free(&s);
}

static int same_strokes(const dp_strokes *a, const dp_strokes *b)
{
    return a->n_strokes == b->n_strokes && a->n_points == b->n_points &&
           !memcmp(a->starts, b->starts, sizeof(int) * (size_t)(a->n_strokes + 1)) &&
           !memcmp(a->points, b->points, sizeof(dp_point) * (size_t)a->n_points);
}

/* Placement: on the canvas, sizes over the whole range, places all over
 * it, points a pen's distance apart; the same seed gives the same drawing. */
static void test_placement(void)
{
    dp_place_cfg cfg = dp_place_defaults();
    dp_strokes s, t;
    dp_strokes_init(&s), dp_strokes_init(&t);
    float min_h = 1e9f, max_h = 0;
    int corners[4] = {0}, off = 0, n_steps = 0;
    double steps = 0;
    for (int i = 0; i < 400; i++) {
        dp_rng r;
        dp_rng_seed(&r, 100 + (uint64_t)i);
        int style = i % DP_STYLES;
        CHECK(dp_style_strokes(&s, style, &r) == 0 && dp_strokes_place(&s, &r, &cfg) == 0, "style %d: %s", style,
              dp_error());
        float x0 = 1e9f, x1 = -1e9f, y0 = 1e9f, y1 = -1e9f;
        for (int k = 0; k < s.n_points; k++) {
            dp_point q = s.points[k];
            x0 = fminf(x0, q.x), x1 = fmaxf(x1, q.x), y0 = fminf(y0, q.y), y1 = fmaxf(y1, q.y);
            if (k > s.starts[0] && k != s.starts[1] && k != s.starts[2 < s.n_strokes ? 2 : s.n_strokes])
                steps += dist(q, s.points[k - 1].x, s.points[k - 1].y), n_steps++;
        }
        off += x0 < 0 || y0 < 0 || x1 > N || y1 > N;
        if (style != DP_STYLE_PLAIN1) min_h = fminf(min_h, y1 - y0), max_h = fmaxf(max_h, y1 - y0);
        corners[0] += x0 < 20 && y0 < 20, corners[1] += x1 > N - 20 && y0 < 20;
        corners[2] += x0 < 20 && y1 > N - 20, corners[3] += x1 > N - 20 && y1 > N - 20;
        dp_rng_seed(&r, 100 + (uint64_t)i);
        dp_style_strokes(&t, style, &r);
        dp_strokes_place(&t, &r, &cfg);
        CHECK(same_strokes(&s, &t), "drawing %d differs with the same seed", i);
    }
    printf("placement: heights %.0f..%.0f px, drawings in the corners %d %d %d %d, mean step %.2f px\n",
           (double)min_h, (double)max_h, corners[0], corners[1], corners[2], corners[3], steps / n_steps);
    CHECK(off == 0, "%d drawings leave the canvas", off);
    CHECK(min_h < 65 && min_h > 40 && max_h > 230 && max_h < 265, "heights %.0f..%.0f, want ~50..250", (double)min_h,
          (double)max_h);
    CHECK(corners[0] && corners[1] && corners[2] && corners[3], "not every corner is used");
    CHECK(steps / n_steps > 2.5 && steps / n_steps < 5.5, "mean point spacing %.2f px", steps / n_steps);
    dp_strokes_free(&s), dp_strokes_free(&t);
}

/* Each style has its usual strokes; wobble makes every drawing different. */
static void test_styles(void)
{
    const int strokes[DP_STYLES] = {
        [DP_STYLE_FLAG1] = 1, [DP_STYLE_FLAG1_BASE] = 2, [DP_STYLE_PLAIN1] = 1, [DP_STYLE_CROSS7] = 2,
        [DP_STYLE_PLAIN7] = 1, [DP_STYLE_SLASH0] = 2,    [DP_STYLE_PLAIN0] = 1, [DP_STYLE_OPEN4] = 2,
        [DP_STYLE_CLOSED4] = 2,
    };
    dp_strokes s, t;
    dp_strokes_init(&s), dp_strokes_init(&t);
    dp_rng r;
    dp_rng_seed(&r, 7);
    for (int style = 0; style < DP_STYLES; style++) {
        CHECK(dp_style_name(style) && dp_style_digit(style) >= 0, "style %d has no name or digit", style);
        CHECK(dp_style_strokes(&s, style, &r) == 0 && s.n_strokes == strokes[style], "%s: %d strokes, want %d",
              dp_style_name(style), s.n_strokes, strokes[style]);
        CHECK(dp_style_strokes(&t, style, &r) == 0 && !same_strokes(&s, &t), "%s: two samples are the same",
              dp_style_name(style));
    }
    dp_strokes_free(&s), dp_strokes_free(&t);
}

static dp_net *load_model(void)
{
    char path[4096];
    const char *env = getenv("DIGITPAD_MODEL"), *src = __FILE__, *slash = strrchr(src, '/');
    if (env && *env) snprintf(path, sizeof path, "%s", env);
    else snprintf(path, sizeof path, "%.*s../assets/digitpad.model", slash ? (int)(slash - src + 1) : 0, src);
    dp_net *net = dp_model_load(path, NULL, NULL, NULL);
    CHECK(net != NULL, "model %s: %s", path, dp_error());
    return net;
}

/* Intersection over union of MNIST's ink (> half) and the strokes drawn
 * back at 28×28 with the digit's own pen width: its ink area over the
 * length of its strokes. */
static double overlap(const uint8_t *img, const dp_strokes *s)
{
    float back[28 * 28];
    double area = 0, len = 0;
    for (int i = 0; i < 28 * 28; i++) area += img[i] / 255.0;
    for (int k = 0; k < s->n_strokes; k++)
        for (int i = s->starts[k] + 1; i < s->starts[k + 1]; i++)
            len += dist(s->points[i], s->points[i - 1].x, s->points[i - 1].y);
    dp_rasterize_into(back, 28, 28, 1.0f, s, len > 0 ? (float)(area / len) : 2.5f);
    int both = 0, either = 0;
    for (int i = 0; i < 28 * 28; i++) both += img[i] > 127 && back[i] > 0.5f, either += img[i] > 127 || back[i] > 0.5f;
    return either ? (double)both / either : 1.0;
}

/* Every MNIST test digit traces without error into few strokes; the strokes
 * cover the ink; the shipped model reads them drawn back on the canvas
 * (plainly at 10×, and placed like a hand would). */
static void test_mnist(void)
{
    dp_dataset test = {0};
    if (dp_mnist_load(&test, check_mnist_dir(), "t10k") != 0) {
        CHECK(0, "MNIST: %s", dp_error());
        return;
    }
    dp_net *net = load_model();
    dp_exec *ex = net ? dp_exec_create(net, 256, 0, 0) : NULL;
    float *plain = dp_alloc_floats((size_t)test.n * DP_PIXELS), *placed = dp_alloc_floats((size_t)test.n * DP_PIXELS);
    float *probs = dp_alloc_floats((size_t)test.n * DP_CLASSES);
    dp_place_cfg cfg = dp_place_defaults();
    dp_strokes s, again;
    dp_strokes_init(&s), dp_strokes_init(&again);
    int counts[5] = {0}, failed = 0, iou_n = 0;
    double iou = 0, t0 = dp_now();
    for (int i = 0; i < test.n; i++) {
        const uint8_t *img = test.images + (size_t)i * DP_PIXELS;
        if (dp_digit_strokes(&s, img) != 0) {
            if (failed++ < 5) CHECK(0, "test digit %d: %s", i, dp_error());
            continue;
        }
        counts[s.n_strokes < 4 ? s.n_strokes : 4]++;
        if (i < 500) iou += overlap(img, &s), iou_n++;
        if (i % 1000 == 0) CHECK(dp_digit_strokes(&again, img) == 0 && same_strokes(&s, &again), "digit %d twice", i);
        dp_strokes_copy(&again, &s);
        for (int k = 0; k < again.n_points; k++) again.points[k].x *= 10, again.points[k].y *= 10;
        dp_strokes_to_input(plain + (size_t)i * DP_PIXELS, canvas, &again, DP_BRUSH_AUTO, NULL);
        dp_rng r;
        dp_rng_seed(&r, (uint64_t)i);
        CHECK(dp_strokes_place(&s, &r, &cfg) == 0, "placing digit %d: %s", i, dp_error());
        dp_strokes_to_input(placed + (size_t)i * DP_PIXELS, canvas, &s, DP_BRUSH_AUTO, NULL);
    }
    printf("traced %d test digits in %.2f s: 1 stroke %d, 2 strokes %d, 3 strokes %d, 4 or more %d\n", test.n,
           dp_now() - t0, counts[1], counts[2], counts[3], counts[4]);
    printf("strokes against the ink: mean IoU %.3f over %d digits\n", iou / iou_n, iou_n);
    CHECK(failed == 0, "%d test digits could not be traced", failed);
    CHECK(counts[1] + counts[2] + counts[3] >= 0.99 * test.n, "%d digits have 4 or more strokes", counts[4]);
    CHECK(iou / iou_n > 0.6, "mean IoU %.3f", iou / iou_n);
    for (int pass = 0; ex && pass < 2; pass++) {
        dp_net_predict(ex, net, pass ? placed : plain, test.n, probs);
        int ok = 0;
        for (int i = 0; i < test.n; i++) ok += dp_argmax(probs + (size_t)i * DP_CLASSES, DP_CLASSES) == test.labels[i];
        printf("shipped model on the traced digits %s: %.2f%%\n", pass ? "placed like a hand would" : "drawn back at 10x",
               100.0 * ok / test.n);
        CHECK(ok >= (pass ? 0.9 : 0.95) * test.n, "the model reads only %d of %d %s digits", ok, test.n,
              pass ? "placed" : "re-drawn");
    }
    dp_strokes_free(&s), dp_strokes_free(&again);
    free(plain), free(placed), free(probs);
    dp_exec_free(ex);
    dp_net_free(net);
    dp_dataset_free(&test);
}

int main(void)
{
    test_shapes();
    test_polyline_digits();
    test_errors();
    test_curves();
    test_placement();
    test_styles();
    test_mnist();
    return check_report("test_skeleton");
}

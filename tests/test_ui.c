/* The window's logic without a display (the main layout has test_layout.c):
 * the dialogs' layout, the undo/redo stack and its memory budget, the
 * built-in font, throttling and frame statistics. */
#include "check.h"
#include "dialog_layout.h"
#include "drawing.h"
#include "font_builtin.h"
#include "layout.h"
#include "pace.h"
#include "evallist.h"
#include "train_csv.h"
#include "textfield.h"
#include "touch.h"
#include "wrap.h"

static void draw_line(drawing *d, float x0, float y0, float x1, float y1)
{
    drawing_begin_stroke(d, x0, y0);
    for (int i = 1; i <= 10; i++) drawing_add_point(d, x0 + (x1 - x0) * i / 10, y0 + (y1 - y0) * i / 10);
    drawing_end_stroke(d);
}

static void test_undo(void)
{
    drawing d;
    drawing_init(&d, 18.0f);
    CHECK(drawing_is_empty(&d) && !drawing_can_undo(&d) && !drawing_can_redo(&d), "new drawing is empty");
    draw_line(&d, 10, 10, 100, 10);
    draw_line(&d, 10, 50, 100, 50);
    CHECK(d.current.n_strokes == 2 && d.current.n_points == 22, "two strokes of 11 points: %d strokes %d points",
          d.current.n_strokes, d.current.n_points);
    unsigned v = d.version;
    CHECK(drawing_undo(&d) == 1 && d.current.n_strokes == 1, "undo removes one stroke");
    CHECK(d.version != v, "undo changes the version");
    CHECK(drawing_redo(&d) == 1 && d.current.n_strokes == 2, "redo brings it back");
    CHECK(drawing_redo(&d) == 0, "nothing more to redo");
    CHECK(drawing_clear(&d) == 1 && drawing_is_empty(&d), "clear empties");
    CHECK(drawing_undo(&d) == 1 && d.current.n_strokes == 2, "clear is undoable");
    drawing_undo(&d);
    draw_line(&d, 0, 0, 5, 5);
    CHECK(!drawing_can_redo(&d), "a new stroke ends the redo branch");
    CHECK(drawing_undo(&d) && drawing_undo(&d) && !drawing_undo(&d) && drawing_is_empty(&d),
          "undo all the way back to empty");
    /* Points closer than half a pixel are dropped. */
    drawing_begin_stroke(&d, 5, 5);
    drawing_add_point(&d, 5.1f, 5.1f);
    drawing_add_point(&d, 5.2f, 5.2f);
    CHECK(d.current.n_points == 1, "near-duplicate points dropped (%d)", d.current.n_points);
    drawing_end_stroke(&d);
    /* More strokes than the history holds: the oldest undo steps fall off. */
    drawing_clear(&d);
    for (int i = 0; i < DRAWING_HISTORY + 20; i++) draw_line(&d, (float)i, 0, (float)i, 100);
    int undone = 0;
    while (drawing_undo(&d)) undone++;
    CHECK(undone == DRAWING_HISTORY, "undo steps kept: %d", undone);
    CHECK(d.current.n_strokes == 20, "after undoing everything kept, %d strokes remain", d.current.n_strokes);
    drawing_free(&d);
}

/* An image put on the canvas to draw over comes and goes with undo and redo,
 * exactly as it was put. */
static int image_is(const drawing *d, float first)
{
    const float *l = drawing_image(d);
    if (!l) return 0;
    for (int i = 0; i < DRAWING_IMAGE_PIXELS; i++)
        if (l[i] != first + (float)i / DRAWING_IMAGE_PIXELS) return 0;
    return 1;
}

static void test_image(void)
{
    float a[DRAWING_IMAGE_PIXELS], b[DRAWING_IMAGE_PIXELS];
    for (int i = 0; i < DRAWING_IMAGE_PIXELS; i++) a[i] = 0.0f + (float)i / DRAWING_IMAGE_PIXELS, b[i] = 0.5f + (float)i / DRAWING_IMAGE_PIXELS;
    drawing d;
    drawing_init(&d, 18.0f);
    CHECK(drawing_image(&d) == NULL && drawing_clear(&d) == 0, "a new drawing has no layer, nothing to clear");
    draw_line(&d, 10, 10, 100, 10);
    CHECK(drawing_put_image(&d, a) == 0 && image_is(&d, 0) && drawing_is_empty(&d), "the layer replaces the strokes");
    CHECK(drawing_undo(&d) == 1 && !drawing_image(&d) && d.current.n_strokes == 1, "undo: the strokes, no layer");
    CHECK(drawing_redo(&d) == 1 && image_is(&d, 0) && drawing_is_empty(&d), "redo: the layer again");
    draw_line(&d, 20, 20, 200, 200);
    CHECK(image_is(&d, 0) && d.current.n_strokes == 1, "strokes over the layer");
    CHECK(drawing_undo(&d) == 1 && image_is(&d, 0) && drawing_is_empty(&d), "undoing a stroke keeps the layer");
    CHECK(drawing_redo(&d) == 1 && drawing_put_image(&d, b) == 0 && image_is(&d, 0.5f), "a second layer");
    CHECK(drawing_undo(&d) == 1 && image_is(&d, 0) && d.current.n_strokes == 1, "undo: the first layer and its stroke");
    CHECK(drawing_clear(&d) == 1 && !drawing_image(&d) && drawing_is_empty(&d), "clear removes the layer");
    CHECK(drawing_clear(&d) == 0, "nothing left to clear");
    CHECK(drawing_undo(&d) == 1 && image_is(&d, 0), "clearing the layer is undoable");
    dp_strokes s;
    dp_strokes_init(&s);
    CHECK(drawing_replace(&d, &s) == 0 && !drawing_image(&d), "opening a drawing removes the layer");
    CHECK(drawing_undo(&d) == 1 && image_is(&d, 0), "and undo brings it back");
    dp_strokes_free(&s);
    /* More steps than the history holds, each holding a copy of the layer. */
    for (int i = 0; i < DRAWING_HISTORY + 40; i++) {
        if (i % 50 == 0) drawing_put_image(&d, i % 100 ? b : a);
        draw_line(&d, (float)i, 0, (float)i, 100);
    }
    int undone = 0;
    while (drawing_undo(&d)) undone++;
    CHECK(undone == DRAWING_HISTORY, "undo steps kept: %d", undone);
    CHECK(drawing_history_bytes(&d) >= (size_t)DRAWING_HISTORY * DRAWING_IMAGE_PIXELS * sizeof(float),
          "the history counts the layers it holds: %zu bytes", drawing_history_bytes(&d));
    drawing_free(&d);
}

/* A long scribble never cleared: every undo step holds the whole drawing,
 * so without a byte budget the history grew with the square of its length. */
/* Ink across row y of a 280×280 raster: how wide the stroke there is. */
static int ink_width(const float *img, int y)
{
    int n = 0;
    for (int x = 0; x < DP_CANVAS; x++) n += img[y * DP_CANVAS + x] > 0.5f;
    return n;
}

/* Each stroke keeps the brush width it was drawn with, through undo and redo. */
static void test_stroke_widths(void)
{
    drawing d;
    drawing_init(&d, 10.0f);
    draw_line(&d, 20, 60, 260, 60);
    drawing_set_width(&d, 30.0f);
    draw_line(&d, 20, 200, 260, 200);
    static float img[DP_CANVAS * DP_CANVAS], ref[DP_CANVAS * DP_CANVAS];
    drawing_rasterize(&d, img, DP_CANVAS, DP_CANVAS, 1.0f);
    int thin = 0, thick = 0;
    for (int y = 0; y < DP_CANVAS; y++) thin += ink_width(img, y) > 0 && y < 130, thick += ink_width(img, y) > 0 && y >= 130;
    CHECK(abs(thin - 10) <= 2 && abs(thick - 30) <= 2, "strokes at 10 and 30 px: %d and %d rows of ink", thin, thick);
    CHECK(!drawing_one_width(&d), "two widths");
    drawing_undo(&d);
    drawing_set_width(&d, 4.0f);
    drawing_redo(&d);
    CHECK(drawing_stroke_width(&d, 1) == 30.0f, "a redone stroke keeps its width (%g)", (double)drawing_stroke_width(&d, 1));
    drawing_undo(&d);
    draw_line(&d, 20, 200, 260, 200);
    CHECK(drawing_stroke_width(&d, 1) == 4.0f, "a new stroke in its place has today's width");
    drawing_clear(&d);   /* Clear, a stroke at another width in the first place, then back twice: the old stroke's width */
    drawing_set_width(&d, 44.0f);
    draw_line(&d, 20, 60, 260, 60);
    drawing_undo(&d);
    drawing_undo(&d);
    CHECK(d.current.n_strokes == 2 && drawing_stroke_width(&d, 0) == 10.0f && drawing_stroke_width(&d, 1) == 4.0f,
          "undoing a Clear brings the strokes back at their own widths (%g, %g)", (double)drawing_stroke_width(&d, 0),
          (double)drawing_stroke_width(&d, 1));
    drawing_redo(&d);
    drawing_redo(&d);
    CHECK(d.current.n_strokes == 1 && drawing_stroke_width(&d, 0) == 44.0f, "and redo the new one at its own (%g)",
          (double)drawing_stroke_width(&d, 0));
    drawing_clear(&d);
    drawing_set_width(&d, 12.0f);
    draw_line(&d, 20, 60, 260, 60);
    draw_line(&d, 60, 20, 60, 260);
    drawing_rasterize(&d, img, DP_CANVAS, DP_CANVAS, 1.0f);
    dp_rasterize_into(ref, DP_CANVAS, DP_CANVAS, 1.0f, &d.current, 12.0f);
    CHECK(memcmp(img, ref, sizeof img) == 0, "one width: the same pixels as dp_rasterize_into");
    drawing_set_width(&d, 20.0f);
    draw_line(&d, 200, 20, 200, 260);
    drawing_rasterize(&d, img, DP_CANVAS, DP_CANVAS, 1.0f);
    int differs = 0;
    for (int i = 0; i < DP_CANVAS * DP_CANVAS; i++) differs |= img[i] < ref[i] - 1e-6f;
    CHECK(!differs, "a third, wider stroke only adds ink: the first two are as they were");
    drawing_free(&d);
}

/* One finger draws; a second never draws a line to where it lands. */
static void test_touch(void)
{
    touch_state t = {0};
    float x, y;
    CHECK(touch_event(&t, FINGER_DOWN, 7, 0.2f, 0.3f, &x, &y) == TOUCH_DOWN && x == 0.2f && y == 0.3f, "a finger down");
    CHECK(touch_event(&t, FINGER_MOTION, 7, 0.25f, 0.35f, &x, &y) == TOUCH_MOVE && x == 0.25f, "it moves");
    CHECK(touch_event(&t, FINGER_DOWN, 9, 0.9f, 0.9f, &x, &y) == TOUCH_UP && x == 0.25f && y == 0.35f,
          "a second finger ends the stroke where the first one is (%g, %g), not where it lands", (double)x, (double)y);
    CHECK(touch_event(&t, FINGER_MOTION, 9, 0.8f, 0.8f, &x, &y) == TOUCH_NONE, "the second finger does not draw");
    CHECK(touch_event(&t, FINGER_MOTION, 7, 0.3f, 0.3f, &x, &y) == TOUCH_NONE, "nor the first, once two were down");
    CHECK(touch_event(&t, FINGER_UP, 7, 0.3f, 0.3f, &x, &y) == TOUCH_NONE, "lifting the first does nothing more");
    CHECK(touch_event(&t, FINGER_DOWN, 7, 0.5f, 0.5f, &x, &y) == TOUCH_NONE, "one still down: a new finger waits");
    CHECK(touch_event(&t, FINGER_UP, 7, 0.5f, 0.5f, &x, &y) == TOUCH_NONE && touch_event(&t, FINGER_UP, 9, 0.5f, 0.5f, &x, &y) == TOUCH_NONE,
          "all up");
    CHECK(touch_event(&t, FINGER_DOWN, 3, 0.1f, 0.1f, &x, &y) == TOUCH_DOWN, "then one finger draws again");
    CHECK(touch_event(&t, FINGER_UP, 3, 0.15f, 0.1f, &x, &y) == TOUCH_UP && x == 0.15f, "and lifts");
    CHECK(touch_event(&t, FINGER_UP, 3, 0.15f, 0.1f, &x, &y) == TOUCH_NONE && t.fingers == 0, "a stray up is ignored");
}

static void test_history_budget(void)
{
    drawing d;
    drawing_init(&d, 18.0f);
    for (int i = 0; i < 3000; i++) {
        drawing_begin_stroke(&d, (float)(i % 280), 0);
        for (int k = 1; k < 60; k++) drawing_add_point(&d, (float)(i % 280), (float)k * 4);
        drawing_end_stroke(&d);
    }
    size_t one = (size_t)d.current.n_points * sizeof(dp_point);
    CHECK(d.current.n_points == 3000 * 60, "the whole scribble is kept: %d points", d.current.n_points);
    CHECK(drawing_history_bytes(&d) <= DRAWING_HISTORY_BYTES + 2 * one, "history holds %zu bytes (budget %ld)",
          drawing_history_bytes(&d), DRAWING_HISTORY_BYTES);
    int undone = 0;
    while (drawing_undo(&d)) undone++;
    CHECK(undone >= 2 && undone < DRAWING_HISTORY, "a few steps of a huge drawing stay undoable: %d", undone);
    CHECK(d.current.n_strokes == 3000 - undone, "each undo removed one stroke: %d left", d.current.n_strokes);
    CHECK(drawing_history_bytes(&d) <= DRAWING_HISTORY_BYTES + 2 * one, "after undoing: %zu bytes",
          drawing_history_bytes(&d));
    int redone = 0;
    while (drawing_redo(&d)) redone++;
    CHECK(redone >= 1 && d.current.n_strokes == 3000 - undone + redone, "redo still works (%d steps)", redone);
    CHECK(drawing_clear(&d) == 1 && drawing_undo(&d) == 1 && d.current.n_points >= 2998 * 60,
          "clearing a huge drawing can be undone");
    drawing_free(&d);
}

/* The built-in font: a glyph for every printable ASCII character, and
 * what else the interface writes mapped onto them. */
static void test_builtin_font(void)
{
    for (char c = '!'; c <= '~'; c++) {
        int ink = 0;
        for (int y = 0; y < BUILTIN_GLYPH_H; y++)
            for (int x = 0; x < BUILTIN_GLYPH_W; x++) ink += builtin_font_ink(c, x, y);
        CHECK(ink > 0, "'%c' has a glyph", c);
    }
    int space = 0;
    for (int y = 0; y < BUILTIN_GLYPH_H; y++)
        for (int x = 0; x < BUILTIN_GLYPH_W; x++) space += builtin_font_ink(' ', x, y);
    CHECK(space == 0 && !builtin_font_ink('\n', 0, 0) && !builtin_font_ink('A', 5, 0) && !builtin_font_ink('A', 0, -1),
          "blank or out of range is no ink");
    char out[64];
    CHECK(builtin_font_ascii("Settings\u2026", out, sizeof out) == 11 && strcmp(out, "Settings...") == 0,
          "ellipsis: '%s'", out);
    builtin_font_ascii("28\u00d728 \u2013 1\u00b72 \u2192 \u2212\u2014", out, sizeof out);
    CHECK(strcmp(out, "28x28 - 1.2 -> --") == 0, "look-alikes: '%s'", out);
    builtin_font_ascii("\xe2\x82\xac\x01\xff\xc3", out, sizeof out);   /* euro, control, bad bytes, cut sequence */
    CHECK(strcmp(out, "????") == 0, "anything else is '?': '%s'", out);
    CHECK(builtin_font_ascii("abcdef", out, 4) == 6 && strcmp(out, "abc") == 0, "cut to the buffer: '%s'", out);
}

static void test_throttle(void)
{
    throttle t;
    throttle_init(&t, 0.1);
    CHECK(throttle_ready(&t, 10.0, 0), "first call goes through");
    CHECK(!throttle_ready(&t, 10.05, 0), "too soon is refused");
    CHECK(fabs(throttle_wait(&t, 10.05) - 0.05) < 1e-9, "wait time %g", throttle_wait(&t, 10.05));
    CHECK(throttle_ready(&t, 10.05, 1), "force goes through");
    CHECK(!throttle_ready(&t, 10.1, 0), "force counts as a run");
    CHECK(throttle_ready(&t, 10.16, 0), "after the interval it goes through");
    int passed = 0;
    throttle_init(&t, 1.0 / 60);
    for (int i = 0; i < 1000; i++) passed += throttle_ready(&t, i * 0.001, 0);   /* 1 s of 1 kHz events */
    CHECK(passed >= 55 && passed <= 61, "1 kHz events at 60 Hz: %d passed", passed);
}

static void test_frame_stats(void)
{
    static frame_stats f;
    frame_stats_init(&f);
    CHECK(frame_stats_quantile(&f, 0.5) == 0, "empty stats");
    for (int i = 0; i < 1000; i++) frame_stats_add(&f, i < 990 ? 0.016 : 0.100);
    CHECK(fabs(frame_stats_quantile(&f, 0.5) - 0.016) < 1e-6, "median %g", frame_stats_quantile(&f, 0.5));
    CHECK(frame_stats_quantile(&f, 0.995) > 0.09, "p99.5 sees the slow frames");
    for (int i = 0; i < FRAME_WINDOW; i++) frame_stats_add(&f, 0.008);
    CHECK(fabs(frame_stats_quantile(&f, 0.99) - 0.008) < 1e-6, "old frames age out");
}

static void test_train_csv(void)
{
    chart_series loss, smooth, test;
    chart_series_init(&loss), chart_series_init(&smooth), chart_series_init(&test);
    char err[256];
    const char *good = "step,epoch,loss,train_acc,lr,img_per_s,elapsed_s,test_acc\r\n"
                       "20,1,2.1,0.31,0.001,5000.0,0.5,\r\n"
                       "40,1,1.2,0.6,0.001,5100.0,1.0,\r\n\r\n"
                       "60,1,0.5,0.85,0.0009,5200.0,1.5,0.9123\r\n";
    int rows = train_csv_parse(good, strlen(good), "log.csv", &loss, &smooth, &test, err, sizeof err);
    CHECK(rows == 3 && loss.n == 3 && smooth.n == 3 && test.n == 1, "a good file: %d rows (%s)", rows, err);
    CHECK(loss.n == 3 && loss.x[2] == 60 && fabsf(loss.y[1] - 1.2f) < 1e-6f, "loss points");
    CHECK(test.n == 1 && test.x[0] == 60 && fabsf(test.y[0] - 0.9123f) < 1e-6f, "the epoch's test accuracy");
    CHECK(smooth.n == 3 && smooth.y[2] < smooth.y[0] && smooth.y[2] > loss.y[2], "smoothed lags the raw loss");
    static const struct { const char *text, *want; } bad[] = {
        {"step,loss\n1,2\n", "not a 'digitpad train --csv' file"},
        {"step,epoch,loss,train_acc,lr,img_per_s,elapsed_s,test_acc\n", "no rows"},
        {"step,epoch,loss,train_acc,lr,img_per_s,elapsed_s,test_acc\n20,1,x,0.3,0.001,50,0.5,\n", "log.csv:2: bad loss 'x'"},
        {"step,epoch,loss,train_acc,lr,img_per_s,elapsed_s,test_acc\n20,1,1,0.3\n", "log.csv:2: lr missing"},
        {"step,epoch,loss,train_acc,lr,img_per_s,elapsed_s,test_acc\n20,1,1,0.3,1,1,1,1,9\n", "8 columns"},
        {"step,epoch,loss,train_acc,lr,img_per_s,elapsed_s,test_acc\n20,1,1,1,1,1,1,\n10,1,1,1,1,1,1,\n", ":3: step goes backwards"},
        {"step,epoch,loss,train_acc,lr,img_per_s,elapsed_s,test_acc\n20,1,inf,1,1,1,1,\n", "bad loss"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rows = train_csv_parse(bad[i].text, strlen(bad[i].text), "log.csv", &loss, &smooth, &test, err, sizeof err);
        CHECK(rows == -1 && strstr(err, bad[i].want) && loss.n == 0 && test.n == 0, "bad csv %zu: %s", i, err);
    }
    chart_series_free(&loss), chart_series_free(&smooth), chart_series_free(&test);
}

/* The digits behind a confusion cell: exactly those labelled t and
 * answered p, most confident first, ties in index order. */
static void test_eval_cells(void)
{
    enum { N = 2000 };
    static uint8_t labels[N], answers[N];
    static float probs[N * 10];
    static int list[N];
    unsigned x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        labels[i] = (uint8_t)(x >> 16) % 10;
        answers[i] = (x >> 8) % 5 ? labels[i] : (uint8_t)((x >> 20) % 10);
        for (int c = 0; c < 10; c++) probs[i * 10 + c] = (float)((x >> (c % 16)) % 8) / 8.0f;   /* coarse: ties */
    }
    int total = 0;
    for (int t = 0; t < 10; t++)
        for (int p = 0; p < 10; p++) {
            int m = eval_cell_list(labels, answers, probs, N, t, p, list), want = 0, ok = 1;
            for (int i = 0; i < N; i++) want += labels[i] == t && answers[i] == p;
            for (int k = 0; k < m && ok; k++) {
                int i = list[k];
                ok = labels[i] == t && answers[i] == p;
                if (ok && k) {
                    float prev = probs[list[k - 1] * 10 + p], cur = probs[i * 10 + p];
                    ok = prev > cur || (prev == cur && list[k - 1] < i);
                }
            }
            CHECK(m == want && ok, "cell %d,%d: %d of %d, ordered %d", t, p, m, want, ok);
            total += m;
        }
    CHECK(total == N, "every image in exactly one cell: %d", total);
}

/* A font where every character (not byte) is 10 px wide. */
static int measure_chars(void *ctx, const char *s, size_t n)
{
    int *calls = ctx, chars = 0;
    (*calls)++;
    for (size_t i = 0; i < n; i++) chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    return chars * 10;
}

/* Wraps s at width and checks each line: whole words where they fit, a
 * long word cut on a character boundary, nothing lost, no line too wide. */
static int check_wrap(const char *s, int width, const char *what)
{
    int calls = 0, lines = 0;
    size_t covered = 0, spaces = 0;
    for (const char *p = wrap_skip_spaces(s); *p; lines++) {
        size_t n = wrap_line(p, width, measure_chars, &calls);
        CHECK(n > 0 && n <= strlen(p), "%s: line %d takes %zu of %zu bytes", what, lines, n, strlen(p));
        if (n == 0) break;
        int w = measure_chars(&calls, p, n);
        CHECK(w <= width || w == 10, "%s: line %d is %d px wide in %d", what, lines, w, width);
        CHECK((p[n] & 0xC0) != 0x80, "%s: line %d ends inside a character", what, lines);
        covered += n;
        const char *next = wrap_skip_spaces(p + n);
        spaces += (size_t)(next - (p + n));
        p = next;
    }
    CHECK(covered + spaces == strlen(wrap_skip_spaces(s)), "%s: %zu + %zu of %zu bytes shown", what, covered, spaces,
          strlen(s));
    return lines;
}

static void test_wrap(void)
{
    CHECK(check_wrap("MNIST not found in /a/b (from DIGITPAD_MNIST). Get it with: tools/fetch", 200, "words") == 4,
          "words: 4 lines of at most 20 characters");
    int calls = 0;
    CHECK(wrap_line("one two three", 70, measure_chars, &calls) == 7, "two words fit in 70 px");
    CHECK(wrap_line("one two three", 20, measure_chars, &calls) == 2, "a word wider than the line is cut");
    CHECK(wrap_line("", 100, measure_chars, &calls) == 0, "an empty text has no line");
    /* A word far longer than any line buffer (a path in DIGITPAD_MNIST) is
     * cut where each line ends: it once overflowed a 512-byte stack buffer. */
    static char word[5000];
    memset(word, 'x', sizeof word - 1);
    CHECK(check_wrap(word, 620, "5,000-byte word") == 81, "a 4,999-byte word in lines of 62");
    static char utf8[3001];
    for (int i = 0; i < 1000; i++) memcpy(utf8 + 3 * i, "→", 3);
    CHECK(check_wrap(utf8, 95, "three-byte characters") == 112, "1,000 arrows in lines of 9");
    word[600] = 0;   /* (a shorter one: each of its 600 lines measures what is left) */
    CHECK(check_wrap(word, 3, "narrower than a character") == 600, "one character a line, never zero");
}

/* Every dialog's parts, at one window size: inside the card, the card
 * inside the window, buttons side by side. */
static void check_dialogs(int w, int h, float density)
{
    ui_layout l;
    layout_compute(&l, w, h, density, 1.0f);
    ui_rect win = {0, 0, w, h};
    char where[64];
    snprintf(where, sizeof where, "%dx%d@%g", w, h, (double)density);
    settings_layout st;
    file_layout fs, fl;
    eval_layout ev;
    help_layout hp;
    message_layout ms;
    grid_layout gd, gc;
    tune_layout tn;
    settings_layout_compute(&st, &l);
    save_layout_compute(&fs, &l, 1, 40);
    load_layout_compute(&fl, &l, FILE_ROWS, 1, 40);
    eval_layout_compute(&ev, &l);
    help_layout_compute(&hp, &l, 18);
    message_layout_compute(&ms, &l, 3);
    digits_layout_compute(&gd, &l);
    cell_layout_compute(&gc, &l);
    tune_layout_compute(&tn, &l);
    const dialog_box *boxes[] = {&st.box, &fs.box, &fl.box, &ev.box, &hp.box, &ms.box, &gd.box, &gc.box, &tn.box};
    for (size_t i = 0; i < sizeof boxes / sizeof boxes[0]; i++) {
        const dialog_box *b = boxes[i];
        CHECK(rect_inside(b->card, win), "%s: dialog %zu's card leaves the window", where, i);
        CHECK(b->x >= b->card.x && b->x + b->w <= b->card.x + b->card.w, "%s: dialog %zu's column leaves its card", where, i);
        for (int k = 0; k < DIALOG_BUTTONS && b->button[k].w > 0; k++)
            CHECK(rect_inside(b->button[k], b->card), "%s: dialog %zu's button %d leaves its card", where, i, k);
    }
    if (w >= 1100 && h >= 780) {   /* a window of the size the dialogs are made for holds them whole */
        for (int k = 0; k < 3; k++)
            CHECK(rect_inside(st.minus[k], st.box.card) && rect_inside(st.plus[k], st.box.card) &&
                  st.minus[k].x + st.minus[k].w <= st.value_x[k] && st.value_x[k] <= st.plus[k].x,
                  "%s: settings row %d", where, k);
        CHECK(rect_inside(fl.field, fl.box.card) && fl.listed[FILE_ROWS - 1].y + fl.listed[FILE_ROWS - 1].h <= fl.field.y &&
              fl.error_y + 40 <= fl.box.button[0].y && fs.error_y + 40 <= fs.box.button[0].y, "%s: load", where);
        CHECK(rect_inside(gd.area, gd.box.card) && rect_inside(grid_cell(&gd, gd.cols * gd.rows - 1), gd.area),
              "%s: My digits' grid", where);
        CHECK(rect_inside(grid_cell(&gc, gc.cols * gc.rows - 1), gc.area), "%s: a cell's digits", where);
        CHECK(ev.matrix_x + 10 * ev.cell <= ev.box.card.x + ev.box.card.w && ev.cell > 4, "%s: the confusion matrix", where);
        CHECK(gd.open.x + gd.open.w <= gd.box.button[2].x, "%s: Open on canvas overlaps Delete", where);
        /* What each dialog shows stays above its buttons. */
        int line = (int)(20 * l.scale);
        CHECK(hp.note_y + line <= hp.box.button[0].y, "%s: the help's note runs into its button", where);
        CHECK(ev.bars_y + 10 * ev.bar_row + line <= ev.box.button[0].y, "%s: the per-digit bars reach the buttons", where);
        CHECK(ev.matrix_y + 10 * ev.cell <= ev.box.button[0].y, "%s: the matrix reaches the buttons", where);
        CHECK(gd.area.y + gd.area.h < gd.note_y && gd.note_y + line <= gd.box.button[0].y, "%s: My digits' note", where);
        CHECK(tn.note_y + line <= tn.box.button[0].y, "%s: the fine-tune note runs into its buttons", where);
        CHECK(fl.field.y + fl.field.h <= fl.box.button[0].y && st.start_new.y + st.start_new.h <= st.box.button[0].y,
              "%s: load's field or the settings reach the buttons", where);
    }
}

static void test_dialog_layouts(void)
{
    static const int sizes[][2] = {{1100, 780}, {480, 360}, {800, 600}, {1920, 1080}, {3840, 2160}, {1280, 720}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        check_dialogs(sizes[i][0], sizes[i][1], 1.0f);
        check_dialogs(sizes[i][0] * 2, sizes[i][1] * 2, 2.0f);
    }
}

/* The Save and Load fields' editing: caret moves over whole UTF-8
 * characters, edits at the caret, select-all, one line, never overflowing. */
static void test_textfield(void)
{
    text_field t;
    tf_set(&t, "ab");
    tf_insert(&t, "é");   /* two bytes */
    CHECK(strcmp(t.text, "abé") == 0 && t.caret == 4, "typing at the end: '%s' caret %zu", t.text, t.caret);
    tf_left(&t);
    CHECK(t.caret == 2, "Left steps over the whole 'é' (caret %zu)", t.caret);
    tf_insert(&t, "X");
    CHECK(strcmp(t.text, "abXé") == 0 && t.caret == 3, "typing at the caret: '%s'", t.text);
    tf_delete(&t);
    CHECK(strcmp(t.text, "abX") == 0 && t.caret == 3, "Delete removes the whole character after: '%s'", t.text);
    tf_home(&t);
    tf_delete(&t);
    CHECK(strcmp(t.text, "bX") == 0 && t.caret == 0, "Home, Delete: '%s'", t.text);
    tf_backspace(&t);
    CHECK(strcmp(t.text, "bX") == 0 && t.caret == 0, "Backspace at the start does nothing");
    tf_end(&t);
    tf_backspace(&t);
    CHECK(strcmp(t.text, "b") == 0 && t.caret == 1, "End, Backspace: '%s'", t.text);
    tf_right(&t);
    CHECK(t.caret == 1, "Right at the end stays");
    tf_select_all(&t);
    tf_insert(&t, "new");
    CHECK(strcmp(t.text, "new") == 0 && !t.all_selected, "typing replaces everything selected: '%s'", t.text);
    tf_select_all(&t);
    tf_backspace(&t);
    CHECK(t.text[0] == 0 && t.caret == 0, "Backspace with everything selected empties the field");
    tf_insert(&t, "one\ntwo");
    CHECK(strcmp(t.text, "one") == 0, "a paste keeps one line: '%s'", t.text);
    static char big[TEXTFIELD_MAX * 2];
    memset(big, 'x', sizeof big - 1);
    tf_set(&t, "");
    tf_insert(&t, big);
    CHECK(strlen(t.text) == TEXTFIELD_MAX - 1, "a long paste is cut to the field (%zu)", strlen(t.text));
    tf_set(&t, "");
    for (int i = 0; i < TEXTFIELD_MAX; i++) tf_insert(&t, "é");
    CHECK(strlen(t.text) % 2 == 0 && strlen(t.text) >= TEXTFIELD_MAX - 2, "never half a character (%zu bytes)",
          strlen(t.text));
    static char long_path[TEXTFIELD_MAX + 8];
    memset(long_path, 'a', TEXTFIELD_MAX - 2);
    memcpy(long_path + TEXTFIELD_MAX - 2, "é", 2);   /* the é would be cut in half */
    tf_set(&t, long_path);
    CHECK(strlen(t.text) == TEXTFIELD_MAX - 2 && t.caret == strlen(t.text), "a text cut short keeps whole characters (%zu)",
          strlen(t.text));
    char out[256];
    tf_expand_tilde("~/models/a.model", "/home/ann", out, sizeof out);
    CHECK(strcmp(out, "/home/ann/models/a.model") == 0, "~/ is the home folder: %s", out);
    tf_expand_tilde("~", "/home/ann", out, sizeof out);
    CHECK(strcmp(out, "/home/ann") == 0, "~ alone: %s", out);
    tf_expand_tilde("~bob/x", "/home/ann", out, sizeof out);
    CHECK(strcmp(out, "~bob/x") == 0, "~user is left alone: %s", out);
    tf_expand_tilde("/a/~/b", "/home/ann", out, sizeof out);
    CHECK(strcmp(out, "/a/~/b") == 0, "only a leading ~: %s", out);
}

int main(void)
{
    test_textfield();
    test_stroke_widths();
    test_touch();
    test_wrap();
    test_dialog_layouts();
    test_train_csv();
    test_eval_cells();
    test_undo();
    test_history_budget();
    test_image();
    test_builtin_font();
    test_throttle();
    test_frame_stats();
    return check_report("ui");
}

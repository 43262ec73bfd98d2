/* Stroke files (dp_strokes_parse). A file that parses is checked against
 * the documented invariants, drawn the way the network sees it
 * (dp_strokes_to_input) and drawn live: the last stroke's second half added
 * with dp_rasterize_stroke_tail must give the full rendering bit for bit.
 * Small drawings on and around the canvas are also drawn by the brute-force
 * reference, which the fast rasterizer must match as in the unit tests. A
 * file that does not parse must leave the caller's drawing untouched. */
#include "fuzz.h"

#include "preprocess.h"
#include "strokes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SIDE 56   /* the checks run small: the rules are the same at any size */
#define REF_MAX_POINTS 32   /* the reference costs pixels × segments */
#define REF_MAX_COORD 1000.0f   /* beyond, float rounding alone exceeds the tolerance */

static float canvas[DP_CANVAS * DP_CANVAS];
static float full[SIDE * SIDE], live[SIDE * SIDE], ref[SIDE * SIDE];

static void check_invariants(const dp_strokes *s)
{
    FUZZ_ASSERT(s->n_points >= 0 && s->n_points <= DP_MAX_POINTS && s->n_strokes >= 0);
    if (s->n_strokes == 0) return;
    FUZZ_ASSERT(s->starts[0] == 0 && s->starts[s->n_strokes] == s->n_points);
    for (int k = 0; k < s->n_strokes; k++) FUZZ_ASSERT(s->starts[k] <= s->starts[k + 1]);
    for (int i = 0; i < s->n_points; i++)
        FUZZ_ASSERT(fabsf(s->points[i].x) <= 1e6f && fabsf(s->points[i].y) <= 1e6f);
}

/* The window draws a stroke as it grows: render it cut at its middle, then
 * add the rest; the result must equal one rendering of the whole. */
static void check_live_drawing(const dp_strokes *s, float brush)
{
    if (s->n_strokes == 0) return;
    int first = s->starts[s->n_strokes - 1], n = s->n_points - first;
    if (n < 2) return;
    int from = first + n / 2;
    dp_strokes cut;
    dp_strokes_init(&cut);
    FUZZ_ASSERT(dp_strokes_copy(&cut, s) == 0);
    cut.n_points = from;
    cut.starts[cut.n_strokes] = from;
    float scale = (float)SIDE / DP_CANVAS;
    dp_rasterize_into(full, SIDE, SIDE, scale, s, brush);
    dp_rasterize_into(live, SIDE, SIDE, scale, &cut, brush);
    dp_rasterize_stroke_tail(live, SIDE, SIDE, scale, s, from, brush);
    FUZZ_ASSERT(memcmp(full, live, sizeof full) == 0);
    dp_strokes_free(&cut);
}

/* The fast rasterizer against the brute-force one (the unit tests' bound),
 * with the display brush: at least a pixel wide at this scale, where the
 * pieces' overlap error is invisible. */
static void check_against_reference(const dp_strokes *s)
{
    if (s->n_points > REF_MAX_POINTS) return;
    for (int i = 0; i < s->n_points; i++)
        if (fabsf(s->points[i].x) > REF_MAX_COORD || fabsf(s->points[i].y) > REF_MAX_COORD) return;
    float scale = (float)SIDE / DP_CANVAS;
    dp_rasterize_into(full, SIDE, SIDE, scale, s, DP_DEFAULT_BRUSH);
    dp_rasterize_into_ref(ref, SIDE, SIDE, scale, s, DP_DEFAULT_BRUSH);
    for (int i = 0; i < SIDE * SIDE; i++) FUZZ_ASSERT(fabsf(full[i] - ref[i]) < 1e-3f);
}

static void use_drawing(const dp_strokes *s)
{
    float input[DP_PIXELS];
    dp_prep_info info;
    int rc = dp_strokes_to_input(input, canvas, s, DP_BRUSH_AUTO, &info);
    FUZZ_ASSERT(rc == 0 || rc == 1);
    for (int i = 0; i < DP_PIXELS; i++) FUZZ_ASSERT(input[i] >= 0.0f && input[i] <= 1.0f);
    check_live_drawing(s, dp_normalized_brush(s));
    check_against_reference(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dp_strokes s;
    dp_strokes_init(&s);
    FUZZ_ASSERT(dp_strokes_add_point(&s, 1.0f, 2.0f) == 0);   /* a drawing a failed load must keep */
    if (dp_strokes_parse(&s, (const char *)data, size, "fuzz.txt") == 0) {
        check_invariants(&s);
        use_drawing(&s);
    } else {
        FUZZ_ASSERT(s.n_points == 1 && s.n_strokes == 1 && s.points[0].x == 1.0f);
    }
    dp_strokes_free(&s);
    return 0;
}

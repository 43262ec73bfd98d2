/* Drawings to judge models on what the canvas produces rather than on MNIST
 * images: strokes in 28×28 digit coordinates (dp_digit_strokes, or the pen
 * styles below that MNIST lacks) are put on the 280×280 canvas at a random
 * size, place, rotation and slant, with hand wobble, and re-recorded the way
 * a mouse or pen samples a path. All randomness comes from a dp_rng, so a
 * drawing is reproducible from its seed. */
#ifndef DP_REALISM_H
#define DP_REALISM_H

#include "rng.h"
#include "strokes.h"

/* Adds a centripetal Catmull-Rom curve through p[0..n) (n >= 1; repeated
 * points are skipped) to s, sampled about every `step` units along it. It
 * starts a new stroke, or with DP_CURVE_APPEND continues the last one (a
 * first point equal to the stroke's last is then not repeated), so pieces
 * meeting at a sharp corner make one stroke. DP_CURVE_CLOSED joins p[n-1]
 * back to p[0] smoothly and repeats the first point at the end. The curve
 * passes through every p[i] and, unlike the uniform variant, does not loop
 * or overshoot at sharp turns. Returns 0, or -1 (dp_error()) if a point
 * cannot be added. */
#define DP_CURVE_CLOSED 1
#define DP_CURVE_APPEND 2
int dp_strokes_add_curve(dp_strokes *s, const dp_point *p, int n, int flags, float step);

/* How dp_strokes_place draws. Lengths are canvas pixels. */
typedef struct {
    float min_height, max_height;  /* digit height, uniform in between; shrunk if it would not fit */
    float margin;                  /* keep the path this far inside the canvas */
    float max_rotate;              /* rotation, uniform in ±max_rotate degrees */
    float max_slant;               /* shear x -= slant * y (a forward lean), uniform in ±max_slant */
    float max_aspect;              /* width scaled by 1 ± up to max_aspect, uniform */
    float wobble_min, wobble_max;  /* hand wobble, rms px per axis, uniform per drawing */
    float wobble_len;              /* how far along the path the wobble stays alike, px */
    float step_min, step_max;      /* recorded point spacing (pen speed), uniform per drawing */
    float speed_jitter;            /* relative change of the spacing along a stroke */
} dp_place_cfg;

/* Heights 50-250 px, ±8°, slant ±0.15, width ±12 %, wobble 0.5-1.5 px over
 * ~20 px, a point every 2-6 px varying by ±30 %, 4 px margin. */
dp_place_cfg dp_place_defaults(void);

/* Replaces the drawing in s, given in any units (28×28 digit coordinates
 * here), by the same shape drawn on the canvas: scaled to a random height,
 * rotated, slanted, moved anywhere it fits (corners included), and each
 * stroke resampled along its path at the pen's (varying) speed, with smooth
 * wobble added to every point. Strokes of one point stay dots. Returns 0, or
 * -1 with dp_error() for an empty drawing or on allocation failure (s is
 * then unchanged). */
int dp_strokes_place(dp_strokes *s, dp_rng *rng, const dp_place_cfg *cfg);

/* Pen styles MNIST lacks, from templates with random proportions: */
enum {
    DP_STYLE_FLAG1,        /* "1" with a long flag (25-60 % of its height) going down-left */
    DP_STYLE_FLAG1_BASE,   /* the same with a base serif */
    DP_STYLE_PLAIN1,       /* a single line */
    DP_STYLE_CROSS7,       /* "7" with a bar through the stem */
    DP_STYLE_PLAIN7,
    DP_STYLE_SLASH0,       /* "0" with a slash */
    DP_STYLE_PLAIN0,
    DP_STYLE_OPEN4,        /* "4" open at the top: an L, then the stem */
    DP_STYLE_CLOSED4,      /* "4" as a triangle: diagonal and bar, then the stem */
    DP_STYLES
};

const char *dp_style_name(int style);   /* "flag1", "flag1-base", ...; NULL if out of range */
int dp_style_digit(int style);          /* the digit it is, or -1 */

/* Replaces the drawing in out with one sample of the style in the same 28×28
 * coordinates as dp_digit_strokes (about 20 px tall), points about
 * DP_SKEL_STEP apart, ready for dp_strokes_place. Returns 0, or -1 with
 * dp_error() for a bad style or on allocation failure. */
int dp_style_strokes(dp_strokes *out, int style, dp_rng *rng);

/* Replaces the drawing in out with a random scribble that is not a digit
 * (1-3 smooth curves through random points), in the same 28×28 coordinates
 * as dp_digit_strokes, ready for dp_strokes_place: what a model should
 * answer "unsure" to. Returns 0, or -1 with dp_error(). */
int dp_scribble_strokes(dp_strokes *out, dp_rng *rng);

#endif

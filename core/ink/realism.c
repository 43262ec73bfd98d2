/* Placing strokes on the canvas like a hand would, and the pen-style
 * templates. See realism.h. */
#include "realism.h"

#include "common.h"
#include "skeleton.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI_F 3.14159265f

/* ---- curves ----------------------------------------------------------- */

static dp_point lerp(dp_point a, dp_point b, float t) { return (dp_point){a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t}; }

/* Point at parameter t in [k1, k2] of the centripetal Catmull-Rom segment
 * q1 -> q2 with neighbours q0 and q3 and knots k0..k3 (Barry-Goldman). */
static dp_point catmull_rom(const dp_point q[4], const float k[4], float t)
{
    dp_point a1 = lerp(q[0], q[1], (t - k[0]) / (k[1] - k[0]));
    dp_point a2 = lerp(q[1], q[2], (t - k[1]) / (k[2] - k[1]));
    dp_point a3 = lerp(q[2], q[3], (t - k[2]) / (k[3] - k[2]));
    dp_point b1 = lerp(a1, a2, (t - k[0]) / (k[2] - k[0]));
    dp_point b2 = lerp(a2, a3, (t - k[1]) / (k[3] - k[1]));
    return lerp(b1, b2, (t - k[1]) / (k[2] - k[1]));
}

/* Adds p to the last stroke unless it repeats the stroke's last point. */
static int add_unique(dp_strokes *s, dp_point p)
{
    int a = s->starts[s->n_strokes - 1];
    if (s->n_points > a && s->points[s->n_points - 1].x == p.x && s->points[s->n_points - 1].y == p.y) return 0;
    return dp_strokes_add_point(s, p.x, p.y);
}

/* Control point i of q[0..m): wrapped when closed; past the ends of an open
 * curve reflected, so that the end pieces bend no more than they must. */
static dp_point control(const dp_point *q, int m, int i, int closed)
{
    if (closed) return q[(i % m + m) % m];
    if (i < 0) return (dp_point){2 * q[0].x - q[1].x, 2 * q[0].y - q[1].y};
    if (i >= m) return (dp_point){2 * q[m - 1].x - q[m - 2].x, 2 * q[m - 1].y - q[m - 2].y};
    return q[i];
}

/* The piece from q[i] to q[i+1], without its first point. */
static int add_piece(dp_strokes *s, const dp_point *q, int m, int i, int closed, float step)
{
    dp_point c[4];
    float k[4] = {0};
    for (int j = 0; j < 4; j++) c[j] = control(q, m, i - 1 + j, closed);
    for (int j = 1; j < 4; j++)   /* knot spacing: square root of the chord (centripetal) */
        k[j] = k[j - 1] + fmaxf(sqrtf(hypotf(c[j].x - c[j - 1].x, c[j].y - c[j - 1].y)), 1e-4f);
    int steps = (int)ceilf(hypotf(c[2].x - c[1].x, c[2].y - c[1].y) / step), rc = 0;
    steps = steps < 1 ? 1 : steps;
    for (int j = 1; !rc && j <= steps; j++)
        rc = add_unique(s, j == steps ? c[2] : catmull_rom(c, k, k[1] + (k[2] - k[1]) * (float)j / steps));
    return rc;
}

int dp_strokes_add_curve(dp_strokes *s, const dp_point *p, int n, int flags, float step)
{
    int closed = flags & DP_CURVE_CLOSED;
    if (!s || !p || n < 1 || !(step > 0)) return dp_set_error("dp_strokes_add_curve: no points");
    if ((!(flags & DP_CURVE_APPEND) || s->n_strokes == 0) && dp_strokes_begin(s)) return -1;
    dp_point *q = dp_alloc((size_t)n, sizeof *q);
    if (!q) return -1;
    int m = 0;
    for (int i = 0; i < n; i++)
        if (!m || p[i].x != q[m - 1].x || p[i].y != q[m - 1].y) q[m++] = p[i];
    if (closed && m > 1 && q[m - 1].x == q[0].x && q[m - 1].y == q[0].y) m--;
    int rc = add_unique(s, q[0]);
    for (int i = 0; !rc && m > 1 && i < (closed ? m : m - 1); i++) rc = add_piece(s, q, m, i, closed, step);
    free(q);
    return rc;
}

/* ---- placement -------------------------------------------------------- */

dp_place_cfg dp_place_defaults(void)
{
    return (dp_place_cfg){.min_height = 50, .max_height = 250, .margin = 4, .max_rotate = 8, .max_slant = 0.15f,
                          .max_aspect = 0.12f, .wobble_min = 0.5f, .wobble_max = 1.5f, .wobble_len = 20,
                          .step_min = 2, .step_max = 6, .speed_jitter = 0.3f};
}

static float uniform(dp_rng *r, float a, float b) { return a + (b - a) * dp_rng_uniform(r); }

/* x' = a x + b y + tx, y' = c x + d y + ty */
typedef struct { float a, b, c, d, tx, ty; } affine;

static dp_point apply(const affine *m, dp_point p)
{
    return (dp_point){m->a * p.x + m->b * p.y + m->tx, m->c * p.x + m->d * p.y + m->ty};
}

/* The random pose: aspect, slant, rotation about the drawing's centre, then
 * the size and a place where the whole drawing fits, `edge` px from the
 * canvas sides. The draws happen in a fixed order (reproducibility). */
static affine pose(const dp_strokes *s, dp_rng *r, const dp_place_cfg *cfg, float edge)
{
    float rot = uniform(r, -1, 1) * cfg->max_rotate * PI_F / 180, slant = uniform(r, -1, 1) * cfg->max_slant;
    float aspect = 1 + uniform(r, -1, 1) * cfg->max_aspect, height = uniform(r, cfg->min_height, cfg->max_height);
    float fx = dp_rng_uniform(r), fy = dp_rng_uniform(r), co = cosf(rot), si = sinf(rot);
    affine m = {co * aspect, -co * slant - si, si * aspect, -si * slant + co, 0, 0};
    float x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (int i = 0; i < s->n_points; i++) {
        dp_point q = apply(&m, s->points[i]);
        x0 = fminf(x0, q.x), x1 = fmaxf(x1, q.x), y0 = fminf(y0, q.y), y1 = fmaxf(y1, q.y);
    }
    float w = x1 - x0, h = y1 - y0, room = DP_CANVAS - 2 * edge;
    /* a flat shape (a dash) still gets a sensible size from its width */
    float scale = fmaxf(h, 0.3f * w) > 1e-6f ? height / fmaxf(h, 0.3f * w) : 1.0f;
    if (w * scale > room) scale = room / w;
    if (h * scale > room) scale = room / h;
    m.a *= scale, m.b *= scale, m.c *= scale, m.d *= scale;
    m.tx = edge + fx * (room - w * scale) - x0 * scale;
    m.ty = edge + fy * (room - h * scale) - y0 * scale;
    return m;
}

/* A smoothly varying quantity: an AR(1) process with standard deviation
 * sigma whose memory is `length` (in the units of the steps taken). */
typedef struct { float value, sigma, length; } drift;

static void drift_step(drift *d, dp_rng *r, float dist)
{
    float rho = expf(-dist / d->length);
    d->value = rho * d->value + sqrtf(1 - rho * rho) * d->sigma * dp_rng_normal(r);
}

static int add_wobbly(dp_strokes *dst, dp_point p, drift *wx, drift *wy)
{
    float x = fminf(fmaxf(p.x + wx->value, 0.0f), (float)DP_CANVAS);
    float y = fminf(fmaxf(p.y + wy->value, 0.0f), (float)DP_CANVAS);
    return dp_strokes_add_point(dst, x, y);
}

/* Re-records the path p[0..n) (already on the canvas) as a pen would: a
 * point every `step` px along it, the spacing drifting by ±jitter as the
 * hand speeds up and slows down, each point off the path by the wobble. */
static int record(dp_strokes *dst, const dp_point *p, int n, dp_rng *r, float step, const dp_place_cfg *cfg,
                  float sigma)
{
    drift wx = {sigma * dp_rng_normal(r), sigma, cfg->wobble_len}, wy = {sigma * dp_rng_normal(r), sigma, cfg->wobble_len};
    drift speed = {dp_rng_normal(r), 1, 3 * cfg->wobble_len};
    if (dp_strokes_begin(dst) || add_wobbly(dst, p[0], &wx, &wy)) return -1;
    float walked = 0, next = step, last = 0;
    for (int i = 1; i < n; i++) {
        float len = hypotf(p[i].x - p[i - 1].x, p[i].y - p[i - 1].y);
        if (!(len > 0)) continue;
        for (; next <= walked + len; next += step * (1 + cfg->speed_jitter * fminf(fmaxf(speed.value, -1), 1))) {
            drift_step(&wx, r, next - last), drift_step(&wy, r, next - last), drift_step(&speed, r, next - last);
            if (add_wobbly(dst, lerp(p[i - 1], p[i], (next - walked) / len), &wx, &wy)) return -1;
            last = next;
        }
        walked += len;
    }
    if (walked - last < 0.3f * step && n > 1 && walked > 0) return 0;   /* the last sample is the end */
    drift_step(&wx, r, walked - last), drift_step(&wy, r, walked - last);
    return n > 1 ? add_wobbly(dst, p[n - 1], &wx, &wy) : 0;
}

int dp_strokes_place(dp_strokes *s, dp_rng *rng, const dp_place_cfg *cfg)
{
    if (!s || s->n_points < 1) return dp_set_error("nothing to place: the drawing is empty");
    float sigma = uniform(rng, cfg->wobble_min, cfg->wobble_max), step = uniform(rng, cfg->step_min, cfg->step_max);
    affine m = pose(s, rng, cfg, cfg->margin + 2 * sigma);
    dp_strokes out;
    dp_strokes_init(&out);
    dp_point *path = dp_alloc((size_t)s->n_points, sizeof *path);
    int rc = path ? 0 : -1;
    for (int k = 0; !rc && k < s->n_strokes; k++) {
        int a = s->starts[k], n = s->starts[k + 1] - a;
        for (int i = 0; i < n; i++) path[i] = apply(&m, s->points[a + i]);
        if (n > 0) rc = record(&out, path, n, rng, step, cfg, sigma);
    }
    free(path);
    if (!rc) {
        dp_strokes t = *s;   /* swap: s gets the new drawing, the old one is freed */
        *s = out, out = t;
    }
    dp_strokes_free(&out);
    return rc;
}

/* ---- pen styles ------------------------------------------------------- *
 *
 * Templates are written in a unit box (x right, y down, height 1) and put
 * into 28×28 digit coordinates 20 px tall, like MNIST's digits. Every
 * proportion is drawn at random within the range people use. */

static dp_point unit(float x, float y) { return (dp_point){4 + 20 * x, 4 + 20 * y}; }

/* A slightly bowed line from a to b (unit coordinates): bow is the bulge
 * at its middle, as a fraction of its length, to the left of a->b. */
static int bowed(dp_strokes *s, dp_point a, dp_point b, float bow, int flags)
{
    float dx = b.x - a.x, dy = b.y - a.y;
    dp_point p[3] = {unit(a.x, a.y), unit(0.5f * (a.x + b.x) + bow * dy, 0.5f * (a.y + b.y) - bow * dx), unit(b.x, b.y)};
    return dp_strokes_add_curve(s, p, 3, flags, DP_SKEL_STEP);
}

static float bow(dp_rng *r) { return uniform(r, -0.06f, 0.06f); }

/* "1": the stem, with a flag going down-left from its top (flag > 0, as a
 * fraction of the height) drawn first in the same stroke, and a base. */
static int style_one(dp_strokes *s, dp_rng *r, float flag, int base)
{
    dp_point top = {0.5f + uniform(r, -0.05f, 0.05f), uniform(r, 0, 0.03f)};
    dp_point foot = {top.x + uniform(r, -0.12f, 0.03f), uniform(r, 0.97f, 1)};
    int rc = 0;
    if (flag > 0) {
        float angle = uniform(r, 25, 55) * PI_F / 180;   /* below the horizontal */
        dp_point tip = {top.x - flag * cosf(angle), top.y + flag * sinf(angle)};
        rc = bowed(s, tip, top, uniform(r, -0.02f, 0.1f), 0);
    }
    rc = rc ? rc : bowed(s, top, foot, bow(r), flag > 0 ? DP_CURVE_APPEND : 0);
    if (!rc && base) {
        float left = uniform(r, 0.12f, 0.3f), right = uniform(r, 0.12f, 0.3f);
        rc = bowed(s, (dp_point){foot.x - left, foot.y + uniform(r, -0.03f, 0.03f)},
                   (dp_point){foot.x + right, foot.y + uniform(r, -0.03f, 0.03f)}, bow(r) / 2, 0);
    }
    return rc;
}

/* "7": the bar and the diagonal in one stroke; crossed, also a short bar
 * through the middle of the stem. */
static int style_seven(dp_strokes *s, dp_rng *r, int crossed)
{
    dp_point a = {uniform(r, 0.05f, 0.2f), uniform(r, 0, 0.06f)}, c = {uniform(r, 0.75f, 0.9f), uniform(r, -0.02f, 0.04f)};
    dp_point d = {uniform(r, 0.28f, 0.5f), uniform(r, 0.96f, 1)};
    int rc = bowed(s, a, c, bow(r) / 2, 0);
    rc = rc ? rc : bowed(s, c, d, bow(r), DP_CURVE_APPEND);
    if (!rc && crossed) {
        float y = uniform(r, 0.45f, 0.6f), t = (y - c.y) / (d.y - c.y), x = c.x + t * (d.x - c.x);
        float left = uniform(r, 0.12f, 0.25f), right = uniform(r, 0.12f, 0.25f);
        rc = bowed(s, (dp_point){x - left, y + uniform(r, -0.03f, 0.03f)}, (dp_point){x + right, y + uniform(r, -0.03f, 0.03f)},
                   bow(r) / 2, 0);
    }
    return rc;
}

/* "0": an oval from the top, counter-clockwise, overshooting its start a
 * little; slashed, also a line from upper right to lower left through it. */
static int style_zero(dp_strokes *s, dp_rng *r, int slashed)
{
    enum { N = 16 };
    float cx = 0.4f, cy = 0.5f, rx = uniform(r, 0.25f, 0.38f), ry = 0.5f, over = uniform(r, 0.0f, 0.1f);
    float wave = uniform(r, -0.05f, 0.05f), phase = uniform(r, 0, 2 * PI_F);
    dp_point p[N + 1];
    for (int i = 0; i <= N; i++) {
        float t = -PI_F / 2 - 2 * PI_F * (1 + over) * i / N, k = 1 + wave * cosf(2 * t + phase);
        p[i] = unit(cx + k * rx * cosf(t), cy + k * ry * sinf(t));
    }
    int rc = dp_strokes_add_curve(s, p, N + 1, 0, DP_SKEL_STEP);
    if (!rc && slashed)
        rc = bowed(s, (dp_point){cx + rx * uniform(r, 0.6f, 1.2f), cy - ry * uniform(r, 0.7f, 1.1f)},
                   (dp_point){cx - rx * uniform(r, 0.6f, 1.2f), cy + ry * uniform(r, 0.7f, 1.1f)}, bow(r) / 2, 0);
    return rc;
}

/* "4": first stroke down to the corner and along the bar (from the top of
 * the stem when closed, from further left when open), then the stem. */
static int style_four(dp_strokes *s, dp_rng *r, int closed)
{
    dp_point stem = {uniform(r, 0.6f, 0.75f), uniform(r, 0, 0.06f)};
    dp_point corner = {uniform(r, 0.02f, 0.18f), uniform(r, 0.55f, 0.68f)};
    dp_point end = {uniform(r, 0.8f, 0.95f), corner.y + uniform(r, -0.04f, 0.04f)};
    dp_point start = closed ? (dp_point){stem.x + uniform(r, -0.03f, 0.03f), stem.y + uniform(r, 0, 0.03f)}
                            : (dp_point){uniform(r, 0.15f, 0.35f), uniform(r, 0, 0.08f)};
    if (!closed) stem.y = uniform(r, 0, 0.15f);
    int rc = bowed(s, start, corner, bow(r) / 2, 0);
    rc = rc ? rc : bowed(s, corner, end, bow(r) / 2, DP_CURVE_APPEND);
    return rc ? rc : bowed(s, stem, (dp_point){stem.x + uniform(r, -0.08f, 0.03f), uniform(r, 0.96f, 1)}, bow(r), 0);
}

static const struct {
    const char *name;
    int digit;
} styles[DP_STYLES] = {
    [DP_STYLE_FLAG1] = {"flag1", 1},   [DP_STYLE_FLAG1_BASE] = {"flag1-base", 1}, [DP_STYLE_PLAIN1] = {"plain1", 1},
    [DP_STYLE_CROSS7] = {"cross7", 7}, [DP_STYLE_PLAIN7] = {"plain7", 7},         [DP_STYLE_SLASH0] = {"slash0", 0},
    [DP_STYLE_PLAIN0] = {"plain0", 0}, [DP_STYLE_OPEN4] = {"open4", 4},           [DP_STYLE_CLOSED4] = {"closed4", 4},
};

const char *dp_style_name(int style) { return style >= 0 && style < DP_STYLES ? styles[style].name : NULL; }

int dp_style_digit(int style) { return style >= 0 && style < DP_STYLES ? styles[style].digit : -1; }

int dp_style_strokes(dp_strokes *out, int style, dp_rng *rng)
{
    dp_strokes_clear(out);
    int rc;
    switch (style) {
    case DP_STYLE_FLAG1: rc = style_one(out, rng, uniform(rng, 0.25f, 0.6f), 0); break;
    case DP_STYLE_FLAG1_BASE: rc = style_one(out, rng, uniform(rng, 0.25f, 0.6f), 1); break;
    case DP_STYLE_PLAIN1: rc = style_one(out, rng, 0, 0); break;
    case DP_STYLE_CROSS7: rc = style_seven(out, rng, 1); break;
    case DP_STYLE_PLAIN7: rc = style_seven(out, rng, 0); break;
    case DP_STYLE_SLASH0: rc = style_zero(out, rng, 1); break;
    case DP_STYLE_PLAIN0: rc = style_zero(out, rng, 0); break;
    case DP_STYLE_OPEN4: rc = style_four(out, rng, 0); break;
    case DP_STYLE_CLOSED4: rc = style_four(out, rng, 1); break;
    default: return dp_set_error("no pen style %d (there are %d)", style, DP_STYLES);
    }
    if (rc) dp_strokes_clear(out);
    return rc;
}

int dp_scribble_strokes(dp_strokes *out, dp_rng *rng)
{
    /* 1-3 smooth random curves through 3-7 points each, anywhere in the
     * 20×20 box a digit would occupy: loops, zigzags and hooks that are no
     * digit at all. */
    dp_strokes_clear(out);
    int strokes = 1 + (int)dp_rng_below(rng, 3);
    for (int k = 0; k < strokes; k++) {
        dp_point p[7];
        int n = 3 + (int)dp_rng_below(rng, 5);
        for (int i = 0; i < n; i++) p[i] = (dp_point){4 + 20 * dp_rng_uniform(rng), 4 + 20 * dp_rng_uniform(rng)};
        if (dp_strokes_add_curve(out, p, n, dp_rng_uniform(rng) < 0.2f ? DP_CURVE_CLOSED : 0, DP_SKEL_STEP) != 0)
            return -1;
    }
    return 0;
}

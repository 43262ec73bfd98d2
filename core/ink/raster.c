/* The anti-aliased round-brush rasterizer of strokes.h: whole drawings,
 * views of them at any scale, and the tail of a stroke being drawn.
 *
 * Coverage of a pixel is clamp(R - d, 0, 1) with R = r + 0.5 and d the
 * distance from the pixel centre to the stroke's centre line: full ink up to
 * r - 0.5, a one-pixel linear ramp, nothing from R on. A stroke is the union
 * of capsules around its segments, and since coverage only falls with d,
 * "max over capsules" is "coverage of the nearest point of the polyline".
 *
 * Visiting every capsule's pixels is slow: mouse points lie ~2 px apart and a
 * brush is ~18 px wide, so each pixel would be evaluated by ~10 capsules.
 * Instead the nearest point is either
 *   - the perpendicular foot inside some segment: the pixel lies in that
 *     segment's rectangle (0 <= along <= length) and d = |across|, which is
 *     linear along a pixel line, so no sqrt; these rectangles tile the
 *     stroke with little overlap; or
 *   - a vertex v: then the pixel is beyond the end of the incoming segment
 *     and before the start of the outgoing one, i.e. in the narrow wedge
 *     {w.u_in >= 0, w.u_out <= 0} (w = pixel - v) on the outside of the turn,
 *     and d = |w|. At the ends of a stroke the wedge is a half-plane (cap),
 *     and a one-point stroke is a full disc.
 * Every piece yields a distance >= the true one and the piece holding the
 * nearest point yields it exactly, so max over pieces is exact. So that
 * rounding at a piece's edge cannot leave a pixel in no piece, rectangles
 * reach RECT_OVERLAP px past their ends; that under-estimates d there by at
 * most RECT_OVERLAP²/(2d), invisible except on the centre line of a brush
 * under 1 px. dp_rasterize_into_ref below is the brute-force version the
 * tests compare against.
 *
 * Any image size: points and brush are multiplied by `scale` first (exact
 * for scale 1, so the canvas rendering is what it always was), and the
 * pieces clip to the w×h image.
 *
 * Drawing live: pieces only ever raise pixels (max), and every piece of a
 * drawing stays a piece when points are appended, except the end cap of the
 * last stroke: once the stroke goes on, its old end is a vertex whose wedge
 * is narrower than the cap. In exact arithmetic the cap's extra pixels are
 * no darker than what the new segment gives them, but in float they can be
 * by an ulp or so near the wedge's edge, so dp_rasterize_stroke_tail
 * re-renders the old cap's box instead: it zeroes the box and draws every
 * piece near it with writes limited to the box. The value a piece computes
 * for a pixel never depends on that write window (rectangles still start
 * their sums at the first pixel inside the image), so the box comes out bit
 * for bit as a full rendering would. */

#include "strokes.h"

#include <math.h>
#include <string.h>

#define RECT_OVERLAP 1e-3f
#define TINY 1e-7f
#define MAX_SCALE 1e4f

/* fminf/fmaxf are library calls on x86-64 (they must handle NaN); these
 * compile to single minss/maxss instructions. */
static inline float min_f(float a, float b) { return a < b ? a : b; }
static inline float max_f(float a, float b) { return a > b ? a : b; }

typedef struct {
    float R;         /* r + 0.5: coverage is zero at or beyond this distance */
    float R2;        /* R² */
    float in2;       /* (r - 0.5)²: full coverage within; -1 if r < 0.5 */
} brush;

/* Where pieces draw: a w×h image, of which only the window x0..x1, y0..y1
 * (inclusive) is written. */
typedef struct {
    float *img;
    int w, h;
    int x0, x1, y0, y1;
} target;

/* Pixel indices whose centres (k + 0.5) lie in [lo, hi], clipped to 0..n-1.
 * Clamping in float first keeps the conversions defined for huge values
 * (and maps NaN to the whole line); ceil and floor are done by hand because
 * without SSE4.1 ceilf/floorf expand to ~20 instructions each. */
static int pixel_range(float lo, float hi, int n, int *k0, int *k1)
{
    lo = max_f(lo - 0.5f, -1.0f);
    hi = min_f(hi - 0.5f, (float)n);
    if (!(lo <= hi)) return 0;
    int a = (int)lo, b = (int)hi;   /* truncation: ceil for lo < 0, floor for hi >= 0 */
    a += (float)a < lo;
    b -= (float)b > hi;
    *k0 = a < 0 ? 0 : a;
    *k1 = b > n - 1 ? n - 1 : b;
    return *k0 <= *k1;
}

/* Narrows k0..k1 to lo..hi; 0 when nothing is left. */
static int clamp_range(int *k0, int *k1, int lo, int hi)
{
    if (*k0 < lo) *k0 = lo;
    if (*k1 > hi) *k1 = hi;
    return *k0 <= *k1;
}

/* Maxes coverage c into *px without a branch (a data-dependent branch here
 * mispredicts all along the anti-aliased rim). */
static inline void put(float *px, float c) { *px = max_f(*px, c); }

/* Segment a-b's rectangle (|across| < R, 0 <= along <= len). Walks lines
 * across the segment's main axis, so lines are long and few (the per-line
 * setup and loop exit cost more than the pixels). On a line at offset h the
 * pixels inside form an interval of offsets q,
 *   |across| = |q*uo - h*un| <= R   and   0 <= along = h*uo + q*un <= len,
 * whose ends move linearly with h: slopes and widths are set per segment.
 * (along really runs from -RECT_OVERLAP to len + RECT_OVERLAP.) */
static void draw_rect(const target *t, dp_point a, dp_point b, const brush *br)
{
    float dx = b.x - a.x, dy = b.y - a.y, len = sqrtf(dx * dx + dy * dy);
    int by_cols = fabsf(dx) >= fabsf(dy);
    /* (o, n): o is the outer (line) coordinate, n runs along a line. */
    float ao = by_cols ? a.x : a.y, an = by_cols ? a.y : a.x;
    float uo = (by_cols ? dx : dy) / len, un = (by_cols ? dy : dx) / len;   /* |uo| >= 0.7 */
    int no = by_cols ? t->w : t->h, nn = by_cols ? t->h : t->w;
    int wo0 = by_cols ? t->x0 : t->y0, wo1 = by_cols ? t->x1 : t->y1;
    int wn0 = by_cols ? t->y0 : t->x0, wn1 = by_cols ? t->y1 : t->x1;
    size_t ostride = by_cols ? 1 : (size_t)t->w, istride = by_cols ? (size_t)t->w : 1;
    float bo = ao + len * uo, ext = br->R * fabsf(un) + RECT_OVERLAP;
    int j0, j1;
    if (!pixel_range(min_f(ao, bo) - ext, max_f(ao, bo) + ext, no, &j0, &j1) || !clamp_range(&j0, &j1, wo0, wo1))
        return;

    float across_slope = un / uo, across_half = br->R / fabsf(uo);
    /* when un ~ 0 the line range above already bounds `along` */
    int has_along = fabsf(un) > TINY;
    float along_slope = has_along ? -uo / un : 0;
    float along_a = has_along ? -RECT_OVERLAP / un : 0, along_b = has_along ? (len + RECT_OVERLAP) / un : 0;
    float along_lo = min_f(along_a, along_b), along_hi = max_f(along_a, along_b);
    for (int j = j0; j <= j1; j++) {
        float h = (float)j + 0.5f - ao;   /* pixel = a + (h, q) in (o, n) */
        float lo = h * across_slope - across_half, hi = h * across_slope + across_half;
        if (has_along) {
            lo = max_f(lo, h * along_slope + along_lo);
            hi = min_f(hi, h * along_slope + along_hi);
        }
        int i0, i1;
        if (!pixel_range(lo + an, hi + an, nn, &i0, &i1)) continue;
        /* values count from i0, the first pixel in the image, whatever the window */
        float across = ((float)i0 + 0.5f - an) * uo - h * un;
        int k0 = i0, k1 = i1;
        if (!clamp_range(&k0, &k1, wn0, wn1)) continue;
        float *line = t->img + (size_t)j * ostride;
        if (istride == 1) {   /* contiguous: lets the compiler vectorize */
            float *px = line + i0;
            for (int i = k0 - i0; i <= k1 - i0; i++)
                px[i] = max_f(px[i], min_f(br->R - fabsf(across + (float)i * uo), 1.0f));
        } else {
            for (int i = i0; i < k0; i++) across += uo;   /* the same running sum as from i0 */
            float *px = line + (size_t)k0 * istride;
            for (int i = k0; i <= k1; i++, px += istride, across += uo)
                put(px, min_f(br->R - fabsf(across), 1.0f));
        }
    }
}

/* Grows box {x0, x1, y0, y1} to include v + R*(dx, dy). */
static void bbox_add(float box[4], dp_point v, float R, float dx, float dy)
{
    box[0] = min_f(box[0], v.x + R * dx);
    box[1] = max_f(box[1], v.x + R * dx);
    box[2] = min_f(box[2], v.y + R * dy);
    box[3] = max_f(box[3], v.y + R * dy);
}

/* Bounding box of the wedge at v within R. The wedge lies between the rays
 * along e1 (normal of u_in on the wedge side) and e2 (normal of u_out), and
 * may reach an axis direction between them. Caps and near-reversals use the
 * whole disc. */
static void wedge_bbox(float box[4], dp_point v, dp_point ui, dp_point uo, float R)
{
    float turn = ui.x * uo.x + ui.y * uo.y;
    int partial = (ui.x != 0 || ui.y != 0) && (uo.x != 0 || uo.y != 0) && turn > -0.99f;
    box[0] = box[1] = v.x;
    box[2] = box[3] = v.y;
    if (!partial) {
        bbox_add(box, v, R, -1, -1);
        bbox_add(box, v, R, 1, 1);
        return;
    }
    float cross = ui.x * uo.y - ui.y * uo.x;   /* > 0: turning towards +90 degrees */
    float side = cross > 0 ? -1.0f : 1.0f;     /* the wedge is on the other side */
    bbox_add(box, v, R, -side * ui.y, side * ui.x);
    bbox_add(box, v, R, -side * uo.y, side * uo.x);
    if (ui.x >= 0 && uo.x <= 0) bbox_add(box, v, R, 1, 0);
    if (ui.x <= 0 && uo.x >= 0) bbox_add(box, v, R, -1, 0);
    if (ui.y >= 0 && uo.y <= 0) bbox_add(box, v, R, 0, 1);
    if (ui.y <= 0 && uo.y >= 0) bbox_add(box, v, R, 0, -1);
}

/* A half-plane a*q >= h*c (q the offset along a line at offset h) as a bound
 * on q: lower (kind 1) or upper (kind -1) bound h*k, or, when a ~ 0, a
 * condition on h alone (kind 0: the line is in iff h*c <= 0). */
typedef struct {
    int kind;
    float k, c;
} halfplane;

static halfplane make_halfplane(float a, float c)
{
    if (a > TINY) return (halfplane){1, c / a, c};
    if (a < -TINY) return (halfplane){-1, c / a, c};
    return (halfplane){0, 0, c};
}

/* Applies the half-plane to [*lo, *hi] on the line at h; 0 when empty. */
static int clip_halfplane(const halfplane *hp, float h, float *lo, float *hi)
{
    if (hp->kind > 0) *lo = max_f(*lo, h * hp->k);
    else if (hp->kind < 0) *hi = min_f(*hi, h * hp->k);
    else if (h * hp->c > 0) return 0;
    return *lo <= *hi;
}

/* The round part at vertex v: pixels w = p - v with w.ui >= 0 and
 * w.uo <= 0 (a zero direction drops its condition) get clamp(R - |w|).
 * Lines run across the box's shorter side; on each, the two half-planes
 * cut an interval, and the disc is tested per pixel (sqrt only on the rim). */
static void draw_wedge(const target *t, dp_point v, dp_point ui, dp_point uo, const brush *br)
{
    float box[4];
    wedge_bbox(box, v, ui, uo, br->R);
    int by_cols = box[1] - box[0] <= box[3] - box[2];
    float vo = by_cols ? v.x : v.y, vn = by_cols ? v.y : v.x;
    int no = by_cols ? t->w : t->h, nn = by_cols ? t->h : t->w;
    int wo0 = by_cols ? t->x0 : t->y0, wo1 = by_cols ? t->x1 : t->y1;
    int wn0 = by_cols ? t->y0 : t->x0, wn1 = by_cols ? t->y1 : t->x1;
    size_t ostride = by_cols ? 1 : (size_t)t->w, istride = by_cols ? (size_t)t->w : 1;
    /* w = (h, q) in (o, n): w.ui = h*io + q*in >= 0 and w.uo = h*oo + q*on <= 0 */
    halfplane hin = by_cols ? make_halfplane(ui.y, -ui.x) : make_halfplane(ui.x, -ui.y);
    halfplane hout = by_cols ? make_halfplane(-uo.y, uo.x) : make_halfplane(-uo.x, uo.y);
    int j0, j1;
    if (!pixel_range(by_cols ? box[0] : box[2], by_cols ? box[1] : box[3], no, &j0, &j1) ||
        !clamp_range(&j0, &j1, wo0, wo1))
        return;
    for (int j = j0; j <= j1; j++) {
        float h = (float)j + 0.5f - vo;   /* pixel = v + (h, q) in (o, n) */
        float lo = -br->R, hi = br->R;
        if (!clip_halfplane(&hin, h, &lo, &hi) || !clip_halfplane(&hout, h, &lo, &hi)) continue;
        int i0, i1;
        if (!pixel_range(lo + vn, hi + vn, nn, &i0, &i1) || !clamp_range(&i0, &i1, wn0, wn1)) continue;
        float *line = t->img + (size_t)j * ostride;
        for (int i = i0; i <= i1; i++) {
            float q = (float)i + 0.5f - vn, d2 = h * h + q * q;
            if (d2 >= br->R2) continue;
            put(line + (size_t)i * istride, d2 <= br->in2 ? 1.0f : min_f(br->R - sqrtf(d2), 1.0f));
        }
    }
}

static dp_point unit(dp_point a, dp_point b)
{
    float dx = b.x - a.x, dy = b.y - a.y, len = sqrtf(dx * dx + dy * dy);
    return (dp_point){dx / len, dy / len};
}

/* Canvas coordinates to image pixels: shift by the view's origin, then
 * scale (both exact for an integer origin and scale 1). */
typedef struct { float scale, ox, oy; } xform;

static dp_point scaled(dp_point p, const xform *xf)
{
    return (dp_point){(p.x - xf->ox) * xf->scale, (p.y - xf->oy) * xf->scale};
}

/* Same point (within 1e-6 px after scaling): no direction. */
static int same_point(dp_point a, dp_point b)
{
    float dx = b.x - a.x, dy = b.y - a.y;
    return dx * dx + dy * dy < 1e-12f;
}

static brush make_brush(float brush_width, float scale, int w, int h)
{
    float r = brush_width > 0 ? brush_width * 0.5f : 0.0f;   /* also maps NaN to 0 */
    r *= scale;                                               /* exact for scale 1 */
    float r_max = 2.0f * (float)(w > h ? w : h);              /* a bigger brush just fills everything */
    if (r > r_max) r = r_max;
    return (brush){r + 0.5f, (r + 0.5f) * (r + 0.5f), r >= 0.5f ? (r - 0.5f) * (r - 0.5f) : -1.0f};
}

/* Could pieces around segment a-b (a == b: the disc at a) write inside the
 * window? Pieces reach at most R + RECT_OVERLAP from the segment, so with a
 * margin of a pixel this never skips a piece that would draw there. */
static int near_window(const target *t, dp_point a, dp_point b, float R)
{
    float m = R + 1.0f;
    return min_f(a.x, b.x) - m <= (float)t->x1 + 1.0f && max_f(a.x, b.x) + m >= (float)t->x0 &&
           min_f(a.y, b.y) - m <= (float)t->y1 + 1.0f && max_f(a.y, b.y) + m >= (float)t->y0;
}

/* One stroke: rectangles for the segments, wedges at the vertices, drawing
 * only the pieces that start at point `from` - 1 or later (1: all) and lie
 * near the window. Repeated points are skipped (a zero-length segment has
 * no direction and adds no ink beyond its neighbours' wedges); a stroke
 * whose points all coincide is a dot. */
static void draw_stroke(const target *t, const dp_point *p, int n, const xform *scale, const brush *br, int from)
{
    const dp_point none = {0, 0};
    if (n <= 0) return;
    int prev = 0, pprev = -1;        /* last distinct vertex and the one before */
    dp_point a = scaled(p[0], scale);   /* vertex prev, scaled */
    dp_point u_in = none;            /* direction pprev -> prev, when u_known */
    int u_known = 1;
    for (int k = 1; k < n; k++) {
        dp_point b = scaled(p[k], scale);
        if (same_point(a, b)) continue;
        if (k >= from && near_window(t, a, b, br->R)) {
            if (!u_known) u_in = unit(scaled(p[pprev], scale), a);
            dp_point u_out = unit(a, b);
            draw_rect(t, a, b, br);
            draw_wedge(t, a, u_in, u_out, br);
            u_in = u_out;
            u_known = 1;
        } else {
            u_known = 0;
        }
        pprev = prev;
        prev = k;
        a = b;
    }
    if (!near_window(t, a, a, br->R)) return;
    if (!u_known) u_in = unit(scaled(p[pprev], scale), a);
    draw_wedge(t, a, u_in, none, br);   /* end cap, or the dot */
}

static int raster_size_ok(const float *img, int w, int h)
{
    return img && w >= 1 && h >= 1 && w <= DP_RASTER_MAX && h <= DP_RASTER_MAX;
}

static int raster_scale_ok(float scale) { return scale > 0 && scale <= MAX_SCALE; }

void dp_rasterize_view(float *img, int w, int h, float scale, float ox, float oy, const dp_strokes *s,
                       float brush_width)
{
    if (!raster_size_ok(img, w, h)) return;
    memset(img, 0, sizeof(float) * (size_t)w * (size_t)h);
    if (!s || !raster_scale_ok(scale) || !(fabsf(ox) <= 1e6f && fabsf(oy) <= 1e6f)) return;
    target t = {img, w, h, 0, w - 1, 0, h - 1};
    brush br = make_brush(brush_width, scale, w, h);
    xform xf = {scale, ox, oy};
    for (int k = 0; k < s->n_strokes; k++)
        draw_stroke(&t, s->points + s->starts[k], s->starts[k + 1] - s->starts[k], &xf, &br, 1);
}

void dp_rasterize_into(float *img, int w, int h, float scale, const dp_strokes *s, float brush_width)
{
    dp_rasterize_view(img, w, h, scale, 0.0f, 0.0f, s, brush_width);
}

void dp_rasterize(float *canvas, const dp_strokes *s, float brush_width)
{
    dp_rasterize_into(canvas, DP_CANVAS, DP_CANVAS, 1.0f, s, brush_width);
}

void dp_rasterize_stroke_tail(float *img, int w, int h, float scale, const dp_strokes *s, int from_point,
                              float brush_width)
{
    if (!raster_size_ok(img, w, h) || !s || !raster_scale_ok(scale) || s->n_strokes < 1) return;
    int first = s->starts[s->n_strokes - 1];
    const dp_point *p = s->points + first;
    int n = s->starts[s->n_strokes] - first, from = from_point - first;
    if (from >= n) return;   /* no new points */
    target all = {img, w, h, 0, w - 1, 0, h - 1};
    brush br = make_brush(brush_width, scale, w, h);
    const xform xf = {scale, 0.0f, 0.0f};
    if (from < 1) {          /* the whole stroke is new */
        draw_stroke(&all, p, n, &xf, &br, 1);
        return;
    }
    /* The old end: the last distinct vertex among the first `from` points.
     * If the new points all repeat it, the image is already right. */
    dp_point v = scaled(p[0], &xf);
    for (int k = 1; k < from; k++) {
        dp_point b = scaled(p[k], &xf);
        if (!same_point(v, b)) v = b;
    }
    int moved = 0;
    for (int k = from; k < n && !moved; k++) moved = !same_point(v, scaled(p[k], &xf));
    if (!moved) return;

    /* Re-render the box of the old end cap (a disc around v, see above). */
    const dp_point none = {0, 0};
    float box[4];
    wedge_bbox(box, v, none, none, br.R);
    target win = all;
    if (pixel_range(box[0], box[1], w, &win.x0, &win.x1) && pixel_range(box[2], box[3], h, &win.y0, &win.y1)) {
        for (int y = win.y0; y <= win.y1; y++)
            memset(img + (size_t)y * (size_t)w + win.x0, 0, sizeof(float) * (size_t)(win.x1 - win.x0 + 1));
        for (int k = 0; k < s->n_strokes; k++)
            draw_stroke(&win, s->points + s->starts[k], s->starts[k + 1] - s->starts[k], &xf, &br, 1);
    }
    draw_stroke(&all, p, n, &xf, &br, from);
}

/* Distance from (px, py) to segment a-b, in double. */
static double segment_distance(double px, double py, double ax, double ay, double bx, double by)
{
    double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double ex = px - ax - t * dx, ey = py - ay - t * dy;
    return sqrt(ex * ex + ey * ey);
}

void dp_rasterize_into_ref(float *img, int w, int h, float scale, const dp_strokes *s, float brush_width)
{
    if (!raster_size_ok(img, w, h)) return;
    if (!s || !raster_scale_ok(scale)) {
        memset(img, 0, sizeof(float) * (size_t)w * (size_t)h);
        return;
    }
    brush br = make_brush(brush_width, scale, w, h);
    double sc = scale;
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++) {
            double best = INFINITY;
            for (int k = 0; k < s->n_strokes; k++) {
                int a = s->starts[k], e = s->starts[k + 1];
                for (int m = a; m < e; m++) {
                    dp_point q0 = s->points[m], q1 = s->points[m + 1 < e ? m + 1 : m];
                    double d = segment_distance(i + 0.5, j + 0.5, sc * q0.x, sc * q0.y, sc * q1.x, sc * q1.y);
                    if (d < best) best = d;
                }
            }
            double c = br.R - best;
            img[(size_t)j * w + i] = (float)(c < 0 ? 0 : c > 1 ? 1 : c);
        }
}

void dp_rasterize_ref(float *canvas, const dp_strokes *s, float brush_width)
{
    dp_rasterize_into_ref(canvas, DP_CANVAS, DP_CANVAS, 1.0f, s, brush_width);
}

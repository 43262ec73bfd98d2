/* The MNIST recipe: crop to the ink, scale the longer side to 20 px with
 * area-averaging, and place the result in 28×28 with its centre of mass on
 * (14,14) to sub-pixel precision.
 *
 * Geometry: source point x (continuous, pixel x spans [x, x+1)) lands at
 * u = s*x + off in the output, so output pixel i (spanning [i, i+1)) averages
 * the source over x in [(i-off)/s, (i+1-off)/s). That box filter is
 * separable, so an output pixel is a weighted sum over a source rectangle
 * with weight 1 inside and fractional weights on its edge rows/columns. */
#include "preprocess.h"
#include "common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#define INK_THRESHOLD 0.05f    /* pixels above this count for the bounding box */
#define COM_TARGET 14.0        /* MNIST's mean centre of mass, index coordinates */
#define COM_TOLERANCE 0.01     /* stop correcting once this close */
#define SMALL_SIDE 1024        /* up to this size the scratch lives on the stack */

static inline float max_f(float a, float b) { return a > b ? a : b; }
static inline float min_f(float a, float b) { return a < b ? a : b; }

float dp_center_of_mass(const float *img, int w, int h, float *cx, float *cy)
{
    double m = 0, mx = 0, my = 0;
    for (int y = 0; y < h; y++) {
        double row = 0, rowx = 0;
        for (int x = 0; x < w; x++) {
            row += img[(size_t)y * w + x];
            rowx += (double)x * img[(size_t)y * w + x];
        }
        m += row;
        mx += rowx;
        my += (double)y * row;
    }
    /* an empty image has no centre of mass: report the image centre */
    int empty = !(m > 0);
    if (cx) *cx = empty ? 0.5f * (float)(w - 1) : (float)(mx / m);
    if (cy) *cy = empty ? 0.5f * (float)(h - 1) : (float)(my / m);
    return (float)m;
}

/* ---- one pass over the source ------------------------------------------ */

/* Per-row and per-column sums and maxima of the source: everything later
 * (ink, bounding box, centre of mass, the profiles used to place the digit)
 * comes from these, so the image is read once in full. */
typedef struct {
    float *colsum, *colmax;   /* w each */
    float *rowsum, *rowmax;   /* h each */
} profiles;

/* Four floats in one SSE/NEON register (a GCC/Clang extension): the
 * compiler will not vectorize float sums itself, since that reorders
 * additions, and this pass is the bulk of the work. */
typedef float v4f __attribute__((vector_size(16)));
typedef int v4i __attribute__((vector_size(16)));

static inline v4f load4(const float *p)
{
    v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void store4(float *p, v4f v) { memcpy(p, &v, sizeof v); }

/* Lane-wise max: maxps on x86, a masked select elsewhere. */
static inline v4f max4(v4f a, v4f b)
{
#if defined(__SSE__)
    return (v4f)_mm_max_ps((__m128)a, (__m128)b);
#else
    v4i m = a > b;
    return (v4f)((m & (v4i)a) | (~m & (v4i)b));
#endif
}

static void scan_row(const float *restrict row, int w, float *restrict colsum, float *restrict colmax,
                     float *sum, float *max)
{
    /* Four accumulators each, or the add latency chained from one
     * iteration to the next would set the pace. */
    v4f s[4] = {{0}}, m[4] = {{0}};
    int x = 0;
    for (; x + 16 <= w; x += 16)
        for (int k = 0; k < 4; k++) {
            v4f v = load4(row + x + 4 * k);
            s[k] += v;
            m[k] = max4(m[k], v);
            store4(colsum + x + 4 * k, load4(colsum + x + 4 * k) + v);
            store4(colmax + x + 4 * k, max4(load4(colmax + x + 4 * k), v));
        }
    for (; x + 4 <= w; x += 4) {
        v4f v = load4(row + x);
        s[0] += v;
        m[0] = max4(m[0], v);
        store4(colsum + x, load4(colsum + x) + v);
        store4(colmax + x, max4(load4(colmax + x), v));
    }
    v4f st = (s[0] + s[1]) + (s[2] + s[3]), mt = max4(max4(m[0], m[1]), max4(m[2], m[3]));
    float rs = (st[0] + st[1]) + (st[2] + st[3]);
    float rm = max_f(max_f(mt[0], mt[1]), max_f(mt[2], mt[3]));
    for (; x < w; x++) {
        float v = row[x];
        rs += v;
        rm = max_f(rm, v);
        colsum[x] += v;
        colmax[x] = max_f(colmax[x], v);
    }
    *sum = rs;
    *max = rm;
}

static void scan(const float *img, int w, int h, profiles *p)
{
    memset(p->colsum, 0, (size_t)w * sizeof(float));
    memset(p->colmax, 0, (size_t)w * sizeof(float));
    for (int y = 0; y < h; y++)
        scan_row(img + (size_t)y * w, w, p->colsum, p->colmax, &p->rowsum[y], &p->rowmax[y]);
}

/* First and last index with v[i] > t, or 0 when there is none. */
static int extent(const float *v, int n, float t, int *first, int *last)
{
    int a = 0, b = n - 1;
    while (a < n && !(v[a] > t)) a++;
    if (a == n) return 0;
    while (!(v[b] > t)) b--;
    *first = a;
    *last = b;
    return 1;
}

/* Σ i*v[i] / Σ v[i] in double. */
static double profile_com(const float *v, int lo, int hi, double *mass)
{
    double m = 0, mi = 0;
    for (int i = lo; i <= hi; i++) {
        m += v[i];
        mi += (double)i * v[i];
    }
    *mass = m;
    return m > 0 ? mi / m : 0.5 * (lo + hi);
}

/* ---- area-averaging ------------------------------------------------------ */

/* The source pixels lo..hi under one output pixel: weight 1 inside, wlo and
 * whi for the partly covered end pixels (lo == hi: wlo alone). Empty when
 * lo > hi. */
typedef struct {
    int lo, hi;
    float wlo, whi;
} span;

/* Spans of the 28 output pixels for scale s and offset off, restricted to
 * source pixels first..last (outside them the source is zero). */
static void make_spans(span sp[DP_INPUT], double s, double off, int first, int last)
{
    for (int i = 0; i < DP_INPUT; i++) {
        double xa = fmax((i - off) / s, first), xb = fmin((i + 1 - off) / s, last + 1.0);
        sp[i] = (span){1, 0, 0, 0};
        if (!(xa < xb)) continue;
        int lo = (int)floor(xa), hi = (int)ceil(xb) - 1;
        if (hi < lo) hi = lo;
        if (lo == hi) sp[i] = (span){lo, hi, (float)(xb - xa), 0};
        else sp[i] = (span){lo, hi, (float)(lo + 1 - xa), (float)(xb - hi)};
    }
}

static float span_sum(const float *v, const span *sp)
{
    if (sp->lo > sp->hi) return 0;
    if (sp->lo == sp->hi) return v[sp->lo] * sp->wlo;
    float sum = 0;
    for (int x = sp->lo + 1; x < sp->hi; x++) sum += v[x];
    return sum + v[sp->lo] * sp->wlo + v[sp->hi] * sp->whi;
}

/* The offset that puts the centre of mass of the 1-D resampled profile on
 * COM_TARGET. Without clipping, the 2-D output's centre of mass along an
 * axis depends only on the source's profile along that axis, so this costs
 * a few 1-D resamples instead of 2-D ones. The output's centre of mass moves
 * one-for-one with the offset (up to sampling), hence the plain update. */
static double place_1d(const float *profile, int first, int last, double s, double com_src)
{
    double off = COM_TARGET + 0.5 - s * (com_src + 0.5);   /* exact for the continuous image */
    for (int iter = 0; iter < 6; iter++) {
        span sp[DP_INPUT];
        float out[DP_INPUT];
        double mass;
        make_spans(sp, s, off, first, last);
        for (int i = 0; i < DP_INPUT; i++) out[i] = span_sum(profile, &sp[i]);
        double err = COM_TARGET - profile_com(out, 0, DP_INPUT - 1, &mass);
        if (!(mass > 0) || fabs(err) < 1e-4) break;
        off += err;
    }
    return off;
}

/* Renders the 28×28 area-average for the given spans: first sums each
 * output row's source rows into acc (contiguous, vectorizable), then
 * collapses acc's columns with the column spans. */
static void render(float *out, const float *img, int w, const span xs[DP_INPUT], const span ys[DP_INPUT],
                   float scale2, float *acc)
{
    int a = -1, b = -2;   /* source columns any output column reads */
    for (int i = 0; i < DP_INPUT; i++)
        if (xs[i].lo <= xs[i].hi) {
            if (a < 0) a = xs[i].lo;
            b = xs[i].hi;
        }
    for (int j = 0; j < DP_INPUT; j++) {
        float *o = out + j * DP_INPUT;
        const span *sy = &ys[j];
        if (sy->lo > sy->hi || a < 0) {
            memset(o, 0, DP_INPUT * sizeof(float));
            continue;
        }
        const float *r = img + (size_t)sy->lo * w;
        for (int x = a; x <= b; x++) acc[x] = sy->wlo * r[x];
        for (int y = sy->lo + 1; y < sy->hi; y++) {
            r = img + (size_t)y * w;
            for (int x = a; x <= b; x++) acc[x] += r[x];
        }
        if (sy->hi > sy->lo) {
            r = img + (size_t)sy->hi * w;
            for (int x = a; x <= b; x++) acc[x] += sy->whi * r[x];
        }
        for (int i = 0; i < DP_INPUT; i++) {
            float v = scale2 * span_sum(acc, &xs[i]);
            o[i] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
    }
}

/* ---- the recipe ------------------------------------------------------------ */

typedef struct {
    double s;          /* source pixels -> output pixels */
    double ox, oy;     /* output position of source (0,0) */
    int sx0, sx1, sy0, sy1;   /* source columns/rows holding any ink at all */
} placement;

/* Renders with the placement, then measures the output's centre of mass and
 * corrects the offsets: the 1-D placement is exact unless part of the digit
 * was clipped at the 28×28 border, and then one or two corrections do. */
static void render_placed(float *out, const float *img, int w, placement *pl, float *acc)
{
    for (int pass = 0; pass < 3; pass++) {
        span xs[DP_INPUT], ys[DP_INPUT];
        make_spans(xs, pl->s, pl->ox, pl->sx0, pl->sx1);
        make_spans(ys, pl->s, pl->oy, pl->sy0, pl->sy1);
        render(out, img, w, xs, ys, (float)(pl->s * pl->s), acc);
        float cx, cy;
        if (!(dp_center_of_mass(out, DP_INPUT, DP_INPUT, &cx, &cy) > 0)) return;
        double ex = COM_TARGET - cx, ey = COM_TARGET - cy;
        if (fabs(ex) < COM_TOLERANCE && fabs(ey) < COM_TOLERANCE) return;
        pl->ox += ex;
        pl->oy += ey;
    }
}

static int preprocess(float *out, const float *img, int w, int h, dp_prep_info *info, profiles *p, double min_ink)
{
    scan(img, w, h, p);
    double ink = 0, mass;
    for (int y = 0; y < h; y++) ink += p->rowsum[y];
    dp_prep_info in = {0, 0, -1, -1, 0.5f * (float)(w - 1), 0.5f * (float)(h - 1), (float)ink};
    int has_box = extent(p->colmax, w, INK_THRESHOLD, &in.x0, &in.x1) &&
                  extent(p->rowmax, h, INK_THRESHOLD, &in.y0, &in.y1);
    double com_x = profile_com(p->colsum, 0, w - 1, &mass), com_y = profile_com(p->rowsum, 0, h - 1, &mass);
    if (ink > 0 && isfinite(ink)) {
        in.com_x = (float)com_x;
        in.com_y = (float)com_y;
    }
    if (info) *info = in;
    memset(out, 0, DP_PIXELS * sizeof(float));
    /* NaN or infinite ink fails this test too: no digit rather than garbage */
    if (!(ink >= min_ink && isfinite(ink)) || !has_box) return 0;

    /* The scale comes from the bounding box; the rendering reads every
     * source pixel with any ink (the faint fringe lands just outside the
     * 20-px box, anti-aliased as it should be). */
    int side = in.x1 - in.x0 > in.y1 - in.y0 ? in.x1 - in.x0 + 1 : in.y1 - in.y0 + 1;
    placement pl = {(double)DP_FIT / side, 0, 0, in.x0, in.x1, in.y0, in.y1};
    extent(p->colmax, w, 0.0f, &pl.sx0, &pl.sx1);
    extent(p->rowmax, h, 0.0f, &pl.sy0, &pl.sy1);
    pl.ox = place_1d(p->colsum, pl.sx0, pl.sx1, pl.s, com_x);
    pl.oy = place_1d(p->rowsum, pl.sy0, pl.sy1, pl.s, com_y);
    render_placed(out, img, w, &pl, p->colmax);   /* colmax is free now: reuse it */
    return 1;
}

/* dp_preprocess with the "no digit" threshold given in source pixels. */
static int dp_preprocess_min_ink(float *out, const float *img, int w, int h, dp_prep_info *info, double min_ink)
{
    if (info) *info = (dp_prep_info){0, 0, -1, -1, 0, 0, 0};   /* defined on every error path too */
    if (!out || !img || w < 1 || h < 1 || w > (1 << 20) || h > (1 << 20))
        return dp_set_error("preprocess: bad image (%dx%d%s)", w, h, img && out ? "" : ", NULL buffer");
    float small[4 * SMALL_SIDE];
    float *buf = small;
    if (w > SMALL_SIDE || h > SMALL_SIDE) {
        buf = dp_alloc(2 * ((size_t)w + (size_t)h), sizeof(float));
        if (!buf) return dp_prefix_error("preprocess");
    }
    size_t W = (size_t)w, H = (size_t)h;
    profiles p = {buf, buf + W, buf + 2 * W, buf + 2 * W + H};
    int rc = preprocess(out, img, w, h, info, &p, min_ink);
    if (buf != small) free(buf);
    return rc;
}

int dp_preprocess(float *out, const float *img, int w, int h, dp_prep_info *info)
{
    return dp_preprocess_min_ink(out, img, w, h, info, DP_MIN_INK);
}

/* ---- stroke-width normalization ------------------------------------------ */

/* b/(E+b) = w/20 for the target width w (see the header). */
#define BRUSH_FRACTION ((double)DP_MNIST_STROKE / (DP_FIT - (double)DP_MNIST_STROKE))
#define AA_FRINGE 1.0f   /* the recipe's box also holds ~0.45 px of ramp on each side */

static inline float clamp_f(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }

float dp_normalized_brush(const dp_strokes *s)
{
    if (!s || s->n_strokes < 1 || s->starts[s->n_strokes] <= s->starts[0]) return DP_BRUSH_MIN;
    float x0 = DP_CANVAS, x1 = 0, y0 = DP_CANVAS, y1 = 0;
    for (int i = s->starts[0]; i < s->starts[s->n_strokes]; i++) {
        float x = clamp_f(s->points[i].x, 0, DP_CANVAS), y = clamp_f(s->points[i].y, 0, DP_CANVAS);
        x0 = x < x0 ? x : x0;
        x1 = x > x1 ? x : x1;
        y0 = y < y0 ? y : y0;
        y1 = y > y1 ? y : y1;
    }
    float extent = max_f(x1 - x0, y1 - y0);
    return clamp_f((float)(BRUSH_FRACTION * (extent + AA_FRINGE)), DP_BRUSH_MIN, DP_BRUSH_MAX);
}

/* The network sees the drawing at 20 px; rasterizing it at about five
 * times that, instead of the canvas's full 280 px, leaves the area-average
 * as smooth while touching up to 8 times fewer pixels. */
#define RASTER_LONG_SIDE 64.0f

/* The part of the canvas the ink can reach: the points' box grown by the
 * brush, clipped to the canvas. 0 if there are no points. */
static int ink_region(const dp_strokes *s, float brush, float box[4])
{
    if (!s || s->n_points < 1) return 0;
    float x0 = s->points[0].x, x1 = x0, y0 = s->points[0].y, y1 = y0;
    for (int i = 1; i < s->n_points; i++) {
        x0 = min_f(x0, s->points[i].x), x1 = max_f(x1, s->points[i].x);
        y0 = min_f(y0, s->points[i].y), y1 = max_f(y1, s->points[i].y);
    }
    float grow = brush * 0.5f + 1.0f;
    box[0] = clamp_f(floorf(x0 - grow), 0, DP_CANVAS), box[1] = clamp_f(ceilf(x1 + grow), 0, DP_CANVAS);
    box[2] = clamp_f(floorf(y0 - grow), 0, DP_CANVAS), box[3] = clamp_f(ceilf(y1 + grow), 0, DP_CANVAS);
    return box[1] > box[0] && box[3] > box[2];
}

/* Maps what dp_preprocess found in the view back to canvas coordinates. */
static void view_to_canvas(dp_prep_info *info, float ox, float oy, float scale)
{
    float k = 1.0f / scale;
    info->x0 = (int)floorf(ox + (float)info->x0 * k);
    info->y0 = (int)floorf(oy + (float)info->y0 * k);
    info->x1 = (int)ceilf(ox + (float)(info->x1 + 1) * k) - 1;
    info->y1 = (int)ceilf(oy + (float)(info->y1 + 1) * k) - 1;
    info->com_x = ox + (info->com_x + 0.5f) * k - 0.5f;
    info->com_y = oy + (info->com_y + 0.5f) * k - 0.5f;
    info->ink *= k * k;
}

int dp_strokes_to_input(float *out, float *canvas, const dp_strokes *s, float brush_width,
                        dp_prep_info *info)
{
    if (!(brush_width > 0)) brush_width = dp_normalized_brush(s);
    float box[4];
    if (!ink_region(s, brush_width, box)) {
        memset(canvas, 0, sizeof(float) * DP_CANVAS * DP_CANVAS);
        return dp_preprocess(out, canvas, DP_CANVAS, DP_CANVAS, info);
    }
    float extent = max_f(box[1] - box[0], box[3] - box[2]);
    float scale = extent > RASTER_LONG_SIDE ? RASTER_LONG_SIDE / extent : 1.0f;
    int w = (int)ceilf((box[1] - box[0]) * scale), h = (int)ceilf((box[3] - box[2]) * scale);
    w = w < 1 ? 1 : w, h = h < 1 ? 1 : h;
    dp_rasterize_view(canvas, w, h, scale, box[0], box[2], s, brush_width);
    /* Too little ink is judged at canvas scale, as if drawn on the canvas. */
    dp_prep_info view;
    int rc = dp_preprocess_min_ink(out, canvas, w, h, &view, DP_MIN_INK * scale * scale);
    if (rc >= 0) view_to_canvas(&view, box[0], box[2], scale);   /* an error leaves the empty box */
    if (info) *info = view;
    return rc;
}

/* Mean of the outermost rows and columns: the background of most pictures. */
static float border_mean(const float *px, int w, int h)
{
    double sum = 0.0;
    long n = 0;
    for (int x = 0; x < w; x++) sum += px[x] + px[(long)(h - 1) * w + x], n += 2;
    for (int y = 0; y < h; y++) sum += px[(long)y * w] + px[(long)y * w + w - 1], n += 2;
    return (float)(sum / (double)n);
}

int dp_image_to_input(float *out, float *pixels, int w, int h)
{
    if (!out || !pixels || w < 1 || h < 1) return -1;
    long n = (long)w * h;
    if (border_mean(pixels, w, h) > 0.5f)
        for (long i = 0; i < n; i++) pixels[i] = 1.0f - pixels[i];
    if (w != DP_INPUT || h != DP_INPUT) return dp_preprocess(out, pixels, w, h, NULL);
    double ink = 0.0;
    for (long i = 0; i < n; i++) {
        float v = pixels[i];
        out[i] = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;   /* also maps NaN to 0 */
        ink += out[i];
    }
    if (ink * 100.0 < DP_MIN_INK) {   /* a 28×28 pixel covers 100 canvas pixels */
        memset(out, 0, sizeof(float) * (size_t)n);
        return 0;
    }
    return 1;
}

#include "augment.h"
#include "preprocess.h"
#include "realism.h"
#include "strokes.h"

#include <math.h>
#include <string.h>

#define SRC 28
#define UP 2                      /* working resolution: 2 pixels per source pixel */
#define SIDE DP_AUG_SIDE
#define GRID 5                    /* elastic control points per side */

dp_augment_cfg dp_augment_defaults(void)
{
    dp_augment_cfg c = {
        .rotate_deg = 12.0f, .shear = 0.25f, .aspect = 0.2f, .elastic = 0.6f,
        .thin = 0.6f, .thick = 0.9f, .style_prob = 0.25f, .clean_share = 0.5f, .redraw_share = 0.0f,
    };
    return c;
}

static float uniform(dp_rng *r, float lo, float hi) { return lo + (hi - lo) * dp_rng_uniform(r); }

/* The source as floats with a border of zeros (PAD pixels), so bilinear
 * sampling anywhere in [-1, 28) needs no bounds checks. */
#define PAD 2
#define PSRC (SRC + 2 * PAD)

static void pad_source(float *p, const uint8_t *img)
{
    memset(p, 0, sizeof(float) * PSRC * PSRC);
    for (int y = 0; y < SRC; y++)
        for (int x = 0; x < SRC; x++) p[(y + PAD) * PSRC + x + PAD] = img[y * SRC + x] * (1.0f / 255.0f);
}

/* Bilinear sample at (x, y) in source pixel-centre units, x and y in (-1, 28). */
static inline float sample(const float *p, float x, float y)
{
    x += PAD, y += PAD;
    int x0 = (int)x, y0 = (int)y;
    float ax = x - (float)x0, ay = y - (float)y0;
    const float *q = p + y0 * PSRC + x0;
    float top = q[0] + ax * (q[1] - q[0]), bottom = q[PSRC] + ax * (q[PSRC + 1] - q[PSRC]);
    return top + ay * (bottom - top);
}

/* Smooth displacement: a GRID×GRID lattice of random offsets, bilinearly
 * interpolated, so the digit bends gently instead of jittering. */
typedef struct { float dx[GRID][GRID], dy[GRID][GRID]; } elastic_field;

static void make_field(elastic_field *f, dp_rng *r, float sigma)
{
    for (int i = 0; i < GRID; i++)
        for (int j = 0; j < GRID; j++) {
            f->dx[i][j] = sigma * dp_rng_normal(r);
            f->dy[i][j] = sigma * dp_rng_normal(r);
        }
}


/* Stroke width of an MNIST digit in source pixels: ink over half its
 * outline length (total variation), as the stroke-width calibration did. */
static float stroke_width(const uint8_t *img)
{
    double ink = 0, tv = 0;
    for (int y = 0; y < SRC; y++)
        for (int x = 0; x < SRC; x++) {
            double v = img[y * SRC + x] / 255.0;
            ink += v;
            if (x + 1 < SRC) tv += fabs(v - img[y * SRC + x + 1] / 255.0);
            if (y + 1 < SRC) tv += fabs(v - img[(y + 1) * SRC + x] / 255.0);
        }
    return tv > 0 ? (float)(2.0 * ink / tv) : 2.5f;
}

/* Warps the digit onto the working grid. The grid spans 40 source pixels
 * centred on the image, so rotated or sheared digits are not cut. Edges are
 * made crisp again by a tone curve whose midpoint also sets the stroke
 * width: bilinear upsampling gives each edge a ramp about one source pixel
 * wide, and thresholding it lower or higher moves the edge out or in. */
static void warp(float *hi, const uint8_t *img, dp_rng *r, const dp_augment_cfg *c, float width_shift)
{
    float src[PSRC * PSRC];
    pad_source(src, img);
    float a = uniform(r, -c->rotate_deg, c->rotate_deg) * (float)M_PI / 180.0f;
    float sh = uniform(r, -c->shear, c->shear), asp = expf(uniform(r, -c->aspect, c->aspect));
    /* Inverse map from output to source: undo rotation, shear and aspect. */
    float ca = cosf(a), sa = sinf(a);
    float m00 = ca / asp, m01 = sa / asp, m10 = -sa * asp, m11 = ca * asp;
    m00 += sh * m10, m01 += sh * m11;
    elastic_field f;
    make_field(&f, r, c->elastic);
    /* Ramp ≈ 1 source px wide: moving the midpoint by d px moves each edge
     * by about d/2. lo stays above 0 so the background stays black. */
    float mid = 0.5f - 0.5f * width_shift;
    mid = mid < 0.16f ? 0.16f : mid > 0.88f ? 0.88f : mid;
    float lo = mid - 0.12f, inv = 1.0f / 0.24f;
    const float c0 = (SIDE - 1) * 0.5f, src_c = (SRC - 1) * 0.5f, k = 1.0f / UP;
    const float seg = (SIDE - 1.0f) / (GRID - 1);   /* pixels between control columns */
    for (int y = 0; y < SIDE; y++) {
        /* The elastic field along this row, at the control columns. */
        float gy = (float)y / seg;
        int i = (int)gy < GRID - 2 ? (int)gy : GRID - 2;
        float ty = gy - (float)i, rdx[GRID], rdy[GRID];
        for (int j = 0; j < GRID; j++) {
            rdx[j] = (1 - ty) * f.dx[i][j] + ty * f.dx[i + 1][j];
            rdy[j] = (1 - ty) * f.dy[i][j] + ty * f.dy[i + 1][j];
        }
        float oy = ((float)y - c0) * k;
        float *row = hi + (long)y * SIDE;
        /* Between two control columns both the affine map and the field are
         * linear in x, so the source position is a + b*x there. */
        for (int j = 0; j < GRID - 1; j++) {
            int xa = (int)ceilf((float)j * seg), xb = j == GRID - 2 ? SIDE - 1 : (int)ceilf((float)(j + 1) * seg) - 1;
            float x0 = (float)j * seg;
            float bx = m00 * k + (rdx[j + 1] - rdx[j]) / seg, by = m10 * k + (rdy[j + 1] - rdy[j]) / seg;
            float ax = m00 * (x0 - c0) * k + m01 * oy + src_c + rdx[j];   /* position at x0 */
            float ay = m10 * (x0 - c0) * k + m11 * oy + src_c + rdy[j];
            for (int x = xa; x <= xb; x++) {
                float sx = ax + bx * ((float)x - x0), sy = ay + by * ((float)x - x0);
                if (!(sx > -1.0f && sy > -1.0f && sx < (float)SRC && sy < (float)SRC)) {
                    row[x] = 0.0f;
                    continue;
                }
                float t = (sample(src, sx, sy) - lo) * inv;
                t = t < 0 ? 0 : t > 1 ? 1 : t;
                row[x] = t * t * (3 - 2 * t);   /* smoothstep */
            }
        }
    }
}

/* ---- pen styles ------------------------------------------------------------ */

typedef struct { int x0, y0, x1, y1; } box;

static int ink_box(const float *hi, box *b)
{
    b->x0 = SIDE, b->y0 = SIDE, b->x1 = -1, b->y1 = -1;
    for (int y = 0; y < SIDE; y++)
        for (int x = 0; x < SIDE; x++)
            if (hi[y * SIDE + x] > 0.5f) {
                if (x < b->x0) b->x0 = x;
                if (x > b->x1) b->x1 = x;
                if (y < b->y0) b->y0 = y;
                if (y > b->y1) b->y1 = y;
            }
    return b->x1 >= b->x0;
}

/* Mean x of the ink in rows [ya, yb]. */
static float ink_x(const float *hi, int ya, int yb)
{
    double s = 0, m = 0;
    for (int y = ya < 0 ? 0 : ya; y <= yb && y < SIDE; y++)
        for (int x = 0; x < SIDE; x++) s += x * hi[y * SIDE + x], m += hi[y * SIDE + x];
    return m > 0 ? (float)(s / m) : SIDE * 0.5f;
}

/* Draws a straight pen stroke into hi, combining with max like the canvas. */
static void add_line(float *hi, float *tmp, float x0, float y0, float x1, float y1, float width)
{
    dp_strokes s;
    dp_strokes_init(&s);
    if (dp_strokes_begin(&s) == 0 && dp_strokes_add_point(&s, x0, y0) == 0 && dp_strokes_add_point(&s, x1, y1) == 0) {
        dp_rasterize_view(tmp, SIDE, SIDE, 1.0f, 0.0f, 0.0f, &s, width);
        for (int i = 0; i < SIDE * SIDE; i++) hi[i] = hi[i] > tmp[i] ? hi[i] : tmp[i];
    }
    dp_strokes_free(&s);
}

/* A flag on a 1 (the European way, often long) and sometimes a foot; a bar
 * through a 7; a slash through a 0. */
static void add_style(float *hi, float *tmp, int label, dp_rng *r, float width)
{
    box b;
    if (!ink_box(hi, &b)) return;
    float h = (float)(b.y1 - b.y0 + 1), w = (float)(b.x1 - b.x0 + 1);
    if (label == 1) {
        float tx = ink_x(hi, b.y0, b.y0 + (int)(0.08f * h)), ty = (float)b.y0 + width * 0.3f;
        float len = uniform(r, 0.25f, 0.6f) * h, ang = uniform(r, 20.0f, 60.0f) * (float)M_PI / 180.0f;
        add_line(hi, tmp, tx, ty, tx - len * cosf(ang), ty + len * sinf(ang), width);
        if (dp_rng_uniform(r) < 0.3f) {
            float bx = ink_x(hi, b.y1 - (int)(0.08f * h), b.y1), half = uniform(r, 0.15f, 0.3f) * h;
            add_line(hi, tmp, bx - half, (float)b.y1 - width * 0.3f, bx + half, (float)b.y1 - width * 0.3f, width);
        }
    } else if (label == 7) {
        float y = (float)b.y0 + uniform(r, 0.45f, 0.65f) * h, cx = ink_x(hi, (int)y - 2, (int)y + 2);
        float half = uniform(r, 0.15f, 0.25f) * h, tilt = uniform(r, -0.12f, 0.12f) * half;
        add_line(hi, tmp, cx - half, y + tilt, cx + half, y - tilt, width);
    } else if (label == 0) {
        float cx = 0.5f * (float)(b.x0 + b.x1), cy = 0.5f * (float)(b.y0 + b.y1);
        float ang = uniform(r, 50.0f, 75.0f) * (float)M_PI / 180.0f, len = 0.55f * sqrtf(w * w + h * h);
        add_line(hi, tmp, cx - len * cosf(ang), cy + len * sinf(ang), cx + len * cosf(ang), cy - len * sinf(ang),
                 width);
    }
}

void dp_augment_image(float *out, const uint8_t *img, int label, dp_rng *rng, const dp_augment_cfg *cfg,
                      float *scratch)
{
    float *hi = scratch, *tmp = scratch + SIDE * SIDE;
    float width = stroke_width(img);
    float shift = uniform(rng, -cfg->thin, cfg->thick);
    if (shift < 1.3f - width) shift = 1.3f - width;   /* a thin digit is not thinned away */
    warp(hi, img, rng, cfg, shift);
    if ((label == 0 || label == 1 || label == 7) && dp_rng_uniform(rng) < cfg->style_prob)
        add_style(hi, tmp, label, rng, (width + shift) * UP);
    if (dp_preprocess(out, hi, SIDE, SIDE, NULL) != 1)
        for (int i = 0; i < SRC * SRC; i++) out[i] = img[i] * (1.0f / 255.0f);
}

int dp_redraw(float *out, const dp_strokes *traced, dp_rng *rng, dp_strokes *work, float *canvas)
{
    if (dp_strokes_copy(work, traced) != 0) return -1;
    dp_place_cfg place = dp_place_defaults();
    if (dp_strokes_place(work, rng, &place) != 0) return -1;
    float brush = dp_normalized_brush(work) * uniform(rng, 0.75f, 1.35f);
    return dp_strokes_to_input(out, canvas, work, brush, NULL) == 1 ? 0 : -1;
}

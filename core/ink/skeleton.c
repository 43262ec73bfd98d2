/* Digit image -> pen strokes: the image stage. The digit is upsampled 4×
 * (112×112), where MNIST's ~2.5 px strokes are ~10 px wide, wide enough for
 * thinning to find a clean centre line:
 *   1. bilinear upsampling and a threshold; dust removed, pinholes filled;
 *   2. Zhang-Suen thinning, then staircase corners removed so that a line
 *      pixel has exactly two neighbours.
 * strokegraph.c then traces the lines into strokes. */
#include "skeleton.h"

#include "common.h"
#include "strokegraph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { UP = SK_UP, SIDE = SK_SIDE, STRIDE = SK_STRIDE, NPIX = SK_NPIX };

#define INK_LEVEL 100.0f      /* upsampled grey level (of 255) counted as ink */
#define DUST_SHARE 0.02f      /* components under this share of the ink are dust */
#define HOLE_MAX 12           /* enclosed background up to this many pixels is filled */

#define OFF SK_OFF

typedef struct {
    uint8_t bin[NPIX];  /* ink, then skeleton */
    int label[NPIX];    /* component labels */
    int queue[NPIX];
    int size[NPIX];     /* component sizes by label */
    int list[NPIX];     /* the ink pixels left while thinning */
    int n_list;
    float dist[NPIX];   /* chamfer distance to background, pixels */
    int y0, y1;         /* rows holding ink */
} work;

/* Every pixel of the rows that hold ink (borders included: they are empty). */
#define FOR_INK_ROWS(w, p) for (int p = (w)->y0 * STRIDE; p < ((w)->y1 + 1) * STRIDE; p++)

/* ---- 1. the ink ------------------------------------------------------- */

/* Bilinear 4× upsampling (pixel centres aligned) and threshold; returns the
 * number of ink pixels and notes the rows they are in. The source gets an
 * empty border so that no sample needs a bounds check, and blank 2×2
 * neighbourhoods (most of an MNIST image) are skipped. */
static int upsample(work *w, const uint8_t *img)
{
    float src[30 * 30] = {0}, frac[SIDE];
    int at[SIDE], ink = 0;
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++) src[(y + 1) * 30 + x + 1] = img[y * 28 + x];
    for (int u = 0; u < SIDE; u++) {   /* source pixel left of (above) sample u, and the weight */
        float s = (u + 0.5f) / UP - 0.5f;
        at[u] = (int)floorf(s) + 1, frac[u] = s - floorf(s);
    }
    memset(w->bin, 0, sizeof w->bin);
    w->y0 = STRIDE, w->y1 = 0;
    for (int v = 0; v < SIDE; v++) {
        const float *r0 = src + at[v] * 30, *r1 = r0 + 30;
        float fy = frac[v];
        for (int u = 0; u < SIDE; u++) {
            int x = at[u];
            if (r0[x] + r0[x + 1] + r1[x] + r1[x + 1] == 0) continue;
            float g = (1 - fy) * (r0[x] + frac[u] * (r0[x + 1] - r0[x])) + fy * (r1[x] + frac[u] * (r1[x + 1] - r1[x]));
            if (g < INK_LEVEL) continue;
            w->bin[(v + 1) * STRIDE + u + 1] = 1;
            ink++;
            w->y0 = v + 1 < w->y0 ? v + 1 : w->y0, w->y1 = v + 1;
        }
    }
    return ink;
}

/* Labels the 8- (or 4-) connected region of pixels equal to bin[start] as
 * `id`, within the rows around the ink (y0-1 .. y1+1, which are blank
 * outside the ink rows, so all of the outside that matters); its pixels are
 * left in queue[0..size). Returns the size. A step off one side of a row
 * lands on the border of the next, which is background like the first. */
static int flood(work *w, int start, int id, int conn8)
{
    uint8_t v = w->bin[start];
    int head = 0, tail = 0, lo = (w->y0 - 1) * STRIDE, hi = (w->y1 + 2) * STRIDE;
    w->queue[tail++] = start;
    w->label[start] = id;
    while (head < tail) {
        int p = w->queue[head++];
        for (int k = 0; k < 8; k += conn8 ? 1 : 2) {
            int q = p + OFF[k];
            if (q < lo || q >= hi || w->bin[q] != v || w->label[q]) continue;
            w->label[q] = id;
            w->queue[tail++] = q;
        }
    }
    return tail;
}

/* Removes specks (a stray dot is not a pen stroke) but never the largest
 * piece, and fills pinholes, which thinning would turn into tiny loops. */
static void clean_ink(work *w, int ink)
{
    memset(w->label, 0, sizeof w->label);
    int n = 0, largest = 0;
    FOR_INK_ROWS(w, p)
        if (w->bin[p] && !w->label[p]) {
            n++;
            w->size[n] = flood(w, p, n, 1);
            largest = w->size[n] > largest ? w->size[n] : largest;
        }
    FOR_INK_ROWS(w, p)
        if (w->bin[p] && w->size[w->label[p]] < largest && w->size[w->label[p]] < DUST_SHARE * ink) w->bin[p] = 0;
    memset(w->label, 0, sizeof w->label);
    flood(w, (w->y0 - 1) * STRIDE, 1, 0);   /* the outside: a blank row and what touches it */
    FOR_INK_ROWS(w, p) {
        if (w->bin[p] || w->label[p]) continue;
        int size = flood(w, p, 2, 0);
        if (size <= HOLE_MAX)
            for (int i = 0; i < size; i++) w->bin[w->queue[i]] = 1;
    }
}

/* Chamfer (3,4) distance to the background: a node's local stroke
 * half-width, which scales the clean-up. */
static void distance(work *w)
{
    int first = w->y0 * STRIDE, end = (w->y1 + 1) * STRIDE;
    for (int p = 0; p < NPIX; p++) w->dist[p] = w->bin[p] ? 1e9f : 0.0f;
    for (int pass = 0; pass < 2; pass++)
        for (int i = first; i < end; i++) {
            int p = pass ? end - 1 - (i - first) : i;
            if (!w->bin[p]) continue;
            /* forward: from W, NW, N, NE; backward: from E, SE, S, SW */
            for (int k = pass ? 5 : 1; k <= (pass ? 8 : 4); k++) {
                float via = w->dist[p + OFF[k & 7]] + ((k & 1) ? 4.0f : 3.0f);
                w->dist[p] = via < w->dist[p] ? via : w->dist[p];
            }
        }
    for (int p = first; p < end; p++) w->dist[p] /= 3.0f;
}

/* ---- 2. thinning ------------------------------------------------------ */

/* The ink pixels in raster order, the only ones thinning needs to visit. */
static void list_ink(work *w)
{
    w->n_list = 0;
    FOR_INK_ROWS(w, p)
        if (w->bin[p]) w->list[w->n_list++] = p;
}

/* Drops the pixels thinning switched off from the list (keeping the order). */
static int compact_list(work *w)
{
    int n = 0, before = w->n_list;
    for (int i = 0; i < before; i++)
        if (w->bin[w->list[i]]) w->list[n++] = w->list[i];
    w->n_list = n;
    return n < before;
}

/* Zhang & Suen (1984): peel boundary pixels in two alternating sub-passes
 * (south-east, then north-west) while they are not line ends and removing
 * them keeps the shape connected (one 0->1 rise around the pixel). */
static void zhang_suen(work *w)
{
    list_ink(w);
    for (int changed = 1; changed;) {
        changed = 0;
        for (int sub = 0; sub < 2; sub++) {
            int n = 0;
            for (int i = 0; i < w->n_list; i++) {
                int p = w->list[i];
                unsigned m = sk_neighbours(w->bin, p), next = (m >> 1) | ((m & 1) << 7);
                int count = sk_bits8(m), rises = sk_bits8(~m & next & 0xffu);
                int e = m & 1, north = (m >> 2) & 1, west = (m >> 4) & 1, s = (m >> 6) & 1;
                if (count < 2 || count > 6 || rises != 1) continue;
                if (sub == 0 ? (north && e && s) || (e && s && west) : (north && e && west) || (north && s && west))
                    continue;
                w->queue[n++] = p;
            }
            for (int i = 0; i < n; i++) w->bin[w->queue[i]] = 0;
            changed |= compact_list(w);
        }
    }
}

/* Removes the inner pixel of staircase corners and 2×2 clumps, which would
 * otherwise look like junctions: a pixel with two or more 4-neighbours whose
 * removal keeps everything connected (Yokoi's 8-connectivity number is 1). */
static void drop_corners(work *w)
{
    for (int changed = 1; changed; changed = compact_list(w))
        for (int i = 0; i < w->n_list; i++) {
            int p = w->list[i], n4 = 0, yokoi = 0;
            unsigned off = ~sk_neighbours(w->bin, p) & 0xffu;
            for (int k = 0; k < 8; k += 2) {
                int a = (off >> k) & 1, b = (off >> (k + 1)) & 1, c = (off >> ((k + 2) & 7)) & 1;
                n4 += !a;
                yokoi += a - (a & b & c);
            }
            if (n4 >= 2 && yokoi == 1) w->bin[p] = 0;
        }
}

/* A digit whose ink thinned away entirely (a tiny blob) is a dot at the
 * ink's centre of mass. */
static int dot(dp_strokes *out, const uint8_t *img)
{
    double sx = 0, sy = 0, sum = 0;
    for (int i = 0; i < 28 * 28; i++) sx += img[i] * (i % 28 + 0.5), sy += img[i] * (i / 28 + 0.5), sum += img[i];
    return dp_strokes_begin(out) || dp_strokes_add_point(out, (float)(sx / sum), (float)(sy / sum)) ? -1 : 0;
}

int dp_digit_strokes(dp_strokes *out, const uint8_t *img28)
{
    dp_strokes_clear(out);
    if (!img28) return dp_set_error("dp_digit_strokes: no image");
    work *w = malloc(sizeof *w);
    if (!w) return dp_set_error("out of memory tracing a digit");
    int ink = upsample(w, img28), rc;
    if (ink == 0) {
        rc = dp_set_error("no ink in the digit image");
    } else {
        clean_ink(w, ink);
        distance(w);
        zhang_suen(w);
        drop_corners(w);
        rc = sk_trace(out, w->bin, w->dist, w->y0, w->y1);
        if (rc == 0) rc = dot(out, img28);
    }
    free(w);
    if (rc < 0) dp_strokes_clear(out);
    return rc < 0 ? -1 : 0;
}

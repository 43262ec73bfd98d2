/* Step 4 of tracing a digit (strokegraph.c): one traced stroke, a pixel
 * path in 28-scale points, becomes the control points of a pen stroke:
 * smoothed, simplified (Ramer-Douglas-Peucker) and directed like
 * handwriting. */
#include "strokegraph.h"

#include <math.h>
#include <string.h>

#define SMOOTH_PASSES 4       /* [1 2 1]/4 passes over a stroke's pixel path */
#define RDP_EPS 0.4f          /* simplification tolerance, 28-scale px */

typedef dp_point vec2;

/* [1 2 1]/4 passes take the pixel staircase out; the ends of an open
 * stroke stay put, a closed one is smoothed all round. */
static void smooth(vec2 *p, int n, int closed)
{
    int m = closed ? n - 1 : n;
    if (m < 3) return;
    for (int pass = 0; pass < SMOOTH_PASSES; pass++) {
        vec2 first = p[0], prev = closed ? p[m - 1] : p[0];
        for (int i = closed ? 0 : 1; i < (closed ? m : m - 1); i++) {
            vec2 next = i + 1 < m ? p[i + 1] : first, cur = p[i];
            p[i] = (vec2){0.25f * (prev.x + next.x) + 0.5f * cur.x, 0.25f * (prev.y + next.y) + 0.5f * cur.y};
            prev = cur;
        }
    }
    if (closed) p[n - 1] = p[0];
}

/* Ramer-Douglas-Peucker on p[a..b]: keeps the point farthest from the chord
 * while it is more than RDP_EPS away. */
static void simplify(const vec2 *p, int a, int b, uint8_t *keep)
{
    if (b - a < 2) return;
    float dx = p[b].x - p[a].x, dy = p[b].y - p[a].y, len = hypotf(dx, dy), far = -1;
    int at = a;
    for (int i = a + 1; i < b; i++) {
        float ex = p[i].x - p[a].x, ey = p[i].y - p[a].y;
        float d = len > 1e-6f ? fabsf(ex * dy - ey * dx) / len : hypotf(ex, ey);
        if (d > far) far = d, at = i;
    }
    if (far <= RDP_EPS) return;
    keep[at] = 1;
    simplify(p, a, at, keep);
    simplify(p, at, b, keep);
}

float sk_start_score(vec2 p) { return p.y + 0.5f * p.x; }

/* Reverses p[0..n). */
static void reverse(vec2 *p, int n)
{
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        vec2 t = p[i];
        p[i] = p[j], p[j] = t;
    }
}

/* Direction like handwriting: an open stroke starts at its upper-left end;
 * a closed one (given as its m distinct points) starts at its top and
 * leaves it to the left, counter-clockwise, as most people draw a 0. */
static void orient(vec2 *p, int m, int closed)
{
    if (!closed) {
        if (sk_start_score(p[m - 1]) < sk_start_score(p[0])) reverse(p, m);
        return;
    }
    int top = 0;
    for (int i = 1; i < m; i++)
        if (p[i].y < p[top].y || (p[i].y == p[top].y && p[i].x < p[top].x)) top = i;
    reverse(p, top), reverse(p + top, m - top), reverse(p, m);   /* rotate top to 0 */
    if (m > 2 && p[1].x > p[m - 1].x) reverse(p + 1, m - 1);
}

int sk_polish(vec2 *p, int n, int closed, uint8_t *keep)
{
    smooth(p, n, closed);
    memset(keep, 0, (size_t)n);
    keep[0] = keep[n - 1] = 1;
    int split = n - 1;
    if (closed && n > 3) {   /* a loop's chord is zero: split it at its far point */
        float far = -1;
        for (int i = 1; i < n - 1; i++) {
            float d = hypotf(p[i].x - p[0].x, p[i].y - p[0].y);
            if (d > far) far = d, split = i;
        }
        keep[split] = 1;
    }
    simplify(p, 0, split, keep);
    simplify(p, split, n - 1, keep);
    int m = 0;
    for (int i = 0; i < n - (closed && n > 1); i++)
        if (keep[i]) p[m++] = p[i];
    orient(p, m, closed);
    return m;
}

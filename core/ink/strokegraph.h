/* Internal to core/: the grid dp_digit_strokes thins a digit on, and the
 * tracer that turns the thinned grid into pen strokes (strokegraph.c, with
 * the shaping of each stroke in polyline.c). */
#ifndef DP_STROKEGRAPH_H
#define DP_STROKEGRAPH_H

#include <stdint.h>

#include "strokes.h"

/* The digit is upsampled SK_UP times (112×112), where MNIST's ~2.5 px strokes
 * are ~10 px wide, and kept in a grid with a one-pixel empty border so that
 * every ink pixel has eight neighbours at fixed offsets. */
enum { SK_UP = 4, SK_SIDE = 28 * SK_UP, SK_STRIDE = SK_SIDE + 2, SK_NPIX = SK_STRIDE * SK_STRIDE };

/* Neighbour k: E, NE, N, NW, W, SW, S, SE (y down), as offsets in the grid.
 * Even k are 4-neighbours; the order is the one Yokoi's number uses. */
static const int SK_OFF[8] = {1, 1 - SK_STRIDE, -SK_STRIDE, -1 - SK_STRIDE, -1, SK_STRIDE - 1, SK_STRIDE, SK_STRIDE + 1};

/* Bit k set when neighbour k of grid pixel p is on. */
static inline unsigned sk_neighbours(const uint8_t *grid, int p)
{
    unsigned m = 0;
    for (int k = 0; k < 8; k++) m |= (unsigned)(grid[p + SK_OFF[k]] != 0) << k;
    return m;
}

/* Set bits of an 8-bit mask (libgcc's popcount is a call without -mpopcnt). */
static inline int sk_bits8(unsigned m)
{
    m = m - ((m >> 1) & 0x55u);
    m = (m & 0x33u) + ((m >> 2) & 0x33u);
    return (int)((m + (m >> 4)) & 0x0fu);
}

/* Adds to out the strokes along the one-pixel-wide lines of skel (a
 * SK_STRIDE² grid, border empty, lines only in rows y0..y1); half holds each
 * pixel's distance to the background of the ink it came from, in grid
 * pixels. Points are in 28×28 units. Returns the number of strokes added
 * (0 if there are no lines), or -1 with dp_error() when memory runs out. */
int sk_trace(dp_strokes *out, const uint8_t *skel, const float *half, int y0, int y1);

/* Makes the n points p of one traced stroke (n >= 1; closed: a loop whose
 * last point repeats the first) its control points, in place: smoothed,
 * simplified and directed like handwriting (an open stroke from its
 * upper-left end, a loop from its top, counter-clockwise), a loop without
 * its repeated point. keep is n bytes of scratch. Returns how many are left. */
int sk_polish(dp_point *p, int n, int closed, uint8_t *keep);

/* Where a stroke starting at p comes in drawing order: lower first (top,
 * then left). */
float sk_start_score(dp_point p);

#endif

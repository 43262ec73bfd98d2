/* Pen strokes from digit images: an MNIST digit (28×28 bytes) is thinned to
 * its centre line and traced into the polylines a person would have drawn,
 * so that MNIST can be replayed through the drawing path (strokes -> canvas
 * -> MNIST recipe) instead of being fed to the network as pixels. */
#ifndef DP_SKELETON_H
#define DP_SKELETON_H

#include <stdint.h>

#include "strokes.h"

/* Spacing of the points dp_digit_strokes produces, in 28×28 pixels (2.5
 * canvas pixels at the usual 10× drawing scale). */
#define DP_SKEL_STEP 0.25f

/* Replaces the drawing in out (initialized) with the pen strokes of the
 * 28×28 digit img28 (0 = background, 255 = ink). Coordinates are in image
 * pixels: (0,0) is the image's top-left corner and pixel (i,j) has its
 * centre at (i+0.5, j+0.5), as for dp_rasterize_into(img, 28, 28, 1, ...).
 *
 * The strokes follow the ink's centre line: most digits come out as one to
 * three strokes (a "4" as its two usual strokes, an "8" as one), ordered and
 * directed roughly as people draw (from the top, left to right); a closed
 * loop starts at its top and returns to its first point. Points are smooth
 * (spline through a simplified skeleton), about DP_SKEL_STEP apart.
 *
 * Deterministic and thread-safe (it allocates its own workspace). Returns 0,
 * or -1 with dp_error() when the image has no ink (no pixel reaches about
 * 100 of 255) or memory runs out; out is then empty. A blob too small to
 * thin becomes a one-point stroke (a dot). */
int dp_digit_strokes(dp_strokes *out, const uint8_t *img28);

#endif

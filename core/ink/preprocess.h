/* The MNIST recipe that turns a drawing into the network's 28×28 input:
 * crop to the ink's bounding box, scale the longer side to 20 pixels keeping
 * the aspect ratio with area-averaging, then place it in 28×28 so that the
 * intensity centre of mass, in pixel-index coordinates, lands on (14,14) —
 * where MNIST's own digits have theirs. */
#ifndef DP_PREPROCESS_H
#define DP_PREPROCESS_H

#include "strokes.h"

#define DP_INPUT 28            /* network input is 28×28 */
#define DP_PIXELS (DP_INPUT * DP_INPUT)   /* floats in one input; bytes in one MNIST image */
#define DP_FIT 20              /* the digit's longer side after scaling */

/* Below this total ink (in full-ink pixels of the source image) the drawing
 * is "no digit": a stray click or an empty canvas is not classified. */
#define DP_MIN_INK 30.0f

typedef struct {
    int x0, y0, x1, y1;        /* ink bounding box in source pixels, inclusive */
    float com_x, com_y;        /* centre of mass of the source ink */
    float ink;                 /* total ink in the source */
} dp_prep_info;

/* Turns a w×h image (floats in [0,1], 1 = ink) into out[28*28], values in
 * [0,1]. The bounding box is that of pixels above 0.05; the area-average is
 * rendered at a sub-pixel offset so that the output's centre of mass is
 * within 0.01 px of (14,14) (parts falling outside 28×28 are clipped).
 * Returns 1 when there is a digit, 0 for "no digit" (less than DP_MIN_INK,
 * nothing above 0.05, or NaN/inf in the image; out is then all zero), -1 on
 * bad arguments. info may be NULL; it is always filled (an empty box has
 * x1 < x0, and -1 leaves an empty box with no ink). Images up to 1024 px a side need no allocation. */
int dp_preprocess(float *out, const float *img, int w, int h, dp_prep_info *info);

/* Centre of mass of a w×h image in pixel-index coordinates; returns the mass.
 * With no positive mass the image centre ((w-1)/2, (h-1)/2) is reported.
 * cx and cy may be NULL. */
float dp_center_of_mass(const float *img, int w, int h, float *cx, float *cy);

/* Stroke-width normalization. What the network sees should not depend on
 * the brush the user picked, nor on how big the digit was drawn, more than
 * MNIST's own digits vary. A drawing is therefore re-rasterized for the
 * network with a brush proportional to its size: after the recipe scales the
 * ink's longer side, E + b (E the extent of the points, b the brush), to 20
 * px, the stroke is 20*b/(E+b) px wide, so b = f*E gives every drawing the
 * same width 20f/(1+f). The target is MNIST's median stroke width, 2.48 px
 * (2*ink / total variation over the 60000 training digits; 10th-90th
 * percentile 1.89-3.41), so f = 2.48/(20-2.48) = 0.1416.
 *
 * dp_normalized_brush returns that brush diameter in canvas pixels:
 * f*(E + 1), E being the larger side of the bounding box of the points
 * (clamped to the canvas, as the ink off it is not seen) and the 1 px the
 * anti-aliased fringe the recipe's box also includes, clamped to
 * [DP_BRUSH_MIN, DP_BRUSH_MAX]: a dot or a tiny scribble gets the minimum
 * (a dot is then too little ink to be a digit). s may be NULL or empty. */
#define DP_BRUSH_AUTO 0.0f         /* brush_width for dp_strokes_to_input: normalize */
#define DP_BRUSH_MIN 3.0f
#define DP_BRUSH_MAX 60.0f
#define DP_MNIST_STROKE 2.48f      /* the target stroke width in the 28×28 input */
float dp_normalized_brush(const dp_strokes *s);

/* The whole drawing path, shared by the window, the CLI and the tests:
 * strokes -> rasterize on the 280×280 canvas (scratch of DP_CANVAS² floats,
 * left holding the drawing) -> dp_preprocess. brush_width <= 0 (or NaN), as
 * DP_BRUSH_AUTO, uses dp_normalized_brush(s); a positive width is used as
 * given. Returns as dp_preprocess. DP_DEFAULT_BRUSH is a display default. */
#define DP_DEFAULT_BRUSH 20.0f
int dp_strokes_to_input(float *out, float *canvas, const dp_strokes *s, float brush_width,
                        dp_prep_info *info);

/* An image file's pixels (0 black .. 1 white) to the network input. A 28×28
 * image is taken as already prepared, like an MNIST digit; any other size is
 * a drawing and goes through dp_preprocess. Ink is taken to be the minority
 * colour: an image whose border is mostly light is inverted first. pixels
 * may be modified. Returns as dp_preprocess. */
int dp_image_to_input(float *out, float *pixels, int w, int h);

#endif

/* Training images that look like drawings: each MNIST digit is warped at
 * twice its resolution (rotation, shear, aspect, elastic), its stroke
 * made thinner or thicker, sometimes given a pen style MNIST lacks (a flag
 * on a 1, a bar through a 7, a slash through a 0), and then prepared exactly
 * like a drawing on the canvas (dp_preprocess): the network learns what the
 * canvas feeds it. Every choice comes from the rng, so training stays
 * deterministic. */
#ifndef DP_AUGMENT_H
#define DP_AUGMENT_H

#include <stdint.h>

#include "rng.h"
#include "strokes.h"

typedef struct {
    float rotate_deg;     /* rotation, uniform in ±this */
    float shear;          /* horizontal shear, uniform in ±this */
    float aspect;         /* log of the width/height change, uniform in ±this */
    float elastic;        /* smooth random displacement, std dev in 28-px units */
    float thin, thick;    /* stroke width change, 28-px units: -thin .. +thick */
    float style_prob;     /* chance of a pen-style mark on a 0, 1 or 7 */
    float clean_share;    /* share of each batch left as MNIST made it */
    float redraw_share;   /* share re-drawn from the digit's traced pen strokes (dp_redraw) */
} dp_augment_cfg;

/* The recipe that measured best (see the README). */
dp_augment_cfg dp_augment_defaults(void);

/* Floats of scratch dp_augment_image needs. */
#define DP_AUG_SIDE 80                       /* 40 source pixels at 2× */
#define DP_AUG_SCRATCH (3 * DP_AUG_SIDE * DP_AUG_SIDE)

/* out (28×28) from an MNIST image with the given label. Falls back to the
 * clean image if the warp left too little ink. */
void dp_augment_image(float *out, const uint8_t *img, int label, dp_rng *rng, const dp_augment_cfg *cfg,
                      float *scratch);

/* A training digit as the canvas would show it if someone drew it: its
 * pen strokes (traced once, see dp_digit_strokes) placed at a random size,
 * place, rotation and slant with hand wobble, rasterized with the stroke
 * width the app uses give or take 30 %, and prepared like any drawing.
 * work and canvas (DP_CANVAS² floats) are scratch. Returns 0, or -1 if the
 * strokes cannot be placed (out is then unchanged). */
int dp_redraw(float *out, const dp_strokes *traced, dp_rng *rng, dp_strokes *work, float *canvas);

#endif

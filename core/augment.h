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

typedef struct {
    float rotate_deg;     /* rotation, uniform in ±this */
    float shear;          /* horizontal shear, uniform in ±this */
    float aspect;         /* log of the width/height change, uniform in ±this */
    float elastic;        /* smooth random displacement, std dev in 28-px units */
    float thin, thick;    /* stroke width change, 28-px units: -thin .. +thick */
    float style_prob;     /* chance of a pen-style mark on a 0, 1 or 7 */
    float clean_share;    /* share of each batch left as MNIST made it */
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

#endif

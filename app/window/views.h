/* What the area under the canvas can show besides the training charts:
 * how the drawing is prepared, what the first layers see in it, and the
 * training images the network finds nearest to it (views.c). */
#ifndef DP_VIEWS_H
#define DP_VIEWS_H

#include "embedder.h"
#include "inspect.h"
#include "layout.h"
#include "ui.h"

#define STAGE_CANVAS 112       /* the canvas at 0.4 scale */
#define STAGE_CROP 96          /* the ink's box, its longer side */
#define NEAREST_SHOWN 8
#define VIEW_IMAGES (8 + NEAREST_SHOWN)

typedef struct {
    view_id view;

    /* Preparation, for the drawing version and weights they were made for. */
    unsigned prep_drawing, prep_weights;
    int prep_valid;
    float stage_canvas[STAGE_CANVAS * STAGE_CANVAS], stage_crop[STAGE_CROP * STAGE_CROP], stage_fit[20 * 20];
    int crop_w, crop_h, fit_w, fit_h;
    float raw[28 * 28], raw_probs[10];
    int raw_digit;

    /* Inside: every layer's output for the drawing, remade at most every
     * 50 ms while it changes. */
    dp_trace trace;
    unsigned trace_drawing, trace_weights;
    int trace_valid;
    double trace_time;
    float *atlas;                /* scratch for grids of maps and filters */
    long atlas_cap;

    /* Nearest examples. */
    embedder *emb;
    embedding current;           /* the last one taken */
    int requested;               /* an embedding was asked for, of this weights version: */
    unsigned requested_version;
    unsigned near_drawing, near_weights;
    int near_n, near_idx[NEAREST_SHOWN];
    float near_sim[NEAREST_SHOWN];

    ui_image img[8 + NEAREST_SHOWN];   /* 0-4 preparation, 5 filters, 6-7 maps, 8-: nearest */
} view_state;

#endif

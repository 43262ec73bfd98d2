/* The area under the canvas: tabs for the training charts (charts.c) and
 * the other views, which follow the drawing live: how it is prepared
 * (view_prep.c), what the first layers see in it (view_inside.c) and the
 * training images the network finds nearest to it (view_nearest.c). */
#ifndef DP_VIEWS_H
#define DP_VIEWS_H

#include "embedder.h"
#include "frame.h"
#include "inspect.h"
#include "reading.h"

#define STAGE_CANVAS 112       /* the canvas at 0.4 scale */
#define STAGE_CROP 96          /* the ink's box, its longer side */
#define NEAREST_SHOWN 8
#define VIEW_IMAGES (8 + NEAREST_SHOWN)

typedef struct {
    view_id view;

    /* Preparation, for the drawing version and weights they were made for. */
    unsigned prep_drawing, prep_weights;
    int prep_valid;
    float stage_canvas[STAGE_CANVAS * STAGE_CANVAS], stage_crop[STAGE_CROP * STAGE_CROP], stage_fit[DP_FIT * DP_FIT];
    int crop_w, crop_h, fit_w, fit_h;
    float raw[DP_PIXELS], raw_probs[DP_CLASSES];
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

/* What the views show: the reading of the drawing, the drawing (with
 * each stroke's width), and the model. */
typedef struct {
    const reading *reading;
    const drawing *draw;
    const model_state *model;
} view_inputs;

/* wake_event: for the embedder's thread (NULL embedder: the Nearest view
 * says it could not start). */
void views_init(view_state *v, Uint32 wake_event);
void views_free(view_state *v);
void views_set(view_state *v, view_id view);
/* The next (dir 1) or previous (-1) view that is a tab in this layout. */
void views_cycle(view_state *v, const ui_layout *l, int dir);
/* Takes a finished embedding, and asks for one when the model in use
 * changed and the Nearest view is shown (not while a job changes the
 * weights ten times a second); 1 if there is something new to draw. */
int views_poll(view_state *v, const model_state *m, int busy);
void views_draw_tabs(frame *f, view_state *v);
/* The view (not the Training charts). */
void views_draw(frame *f, view_state *v, const view_inputs *in);
/* A training image of the embedding: its pixels, and what it is in words. */
const uint8_t *views_nearest_image(const view_state *v, int index, char *what, size_t size);

/* The three views. */
void view_prep_draw(frame *f, view_state *v, const view_inputs *in, ui_rect area);
void view_inside_draw(frame *f, view_state *v, const view_inputs *in, ui_rect area);
void view_nearest_draw(frame *f, view_state *v, const view_inputs *in, ui_rect area);

/* What they draw with. */
ui_rect view_fit_image(ui_rect box, int w, int h);
void view_caption(frame *f, int cx, int y, const char *title, const char *detail);
void view_empty_note(frame *f, ui_rect r, const char *text);

#endif

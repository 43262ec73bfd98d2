/* The panel right of the canvas: what the network sees (the 28×28 input),
 * the verdict and its probability ("1 or 7?" when unsure), the ten bars,
 * and the strip that teaches it the user's handwriting: "it's a…" with a
 * button per digit, the kept-digit counts, My digits, Collect, Fine-tune. */
#ifndef DP_SIDE_H
#define DP_SIDE_H

#include "frame.h"
#include "kept.h"
#include "reading.h"

typedef struct {
    SDL_Texture *preview;        /* the 28×28 input */
} side_panel;

/* What the panel shows besides the reading. */
typedef struct {
    const reading *reading;
    const model_state *model;    /* its "unsure" threshold */
    const kept_state *kept;
    int drawing_empty;           /* no strokes to keep */
    int raw_shown;               /* R: the answer to the canvas merely shrunk, under the verdict */
    const char *finetune_blocker;   /* why Fine-tune cannot start, or NULL */
} side_inputs;

void side_draw(frame *f, side_panel *p, const side_inputs *in);
/* The teaching strip alone: in the side panel, or as the Teach tab's view
 * in windows whose panel has no room for it. */
void side_draw_teach(frame *f, const side_inputs *in);
void side_free(side_panel *p);

#endif

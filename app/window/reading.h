/* What the model reads on the canvas: the drawing prepared the MNIST way
 * (or the image put on the canvas, with the strokes over it), the network's
 * ten probabilities, and on request what it would say to the canvas merely
 * shrunk to 28×28. Read again, at most once a frame, when the drawing or the
 * weights change. */
#ifndef DP_READING_H
#define DP_READING_H

#include "drawing.h"
#include "model.h"
#include "preprocess.h"

typedef struct {
    float canvas[DP_CANVAS * DP_CANVAS];   /* scratch: the drawing rasterized */
    float input[DP_PIXELS];      /* what the network reads */
    float probs[DP_CLASSES];
    int has_digit;
    dp_prep_info prep;                     /* the ink's box and centre of mass (none for an image) */
    int with_raw;                          /* R: also read the canvas merely shrunk */
    float raw_probs[DP_CLASSES];
    unsigned drawing_version, weights_version;   /* what this reading is of */
} reading;

void reading_init(reading *r);
/* Reads again (before the next frame) even if nothing changed. */
void reading_invalidate(reading *r);
/* Reads the drawing if it or the weights changed since the last reading;
 * returns 1 then, with *drawing_changed saying whether the drawing did. */
int reading_update(reading *r, const model_state *m, const drawing *d, int *drawing_changed);
/* Whether the reading is of this drawing and these weights. */
int reading_current(const reading *r, const drawing *d, const model_state *m);

#endif

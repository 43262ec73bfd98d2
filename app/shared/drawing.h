/* The drawing being made on the canvas: strokes in canvas coordinates with
 * per-stroke undo/redo, over an optional image (an MNIST image put on
 * the canvas to draw over), which undo and redo bring back with the strokes.
 * Pure C over core/strokes.h, so it is unit-tested without a display. */
#ifndef DP_DRAWING_H
#define DP_DRAWING_H

#include "strokes.h"

#define DRAWING_HISTORY 256   /* undo steps kept */
/* ...as long as their copies of the drawing fit in this many bytes: every
 * step holds the whole drawing, so a long scribble made the history grow
 * with the square of its length (256 copies of 200,000 points: 400 MB). */
#define DRAWING_HISTORY_BYTES (16L << 20)
#define DRAWING_IMAGE_SIDE 28          /* the image: 28×28, 0..1 */
#define DRAWING_IMAGE_PIXELS (DRAWING_IMAGE_SIDE * DRAWING_IMAGE_SIDE)

typedef struct {
    dp_strokes current;
    dp_strokes undo[DRAWING_HISTORY];   /* ring of earlier states */
    int undo_first, undo_count;
    dp_strokes redo[DRAWING_HISTORY];   /* stack of undone states */
    int redo_count;
    float *image;                       /* the image under the strokes, NULL for none */
    float *undo_image[DRAWING_HISTORY], *redo_image[DRAWING_HISTORY];   /* each state's */
    int in_stroke;                      /* a stroke is being drawn */
    unsigned version;                   /* bumps on every change */
    /* Each stroke's brush width, as it was when the stroke was begun (like
     * any paint program's); every undo and redo state keeps its own, as it
     * keeps its strokes. */
    float width;                        /* for strokes begun from now on */
    float *widths;                      /* the current strokes', widths_cap allocated */
    int widths_cap;
    float *undo_widths[DRAWING_HISTORY], *redo_widths[DRAWING_HISTORY];   /* n_strokes + 1 each (or NULL) */
} drawing;

void drawing_init(drawing *d, float width);
void drawing_free(drawing *d);

/* A stroke: begin, add points as the pen moves, end. Points closer than
 * 0.5 canvas px to the previous one are dropped. */
int  drawing_begin_stroke(drawing *d, float x, float y);
int  drawing_add_point(drawing *d, float x, float y);
void drawing_end_stroke(drawing *d);

/* Each returns 1 if something changed, 0 if there was nothing to do. */
int drawing_undo(drawing *d);
int drawing_redo(drawing *d);
/* Removes the strokes and the image. */
int drawing_clear(drawing *d);
/* Replaces the drawing (undoable), e.g. from a stroke file, without an image. -1 on error. */
int drawing_replace(drawing *d, const dp_strokes *s);
/* Puts an image (DRAWING_IMAGE_PIXELS values, 0..1) on an empty canvas (undoable). -1 on error. */
int drawing_put_image(drawing *d, const float *image);
/* The image, or NULL. */
const float *drawing_image(const drawing *d);

/* The brush width of strokes begun from now on (earlier ones keep theirs). */
void drawing_set_width(drawing *d, float width);
float drawing_stroke_width(const drawing *d, int stroke);
/* Whether every stroke has the same width (then tail rasterizing is exact). */
int drawing_one_width(const drawing *d);
/* The strokes into img (zeroed first) as dp_rasterize_into does, each at its own width. */
void drawing_rasterize(const drawing *d, float *img, int w, int h, float scale);

/* Bytes the undo and redo states hold (allocated, not just used). */
size_t drawing_history_bytes(const drawing *d);

int drawing_can_undo(const drawing *d);
int drawing_can_redo(const drawing *d);
int drawing_is_empty(const drawing *d);   /* no strokes (there may be an image) */

#endif

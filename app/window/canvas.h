/* The canvas as the user sees it: the drawing (strokes with undo, over an
 * optional image), the brush, the pen, and how it is shown: the raster
 * behind the texture, only the new points of a stroke being drawn redrawn,
 * and the ink's box and centre of mass when asked for (B). */
#ifndef DP_CANVAS_H
#define DP_CANVAS_H

#include "drawing.h"
#include "frame.h"
#include "reading.h"

#define BRUSH_MIN 4.0f
#define BRUSH_MAX 60.0f

typedef struct {
    drawing draw;
    float brush;                /* display brush diameter, canvas px */
    int pen_down;
    int show_box;               /* B: the ink's box and centre of mass */

    SDL_Texture *tex;           /* the canvas on screen, tex_size² */
    int tex_size;
    float *px;                  /* its raster */
    unsigned drawn_version;     /* the drawing the raster holds */
    int drawn_points, drawn_strokes;
} canvas_view;

/* What the canvas asks the user to draw, while collecting digits. */
typedef struct {
    int collecting, digit;
} canvas_prompt;

void canvas_init(canvas_view *c);
void canvas_free(canvas_view *c);

void canvas_set_brush(canvas_view *c, float brush);
/* The pen at window position (output pixels): a stroke begins, goes on, ends. */
void canvas_pen_down(canvas_view *c, const ui_layout *l, int px, int py);
void canvas_pen_move(canvas_view *c, const ui_layout *l, int px, int py);
void canvas_pen_up(canvas_view *c);

/* The canvas, its hint or prompt, the box (with B) and the brush ring
 * under the pointer (unless a dialog is open). */
void canvas_draw(frame *f, canvas_view *c, const reading *r, canvas_prompt prompt, int dialog_open);

#endif

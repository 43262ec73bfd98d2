/* Strokes (polylines in canvas pixels), the stroke-file format, the
 * anti-aliased round-brush rasterizer, and PGM images. */
#ifndef DP_STROKES_H
#define DP_STROKES_H

#include <stddef.h>

#define DP_CANVAS 280              /* the drawing canvas is 280×280 pixels */
#define DP_MAX_POINTS 1000000      /* sane bound on points in one drawing */

typedef struct { float x, y; } dp_point;

/* A drawing: points of all strokes in one array; stroke i covers
 * points[starts[i] .. starts[i+1]) (starts has n_strokes+1 entries). */
typedef struct {
    dp_point *points;
    int n_points, cap_points;
    int *starts;
    int n_strokes, cap_strokes;
} dp_strokes;

void dp_strokes_init(dp_strokes *s);
void dp_strokes_free(dp_strokes *s);
void dp_strokes_clear(dp_strokes *s);
int  dp_strokes_begin(dp_strokes *s);                  /* start a new stroke */
int  dp_strokes_add_point(dp_strokes *s, float x, float y);  /* to the last stroke */
void dp_strokes_pop(dp_strokes *s);                     /* drop the last stroke */
int  dp_strokes_copy(dp_strokes *dst, const dp_strokes *src);

/* Stroke-file text: UTF-8; '#' lines are comments; each other non-empty line
 * is one stroke of space-separated "x,y" points (decimal canvas pixels,
 * origin top-left, y down). Errors name NAME and the line number. */
int dp_strokes_parse(dp_strokes *s, const char *text, size_t len, const char *name);
int dp_strokes_load(dp_strokes *s, const char *path);
int dp_strokes_save(const dp_strokes *s, const char *path);   /* atomic */

/* Rasterizes all strokes onto a zeroed DP_CANVAS×DP_CANVAS canvas of floats in
 * [0,1] (1 = full ink) with an anti-aliased round brush of diameter
 * brush_width pixels. A one-point stroke is a dot. */
void dp_rasterize(float *canvas, const dp_strokes *s, float brush_width);

/* Reads a binary (P5) or ASCII (P2) PGM of any size up to 4096×4096. On
 * success *pixels (w*h floats, 0 = black, 1 = white) is malloc'ed. */
int dp_pgm_read(const char *path, float **pixels, int *w, int *h);
int dp_pgm_write(const char *path, const float *pixels, int w, int h);  /* P5, atomic */

#endif

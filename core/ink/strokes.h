/* Strokes (polylines in canvas pixels): the stroke list (strokes.c), the
 * stroke-file format (strokefile.c) and the anti-aliased round-brush
 * rasterizer (raster.c). */
#ifndef DP_STROKES_H
#define DP_STROKES_H

#include <stddef.h>

#define DP_CANVAS 280              /* the drawing canvas is 280×280 pixels */
#define DP_MAX_POINTS 1000000      /* sane bound on points in one drawing */
/* Coordinates beyond this are certainly mistakes (the canvas is 280 px), and
 * bounding them keeps every later computation far from float overflow. */
#define DP_COORD_LIMIT 1e6

typedef struct { float x, y; } dp_point;

/* A drawing: points of all strokes in one array; stroke i covers
 * points[starts[i] .. starts[i+1]) (starts has n_strokes+1 entries, room for
 * cap_strokes+1, and may be NULL while n_strokes is 0). Coordinates are
 * finite with |x|, |y| <= DP_COORD_LIMIT, which the functions below enforce. */
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
/* Appends to the last stroke (starting one if there is none). Fails on a
 * non-finite or out-of-range point, or beyond DP_MAX_POINTS points. */
int  dp_strokes_add_point(dp_strokes *s, float x, float y);
void dp_strokes_pop(dp_strokes *s);                     /* drop the last stroke */
int  dp_strokes_copy(dp_strokes *dst, const dp_strokes *src);   /* dst initialized */

/* Stroke-file text: UTF-8 (a BOM is skipped, CRLF accepted); lines whose
 * first non-blank character is '#' are comments; each other non-blank line
 * is one stroke of space/tab-separated "x,y" points (decimal canvas pixels,
 * origin top-left, y down; sign, fraction and exponent allowed, |v| <= 1e6).
 * A file without strokes is an empty drawing. On success the drawing in s
 * (initialized) is replaced; on error s is unchanged and the message names
 * NAME and the line: "strokes.txt:3: bad point '12;40' (expected x,y)". */
int dp_strokes_parse(dp_strokes *s, const char *text, size_t len, const char *name);
int dp_strokes_load(dp_strokes *s, const char *path);         /* files up to 64 MiB */
/* Writes "# digitpad strokes v1" then one line per non-empty stroke with
 * two decimals per coordinate; atomic (the old file survives any error). */
int dp_strokes_save(const dp_strokes *s, const char *path);
/* The text dp_strokes_save writes, in a malloc'ed buffer (*text, *len bytes,
 * not NUL-terminated), with `comments` (NULL, or whole lines each starting
 * with '#' and ending in '\n') right after the header line. */
int dp_strokes_format(const dp_strokes *s, const char *comments, char **text, size_t *len);

/* Rasterizes all strokes onto a DP_CANVAS×DP_CANVAS canvas of floats in
 * [0,1] (1 = full ink), which it first zeroes, with an anti-aliased round
 * brush of diameter brush_width pixels: pixel (i,j) has its centre at
 * (i+0.5, j+0.5) and gets clamp(brush_width/2 + 0.5 - d, 0, 1), d being the
 * distance from that centre to the nearest stroke (overlaps combine with max,
 * not sum). A one-point stroke is a dot; points off the canvas are clipped.
 * The same as dp_rasterize_into(canvas, DP_CANVAS, DP_CANVAS, 1, s, brush_width). */
void dp_rasterize(float *canvas, const dp_strokes *s, float brush_width);

#define DP_RASTER_MAX 32768        /* largest image side the rasterizer takes */

/* The same rule on a w×h image (row-major, w*h floats, zeroed first) with
 * every coordinate and the brush multiplied by `scale`: pixel (i,j) has its
 * centre at (i+0.5, j+0.5) in scaled coordinates, so scale = w/DP_CANVAS
 * shows the canvas at w×w, drawn crisply rather than upscaled. Does nothing
 * unless img is non-NULL and 1 <= w, h <= DP_RASTER_MAX; with s NULL or a
 * scale outside (0, 1e4] the image is only zeroed. */
void dp_rasterize_into(float *img, int w, int h, float scale, const dp_strokes *s, float brush_width);

/* The same with a view origin: canvas point (x, y) lands at image position
 * ((x - ox) * scale, (y - oy) * scale), so a part of the canvas can be drawn
 * at any resolution into an image just big enough for it. */
void dp_rasterize_view(float *img, int w, int h, float scale, float ox, float oy, const dp_strokes *s,
                       float brush_width);

/* For drawing live: img holds dp_rasterize_into(img, w, h, scale, s', bw)
 * where s' is s cut off after point from_point - 1 (that is, s with its last
 * stroke shorter, from_point > the last stroke's start); this brings it to
 * dp_rasterize_into(..., s, bw), bit for bit, by drawing the last stroke's
 * segments from point from_point - 1 on. The old end of the stroke was a
 * round cap and is now a joint, so the cap's box (about brush×brush scaled
 * pixels) is re-rendered; the rest of the image is only max-combined with the
 * new segments. The cost is that of the new segments plus a scan of the
 * points. With from_point at or before the last stroke's start the whole
 * last stroke is drawn (max-combined); at or after its end, nothing. */
void dp_rasterize_stroke_tail(float *img, int w, int h, float scale, const dp_strokes *s, int from_point,
                              float brush_width);

/* The same results computed by brute force (every pixel against every
 * segment, in double): slow, for tests. */
void dp_rasterize_ref(float *canvas, const dp_strokes *s, float brush_width);
void dp_rasterize_into_ref(float *img, int w, int h, float scale, const dp_strokes *s, float brush_width);

#endif

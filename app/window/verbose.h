/* The --verbose protocol: what the window prints on stdout for scripted
 * tests (tests/window_harness.py reads it), one event a line, fields
 * separated by tabs, flushed at once. Every line goes through here; when
 * --verbose is off nothing is printed. */
#ifndef DP_VERBOSE_H
#define DP_VERBOSE_H

#include "layout.h"
#include "places.h"

void verbose_enable(int on);
int verbose_on(void);

/* "KIND<TAB>fields…": fmt formats the fields. */
void verbose_line(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "KIND<TAB>DIGIT<TAB>p0 p1 … p9" (DIGIT "-" and zeros when there is none). */
void verbose_probs(const char *kind, int has_digit, const float *probs);

/* Where the canvas and every button are, in window coordinates. */
void verbose_layout(const ui_layout *l, float density);
/* "region<TAB>NAME<TAB>X<TAB>Y<TAB>W<TAB>H" for every region the frame
 * shows (layout_regions), in window coordinates. */
void verbose_regions(const ui_layout *l, float density, view_id shown);

/* The clickable places of a frame, each group when it changed. */
void verbose_places(const places *p, float density);

#endif

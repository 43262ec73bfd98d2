/* Line charts with axes, tick labels and legends, drawn with the SDL
 * renderer. Where everything goes is planned display-free by
 * shared/chart_plan (the scaling maths is in shared/chart_scale); this
 * widget adds the colours and draws the plan. */
#ifndef DP_CHART_H
#define DP_CHART_H

#include <SDL.h>

#include "chart_plan.h"
#include "text.h"

/* Draws the frame, grid, ticks with labels, the lines and a legend in rect,
 * never outside it (the caller's clip rectangle is respected and restored).
 * The legend sits in the title row when both fit, else in a box in the
 * corner of the plot that hides the least data. Series of up to 24 points
 * also get a dot per point. colors: one per line of spec. Only the first
 * CHART_MAX_LINES lines set the axes and get a legend entry or end label;
 * all are drawn. */
void chart_draw(SDL_Renderer *r, ui_text *t, SDL_Rect rect, const chart_spec *spec, const SDL_Color *colors,
                float scale);

#endif

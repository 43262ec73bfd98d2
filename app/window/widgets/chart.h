/* Line charts with axes, tick labels and legends, drawn with the SDL
 * renderer. Where everything goes is planned display-free by
 * shared/chart_plan (the scaling maths is in shared/chart_scale); this
 * widget adds the colours and draws the plan. */
#ifndef DP_CHART_H
#define DP_CHART_H

#include <SDL.h>

#include "chart_plan.h"
#include "text.h"

/* chart_plan_line with a colour. */
typedef struct {
    const chart_series *series;
    SDL_Color color;
    const char *label;
    int thick;                        /* draw 2 px wide */
} chart_line;

/* chart_plan_spec with coloured lines. Only the first CHART_MAX_LINES lines
 * set the axes and get a legend entry or end label; all are drawn. */
typedef struct {
    const char *title, *x_label;
    int log_y;
    double y_min, y_max;              /* fixed y range if y_min < y_max, else from data */
    double x_max_hint;                /* x axis extends at least to this (e.g. total steps) */
    const chart_line *lines;
    int n_lines;
    const char *empty_text;           /* shown when no series has points */
    int end_labels;                   /* label lines at their last point instead of a legend (many lines) */
} chart_spec;

/* Draws the frame, grid, ticks with labels, the lines and a legend in rect,
 * never outside it (the caller's clip rectangle is respected and restored).
 * The legend sits in the title row when both fit, else in a box in the
 * corner of the plot that hides the least data. Series of up to 24 points also get a dot per point. */
void chart_draw(SDL_Renderer *r, ui_text *t, SDL_Rect rect, const chart_spec *spec, float scale);

#endif

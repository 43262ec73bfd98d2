/* Where everything of a line chart goes, worked out without a display from
 * the chart's rectangle, its spec and its font's metrics: the title row and
 * whether the legend fits in it, the plot, the y axis's range and ticks, the
 * x ticks whose labels fit, the mapping from data to pixels, and where the
 * legend box or the lines' end labels go. widgets/chart.c draws exactly
 * this with SDL (and draws the lines through the map); tests/test_chart.c
 * checks it with a made-up font. */
#ifndef DP_CHART_PLAN_H
#define DP_CHART_PLAN_H

#include "chart_scale.h"

#define CHART_MAX_LINES 16     /* lines a chart plans for: data range, legend, end labels */
#define CHART_MAX_TICKS 12     /* per axis */
#define CHART_MAX_MINOR 1024   /* faint 2..9 × 10^k lines of a log axis (over a hundred decades) */

typedef struct {
    int x, y, w, h;
} chart_rect;

/* A line of a chart (its colour is the drawing's business: chart_draw
 * takes one per line). */
typedef struct {
    const chart_series *series;   /* may be NULL */
    const char *label;            /* legend or end label; NULL or "" for none */
    int thick;                    /* a wider line and swatch */
} chart_line;

/* What to chart. */
typedef struct {
    const char *title, *x_label;
    int log_y;
    double y_min, y_max;          /* fixed y range if y_min < y_max, else from data */
    double x_max_hint;            /* x axis extends at least to this (e.g. total steps) */
    const chart_line *lines; /* the first CHART_MAX_LINES count, the rest are ignored */
    int n_lines;
    const char *empty_text;       /* shown when no line has a point */
    int end_labels;               /* labels at the lines' last points instead of a legend */
} chart_spec;

/* The one font size a chart writes with: its line height and a string's
 * width in pixels (tests pass a fake: every character N px wide). */
typedef struct {
    int height;
    int (*width)(void *ctx, const char *s);
    void *ctx;
} chart_font;

/* A tick: its grid line, and its label if that fits without overlapping. */
typedef struct {
    double value;                 /* data space */
    int pos;                      /* pixel row (y axis) or column (x axis) of the grid line */
    int grid;                     /* draw the grid line */
    int shown;                    /* draw the label, anchored at (lx, ly) */
    int lx, ly;
    char label[24];
} chart_plan_tick;

/* A legend entry: a swatch in the line's colour, then its label. */
typedef struct {
    int line;                     /* index into spec->lines */
    chart_rect swatch;
    int tx, ty;                   /* label: left end, vertical middle */
} chart_plan_entry;

/* A label at the end of a line: left end, vertical middle, in its colour. */
typedef struct {
    int line, x, y;
} chart_plan_end;

typedef enum { CHART_LEGEND_NONE, CHART_LEGEND_TITLE, CHART_LEGEND_BOX } chart_legend_place;

/* Texts are anchored: the title by its top left, the empty text by its
 * centre, y tick labels by their right end and middle, x tick labels by
 * their top left, the x axis name by its top right. Drawn in this order:
 * panel, title row (or empty text); faint lines, y ticks, axis name, x
 * ticks, axes; the lines; end labels or the legend box. */
typedef struct {
    int visible;                  /* 0: nothing at all (empty rectangle, no spec) */
    chart_rect rect;              /* the panel, framed on its edge */
    int title_shown, title_x, title_y;
    chart_legend_place legend;
    chart_rect legend_box;        /* CHART_LEGEND_BOX: filled and framed behind the entries */
    chart_plan_entry entries[CHART_MAX_LINES];
    int n_entries;
    int has_data;                 /* 0: the empty text, if shown, and nothing more */
    int empty_shown, empty_x, empty_y;
    int has_plot;                 /* 0: too small for a plot, only panel and title row */
    chart_rect plot;
    chart_map map;                /* data to pixels inside plot */
    int minor_y[CHART_MAX_MINOR]; /* pixel rows of faint lines across the plot */
    int n_minor;
    chart_plan_tick y_ticks[CHART_MAX_TICKS], x_ticks[CHART_MAX_TICKS];
    int n_y_ticks, n_x_ticks;
    int x_name_shown, x_name_x, x_name_y;
    chart_rect line_clip;         /* the lines stay inside this; w == 0: no lines */
    int thin_w, thick_w;          /* line widths in pixels */
    chart_plan_end ends[CHART_MAX_LINES];
    int n_ends;
} chart_plan;

/* Plans a chart in rect at the given pixel scale (1 = 96 dpi; non-finite or
 * non-positive means 1, capped at 8). font may be NULL (no text: no labels,
 * no title row). The plan holds no pointers: legend entries and end labels
 * name their line by its index in spec->lines, tick labels are copies. */
void chart_plan_make(chart_rect rect, const chart_spec *spec, const chart_font *font, float scale,
                     chart_plan *out);

#endif

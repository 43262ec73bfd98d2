/* The display-free half of the line charts: nice ticks, series, smoothing,
 * the mapping from data to pixels, and where a legend hides the least.
 * Pure C, unit-tested without a display; widgets/chart.c draws with it. */
#ifndef DP_CHART_SCALE_H
#define DP_CHART_SCALE_H

#include <stddef.h>

/* "Nice" ticks covering [lo, hi]: steps of 1, 2 or 5 × 10^k, at most
 * max_ticks of them; first and last tick enclose the data. Swapped bounds
 * are reordered, a single value is widened, non-finite bounds are ignored
 * (0..1 if both are), bounds beyond ±1e300 are clamped. max_ticks is clamped to 2..1000; with 2 the two ticks
 * are nice values and step is their distance (maybe 4 or 3 × 10^k). */
typedef struct {
    double first, step;
    int count;
} chart_ticks;
void chart_nice_ticks(double lo, double hi, int max_ticks, chart_ticks *out);
/* Ticks for a log10 axis: lo and hi are log10 of the data range, values
 * receive up to max_ticks tick positions in data space (0.01, 0.1, 1, ...),
 * increasing, the first <= 10^lo and the last >= 10^hi. Decades when the
 * range is wide, 1-2-5 steps below about two decades, plain linear steps
 * (0.3, 0.35, 0.4) inside one decade. *count is 0 when max_ticks < 2. */
void chart_log_ticks(double lo, double hi, int max_ticks, double *values, int *count);
/* Formats a tick value with as few decimals as the step needs ("0.25", "1k"). */
void chart_format_tick(double value, double step, char *buf, size_t size);
/* 10000 → "10,000" (for counts in text, not ticks). */
void chart_format_count(long n, char *buf, size_t size);

/* A growing series of points (x increasing). */
typedef struct {
    float *x, *y;
    int n, cap;
} chart_series;
void chart_series_init(chart_series *s);
void chart_series_free(chart_series *s);
void chart_series_clear(chart_series *s);
int  chart_series_add(chart_series *s, float x, float y);   /* 0, or -1 out of memory */

/* Exponential moving average with bias correction (like Adam's), so the
 * first smoothed values are not dragged towards zero. */
typedef struct {
    double value, weight;
    float alpha;    /* new value's share, e.g. 0.05 */
} chart_ema;
float chart_ema_add(chart_ema *e, float v);

/* Maps data coordinates to pixels inside a plot rectangle. */
typedef struct {
    double x_lo, x_hi, y_lo, y_hi;    /* data space, also with log_y (y_lo > 0) */
    int log_y;                        /* y on a log10 scale (loss) */
    int px, py, pw, ph;               /* plot area in pixels */
} chart_map;
float chart_px_x(const chart_map *m, double x);
float chart_px_y(const chart_map *m, double y);
/* The inverses: the data coordinate at a pixel (for hover read-outs). */
double chart_data_x(const chart_map *m, float px);
double chart_data_y(const chart_map *m, float py);
/* Data range of several series (y ignores non-finite and, with log_y,
 * non-positive values); returns 0 if there is no point. */
int chart_data_range(const chart_series *const *s, int n, int log_y,
                     double *x_lo, double *x_hi, double *y_lo, double *y_hi);

/* Where a w×h box (a legend) hides the least of the series: the top left
 * corner of the box, pad inside one of the plot's corners (top right wins a tie). */
void chart_quiet_corner(const chart_series *const *s, int n, const chart_map *m, int w, int h, int pad, int *x, int *y);

#endif

/* The pure half of the charts: nice ticks (linear and log), tick labels,
 * growing series, smoothing, data ranges and the data-to-pixel mapping.
 * No SDL here: unit-tested without a display. */
#include "chart_scale.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds are kept within ±LIMIT so spans and tick products never overflow. */
#define LIMIT 1e300
#define LOG_LIMIT 300.0
#define MAX_TICKS 1000
#define SERIES_MAX 10000000
/* Snapping tolerance, in steps: a bound within this of a tick is on it. */
#define SNAP 1e-9

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Puts lo and hi in order, drops non-finite bounds (using the other one, or
 * `fallback_lo..fallback_hi` if both are bad) and bounds them to ±limit. */
static void sanitize(double *lo, double *hi, double limit, double fallback_lo, double fallback_hi)
{
    int ok_lo = !isnan(*lo), ok_hi = !isnan(*hi);
    if (!ok_lo && !ok_hi) {
        *lo = fallback_lo;
        *hi = fallback_hi;
    } else if (!ok_lo) {
        *lo = *hi;
    } else if (!ok_hi) {
        *hi = *lo;
    }
    /* ±inf become the limits: the span is then huge but finite. */
    *lo = clampd(*lo, -limit, limit);
    *hi = clampd(*hi, -limit, limit);
    if (*lo > *hi) {
        double t = *lo;
        *lo = *hi;
        *hi = t;
    }
}

/* The nice number m × 10^e for index i = 3e + {0,1,2}, m in {1, 2, 5}. */
static double nice_at(int i)
{
    static const double mant[3] = {1, 2, 5};
    int e = i >= 0 ? i / 3 : -((-i + 2) / 3);
    return mant[i - 3 * e] * pow(10.0, e);
}

/* Index of the largest nice number <= v (v > 0). */
static int nice_index_below(double v)
{
    int e = (int)floor(log10(v));
    int i = 3 * e;
    /* log10 may be off by one ulp around powers of ten: walk to be sure. */
    while (nice_at(i) > v * (1 + 1e-12)) i--;
    while (nice_at(i + 1) <= v * (1 + 1e-12)) i++;
    return i;
}

void chart_nice_ticks(double lo, double hi, int max_ticks, chart_ticks *out)
{
    if (!out) return;
    sanitize(&lo, &hi, LIMIT, 0, 1);
    if (max_ticks < 2) max_ticks = 2;
    if (max_ticks > MAX_TICKS) max_ticks = MAX_TICKS;

    /* A (nearly) single value: widen by 5 %, or to 0..1 around zero. Spans
     * below 1e-12 of the magnitude would lose the ticks to rounding. */
    double mag = fmax(fabs(lo), fabs(hi));
    if (hi - lo <= mag * 1e-12 || hi - lo < 1e-300) {
        double c = lo / 2 + hi / 2;
        if (c == 0) {
            lo = 0;
            hi = 1;
        } else {
            double d = fmax(fabs(c) * 0.05, 1e-300);
            lo = c - d;
            hi = c + d;
        }
    }
    double span = hi - lo;

    if (max_ticks == 2) {
        /* Two ticks cannot both be multiples of one step when the range
         * straddles one: round the bounds outwards to a nice unit, taking
         * the unit (from about span/5 to 10 span) that wastes least room. */
        int i0 = nice_index_below(span);
        double best_a = lo, best_b = hi, best = INFINITY;
        for (int i = i0 - 2; i <= i0 + 3; i++) {
            double u = nice_at(i);
            double a = floor(lo / u + SNAP) * u, b = ceil(hi / u - SNAP) * u;
            if (b <= a) b = a + u;
            if (b - a <= best * (1 + 1e-9)) {   /* ties go to the rounder unit */
                best = b - a;
                best_a = a;
                best_b = b;
            }
        }
        out->first = best_a + 0.0;   /* + 0.0 turns -0 into 0 */
        out->step = best_b - best_a;
        out->count = 2;
        return;
    }

    /* The smallest nice step whose ticks (all multiples of it) fit. */
    int i = nice_index_below(span / (max_ticks - 1));
    for (int tries = 0; tries < 64; tries++, i++) {
        double s = nice_at(i);
        double kf = floor(lo / s + SNAP), kl = ceil(hi / s - SNAP);
        if (kl < kf) kl = kf;
        if (kl - kf + 1 <= max_ticks) {
            out->first = kf * s + 0.0;
            out->step = s;
            out->count = (int)(kl - kf + 1);
            return;
        }
    }
    /* Unreachable for finite inputs; keep the output defined anyway. */
    out->first = lo;
    out->step = span;
    out->count = 2;
}

/* ---- log ticks ----------------------------------------------------------- */

/* Tick positions in log10 space must not bunch up: no gap may be below half
 * of the even spacing (linear ticks near the top of a decade would). */
static int gaps_even_enough(const double *v, int n)
{
    if (n < 2) return 0;
    double total = log10(v[n - 1]) - log10(v[0]);
    for (int i = 1; i < n; i++)
        if (log10(v[i]) - log10(v[i - 1]) < 0.5 * total / (n - 1)) return 0;
    return 1;
}

/* Inside about one decade: linear nice ticks in data space. */
static int log_ticks_linear(double lo, double hi, int max_ticks, double *values)
{
    chart_ticks t;
    chart_nice_ticks(pow(10.0, lo), pow(10.0, hi), max_ticks, &t);
    if (t.count < 2 || t.count > max_ticks || !(t.first > t.step * 1e-9)) return 0;
    /* Multiples of the step computed as such are exact-looking (0.3, not
     * 0.30000000000000004); with two ticks first need not be one. */
    double k0 = round(t.first / t.step);
    int multiple = fabs(t.first / t.step - k0) < 1e-6;
    for (int i = 0; i < t.count; i++) values[i] = multiple ? (k0 + i) * t.step : t.first + i * t.step;
    return gaps_even_enough(values, t.count) ? t.count : 0;
}

/* Up to about two decades: 1, 2, 5, 10, 20, 50, ... */
static int log_ticks_125(double lo, double hi, int max_ticks, double *values)
{
    double vlo = pow(10.0, lo), vhi = pow(10.0, hi);
    int i = nice_index_below(vlo), n = 0;
    for (;; i++) {
        if (n == max_ticks) return 0;
        values[n++] = nice_at(i);
        if (nice_at(i) >= vhi * (1 - 1e-12)) break;
    }
    return n >= 2 ? n : 0;
}

/* Decades, every k of them: 0.001, 0.01, 0.1, 1 or 1e-6, 1e-4, 0.01, 1. */
static int log_ticks_decades(double lo, double hi, int max_ticks, double *values)
{
    double d0 = floor(lo + SNAP), d1 = ceil(hi - SNAP);
    if (d1 <= d0) d1 = d0 + 1;
    for (int i = 0; i < 64; i++) {
        double k = nice_at(i);   /* 1, 2, 5, 10, ... decades */
        /* Multiples of k if they fit (and are representable), else from d0:
         * 0.001, 0.1, 10 beats 1e-5, 1, 100k. */
        double a = floor(d0 / k) * k, b = ceil(d1 / k) * k;
        int n = (int)((b - a) / k + 0.5) + 1;
        if (n > max_ticks || a < -307 || b > 307) {
            a = d0;
            b = d0 + ceil((d1 - d0) / k) * k;
            n = (int)((b - a) / k + 0.5) + 1;
        }
        if (n > max_ticks || b > 307) continue;
        for (int j = 0; j < n; j++) values[j] = pow(10.0, clampd(a + j * k, -307, 307));
        return n;
    }
    /* Hundreds of decades in two or three ticks: just the ends. */
    values[0] = pow(10.0, d0);
    values[1] = pow(10.0, d1);
    return 2;
}

void chart_log_ticks(double lo, double hi, int max_ticks, double *values, int *count)
{
    if (!count) return;
    *count = 0;
    if (!values || max_ticks < 2) return;
    if (max_ticks > MAX_TICKS) max_ticks = MAX_TICKS;
    sanitize(&lo, &hi, LOG_LIMIT, -1, 0);
    if (hi - lo < 1e-9) {   /* a single value: a small window around it */
        lo -= 0.15;
        hi += 0.15;
    }
    double span = hi - lo;
    int n = 0;
    if (span < 1) n = log_ticks_linear(lo, hi, max_ticks, values);
    if (!n && span < 2.5) n = log_ticks_125(lo, hi, max_ticks, values);
    if (!n) n = log_ticks_decades(lo, hi, max_ticks, values);
    *count = n;
}

/* ---- tick labels --------------------------------------------------------- */

/* Decimals needed to write multiples of step exactly (0.25 -> 2). */
static int decimals_for(double step)
{
    for (int d = 0; d < 12; d++) {
        double r = step * pow(10.0, d);
        if (r >= 1 - 1e-6 && fabs(r - round(r)) <= 1e-6 * r) return d;
    }
    return 12;
}

/* "2.50" -> "2.5", "3.0" -> "3", "-0" -> "0". */
static void tidy_number(char *s)
{
    if (strchr(s, '.')) {
        size_t n = strlen(s);
        while (n > 0 && s[n - 1] == '0') s[--n] = '\0';
        if (n > 0 && s[n - 1] == '.') s[--n] = '\0';
    }
    if (s[0] == '-' && !strpbrk(s, "123456789")) memmove(s, s + 1, strlen(s));
}

void chart_format_tick(double value, double step, char *buf, size_t size)
{
    if (!buf || size == 0) return;
    char num[64];
    if (isnan(value)) {
        snprintf(buf, size, "nan");
        return;
    }
    if (isinf(value)) {
        snprintf(buf, size, value > 0 ? "inf" : "-inf");
        return;
    }
    double a = fabs(value);
    step = fabs(step);
    if (!isfinite(step) || step == 0) {
        /* No step: three significant digits of the value itself. */
        step = a > 0 ? pow(10.0, floor(log10(a)) - 2) : 1;
    }
    if (a < step * 1e-6 || a < 1e-300) {
        snprintf(buf, size, "0");
        return;
    }

    if (a < 1e-3 || a >= 1e15) {
        /* 1e-4, 2.5e-5, 3e15 */
        int e = (int)floor(log10(a));
        double p = pow(10.0, e);
        int d = decimals_for(step / p);
        if (d > 6) d = 6;
        double m = value / p;
        if (fabs(round(m * pow(10.0, d))) >= 10 * pow(10.0, d)) {   /* 9.99.. rounds to 10 */
            e++;
            m /= 10;
        }
        snprintf(num, sizeof num, "%.*f", d, m);
        tidy_number(num);
        snprintf(buf, size, "%se%d", num, e);
        return;
    }

    static const struct {
        double div;
        const char *suffix;
    } units[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""}};
    int u = 0;
    while (units[u].div > 1 && round(a) < units[u].div) u++;
    int d = decimals_for(step / units[u].div);
    if (d > 9) d = 9;
    snprintf(num, sizeof num, "%.*f", d, value / units[u].div);
    tidy_number(num);
    snprintf(buf, size, "%s%s", num, units[u].suffix);
}

/* A count as people write it in running text: 10,000. */
void chart_format_count(long n, char *buf, size_t size)
{
    if (!buf || size == 0) return;
    char digits[32], out[48];
    unsigned long magnitude = n < 0 ? 0ul - (unsigned long)n : (unsigned long)n;   /* LONG_MIN too */
    snprintf(digits, sizeof digits, "%lu", magnitude);
    int len = (int)strlen(digits), o = 0;
    if (n < 0) out[o++] = '-';
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    snprintf(buf, size, "%s", out);
}

/* How much of the data a box would hide: the points under it first, then the
 * points in its rows across the whole plot (where the lines are heading: a
 * rising accuracy curve will fill the top rows). */
static long box_cover(const chart_series *const *s, int n, const chart_map *m, double x0, double y0, double w, double h)
{
    long under = 0, band = 0;
    for (int i = 0; i < n; i++) {
        if (!s[i] || !s[i]->x || !s[i]->y) continue;
        for (int k = 0; k < s[i]->n; k++) {
            double v = s[i]->y[k];
            if (!isfinite(v) || (m->log_y && v <= 0)) continue;
            double y = chart_px_y(m, v);
            if (y < y0 || y > y0 + h) continue;
            double x = chart_px_x(m, s[i]->x[k]);
            band++;
            under += x >= x0 && x <= x0 + w;
        }
    }
    return under * 1000000 + band;
}

void chart_quiet_corner(const chart_series *const *s, int n, const chart_map *m, int w, int h, int pad, int *x, int *y)
{
    int left = m->px + pad, right = m->px + m->pw + 1 - w - pad, top = m->py + pad, low = m->py + m->ph + 1 - h - pad;
    const int corners[4][2] = {{right, top}, {right, low}, {left, top}, {left, low}};
    long best = -1;
    for (int c = 0; c < 4; c++) {
        long cover = box_cover(s, n, m, corners[c][0], corners[c][1], w, h);
        if (best < 0 || cover < best) best = cover, *x = corners[c][0], *y = corners[c][1];
    }
}

/* ---- series -------------------------------------------------------------- */

void chart_series_init(chart_series *s)
{
    if (s) memset(s, 0, sizeof *s);
}

void chart_series_free(chart_series *s)
{
    if (!s) return;
    free(s->x);
    free(s->y);
    chart_series_init(s);
}

void chart_series_clear(chart_series *s)
{
    if (s) s->n = 0;
}

int chart_series_add(chart_series *s, float x, float y)
{
    if (!s || s->n < 0 || s->n >= SERIES_MAX) return -1;
    if (s->n == s->cap) {
        int cap = s->cap < 256 ? 256 : s->cap > SERIES_MAX / 2 ? SERIES_MAX : 2 * s->cap;
        if ((size_t)cap > SIZE_MAX / sizeof(float)) return -1;
        float *nx = realloc(s->x, (size_t)cap * sizeof *nx);
        if (!nx) return -1;
        s->x = nx;   /* kept even if y fails: cap stays, so nothing is lost */
        float *ny = realloc(s->y, (size_t)cap * sizeof *ny);
        if (!ny) return -1;
        s->y = ny;
        s->cap = cap;
    }
    s->x[s->n] = x;
    s->y[s->n] = y;
    s->n++;
    return 0;
}

/* ---- smoothing ----------------------------------------------------------- */

float chart_ema_add(chart_ema *e, float v)
{
    if (!e) return v;
    double a = e->alpha;
    if (!(a > 0 && a <= 1)) a = 0.05;   /* unset or nonsense: a gentle default */
    if (!isfinite(v))                   /* a NaN loss must not poison the curve */
        return e->weight > 0 ? (float)(e->value / e->weight) : v;
    e->value = (1 - a) * e->value + a * v;
    e->weight = (1 - a) * e->weight + a;
    return (float)(e->value / e->weight);
}

/* ---- mapping ------------------------------------------------------------- */

/* The y axis in "mapped" units: log10 with log_y (non-positive values and
 * bounds go to the bottom of the range), the value otherwise. */
static double log_or_floor(double v, double floor_value)
{
    return v > 0 ? log10(v) : floor_value;
}

static void y_axis(const chart_map *m, double *lo, double *hi)
{
    if (m->log_y) {
        *hi = log_or_floor(m->y_hi, 0);
        *lo = log_or_floor(m->y_lo, *hi - 1);
    } else {
        *lo = m->y_lo;
        *hi = m->y_hi;
    }
}

float chart_px_x(const chart_map *m, double x)
{
    if (!m) return 0;
    double span = m->x_hi - m->x_lo;
    if (!(span > 0) || !isfinite(span)) return (float)(m->px + m->pw * 0.5);
    return (float)(m->px + (x - m->x_lo) / span * m->pw);
}

float chart_px_y(const chart_map *m, double y)
{
    if (!m) return 0;
    double lo, hi;
    y_axis(m, &lo, &hi);
    double span = hi - lo;
    if (!(span > 0) || !isfinite(span)) return (float)(m->py + m->ph * 0.5);
    double v = m->log_y ? log_or_floor(y, lo) : y;
    return (float)(m->py + m->ph - (v - lo) / span * m->ph);
}

double chart_data_x(const chart_map *m, float px)
{
    if (!m || m->pw <= 0) return m ? m->x_lo : 0;
    return m->x_lo + (px - m->px) / (double)m->pw * (m->x_hi - m->x_lo);
}

double chart_data_y(const chart_map *m, float py)
{
    if (!m) return 0;
    double lo, hi;
    y_axis(m, &lo, &hi);
    if (m->ph <= 0) return m->log_y ? pow(10.0, lo) : lo;
    double v = lo + (m->py + m->ph - py) / (double)m->ph * (hi - lo);
    return m->log_y ? pow(10.0, v) : v;
}

int chart_data_range(const chart_series *const *s, int n, int log_y,
                     double *x_lo, double *x_hi, double *y_lo, double *y_hi)
{
    double xl = INFINITY, xh = -INFINITY, yl = INFINITY, yh = -INFINITY;
    int any = 0;
    for (int k = 0; s && k < n; k++) {
        const chart_series *c = s[k];
        if (!c || !c->x || !c->y) continue;
        for (int i = 0; i < c->n; i++) {
            double x = c->x[i], y = c->y[i];
            if (!isfinite(x) || !isfinite(y) || (log_y && y <= 0)) continue;
            any = 1;
            if (x < xl) xl = x;
            if (x > xh) xh = x;
            if (y < yl) yl = y;
            if (y > yh) yh = y;
        }
    }
    if (!any) return 0;
    if (x_lo) *x_lo = xl;
    if (x_hi) *x_hi = xh;
    if (y_lo) *y_lo = yl;
    if (y_hi) *y_hi = yh;
    return 1;
}

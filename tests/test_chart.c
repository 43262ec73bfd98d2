/* The pure half of the charts: nice and log ticks, tick labels, series,
 * smoothing, data ranges, the pixel mapping, and chart_plan's layout with a
 * made-up font. No display needed. */
#include "chart_plan.h"
#include "chart_scale.h"
#include "check.h"

#include <float.h>
#include <math.h>
#include <stdint.h>

/* Is step 1, 2 or 5 × 10^k (within rounding)? */
static int is_nice(double step)
{
    if (!(step > 0) || !isfinite(step)) return 0;
    double e = floor(log10(step));
    double m = step / pow(10.0, e);
    const double ok[] = {1, 2, 5, 10};
    for (int i = 0; i < 4; i++)
        if (fabs(m - ok[i]) < 1e-9 * ok[i]) return 1;
    return 0;
}

/* Checks the contract of chart_nice_ticks for one input. */
static void check_ticks(double lo, double hi, int max_ticks)
{
    chart_ticks t = {0, 0, 0};
    chart_nice_ticks(lo, hi, max_ticks, &t);
    int limit = max_ticks < 2 ? 2 : max_ticks > 1000 ? 1000 : max_ticks;
    CHECK(t.count >= 2 && t.count <= limit, "[%g, %g] max %d: count %d", lo, hi, max_ticks, t.count);
    CHECK(isfinite(t.first) && isfinite(t.step) && t.step > 0, "[%g, %g] max %d: first %g step %g", lo,
          hi, max_ticks, t.first, t.step);
    if (limit >= 3)
        CHECK(is_nice(t.step), "[%g, %g] max %d: step %.17g is not 1/2/5 x 10^k", lo, hi, max_ticks, t.step);
    /* Bounds beyond ±1e300 are clamped there (documented), so only check coverage below. */
    if (isfinite(lo) && isfinite(hi) && fabs(lo) <= 1e300 && fabs(hi) <= 1e300) {
        double a = fmin(lo, hi), b = fmax(lo, hi);
        double last = t.first + (t.count - 1) * t.step;
        double tol = t.step * 1e-6;
        CHECK(t.first <= a + tol, "[%g, %g] max %d: first tick %.17g above the data", lo, hi, max_ticks,
              t.first);
        CHECK(last >= b - tol, "[%g, %g] max %d: last tick %.17g below the data", lo, hi, max_ticks, last);
        /* Not absurdly wide: the ticks span less than ~5x the data (or the widened single value). */
        if (b - a > 1e-9 * fmax(fabs(a), fabs(b)) && limit >= 3)
            CHECK(last - t.first <= 5.01 * (b - a) * (limit - 1) / (limit - 2) + t.step, "[%g, %g] max %d: too wide (%g..%g)",
                  lo, hi, max_ticks, t.first, last);
        if (limit >= 3)   /* ticks are multiples of the step */
            CHECK(fabs(t.first / t.step - round(t.first / t.step)) < 1e-6, "[%g, %g]: first %g not a multiple of %g",
                  lo, hi, t.first, t.step);
    }
    CHECK(!(t.first == 0 && signbit(t.first)), "[%g, %g]: first is -0", lo, hi);
}

static void test_nice_ticks(void)
{
    chart_ticks t;
    chart_nice_ticks(0, 1, 6, &t);
    CHECK(t.count == 6 && t.first == 0 && fabs(t.step - 0.2) < 1e-12, "0..1: %d from %g step %g", t.count,
          t.first, t.step);
    chart_nice_ticks(0, 3000, 7, &t);
    CHECK(t.count == 7 && t.first == 0 && t.step == 500, "0..3000: %d from %g step %g", t.count, t.first, t.step);
    chart_nice_ticks(0.9, 1.0, 6, &t);
    CHECK(t.count == 6 && fabs(t.first - 0.9) < 1e-12 && fabs(t.step - 0.02) < 1e-12, "0.9..1: %d %g %g",
          t.count, t.first, t.step);
    chart_nice_ticks(-3.7, 12.2, 5, &t);
    CHECK(t.first == -5 && t.step == 5 && t.count == 5, "-3.7..12.2: %d %g %g", t.count, t.first, t.step);
    chart_nice_ticks(-1, 1, 2, &t);
    CHECK(t.first == -1 && t.step == 2 && t.count == 2, "-1..1 in two ticks: %d %g %g", t.count, t.first, t.step);

    double cases[][2] = {
        {0, 1},       {0, 3000},    {0.9, 1},      {-1, 1},       {-3.7, 12.2},   {1e-9, 3e-9},
        {1e6, 1e6 + 1}, {-1e12, 5e11}, {0.001, 1000}, {123456, 123457}, {-0.5, -0.25}, {1e300, 1e300},
        {5, 5},       {0, 0},       {-7, -7},      {1e-320, 1e-320}, {1, 0},        {3e-5, 2e-5},
        {-DBL_MAX, DBL_MAX}, {-INFINITY, INFINITY}, {NAN, NAN}, {NAN, 4}, {2, NAN}, {INFINITY, 1},
        {1e20, 1e20 * (1 + 1e-15)}, {0.1, 0.30000000000000004}, {-1e-300, 1e-300},
    };
    int maxes[] = {-5, 0, 1, 2, 3, 4, 5, 7, 10, 11, 50, 5000};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (size_t j = 0; j < sizeof maxes / sizeof maxes[0]; j++) check_ticks(cases[i][0], cases[i][1], maxes[j]);

    /* Random ranges at every magnitude. */
    srand(12345);
    for (int i = 0; i < 20000; i++) {
        double e = (rand() / (double)RAND_MAX) * 40 - 20;
        double a = (rand() / (double)RAND_MAX * 2 - 1) * pow(10.0, e);
        double w = (rand() / (double)RAND_MAX) * pow(10.0, e + (rand() % 7) - 3);
        int m = 2 + rand() % 12;
        check_ticks(a, a + w, m);
        if (i % 10 == 0) check_ticks(a + w, a, m);   /* swapped */
    }

    /* NULL output is ignored. */
    chart_nice_ticks(0, 1, 5, NULL);
}

static void check_log(double lo, double hi, int max_ticks)
{
    double v[64];
    int n = -1;
    chart_log_ticks(lo, hi, max_ticks, v, &n);
    CHECK(n >= 2 && n <= max_ticks, "log [%g, %g] max %d: count %d", lo, hi, max_ticks, n);
    for (int i = 0; i < n; i++) CHECK(v[i] > 0 && isfinite(v[i]), "log [%g, %g]: value %g", lo, hi, v[i]);
    for (int i = 1; i < n; i++) CHECK(v[i] > v[i - 1], "log [%g, %g]: not increasing at %d", lo, hi, i);
    if (n >= 2 && isfinite(lo) && isfinite(hi) && fabs(lo) < 290 && fabs(hi) < 290) {
        CHECK(log10(v[0]) <= fmin(lo, hi) + 1e-9, "log [%g, %g] max %d: first %g above the data", lo, hi, max_ticks,
              v[0]);
        CHECK(log10(v[n - 1]) >= fmax(lo, hi) - 1e-9, "log [%g, %g] max %d: last %g below the data", lo, hi,
              max_ticks, v[n - 1]);
    }
}

static void test_log_ticks(void)
{
    double v[16];
    int n = 0;
    /* Loss from 2.3 down to 0.02: decades or 1-2-5. */
    chart_log_ticks(log10(0.02), log10(2.3), 5, v, &n);
    CHECK(n == 4 && fabs(v[0] - 0.01) < 1e-15 && fabs(v[3] - 10) < 1e-12, "0.02..2.3: n %d %g..%g", n, v[0],
          n ? v[n - 1] : 0);
    chart_log_ticks(log10(0.02), log10(2.3), 8, v, &n);
    CHECK(n == 8 && fabs(v[0] - 0.02) < 1e-15 && fabs(v[1] - 0.05) < 1e-15 && fabs(v[2] - 0.1) < 1e-15 &&
              fabs(v[7] - 5) < 1e-12,
          "0.02..2.3 (8): n %d", n);
    /* Six decades with room for three ticks: every other decade... or more. */
    chart_log_ticks(-4, 2, 4, v, &n);
    CHECK(n <= 4 && n >= 2 && v[0] <= 1e-4 * (1 + 1e-12) && v[n - 1] >= 100 * (1 - 1e-12), "1e-4..100: n %d", n);
    chart_log_ticks(-4, 2, 10, v, &n);
    CHECK(n == 7 && fabs(v[0] - 1e-4) < 1e-18 && fabs(v[6] - 100) < 1e-12, "1e-4..100 (10): n %d", n);
    /* Inside one decade: linear steps. */
    chart_log_ticks(log10(0.3), log10(0.5), 5, v, &n);
    CHECK(n >= 3 && fabs(v[0] - 0.3) < 1e-12 && fabs(v[n - 1] - 0.5) < 1e-12, "0.3..0.5: n %d %g..%g", n, v[0],
          n ? v[n - 1] : 0);
    /* max_ticks < 2: nothing, and values untouched. */
    v[0] = 42;
    chart_log_ticks(-2, 0, 1, v, &n);
    CHECK(n == 0 && v[0] == 42, "max 1: n %d", n);
    chart_log_ticks(-2, 0, 5, NULL, &n);
    CHECK(n == 0, "NULL values: n %d", n);
    chart_log_ticks(-2, 0, 5, v, NULL);

    double cases[][2] = {{-2, 0.4}, {-1.7, -1.6}, {0, 0}, {-0.3, -0.3}, {-300, 300}, {-1000, 1000},
                         {NAN, NAN}, {NAN, -1}, {-INFINITY, 0}, {2, -3}, {5.01, 5.02}, {-0.1, 0.9},
                         {-0.05, 0.949}, {-12, -11.9}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int m = 2; m <= 12; m++) check_log(cases[i][0], cases[i][1], m);
    srand(777);
    for (int i = 0; i < 20000; i++) {
        double a = (rand() / (double)RAND_MAX) * 40 - 20;
        double w = (rand() / (double)RAND_MAX) * pow(10.0, (rand() % 4) - 2);
        check_log(a, a + w, 2 + rand() % 10);
    }
}

static void check_fmt(double v, double step, const char *want)
{
    char buf[32];
    chart_format_tick(v, step, buf, sizeof buf);
    CHECK(strcmp(buf, want) == 0, "format(%g, step %g) = \"%s\", want \"%s\"", v, step, buf, want);
}

static void test_format(void)
{
    /* Value, step, label: the step sets the decimals, log ticks pass the
     * value as step, no step means three significant digits, and rounding
     * noise at zero or a value that rounds to zero is never "-0". */
    static const struct {
        double v, step;
        const char *want;
    } fmts[] = {
        {0, 0.5, "0"}, {0.5, 0.5, "0.5"}, {1, 0.5, "1"}, {2.5, 0.5, "2.5"}, {0.25, 0.25, "0.25"},
        {0.30000000000000004, 0.1, "0.3"}, {1000, 500, "1k"}, {1500, 500, "1.5k"}, {20000, 5000, "20k"},
        {1250, 250, "1.25k"}, {2500000, 500000, "2.5M"}, {3e9, 1e9, "3G"}, {0.001, 0.001, "0.001"},
        {0.0015, 0.0005, "0.0015"}, {1e-4, 1e-4, "1e-4"}, {2.5e-5, 5e-6, "2.5e-5"}, {1e15, 1e15, "1e15"},
        {-0.0, 1, "0"}, {-1e-17, 0.1, "0"}, {-0.04, 0.1, "0"}, {-2, 1, "-2"}, {-1500, 500, "-1.5k"},
        {0.92, 0.02, "0.92"}, {0.94, 0.02, "0.94"}, {100, 20, "100"}, {999, 1, "999"}, {0.01, 0.01, "0.01"},
        {0.2, 0.2, "0.2"}, {50, 50, "50"}, {3.14159, 0, "3.14"}, {NAN, 1, "nan"}, {INFINITY, 1, "inf"},
    };
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) check_fmt(fmts[i].v, fmts[i].step, fmts[i].want);

    /* Truncation is safe and terminated. */
    char small[3] = {'x', 'x', 'x'};
    chart_format_tick(12345.678, 0.001, small, sizeof small);
    CHECK(small[2] == '\0', "truncated label not terminated");
    chart_format_tick(1, 1, NULL, 10);
    chart_format_tick(1, 1, small, 0);

    /* Counts in running text. */
    static const struct {
        long n;
        const char *text;
    } counts[] = {{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {10000, "10,000"}, {60000, "60,000"},
                  {123456, "123,456"}, {1234567, "1,234,567"}, {-4200, "-4,200"}};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        char got[32];
        chart_format_count(counts[i].n, got, sizeof got);
        CHECK(strcmp(got, counts[i].text) == 0, "count %ld: \"%s\", expected \"%s\"", counts[i].n, got, counts[i].text);
    }
    chart_format_count(10000, small, sizeof small);
    CHECK(small[2] == '\0', "truncated count not terminated");

    /* Every tick of random ranges gets a short, distinct label. */
    srand(99);
    for (int i = 0; i < 3000; i++) {
        double e = (rand() / (double)RAND_MAX) * 24 - 12;
        double a = (rand() / (double)RAND_MAX * 2 - 1) * pow(10.0, e);
        double w = (rand() / (double)RAND_MAX + 0.01) * pow(10.0, e);
        chart_ticks t;
        chart_nice_ticks(a, a + w, 6, &t);
        char prev[32] = "", cur[32];
        for (int k = 0; k < t.count; k++) {
            chart_format_tick(t.first + k * t.step, t.step, cur, sizeof cur);
            CHECK(strlen(cur) <= 12, "label \"%s\" too long (step %g)", cur, t.step);
            CHECK(strcmp(cur, prev) != 0, "two ticks labelled \"%s\" (first %g step %g)", cur, t.first, t.step);
            CHECK(strcmp(cur, "-0") != 0, "label -0");
            memcpy(prev, cur, sizeof prev);
        }
    }
}

static void test_series(void)
{
    chart_series s;
    chart_series_init(&s);
    CHECK(s.n == 0 && s.x == NULL, "init");
    for (int i = 0; i < 100000; i++)
        if (chart_series_add(&s, (float)i, (float)(i % 97)) != 0) {
            CHECK(0, "add %d failed", i);
            break;
        }
    CHECK(s.n == 100000 && s.cap >= s.n, "n %d cap %d", s.n, s.cap);
    int bad = 0;
    for (int i = 0; i < s.n; i++) bad += s.x[i] != (float)i || s.y[i] != (float)(i % 97);
    CHECK(bad == 0, "%d points changed while growing", bad);
    int cap = s.cap;
    chart_series_clear(&s);
    CHECK(s.n == 0 && s.cap == cap, "clear keeps the memory");
    CHECK(chart_series_add(&s, 1, 2) == 0 && s.n == 1 && s.y[0] == 2, "add after clear");
    chart_series_free(&s);
    CHECK(s.n == 0 && s.cap == 0 && s.x == NULL && s.y == NULL, "free resets");
    chart_series_free(&s);   /* twice is fine */
    chart_series_free(NULL);
    CHECK(chart_series_add(NULL, 0, 0) == -1, "NULL series");

    /* The 10-million cap: pretend to be full without allocating 80 MB. */
    chart_series full = {NULL, NULL, 10000000, 10000000};
    CHECK(chart_series_add(&full, 0, 0) == -1, "cap at 10 million points");
}

static void test_ema(void)
{
    chart_ema e = {.alpha = 0.05f};
    float first = chart_ema_add(&e, 2.5f);
    CHECK(first == 2.5f, "first smoothed value %g, want 2.5 (bias correction)", first);
    for (int i = 0; i < 1000; i++) {
        float v = chart_ema_add(&e, 2.5f);
        if (fabsf(v - 2.5f) > 1e-5f) {
            CHECK(0, "constant input drifted to %g at %d", v, i);
            break;
        }
    }
    /* A step from 0 to 1 approaches 1 at the expected rate. */
    chart_ema f = {.alpha = 0.1f};
    chart_ema_add(&f, 0);
    float v = 0;
    for (int i = 0; i < 10; i++) v = chart_ema_add(&f, 1);
    /* value = 1 - 0.9^10, weight = 1 - 0.9^11 */
    double want = (1 - pow(0.9, 10)) / (1 - pow(0.9, 11));
    CHECK_CLOSE(v, want, 1e-5, "step response");
    /* NaN input is skipped. */
    float before = chart_ema_add(&f, 1);
    float after = chart_ema_add(&f, NAN);
    CHECK(after == before, "NaN changed the average: %g -> %g", before, after);
    /* Unset alpha falls back to a default instead of dividing by zero. */
    chart_ema z = {0, 0, 0};
    CHECK(chart_ema_add(&z, 3) == 3 && isfinite(chart_ema_add(&z, 4)), "alpha 0");
    CHECK(chart_ema_add(NULL, 7) == 7, "NULL ema");
}

/* Which corner chart_quiet_corner picks: 0 top right, 1 bottom right, 2 top left, 3 bottom left. */
static int corner_of(const chart_series *const *s, int n, const chart_map *m)
{
    int x = -1, y = -1, w = 120, h = 40, pad = 5;
    chart_quiet_corner(s, n, m, w, h, pad, &x, &y);
    int right = x == m->px + m->pw + 1 - w - pad, left = x == m->px + pad;
    int top = y == m->py + pad, low = y == m->py + m->ph + 1 - h - pad;
    if (!(right || left) || !(top || low)) return -1;
    return (left ? 2 : 0) + (low ? 1 : 0);
}

static void test_quiet_corner(void)
{
    chart_map m = {.x_lo = 0, .x_hi = 6000, .y_lo = 0.9, .y_hi = 1, .px = 40, .py = 10, .pw = 400, .ph = 160};
    chart_series rise, fall, vee;
    chart_series_init(&rise), chart_series_init(&fall), chart_series_init(&vee);
    const chart_series *one[1] = {&rise};
    CHECK(corner_of(one, 1, &m) == 0, "no data: top right");
    /* Accuracy rising to 1 over the first third of training: it will run along the top. */
    for (int i = 0; i <= 40; i++) chart_series_add(&rise, (float)(i * 50), (float)(1 - 0.1 * exp(-i / 6.0)));
    CHECK(corner_of(one, 1, &m) == 1, "rising accuracy: bottom right, got %d", corner_of(one, 1, &m));
    /* A loss falling on a log scale fills the bottom. */
    chart_map lm = {.x_lo = 0, .x_hi = 6000, .y_lo = 0.01, .y_hi = 3, .log_y = 1, .px = 40, .py = 10, .pw = 400, .ph = 160};
    for (int i = 0; i <= 200; i++) chart_series_add(&fall, (float)(i * 30), (float)(2.3 * exp(-i / 8.0) + 0.02));
    const chart_series *loss[1] = {&fall};
    CHECK(corner_of(loss, 1, &lm) == 0, "falling loss: top right, got %d", corner_of(loss, 1, &lm));
    /* Lines at both right corners: the left side. */
    for (int i = 0; i <= 60; i++) chart_series_add(&vee, (float)(3000 + i * 50), i % 2 ? 0.905f : 0.995f);
    const chart_series *both[2] = {&rise, &vee};
    int c = corner_of(both, 2, &m);
    CHECK(c == 3, "lines at both right corners and along the top: bottom left, got %d", c);
    chart_series_free(&rise), chart_series_free(&fall), chart_series_free(&vee);
}

static void test_mapping(void)
{
    chart_map m = {.x_lo = 0, .x_hi = 3000, .y_lo = -1, .y_hi = 3, .px = 50, .py = 20, .pw = 300, .ph = 100};
    CHECK_CLOSE(chart_px_x(&m, 0), 50, 1e-4, "x lo");
    CHECK_CLOSE(chart_px_x(&m, 3000), 350, 1e-4, "x hi");
    CHECK_CLOSE(chart_px_y(&m, -1), 120, 1e-4, "y lo is the bottom");
    CHECK_CLOSE(chart_px_y(&m, 3), 20, 1e-4, "y hi is the top");
    CHECK_CLOSE(chart_px_y(&m, 1), 70, 1e-4, "y middle");
    for (int i = 0; i <= 100; i++) {
        double x = i * 30.0, y = -1 + i * 0.04;
        CHECK_CLOSE(chart_data_x(&m, chart_px_x(&m, x)), x, 1e-2, "x round trip");
        CHECK_CLOSE(chart_data_y(&m, chart_px_y(&m, y)), y, 1e-5, "y round trip");
    }

    chart_map l = {.x_lo = 0, .x_hi = 1, .y_lo = 0.01, .y_hi = 10, .log_y = 1, .px = 0, .py = 0, .pw = 100, .ph = 300};
    CHECK_CLOSE(chart_px_y(&l, 0.01), 300, 1e-3, "log bottom");
    CHECK_CLOSE(chart_px_y(&l, 10), 0, 1e-3, "log top");
    CHECK_CLOSE(chart_px_y(&l, 0.1), 200, 1e-3, "one decade up");
    CHECK_CLOSE(chart_px_y(&l, 1), 100, 1e-3, "two decades up");
    CHECK_CLOSE(chart_px_y(&l, 0), 300, 1e-3, "zero clamps to the bottom");
    CHECK_CLOSE(chart_px_y(&l, -5), 300, 1e-3, "negative clamps to the bottom");
    for (int i = 0; i <= 30; i++) {
        double y = pow(10.0, -2 + i * 0.1);
        CHECK(fabs(chart_data_y(&l, chart_px_y(&l, y)) / y - 1) < 1e-4, "log round trip at %g", y);
    }
    CHECK(isfinite(chart_px_y(&l, 1e-300)), "tiny value maps to a finite pixel");

    /* Degenerate maps stay finite. */
    chart_map d = {.x_lo = 5, .x_hi = 5, .y_lo = 2, .y_hi = 2, .px = 10, .py = 10, .pw = 20, .ph = 20};
    CHECK(isfinite(chart_px_x(&d, 5)) && isfinite(chart_px_y(&d, 2)), "empty range");
    d.log_y = 1;
    d.y_lo = -1;
    CHECK(isfinite(chart_px_y(&d, 2)) && isfinite(chart_px_y(&d, 0)), "log with non-positive bounds");
    CHECK(chart_px_x(NULL, 1) == 0, "NULL map");
}

static void test_data_range(void)
{
    chart_series a, b, empty;
    chart_series_init(&a), chart_series_init(&b), chart_series_init(&empty);
    double xl = 0, xh = 0, yl = 0, yh = 0;
    const chart_series *none[] = {&empty, NULL};
    CHECK(chart_data_range(none, 2, 0, &xl, &xh, &yl, &yh) == 0, "no points");
    CHECK(chart_data_range(NULL, 3, 0, &xl, &xh, &yl, &yh) == 0, "NULL list");

    const float ay[] = {0.5f, NAN, INFINITY, 0.0f, -2.0f, 2.0f};
    for (int i = 0; i < 6; i++) chart_series_add(&a, (float)(i + 1), ay[i]);
    chart_series_add(&b, 10, 0.25f);
    chart_series_add(&b, NAN, 100.0f);
    const chart_series *both[] = {&a, &b, &empty};
    CHECK(chart_data_range(both, 3, 0, &xl, &xh, &yl, &yh) == 1, "range found");
    CHECK(xl == 1 && xh == 10 && yl == -2 && yh == 2, "linear range x %g..%g y %g..%g", xl, xh, yl, yh);
    CHECK(chart_data_range(both, 3, 1, &xl, &xh, &yl, &yh) == 1, "log range found");
    CHECK(xl == 1 && xh == 10 && yl == 0.25 && yh == 2, "log range x %g..%g y %g..%g", xl, xh, yl, yh);
    CHECK(chart_data_range(both, 3, 1, NULL, NULL, NULL, NULL) == 1, "NULL outputs");

    chart_series c;
    chart_series_init(&c);
    chart_series_add(&c, 1, -1), chart_series_add(&c, 2, 0);
    const chart_series *neg[] = {&c};
    CHECK(chart_data_range(neg, 1, 1, &xl, &xh, &yl, &yh) == 0, "no positive value on a log axis");
    CHECK(chart_data_range(neg, 1, 0, &xl, &xh, &yl, &yh) == 1, "but a linear one");
    chart_series_free(&a), chart_series_free(&b), chart_series_free(&c);
}


/* ---- chart_plan, with a font whose characters are all *ctx px wide ------------ */

static chart_plan plan;   /* several kB: one, not one per test's stack frame */

static int fake_width(void *ctx, const char *s) { return *(const int *)ctx * (int)strlen(s); }

static int plan_with(chart_rect r, const chart_spec *spec, int char_w, int height, float scale)
{
    chart_font font = {height, fake_width, &char_w};
    chart_plan_make(r, spec, &font, scale, &plan);
    return plan.visible;
}

static int rect_is(chart_rect r, int x, int y, int w, int h) { return r.x == x && r.y == y && r.w == w && r.h == h; }
static int rect_in(chart_rect a, chart_rect b)
{
    return a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
}
#define RECT(r) (r).x, (r).y, (r).w, (r).h

/* An accuracy chart 400×200 at 10,20 with 6 px characters 12 px high: every
 * position worked out by hand from the margins (8), gaps (4) and swatches (14). */
static void test_plan_layout(void)
{
    chart_series rise, one;
    chart_series_init(&rise), chart_series_init(&one);
    for (int i = 1; i <= 12; i++) chart_series_add(&rise, (float)(i * 100), (float)(1 - 0.5 * exp(-i / 3.0)));
    chart_series_add(&one, 938, 0.97f);
    chart_line lines[] = {{&rise, "a", 1}, {&one, "bb", 0}};
    chart_spec spec = {.title = "acc", .x_label = "step", .y_max = 1, .x_max_hint = 4690, .lines = lines,
                            .n_lines = 2};
    plan_with((chart_rect){10, 20, 400, 200}, &spec, 6, 12, 1);
    const chart_plan_entry *e = plan.entries;
    /* The legend (25 + 14 + 31 px) ends at the right margin, centred on the title row. */
    CHECK(plan.has_plot && plan.title_shown && plan.title_x == 18 && plan.title_y == 28 &&
              plan.legend == CHART_LEGEND_TITLE && plan.n_entries == 2,
          "title at %d,%d, legend %d", plan.title_x, plan.title_y, plan.legend);
    CHECK(rect_is(e[0].swatch, 332, 33, 14, 3) && e[0].tx == 351 && e[0].ty == 34 &&
              rect_is(e[1].swatch, 371, 33, 14, 2) && e[1].tx == 390, "entries at %d, %d", e[0].swatch.x, e[1].tx);
    /* Below the title row; left of it the widest y label (0.2: 18 px), a gap and 2 px. */
    CHECK(rect_is(plan.plot, 42, 44, 360, 152) && plan.n_y_ticks == 6 && plan.n_x_ticks == 5,
          "plot %d,%d %dx%d, %d and %d ticks", RECT(plan.plot), plan.n_y_ticks, plan.n_x_ticks);
    static const char *ys[] = {"0", "0.2", "0.4", "0.6", "0.8", "1"}, *xs[] = {"0", "1k", "2k", "3k", "4k"};
    static const int y_at[] = {195, 165, 135, 104, 74, 44}, x_at[] = {42, 119, 195, 272, 348};
    for (int i = 0; i < 6 && i < plan.n_y_ticks; i++) {
        const chart_plan_tick *t = &plan.y_ticks[i];
        CHECK(!strcmp(t->label, ys[i]) && t->pos == y_at[i] && t->grid && t->shown && t->lx == 36 && t->ly == t->pos,
              "y tick %s at %d, label at %d", t->label, t->pos, t->lx);
    }
    for (int i = 0; i < 5 && i < plan.n_x_ticks; i++) {   /* the first one's grid line is the axis */
        const chart_plan_tick *t = &plan.x_ticks[i];
        CHECK(!strcmp(t->label, xs[i]) && t->pos == x_at[i] && t->grid == (i > 0) && t->shown &&
                  t->lx == t->pos - 3 * (int)strlen(xs[i]) && t->ly == 200,
              "x tick %s at %d, label at %d,%d", t->label, t->pos, t->lx, t->ly);
    }
    CHECK(plan.x_name_shown && plan.x_name_x == 402 && plan.x_name_y == 200 &&
              rect_is(plan.line_clip, 38, 40, 368, 156) && plan.thin_w == 1 && plan.thick_w == 2 && !plan.n_minor,
          "x name at %d,%d, lines clipped to %d,%d %dx%d", plan.x_name_x, plan.x_name_y, RECT(plan.line_clip));
    CHECK(fabs(chart_px_y(&plan.map, 1) - 44) < 1e-4 && fabs(chart_px_x(&plan.map, 4690) - 401) < 1e-4 && !plan.n_ends,
          "map, end labels");
    /* A title too long for the legend beside it: a box in the quiet corner
     * (the accuracy rises along the top left: bottom right). */
    spec.title = "accuracy over the whole of training, and more words still";
    plan_with((chart_rect){10, 20, 400, 200}, &spec, 6, 12, 1);
    CHECK(plan.legend == CHART_LEGEND_BOX && rect_is(plan.legend_box, 356, 157, 41, 34) &&
              rect_is(e[0].swatch, 361, 167, 14, 3) && e[0].ty == 168 && rect_is(e[1].swatch, 361, 179, 14, 2) &&
              e[1].tx == 380 && e[1].ty == 180,
          "legend %d, box %d,%d %dx%d, entries at %d,%d", plan.legend, RECT(plan.legend_box), e[0].swatch.y, e[1].ty);
    chart_series_free(&rise), chart_series_free(&one);
}

/* A falling loss on a log axis: ticks inside the range, labelled with their
 * values; faint 2..9 lines inside the plot when decades are far apart. */
static void test_plan_log(void)
{
    chart_series loss;
    chart_series_init(&loss);
    for (int i = 0; i <= 300; i++) chart_series_add(&loss, (float)(i * 10), (float)(2.3 * exp(-i / 40.0) + 0.02));
    chart_line lines[] = {{&loss, "loss", 0}};
    chart_spec spec = {.title = "loss", .log_y = 1, .lines = lines, .n_lines = 1};
    for (int h = 100; h <= 600; h += 500) {
        plan_with((chart_rect){0, 0, 500, h}, &spec, 7, 14, 1);
        const chart_map *m = &plan.map;
        CHECK(m->log_y && m->y_lo < 0.02 && m->y_hi > 2.3 && plan.n_y_ticks >= 2 && (plan.n_minor > 0) == (h == 600),
              "h %d: %g..%g, %d ticks, %d faint lines", h, m->y_lo, m->y_hi, plan.n_y_ticks, plan.n_minor);
        for (int i = 0; i < plan.n_y_ticks; i++) {
            const chart_plan_tick *t = &plan.y_ticks[i];
            CHECK(t->value >= m->y_lo && t->value <= m->y_hi && fabs(strtod(t->label, NULL) / t->value - 1) < 1e-9 &&
                      (i == 0 || t->pos < t[-1].pos), "h %d: tick %g \"%s\" at %d", h, t->value, t->label, t->pos);
        }
        for (int i = 0; i < plan.n_minor; i++)
            CHECK(plan.minor_y[i] >= plan.plot.y && plan.minor_y[i] < plan.plot.y + plan.plot.h, "faint line at %d",
                  plan.minor_y[i]);
    }
    chart_series_free(&loss);
}

/* Ten lines labelled at their ends, highest first; one too close to a higher one, one unlabelled and one
 * ending in NaN are left out. Right of the plot: room for the widest label (6 px) and two gaps. */
static void test_plan_end_labels(void)
{
    static const char *names[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    static const int want[] = {8, 7, 6, 4, 3, 1, 0};
    chart_series s[10];
    chart_line lines[10];
    for (int i = 0; i < 10; i++) {
        chart_series_init(&s[i]);
        chart_series_add(&s[i], 0, 0.5f);
        chart_series_add(&s[i], 100, i == 9 ? 0.79f : i == 5 ? NAN : i / 10.0f);
        lines[i] = (chart_line){&s[i], i == 2 ? NULL : names[i], 0};
    }
    chart_spec spec = {.title = "p", .y_max = 1, .lines = lines, .n_lines = 10, .end_labels = 1};
    plan_with((chart_rect){0, 0, 300, 200}, &spec, 6, 12, 1);
    CHECK(plan.legend == CHART_LEGEND_NONE && plan.n_ends == 7 && plan.plot.x + plan.plot.w == 300 - 8 - 14,
          "legend %d, %d end labels, plot ends at %d", plan.legend, plan.n_ends, plan.plot.x + plan.plot.w);
    for (int i = 0; i < plan.n_ends && i < 7; i++) {
        const chart_plan_end *e = &plan.ends[i];
        CHECK(e->line == want[i] && e->x == plan.plot.x + plan.plot.w - 1 + 4 &&
                  e->y == (int)lroundf(chart_px_y(&plan.map, s[want[i]].y[1])),
              "end label %d: line %d at %d,%d", i, e->line, e->x, e->y);
    }
    for (int i = 0; i < 10; i++) chart_series_free(&s[i]);
}

static void test_plan_edges(void)
{
    chart_series none = {NULL, NULL, 0, 0};
    chart_line lines[20];
    for (int i = 0; i < 20; i++) lines[i] = (chart_line){&none, "x", 0};
    chart_spec spec = {.title = "t", .lines = lines, .n_lines = 2, .empty_text = "nothing yet"};
    chart_rect r = {0, 0, 300, 100};
    plan_with(r, &spec, 6, 12, 1);   /* the empty text centred below the title row (24..92) */
    CHECK(plan.visible && !plan.has_data && !plan.has_plot && plan.empty_shown && plan.empty_x == 150 &&
              plan.empty_y == 58, "empty text at %d,%d", plan.empty_x, plan.empty_y);
    spec.empty_text = NULL;
    CHECK(plan_with(r, &spec, 6, 12, 1) && !plan.empty_shown, "no empty text");
    chart_spec no_lines = {.n_lines = 2};
    CHECK(!plan_with((chart_rect){0, 0, 0, 100}, &spec, 6, 12, 1) && !plan_with(r, NULL, 6, 12, 1) &&
              !plan_with(r, &no_lines, 6, 12, 1), "no room, no spec or lines missing: nothing at all");
    /* Twenty lines: the first sixteen get legend entries. */
    chart_series_add(&none, 1, 1);
    spec.n_lines = 20;
    plan_with((chart_rect){0, 0, 1400, 300}, &spec, 6, 12, 1);
    CHECK(plan.legend == CHART_LEGEND_TITLE && plan.n_entries == CHART_MAX_LINES, "%d entries", plan.n_entries);
    /* No font: no title row, no labels, still a plot; a NaN scale is 1, a huge one 8. */
    float scales[] = {1, NAN, 100};
    for (int i = 0; i < 3; i++) {
        chart_plan_make((chart_rect){0, 0, 300, 200}, &spec, NULL, scales[i], &plan);
        int pad = i == 2 ? 64 : 8;   /* 8 px at scale 1 */
        CHECK(!plan.title_shown && plan.n_x_ticks == 0 && plan.n_entries == 0 && plan.thick_w == (i == 2 ? 16 : 2) &&
                  rect_is(plan.plot, pad, pad, 300 - 2 * pad, 200 - 2 * pad),
              "scale %g: plot %d,%d %dx%d", scales[i], RECT(plan.plot));
    }
    chart_series_free(&none);
}

/* Any size, font and scale: the plot inside the margins, the lines' clip inside the frame, a legend box
 * inside the plot, labels inside the margins and apart (x labels also clear of the axis name "step", if any). */
static void check_plan_inside(chart_rect r, int cw, int fh, int pad)
{
    chart_rect frame = {r.x + 1, r.y + 1, r.w - 2, r.h - 2};
    chart_rect margins = {r.x + pad, r.y + pad, r.w - 2 * pad, r.h - 2 * pad};
    CHECK(plan.line_clip.w == 0 || rect_in(plan.line_clip, frame), "%dx%d: lines' clip outside the frame", r.w, r.h);
    CHECK(plan.plot.w <= 0 || rect_in(plan.plot, margins), "%dx%d: plot outside the margins", r.w, r.h);
    CHECK(plan.legend != CHART_LEGEND_BOX || rect_in(plan.legend_box, plan.plot), "%dx%d: legend box out", r.w, r.h);
    int right = -(1 << 30), above = 1 << 30;
    int limit = plan.x_name_shown ? plan.x_name_x - 4 * cw - fh : plan.plot.x + plan.plot.w;
    for (int i = 0; i < plan.n_x_ticks; i++) {
        const chart_plan_tick *t = &plan.x_ticks[i];
        int w = cw * (int)strlen(t->label);
        CHECK(!t->shown || (t->lx >= right + fh && t->lx >= r.x + pad && t->lx + w <= limit),
              "%dx%d: x label %s at %d", r.w, r.h, t->label, t->lx);
        if (t->shown) right = t->lx + w;
    }
    for (int i = 0; i < plan.n_y_ticks; i++) {
        const chart_plan_tick *t = &plan.y_ticks[i];
        CHECK(!t->shown || (t->lx - cw * (int)strlen(t->label) >= r.x + pad && t->ly + fh / 2 <= above),
              "%dx%d: y label %s at %d,%d", r.w, r.h, t->label, t->lx, t->ly);
        if (t->shown) above = t->ly - fh / 2 - fh / 4;
    }
}

static void test_plan_sizes(void)
{
    chart_series a, b;
    chart_series_init(&a), chart_series_init(&b);
    for (int i = 1; i <= 300; i++) {
        chart_series_add(&a, (float)(i * 10), (float)(2.3 * exp(-i / 50.0) * (1 + 0.3 * sin(i)) + 0.02));
        chart_series_add(&b, (float)(i * 10), (float)(0.9 - 0.8 * exp(-i / 30.0)));
    }
    chart_line lines[] = {{&a, "loss", 0}, {&b, "accuracy", 1}};
    chart_spec specs[] = {
        {.title = "loss", .x_label = "step", .log_y = 1, .x_max_hint = 4690, .lines = lines, .n_lines = 2},
        {.title = "both", .y_max = 1, .lines = lines, .n_lines = 2, .end_labels = 1}};
    for (int w = 1; w <= 600; w += 17)
        for (int h = 1; h <= 330; h += 13)
            for (int k = 0; k < 8; k++) {   /* both specs, 5×10 and 9×16 px fonts, scales 1 and 2 */
                chart_rect r = {3, 5, w, h};
                int cw = k & 2 ? 9 : 5, fh = k & 2 ? 16 : 10;
                plan_with(r, &specs[k & 1], cw, fh, k & 4 ? 2.0f : 1.0f);
                check_plan_inside(r, cw, fh, k & 4 ? 16 : 8);
            }
    chart_series_free(&a), chart_series_free(&b);
}

int main(void)
{
    test_nice_ticks();
    test_log_ticks();
    test_format();
    test_series();
    test_ema();
    test_mapping();
    test_quiet_corner();
    test_data_range();
    test_plan_layout();
    test_plan_log();
    test_plan_end_labels();
    test_plan_edges();
    test_plan_sizes();
    return check_report("chart");
}

/* The pure half of the charts: nice and log ticks, tick labels, series,
 * smoothing, data ranges and the pixel mapping. No display needed. */
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
    check_fmt(0, 0.5, "0");
    check_fmt(0.5, 0.5, "0.5");
    check_fmt(1, 0.5, "1");
    check_fmt(2.5, 0.5, "2.5");
    check_fmt(0.25, 0.25, "0.25");
    check_fmt(0.30000000000000004, 0.1, "0.3");
    check_fmt(1000, 500, "1k");
    check_fmt(1500, 500, "1.5k");
    check_fmt(20000, 5000, "20k");
    check_fmt(1250, 250, "1.25k");
    check_fmt(2500000, 500000, "2.5M");
    check_fmt(3e9, 1e9, "3G");
    check_fmt(0.001, 0.001, "0.001");
    check_fmt(0.0015, 0.0005, "0.0015");
    check_fmt(1e-4, 1e-4, "1e-4");
    check_fmt(2.5e-5, 5e-6, "2.5e-5");
    check_fmt(1e15, 1e15, "1e15");
    check_fmt(-0.0, 1, "0");
    check_fmt(-1e-17, 0.1, "0");   /* rounding noise at zero */
    check_fmt(-0.04, 0.1, "0");    /* rounds to zero: no "-0" */
    check_fmt(-2, 1, "-2");
    check_fmt(-1500, 500, "-1.5k");
    check_fmt(0.92, 0.02, "0.92");
    check_fmt(0.94, 0.02, "0.94");
    check_fmt(100, 20, "100");
    check_fmt(999, 1, "999");
    check_fmt(0.01, 0.01, "0.01");   /* log ticks pass the value as step */
    check_fmt(0.2, 0.2, "0.2");
    check_fmt(50, 50, "50");
    check_fmt(3.14159, 0, "3.14");   /* no step: three significant digits */
    check_fmt(NAN, 1, "nan");
    check_fmt(INFINITY, 1, "inf");

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
    chart_series_init(&a);
    chart_series_init(&b);
    chart_series_init(&empty);
    double xl = 0, xh = 0, yl = 0, yh = 0;
    const chart_series *none[] = {&empty, NULL};
    CHECK(chart_data_range(none, 2, 0, &xl, &xh, &yl, &yh) == 0, "no points");
    CHECK(chart_data_range(NULL, 3, 0, &xl, &xh, &yl, &yh) == 0, "NULL list");

    chart_series_add(&a, 1, 0.5f);
    chart_series_add(&a, 2, NAN);
    chart_series_add(&a, 3, INFINITY);
    chart_series_add(&a, 4, 0.0f);
    chart_series_add(&a, 5, -2.0f);
    chart_series_add(&a, 6, 2.0f);
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
    chart_series_add(&c, 1, -1);
    chart_series_add(&c, 2, 0);
    const chart_series *neg[] = {&c};
    CHECK(chart_data_range(neg, 1, 1, &xl, &xh, &yl, &yh) == 0, "no positive value on a log axis");
    CHECK(chart_data_range(neg, 1, 0, &xl, &xh, &yl, &yh) == 1, "but a linear one");
    chart_series_free(&a);
    chart_series_free(&b);
    chart_series_free(&c);
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
    return check_report("chart");
}

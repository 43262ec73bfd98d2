#include "train_csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char header[] = "step,epoch,loss,train_acc,lr,img_per_s,elapsed_s,test_acc";
static const char *columns[] = {"step", "epoch", "loss", "train_acc", "lr", "img_per_s", "elapsed_s", "test_acc"};
enum { COLS = 8 };

/* One field [p, end) as a finite number; empty gives NaN when allowed. */
static int field(const char *p, const char *end, int empty_ok, double *out)
{
    char buf[64];
    size_t n = (size_t)(end - p);
    if (n == 0) {
        *out = NAN;
        return empty_ok ? 0 : -1;
    }
    if (n >= sizeof buf) return -1;
    memcpy(buf, p, n);
    buf[n] = 0;
    char *stop;
    errno = 0;
    *out = strtod(buf, &stop);
    return *stop == 0 && errno == 0 && isfinite(*out) ? 0 : -1;
}

static int fail(char *err, size_t size, chart_series *a, chart_series *b, chart_series *c, const char *fmt,
                const char *name, int line, const char *what, const char *p, size_t n)
{
    snprintf(err, size, fmt, name, line, what, (int)(n > 40 ? 40 : n), p);
    chart_series_clear(a), chart_series_clear(b), chart_series_clear(c);
    return -1;
}

int train_csv_parse(const char *text, size_t len, const char *name, chart_series *loss, chart_series *smooth,
                    chart_series *test, char *err, size_t err_size)
{
    chart_series_clear(loss), chart_series_clear(smooth), chart_series_clear(test);
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
    size_t hl = strlen(header);
    if ((size_t)(end - p) < hl || memcmp(p, header, hl) != 0 || (p + hl < end && p[hl] != '\n' && p[hl] != '\r')) {
        snprintf(err, err_size, "%s: not a 'digitpad train --csv' file (the first line should be %s)", name, header);
        return -1;
    }
    p += hl;
    if (p < end && *p == '\r') p++;
    if (p < end && *p == '\n') p++;
    chart_ema ema = {.alpha = 0.1f};
    int rows = 0, line = 1;
    double last_step = -INFINITY;
    for (; p < end; p = p < end ? p + 1 : end) {
        line++;
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *stop = nl ? nl : end, *row = p;
        if (stop > p && stop[-1] == '\r') stop--;
        p = nl ? nl : end;
        if (stop == row) continue;   /* a blank line */
        double v[COLS];
        const char *q = row;
        size_t rl = (size_t)(stop - row);
        for (int c = 0; c < COLS; c++) {
            const char *fe = c < COLS - 1 ? memchr(q, ',', (size_t)(stop - q)) : stop;
            if (!fe)   /* no comma after this column: the next one is missing */
                return fail(err, err_size, loss, smooth, test, "%s:%d: %s missing in '%.*s'", name, line, columns[c + 1],
                            row, rl);
            if (c == COLS - 1 && memchr(q, ',', (size_t)(stop - q)))
                return fail(err, err_size, loss, smooth, test, "%s:%d: %s columns is the most: '%.*s'", name, line, "8",
                            row, rl);
            if (field(q, fe, c == COLS - 1, &v[c]) != 0)
                return fail(err, err_size, loss, smooth, test, "%s:%d: bad %s '%.*s'", name, line, columns[c], q,
                            (size_t)(fe - q));
            q = fe + 1;
        }
        if (!(v[0] > last_step))
            return fail(err, err_size, loss, smooth, test, "%s:%d: %s goes backwards: '%.*s'", name, line, "step", row, rl);
        last_step = v[0];
        if (chart_series_add(loss, (float)v[0], (float)v[2]) ||
            chart_series_add(smooth, (float)v[0], chart_ema_add(&ema, (float)v[2])) ||
            (!isnan(v[7]) && chart_series_add(test, (float)v[0], (float)v[7])))
            return fail(err, err_size, loss, smooth, test, "%s:%d: %s%.*s", name, line, "out of memory", "", 0);
        rows++;
    }
    if (!rows) {
        snprintf(err, err_size, "%s: no rows after the header", name);
        return -1;
    }
    return rows;
}

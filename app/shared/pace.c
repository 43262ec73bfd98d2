#include "pace.h"

#include <stdlib.h>
#include <string.h>

void throttle_init(throttle *t, double interval)
{
    t->interval = interval;
    t->last = -1.0;
}

int throttle_ready(throttle *t, double now, int force)
{
    if (!force && t->last >= 0.0 && now - t->last < t->interval) return 0;
    t->last = now;
    return 1;
}

double throttle_wait(const throttle *t, double now)
{
    if (t->last < 0.0) return 0.0;
    double w = t->last + t->interval - now;
    return w > 0.0 ? w : 0.0;
}

void frame_stats_init(frame_stats *f) { memset(f, 0, sizeof *f); }

void frame_stats_add(frame_stats *f, double seconds)
{
    f->seconds[f->next] = (float)seconds;
    f->next = (f->next + 1) % FRAME_WINDOW;
    if (f->n < FRAME_WINDOW) f->n++;
    f->total++;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

double frame_stats_quantile(const frame_stats *f, double q)
{
    if (f->n == 0) return 0.0;
    static float sorted[FRAME_WINDOW];
    memcpy(sorted, f->seconds, sizeof(float) * (size_t)f->n);
    qsort(sorted, (size_t)f->n, sizeof(float), cmp_float);
    q = q < 0 ? 0 : q > 1 ? 1 : q;
    int i = (int)(q * (double)(f->n - 1) + 0.5);
    return sorted[i];
}

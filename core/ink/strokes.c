/* Stroke lists: a drawing's points in one growable array, its strokes as
 * start offsets into it. The stroke-file format is in strokefile.c, the
 * rasterizer in raster.c. */
#include "strokes.h"
#include "common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void dp_strokes_init(dp_strokes *s) { memset(s, 0, sizeof *s); }

void dp_strokes_free(dp_strokes *s)
{
    free(s->points);
    free(s->starts);
    dp_strokes_init(s);
}

void dp_strokes_clear(dp_strokes *s)
{
    s->n_points = 0;
    s->n_strokes = 0;
    if (s->starts) s->starts[0] = 0;
}

/* Grows *buf (of elements of size elem) so it holds at least `need`
 * elements, doubling to keep appends amortised O(1). `limit` bounds the
 * capacity so sizes never overflow an int. */
static int grow(void **buf, int *cap, int need, int limit, size_t elem)
{
    if (need <= *cap) return 0;
    if (need > limit) return dp_set_error("too many points or strokes (at most %d)", DP_MAX_POINTS);
    int new_cap = *cap < 16 ? 16 : *cap;
    while (new_cap < need) new_cap = new_cap > limit / 2 ? limit : new_cap * 2;
    size_t bytes;
    if (!dp_mul_size((size_t)new_cap, elem, &bytes))
        return dp_set_error("stroke storage size overflows");
    void *p = realloc(*buf, bytes);
    if (!p) return dp_set_error("out of memory for %d points or strokes", new_cap);
    *buf = p;
    *cap = new_cap;
    return 0;
}

int dp_strokes_begin(dp_strokes *s)
{
    /* starts holds n_strokes+1 entries; cap_strokes counts strokes, so the
     * array is one longer than cap_strokes. */
    int cap = s->cap_strokes ? s->cap_strokes + 1 : 0;
    if (grow((void **)&s->starts, &cap, s->n_strokes + 2, DP_MAX_POINTS + 1, sizeof *s->starts) != 0)
        return -1;
    s->cap_strokes = cap - 1;
    if (s->n_strokes == 0) s->starts[0] = s->n_points;
    s->n_strokes++;
    s->starts[s->n_strokes] = s->n_points;
    return 0;
}

int dp_strokes_add_point(dp_strokes *s, float x, float y)
{
    /* The same bound as the file format, so every drawing can be saved and
     * loaded back; also keeps NaN out of the rasterizer's index arithmetic. */
    if (!(fabsf(x) <= DP_COORD_LIMIT && fabsf(y) <= DP_COORD_LIMIT))
        return dp_set_error("point (%g, %g) out of range (|coordinate| <= 1e6)", (double)x, (double)y);
    if (s->n_strokes == 0 && dp_strokes_begin(s) != 0) return -1;
    if (grow((void **)&s->points, &s->cap_points, s->n_points + 1, DP_MAX_POINTS, sizeof *s->points) != 0)
        return -1;
    s->points[s->n_points++] = (dp_point){x, y};
    s->starts[s->n_strokes] = s->n_points;
    return 0;
}

void dp_strokes_pop(dp_strokes *s)
{
    if (s->n_strokes == 0) return;
    s->n_strokes--;
    s->n_points = s->starts[s->n_strokes];
}

int dp_strokes_copy(dp_strokes *dst, const dp_strokes *src)
{
    if (dst == src) return 0;
    int cap = dst->cap_strokes ? dst->cap_strokes + 1 : 0;
    if (grow((void **)&dst->points, &dst->cap_points, src->n_points, DP_MAX_POINTS, sizeof(dp_point)) != 0 ||
        grow((void **)&dst->starts, &cap, src->n_strokes + 1, DP_MAX_POINTS + 1, sizeof(int)) != 0)
        return -1;
    dst->cap_strokes = cap - 1;
    if (src->n_points) memcpy(dst->points, src->points, (size_t)src->n_points * sizeof *src->points);
    if (src->n_strokes) memcpy(dst->starts, src->starts, (size_t)(src->n_strokes + 1) * sizeof *src->starts);
    dst->n_points = src->n_points;
    dst->n_strokes = src->n_strokes;
    return 0;
}

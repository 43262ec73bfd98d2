#include "drawing.h"

#include <stdlib.h>
#include <string.h>

void drawing_init(drawing *d, float width)
{
    memset(d, 0, sizeof *d);
    d->width = width;
    dp_strokes_init(&d->current);
    for (int i = 0; i < DRAWING_HISTORY; i++) {
        dp_strokes_init(&d->undo[i]);
        dp_strokes_init(&d->redo[i]);
    }
}

void drawing_free(drawing *d)
{
    dp_strokes_free(&d->current);
    free(d->image);
    free(d->widths);
    for (int i = 0; i < DRAWING_HISTORY; i++) free(d->undo_widths[i]), free(d->redo_widths[i]);
    for (int i = 0; i < DRAWING_HISTORY; i++) {
        dp_strokes_free(&d->undo[i]);
        dp_strokes_free(&d->redo[i]);
        free(d->undo_image[i]);
        free(d->redo_image[i]);
    }
}

/* Puts p in *slot, freeing what was there. */
static void set_image(float **slot, float *p)
{
    free(*slot);
    *slot = p;
}

static float *copy_image(const float *img)
{
    if (!img) return NULL;
    float *p = malloc(sizeof(float) * DRAWING_IMAGE_PIXELS);
    if (p) memcpy(p, img, sizeof(float) * DRAWING_IMAGE_PIXELS);
    return p;
}

static size_t strokes_bytes(const dp_strokes *s)
{
    size_t starts = s->cap_strokes ? (size_t)s->cap_strokes + 1 : 0;
    return (size_t)s->cap_points * sizeof(dp_point) + starts * sizeof(int);
}

size_t drawing_history_bytes(const drawing *d)
{
    size_t n = 0, img = sizeof(float) * DRAWING_IMAGE_PIXELS;
    for (int i = 0; i < DRAWING_HISTORY; i++)
        n += strokes_bytes(&d->undo[i]) + strokes_bytes(&d->redo[i]) + (d->undo_image[i] ? img : 0) +
             (d->redo_image[i] ? img : 0);
    return n;
}

static void release(dp_strokes *s, float **img, float **widths)
{
    dp_strokes_free(s);
    dp_strokes_init(s);
    set_image(img, NULL);
    set_image(widths, NULL);
}

/* A copy of the current strokes' widths (one more slot, for a stroke to
 * come), or NULL (out of memory). */
static float *copy_widths(const drawing *d)
{
    int n = d->current.n_strokes + 1;
    float *w = malloc(sizeof(float) * (size_t)n);
    if (!w) return NULL;
    for (int i = 0; i < n; i++) w[i] = i < d->widths_cap ? d->widths[i] : d->width;
    return w;
}

/* A state's widths become the current ones (taken, not copied). */
static void take_widths(drawing *d, float **slot)
{
    if (!*slot) return;   /* (a state whose copy failed: the widths stay as they are) */
    free(d->widths);
    d->widths = *slot, *slot = NULL;
    d->widths_cap = d->current.n_strokes + 1;
}

static int undo_slot_used(const drawing *d, int i)
{
    return (i - d->undo_first + DRAWING_HISTORY) % DRAWING_HISTORY < d->undo_count;
}

/* Keeps the history within DRAWING_HISTORY_BYTES: first the buffers no
 * step uses go, then the oldest undo steps, then the furthest redo steps;
 * one of each is always kept, so the last change can be undone however
 * big the drawing (which DP_MAX_POINTS bounds). */
static void fit_history(drawing *d)
{
    if (drawing_history_bytes(d) <= DRAWING_HISTORY_BYTES) return;
    for (int i = 0; i < DRAWING_HISTORY; i++) {
        if (!undo_slot_used(d, i)) release(&d->undo[i], &d->undo_image[i], &d->undo_widths[i]);
        if (i >= d->redo_count) release(&d->redo[i], &d->redo_image[i], &d->redo_widths[i]);
    }
    while (drawing_history_bytes(d) > DRAWING_HISTORY_BYTES && d->undo_count > 1) {
        release(&d->undo[d->undo_first], &d->undo_image[d->undo_first], &d->undo_widths[d->undo_first]);
        d->undo_first = (d->undo_first + 1) % DRAWING_HISTORY;
        d->undo_count--;
    }
    while (drawing_history_bytes(d) > DRAWING_HISTORY_BYTES && d->redo_count > 1) {
        release(&d->redo[0], &d->redo_image[0], &d->redo_widths[0]);   /* the bottom of the stack: the last step a redo would reach */
        memmove(&d->redo[0], &d->redo[1], (size_t)(d->redo_count - 1) * sizeof d->redo[0]);
        memmove(&d->redo_image[0], &d->redo_image[1], (size_t)(d->redo_count - 1) * sizeof d->redo_image[0]);
        memmove(&d->redo_widths[0], &d->redo_widths[1], (size_t)(d->redo_count - 1) * sizeof d->redo_widths[0]);
        d->redo_count--;
        dp_strokes_init(&d->redo[d->redo_count]);   /* its buffers moved down, not freed */
        d->redo_image[d->redo_count] = NULL;
        d->redo_widths[d->redo_count] = NULL;
    }
}

/* Remembers the current state before a change; the oldest falls off. */
static int push_undo(drawing *d)
{
    float *img = copy_image(d->image), *widths = copy_widths(d);
    if ((d->image && !img) || !widths) {
        free(img), free(widths);
        return -1;
    }
    int full = d->undo_count == DRAWING_HISTORY;
    int slot = full ? d->undo_first : (d->undo_first + d->undo_count) % DRAWING_HISTORY;
    if (dp_strokes_copy(&d->undo[slot], &d->current) != 0) {
        free(img), free(widths);
        return -1;
    }
    if (full) d->undo_first = (d->undo_first + 1) % DRAWING_HISTORY;
    else d->undo_count++;
    set_image(&d->undo_image[slot], img);
    set_image(&d->undo_widths[slot], widths);
    fit_history(d);
    return 0;
}

static void changed(drawing *d) { d->version++; }

/* Strokes from index `from` on are drawn at the current width. */
static int set_widths_from(drawing *d, int from)
{
    int n = d->current.n_strokes + 1;   /* room for the stroke about to begin */
    if (n > d->widths_cap) {
        int cap = n > 2 * d->widths_cap ? n : 2 * d->widths_cap;
        float *grown = realloc(d->widths, (size_t)cap * sizeof *grown);
        if (!grown) return -1;
        d->widths = grown, d->widths_cap = cap;
    }
    for (int i = from; i < n; i++) d->widths[i] = d->width;
    return 0;
}

void drawing_set_width(drawing *d, float width) { d->width = width; }

float drawing_stroke_width(const drawing *d, int stroke)
{
    return stroke >= 0 && stroke < d->widths_cap ? d->widths[stroke] : d->width;
}

int drawing_one_width(const drawing *d)
{
    for (int i = 1; i < d->current.n_strokes; i++)
        if (drawing_stroke_width(d, i) != drawing_stroke_width(d, 0)) return 0;
    return 1;
}

void drawing_rasterize(const drawing *d, float *img, int w, int h, float scale)
{
    const dp_strokes *s = &d->current;
    if (drawing_one_width(d)) {
        dp_rasterize_into(img, w, h, scale, s, drawing_stroke_width(d, 0));
        return;
    }
    memset(img, 0, sizeof(float) * (size_t)w * (size_t)h);
    for (int i = 0; i < s->n_strokes; i++) {   /* each stroke max-combined at its width: s cut after it */
        dp_strokes upto = *s;
        upto.n_strokes = i + 1;
        upto.n_points = s->starts[i + 1];
        dp_rasterize_stroke_tail(img, w, h, scale, &upto, s->starts[i], drawing_stroke_width(d, i));
    }
}

int drawing_begin_stroke(drawing *d, float x, float y)
{
    if (d->in_stroke) drawing_end_stroke(d);
    if (set_widths_from(d, d->current.n_strokes) != 0 || push_undo(d) != 0) return -1;
    d->redo_count = 0;   /* a new stroke ends the redo branch */
    if (dp_strokes_begin(&d->current) != 0 || dp_strokes_add_point(&d->current, x, y) != 0) return -1;
    d->in_stroke = 1;
    changed(d);
    return 0;
}

int drawing_add_point(drawing *d, float x, float y)
{
    if (!d->in_stroke) return drawing_begin_stroke(d, x, y);
    const dp_point *last = &d->current.points[d->current.n_points - 1];
    float dx = x - last->x, dy = y - last->y;
    if (dx * dx + dy * dy < 0.25f) return 0;
    if (dp_strokes_add_point(&d->current, x, y) != 0) return -1;
    changed(d);
    return 0;
}

void drawing_end_stroke(drawing *d) { d->in_stroke = 0; }

int drawing_undo(drawing *d)
{
    drawing_end_stroke(d);
    if (!d->undo_count) return 0;
    int slot = (d->undo_first + --d->undo_count) % DRAWING_HISTORY;
    if (d->redo_count < DRAWING_HISTORY && dp_strokes_copy(&d->redo[d->redo_count], &d->current) == 0) {
        set_image(&d->redo_widths[d->redo_count], copy_widths(d));
        set_image(&d->redo_image[d->redo_count++], d->image);   /* the image moves, it is not copied */
    } else {
        free(d->image);   /* the redo stack is full: this state is dropped */
    }
    /* Swap instead of copy: the slot's old buffers become free space. */
    dp_strokes tmp = d->current;
    d->current = d->undo[slot];
    d->undo[slot] = tmp;
    d->image = d->undo_image[slot], d->undo_image[slot] = NULL;
    take_widths(d, &d->undo_widths[slot]);
    fit_history(d);
    changed(d);
    return 1;
}

int drawing_redo(drawing *d)
{
    drawing_end_stroke(d);
    if (!d->redo_count) return 0;
    if (push_undo(d) != 0) return 0;
    dp_strokes tmp = d->current;
    d->current = d->redo[--d->redo_count];
    d->redo[d->redo_count] = tmp;
    set_image(&d->image, d->redo_image[d->redo_count]);
    d->redo_image[d->redo_count] = NULL;
    take_widths(d, &d->redo_widths[d->redo_count]);
    changed(d);
    return 1;
}

/* A change that ends the redo branch. */
static int begin_change(drawing *d)
{
    drawing_end_stroke(d);
    if (push_undo(d) != 0) return -1;
    d->redo_count = 0;
    return 0;
}

int drawing_clear(drawing *d)
{
    if (drawing_is_empty(d) && !d->image) return 0;
    if (begin_change(d) != 0) return 0;
    dp_strokes_clear(&d->current);
    set_image(&d->image, NULL);
    changed(d);
    return 1;
}

int drawing_replace(drawing *d, const dp_strokes *s)
{
    if (begin_change(d) != 0) return -1;
    set_image(&d->image, NULL);
    if (dp_strokes_copy(&d->current, s) != 0 || set_widths_from(d, 0) != 0) return -1;
    changed(d);
    return 0;
}

int drawing_put_image(drawing *d, const float *image)
{
    float *img = copy_image(image);
    if (!img || begin_change(d) != 0) {
        free(img);
        return -1;
    }
    dp_strokes_clear(&d->current);
    set_image(&d->image, img);
    changed(d);
    return 0;
}

const float *drawing_image(const drawing *d) { return d->image; }

int drawing_can_undo(const drawing *d) { return d->undo_count > 0; }
int drawing_can_redo(const drawing *d) { return d->redo_count > 0; }
int drawing_is_empty(const drawing *d) { return d->current.n_points == 0; }

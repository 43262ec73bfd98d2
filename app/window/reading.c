#include "reading.h"
#include "net.h"

#include <string.h>

_Static_assert(DRAWING_IMAGE_PIXELS == DP_PIXELS, "the image on the canvas is what the network reads");

void reading_init(reading *r)
{
    memset(r, 0, sizeof *r);
    reading_invalidate(r);
}

void reading_invalidate(reading *r) { r->drawing_version = r->weights_version = (unsigned)-1; }

int reading_current(const reading *r, const drawing *d, const model_state *m)
{
    return r->drawing_version == d->version && r->weights_version == m->weights_version;
}

/* What the network gets with an image on the canvas: the image, with the
 * strokes drawn on top at the canvas's own scale and brush (no MNIST
 * preparation: the image is prepared already, and the strokes land where
 * they are seen). 1 if there is ink enough for a digit. */
static int image_input(reading *r, const drawing *d)
{
    const float *image = drawing_image(d);
    float strokes[DP_PIXELS];
    drawing_rasterize(d, strokes, DP_INPUT, DP_INPUT, (float)DP_INPUT / DP_CANVAS);
    float ink = 0;
    for (int i = 0; i < DP_PIXELS; i++) {
        r->input[i] = strokes[i] > image[i] ? strokes[i] : image[i];
        ink += r->input[i];
    }
    memset(&r->prep, 0, sizeof r->prep);
    r->prep.x1 = -1;   /* no box: the overlay has nothing to show */
    return ink * 100.0f >= DP_MIN_INK;
}

int reading_update(reading *r, const model_state *m, const drawing *d, int *drawing_changed)
{
    if (reading_current(r, d, m)) return 0;
    int rc = drawing_image(d) ? image_input(r, d)
                              : dp_strokes_to_input(r->input, r->canvas, &d->current, DP_BRUSH_AUTO, &r->prep);
    r->has_digit = rc == 1;
    if (r->has_digit) dp_net_predict(m->exec, m->net, r->input, 1, r->probs);
    else memset(r->probs, 0, sizeof r->probs);
    if (r->with_raw && r->has_digit && !drawing_image(d)) {   /* the canvas merely shrunk, for comparison */
        float raw[DP_PIXELS];
        drawing_rasterize(d, raw, DP_INPUT, DP_INPUT, (float)DP_INPUT / DP_CANVAS);
        dp_net_predict(m->exec, m->net, raw, 1, r->raw_probs);
    }
    *drawing_changed = r->drawing_version != d->version;
    r->drawing_version = d->version;
    r->weights_version = m->weights_version;
    return 1;
}

/* A synthetic "personal style" for fine-tuning tests: one person's
 * handwriting that MNIST-trained networks misread. Every digit is turned 40°
 * anticlockwise (leaning far to the left, as some left-handers write), a 1 has a long
 * up-stroke (the European 1, 45-75 % of the height), a 7 is crossed. Other
 * digits are MNIST digits traced into pen strokes (dp_digit_strokes), so
 * each drawing is a different hand-made shape in the same style. The result
 * is placed on the canvas like a drawing (dp_strokes_place with little
 * extra slant or rotation: the style is consistent). */
#ifndef DP_TEST_STYLE_H
#define DP_TEST_STYLE_H

#include <math.h>

#include "realism.h"
#include "skeleton.h"

#define STYLE_TILT_DEG (-40.0f)   /* y points down: negative turns anticlockwise */

static int style_european_one(dp_strokes *s, dp_rng *r)
{
    float flag = 0.45f + 0.3f * dp_rng_uniform(r), angle = (30 + 20 * dp_rng_uniform(r)) * 3.14159265f / 180;
    dp_point top = {14 + 2 * dp_rng_uniform(r), 4}, foot = {top.x - 1.5f + dp_rng_uniform(r), 24};
    dp_point p[3] = {{top.x - 20 * flag * cosf(angle), top.y + 20 * flag * sinf(angle)}, top, foot};
    dp_strokes_clear(s);
    if (dp_strokes_add_curve(s, p, 2, 0, DP_SKEL_STEP) != 0) return -1;
    return dp_strokes_add_curve(s, p + 1, 2, DP_CURVE_APPEND, DP_SKEL_STEP);
}

/* Turns a drawing in 28×28 digit coordinates about the digit's centre. */
static void style_tilt(dp_strokes *s, float deg)
{
    float co = cosf(deg * 3.14159265f / 180), si = sinf(deg * 3.14159265f / 180);
    for (int i = 0; i < s->n_points; i++) {
        float x = s->points[i].x - 14, y = s->points[i].y - 14;
        s->points[i].x = 14 + co * x - si * y;
        s->points[i].y = 14 + si * x + co * y;
    }
}

/* The person's drawing of `label`, shaped after the MNIST digit img (28×28
 * bytes of that label), in canvas coordinates. 0, or -1 if img could not be
 * traced. */
static int style_digit(dp_strokes *s, const uint8_t *img, int label, dp_rng *r)
{
    int rc = label == 1 ? style_european_one(s, r)
           : label == 7 ? dp_style_strokes(s, DP_STYLE_CROSS7, r)
                        : dp_digit_strokes(s, img);
    if (rc != 0) return -1;
    style_tilt(s, STYLE_TILT_DEG);
    dp_place_cfg cfg = dp_place_defaults();
    cfg.max_slant = 0.05f, cfg.max_rotate = 4;
    return dp_strokes_place(s, r, &cfg);
}

#endif

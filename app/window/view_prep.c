/* The Preparation view: each step of the MNIST recipe on the drawing (the
 * drawing as the network's pen draws it, the ink's box, the longer side to
 * 20 px, the centre of mass to the centre), and beside it the canvas merely
 * shrunk to 28×28 with what the network says to that. */
#include "theme.h"
#include "views.h"

#include <math.h>
#include <stdio.h>

/* Each step as a picture, made from the strokes the way dp_strokes_to_input
 * draws them (the brush normalised to the drawing's size). */
static void make_stages(view_state *v, const view_inputs *in)
{
    const dp_strokes *s = &in->draw->current;
    float brush = dp_normalized_brush(s), scale = (float)STAGE_CANVAS / DP_CANVAS;
    dp_rasterize_into(v->stage_canvas, STAGE_CANVAS, STAGE_CANVAS, scale, s, brush);
    const dp_prep_info *p = &in->reading->prep;
    int bw = p->x1 - p->x0 + 1, bh = p->y1 - p->y0 + 1, longer = bw > bh ? bw : bh;
    float k = (float)STAGE_CROP / (float)longer, f = (float)DP_FIT / (float)longer;
    v->crop_w = (int)ceilf((float)bw * k), v->crop_h = (int)ceilf((float)bh * k);
    v->crop_w = v->crop_w > STAGE_CROP ? STAGE_CROP : v->crop_w, v->crop_h = v->crop_h > STAGE_CROP ? STAGE_CROP : v->crop_h;
    dp_rasterize_view(v->stage_crop, v->crop_w, v->crop_h, k, (float)p->x0, (float)p->y0, s, brush);
    v->fit_w = (int)lroundf((float)bw * f), v->fit_h = (int)lroundf((float)bh * f);
    v->fit_w = v->fit_w < 1 ? 1 : v->fit_w > DP_FIT ? DP_FIT : v->fit_w;
    v->fit_h = v->fit_h < 1 ? 1 : v->fit_h > DP_FIT ? DP_FIT : v->fit_h;
    dp_rasterize_view(v->stage_fit, v->fit_w, v->fit_h, f, (float)p->x0, (float)p->y0, s, brush);
    /* Without the recipe: the canvas as drawn, brush and all, shrunk to 28×28. */
    drawing_rasterize(in->draw, v->raw, DP_INPUT, DP_INPUT, (float)DP_INPUT / DP_CANVAS);
    dp_net_predict(in->model->exec, in->model->net, v->raw, 1, v->raw_probs);
    v->raw_digit = dp_argmax(v->raw_probs, DP_CLASSES);
    v->prep_drawing = in->draw->version, v->prep_weights = in->model->weights_version, v->prep_valid = 1;
}

typedef struct {
    const float *px;
    int w, h;
    const char *title, *detail;
} stage;

/* Step i in its box: step 3 at the scale of step 4, so that the digit is as
 * big in both, with the 20×20 frame; step 4 with the centre and that frame. */
static void draw_stage(frame *f, view_state *v, int i, const stage *st, ui_rect box)
{
    float s = f->lay->scale;
    SDL_Color frame_color = color_mix(THEME_CANVAS, THEME_ACCENT_2, 0.6f);
    draw_fill(f->ren, box, THEME_CANVAS);
    ui_rect img = view_fit_image(box, st->w, st->h);
    if (i == 2) {
        ui_rect grid = view_fit_image(box, DP_INPUT, DP_INPUT);
        int k = grid.w / DP_INPUT;
        img = (ui_rect){box.x + (box.w - st->w * k) / 2, box.y + (box.h - st->h * k) / 2, st->w * k, st->h * k};
        draw_frame(f->ren, (ui_rect){box.x + (box.w - DP_FIT * k) / 2, box.y + (box.h - DP_FIT * k) / 2, DP_FIT * k,
                                     DP_FIT * k}, frame_color);
    }
    ui_image_draw(f->ren, &v->img[i], st->px, st->w, st->h, img, IMAGE_GREY);
    if (i == 3) {   /* where the centre of mass lands, and the 20×20 box */
        float k = (float)img.w / DP_INPUT;
        draw_cross(f->ren, (float)img.x + 14.0f * k, (float)img.y + 14.0f * k, 4 * s, THEME_ACCENT);
        draw_frame(f->ren, (ui_rect){img.x + (int)(4 * k), img.y + (int)(4 * k), (int)(20 * k), (int)(20 * k)},
                   frame_color);
    }
    draw_frame(f->ren, rect_inset(box, -1), THEME_PANEL_EDGE);
}

void view_prep_draw(frame *f, view_state *v, const view_inputs *in, ui_rect area)
{
    const reading *r = in->reading;
    draw_fill(f->ren, area, THEME_PANEL);
    if (!r->has_digit || drawing_image(in->draw)) {
        view_empty_note(f, area, drawing_image(in->draw) ? "an MNIST image is on the canvas: it is already prepared"
                                                         : "draw a digit to see how it is prepared for the network");
        return;
    }
    if (!v->prep_valid || v->prep_drawing != in->draw->version || v->prep_weights != in->model->weights_version)
        make_stages(v, in);
    float s = f->lay->scale;
    int pad = f->lay->pad, lines = 2 * text_height(f->text, FONT_SMALL) + (int)(4 * s);
    int cell = (area.w - 2 * pad) / 6, side = area.h - 2 * pad - lines;
    if (side > cell - 2 * pad) side = cell - 2 * pad;
    if (side < DP_INPUT) {
        view_empty_note(f, area, "make the window larger to see the steps");
        return;
    }
    char d[5][64];
    const dp_prep_info *p = &r->prep;
    int top = dp_argmax(r->probs, DP_CLASSES);
    snprintf(d[0], sizeof d[0], "brush %.1f px", (double)dp_normalized_brush(&in->draw->current));
    snprintf(d[1], sizeof d[1], "%d × %d px", p->x1 - p->x0 + 1, p->y1 - p->y0 + 1);
    snprintf(d[2], sizeof d[2], "%d × %d, aspect kept", v->fit_w, v->fit_h);
    snprintf(d[3], sizeof d[3], "reads %d · %.1f %%", top, 100.0 * r->probs[top]);
    snprintf(d[4], sizeof d[4], "reads %d · %.1f %%", v->raw_digit, 100.0 * v->raw_probs[v->raw_digit]);
    const stage st[5] = {
        {v->stage_canvas, STAGE_CANVAS, STAGE_CANVAS, "1  the drawing", d[0]},
        {v->stage_crop, v->crop_w, v->crop_h, "2  ink bounding box", d[1]},
        {v->stage_fit, v->fit_w, v->fit_h, "3  longer side to 20 px", d[2]},
        {r->input, DP_INPUT, DP_INPUT, "4  centre of mass to the centre", d[3]},
        {v->raw, DP_INPUT, DP_INPUT, "without preparation", d[4]},
    };
    for (int i = 0; i < 5; i++) {
        int x = area.x + pad + i * cell + (i == 4 ? cell : 0);   /* the comparison stands apart */
        ui_rect box = {x + (cell - side) / 2, area.y + pad, side, side};
        draw_stage(f, v, i, &st[i], box);
        view_caption(f, x + cell / 2, box.y + box.h + (int)(4 * s), st[i].title, st[i].detail);
        if (i < 3)
            text_draw(f->text, FONT_LARGE, "→", x + cell, box.y + box.h / 2, THEME_TEXT_DIM, TEXT_CENTER | TEXT_MIDDLE);
    }
    int sep = area.x + pad + 4 * cell + cell / 2;
    draw_fill(f->ren, (ui_rect){sep, area.y + pad, 1, side + lines}, THEME_PANEL_EDGE);
}

/* The Inside view: the first layer's filters (orange positive weights, blue
 * negative, each filter at its own contrast) and what the first two
 * convolutions find in the drawing (their feature maps after ReLU),
 * computed with the plain reference kernels so every layer's output is
 * kept (dp_net_trace). */
#include "platform.h"
#include "theme.h"
#include "views.h"

#include <math.h>
#include <stdlib.h>

/* Scratch for a grid of pictures; the gaps are NaN (drawn as the panel). */
static float *atlas(view_state *v, long floats)
{
    if (floats > v->atlas_cap) {
        float *p = realloc(v->atlas, sizeof(float) * (size_t)floats);
        if (!p) return NULL;
        v->atlas = p, v->atlas_cap = floats;
    }
    for (long i = 0; i < floats; i++) v->atlas[i] = NAN;
    return v->atlas;
}

/* How large n pictures of side×side (1 px apart) in cols columns can be in room. */
static float grid_scale(int n, int cols, int side, ui_rect room)
{
    int rows = (n + cols - 1) / cols;
    float k = fminf((float)room.w / (float)(cols * (side + 1) - 1), (float)room.h / (float)(rows * (side + 1) - 1));
    return k >= 1 ? floorf(k) : k;
}

/* How many columns show n pictures largest in room; a grid with no ragged
 * last row wins when its pictures are nearly as large. */
static int best_columns(int n, int side, ui_rect room)
{
    int best = 1, tidy = 0;
    float best_k = 0, tidy_k = 0;
    for (int cols = 1; cols <= n; cols++) {
        float k = grid_scale(n, cols, side, room);
        if (k > best_k) best_k = k, best = cols;
        if (n % cols == 0 && k > tidy_k) tidy_k = k, tidy = cols;
    }
    return tidy && tidy_k >= 0.8f * best_k ? tidy : best;   /* at least one column, however small the room */
}

/* Every layer's output for the drawing, remade at most every 50 ms while it
 * changes (then another frame is asked for, to catch up). */
static void update_trace(frame *f, view_state *v, const view_inputs *in)
{
    unsigned drawn = in->draw->version, weights = in->model->weights_version;
    if (v->trace_valid && v->trace_drawing == drawn && v->trace_weights == weights) return;
    if (v->trace_valid && v->trace_weights == weights && dp_now() - v->trace_time < 0.05) {
        /* The pen is moving: a frame or two later. (Other weights, maybe of
         * other layers, are traced at once: the old trace must not be drawn
         * with the new network.) */
        f->redraw = 1;
        return;
    }
    dp_trace_free(&v->trace);
    v->trace_valid = dp_net_trace(&v->trace, in->model->net, in->reading->input) == 0;
    v->trace_drawing = drawn, v->trace_weights = weights, v->trace_time = dp_now();
}

/* n maps of h×w from a channels-last tensor, in a grid of cols, 1 px apart. */
static int maps_grid(view_state *v, const float *t, int h, int w, int c, int n, int cols, int *gw, int *gh)
{
    int rows = (n + cols - 1) / cols;
    *gw = cols * (w + 1) - 1, *gh = rows * (h + 1) - 1;
    float *g = atlas(v, (long)*gw * *gh);
    if (!g) return -1;
    for (int m = 0; m < n; m++) {
        int ox = m % cols * (w + 1), oy = m / cols * (h + 1);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) g[(long)(oy + y) * *gw + ox + x] = t[((long)y * w + x) * c + m];
    }
    return 0;
}

/* The first convolution's filters (out × k × k × in: the first input channel). */
static int filters_grid(view_state *v, const dp_net *net, int cols, int *gw, int *gh)
{
    const dp_layer_info *L = &net->layer[0];
    int k = L->spec.k, n = L->out_c, rows = (n + cols - 1) / cols;
    *gw = cols * (k + 1) - 1, *gh = rows * (k + 1) - 1;
    float *g = atlas(v, (long)*gw * *gh);
    if (!g) return -1;
    const float *W = net->params + L->w_off;
    for (int f = 0; f < n; f++) {
        /* Each filter at its own contrast: a few large filters would leave the rest black. */
        const float *w = W + (long)f * k * k * L->in_c;
        float peak = 0;
        for (int i = 0; i < k * k; i++) peak = fmaxf(peak, fabsf(w[(long)i * L->in_c]));
        float scale = peak > 0 ? 1.0f / peak : 0.0f;
        for (int y = 0; y < k; y++)
            for (int x = 0; x < k; x++)
                g[(long)(f / cols * (k + 1) + y) * *gw + f % cols * (k + 1) + x] = w[((long)y * k + x) * L->in_c] * scale;
    }
    return 0;
}

/* The layer after the l-th convolution's ReLU (or the convolution itself). */
static int conv_output(const dp_net *net, int which)
{
    for (int l = 0, seen = 0; l < net->n_layers; l++) {
        if (net->layer[l].spec.type != DP_LAYER_CONV) continue;
        if (seen++ == which) return l + 1 < net->n_layers && net->layer[l + 1].spec.type == DP_LAYER_RELU ? l + 1 : l;
    }
    return -1;
}

/* The filters in box (a fifth of the width); returns where the maps start. */
static int draw_filters(frame *f, view_state *v, const dp_net *net, ui_rect area, ui_rect box)
{
    float s = f->lay->scale;
    int gw, gh, pad = f->lay->pad, fh = text_height(f->text, FONT_SMALL);
    const dp_layer_info *L = &net->layer[0];
    if (filters_grid(v, net, best_columns(L->out_c, L->spec.k, box), &gw, &gh) != 0) return box.x;
    ui_rect img = view_fit_image(box, gw, gh);
    img.x = box.x;
    ui_image_draw(f->ren, &v->img[5], v->atlas, gw, gh, img, IMAGE_SIGNED);
    text_drawf(f->text, FONT_SMALL, area.x + pad, area.y + pad, THEME_TEXT, TEXT_LEFT, "layer 1: %d filters %d×%d",
               L->out_c, L->spec.k, L->spec.k);
    text_draw(f->text, FONT_SMALL, "orange +, blue −,", img.x, img.y + img.h + (int)(2 * s), THEME_TEXT_DIM, TEXT_LEFT);
    text_draw(f->text, FONT_SMALL, "each at its own scale", img.x, img.y + img.h + (int)(2 * s) + fh, THEME_TEXT_DIM,
              TEXT_LEFT);
    return img.x + img.w + 3 * pad;
}

/* Feature maps after the first two convolutions, each in the room left. */
static void draw_maps(frame *f, view_state *v, const dp_net *net, ui_rect area, ui_rect box)
{
    float s = f->lay->scale;
    int gw, gh, pad = f->lay->pad;
    for (int which = 0; which < 2; which++) {
        int l = conv_output(net, which);
        if (l < 0) break;
        const dp_trace *t = &v->trace;
        ui_rect room = {box.x, box.y, (area.x + area.w - pad - box.x) / (2 - which), box.h};
        if (room.w < 40 || room.h < 8) break;   /* a short view area (a small window) has no room for maps */
        int cols = best_columns(t->c[l], t->w[l], room);
        if (maps_grid(v, t->out[l], t->h[l], t->w[l], t->c[l], t->c[l], cols, &gw, &gh) != 0) break;
        ui_rect img = view_fit_image(room, gw, gh);
        img.x = room.x;
        ui_image_draw(f->ren, &v->img[6 + which], v->atlas, gw, gh, img, IMAGE_HEAT);
        text_drawf(f->text, FONT_SMALL, room.x, area.y + pad, THEME_TEXT, TEXT_LEFT, "layer %d: %d feature maps %d×%d",
                   which + 1, t->c[l], t->w[l], t->h[l]);
        text_draw(f->text, FONT_SMALL, which ? "of your drawing, deeper" : "of your drawing (after ReLU)", img.x,
                  img.y + img.h + (int)(2 * s), THEME_TEXT_DIM, TEXT_LEFT);
        box.x = img.x + img.w + 3 * pad;
    }
}

void view_inside_draw(frame *f, view_state *v, const view_inputs *in, ui_rect area)
{
    const dp_net *net = in->model->net;
    draw_fill(f->ren, area, THEME_PANEL);
    float s = f->lay->scale;
    int pad = f->lay->pad, fh = text_height(f->text, FONT_SMALL);
    if (net->layer[0].spec.type != DP_LAYER_CONV) {
        view_empty_note(f, area, "this network has no convolution to show");
        return;
    }
    ui_rect box = {area.x + pad, area.y + pad + fh + (int)(4 * s), (area.w - 2 * pad) / 5,
                   area.h - 2 * pad - 2 * fh - (int)(6 * s)};
    box.x = draw_filters(f, v, net, area, box);
    if (!in->reading->has_digit && !drawing_image(in->draw)) {
        ui_rect rest = {box.x, area.y, area.x + area.w - box.x, area.h};
        view_empty_note(f, rest, "draw a digit: what each filter finds in it shows here");
        return;
    }
    update_trace(f, v, in);
    if (v->trace_valid) draw_maps(f, v, net, area, box);
}

/* The views under the canvas besides the training charts: Preparation (each
 * step of the MNIST recipe, and what the network would say without it),
 * Inside (the first layer's filters, the feature maps of the drawing) and
 * Nearest examples (training images with the closest features). All follow
 * the drawing live. */
#include "app.h"
#include "paths.h"
#include "common.h"
#include "theme.h"
#include "platform.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ID_TAB = 900, ID_NEAREST = 920 };

static const char *view_names[VIEW_COUNT] = {"Training", "Preparation", "Inside the network", "Nearest examples"};

void views_init(app *a)
{
    a->views.emb = embedder_create(a->wake_event);   /* NULL: the Nearest view says so */
}

void views_free(app *a)
{
    view_state *v = &a->views;
    embedding_free(&v->current);
    embedder_free(v->emb);
    dp_trace_free(&v->trace);
    free(v->atlas);
    for (int i = 0; i < VIEW_IMAGES; i++) ui_image_free(&v->img[i]);
    memset(v, 0, sizeof *v);
}

void views_set(app *a, view_id view)
{
    a->views.view = view;
    a->dirty = 1;
    if (a->opt.verbose) {
        printf("view\t%s\n", view_names[view]);
        fflush(stdout);
    }
}

/* ---- shared drawing -------------------------------------------------------------- */

/* The largest rectangle of aspect w:h inside box, at a whole number of pixels
 * per image pixel when it is at least that big, centred. */
static ui_rect fit_image(ui_rect box, int w, int h)
{
    float k = fminf((float)box.w / (float)w, (float)box.h / (float)h);
    if (k >= 1) k = floorf(k);
    int dw = (int)((float)w * k), dh = (int)((float)h * k);
    return (ui_rect){box.x + (box.w - dw) / 2, box.y + (box.h - dh) / 2, dw, dh};
}

static void caption(app *a, int cx, int y, const char *title, const char *detail)
{
    text_draw(a->text, FONT_SMALL, title, cx, y, THEME_TEXT, TEXT_CENTER);
    if (detail) text_draw(a->text, FONT_SMALL, detail, cx, y + text_height(a->text, FONT_SMALL), THEME_TEXT_DIM, TEXT_CENTER);
}

static void empty_note(app *a, ui_rect r, const char *text)
{
    text_draw(a->text, FONT_NORMAL, text, r.x + r.w / 2, r.y + r.h / 2, THEME_TEXT_DIM, TEXT_CENTER | TEXT_MIDDLE);
}

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
    return tidy_k >= 0.8f * best_k ? tidy : best;
}

/* ---- preparation ------------------------------------------------------------------- */

/* Each step as a picture, made from the strokes the way dp_strokes_to_input
 * draws them (the brush normalised to the drawing's size). */
static void make_stages(app *a)
{
    view_state *v = &a->views;
    const dp_strokes *s = &a->draw.current;
    float brush = dp_normalized_brush(s), scale = (float)STAGE_CANVAS / DP_CANVAS;
    dp_rasterize_into(v->stage_canvas, STAGE_CANVAS, STAGE_CANVAS, scale, s, brush);
    const dp_prep_info *p = &a->prep;
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
    dp_rasterize_into(v->raw, DP_INPUT, DP_INPUT, (float)DP_INPUT / DP_CANVAS, s, a->brush);
    dp_net_predict(a->exec, a->net, v->raw, 1, v->raw_probs);
    v->raw_digit = dp_argmax(v->raw_probs, DP_CLASSES);
    v->prep_drawing = a->draw.version, v->prep_weights = a->weights_version, v->prep_valid = 1;
}

static void draw_preparation(app *a, ui_rect area)
{
    view_state *v = &a->views;
    draw_fill(a->ren, area, THEME_PANEL);
    if (!a->has_digit || drawing_layer(&a->draw)) {
        empty_note(a, area, drawing_layer(&a->draw) ? "an MNIST image is on the canvas: it is already prepared"
                                            : "draw a digit to see how it is prepared for the network");
        return;
    }
    if (!v->prep_valid || v->prep_drawing != a->draw.version || v->prep_weights != a->weights_version) make_stages(a);
    float s = a->lay.scale;
    int pad = a->lay.pad, lines = 2 * text_height(a->text, FONT_SMALL) + (int)(4 * s);
    int cell = (area.w - 2 * pad) / 6, side = area.h - 2 * pad - lines;
    if (side > cell - 2 * pad) side = cell - 2 * pad;
    if (side < 28) {
        empty_note(a, area, "make the window larger to see the steps");
        return;
    }
    char d1[64], d2[64], d3[64], d4[64], d5[64];
    snprintf(d1, sizeof d1, "brush %.1f px", (double)dp_normalized_brush(&a->draw.current));
    snprintf(d2, sizeof d2, "%d × %d px", a->prep.x1 - a->prep.x0 + 1, a->prep.y1 - a->prep.y0 + 1);
    snprintf(d3, sizeof d3, "%d × %d, aspect kept", v->fit_w, v->fit_h);
    int top = dp_argmax(a->probs, DP_CLASSES);
    snprintf(d4, sizeof d4, "reads %d · %.1f %%", top, 100.0 * a->probs[top]);
    snprintf(d5, sizeof d5, "reads %d · %.1f %%", v->raw_digit, 100.0 * v->raw_probs[v->raw_digit]);
    struct { const float *px; int w, h; const char *title, *detail; } st[5] = {
        {v->stage_canvas, STAGE_CANVAS, STAGE_CANVAS, "1  the drawing", d1},
        {v->stage_crop, v->crop_w, v->crop_h, "2  ink bounding box", d2},
        {v->stage_fit, v->fit_w, v->fit_h, "3  longer side to 20 px", d3},
        {a->input, DP_INPUT, DP_INPUT, "4  centre of mass to the centre", d4},
        {v->raw, DP_INPUT, DP_INPUT, "without preparation", d5},
    };
    for (int i = 0; i < 5; i++) {
        int x = area.x + pad + i * cell + (i == 4 ? cell : 0);   /* the comparison stands apart */
        ui_rect box = {x + (cell - side) / 2, area.y + pad, side, side};
        draw_fill(a->ren, box, THEME_CANVAS);
        ui_rect img = fit_image(box, st[i].w, st[i].h);
        if (i == 2) {   /* at the scale of step 4, so the digit is as big in both */
            ui_rect grid = fit_image(box, DP_INPUT, DP_INPUT);
            int k = grid.w / DP_INPUT;
            img = (ui_rect){box.x + (box.w - st[i].w * k) / 2, box.y + (box.h - st[i].h * k) / 2, st[i].w * k, st[i].h * k};
            draw_frame(a->ren, (ui_rect){box.x + (box.w - DP_FIT * k) / 2, box.y + (box.h - DP_FIT * k) / 2, DP_FIT * k,
                                         DP_FIT * k}, color_mix(THEME_CANVAS, THEME_ACCENT_2, 0.6f));
        }
        ui_image_draw(a->ren, &v->img[i], st[i].px, st[i].w, st[i].h, img, IMAGE_GREY);
        if (i == 3) {   /* where the centre of mass lands, and the 20×20 box */
            float k = (float)img.w / DP_INPUT;
            draw_cross(a->ren, (float)img.x + 14.0f * k, (float)img.y + 14.0f * k, 4 * s, THEME_ACCENT);
            draw_frame(a->ren, (ui_rect){img.x + (int)(4 * k), img.y + (int)(4 * k), (int)(20 * k), (int)(20 * k)},
                       color_mix(THEME_CANVAS, THEME_ACCENT_2, 0.6f));
        }
        draw_frame(a->ren, rect_inset(box, -1), THEME_PANEL_EDGE);
        caption(a, x + cell / 2, box.y + box.h + (int)(4 * s), st[i].title, st[i].detail);
        if (i < 3)
            text_draw(a->text, FONT_LARGE, "→", x + cell, box.y + box.h / 2, THEME_TEXT_DIM, TEXT_CENTER | TEXT_MIDDLE);
    }
    int sep = area.x + pad + 4 * cell + cell / 2;
    draw_fill(a->ren, (ui_rect){sep, area.y + pad, 1, side + lines}, THEME_PANEL_EDGE);
}

/* ---- inside the network ------------------------------------------------------------ */

static void update_trace(app *a)
{
    view_state *v = &a->views;
    if (v->trace_valid && v->trace_drawing == a->draw.version && v->trace_weights == a->weights_version) return;
    if (v->trace_valid && dp_now() - v->trace_time < 0.05) {   /* the pen is moving: a frame or two later */
        a->dirty = 1;
        return;
    }
    dp_trace_free(&v->trace);
    v->trace_valid = dp_net_trace(&v->trace, a->net, a->input) == 0;
    v->trace_drawing = a->draw.version, v->trace_weights = a->weights_version, v->trace_time = dp_now();
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

static void draw_inside(app *a, ui_rect area)
{
    view_state *v = &a->views;
    draw_fill(a->ren, area, THEME_PANEL);
    float s = a->lay.scale;
    int pad = a->lay.pad, fh = text_height(a->text, FONT_SMALL);
    if (a->net->layer[0].spec.type != DP_LAYER_CONV) {
        empty_note(a, area, "this network has no convolution to show");
        return;
    }
    ui_rect box = {area.x + pad, area.y + pad + fh + (int)(4 * s), 0, area.h - 2 * pad - 2 * fh - (int)(6 * s)};
    int gw, gh, k = a->net->layer[0].spec.k;
    /* Filters, in a fifth of the width. */
    box.w = (area.w - 2 * pad) / 5;
    if (filters_grid(v, a->net, best_columns(a->net->layer[0].out_c, k, box), &gw, &gh) == 0) {
        ui_rect img = fit_image(box, gw, gh);
        img.x = box.x;
        ui_image_draw(a->ren, &v->img[5], v->atlas, gw, gh, img, IMAGE_SIGNED);
        text_drawf(a->text, FONT_SMALL, area.x + pad, area.y + pad, THEME_TEXT, TEXT_LEFT, "layer 1: %d filters %d×%d",
                   a->net->layer[0].out_c, a->net->layer[0].spec.k, a->net->layer[0].spec.k);
        text_draw(a->text, FONT_SMALL, "orange +, blue −,", img.x, img.y + img.h + (int)(2 * s), THEME_TEXT_DIM, TEXT_LEFT);
        text_draw(a->text, FONT_SMALL, "each at its own scale", img.x, img.y + img.h + (int)(2 * s) + fh, THEME_TEXT_DIM,
                  TEXT_LEFT);
        box.x = img.x + img.w + 3 * pad;
    }
    if (!a->has_digit && !drawing_layer(&a->draw)) {
        ui_rect rest = {box.x, area.y, area.x + area.w - box.x, area.h};
        empty_note(a, rest, "draw a digit: what each filter finds in it shows here");
        return;
    }
    update_trace(a);
    if (!v->trace_valid) return;
    /* Feature maps after the first two convolutions, each in the room left. */
    for (int which = 0; which < 2; which++) {
        int l = conv_output(a->net, which);
        if (l < 0) break;
        const dp_trace *t = &v->trace;
        ui_rect room = {box.x, box.y, (area.x + area.w - pad - box.x) / (2 - which), box.h};
        if (room.w < 40) break;
        int cols = best_columns(t->c[l], t->w[l], room);
        if (maps_grid(v, t->out[l], t->h[l], t->w[l], t->c[l], t->c[l], cols, &gw, &gh) != 0) break;
        ui_rect img = fit_image(room, gw, gh);
        img.x = room.x;
        ui_image_draw(a->ren, &v->img[6 + which], v->atlas, gw, gh, img, IMAGE_HEAT);
        text_drawf(a->text, FONT_SMALL, room.x, area.y + pad, THEME_TEXT, TEXT_LEFT, "layer %d: %d feature maps %d×%d",
                   which + 1, t->c[l], t->w[l], t->h[l]);
        text_draw(a->text, FONT_SMALL, which ? "of your drawing, deeper" : "of your drawing (after ReLU)", img.x,
                  img.y + img.h + (int)(2 * s), THEME_TEXT_DIM, TEXT_LEFT);
        box.x = img.x + img.w + 3 * pad;
    }
}

/* ---- nearest examples -------------------------------------------------------------- */

/* Takes a finished embedding; asks for one when the model changed (not while
 * training changes it ten times a second: then when training ends). */
void views_poll(app *a)
{
    view_state *v = &a->views;
    if (!v->emb) return;
    if (embedder_take(v->emb, &v->current)) {
        v->near_weights = (unsigned)-1;
        a->dirty = 1;
        if (a->opt.verbose) {
            printf("embedding\t%u\t%d\t%s\n", v->current.weights_version, v->current.n,
                   v->current.error[0] ? v->current.error : "ok");
            fflush(stdout);
        }
    }
    int wanted = v->view == VIEW_NEAREST && !jobs_busy(a->jobs) &&
                 (v->current.weights_version != a->weights_version || !v->current.net);
    if (wanted && !(v->requested && v->requested_version == a->weights_version)) {
        app_mnist_dir(NULL, a->mnist_dir, sizeof a->mnist_dir);
        embedder_request(v->emb, a->net, a->weights_version, a->mnist_dir);
        v->requested = 1, v->requested_version = a->weights_version;
        if (a->opt.verbose) {   /* scripted tests wait for the answer before measuring memory */
            printf("embedding_request\t%u\n", a->weights_version);
            fflush(stdout);
        }
    }
}

static void draw_nearest(app *a, ui_rect area)
{
    view_state *v = &a->views;
    draw_fill(a->ren, area, THEME_PANEL);
    const embedding *e = &v->current;
    if (!v->emb) {
        empty_note(a, area, "the thread that finds the nearest examples could not start");
        return;
    }
    if (e->error[0]) {
        char msg[700];
        snprintf(msg, sizeof msg, "no training images to compare with: %s", e->error);
        empty_note(a, area, msg);
        return;
    }
    if (!e->n) {
        empty_note(a, area, "reading the training images and their features…");
        return;
    }
    if (!a->has_digit && !drawing_layer(&a->draw)) {
        empty_note(a, area, "draw a digit: the training images the network finds most like it show here");
        return;
    }
    int fresh = v->near_drawing != a->draw.version || v->near_weights != e->weights_version;
    if (fresh) {
        v->near_n = embedding_nearest(e, a->input, NEAREST_SHOWN, v->near_idx, v->near_sim);
        v->near_drawing = a->draw.version, v->near_weights = e->weights_version;
        if (a->opt.verbose && v->near_n) {
            printf("nearest\t%d", v->near_n);
            for (int i = 0; i < v->near_n; i++) printf("\t%d:%d:%.4f", v->near_idx[i], e->labels[v->near_idx[i]], (double)v->near_sim[i]);
            printf("\n");
            fflush(stdout);
        }
    }
    float s = a->lay.scale;
    int pad = a->lay.pad, fh = text_height(a->text, FONT_SMALL), n = v->near_n;
    int cell = (area.w - 2 * pad) / NEAREST_SHOWN, side = area.h - 2 * pad - 3 * fh - (int)(8 * s);
    if (side > cell - pad) side = cell - pad;
    if (side < 28 || !n) return;
    char among[24];
    chart_format_count(e->n, among, sizeof among);
    text_drawf(a->text, FONT_SMALL, area.x + pad, area.y + pad, THEME_TEXT, TEXT_LEFT,
               "the %d of the first %s MNIST training images whose features (what the last layer reads) are nearest "
               "to your drawing's · click one to put it on the canvas", n, among);
    int top = area.y + pad + fh + (int)(6 * s), ink = dp_argmax(a->probs, DP_CLASSES), clicked = -1;
    for (int i = 0; i < n; i++) {
        ui_rect box = {area.x + pad + i * cell + (cell - side) / 2, top, side, side};
        float px[28 * 28];
        for (int k = 0; k < 28 * 28; k++) px[k] = (float)e->images[(long)v->near_idx[i] * 784 + k] / 255.0f;
        ui_image_draw(a->ren, &v->img[8 + i], px, 28, 28, box, IMAGE_GREY);
        int label = e->labels[v->near_idx[i]];
        draw_frame(a->ren, rect_inset(box, -1), label == ink ? THEME_PANEL_EDGE : THEME_BAD);
        if (fresh && a->opt.verbose) {   /* where to click, for scripted tests */
            printf("nearestcell\t%d\t%d\t%d\t%d\t%d\t%d\n", i, v->near_idx[i], box.x, box.y, box.w, box.h);
            fflush(stdout);
        }
        if (ui_hover(&a->ui, box)) draw_frame(a->ren, rect_inset(box, -2), THEME_TEXT);
        if (ui_click_area(&a->ui, ID_NEAREST + i, box, 1)) clicked = v->near_idx[i];
        char t[32], d[32];
        snprintf(t, sizeof t, "a %d", label);
        snprintf(d, sizeof d, "similarity %.2f", (double)v->near_sim[i]);
        caption(a, box.x + box.w / 2, box.y + box.h + (int)(4 * s), t, d);
    }
    if (clicked >= 0) {
        char what[64];
        snprintf(what, sizeof what, "training image #%d (a %d)", clicked, e->labels[clicked]);
        if (a->opt.verbose) {
            printf("opened_nearest\t%d\t%d\n", clicked, e->labels[clicked]);
            fflush(stdout);
        }
        app_put_layer(a, e->images + (long)clicked * 784, what);
    }
}

/* ---- tabs and dispatch ----------------------------------------------------------------- */

void views_draw_tabs(app *a)
{
    for (int i = 0; i < VIEW_COUNT; i++) {
        static const char *tips[VIEW_COUNT] = {
            "Loss, accuracy and your drawing's probabilities while training (V cycles the views)",
            "Each step that turns your drawing into the network's 28×28 input, and what it would say without them",
            "The first layer's filters and what they find in your drawing",
            "The training images the network finds most like your drawing",
        };
        if (ui_button(&a->ui, ID_TAB + i, a->lay.view_tabs[i], view_names[i], tips[i], 1, a->views.view == (view_id)i))
            views_set(a, (view_id)i);
    }
    static const char *file_names[VIEW_COUNT] = {"training", "preparation", "inside", "nearest"};
    if (ui_button(&a->ui, ID_TAB + VIEW_COUNT, a->lay.view_save, "Save picture",
                  "Save what this view shows as a PNG (in the screenshots folder)", 1, 0))
        app_save_picture(a, file_names[a->views.view], a->lay.view_area);
}

void views_draw(app *a)
{
    ui_rect area = a->lay.view_area;
    if (area.w <= 0 || area.h <= 0) return;
    switch (a->views.view) {
    case VIEW_PREPARATION: draw_preparation(a, area); break;
    case VIEW_INSIDE: draw_inside(a, area); break;
    case VIEW_NEAREST: draw_nearest(a, area); break;
    default: break;
    }
    draw_frame(a->ren, area, THEME_PANEL_EDGE);
}

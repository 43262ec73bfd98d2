/* The Nearest examples view: the 8 of the first 10,000 MNIST training
 * images whose features (what the last layer reads) are nearest to the
 * drawing's, by cosine similarity; a click asks for one on the canvas. */
#include "chart_scale.h"
#include "theme.h"
#include "verbose.h"
#include "views.h"
#include "widget_ids.h"

#include <stdio.h>

/* The neighbours of the drawing, looked up again when the drawing or the
 * features changed; 1 if they were. */
static int update_nearest(view_state *v, const view_inputs *in)
{
    const embedding *e = &v->current;
    if (v->near_drawing == in->draw->version && v->near_weights == e->weights_version) return 0;
    v->near_n = embedding_nearest(e, in->reading->input, NEAREST_SHOWN, v->near_idx, v->near_sim);
    v->near_drawing = in->draw->version, v->near_weights = e->weights_version;
    if (verbose_on() && v->near_n) {
        char list[NEAREST_SHOWN * 32];
        int n = 0;
        for (int i = 0; i < v->near_n; i++)
            n += snprintf(list + n, sizeof list - (size_t)n, "\t%d:%d:%.4f", v->near_idx[i], e->labels[v->near_idx[i]],
                          (double)v->near_sim[i]);
        verbose_line("nearest", "%d%s", v->near_n, list);
    }
    return 1;
}

/* Why there is nothing to show yet, or NULL. */
static const char *not_yet(const view_state *v, const view_inputs *in, char *buf, size_t size)
{
    const embedding *e = &v->current;
    if (!v->emb) return "the thread that finds the nearest examples could not start";
    if (e->error[0]) {
        snprintf(buf, size, "no training images to compare with: %s", e->error);
        return buf;
    }
    if (!e->n) return "";   /* being computed: the progress bar */
    if (!in->reading->has_digit && !drawing_image(in->draw))
        return "draw a digit: the training images the network finds most like it show here";
    return NULL;
}

/* One neighbour in its box: the image, framed in red when it is another
 * digit than the drawing is read as, and its label and similarity. */
static void draw_neighbour(frame *f, view_state *v, int i, ui_rect box, int answer)
{
    const embedding *e = &v->current;
    int index = v->near_idx[i], label = e->labels[index];
    float px[DP_PIXELS];
    for (int k = 0; k < DP_PIXELS; k++) px[k] = (float)e->images[(long)index * DP_PIXELS + k] / 255.0f;
    ui_image_draw(f->ren, &v->img[8 + i], px, DP_INPUT, DP_INPUT, box, IMAGE_GREY);
    draw_frame(f->ren, rect_inset(box, -1), label == answer ? THEME_PANEL_EDGE : THEME_BAD);
    places_note(f->places, PLACE_NEAREST, box, i, index, 0, 0);
    if (ui_hover(f->ui, box)) draw_frame(f->ren, rect_inset(box, -2), THEME_TEXT);
    if (ui_click_area(f->ui, ID_NEAREST + i, box, 1)) command_push(f->cmds, CMD_OPEN_NEAREST, index);
    char t[32], d[32];
    snprintf(t, sizeof t, "a %d", label);
    snprintf(d, sizeof d, "similarity %.2f", (double)v->near_sim[i]);
    view_caption(f, box.x + box.w / 2, box.y + box.h + (int)(4 * f->lay->scale), t, d);
}

void view_nearest_draw(frame *f, view_state *v, const view_inputs *in, ui_rect area)
{
    char why[700];
    draw_fill(f->ren, area, THEME_PANEL);
    const char *empty = not_yet(v, in, why, sizeof why);
    if (empty && !empty[0]) {   /* the first opening: 10,000 training images to read */
        double done = embedder_progress(v->emb);
        int pad = f->lay->pad, h = f->lay->min_control / 2 + pad;
        ui_rect bar = {area.x + area.w / 6, area.y + area.h / 2 - h / 2, area.w * 2 / 3, h};
        char line[120];
        if (done > 0) snprintf(line, sizeof line, "the features of the training images: %.0f of %d", done * EMBED_IMAGES, EMBED_IMAGES);
        else snprintf(line, sizeof line, "reading the training images…");
        ui_progress_bar(f->ui, bar, (float)done, line);
        verbose_line("progress", "nearest\t%.3f", done);
        return;
    }
    if (empty) {
        view_empty_note(f, area, empty);
        return;
    }
    update_nearest(v, in);
    float s = f->lay->scale;
    int pad = f->lay->pad, fh = text_height(f->text, FONT_SMALL), n = v->near_n;
    int cell = (area.w - 2 * pad) / NEAREST_SHOWN, side = area.h - 2 * pad - 3 * fh - (int)(8 * s);
    if (side > cell - pad) side = cell - pad;
    if (side < DP_INPUT || !n) return;
    char among[24];
    chart_format_count(v->current.n, among, sizeof among);
    text_drawf(f->text, FONT_SMALL, area.x + pad, area.y + pad, THEME_TEXT, TEXT_LEFT,
               "the %d of the first %s MNIST training images whose features (what the last layer reads) are nearest "
               "to your drawing's · click one to put it on the canvas", n, among);
    int top = area.y + pad + fh + (int)(6 * s), answer = dp_argmax(in->reading->probs, DP_CLASSES);
    for (int i = 0; i < n; i++)
        draw_neighbour(f, v, i, (ui_rect){area.x + pad + i * cell + (cell - side) / 2, top, side, side}, answer);
}

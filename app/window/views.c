/* The area under the canvas: its tabs, the views' shared drawing, and the
 * Nearest view's features computed in the background (see views.h). */
#include "views.h"
#include "paths.h"
#include "theme.h"
#include "verbose.h"
#include "widget_ids.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *view_names[VIEW_COUNT] = {"Training", "Preparation", "Inside the network", "Nearest examples",
                                             "Teach it"};
/* When the tabs share a narrow window's width. */
static const char *short_names[VIEW_COUNT] = {"Charts", "Prep", "Inside", "Nearest", "Teach"};

void views_init(view_state *v, Uint32 wake_event)
{
    v->emb = embedder_create(wake_event);   /* NULL: the Nearest view says so */
}

void views_free(view_state *v)
{
    embedding_free(&v->current);
    embedder_free(v->emb);
    dp_trace_free(&v->trace);
    free(v->atlas);
    for (int i = 0; i < VIEW_IMAGES; i++) ui_image_free(&v->img[i]);
    memset(v, 0, sizeof *v);
}

void views_set(view_state *v, view_id view)
{
    v->view = view;
    verbose_line("view", "%s", view_names[view]);
}

void views_cycle(view_state *v, const ui_layout *l, int dir)
{
    int n = l->teach_in_tab ? VIEW_COUNT : VIEW_TEACH;
    int shown = (int)layout_shown_view(l, v->view);
    views_set(v, (view_id)((shown + (dir < 0 ? n - 1 : 1)) % n));
}

/* ---- shared drawing -------------------------------------------------------------- */

ui_rect view_fit_image(ui_rect box, int w, int h)
{
    /* The largest rectangle of aspect w:h inside box, at a whole number of
     * pixels per image pixel when it is at least that big, centred. */
    float k = fminf((float)box.w / (float)w, (float)box.h / (float)h);
    if (k >= 1) k = floorf(k);
    int dw = (int)((float)w * k), dh = (int)((float)h * k);
    return (ui_rect){box.x + (box.w - dw) / 2, box.y + (box.h - dh) / 2, dw, dh};
}

void view_caption(frame *f, int cx, int y, const char *title, const char *detail)
{
    text_draw(f->text, FONT_SMALL, title, cx, y, THEME_TEXT, TEXT_CENTER);
    if (detail) text_draw(f->text, FONT_SMALL, detail, cx, y + text_height(f->text, FONT_SMALL), THEME_TEXT_DIM, TEXT_CENTER);
}

void view_empty_note(frame *f, ui_rect r, const char *text)
{
    text_draw(f->text, FONT_NORMAL, text, r.x + r.w / 2, r.y + r.h / 2, THEME_TEXT_DIM, TEXT_CENTER | TEXT_MIDDLE);
}

/* ---- the nearest examples' features --------------------------------------------------- */

/* Takes a finished embedding; asks for one when the model changed (not while
 * training changes it ten times a second: then when training ends). */
int views_poll(view_state *v, const model_state *m, int busy)
{
    if (!v->emb) return 0;
    int news = 0;
    if (embedder_take(v->emb, &v->current)) {
        v->near_weights = (unsigned)-1;
        news = 1;
        verbose_line("embedding", "%u\t%d\t%s", v->current.weights_version, v->current.n,
                     v->current.error[0] ? v->current.error : "ok");
    }
    int wanted = v->view == VIEW_NEAREST && !busy &&
                 (v->current.weights_version != m->weights_version || !v->current.net);
    if (wanted && !(v->requested && v->requested_version == m->weights_version)) {
        char mnist_dir[4096];
        app_mnist_dir(NULL, mnist_dir, sizeof mnist_dir);
        embedder_request(v->emb, m->net, m->weights_version, mnist_dir);
        v->requested = 1, v->requested_version = m->weights_version;
        verbose_line("embedding_request", "%u", m->weights_version);   /* tests wait for the answer */
    }
    return news;
}

const uint8_t *views_nearest_image(const view_state *v, int index, char *what, size_t size)
{
    const embedding *e = &v->current;
    if (index < 0 || index >= e->n) return NULL;
    snprintf(what, size, "training image #%d (a %d)", index, e->labels[index]);
    return e->images + (long)index * DP_PIXELS;
}

/* ---- tabs and dispatch ----------------------------------------------------------------- */

void views_draw_tabs(frame *f, view_state *v)
{
    static const char *tips[VIEW_COUNT] = {
        "Loss, accuracy and your drawing's probabilities while training (V cycles the views)",
        "Each step that turns your drawing into the network's 28×28 input, and what it would say without them",
        "The first layer's filters and what they find in your drawing",
        "The training images the network finds most like your drawing",
        "Teach it your handwriting: keep drawings as digits, then fine-tune on them",
    };
    view_id shown = layout_shown_view(f->lay, v->view);
    for (int i = 0; i < VIEW_COUNT; i++) {
        ui_rect r = f->lay->view_tabs[i];
        const char *name = text_width(f->text, FONT_NORMAL, view_names[i]) <= r.w - 8 ? view_names[i] : short_names[i];
        if (ui_button(f->ui, ID_VIEW_TAB + i, r, name, tips[i], 1, shown == (view_id)i)) {
            views_set(v, (view_id)i);
            f->redraw = 1;
        }
    }
    static const char *file_names[VIEW_COUNT] = {"training", "preparation", "inside", "nearest", "teach"};
    ui_rect save = f->lay->view_save;
    const char *save_label = text_width(f->text, FONT_NORMAL, "Save picture") <= save.w - 8 ? "Save picture" : "Save";
    if (ui_button(f->ui, ID_VIEW_TAB + VIEW_COUNT, save, save_label,
                  "Save what this view shows as a PNG (in the screenshots folder)", 1, 0))
        command_push_text(f->cmds, CMD_SAVE_PICTURE, file_names[shown], f->lay->view_area);
}

void views_draw(frame *f, view_state *v, const view_inputs *in)
{
    ui_rect area = f->lay->view_area;
    if (area.w <= 0 || area.h <= 0) return;
    switch (layout_shown_view(f->lay, v->view)) {
    case VIEW_PREPARATION: view_prep_draw(f, v, in, area); break;
    case VIEW_INSIDE: view_inside_draw(f, v, in, area); break;
    case VIEW_NEAREST: view_nearest_draw(f, v, in, area); break;
    default: break;
    }
    draw_frame(f->ren, area, THEME_PANEL_EDGE);
}

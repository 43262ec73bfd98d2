/* The laid-out regions by name (see layout_regions in layout.h). */
#include "layout.h"

static const char *const button_names[BTN_COUNT] = {
    "button.train", "button.stop", "button.settings", "button.evaluate", "button.save",
    "button.load", "button.undo", "button.redo", "button.clear", "button.help",
};
static const char *const tab_names[VIEW_COUNT] = {"tab.training", "tab.preparation", "tab.inside", "tab.nearest",
                                                  "tab.teach"};
static const char *const keep_names[10] = {"keep.0", "keep.1", "keep.2", "keep.3", "keep.4",
                                           "keep.5", "keep.6", "keep.7", "keep.8", "keep.9"};

typedef struct {
    layout_region *out;
    int n, max;
} region_list;

static void add(region_list *list, const char *name, ui_rect r, int control)
{
    if (r.w <= 0 || r.h <= 0 || list->n >= list->max) return;
    list->out[list->n++] = (layout_region){name, r, control};
}

static void add_teach(region_list *list, const ui_layout *l)
{
    add(list, "keep_caption", l->keep_caption, 0);
    for (int d = 0; d < 10; d++) add(list, keep_names[d], l->keep[d], 1);
    add(list, "mine_info", l->mine_info, 0);
    add(list, "button.mydigits", l->mine_digits, 1);
    add(list, "button.collect", l->mine_collect, 1);
    add(list, "button.finetune", l->mine_finetune, 1);
}

int layout_regions(const ui_layout *l, view_id shown, layout_region *out, int max)
{
    region_list list = {out, 0, max};
    shown = layout_shown_view(l, shown);
    add(&list, "toolbar", l->toolbar, 0);
    for (int i = 0; i < BTN_COUNT; i++) add(&list, button_names[i], l->buttons[i], 1);
    add(&list, "brush", l->brush, 1);
    add(&list, "canvas", l->canvas, 0);
    add(&list, "side", l->side, 0);
    if (l->answer.x != l->side.x || l->answer.y != l->side.y) add(&list, "answer", l->answer, 0);
    add(&list, "preview", l->preview, 0);
    add(&list, "verdict", l->verdict, 0);
    add(&list, "bars", l->bars, 0);
    if (!l->teach_in_tab || shown == VIEW_TEACH) add_teach(&list, l);
    for (int i = 0; i < VIEW_COUNT; i++) add(&list, tab_names[i], l->view_tabs[i], 1);
    add(&list, "savepicture", l->view_save, 1);
    add(&list, "view_area", l->view_area, 0);
    if (shown == VIEW_TRAINING) {
        add(&list, "chart.loss", l->chart_loss, 0);
        add(&list, "chart.drawing", l->chart_drawing, 0);
        add(&list, "chart.accuracy", l->chart_acc, 0);
    }
    add(&list, "status", l->status, 1);
    add(&list, "progress", l->progress, 0);
    return list.n;
}

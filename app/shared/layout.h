/* Where everything goes, computed from the window's size in one place.
 * Pure arithmetic (no SDL), unit-tested over many sizes. All values are in
 * output pixels (physical pixels on HiDPI screens). */
#ifndef DP_LAYOUT_H
#define DP_LAYOUT_H

typedef struct { int x, y, w, h; } ui_rect;

typedef enum {
    BTN_TRAIN, BTN_STOP, BTN_SETTINGS, BTN_EVAL, BTN_SAVE, BTN_LOAD,
    BTN_UNDO, BTN_REDO, BTN_CLEAR, BTN_HELP, BTN_COUNT
} button_id;

/* What the area under the canvas shows. */
typedef enum { VIEW_TRAINING, VIEW_PREPARATION, VIEW_INSIDE, VIEW_NEAREST, VIEW_COUNT } view_id;

typedef struct {
    int w, h;              /* window, output pixels */
    float scale;           /* UI scale: 1.0 at about 1100×780 logical pixels */
    int pad;
    ui_rect toolbar, buttons[BTN_COUNT], brush;   /* brush: label + slider */
    ui_rect canvas;        /* square */
    ui_rect side;          /* right of the canvas */
    ui_rect preview;       /* the 28×28 view, square */
    ui_rect verdict;       /* the big digit and its probability */
    ui_rect bars;          /* ten probability bars */
    /* Teaching it your handwriting, under the bars (empty when too small):
     * "it's a…" and ten buttons that label and keep the drawing, then the
     * kept-digit counts and the buttons for them. */
    ui_rect keep_caption, keep[10];
    ui_rect mine_info, mine_digits, mine_collect, mine_finetune;
    ui_rect view_tabs[VIEW_COUNT], view_save;   /* tabs over the bottom area; its "save picture" button */
    ui_rect view_area;     /* the bottom area under the tabs: the training charts or another view */
    ui_rect chart_loss, chart_drawing, chart_acc;   /* chart_drawing: the drawing's ten probabilities while training */
    ui_rect status, progress;
} ui_layout;

/* density: output pixels per window coordinate (2 on a HiDPI display). */
void layout_compute(ui_layout *l, int w, int h, float density);

int rect_contains(ui_rect r, int x, int y);
int rect_overlaps(ui_rect a, ui_rect b);
int rect_inside(ui_rect inner, ui_rect outer);
ui_rect rect_inset(ui_rect r, int by);

#endif

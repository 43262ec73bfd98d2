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

/* What the area under the canvas shows. VIEW_TEACH (the teaching strip)
 * is a tab only in windows whose side panel has no room for it. */
typedef enum { VIEW_TRAINING, VIEW_PREPARATION, VIEW_INSIDE, VIEW_NEAREST, VIEW_TEACH, VIEW_COUNT } view_id;

/* How the window is arranged: a column in portrait (canvas on top, the
 * answer under it, the views below); canvas | answer over the views; and
 * in wide, short windows canvas | answer | views side by side. */
typedef enum { ARRANGE_PORTRAIT, ARRANGE_LANDSCAPE, ARRANGE_WIDE } arrangement;

typedef struct {
    int w, h;              /* window, output pixels */
    float scale;           /* UI scale: 1.0 at about 1100×720 logical pixels, times zoom and density */
    int pad;
    int min_control;       /* the smallest side of any control: finger-sized in narrow windows */
    int touch;             /* narrower than 700 window pixels: a finger is the likely pointer */
    arrangement arrange;
    int teach_in_tab;      /* the teaching strip is the VIEW_TEACH tab's content, not in the side panel */
    int bars_columns;      /* the bars are ten columns side by side (a short panel), not rows */
    int train_stop_shared; /* Stop has Train's place: one button, Train or Stop as the job asks */
    ui_rect toolbar, buttons[BTN_COUNT], brush;   /* brush: label + slider */
    ui_rect canvas;        /* square */
    ui_rect side;          /* the panel right of the canvas (in portrait: under it, holding the bars) */
    ui_rect answer;        /* the panel holding preview and verdict (in portrait: beside the canvas; else the side) */
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
    /* In the status line while a trained or loaded model is not kept yet:
     * "Go back to …" and "Keep". */
    ui_rect status_back, status_keep;
} ui_layout;

#define LAYOUT_ZOOM_MIN 0.5f
#define LAYOUT_ZOOM_MAX 3.0f

/* density: output pixels per window coordinate (2 on a HiDPI display);
 * zoom: the user's UI zoom (1 by default, Ctrl+= and Ctrl+-). */
void layout_compute(ui_layout *l, int w, int h, float density, float zoom);

/* The regions a frame shows, named, for the --verbose protocol and tests:
 * "canvas", "button.train", "tab.training", "chart.loss", … control: it
 * takes clicks (so it must meet min_control). Regions of no size are left
 * out; the charts only when the Training view is shown, the teaching strip
 * only where it is shown. Returns the count (at most max). */
typedef struct {
    const char *name;
    ui_rect r;
    int control;
} layout_region;
#define LAYOUT_REGIONS_MAX 64
int layout_regions(const ui_layout *l, view_id shown, layout_region *out, int max);
/* What a view tab shows: VIEW_TEACH falls back to Training where it is no tab. */
view_id layout_shown_view(const ui_layout *l, view_id chosen);

int rect_contains(ui_rect r, int x, int y);
int rect_overlaps(ui_rect a, ui_rect b);
int rect_inside(ui_rect inner, ui_rect outer);
ui_rect rect_inset(ui_rect r, int by);

#endif

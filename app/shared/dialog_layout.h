/* Where the parts of each dialog go, computed from the window's layout in
 * one place per dialog, the way layout.c places the main screen. Pure
 * arithmetic (no SDL), unit-tested over many window sizes. Output pixels. */
#ifndef DP_DIALOG_LAYOUT_H
#define DP_DIALOG_LAYOUT_H

#include "layout.h"

#define DIALOG_BUTTONS 4

/* A dialog's card, centred and no larger than the window with a margin. */
typedef struct {
    ui_rect card;
    int title_x, title_y;       /* where the title starts */
    int x, w;                   /* the content column */
    ui_rect button[DIALOG_BUTTONS];   /* the bottom row, from the right (zero-sized: none) */
} dialog_box;

/* The card of w×h layout units, with buttons of the given widths (units,
 * from the right; 0 ends the list). */
dialog_box dialog_box_place(const ui_layout *l, float w_units, float h_units, const float *button_units);

/* Training settings: three "name  [−] value [+]" rows, then "Start from"
 * with two choices. */
typedef struct {
    dialog_box box;
    ui_rect row[3];             /* a row: its name sits at the left, centred vertically */
    ui_rect minus[3], plus[3];
    int value_x[3];             /* the value's centre */
    ui_rect start_label, start_new, start_current;
} settings_layout;
void settings_layout_compute(settings_layout *s, const ui_layout *l);

/* Save, and Load (n_listed rows of models above the field, at most
 * FILE_ROWS, scrolled through when there are more; browse: a third button
 * for the system's file chooser); error_h: pixels for an error under the
 * field (the card grows by it). */
#define FILE_ROWS 6
typedef struct {
    dialog_box box;
    int hint_y;                 /* the line above the list or field */
    ui_rect listed[FILE_ROWS];
    ui_rect list;               /* the rows' area (the wheel scrolls it) */
    ui_rect field;              /* the path being typed */
    int error_y;                /* where an error goes */
} file_layout;
void save_layout_compute(file_layout *f, const ui_layout *l, int browse, int error_h);
void load_layout_compute(file_layout *f, const ui_layout *l, int n_listed, int browse, int error_h);

/* The evaluation: accuracy, per-digit bars on the left, the confusion
 * matrix on the right. */
typedef struct {
    dialog_box box;
    int accuracy_y, detail_y;
    int bars_y, bar_row;        /* the first bar row and the rows' height */
    ui_rect track[10];          /* each digit's bar track */
    int matrix_x, matrix_y;     /* the matrix's top-left cell */
    int cell;                   /* a cell's side (too small to draw below 5) */
    int matrix_title_y;
} eval_layout;
void eval_layout_compute(eval_layout *e, const ui_layout *l);

/* Help: two columns, keys and what they do. */
typedef struct {
    dialog_box box;
    int y0, row, desc_x;
    int stacked;                /* each key over what it does (the description at y + row / 2) */
    int note_y;
} help_layout;
void help_layout_compute(help_layout *h, const ui_layout *l, int rows);

/* A message: wrapped text, and n_buttons buttons (1 to 3). */
typedef struct {
    dialog_box box;
    int text_y;
} message_layout;
void message_layout_compute(message_layout *m, const ui_layout *l, int n_buttons);

/* My digits and a confusion cell's test digits: a grid of cells under a
 * header (My digits: also a row of tabs), a note under it, buttons. */
typedef struct {
    dialog_box box;
    int header_x, header_y;     /* the line at the top right */
    ui_rect tab_all, tab[10];   /* My digits only */
    ui_rect area;               /* the grid */
    int cell_w, cell_h, gap, cols, rows;
    int note_y;                 /* under the grid */
    ui_rect open;               /* My digits: "Open on canvas", left of the buttons */
} grid_layout;
void digits_layout_compute(grid_layout *g, const ui_layout *l);
void cell_layout_compute(grid_layout *g, const ui_layout *l);
/* The k-th visible cell of a grid. */
ui_rect grid_cell(const grid_layout *g, int k);

/* The fine-tune result: "before", "after", "points" columns. */
typedef struct {
    dialog_box box;
    int header_y, row, col[3];
    int note_y;
} tune_layout;
void tune_layout_compute(tune_layout *t, const ui_layout *l);

#endif

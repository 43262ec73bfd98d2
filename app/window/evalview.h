/* Click-through evaluation: the result of Evaluate (accuracy, per-digit
 * accuracy, the confusion matrix), and a cell of the matrix opened as the
 * test digits behind it (true row, predicted column), most confident
 * first. A click on one asks for it on the canvas (CMD_OPEN_TEST_DIGIT). */
#ifndef DP_EVALVIEW_H
#define DP_EVALVIEW_H

#include "dialog.h"
#include "frame.h"
#include "jobs.h"

#define EVAL_THUMBS 512   /* thumbnails one page of a cell's digits can show */

typedef struct {
    eval_result result;
    int have;
    unsigned seen;                /* the jobs' evaluation it is */
    int t, p;                     /* the cell open: true digit, predicted */
    int *list, list_n;            /* its test images, most confident first */
    int scroll, cols, rows;
    ui_image thumbs[EVAL_THUMBS];
} eval_view;

void evalview_free(eval_view *v);

void evalview_draw_result(frame *f, eval_view *v, dialog_state *d, const char *model_name);
void evalview_open_cell(eval_view *v, dialog_state *d, int truth, int predicted);
void evalview_draw_cell(frame *f, eval_view *v, dialog_state *d);
/* A key while a cell is open; 1 if it used it. */
int evalview_key(eval_view *v, dialog_state *d, const SDL_KeyboardEvent *k, command_queue *cmds);
void evalview_wheel(eval_view *v, int dy);

/* Test image i of the evaluation: its pixels (DP_PIXELS bytes), and a line saying
 * what it is ("test digit #1901 (a 9, read as 4 at 88.1 %)"). */
const uint8_t *evalview_test_digit(const eval_view *v, int i, char *what, size_t size);

#endif

/* The user's own digits in the window: keeping the drawing with its label
 * (keys 0-9 or the buttons under the bars), relabelling, deleting, undo,
 * the "draw a 3" collecting prompt, and how the model in use reads each
 * kept digit. Every change goes to disk at once (core/data/userset) and is
 * said in the status line. My digits and the fine-tune result are drawn by
 * kept_dialogs.c; fine-tuning itself is an action (actions.c). */
#ifndef DP_KEPT_H
#define DP_KEPT_H

#include <SDL.h>

#include "drawing.h"
#include "model.h"
#include "status.h"
#include "userset.h"

typedef enum { KEPT_KEEP, KEPT_RELABEL, KEPT_DELETE } kept_change_kind;

/* One change to the kept digits, as undo needs it. */
typedef struct {
    kept_change_kind kind;
    unsigned id;
    int label;                   /* RELABEL: the label it had */
    dp_user_digit removed;       /* DELETE: the digit, to put back */
    unsigned drawing_version;    /* KEEP: the canvas right after keeping cleared it */
} kept_change;

#define KEPT_UNDO 100            /* changes that can be undone */
/* A fine-tune means something only with this many of the user's digits to
 * learn from and to test on. */
#define KEPT_TUNE_TRAIN 20
#define KEPT_TUNE_TEST 5

typedef struct {
    dp_userset set;
    int ok;                      /* the folder could be opened */
    char dir[4096];
    kept_change undo[KEPT_UNDO]; /* oldest first */
    int n_undo;
    int redo_label;              /* a keep just taken back, to keep again on Redo (-1: none) */
    unsigned redo_version;       /* while the canvas is as the undo left it */
    unsigned changes;            /* bumps on every change */

    int collect;                 /* prompting "draw a 3" in turn */
    int prompt;                  /* the digit asked for */

    /* My digits. */
    int filter;                  /* -1: every digit, else one label */
    unsigned selected;           /* id of the selected digit (UINT_MAX: none) */
    int scroll;                  /* first row shown */
    int cols, rows;              /* the grid as last drawn */
    signed char *read_as;        /* the model's reading of each kept digit, by index */
    int read_as_n;
    unsigned read_as_weights;    /* weights version it was computed with */
    unsigned read_as_change;     /* change count it was computed for */
    double read_as_time;         /* when (dp_now) */
    SDL_Texture *thumbs;         /* the visible thumbnails, one 28x28 cell each */
    int thumbs_w, thumbs_h;

    /* The last fine-tune: what it learned from. */
    int tuned_on, tuned_mnist;
    char why[320];               /* why Fine-tune cannot start (kept_finetune_blocker) */
} kept_state;

void kept_open(kept_state *k, status_line *st);
void kept_close(kept_state *k);

/* Keeps the drawing as label (and clears it); 0, or -1 (the status says why). */
int kept_keep(kept_state *k, drawing *d, int label, status_line *st);
int kept_relabel(kept_state *k, int index, int label, status_line *st);
int kept_delete(kept_state *k, int index, status_line *st);
/* Undoes the last change; with any 0 only a keep right after it (the canvas
 * as the keep left it: the drawing comes back). 1 if something was undone. */
int kept_undo(kept_state *k, drawing *d, int any, status_line *st);
/* Redo right after a keep was taken back keeps the drawing again; 1 if it did. */
int kept_redo(kept_state *k, drawing *d, status_line *st);
void kept_set_collect(kept_state *k, int on, status_line *st);
/* Writes the kept digits as digitpad export-user does, to a new folder
 * exports/my-digits-DATE in the data folder, and beside it the same as
 * one .tar file, which a browser page downloads. 0, or -1 (said). */
int kept_export(kept_state *k, status_line *st);

/* Reads every kept digit with the model (when the digits or the weights
 * changed; while a job changes the weights, at most once a second). */
void kept_refresh_readings(kept_state *k, const model_state *m, int busy);
/* Why Fine-tune cannot start now, or NULL. */
const char *kept_finetune_blocker(kept_state *k, int busy);
/* "digit" or "digits", as n asks. */
const char *kept_digits_word(int n);

#endif

/* The user's own digits in the window: keeping the drawing with its label
 * (keys 0-9 or the buttons under the bars), undo, the "draw a 3" collecting
 * prompt, the My digits gallery, and fine-tuning on them (mine.c,
 * gallery.c). The digits themselves live in core/userset. */
#ifndef DP_MINE_H
#define DP_MINE_H

#include <SDL.h>

#include "finetune.h"
#include "net.h"
#include "userset.h"

typedef enum { MINE_KEEP, MINE_RELABEL, MINE_DELETE } mine_op_kind;

/* One change to the kept digits, as undo needs it. */
typedef struct {
    mine_op_kind kind;
    unsigned id;
    int label;                   /* RELABEL: the label it had */
    dp_user_digit removed;       /* DELETE: the digit, to put back */
    unsigned drawing_version;    /* KEEP: the canvas right after keeping cleared it */
} mine_op;

#define MINE_UNDO 100            /* changes that can be undone */

typedef struct {
    dp_userset set;
    int ok;                      /* the folder could be opened */
    char dir[4096];
    mine_op undo[MINE_UNDO];     /* oldest first */
    int n_undo;

    int collect;                 /* prompting "draw a 3" in turn */
    int prompt;                  /* the digit asked for */

    /* The gallery. */
    int filter;                  /* -1: every digit, else one label */
    unsigned selected;           /* id of the selected digit (UINT_MAX: none) */
    int scroll;                  /* first row shown */
    int cols, rows;              /* the grid as last drawn */
    signed char *read_as;        /* the model's reading of each kept digit, by index */
    int read_as_n;
    unsigned read_as_weights;    /* weights version it was computed with */
    unsigned read_as_change;     /* kept-digit change count it was computed for */
    double read_as_time;         /* when (dp_now) */
    unsigned changes;            /* bumps on every change to the kept digits */
    SDL_Texture *thumbs;         /* the visible thumbnails, one 28x28 cell each */
    int thumbs_w, thumbs_h;

    /* Fine-tuning: the model before it, to go back to. */
    dp_net *backup;
    int tuned_on, tuned_mnist;   /* the user's digits and MNIST images it learned from */
    char backup_name[256];
    int backup_unsaved;
} mine_state;

#endif

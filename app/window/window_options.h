/* What the window is started with (the command line's window options). */
#ifndef DP_WINDOW_OPTIONS_H
#define DP_WINDOW_OPTIONS_H

#include "layout.h"

typedef struct {
    const char *model_path;       /* --model */
    const char *strokes_path;     /* --strokes */
    const char *screenshot_path;  /* --screenshot: render, save, exit */
    long train_steps;             /* --train-steps: press Train, wait this many steps */
    int finetune;                 /* --finetune: press Fine-tune, shoot the before/after dialog */
    int my_digits;                /* --my-digits: open My digits */
    view_id view;                 /* --view: what shows under the canvas */
    int evaluate;                 /* --evaluate / --cell: press Evaluate and shoot the result */
    int cell_t, cell_p, cell_k;   /* --cell T,P[,K]: open that cell's digits (and put the K-th on the canvas) */
    int verbose;                  /* --verbose: log predictions, training, canvas */
    int width, height;            /* --size, else the default (fitted to the screen) */
    int size_given;
    double start_time;            /* dp_now() when main() began, for the start-up time */
} window_options;

#endif

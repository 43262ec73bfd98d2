/* The dialogs about the user's digits: My digits (the kept digits as the
 * network sees them, filtered by digit, test digits and misread ones
 * marked; select one to relabel with 0-9, delete with Delete or open it on
 * the canvas with Enter; Ctrl+Z undoes), and the fine-tune result (before
 * and after; keep the new model or go back). */
#ifndef DP_KEPT_DIALOGS_H
#define DP_KEPT_DIALOGS_H

#include "dialog.h"
#include "frame.h"
#include "jobs.h"
#include "kept.h"

/* What My digits works with besides the digits themselves. */
typedef struct {
    dialog_state *dialog;
    drawing *draw;              /* undoing a keep can bring the drawing back */
    const model_state *model;   /* for the red "reads 7" marks */
    int busy;                   /* a job changes the weights */
    status_line *status;
} gallery_env;

void gallery_draw(frame *f, kept_state *k, const gallery_env *env);
/* A key while My digits is open; 1 if it used it. */
int gallery_key(kept_state *k, const gallery_env *env, const SDL_KeyboardEvent *key, command_queue *cmds);
void gallery_wheel(kept_state *k, int dy);

/* Whether keeping the fine-tuned model is the default (Enter): the user's
 * test digits did not fall and MNIST fell by at most 0.3 points. */
int tune_keep_is_default(const jobs_status *job);
/* The fine-tune result; its buttons queue CMD_FINETUNE_CHOICE. */
void tune_result_draw(frame *f, const jobs_status *job, const kept_state *k);

/* The digit a key stands for (0-9 on the main keys or the keypad, without
 * Ctrl or Alt), or -1. */
int key_digit(const SDL_KeyboardEvent *k);

#endif

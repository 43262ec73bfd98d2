/* Scripted runs, for pictures that can be made again: --screenshot
 * renders until the picture asked for is ready, saves it and ends the
 * window; with --train-steps, --finetune, --evaluate or --cell it first
 * starts that job and waits for what it shows (the training charts after N
 * steps, the fine-tune's before and after, the evaluation, a confusion
 * cell's digits and one of them on the canvas). */
#ifndef DP_SCRIPTED_H
#define DP_SCRIPTED_H

#include "app.h"

/* Starts the job the options ask for and opens what they open. */
void scripted_start(app *a);
/* After a frame was drawn: 1 when it is the picture asked for (one settled
 * frame after it is ready). */
int scripted_shot_due(app *a);
/* The window's exit status when it ends. */
int scripted_exit_status(const app *a);

#endif

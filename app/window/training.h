/* Train, Evaluate and Fine-tune as the window does them: starting a job
 * with the model in use, following it (charts, weights, the drawing's
 * probabilities as it learns) and what its end means for the model, the
 * status line and the dialogs. Spans the modules, so it takes the app. */
#ifndef DP_TRAINING_H
#define DP_TRAINING_H

#include "app.h"

/* Finds MNIST; if it is not there, says where it looked and how to get it
 * (a message and the status line) and returns -1. */
int training_need_mnist(app *a);

/* Takes the news of a job that has ended (training_poll), then says why a
 * job cannot start or the model be replaced now (a job runs; a fine-tune
 * waits for the keep-or-go-back choice, whose dialog is shown again), or
 * NULL. Call it before either: the ended job is then finished with its own
 * state, not the next one's, its last weights do not land on a model loaded
 * after it, and the model from before a fine-tune is not lost. */
const char *training_blocker(app *a);

/* Each start says whether the job was handed to the trainer (1), or not
 * (0: one runs, MNIST is missing, or it could not start; the status line
 * says which). */
int training_start(app *a);
void training_stop(app *a);
int training_evaluate(app *a);
int training_finetune(app *a);
/* After a Train or Load: keep the new model (1) or go back to the one
 * before (0); refused while a job runs. */
void training_previous_choice(app *a, int keep);
/* After a fine-tune: keep the new model (1) or go back (0). */
void training_finetune_choice(app *a, int keep_new);

/* Takes the jobs' news: chart points, weights, a job's end. */
void training_poll(app *a);
/* The drawing was read again: while training runs, its probabilities are
 * followed step by step ("watch your digit learn"); a changed drawing
 * starts the curves again. */
void training_follow_drawing(app *a, int drawing_changed);

#endif

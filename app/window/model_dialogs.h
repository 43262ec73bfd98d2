/* The dialogs about the model in use as a whole: the end of a training run
 * (before and after on the MNIST test set; keep the new model or go back to
 * the one before), the question on closing with an unsaved model (Save… /
 * Discard / Cancel), and the offer to restore the model an interrupted run
 * saved automatically. Their buttons queue CMD_PREVIOUS, CMD_QUIT_CHOICE and
 * CMD_RESTORE. */
#ifndef DP_MODEL_DIALOGS_H
#define DP_MODEL_DIALOGS_H

#include "dialog.h"
#include "jobs.h"
#include "model.h"

void trained_draw(frame *f, const jobs_status *job, const model_state *m);
void quit_draw(frame *f, const model_state *m);
/* what: the autosave's name, accuracy and date in words. */
void restore_draw(frame *f, const char *what);

/* Enter and Esc in them; 1 if the key was used. */
int model_dialogs_key(dialog_state *d, const SDL_KeyboardEvent *k, const model_state *m, command_queue *cmds);

#endif

/* The simple dialogs: training settings, save and load a model, the keys,
 * and messages. What they ask of the rest of the window (save this file,
 * load that one, the system's file chooser) goes out as commands. */
#ifndef DP_DIALOGS_H
#define DP_DIALOGS_H

#include "dialog.h"
#include "train.h"

/* What Train does: the run's settings, and whether it continues the model
 * in use or starts a new network. */
typedef struct {
    dp_train_cfg cfg;
    int from_current;
} train_settings;

void settings_draw(frame *f, train_settings *t, dialog_state *d);
void save_draw(frame *f, dialog_state *d);
void load_draw(frame *f, dialog_state *d);
void help_draw(frame *f, dialog_state *d);
void message_draw(frame *f, dialog_state *d);

/* A key while one of these is open; 1 if it used it (not F12, the
 * screenshot key). */
int dialogs_key(dialog_state *d, const SDL_KeyboardEvent *k, command_queue *cmds);

#endif

/* What the user asks of the window that spans modules: the commands a
 * frame queued (commands.h), keys and drops do the same through these.
 * Opening files, putting images on the canvas, keeping digits, undo, and
 * reading the drawing again. Takes the app. */
#ifndef DP_ACTIONS_H
#define DP_ACTIONS_H

#include "app.h"

/* Does and empties the commands the last frame queued. */
void actions_run(app *a);

/* Reads the drawing again if it or the weights changed (at most once a
 * frame): logs the reading, and follows it while training. */
void actions_read_drawing(app *a);

void actions_clear(app *a);
/* Ctrl+Z: takes back a digit just kept (the drawing comes back), else the
 * last change to the drawing. */
void actions_undo(app *a);
/* Ctrl+Y: keeps again a digit whose keep was just taken back, else redoes
 * the last change to the drawing undone. */
void actions_redo(app *a);
void actions_keep(app *a, int digit);
/* A model (.model) to load, a train --csv file (.csv) to plot, or a stroke
 * file to draw, as a dropped file is; 0 if it worked. */
int actions_open_file(app *a, const char *path, int strokes_too);
int actions_save_model(app *a, const char *path);
/* A picture of part of the window, taken after this frame (actions_picture_now). */
void actions_picture(app *a, const char *what, ui_rect part);
/* After the frame that showed it: asks where to save the picture with the
 * system's chooser, else saves it into the screenshots folder. */
void actions_picture_now(app *a, const char *what, ui_rect part);
/* Acts on the system's file chooser's answer (Load, Save, Save picture), if it has one. */
void actions_poll(app *a);

#endif

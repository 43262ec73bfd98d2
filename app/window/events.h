/* Input: the keyboard, the mouse (the pen on the canvas, clicks for the
 * widgets drawn next frame), files dropped on the window, window events. */
#ifndef DP_EVENTS_H
#define DP_EVENTS_H

#include "app.h"

void events_handle(app *a, const SDL_Event *e);
/* The window's size changed (or it opened): lay it out again. */
void events_relayout(app *a);

#endif

/* What must not be lost when the window ends: closing it with a model that
 * is in no file asks first (Save… / Discard / Cancel); a request from the
 * system to end (SIGTERM, SIGINT) ends promptly but first writes such a
 * model (and the model before it, if that one is in no file either) to
 * autosave-STAMP.model in the data folder, never over an earlier one, and
 * the next start offers the newest. Spans the modules, so it takes the app. */
#ifndef DP_CLOSING_H
#define DP_CLOSING_H

#include "app.h"

/* Before the window opens: the system's requests to end are watched. */
void closing_watch(app *a);
/* The window was asked to close (its close button, or SDL_QUIT): by the
 * system if closing_watch saw a request, else by the user. */
void closing_request(app *a);
/* The answer to the question on closing (QUIT_SAVE, QUIT_DISCARD, QUIT_CANCEL). */
void window_quit_choice(app *a, int choice);
/* A save finished (ok: it worked): after "Save…" in the question, the window closes. */
void closing_saved(app *a, int ok);
/* At start: if an autosave is there, offers it (not in scripted runs). */
void closing_offer_restore(app *a);
void window_restore_choice(app *a, int restore);

#endif

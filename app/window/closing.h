/* What must not be lost when the window ends: closing it with a model that
 * is in no file asks first (Save… / Discard / Cancel); a request from the
 * system to end (SIGTERM, SIGINT) ends promptly but first writes such a
 * model to an autosave file in the data folder, and the next start offers
 * to restore it. Spans the modules, so it takes the app. */
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
/* Where the autosave goes. */
void closing_autosave_path(char *out, size_t size);

#endif

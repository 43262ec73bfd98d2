/* The system's file chooser, on a worker of its own, so that the window
 * keeps drawing while it is open and can close it when it quits: for Load,
 * for Save (a model) and for Save picture. */
#ifndef DP_CHOOSER_H
#define DP_CHOOSER_H

#include <SDL.h>
#include <stddef.h>

typedef struct chooser chooser;

/* What the chosen file is for. */
typedef enum { CHOOSE_LOAD, CHOOSE_SAVE_MODEL, CHOOSE_SAVE_PICTURE } choose_purpose;

/* wake_event: pushed when the user has answered. NULL if the thread
 * cannot start (then the window's own dialogs are used). */
chooser *chooser_create(Uint32 wake_event);
void chooser_free(chooser *c);   /* closes a chooser that is open */

/* Opens the chooser unless it is open already; save_as: the path it
 * suggests, for the two saves. 0, or -1. */
int chooser_open(chooser *c, const char *title, choose_purpose purpose, const char *save_as);
/* It is open, or its answer is not taken yet. */
int chooser_busy(chooser *c);

typedef enum { CHOSEN_NOTHING, CHOSEN_FILE, CHOSEN_CANCELLED, CHOSEN_ERROR } chooser_answer;
/* The answer since the last call, if any: the path, or the error, and what it was for. */
chooser_answer chooser_take(chooser *c, char *path, size_t size, char *error, size_t error_size, choose_purpose *purpose);

#endif

/* The system's file chooser for Load, on a worker of its own, so that the
 * window keeps drawing while it is open and can close it when it quits. */
#ifndef DP_CHOOSER_H
#define DP_CHOOSER_H

#include <SDL.h>
#include <stddef.h>

typedef struct chooser chooser;

/* wake_event: pushed when the user has answered. NULL if the thread
 * cannot start (then there is no Browse…). */
chooser *chooser_create(Uint32 wake_event);
void chooser_free(chooser *c);   /* closes a chooser that is open */

/* Opens the chooser unless it is open already; 0, or -1. */
int chooser_open(chooser *c, const char *title);

typedef enum { CHOSEN_NOTHING, CHOSEN_FILE, CHOSEN_CANCELLED, CHOSEN_ERROR } chooser_answer;
/* The answer since the last call, if any: the path, or the error. */
chooser_answer chooser_take(chooser *c, char *path, size_t size, char *error, size_t error_size);

#endif

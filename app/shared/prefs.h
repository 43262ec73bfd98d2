/* What the window remembers between runs (the UI zoom), in a small text
 * file of "key = value" lines in digitpad's config folder. Display-free. */
#ifndef DP_PREFS_H
#define DP_PREFS_H

#include <stddef.h>

typedef struct {
    float zoom;   /* the UI zoom, 1 by default */
} window_prefs;

void prefs_defaults(window_prefs *p);
/* Reads path into p; a missing file, an unknown key or a value out of range
 * leaves that setting at its default. */
void prefs_load(window_prefs *p, const char *path);
/* Writes p to path atomically (its folder is made); 0 or -1. */
int prefs_save(const window_prefs *p, const char *path);
/* The preferences file: window.conf in the config folder. */
void prefs_path(char *out, size_t size);

/* The zoom one step in (dir 1) or out (-1) from zoom, within the layout's range. */
float prefs_zoom_step(float zoom, int dir);

#endif

/* Screenshots of the window and pictures of part of it (a view, the
 * evaluation), as PNG files saved atomically like every other file. */
#ifndef DP_PICTURES_H
#define DP_PICTURES_H

#include <SDL.h>

#include "layout.h"
#include "status.h"

/* The window (part NULL) or a part of it, as path. tell: say "saved …" in
 * the status line (errors are always said). 0 or -1. */
int picture_save(SDL_Renderer *r, const char *path, const ui_rect *part, status_line *st, int tell);
/* The same into the screenshots folder, named by what it shows (NULL: a
 * screenshot) and when. */
void picture_save_to_user_dir(SDL_Renderer *r, const char *what, const ui_rect *part, status_line *st);
/* Where picture_save_to_user_dir would save (the folder is made). */
void picture_default_path(const char *what, char *path, size_t size);
/* The pixels of the window or a part of it, to save later (NULL on error: SDL_GetError). */
SDL_Surface *picture_capture(SDL_Renderer *r, const ui_rect *part);
int picture_save_surface(SDL_Surface *s, const char *path, status_line *st, int tell);

#endif

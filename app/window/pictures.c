#include "pictures.h"
#include "common.h"
#include "paths.h"
#include "platform.h"

#include <SDL_image.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Encodes the PNG in memory, then saves it atomically like every other file:
 * a crash never leaves a torn picture (the README's are made this way). The
 * buffer fits the worst case, stored zlib blocks plus chunk headers. */
static int save_png_atomic(SDL_Surface *s, const char *path, status_line *st)
{
    size_t raw = (size_t)s->h * ((size_t)s->w * 4 + 1), cap = raw + raw / 16 + 65536;
    void *buf = cap <= INT_MAX ? malloc(cap) : NULL;
    SDL_RWops *rw = buf ? SDL_RWFromMem(buf, (int)cap) : NULL;
    int rc = rw && IMG_SavePNG_RW(s, rw, 0) == 0 ? 0 : -1;
    if (rc) status_set(st, 1, "could not save screenshot %s: %s", path, rw ? SDL_GetError() : "out of memory");
    else if ((rc = dp_write_file_atomic(path, buf, (size_t)SDL_RWtell(rw))) != 0)
        status_set(st, 1, "could not save screenshot: %s", dp_error());
    if (rw) SDL_RWclose(rw);
    free(buf);
    return rc;
}

SDL_Surface *picture_capture(SDL_Renderer *ren, const ui_rect *part)
{
    int w, h;
    SDL_GetRendererOutputSize(ren, &w, &h);
    SDL_Rect r = part ? to_sdl(*part) : (SDL_Rect){0, 0, w, h}, all = {0, 0, w, h};
    if (!SDL_IntersectRect(&r, &all, &r)) r = all;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, r.w, r.h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (s && SDL_RenderReadPixels(ren, &r, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch) != 0) {
        SDL_FreeSurface(s);
        return NULL;
    }
    return s;
}

/* Says where a picture the user asked for went; in a browser page it is
 * also handed over as a download. */
static void tell_saved(status_line *st, const char *what, const char *path)
{
    int handed = dp_hand_over_file(path, app_base_name(path));
    if (handed > 0) status_set(st, 0, "saved %s %s (the browser downloads it)", what, app_base_name(path));
    else if (handed < 0) status_set(st, 1, "saved %s %s, but %s", what, path, dp_error());
    else status_set(st, 0, "saved %s %s", what, path);
}

int picture_save_surface(SDL_Surface *s, const char *path, status_line *st, int tell)
{
    int rc = save_png_atomic(s, path, st);
    if (!rc && tell) tell_saved(st, "picture", path);
    return rc;
}

int picture_save(SDL_Renderer *ren, const char *path, const ui_rect *part, status_line *st, int tell)
{
    SDL_Surface *s = picture_capture(ren, part);
    int rc = -1;
    if (!s) status_set(st, 1, "could not save %s: %s", path, SDL_GetError());
    else rc = save_png_atomic(s, path, st);
    if (!rc && tell) tell_saved(st, part ? "picture" : "screenshot", path);
    SDL_FreeSurface(s);
    return rc;
}

void picture_default_path(const char *what, char *path, size_t size)
{
    char dir[PATH_MAX], stamp[32];
    app_user_data_dir(dir, sizeof dir);
    dp_timestamp(stamp, sizeof stamp);
    snprintf(dir + strlen(dir), sizeof dir - strlen(dir), "/screenshots");
    dp_make_dirs(dir);   /* a failure shows as the save's */
    snprintf(path, size, "%s/digitpad-%s%s%s.png", dir, what ? what : "", what ? "-" : "", stamp);
}

void picture_save_to_user_dir(SDL_Renderer *ren, const char *what, const ui_rect *part, status_line *st)
{
    char path[PATH_MAX + 128];
    picture_default_path(what, path, sizeof path);
    picture_save(ren, path, part, st, 1);
}

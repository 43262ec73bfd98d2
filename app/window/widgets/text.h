/* Text with SDL2_ttf: the font is found through fontconfig (DejaVu Sans by
 * default, DIGITPAD_FONT=/path/to/font.ttf overrides), opened at a few sizes
 * scaled with the window, and each rendered string is kept as a texture
 * until it has gone unused for a while. Without a usable font a built-in
 * bitmap font does the same job. */
#ifndef DP_TEXT_H
#define DP_TEXT_H

#include <SDL.h>
#include <stddef.h>

typedef enum { FONT_SMALL, FONT_NORMAL, FONT_LARGE, FONT_HUGE, FONT_COUNT } font_size;

enum {
    TEXT_LEFT = 0, TEXT_CENTER = 1, TEXT_RIGHT = 2,        /* horizontal: x is left/centre/right */
    TEXT_TOP = 0, TEXT_MIDDLE = 4, TEXT_BOTTOM = 8,       /* vertical: y is top/middle/bottom */
};

typedef struct ui_text ui_text;

/* Finds the font file: $DIGITPAD_FONT if set, else text_find_system_font.
 * 0 and path filled, or -1 with a one-line message in err saying what was
 * tried. */
int text_find_font(char *path, size_t size, char *err, size_t err_size);
/* fontconfig's match for "DejaVu Sans", else DejaVuSans.ttf where
 * distributions put it under $XDG_DATA_DIRS/fonts. Same returns. */
int text_find_system_font(char *path, size_t size, char *err, size_t err_size);

/* Opens the font at sizes for the given pixel scale (1.0 = 96 dpi-ish
 * layout; larger on HiDPI or big windows). NULL with err filled on failure. */
ui_text *text_create(SDL_Renderer *r, const char *font_path, float scale, char *err, size_t err_size);
/* The built-in bitmap font (no file, cannot fail but for memory). */
ui_text *text_create_builtin(SDL_Renderer *r, float scale);
int text_is_builtin(const ui_text *t);
void text_free(ui_text *t);
/* Reopens the fonts if the scale changed (after a resize or DPI change). */
void text_set_scale(ui_text *t, float scale);

/* Draws UTF-8 text; align is TEXT_* flags. Returns the width drawn. */
int text_draw(ui_text *t, font_size f, const char *s, int x, int y, SDL_Color c, int align);
int text_drawf(ui_text *t, font_size f, int x, int y, SDL_Color c, int align, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
int text_width(ui_text *t, font_size f, const char *s);
/* The same for the n bytes at s (no NUL needed). */
int text_width_n(ui_text *t, font_size f, const char *s, size_t n);
int text_draw_n(ui_text *t, font_size f, const char *s, size_t n, int x, int y, SDL_Color c, int align);
/* The longest tail of s (a pointer into it) at most width pixels wide:
 * what an input field shows of a long path. */
/* s if it fits in width, else the longest start of it that fits with "…"
 * after it, copied into buf (size bytes). */
const char *text_fit_head(ui_text *t, font_size f, const char *s, int width, char *buf, size_t size);
const char *text_fit_tail(ui_text *t, font_size f, const char *s, int width);
int text_height(ui_text *t, font_size f);
/* Call once per frame: forgets textures unused for many frames. */
void text_end_frame(ui_text *t);

#endif

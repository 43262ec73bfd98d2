/* A small bitmap font built into the program, for when no TrueType font can
 * be found or opened: the window still has its labels, in a plain 5x7 face
 * drawn at whole-pixel scales. Printable ASCII; the few other characters
 * the interface uses are drawn as their ASCII look-alikes. Pure C, no SDL. */
#ifndef DP_FONT_BUILTIN_H
#define DP_FONT_BUILTIN_H

#include <stddef.h>

#define BUILTIN_GLYPH_W 5    /* ink columns */
#define BUILTIN_GLYPH_H 9    /* 7 rows above the baseline, 2 below */
#define BUILTIN_CELL_W 6     /* a glyph and one column of space */
#define BUILTIN_CELL_H 10    /* a row of space above the glyph */

/* Writes what utf8 looks like in the font's characters into out (at most
 * size - 1 of them, then a NUL): printable ASCII as is, "…" as "...", dashes
 * and minus as "-", "×" as "x", "→" as "->", "·" as ".", anything else
 * (other characters, control bytes, broken UTF-8) as "?". Returns the
 * length it would have with room for all. */
size_t builtin_font_ascii(const char *utf8, char *out, size_t size);

/* 1 if column x, row y of c's glyph is ink (c printable ASCII, x and y
 * inside the glyph), else 0. */
int builtin_font_ink(char c, int x, int y);

#endif

/* Word-wrapping without a display: where each line of a text breaks for a
 * given width, measured by the caller's function. Unit-tested without SDL. */
#ifndef DP_WRAP_H
#define DP_WRAP_H

#include <stddef.h>

/* Width in pixels of the n bytes at s (not NUL-terminated). */
typedef int (*wrap_measure)(void *ctx, const char *s, size_t n);

/* The length in bytes of the first line of s at most width wide: as many
 * whole words (separated by spaces) as fit, at least one; a word wider than
 * width on its own is cut after the last UTF-8 character that fits (at least
 * one character), so that no line is ever wider than width unless a single
 * character is. Spaces after the line are not counted: wrap_skip_spaces
 * steps over them. Returns 0 only for an empty s. */
size_t wrap_line(const char *s, int width, wrap_measure measure, void *ctx);

/* s after any leading spaces. */
const char *wrap_skip_spaces(const char *s);

#endif

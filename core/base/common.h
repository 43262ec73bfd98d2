/* Shared helpers for core/: error reporting and checked allocation.
 * core/ never prints and never exits: a failing call returns -1 (or NULL)
 * and leaves a one-line message for dp_error(), like SDL_GetError().
 * DP_VERSION, the program's version string, is not here: the build defines
 * it from meson.build's project version. */
#ifndef DP_COMMON_H
#define DP_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* The last error message of the calling thread ("" if none). */
const char *dp_error(void);

/* Sets the calling thread's error message; always returns -1 so callers can
 * write `return dp_set_error(...)`. */
int dp_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prefixes the current error message: "CONTEXT: old message". */
int dp_prefix_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Allocation with overflow-checked sizes; on failure set an error, return NULL.
 * Floats from dp_alloc_floats are 64-byte aligned where the platform can
 * (dp_alloc_aligned64) and released with free(). */
void *dp_alloc(size_t count, size_t size);
void *dp_calloc(size_t count, size_t size);
float *dp_alloc_floats(size_t count);   /* aligned, zero-filled */

/* Returns 1 and stores a*b in *out, or 0 if it overflows. */
int dp_mul_size(size_t a, size_t b, size_t *out);

#endif

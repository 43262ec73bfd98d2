/* PGM pictures (P5 binary, P2 text; 8 or 16 bits) as floats. */
#ifndef DP_PGM_H
#define DP_PGM_H

#include <stddef.h>

/* Reads a binary (P5, 8- or 16-bit samples, maxval 1..65535) or ASCII (P2)
 * PGM of any size up to 4096×4096. On success *pixels (w*h floats, 0 =
 * black, 1 = white) is malloc'ed; on error it is NULL. */
int dp_pgm_read(const char *path, float **pixels, int *w, int *h);
/* The same from memory (len bytes at data); name is used in error messages. */
int dp_pgm_parse(const unsigned char *data, size_t len, const char *name, float **pixels, int *w, int *h);
/* Writes an 8-bit P5 (values clamped to [0,1]), atomically. */
int dp_pgm_write(const char *path, const float *pixels, int w, int h);

#endif

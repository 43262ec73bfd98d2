/* Whole-file reads with a size cap, and crash-safe atomic writes. */
#ifndef DP_FILEIO_H
#define DP_FILEIO_H

#include <stddef.h>

/* Reads all of PATH into a malloc'ed buffer (NUL-terminated for convenience,
 * the NUL not counted in *len). Refuses files larger than max_bytes. */
int dp_read_file(const char *path, size_t max_bytes, unsigned char **data, size_t *len);

/* Writes DATA to PATH atomically: a temporary file in the same directory is
 * written, fsync'ed and renamed over PATH, then the directory is fsync'ed.
 * Either the old file or the complete new one is on disk at every moment; on
 * any error the old file is untouched and the temporary file removed. */
int dp_write_file_atomic(const char *path, const void *data, size_t len);

#endif

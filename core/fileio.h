/* Whole-file reads with a size cap, and crash-safe atomic writes. */
#ifndef DP_FILEIO_H
#define DP_FILEIO_H

#include <stddef.h>

/* Reads all of PATH into a malloc'ed buffer (NUL-terminated for convenience,
 * the NUL not counted in *len). Refuses files larger than max_bytes. */
int dp_read_file(const char *path, size_t max_bytes, unsigned char **data, size_t *len);

/* The temporary file of a save is PATH followed by this suffix, in the same
 * directory (a rename cannot cross filesystems). */
#define DP_SAVE_TMP_SUFFIX ".digitpad-tmp"

/* Writes DATA to PATH atomically: PATH.digitpad-tmp is written, fsync'ed and
 * renamed over PATH, then the directory is fsync'ed. Either the old file or
 * the complete new one is on disk at every moment. On an error before the
 * rename the old file is untouched and the temporary file removed; if only
 * the final directory sync fails, the new file is in place and the error
 * says so. A temporary file left by a killed save is harmless (loaders never
 * look at it) and is reused by the next save of PATH, so at most one exists
 * per target. Saves of the same PATH from several threads or processes wait
 * for each other (flock on the temporary file). The error names PATH and
 * the reason: "cannot save m.model: No space left on device". A replaced
 * file keeps its permissions. */
int dp_write_file_atomic(const char *path, const void *data, size_t len);

/* Removes PATH and syncs its folder, so the removal survives a crash. A
 * file that is already gone counts as removed. */
int dp_remove_file(const char *path);

/* Creates DIR and any missing parents (mode 0755 minus the umask); 0 if it
 * exists as a folder afterwards. */
int dp_make_dirs(const char *dir);

#endif

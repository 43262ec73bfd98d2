/* The platform layer: everything that differs between Linux, macOS, Windows
 * and the browser, behind one interface. Files (whole reads, crash-safe
 * replacement, locks, folders), the CPU and memory, threads, time, the
 * program's and the user's folders, the file chooser, interrupts and the
 * display. The rest of digitpad is portable C on top of these functions;
 * porting it means writing another platform_*.c beside platform_posix.c
 * (files, CPU, time, folders: POSIX systems and the browser) and
 * platform_desktop_posix.c (display, chooser, loop: POSIX desktops); the
 * browser's is platform_web.c.
 *
 * Like the rest of core/, these functions never print and never exit: they
 * return -1 (or NULL) and leave a one-line message for dp_error(). This is
 * the one part of core/ that asks the operating system about the user (the
 * user's folders come from the environment on POSIX systems); the network
 * and the ink code read nothing from the environment. */
#ifndef DP_PLATFORM_H
#define DP_PLATFORM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

/* ---- files ----------------------------------------------------------------- */

/* Reads all of PATH into a malloc'ed buffer (NUL-terminated for convenience,
 * the NUL not counted in *len). Refuses files larger than max_bytes, and
 * anything that is not a regular file (a folder, a named pipe). */
int dp_read_file(const char *path, size_t max_bytes, unsigned char **data, size_t *len);

/* Opens a regular file for reading without blocking on special files and
 * returns its descriptor (for zlib's gzdopen), with its size in *size; -1 if
 * it cannot be opened or is not a regular file (the error says which). */
int dp_open_regular(const char *path, long long *size);

/* fopen with a UTF-8 path. */
FILE *dp_fopen(const char *path, const char *mode);

/* The temporary file of a save is PATH followed by this suffix, in the same
 * folder (a rename cannot cross filesystems). */
#define DP_SAVE_TMP_SUFFIX ".digitpad-tmp"

/* Writes DATA to PATH atomically: PATH.digitpad-tmp is written, flushed to
 * disk and renamed over PATH, then the folder is flushed. Either the old file
 * or the complete new one is on disk at every moment. On an error before the
 * rename the old file is untouched and the temporary file removed; if only
 * the final folder sync fails, the new file is in place and the error says
 * so. A temporary file left by a killed save is harmless (loaders never look
 * at it) and is reused by the next save of PATH, so at most one exists per
 * target. Saves of the same PATH from several threads or processes wait for
 * each other (a lock on the temporary file). The error names PATH and the
 * reason: "cannot save m.model: No space left on device". A replaced file
 * keeps its permissions. */
int dp_write_file_atomic(const char *path, const void *data, size_t len);

/* Removes PATH and syncs its folder, so the removal survives a crash. A
 * file that is already gone counts as removed. */
int dp_remove_file(const char *path);

/* Creates DIR and any missing parents; 0 if it is a folder afterwards. */
int dp_make_dirs(const char *dir);

typedef enum { DP_PATH_MISSING, DP_PATH_FILE, DP_PATH_FOLDER, DP_PATH_OTHER } dp_path_kind;
/* What PATH names (following symlinks). */
dp_path_kind dp_path_kind_of(const char *path);
/* When PATH was last modified, in seconds since 1970 (UTC); -1 if it cannot be told. */
long long dp_file_mtime(const char *path);
/* Its size in bytes; -1 if it cannot be told. */
long long dp_file_size(const char *path);

/* Calls fn(ctx, name) for each entry of DIR but "." and ".." (in no
 * particular order) until fn returns non-zero, which is then returned; 0
 * when all were seen, -1 if DIR cannot be read. */
typedef int (*dp_dir_fn)(void *ctx, const char *name);
int dp_list_dir(const char *dir, dp_dir_fn fn, void *ctx);

/* ---- CPU, memory, threads, time ---------------------------------------------- */

/* CPUs this process may run on (at least 1). */
int dp_cpu_count(void);

/* bytes of memory aligned to 64 bytes where the C library can give that to
 * free() (elsewhere malloc's own alignment; no kernel depends on more), or
 * NULL. Release with free(). */
void *dp_alloc_aligned64(size_t bytes);

/* The calling thread (and threads it starts afterwards) runs only when
 * nothing else wants the CPU: background work that must never slow the
 * window or the display server. Best effort; 0 if it took effect. */
int dp_thread_yield_to_others(void);

/* A program that allocates and frees blocks of megabytes over and over (a
 * window copying networks) can keep them out of the C library's heap, where
 * they fragment it; and it can hand free heap pages back to the system after
 * a burst of frees. Both are no-ops where the C library has no such knobs. */
void dp_memory_keep_big_blocks_apart(void);
void dp_memory_release_free(void);

/* The most memory this process has held at once (peak resident set), in
 * kilobytes; -1 if the system does not say. */
long dp_peak_memory_kb(void);

/* Monotonic clock in seconds. */
double dp_now(void);

/* The local date and time as "20261125-104757" (names that sort by time). */
void dp_timestamp(char *out, size_t size);
/* The local time of day as "18:03:12". */
void dp_clock_text(char *out, size_t size);

/* While on, an interrupt (Ctrl-C in a terminal) sets *flag instead of ending
 * the program; a second one ends it at once. Off restores the default. */
void dp_catch_interrupt(atomic_int *flag);
void dp_release_interrupt(void);

/* From now on a request from the system to end the program (SIGTERM,
 * SIGINT, SIGHUP on POSIX) sets *flag, then runs the handler it had before
 * if that was a function (a toolkit's, which turns it into a quit event);
 * where it had none, the request only sets *flag (the program polls it).
 * So the program can tell "the system asks us to end" from "the user
 * closed the window", and save what would otherwise be lost. */
void dp_watch_termination(atomic_int *flag);

/* ---- the program and the user's folders -------------------------------------- */

/* The folder holding the running executable. */
int dp_exe_dir(char *out, size_t size);

typedef enum { DP_FOLDER_DATA, DP_FOLDER_CONFIG, DP_FOLDER_CACHE } dp_folder;
/* digitpad's folder of that kind for this user (not created): on Linux
 * $XDG_DATA_HOME/digitpad or ~/.local/share/digitpad, and the config and
 * cache equivalents. Always fills out (a relative folder as a last resort). */
void dp_user_folder(dp_folder which, char *out, size_t size);

/* The user's home folder ("" if the system does not say). */
void dp_home_dir(char *out, size_t size);

/* The i-th system-wide data folder (fonts are found under them), from 0;
 * -1 after the last. */
int dp_system_data_dir(int i, char *out, size_t size);

/* ---- the desktop ---------------------------------------------------------------- */

/* Whether a window could be shown: 0, with *driver set to the video driver
 * to insist on (NULL: let SDL choose); or -1 with why filled when there is
 * clearly no display, so the program can say so before a toolkit tries. */
int dp_display_check(const char **driver, char *why, size_t why_size);

/* Whether the system's own file chooser can be opened. */
int dp_file_chooser_available(void);
/* Shows it to pick one file to open (save_as NULL), or where to save one
 * (save_as: the path it suggests; replacing a file is confirmed there), and
 * waits for the answer (run it off the window's thread): 1 with the path in
 * out, 0 if the user cancelled or *stop became non-zero (the chooser is then
 * closed; stop may be NULL), -1 on error. */
int dp_choose_file(const char *title, const char *save_as, char *out, size_t size, const atomic_int *stop);

/* ---- the loop, and what a browser page does differently ------------------------------- */

/* Runs the window's loop: step(ctx, may_wait) until it returns 0, then
 * done(ctx). On a desktop a plain loop, and step may wait for events
 * (may_wait 1); in a browser the page's animation frames call step, which
 * must return at once (may_wait 0), and dp_run_loop itself returns before
 * the loop ends (the page keeps running): everything after the loop
 * belongs in done. */
void dp_run_loop(int (*step)(void *ctx, int may_wait), void (*done)(void *ctx), void *ctx);

/* Files dropped where the system does not tell the toolkit (a browser
 * page): fn(ctx, path) on the window's thread with a readable copy. */
void dp_on_dropped_file(void (*fn)(void *ctx, const char *path), void *ctx);

/* A file the user asked to save is complete at PATH: where the program's
 * files are out of the user's reach (a browser page's storage), hand a
 * copy over as NAME (a download). 1 if it was handed over, 0 if there was
 * nothing to do (a desktop: the file is where the user chose), -1 on error. */
int dp_hand_over_file(const char *path, const char *name);

/* Whether dp_fetch_file works here (a browser page fetching files that
 * sit beside it). */
int dp_fetch_available(void);
/* Downloads URL (relative to the page) to PATH, atomically, calling
 * progress(ctx, bytes so far, total or -1) now and then; waits for the end
 * (run it off the window's thread). 0; -2 if the server has no such file
 * (404); or -1 with the error naming URL (offline, another answer from the
 * server); a non-zero *stop ends it early (-1, "stopped"). */
typedef void (*dp_fetch_progress)(void *ctx, long long done, long long total);
int dp_fetch_file(const char *url, const char *path, dp_fetch_progress progress, void *ctx, const atomic_int *stop);

/* One line on how this system runs digitpad when that differs from the
 * usual (a page without threads), or NULL. */
const char *dp_runtime_note(void);

#endif

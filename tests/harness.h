/* Set-up that several tests need alike: a temporary folder (or file) of
 * their own, removed at the end; a child process run to its end, which may
 * change itself (limits, namespaces) without touching the test; and a child
 * that works until it is SIGKILLed, telling the test how far it got. POSIX,
 * for tests only: a failure to set up ends the test (exit 1). */
#ifndef DP_HARNESS_H
#define DP_HARNESS_H

#include "check.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- temporary folders and files ------------------------------------------------ */

/* $TMPDIR/NAME-XXXXXX (/tmp without TMPDIR) in out, for mkdtemp or mkstemp. */
static inline void check_temp_template(char *out, size_t size, const char *name)
{
    const char *tmp = getenv("TMPDIR");
    int n = snprintf(out, size, "%s/%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
    if (n < 0 || (size_t)n >= size) {
        fprintf(stderr, "%s: the temporary folder's path is too long\n", name);
        exit(1);
    }
}

/* Makes a new empty folder for the test; its path goes to dir. */
static inline void check_temp_dir(char *dir, size_t size, const char *name)
{
    check_temp_template(dir, size, name);
    if (!mkdtemp(dir)) {
        fprintf(stderr, "cannot make a temporary folder %s: %s\n", dir, strerror(errno));
        exit(1);
    }
}

/* Makes a new empty file for the test (the caller removes it); its path
 * goes to path. */
static inline void check_temp_file(char *path, size_t size, const char *name)
{
    check_temp_template(path, size, name);
    int fd = mkstemp(path);
    if (fd < 0) {
        fprintf(stderr, "cannot make a temporary file %s: %s\n", path, strerror(errno));
        exit(1);
    }
    close(fd);
}

/* Writes len bytes to path, replacing any file there; a failure is a failed
 * check. */
static inline void check_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL, "cannot create %s", path);
    if (!f) return;
    CHECK(fwrite(data, 1, len, f) == len, "short write to %s", path);
    CHECK(fclose(f) == 0, "cannot close %s", path);
}

/* DIR/NAME in a static buffer, valid until the next call. */
static inline const char *check_path(const char *dir, const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static inline int check_remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path) != 0 && errno != ENOENT;
}

/* Removes DIR and everything in it (links are removed, not followed). */
static inline void check_remove_tree(const char *dir)
{
    if (nftw(dir, check_remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "could not remove %s: %s\n", dir, strerror(errno));
}

/* ---- child processes ------------------------------------------------------------ */

/* Runs fn(ctx) in a child process; returns what it returned (its exit
 * status), or -1 if no child started or it died of a signal. */
static inline int check_in_child(int (*fn)(void *ctx), void *ctx)
{
    fflush(NULL);   /* else the child writes the parent's buffered output again */
    pid_t pid = fork();
    if (pid == 0) {
        int rc = fn(ctx);
        fflush(NULL);
        _exit(rc);
    }
    if (pid < 0) return -1;
    int status = 0;
    pid_t got;
    while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {}
    return got == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A child that works until it is killed: its work function writes one
 * byte to fd after each unit of work it finishes (a save, an operation). */
typedef struct {
    pid_t pid;      /* -1 when there is none */
    int fd;         /* the reading end of its progress pipe */
} check_worker;

/* Starts work(ctx, fd) in a child, which it must never leave (a return
 * counts as dying on its own). 0, or -1 if no child started. */
static inline int check_worker_start(check_worker *w, void (*work)(void *ctx, int fd), void *ctx)
{
    int fds[2];
    w->pid = -1, w->fd = -1;
    if (pipe(fds) != 0) return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        work(ctx, fds[1]);
        _exit(0);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return -1;
    }
    w->pid = pid, w->fd = fds[0];
    return 0;
}

/* Waits until the worker has finished n more units (or has ended);
 * returns how many it finished. */
static inline long check_worker_wait(check_worker *w, long n)
{
    long done = 0;
    char c;
    while (done < n && read(w->fd, &c, 1) == 1) done++;
    return done;
}

/* SIGKILLs the worker and waits for it. Returns the units it finished that
 * were not waited for, or -1 if it had died of something else than the
 * kill (or never started). */
static inline long check_worker_kill(check_worker *w)
{
    if (w->pid < 0) return -1;
    kill(w->pid, SIGKILL);
    int status = 0;
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR) {}
    long done = 0;
    char buf[256];
    ssize_t r;
    while ((r = read(w->fd, buf, sizeof buf)) > 0) done += r;
    close(w->fd);
    w->pid = -1, w->fd = -1;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? done : -1;
}

/* Sleeps us microseconds, however many signals arrive. */
static inline void check_sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

#endif

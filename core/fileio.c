#include "fileio.h"
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int dp_read_file(const char *path, size_t max_bytes, unsigned char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a named pipe must not wait for a writer; it is
     * refused below as not a regular file (regular files ignore the flag). */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return dp_set_error("%s: %s", path, strerror(errno));
    struct stat st;
    int have_stat = fstat(fd, &st) == 0;
    if (!have_stat || !S_ISREG(st.st_mode)) {
        int folder = have_stat && S_ISDIR(st.st_mode);
        close(fd);
        return dp_set_error("%s: not a regular file%s", path, folder ? " (a folder)" : "");
    }
    if ((unsigned long long)st.st_size > max_bytes) {
        close(fd);
        return dp_set_error("%s: file too large (%lld bytes, at most %zu expected)",
                            path, (long long)st.st_size, max_bytes);
    }
    size_t size = (size_t)st.st_size;
    unsigned char *buf = malloc(size + 1);
    if (!buf) {
        close(fd);
        return dp_set_error("%s: out of memory", path);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            int e = r < 0 ? errno : 0;
            free(buf);
            close(fd);
            return dp_set_error("%s: read failed: %s", path, e ? strerror(e) : "file shrank while reading");
        }
        got += (size_t)r;
    }
    close(fd);
    buf[size] = 0;
    *data = buf;
    *len = size;
    return 0;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = EIO;   /* no progress and no reason: do not loop forever */
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Waits for any other save of the same file (another thread or process) to
 * finish. flock() locks belong to the open file, so two threads of one
 * process exclude each other too, and a killed saver's lock goes with it.
 * Filesystems without locks are used unlocked: crash safety does not depend
 * on the lock, only two simultaneous saves of one file do. */
static void lock_exclusive(int fd)
{
    while (flock(fd, LOCK_EX) != 0 && errno == EINTR) {}
}

/* Opens PATH's temporary file, locked and empty. The name is fixed per
 * target, so a temporary file left by a killed save is reused (truncated) by
 * the next save instead of piling up. After waiting for the lock, the file
 * may have been renamed over the target by the save we waited for: then the
 * name is opened again. Never writes through a symlink or a hard link. */
static int open_temp(const char *tmp)
{
    for (int tries = 0; tries < 100; tries++) {
        int fd = open(tmp, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && errno == ELOOP && unlink(tmp) == 0) continue;   /* a symlink: remove it, not its target */
        if (fd < 0) return -1;
        lock_exclusive(fd);
        struct stat mine, named;
        int same = fstat(fd, &mine) == 0 && lstat(tmp, &named) == 0 && mine.st_dev == named.st_dev &&
                   mine.st_ino == named.st_ino;
        if (same && S_ISREG(mine.st_mode) && mine.st_nlink <= 1) {
            if (ftruncate(fd, 0) == 0) return fd;
            int e = errno;
            unlink(tmp);
            close(fd);
            errno = e;
            return -1;
        }
        if (same) unlink(tmp);   /* a hard link to some other file: make a fresh one */
        close(fd);
    }
    errno = EBUSY;
    return -1;
}

/* A replaced file keeps its permissions; a new one gets 0666 minus the umask
 * from open(). Best effort: the save itself matters more. */
static void keep_mode(int fd, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && fchmod(fd, st.st_mode & 07777) != 0) {}
}

/* Makes the rename durable. Folders that cannot be opened or synced
 * (EINVAL, ENOTSUP on some filesystems) are accepted; an I/O error is
 * reported although the new file is already in place. */
static int sync_dir(const char *path)
{
    char *copy = strdup(path);
    if (!copy) return 0;
    int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (dfd < 0) return 0;
    int rc = fsync(dfd), e = errno;
    close(dfd);
    if (rc == 0 || e == EINVAL || e == ENOTSUP || e == EROFS) return 0;
    return dp_set_error("cannot save %s: %s while syncing its folder (the new file is in place but may not "
                        "survive a power cut)", path, strerror(e));
}

/* Undoes a failed save: the temporary file is removed while still locked, so
 * no other save can be writing into it. */
static int save_failed(const char *path, char *tmp, int fd, int e)
{
    if (fd >= 0) {
        unlink(tmp);
        close(fd);
    }
    free(tmp);
    return dp_set_error("cannot save %s: %s", path, strerror(e));
}

int dp_write_file_atomic(const char *path, const void *data, size_t len)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + sizeof DP_SAVE_TMP_SUFFIX);
    if (!tmp) return dp_set_error("cannot save %s: out of memory", path);
    memcpy(tmp, path, n);
    memcpy(tmp + n, DP_SAVE_TMP_SUFFIX, sizeof DP_SAVE_TMP_SUFFIX);
    int fd = open_temp(tmp);
    if (fd < 0) return save_failed(path, tmp, -1, errno);
    keep_mode(fd, path);
    /* The lock is held until after the rename: a save waiting for it must not
     * truncate the file once it has become PATH. */
    if (write_all(fd, data, len) != 0 || fsync(fd) != 0 || rename(tmp, path) != 0)
        return save_failed(path, tmp, fd, errno);
    close(fd);   /* after fsync, close has nothing left to report */
    free(tmp);
    return sync_dir(path);
}

int dp_remove_file(const char *path)
{
    if (unlink(path) != 0 && errno != ENOENT) return dp_set_error("cannot remove %s: %s", path, strerror(errno));
    int rc = sync_dir(path);
    return rc ? dp_set_error("cannot remove %s: folder sync failed", path) : 0;
}

int dp_make_dirs(const char *dir)
{
    char buf[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof buf) return dp_set_error("bad folder name (%zu bytes)", n);
    memcpy(buf, dir, n + 1);
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p) continue;
        char c = *p;
        *p = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) return dp_set_error("cannot create %s: %s", buf, strerror(errno));
        *p = c;
        if (!c) break;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return dp_set_error("cannot create %s: not a folder", dir);
    return 0;
}

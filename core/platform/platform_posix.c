/* The platform layer on POSIX systems: Linux first, with the few places
 * where macOS differs marked; also the browser (Emscripten is POSIX enough),
 * whose own parts are in platform_web.c. See platform.h. */
#include "platform.h"
#include "common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sched.h>
#include <sys/syscall.h>
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* ---- reading ------------------------------------------------------------------- */

int dp_open_regular(const char *path, long long *size)
{
    /* O_NONBLOCK: opening a named pipe must not wait for a writer; it is
     * refused below as not a regular file (regular files ignore the flag). */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return dp_set_error("%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return dp_set_error("%s: cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return dp_set_error("%s: not a regular file%s", path, S_ISDIR(st.st_mode) ? " (a directory)" : "");
    }
    *size = (long long)st.st_size;
    return fd;
}

int dp_read_file(const char *path, size_t max_bytes, unsigned char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    long long st_size;
    int fd = dp_open_regular(path, &st_size);
    if (fd < 0) return -1;
    if ((unsigned long long)st_size > max_bytes) {
        close(fd);
        return dp_set_error("%s: file too large (%lld bytes, at most %zu expected)", path, st_size, max_bytes);
    }
    size_t size = (size_t)st_size;
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

FILE *dp_fopen(const char *path, const char *mode)
{
    FILE *f = fopen(path, mode);
    if (!f) dp_set_error("%s: %s", path, strerror(errno));
    return f;
}

dp_path_kind dp_path_kind_of(const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0) return DP_PATH_MISSING;
    return S_ISREG(st.st_mode) ? DP_PATH_FILE : S_ISDIR(st.st_mode) ? DP_PATH_FOLDER : DP_PATH_OTHER;
}

long long dp_file_mtime(const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0) return -1;
    return (long long)st.st_mtime;
}

long long dp_file_size(const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0) return -1;
    return (long long)st.st_size;
}

int dp_list_dir(const char *dir, dp_dir_fn fn, void *ctx)
{
    DIR *d = opendir(dir);
    if (!d) return dp_set_error("cannot read the folder %s: %s", dir, strerror(errno));
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) rc = fn(ctx, e->d_name);
    closedir(d);
    return rc;
}

/* ---- crash-safe writing ------------------------------------------------------- */

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

#ifdef __EMSCRIPTEN__
/* platform_web.c: a browser page's files live in memory; this schedules
 * copying the changes to the page's lasting storage. */
void dp_web_files_changed(void);
#else
static void dp_web_files_changed(void) {}
#endif

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
    dp_web_files_changed();
    return sync_dir(path);
}

int dp_remove_file(const char *path)
{
    if (unlink(path) != 0 && errno != ENOENT) return dp_set_error("cannot remove %s: %s", path, strerror(errno));
    dp_web_files_changed();
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
    if (dp_path_kind_of(dir) != DP_PATH_FOLDER) return dp_set_error("cannot create %s: not a folder", dir);
    return 0;
}

/* ---- CPU, memory, threads, time ------------------------------------------------ */

int dp_cpu_count(void)
{
#ifdef __linux__
    cpu_set_t set;   /* the CPUs this process may use, not all the machine has */
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
#ifdef __EMSCRIPTEN__
    /* A browser page has a Web Worker ready for each thread, made at start
     * for at most 8 CPUs (app/meson.build's pool). */
    if (n > 8) n = 8;
#endif
    return n > 0 ? (int)n : 1;
}

void *dp_alloc_aligned64(size_t bytes)
{
    if (bytes > SIZE_MAX - 64) return NULL;
    bytes = (bytes + 63) & ~(size_t)63;   /* aligned_alloc wants a multiple of the alignment */
    return aligned_alloc(64, bytes ? bytes : 64);
}

int dp_thread_yield_to_others(void)
{
#if defined(__linux__) && defined(SCHED_IDLE)
    /* Runs only when no other thread wants the CPU; threads it starts
     * inherit the policy. */
    struct sched_param idle = {0};
    if (sched_setscheduler(0, SCHED_IDLE, &idle) == 0) return 0;
    /* Failing that, the nicest priority, for this thread alone. */
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19) == 0 ? 0 : -1;
#else
    return -1;
#endif
}

/* glibc serves big blocks from mmap only up to a threshold that it raises
 * to the size of each big block freed, after which those blocks come from
 * the heap, where blocks of megabytes allocated and freed over and over
 * fragment it. A fixed threshold keeps them in mmap, returned to the
 * system when freed. */
void dp_memory_keep_big_blocks_apart(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
}

void dp_memory_release_free(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

long dp_peak_memory_kb(void)
{
#ifdef __linux__
    FILE *f = fopen("/proc/self/status", "r");   /* VmHWM: the kernel's own peak */
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
    if (f) fclose(f);
    if (kb >= 0) return kb;
#endif
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (long)ru.ru_maxrss : -1;
}

double dp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void dp_timestamp(char *out, size_t size)
{
    time_t now = time(NULL);
    struct tm tm;
    if (!size) return;
    if (!localtime_r(&now, &tm) || !strftime(out, size, "%Y%m%d-%H%M%S", &tm)) out[0] = 0;
}

void dp_clock_text(char *out, size_t size)
{
    time_t now = time(NULL);
    struct tm tm;
    if (!size) return;
    if (!localtime_r(&now, &tm) || !strftime(out, size, "%H:%M:%S", &tm)) out[0] = 0;
}

static atomic_int *interrupt_flag;
static atomic_int *termination_flag;
static struct sigaction termination_before[3];
static const int termination_signals[3] = {SIGTERM, SIGINT, SIGHUP};

/* The first request sets the flag and runs the handler from before (both
 * async-signal-safe); a second one, while the program is still ending,
 * ends it at once the default way. */
static void on_termination(int sig)
{
    if (termination_flag && atomic_exchange(termination_flag, 1)) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    for (int i = 0; i < 3; i++) {
        const struct sigaction *b = &termination_before[i];
        if (termination_signals[i] != sig || (b->sa_flags & SA_SIGINFO)) continue;
        if (b->sa_handler != SIG_DFL && b->sa_handler != SIG_IGN) b->sa_handler(sig);
    }
}

void dp_watch_termination(atomic_int *flag)
{
    termination_flag = flag;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_termination;
    sa.sa_flags = SA_RESTART;   /* other threads' reads and waits go on */
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; i++) {
        struct sigaction now;
        /* Watched already: the handler from before is not this one (it would call itself). */
        if (sigaction(termination_signals[i], NULL, &now) == 0 && now.sa_handler == on_termination) continue;
        sigaction(termination_signals[i], &sa, &termination_before[i]);
    }
}

static void on_interrupt(int sig)
{
    (void)sig;
    if (interrupt_flag) atomic_store(interrupt_flag, 1);
    signal(SIGINT, SIG_DFL);   /* a second one ends the program at once */
}

void dp_catch_interrupt(atomic_int *flag)
{
    interrupt_flag = flag;
    atomic_store(flag, 0);
    signal(SIGINT, on_interrupt);
}

void dp_release_interrupt(void)
{
    signal(SIGINT, SIG_DFL);
    interrupt_flag = NULL;
}

/* ---- folders ------------------------------------------------------------------- */

void dp_home_dir(char *out, size_t size)
{
    const char *home = getenv("HOME");
    snprintf(out, size, "%s", home ? home : "");
}

int dp_exe_dir(char *out, size_t size)
{
#ifdef __linux__
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return dp_set_error("cannot find the program's folder: %s", strerror(errno));
    buf[n] = 0;
    char *slash = strrchr(buf, '/');
    if (!slash) return dp_set_error("cannot find the program's folder");
    *slash = 0;
    if (snprintf(out, size, "%s", buf) >= (int)size) return dp_set_error("the program's folder has too long a name");
    return 0;
#else
    (void)out, (void)size;
    return dp_set_error("cannot find the program's folder on this system");
#endif
}

void dp_user_folder(dp_folder which, char *out, size_t size)
{
    static const char *const env[] = {"XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"};
    static const char *const fallback[] = {".local/share", ".config", ".cache"};
    const char *xdg = getenv(env[which]), *home = getenv("HOME");
    if (xdg && xdg[0] == '/') snprintf(out, size, "%s/digitpad", xdg);   /* relative ones are ignored, as the spec says */
    else snprintf(out, size, "%s/%s/digitpad", home && *home ? home : ".", fallback[which]);
}

int dp_system_data_dir(int i, char *out, size_t size)
{
    const char *dirs = getenv("XDG_DATA_DIRS");
    if (!dirs || !*dirs) dirs = "/usr/local/share:/usr/share";
    for (const char *d = dirs; *d;) {
        size_t n = strcspn(d, ":");
        if (n && d[0] == '/' && i-- == 0) {
            if (n >= size) return dp_set_error("a folder in XDG_DATA_DIRS has too long a name");
            memcpy(out, d, n);
            out[n] = 0;
            return 0;
        }
        d += n;
        if (*d == ':') d++;
    }
    return -1;
}


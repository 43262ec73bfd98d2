/* The desktop side of the platform layer on POSIX systems (Linux, macOS):
 * whether there is a display, the desktop's own file chooser (zenity or
 * kdialog, a child process), and the window's loop run as a plain loop.
 * The browser has its own (platform_web.c). See platform.h. */
#include "platform.h"
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

void dp_run_loop(int (*step)(void *ctx, int may_wait), void (*done)(void *ctx), void *ctx)
{
    while (step(ctx, 1)) {}
    if (done) done(ctx);
}

void dp_on_dropped_file(void (*fn)(void *ctx, const char *path), void *ctx) { (void)fn, (void)ctx; }

int dp_hand_over_file(const char *path, const char *name)
{
    (void)path, (void)name;
    return 0;
}

int dp_fetch_available(void) { return 0; }

int dp_fetch_file(const char *url, const char *path, dp_fetch_progress progress, void *ctx, const atomic_int *stop)
{
    (void)path, (void)progress, (void)ctx, (void)stop;
    return dp_set_error("cannot download %s: no downloads on this system", url);
}

const char *dp_runtime_note(void) { return NULL; }

/* ---- the desktop ------------------------------------------------------------------ */

int dp_display_check(const char **driver, char *where, size_t size)
{
    const char *x11 = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY");
    *driver = NULL;
    if (wayland && *wayland) {
        snprintf(where, size, "the Wayland display \"%s\" (WAYLAND_DISPLAY)", wayland);
        return 0;
    }
    if (x11 && *x11) {
        /* Only X11 then: an X server that does not answer is reported as
         * such, instead of SDL ending on another driver's complaint. */
        *driver = "x11";
        snprintf(where, size, "the X display \"%s\" (DISPLAY)", x11);
        return 0;
    }
    snprintf(where, size, "no display (DISPLAY and WAYLAND_DISPLAY are not set)");
    return -1;
}

/* The desktop's chooser programs, best first: zenity (GNOME and most
 * others), kdialog (KDE). */
static const char *chooser_program(void)
{
    static const char *const programs[] = {"zenity", "kdialog"};
    const char *path = getenv("PATH");
    const char *x11 = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY");
    if (!path || !((x11 && *x11) || (wayland && *wayland))) return NULL;
    for (size_t k = 0; k < sizeof programs / sizeof programs[0]; k++)
        for (const char *d = path; *d;) {
            size_t n = strcspn(d, ":");
            char candidate[PATH_MAX];
            if (n && snprintf(candidate, sizeof candidate, "%.*s/%s", (int)n, d, programs[k]) < (int)sizeof candidate &&
                access(candidate, X_OK) == 0)
                return programs[k];
            d += n;
            if (*d == ':') d++;
        }
    return NULL;
}

int dp_file_chooser_available(void) { return chooser_program() != NULL; }

/* The child starts clean whatever thread asked: no signal ignored or
 * handled (so a stop request's SIGTERM ends it), then none blocked; none of
 * our descriptors but its output (so it holds no file or pipe of the app
 * open); a process group of its own, so a stop reaches whatever it starts.
 * Only async-signal-safe calls between fork and exec: open_max is read
 * before the fork. */
static void reset_child(long open_max)
{
    for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);   /* refused for KILL, STOP and libc's own: fine */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setpgid(0, 0);
#if defined(__linux__) && defined(SYS_close_range)
    if (syscall(SYS_close_range, 3u, ~0u, 0u) == 0) return;
#endif
    for (long fd = 3; fd < open_max; fd++) close((int)fd);
}

/* The chooser's child: its output into a pipe, its complaints (GTK's
 * warnings) nowhere. -1 if it could not start. */
static pid_t start_chooser(char *const argv[], int *out_fd)
{
    int fds[2];
    long open_max = sysconf(_SC_OPEN_MAX);
    if (pipe(fds) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]), close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(fds[1], STDOUT_FILENO);
        if (null >= 0) dup2(null, STDERR_FILENO);
        reset_child(open_max > 0 ? open_max : 1024);
        execvp(argv[0], argv);
        _exit(127);
    }
    setpgid(pid, pid);   /* also here, so it holds before either side goes on (fails once it has exec'd: fine) */
    close(fds[1]);
    *out_fd = fds[0];
    return pid;
}

/* A signal for the child and anything it started. */
static void signal_child(pid_t pid, int sig)
{
    if (kill(-pid, sig) != 0) kill(pid, sig);
}

/* Waits for the child to end. A stop request (now or while waiting) ends
 * it: SIGTERM, then SIGKILL if it is still there two seconds later. */
static void wait_child(pid_t pid, int *status, const atomic_int *stop)
{
    const struct timespec tick = {0, 20 * 1000 * 1000};
    double terminated_at = -1;
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR)) break;
        if (terminated_at < 0 && stop && atomic_load(stop)) {
            signal_child(pid, SIGTERM);
            terminated_at = dp_now();
        }
        if (terminated_at >= 0 && dp_now() - terminated_at >= 2.0) {
            signal_child(pid, SIGKILL);
            while (waitpid(pid, status, 0) < 0 && errno == EINTR) {}
            break;
        }
        nanosleep(&tick, NULL);
    }
    if (terminated_at >= 0) kill(-pid, SIGKILL);   /* what it started and left behind */
}

/* Reads the child's first line into out while it runs: until a newline, the
 * end of its output, its exit (a grandchild may keep the pipe open), or a
 * stop request. Then waits for it to end (see wait_child). 1 with a line,
 * 0 without, -1 too long. */
static int read_answer(pid_t pid, int fd, char *out, size_t size, const atomic_int *stop, int *status)
{
    size_t got = 0;
    int exited = 0, rc = 0;
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        int ready = poll(&p, 1, 100);
        if (ready > 0) {
            ssize_t r = read(fd, out + got, size - 1 - got);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            got += (size_t)r;
            out[got] = 0;
            if (strchr(out, '\n')) break;
            if (got == size - 1) {   /* full: fine if the path ends right there */
                char next = 0;
                ssize_t more = poll(&p, 1, 1000) > 0 ? read(fd, &next, 1) : 0;
                rc = more > 0 && next != '\n' ? -1 : 0;
                break;
            }
            continue;
        }
        if (stop && atomic_load(stop)) break;
        if (waitpid(pid, status, WNOHANG) == pid) {
            exited = 1;
            break;
        }
    }
    close(fd);
    if (!exited) wait_child(pid, status, stop);
    out[got] = 0;
    out[strcspn(out, "\n")] = 0;
    return rc ? rc : out[0] != 0;
}

int dp_choose_file(const char *title, const char *save_as, char *out, size_t size, const atomic_int *stop)
{
    const char *program = chooser_program();
    if (!program || size < 2) return dp_set_error("no file chooser on this desktop (zenity or kdialog)");
    char filename[PATH_MAX + 16];
    snprintf(filename, sizeof filename, "--filename=%s", save_as ? save_as : "");
    char *zenity_open[] = {"zenity", "--file-selection", "--title", (char *)title, NULL};
    char *zenity_save[] = {"zenity", "--file-selection", "--save", "--confirm-overwrite", filename, "--title",
                           (char *)title, NULL};
    char *kdialog_open[] = {"kdialog", "--getopenfilename", ".", "--title", (char *)title, NULL};
    char *kdialog_save[] = {"kdialog", "--getsavefilename", (char *)(save_as ? save_as : "."), "--title", (char *)title,
                            NULL};
    int fd, status = 0, is_zenity = strcmp(program, "zenity") == 0;
    char **argv = is_zenity ? (save_as ? zenity_save : zenity_open) : (save_as ? kdialog_save : kdialog_open);
    pid_t pid = start_chooser(argv, &fd);
    if (pid < 0) return dp_set_error("cannot start the file chooser (%s): %s", program, strerror(errno));
    int line = read_answer(pid, fd, out, size, stop, &status);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (line < 0) {
        out[0] = 0;
        return dp_set_error("the file chooser (%s) answered with a path longer than %zu bytes", program, size - 1);
    }
    if (line == 1 && code == 0) return 1;
    out[0] = 0;
    if (code == 1 || (stop && atomic_load(stop))) return 0;   /* both say "cancelled" with 1 */
    if (code == 127) return dp_set_error("cannot run the file chooser (%s)", program);
    return dp_set_error("the file chooser (%s) failed (exit status %d)", program, code);
}

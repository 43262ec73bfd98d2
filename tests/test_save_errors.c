/* Saves that fail: full disk, read-only folders, I/O errors. Every failed
 * save of a model, a stroke file and a PGM must return -1 with one line
 * naming the file and the reason, leave the old file intact and loadable,
 * and leave no temporary file behind (even one left by an earlier kill).
 *
 * The errors come from two places:
 *   - injected: the linker routes fileio.c's open/write/fsync/rename through
 *     the __wrap_ functions below (-Wl,--wrap=..., this test only), so every
 *     step of a save can fail, as root too, where chmod stops nothing;
 *   - real: a file size limit (EFBIG), and where the kernel allows it a
 *     tiny tmpfs in a private user+mount namespace, filled up (ENOSPC) and
 *     remounted read-only (EROFS); a chmod 0555 folder when not root. */
#include "harness.h"
#include "common.h"
#include "platform.h"
#include "model_io.h"
#include "net.h"
#include "pgm.h"
#include "strokes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- fault injection ---------------------------------------------------------- */

typedef enum { AT_NONE, AT_CREATE, AT_WRITE, AT_FSYNC_FILE, AT_FSYNC_DIR, AT_RENAME } fault_step;

static fault_step armed;
static int armed_errno, wrote_part;

int __real_open(const char *path, int flags, ...);
int __real_open64(const char *path, int flags, ...);
ssize_t __real_write(int fd, const void *buf, size_t n);
int __real_fsync(int fd);
int __real_rename(const char *from, const char *to);

static int fail_with(int e)
{
    errno = e;
    return -1;
}

/* Only creating opens fail: loading the old file afterwards must work. */
static int open_mode(int flags, va_list ap) { return flags & O_CREAT ? va_arg(ap, int) : 0; }

int __wrap_open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int mode = open_mode(flags, ap);
    va_end(ap);
    if (armed == AT_CREATE && (flags & O_CREAT)) return fail_with(armed_errno);
    return __real_open(path, flags, mode);
}

int __wrap_open64(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int mode = open_mode(flags, ap);
    va_end(ap);
    if (armed == AT_CREATE && (flags & O_CREAT)) return fail_with(armed_errno);
    return __real_open64(path, flags, mode);
}

/* A disk fills up in the middle of a file: some bytes go out first. */
ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
    if (armed != AT_WRITE) return __real_write(fd, buf, n);
    if (!wrote_part) {
        wrote_part = 1;
        return __real_write(fd, buf, n > 4096 ? 4096 : n);
    }
    return fail_with(armed_errno);
}

int __wrap_fsync(int fd)
{
    struct stat st;
    int is_dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
    if ((armed == AT_FSYNC_FILE && !is_dir) || (armed == AT_FSYNC_DIR && is_dir)) return fail_with(armed_errno);
    return __real_fsync(fd);
}

int __wrap_rename(const char *from, const char *to)
{
    if (armed == AT_RENAME) return fail_with(armed_errno);
    return __real_rename(from, to);
}

/* ---- the three writers: an old small content, a new large one ------------------ */

typedef struct {
    const char *name, *file;
    int (*save)(const char *path, int big);
    int (*load)(const char *path);   /* 0 if the real loader accepts it */
} kind;

static dp_net *nets[2];
static dp_strokes drawings[2];
static float *images[2];
static const int image_side[2] = {28, 1000};

static int save_model(const char *path, int big) { return dp_model_save(path, nets[big], "saved: test\n", NULL); }

static int load_model(const char *path)
{
    dp_net *net = dp_model_load(path, NULL, NULL, NULL);
    dp_net_free(net);
    return net ? 0 : -1;
}

static int save_strokes(const char *path, int big) { return dp_strokes_save(&drawings[big], path); }

static int load_strokes(const char *path)
{
    dp_strokes s;
    dp_strokes_init(&s);
    int rc = dp_strokes_load(&s, path);
    dp_strokes_free(&s);
    return rc;
}

static int save_pgm(const char *path, int big)
{
    return dp_pgm_write(path, images[big], image_side[big], image_side[big]);
}

static int load_pgm(const char *path)
{
    float *px;
    int w, h;
    int rc = dp_pgm_read(path, &px, &w, &h);
    free(px);
    return rc;
}

static const kind kinds[] = {
    {"model", "a.model", save_model, load_model},
    {"strokes", "a.txt", save_strokes, load_strokes},
    {"pgm", "a.pgm", save_pgm, load_pgm},
};

static int make_contents(void)
{
    const char *specs[2] = {"dense16 relu dense10", "seed"};   /* 51 kB and 900 kB */
    for (int k = 0; k < 2; k++) {
        dp_arch arch;
        if (dp_arch_parse(&arch, specs[k]) != 0 || !(nets[k] = dp_net_create(&arch))) return -1;
        dp_net_init(nets[k], 1);
        dp_strokes_init(&drawings[k]);
        for (int i = 0; i < (k ? 40000 : 10); i++)   /* 10 points, or 40,000 (540 kB) */
            if (dp_strokes_add_point(&drawings[k], (float)(i % 280), (float)(i * 7 % 280)) != 0) return -1;
        size_t n = (size_t)image_side[k] * (size_t)image_side[k];
        if (!(images[k] = dp_alloc(n, sizeof(float)))) return -1;
        for (size_t i = 0; i < n; i++) images[k][i] = (float)(i % 251) / 250.0f;
    }
    return 0;
}

/* ---- checking one failed save ----------------------------------------------------- */

static unsigned char *read_all(const char *path, size_t *len)
{
    unsigned char *data;
    return dp_read_file(path, 64u << 20, &data, len) == 0 ? data : NULL;
}

/* Files in DIR other than NAME. */
static int others_in(const char *dir, const char *name, char *first, size_t size)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, name) && n++ == 0)
            snprintf(first, size, "%s", e->d_name);
    if (d) closedir(d);
    return n;
}

typedef struct {
    const char *what;      /* "disk full while writing" */
    int err;               /* the errno whose text the message must carry */
    int new_in_place;      /* only the folder sync failed: the new file is there */
} expectation;

/* Saves the small content, then runs `attempt` (which tries the big one and
 * must fail) and checks the outcome. A leftover temporary file from a killed
 * save is planted first when `leftover`: the failed save must remove it. */
static void check_failed_save(const kind *k, const char *dir, const expectation *x, int leftover,
                              int (*attempt)(const kind *k, const char *path))
{
    char path[512], tmp[600], stray[256] = "";
    snprintf(path, sizeof path, "%s/%s", dir, k->file);
    snprintf(tmp, sizeof tmp, "%s%s", path, DP_SAVE_TMP_SUFFIX);
    size_t old_len = 0, new_len = 0;
    unsigned char *old = NULL, *now = NULL;
    if (k->save(path, 0) != 0 || !(old = read_all(path, &old_len))) {
        CHECK(0, "%s, %s: saving the old content: %s", k->name, x->what, dp_error());
        return;
    }
    if (leftover) close(open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644));
    int rc = attempt(k, path);
    char err[1024];
    snprintf(err, sizeof err, "%s", dp_error());
    printf("  %-8s %-40s %s\n", k->name, x->what, rc ? err : "(no error!)");
    CHECK(rc == -1, "%s, %s: the save did not fail", k->name, x->what);
    CHECK(!strchr(err, '\n') && strstr(err, path) && strstr(err, strerror(x->err)),
          "%s, %s: message '%s' should be one line naming %s and saying '%s'", k->name, x->what, err, path,
          strerror(x->err));
    now = read_all(path, &new_len);
    if (x->new_in_place) CHECK(now && new_len > old_len, "%s, %s: the new file is not in place", k->name, x->what);
    else
        CHECK(now && new_len == old_len && memcmp(now, old, old_len) == 0, "%s, %s: the old file changed",
              k->name, x->what);
    CHECK(k->load(path) == 0, "%s, %s: the file on disk does not load: %s", k->name, x->what, dp_error());
    CHECK(access(tmp, F_OK) != 0, "%s, %s: temporary file %s left behind", k->name, x->what, tmp);
    CHECK(others_in(dir, k->file, stray, sizeof stray) == 0, "%s, %s: stray file %s", k->name, x->what, stray);
    free(old);
    free(now);
    unlink(path);
}

/* ---- injected failures --------------------------------------------------------------- */

typedef struct {
    expectation x;
    fault_step at;
} injected;

static const injected faults[] = {
    {{"read-only filesystem (creating)", EROFS, 0}, AT_CREATE},
    {{"folder not writable (creating)", EACCES, 0}, AT_CREATE},
    {{"out of inodes (creating)", ENOSPC, 0}, AT_CREATE},
    {{"disk full while writing", ENOSPC, 0}, AT_WRITE},
    {{"quota exceeded while writing", EDQUOT, 0}, AT_WRITE},
    {{"I/O error at fsync", EIO, 0}, AT_FSYNC_FILE},
    {{"disk full at fsync (NFS, thin volumes)", ENOSPC, 0}, AT_FSYNC_FILE},
    {{"I/O error at rename", EIO, 0}, AT_RENAME},
    {{"I/O error syncing the folder", EIO, 1}, AT_FSYNC_DIR},
};
static const injected *current;

static int attempt_injected(const kind *k, const char *path)
{
    armed = current->at;
    armed_errno = current->x.err;
    wrote_part = 0;
    int rc = k->save(path, 1);
    armed = AT_NONE;
    return rc;
}

static void test_injected(const char *dir)
{
    printf("injected failures (at every step of a save; some with a leftover temporary file from a kill):\n");
    int n = (int)(sizeof faults / sizeof faults[0]);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 3; k++) {
            current = &faults[i];
            check_failed_save(&kinds[k], dir, &faults[i].x, faults[i].at != AT_CREATE && (i + k) % 2, attempt_injected);
        }
}

/* ---- odd leftovers at the temporary name ------------------------------------------ */

/* A symlink or a hard link where the temporary file goes (left by someone
 * else, or planted in a shared folder) must not let the save write into
 * the file it points to; the save still succeeds. */
static void test_linked_leftovers(const char *dir)
{
    char path[512], tmp[600], victim[600], stray[256] = "";
    snprintf(path, sizeof path, "%s/a.model", dir);
    snprintf(tmp, sizeof tmp, "%s%s", path, DP_SAVE_TMP_SUFFIX);
    snprintf(victim, sizeof victim, "%s/victim", dir);
    for (int hard = 0; hard < 2; hard++) {
        int fd = open(victim, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        CHECK(fd >= 0 && write(fd, "keep me\n", 8) == 8, "writing %s", victim);
        close(fd);
        CHECK((hard ? link(victim, tmp) : symlink(victim, tmp)) == 0, "planting the %s link", hard ? "hard" : "sym");
        CHECK(save_model(path, 0) == 0, "save over a %s link: %s", hard ? "hard" : "sym", dp_error());
        size_t len = 0;
        unsigned char *v = read_all(victim, &len);
        CHECK(v && len == 8 && memcmp(v, "keep me\n", 8) == 0, "the %s link's target was written",
              hard ? "hard" : "sym");
        free(v);
        CHECK(load_model(path) == 0 && access(tmp, F_OK) != 0, "%s link: saved file %s, temporary file left %d",
              hard ? "hard" : "sym", dp_error(), access(tmp, F_OK) == 0);
        unlink(victim);
        CHECK(others_in(dir, "a.model", stray, sizeof stray) == 0, "stray file %s", stray);
        unlink(path);
    }
    printf("a symlink or hard link at the temporary name: replaced, its target untouched\n");
}

/* ---- real failures -------------------------------------------------------------------- */

static int attempt_plain(const kind *k, const char *path) { return k->save(path, 1); }

/* RLIMIT_FSIZE makes the kernel refuse to grow a file past 64 kB (EFBIG),
 * for root as well. */
static int attempt_file_size_limit(const kind *k, const char *path)
{
    struct rlimit old, small;
    getrlimit(RLIMIT_FSIZE, &old);
    small = old;
    small.rlim_cur = 64 << 10;
    void (*handler)(int) = signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &small);
    int rc = k->save(path, 1);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, handler);
    return rc;
}

static void test_file_size_limit(const char *dir)
{
    printf("real: file size limit of 64 kB (setrlimit):\n");
    const expectation x = {"file size limit", EFBIG, 0};
    for (int k = 0; k < 3; k++) check_failed_save(&kinds[k], dir, &x, 0, attempt_file_size_limit);
}

/* The folder of PATH, made read-only for the save. */
static int attempt_chmod(const kind *k, const char *path)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(path, '/') - path), path);
    chmod(dir, 0555);
    int rc = k->save(path, 1);
    chmod(dir, 0755);
    return rc;
}

/* A chmod 0555 folder stops everyone but root (and CAP_DAC_OVERRIDE). */
static void test_chmod_read_only(const char *parent)
{
    char dir[512], probe[600];
    snprintf(dir, sizeof dir, "%s/ro", parent);
    snprintf(probe, sizeof probe, "%s/probe", dir);
    mkdir(dir, 0555);
    int fd = open(probe, O_WRONLY | O_CREAT, 0644);
    chmod(dir, 0755);
    if (fd >= 0) {
        close(fd);
        unlink(probe);
        printf("real: chmod 0555 folder: skipped, this user (root) writes there anyway\n");
    } else {
        printf("real: chmod 0555 folder:\n");
        const expectation x = {"read-only folder (chmod 0555)", EACCES, 0};
        for (int k = 0; k < 3; k++) check_failed_save(&kinds[k], dir, &x, 0, attempt_chmod);
    }
    rmdir(dir);
}

/* ---- real full and read-only filesystems: a tiny tmpfs ------------------------------- */

static int write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* A private mount namespace; without root, inside a new user namespace
 * where this user is root. */
static int enter_mount_namespace(void)
{
    unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();
    char map[64];
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0) {
        snprintf(map, sizeof map, "0 %u 1", uid);
        if (write_text("/proc/self/uid_map", map) != 0) return -1;
        write_text("/proc/self/setgroups", "deny");
        snprintf(map, sizeof map, "0 %u 1", gid);
        if (write_text("/proc/self/gid_map", map) != 0) return -1;
    } else if (unshare(CLONE_NEWNS) != 0) {
        return -1;
    }
    return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

static const char *tiny_dir;

static int attempt_read_only_mount(const kind *k, const char *path)
{
    if (mount(NULL, tiny_dir, NULL, MS_REMOUNT | MS_RDONLY, NULL) != 0) {
        dp_set_error("remount read-only: %s", strerror(errno));
        return 0;
    }
    int rc = k->save(path, 1);
    mount(NULL, tiny_dir, NULL, MS_REMOUNT, "size=192k");
    return rc;
}

/* In a child (namespaces change the process): exit 77 if tmpfs cannot be
 * mounted here, else 0 or 1. */
static int tiny_tmpfs_child(void *arg)
{
    const char *dir = arg;
    tiny_dir = dir;
    if (enter_mount_namespace() != 0 || mount("tmpfs", dir, "tmpfs", 0, "size=192k") != 0) return 77;
    printf("real: 192 kB tmpfs, full (old files fit, new ones do not):\n");
    const expectation full = {"tmpfs full", ENOSPC, 0}, ro = {"tmpfs remounted read-only", EROFS, 0};
    for (int k = 0; k < 3; k++) check_failed_save(&kinds[k], dir, &full, k == 0, attempt_plain);
    printf("real: the same tmpfs remounted read-only:\n");
    for (int k = 0; k < 3; k++) check_failed_save(&kinds[k], dir, &ro, 0, attempt_read_only_mount);
    umount(dir);
    return check_failures ? 1 : 0;
}

static void test_tiny_tmpfs(const char *parent)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/tiny", parent);
    mkdir(dir, 0755);
    int code = check_in_child(tiny_tmpfs_child, dir);
    if (code == 77) printf("real: tmpfs: skipped, no mount namespace here (the injected cases cover it)\n");
    else CHECK(code == 0, "tmpfs cases failed (exit status %d, see above)", code);
    rmdir(dir);
}

int main(void)
{
    char dir[256];
    check_temp_dir(dir, sizeof dir, "dp_save_errors");
    if (make_contents() != 0) {
        fprintf(stderr, "set-up failed: %s\n", dp_error());
        check_remove_tree(dir);
        return 1;
    }
    char work[300];
    snprintf(work, sizeof work, "%s/w", dir);
    mkdir(work, 0755);
    test_injected(work);
    test_linked_leftovers(work);
    test_file_size_limit(work);
    test_chmod_read_only(dir);
    test_tiny_tmpfs(dir);
    check_remove_tree(dir);
    for (int k = 0; k < 2; k++) {
        dp_net_free(nets[k]);
        dp_strokes_free(&drawings[k]);
        free(images[k]);
    }
    return check_report("save_errors");
}

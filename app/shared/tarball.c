/* A folder as a ustar file; see tarball.h. The archive is built in memory
 * (an export is a few MB at most) and saved like every other file. */
#include "tarball.h"
#include "common.h"
#include "paths.h"
#include "platform.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 512
#define MAX_TAR_BYTES (512L << 20)

typedef struct {
    unsigned char *data;
    size_t len, cap;
} buffer;

/* Room for MORE bytes at the end of b: where they go, or NULL (said). */
static unsigned char *room(buffer *b, size_t more)
{
    if (b->len + more > (size_t)MAX_TAR_BYTES) {
        dp_set_error("the folder is too large to pack (over 512 MB)");
        return NULL;
    }
    if (!b->data || b->len + more > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 16;
        while (cap < b->len + more) cap *= 2;
        unsigned char *p = realloc(b->data, cap);
        if (!p) {
            dp_set_error("out of memory packing the folder");
            return NULL;
        }
        b->data = p, b->cap = cap;
    }
    return b->data + b->len;
}

/* An octal field of WIDTH digits and a NUL; values that do not fit are
 * capped (only an mtime far in the future could be). */
static void octal(unsigned char *field, int width, unsigned long long v)
{
    unsigned long long max = (1ULL << (3 * width)) - 1;
    char text[32];
    snprintf(text, sizeof text, "%0*llo", width, v > max ? max : v);
    memcpy(field, text, (size_t)width + 1);
}

/* The header of one entry: NAME split into prefix and name where it is
 * longer than 100 bytes (at a slash), octal fields, the checksum last. */
static int put_header(buffer *b, const char *name, long long size, long long mtime, int folder)
{
    size_t n = strlen(name), split = 0;
    if (n > 100) {
        for (size_t i = n > 101 ? n - 101 : 0; i < n && i <= 155; i++)
            if (name[i] == '/' && n - i - 1 <= 100) { split = i; break; }
        if (!split) return dp_set_error("cannot pack %s: the name is too long for a tar file", name);
    }
    unsigned char *h = room(b, BLOCK);
    if (!h) return -1;
    memset(h, 0, BLOCK);
    if (split) {
        memcpy(h + 345, name, split);
        memcpy(h, name + split + 1, n - split - 1);
    } else {
        memcpy(h, name, n);
    }
    octal(h + 100, 7, folder ? 0755u : 0644u);   /* mode */
    octal(h + 108, 7, 0), octal(h + 116, 7, 0);   /* owner and group */
    octal(h + 124, 11, (unsigned long long)size);
    octal(h + 136, 11, (unsigned long long)(mtime > 0 ? mtime : 0));
    h[156] = folder ? '5' : '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < BLOCK; i++) sum += h[i];
    octal(h + 148, 6, sum);   /* then a NUL and the space already there */
    b->len += BLOCK;
    return 0;
}

static int put_file(buffer *b, const char *path, const char *name)
{
    unsigned char *data = NULL;
    size_t len = 0;
    if (dp_read_file(path, (size_t)MAX_TAR_BYTES, &data, &len) != 0) return -1;
    int rc = put_header(b, name, (long long)len, dp_file_mtime(path), 0);
    size_t padded = (len + BLOCK - 1) / BLOCK * BLOCK;
    unsigned char *at = rc == 0 ? room(b, padded) : NULL;
    if (at) {
        memcpy(at, data, len);
        memset(at + len, 0, padded - len);
        b->len += padded;
    }
    free(data);
    return at || padded == 0 ? rc : -1;
}

typedef struct {
    char **names;
    int n, cap;
} name_list;

static int collect(void *ctx, const char *name)
{
    name_list *l = ctx;
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 64;
        char **p = realloc(l->names, (size_t)cap * sizeof *p);
        if (!p) return -1;
        l->names = p, l->cap = cap;
    }
    if (!(l->names[l->n] = strdup(name))) return -1;
    l->n++;
    return 0;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* DIR's entries into the archive under NAME/, folders recursively (to a
 * sane depth: an export has one level). */
static int put_folder(buffer *b, const char *dir, const char *name, int depth)
{
    if (depth > 8) return dp_set_error("cannot pack %s: folders nested too deeply", dir);
    name_list l = {0};
    int rc = dp_list_dir(dir, collect, &l) == 0 ? 0 : dp_set_error("cannot read the folder %s", dir);
    if (rc == 0) qsort(l.names, (size_t)l.n, sizeof *l.names, by_name);
    if (rc == 0) rc = put_header(b, name, 0, dp_file_mtime(dir), 1);
    for (int i = 0; i < l.n && rc == 0; i++) {
        char path[PATH_MAX], entry[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", dir, l.names[i]) >= (int)sizeof path ||
            snprintf(entry, sizeof entry, "%s/%s", name, l.names[i]) >= (int)sizeof entry) {
            rc = dp_set_error("cannot pack %s: path too long", l.names[i]);
            break;
        }
        dp_path_kind kind = dp_path_kind_of(path);
        if (kind == DP_PATH_FOLDER) rc = put_folder(b, path, entry, depth + 1);
        else if (kind == DP_PATH_FILE) rc = put_file(b, path, entry);
    }
    for (int i = 0; i < l.n; i++) free(l.names[i]);
    free(l.names);
    return rc;
}

int app_tar_folder(const char *dir, const char *tar_path)
{
    char base[PATH_MAX];
    app_copy_text(base, sizeof base, dir);
    while (strlen(base) > 1 && base[strlen(base) - 1] == '/') base[strlen(base) - 1] = 0;
    buffer b = {0};
    int rc = put_folder(&b, dir, app_base_name(base), 0);
    unsigned char *end = rc == 0 ? room(&b, 2 * BLOCK) : NULL;   /* the end: two empty blocks */
    if (end) {
        memset(end, 0, 2 * BLOCK);
        b.len += 2 * BLOCK;
        rc = dp_write_file_atomic(tar_path, b.data, b.len);
    } else {
        rc = -1;
    }
    free(b.data);
    return rc;
}

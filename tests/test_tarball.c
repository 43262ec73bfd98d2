/* app_tar_folder: a folder packed into a .tar is unpacked by the system's
 * tar to the same files, byte for byte (nested folders, a name longer than
 * 100 bytes, an empty file, binary data); a missing folder is an error that
 * names it and leaves no file. */
#include "check.h"
#include "common.h"
#include "platform.h"
#include "tarball.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void put(const char *path, const unsigned char *data, size_t len)
{
    CHECK(dp_write_file_atomic(path, data, len) == 0, "writing %s: %s", path, dp_error());
}

static void same_file(const char *a, const char *b)
{
    unsigned char *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    int ok = dp_read_file(a, 1 << 24, &x, &nx) == 0 && dp_read_file(b, 1 << 24, &y, &ny) == 0;
    CHECK(ok && nx == ny && (nx == 0 || memcmp(x, y, nx) == 0), "%s and %s differ (%zu and %zu bytes)", a, b, nx, ny);
    free(x), free(y);
}

int main(void)
{
    char root[] = "/tmp/digitpad-tar-XXXXXX";
    if (!mkdtemp(root)) return 1;
    char src[100], sub[200], deep[400], tar[200], out[200], cmd[1024];
    snprintf(src, sizeof src, "%s/my-digits", root);
    snprintf(sub, sizeof sub, "%s/strokes", src);
    snprintf(deep, sizeof deep, "%s/%s", sub, "a-folder-name-long-enough-that-with-the-file-below-the-path-passes-100-bytes");
    CHECK(dp_make_dirs(deep) == 0, "%s", dp_error());
    unsigned char bin[1500];
    for (int i = 0; i < (int)sizeof bin; i++) bin[i] = (unsigned char)(i * 37 + 11);
    const char *names[] = {"labels.tsv", "strokes/digit-000001.txt", "empty", "strokes/a-folder-name-long-enough-that-with-the-file-below-the-path-passes-100-bytes/and-a-file-name.bin"};
    char path[4][600];
    for (int i = 0; i < 4; i++) snprintf(path[i], sizeof path[i], "%s/%s", src, names[i]);
    put(path[0], (const unsigned char *)"digit-000001.txt\t3\ttrain\n", 25);
    put(path[1], (const unsigned char *)"# digitpad strokes v1\n1,2 3,4\n", 30);
    put(path[2], (const unsigned char *)"", 0);
    put(path[3], bin, sizeof bin);

    snprintf(tar, sizeof tar, "%s/my-digits.tar", root);
    CHECK(app_tar_folder(src, tar) == 0, "packing: %s", dp_error());
    CHECK(dp_file_size(tar) % 512 == 0 && dp_file_size(tar) >= 512 * 8, "size %lld", dp_file_size(tar));
    snprintf(out, sizeof out, "%s/out", root);
    CHECK(dp_make_dirs(out) == 0, "%s", dp_error());
    snprintf(cmd, sizeof cmd, "tar -xf '%s' -C '%s'", tar, out);
    CHECK(system(cmd) == 0, "the system's tar refuses the file: %s", cmd);
    for (int i = 0; i < 4; i++) {
        char back[700];
        snprintf(back, sizeof back, "%s/my-digits/%s", out, names[i]);
        same_file(path[i], back);
    }

    char missing[600], bad_tar[600];
    snprintf(missing, sizeof missing, "%s/not-there", root);
    snprintf(bad_tar, sizeof bad_tar, "%s/not-there.tar", root);
    CHECK(app_tar_folder(missing, bad_tar) != 0 && strstr(dp_error(), "not-there"), "a missing folder: %s", dp_error());
    CHECK(dp_path_kind_of(bad_tar) == DP_PATH_MISSING, "a failed pack left %s", bad_tar);

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
    if (check_failures) return 1;
    printf("tarball: packed 4 files (one path over 100 bytes) and the system's tar unpacked them byte for byte\n");
    return 0;
}

/* Helpers shared by the harnesses: see fuzz.h. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

void fuzz_fail(const char *what, const char *file, int line)
{
    fprintf(stderr, "%s:%d: fuzz assertion failed: %s\n", file, line, what);
    abort();
}

/* Writes all of DATA at offset 0 of fd, then cuts the file to its length. */
static int rewrite(int fd, const uint8_t *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t w = pwrite(fd, data + done, len - done, (off_t)done);
        if (w <= 0) return -1;
        done += (size_t)w;
    }
    return ftruncate(fd, (off_t)len);
}

const char *fuzz_as_file(const uint8_t *data, size_t len)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        /* memfd: no disk I/O and nothing left behind; a harness cannot run
         * without it, so failing here is fatal rather than skipped. */
        fd = memfd_create("digitpad-fuzz", MFD_CLOEXEC);
        if (fd < 0) fuzz_fail("memfd_create", __FILE__, __LINE__);
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (rewrite(fd, data, len) != 0) fuzz_fail("writing the memfd", __FILE__, __LINE__);
    return path;
}

size_t fuzz_gzip(const uint8_t *data, size_t len, uint8_t **out)
{
    *out = NULL;
    z_stream z = {0};
    /* windowBits 15 + 16: a gzip header and trailer, as gzip(1) writes. */
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    uLong cap = deflateBound(&z, (uLong)len);
    uint8_t *buf = malloc(cap);
    if (!buf) {
        deflateEnd(&z);
        return 0;
    }
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(buf);
        return 0;
    }
    *out = buf;
    return n;
}

/* PGM images: binary P5 (8- or 16-bit samples) and ASCII P2 reading, 8-bit
 * P5 writing. Pixels are floats, 0 = black, 1 = white. */
#include "pgm.h"
#include "common.h"
#include "platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PGM_MAX_SIDE 4096
/* 4096² samples of "65535 " in ASCII are ~100 MiB; nothing valid is larger. */
#define PGM_MAX_BYTES ((size_t)256 << 20)

typedef struct {
    const unsigned char *p, *end;
    const char *path;
} reader;

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Skips whitespace and '#' comments (which run to the end of the line). */
static void skip_space(reader *r)
{
    while (r->p < r->end) {
        if (is_space(*r->p)) r->p++;
        else if (*r->p == '#')
            while (r->p < r->end && *r->p != '\n') r->p++;
        else break;
    }
}

/* Reads an unsigned decimal number after optional whitespace/comments;
 * values above `max` are an error. `what` names it in messages. */
static int read_uint(reader *r, const char *what, unsigned max, unsigned *out)
{
    skip_space(r);
    if (r->p >= r->end) return dp_set_error("%s: unexpected end of file reading the %s", r->path, what);
    if (*r->p < '0' || *r->p > '9')
        return dp_set_error("%s: bad %s: expected a number, found '%c'", r->path, what,
                            *r->p >= 0x20 && *r->p < 0x7f ? *r->p : '?');
    unsigned long v = 0;
    while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
        v = v * 10 + (unsigned)(*r->p++ - '0');
        if (v > max) return dp_set_error("%s: %s too large (at most %u)", r->path, what, max);
    }
    if (r->p < r->end && !is_space(*r->p) && *r->p != '#')
        return dp_set_error("%s: bad %s: unexpected character after the number", r->path, what);
    *out = (unsigned)v;
    return 0;
}

/* Reads the header after the magic: width, height, maxval. */
static int read_header(reader *r, int *w, int *h, unsigned *maxval)
{
    unsigned uw, uh;
    /* the bound on read_uint only guards overflow; the range check follows */
    if (read_uint(r, "width", 1000000000u, &uw) != 0 || read_uint(r, "height", 1000000000u, &uh) != 0 ||
        read_uint(r, "maxval", 1000000000u, maxval) != 0)
        return -1;
    if (uw < 1 || uw > PGM_MAX_SIDE || uh < 1 || uh > PGM_MAX_SIDE)
        return dp_set_error("%s: image size %ux%u out of range (1..%d per side)", r->path, uw, uh,
                            PGM_MAX_SIDE);
    if (*maxval < 1 || *maxval > 65535)
        return dp_set_error("%s: maxval %u out of range (1..65535)", r->path, *maxval);
    *w = (int)uw;
    *h = (int)uh;
    return 0;
}

static int above_maxval(const reader *r, size_t i, unsigned v, unsigned maxval)
{
    return dp_set_error("%s: pixel %zu has value %u above maxval %u", r->path, i, v, maxval);
}

/* Checks, before the pixels are allocated, that the bytes left can hold n
 * samples, so a small file claiming 4096×4096 costs nothing. P5: exactly
 * one whitespace byte after maxval, then one byte a sample (maxval < 256) or
 * two. P2: a separator and at least one digit a sample. */
static int check_room(const reader *r, int binary, size_t n, unsigned maxval)
{
    size_t left = (size_t)(r->end - r->p);
    if (!binary) {
        if (left / 2 < n)
            return dp_set_error("%s: unexpected end of file: %zu pixel values need at least %zu bytes, %zu are left",
                                r->path, n, 2 * n, left);
        return 0;
    }
    if (left == 0) return dp_set_error("%s: truncated: no pixel data after the header", r->path);
    if (!is_space(*r->p))
        return dp_set_error("%s: expected one whitespace byte between maxval and the pixels", r->path);
    size_t bytes = maxval < 256 ? 1 : 2;
    if ((left - 1) / bytes < n)
        return dp_set_error("%s: truncated pixel data (expected %zu bytes, found %zu)", r->path, n * bytes,
                            left - 1);
    return 0;
}

/* P5 samples after check_room: big-endian when two bytes. Extra bytes after
 * them (a further image) are ignored. */
static int read_p5(reader *r, float *px, size_t n, unsigned maxval)
{
    r->p++;   /* the whitespace byte check_room found */
    size_t bytes = maxval < 256 ? 1 : 2;
    float scale = 1.0f / (float)maxval;
    for (size_t i = 0; i < n; i++) {
        unsigned v = bytes == 1 ? r->p[i] : (unsigned)r->p[2 * i] << 8 | r->p[2 * i + 1];
        if (v > maxval) return above_maxval(r, i, v, maxval);
        px[i] = (float)v * scale;
    }
    return 0;
}

/* P2: w*h decimal samples separated by whitespace (comments tolerated). */
static int read_p2(reader *r, float *px, size_t n, unsigned maxval)
{
    float scale = 1.0f / (float)maxval;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (read_uint(r, "pixel value", 65535, &v) != 0) {
            char msg[400];
            snprintf(msg, sizeof msg, "%s", dp_error());
            return dp_set_error("%s (pixel %zu of %zu)", msg, i, n);
        }
        if (v > maxval) return above_maxval(r, i, v, maxval);
        px[i] = (float)v * scale;
    }
    return 0;
}

static int parse_pgm(reader *r, float **pixels, int *w, int *h)
{
    if (r->end - r->p < 2 || r->p[0] != 'P' || (r->p[1] != '5' && r->p[1] != '2'))
        return dp_set_error("%s: not a PGM image (expected 'P5' or 'P2' at the start)", r->path);
    int binary = r->p[1] == '5';
    r->p += 2;
    if (r->p < r->end && !is_space(*r->p) && *r->p != '#')
        return dp_set_error("%s: not a PGM image (expected 'P5' or 'P2' at the start)", r->path);
    unsigned maxval;
    if (read_header(r, w, h, &maxval) != 0) return -1;
    size_t n = (size_t)*w * (size_t)*h;
    if (check_room(r, binary, n, maxval) != 0) return -1;
    float *px = dp_alloc(n, sizeof *px);
    if (!px) return dp_prefix_error("%s", r->path);
    if ((binary ? read_p5(r, px, n, maxval) : read_p2(r, px, n, maxval)) != 0) {
        free(px);
        return -1;
    }
    *pixels = px;
    return 0;
}

int dp_pgm_parse(const unsigned char *data, size_t len, const char *name, float **pixels, int *w, int *h)
{
    *pixels = NULL;
    *w = *h = 0;
    reader r = {data, data + len, name ? name : "(pgm)"};
    int rc = parse_pgm(&r, pixels, w, h);
    if (rc != 0) *w = *h = 0;
    return rc;
}

int dp_pgm_read(const char *path, float **pixels, int *w, int *h)
{
    unsigned char *data;
    size_t len;
    *pixels = NULL;
    *w = *h = 0;
    if (dp_read_file(path, PGM_MAX_BYTES, &data, &len) != 0) return -1;
    int rc = dp_pgm_parse(data, len, path, pixels, w, h);
    free(data);
    return rc;
}

int dp_pgm_write(const char *path, const float *pixels, int w, int h)
{
    if (w < 1 || h < 1 || w > PGM_MAX_SIDE || h > PGM_MAX_SIDE)
        return dp_set_error("cannot save %s: image size %dx%d out of range (1..%d per side)", path, w, h,
                            PGM_MAX_SIDE);
    char header[64];
    int hl = snprintf(header, sizeof header, "P5\n%d %d\n255\n", w, h);
    size_t n = (size_t)w * (size_t)h;
    unsigned char *buf = dp_alloc(n + (size_t)hl, 1);
    if (!buf) return dp_prefix_error("cannot save %s", path);
    memcpy(buf, header, (size_t)hl);
    for (size_t i = 0; i < n; i++) {
        float v = pixels[i];
        v = v > 0 ? (v < 1 ? v : 1) : 0;   /* clamps, and maps NaN to 0 */
        buf[(size_t)hl + i] = (unsigned char)(v * 255.0f + 0.5f);
    }
    int rc = dp_write_file_atomic(path, buf, n + (size_t)hl);
    free(buf);
    return rc;
}

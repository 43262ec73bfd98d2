/* The stroke-file format: parsing (with line-numbered errors), loading,
 * formatting and atomic saving. */
#include "strokes.h"
#include "common.h"
#include "platform.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE_BYTES ((size_t)64 << 20)

/* Copies a token into buf for an error message: at most 40 bytes, and any
 * control or non-ASCII byte replaced by '?' so the message stays one clean
 * line whatever the file held. */
static const char *printable(char *buf, size_t size, const char *p, size_t n)
{
    size_t m = n < size - 4 ? n : size - 4;
    if (m > 40) m = 40;
    for (size_t i = 0; i < m; i++) {
        unsigned char c = (unsigned char)p[i];
        buf[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
    }
    strcpy(buf + m, m < n ? "..." : "");
    return buf;
}

/* Parses one decimal number occupying all of [p, p+n). Only digits, sign,
 * '.', 'e'/'E' may appear, which rules out strtod's hex, "nan" and "inf"
 * forms before strtod does the correctly rounded conversion. (strtod
 * follows LC_NUMERIC; core/ assumes the "C" locale, as the app never calls
 * setlocale.) */
static int parse_number(const char *p, size_t n, double *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf) return -1;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789+-.eE", p[i]) || p[i] == 0) return -1;
    memcpy(buf, p, n);
    buf[n] = 0;
    char *end;
    double v = strtod(buf, &end);
    if (end != buf + n) return -1;
    *out = v;
    return 0;
}

/* Parses one "x,y" token and appends it to the current stroke. */
static int parse_point(dp_strokes *s, const char *p, size_t n, const char *name, int line)
{
    char shown[48];
    const char *comma = memchr(p, ',', n);
    if (!comma || memchr(comma + 1, ',', n - (size_t)(comma - p) - 1))
        return dp_set_error("%s:%d: bad point '%s' (expected x,y)", name, line,
                            printable(shown, sizeof shown, p, n));
    size_t nx = (size_t)(comma - p);
    double v[2];
    if (parse_number(p, nx, &v[0]) != 0 || parse_number(comma + 1, n - nx - 1, &v[1]) != 0)
        return dp_set_error("%s:%d: bad number in point '%s' (expected x,y with decimal numbers)",
                            name, line, printable(shown, sizeof shown, p, n));
    for (int k = 0; k < 2; k++)
        if (!(fabs(v[k]) <= DP_COORD_LIMIT))
            return dp_set_error("%s:%d: coordinate out of range in point '%s' (|coordinate| <= 1e6)",
                                name, line, printable(shown, sizeof shown, p, n));
    if (dp_strokes_add_point(s, (float)v[0], (float)v[1]) != 0)
        return dp_prefix_error("%s:%d", name, line);
    return 0;
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* Parses one line (without its '\n' or trailing '\r'). */
static int parse_line(dp_strokes *s, const char *p, size_t n, const char *name, int line)
{
    size_t i = 0;
    while (i < n && is_blank(p[i])) i++;
    if (i == n || p[i] == '#') return 0;   /* blank line or comment */
    if (dp_strokes_begin(s) != 0) return dp_prefix_error("%s:%d", name, line);
    while (i < n) {
        size_t start = i;
        while (i < n && !is_blank(p[i])) i++;
        if (parse_point(s, p + start, i - start, name, line) != 0) return -1;
        while (i < n && is_blank(p[i])) i++;
    }
    return 0;
}

static int parse_into(dp_strokes *s, const char *text, size_t len, const char *name)
{
    const char *nul = memchr(text, 0, len);
    if (nul) {
        int line = 1;
        for (const char *q = text; q < nul; q++) line += *q == '\n';
        return dp_set_error("%s:%d: NUL byte in stroke file (not a text file?)", name, line);
    }
    size_t pos = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) pos = 3;   /* UTF-8 BOM */
    for (int line = 1; pos < len; line++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t n = end - pos;
        if (n > 0 && text[end - 1] == '\r') n--;   /* CRLF */
        if (parse_line(s, text + pos, n, name, line) != 0) return -1;
        pos = end + 1;
    }
    return 0;
}

int dp_strokes_parse(dp_strokes *s, const char *text, size_t len, const char *name)
{
    /* Parse into a fresh list so that on error the caller's drawing is kept. */
    dp_strokes tmp;
    dp_strokes_init(&tmp);
    if (parse_into(&tmp, text, len, name ? name : "(strokes)") != 0) {
        dp_strokes_free(&tmp);
        return -1;
    }
    dp_strokes_free(s);
    *s = tmp;
    return 0;
}

int dp_strokes_load(dp_strokes *s, const char *path)
{
    unsigned char *data;
    size_t len;
    if (dp_read_file(path, MAX_FILE_BYTES, &data, &len) != 0) return -1;
    int rc = dp_strokes_parse(s, (const char *)data, len, path);
    free(data);
    return rc;
}

/* A growable text buffer for the saver. */
typedef struct {
    char *p;
    size_t len, cap;
} text_buf;

static int reserve(text_buf *b, size_t extra)
{
    if (b->cap - b->len >= extra) return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < extra) {
        if (cap > SIZE_MAX / 2) return dp_set_error("stroke file too large");
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) return dp_set_error("out of memory");
    b->p = p;
    b->cap = cap;
    return 0;
}

/* Longest "%.2f,%.2f " for |v| <= 1e6 is 2*11+2 bytes; 64 leaves room. */
#define POINT_TEXT_MAX 64

static int format_strokes(text_buf *b, const dp_strokes *s, const char *comments)
{
    static const char header[] = "# digitpad strokes v1\n";
    size_t extra = comments ? strlen(comments) : 0;
    if (reserve(b, sizeof header + extra) != 0) return -1;
    memcpy(b->p, header, sizeof header - 1);
    b->len = sizeof header - 1;
    if (extra) memcpy(b->p + b->len, comments, extra);
    b->len += extra;
    for (int k = 0; k < s->n_strokes; k++) {
        int a = s->starts[k], e = s->starts[k + 1];
        if (a == e) continue;   /* an empty stroke has no line (it would read back as nothing) */
        for (int i = a; i < e; i++) {
            dp_point q = s->points[i];
            if (!(fabsf(q.x) <= DP_COORD_LIMIT && fabsf(q.y) <= DP_COORD_LIMIT))
                return dp_set_error("point %d (%g, %g) out of range", i, (double)q.x, (double)q.y);
            if (reserve(b, POINT_TEXT_MAX) != 0) return -1;
            b->len += (size_t)snprintf(b->p + b->len, POINT_TEXT_MAX, "%s%.2f,%.2f", i > a ? " " : "",
                                       (double)q.x, (double)q.y);
        }
        if (reserve(b, 1) != 0) return -1;
        b->p[b->len++] = '\n';
    }
    return 0;
}

int dp_strokes_format(const dp_strokes *s, const char *comments, char **text, size_t *len)
{
    text_buf b = {0};
    *text = NULL;
    *len = 0;
    if (comments) {
        size_t n = strlen(comments);
        for (const char *line = comments; line < comments + n; line = strchr(line, '\n') + 1)
            if (line[0] != '#' || !strchr(line, '\n')) return dp_set_error("stroke file comments must be '#' lines");
    }
    if (format_strokes(&b, s, comments) != 0) {
        free(b.p);
        return -1;
    }
    *text = b.p;
    *len = b.len;
    return 0;
}

int dp_strokes_save(const dp_strokes *s, const char *path)
{
    text_buf b = {0};
    int rc = format_strokes(&b, s, NULL);
    if (rc != 0) dp_prefix_error("cannot save %s", path);
    else rc = dp_write_file_atomic(path, b.p, b.len);
    free(b.p);
    return rc;
}

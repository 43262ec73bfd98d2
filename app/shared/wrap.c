#include "wrap.h"

#include <string.h>

static int continuation(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

/* The longest start of the word [s, s+n) at most width wide, on a character
 * boundary, at least one character. */
static size_t cut_word(const char *s, size_t n, int width, wrap_measure measure, void *ctx)
{
    size_t first = 1;
    while (first < n && continuation(s[first])) first++;
    size_t lo = first, hi = n;   /* lo fits (or is the one character we must take) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        while (mid > lo && continuation(s[mid])) mid--;
        if (mid == lo) break;
        if (measure(ctx, s, mid) <= width) lo = mid;
        else hi = mid - 1;
    }
    while (lo > first && lo < n && continuation(s[lo])) lo--;
    return lo;
}

size_t wrap_line(const char *s, int width, wrap_measure measure, void *ctx)
{
    size_t fit = 0, end = 0;
    while (s[end]) {
        size_t word_end = end;
        while (s[word_end] == ' ') word_end++;
        while (s[word_end] && s[word_end] != ' ') word_end++;
        if (measure(ctx, s, word_end) > width) {
            if (fit) return fit;   /* the next word goes on the next line */
            return cut_word(s, word_end, width, measure, ctx);
        }
        fit = end = word_end;
    }
    return fit;
}

const char *wrap_skip_spaces(const char *s)
{
    while (*s == ' ') s++;
    return s;
}

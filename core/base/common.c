#include "common.h"
#include "platform.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char error_message[512];

const char *dp_error(void) { return error_message; }

int dp_set_error(const char *fmt, ...)
{
    /* Formatted apart first: an argument may be dp_error() itself, and some
     * C libraries (musl, in the browser build) start by ending the output. */
    char message[sizeof error_message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    memcpy(error_message, message, sizeof message);
    return -1;
}

int dp_prefix_error(const char *fmt, ...)
{
    char prefix[256], old[sizeof error_message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, error_message, sizeof old);
    size_t n = strlen(prefix);
    memcpy(error_message, prefix, n);
    n += (size_t)snprintf(error_message + n, sizeof error_message - n, ": ");
    size_t room = sizeof error_message - 1 - n;
    size_t m = strnlen(old, room);
    memcpy(error_message + n, old, m);
    error_message[n + m] = 0;
    return -1;
}

int dp_mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a) return 0;
    *out = a * b;
    return 1;
}

void *dp_alloc(size_t count, size_t size)
{
    size_t bytes;
    if (!dp_mul_size(count, size, &bytes)) {
        dp_set_error("allocation size overflows (%zu x %zu bytes)", count, size);
        return NULL;
    }
    void *p = malloc(bytes ? bytes : 1);
    if (!p) dp_set_error("out of memory allocating %zu bytes", bytes);
    return p;
}

void *dp_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) dp_set_error("out of memory allocating %zu x %zu bytes", count, size);
    return p;
}

float *dp_alloc_floats(size_t count)
{
    size_t bytes;
    if (!dp_mul_size(count ? count : 1, sizeof(float), &bytes) || bytes > SIZE_MAX - 64) {
        dp_set_error("allocation size overflows (%zu floats)", count);
        return NULL;
    }
    float *p = dp_alloc_aligned64(bytes);
    if (!p) {
        dp_set_error("out of memory allocating %zu bytes", bytes);
        return NULL;
    }
    memset(p, 0, bytes);
    return p;
}

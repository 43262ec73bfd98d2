/* Shared pieces of the libFuzzer harnesses in fuzz/. Each fuzz_*.c defines
 * LLVMFuzzerTestOneInput; the same source is linked either with libFuzzer
 * (meson -Dfuzz=true, clang) or with replay.c, which feeds it the files of
 * fuzz/corpus and fuzz/regress in the normal test suite. */
#ifndef DP_FUZZ_H
#define DP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A harness found a result that breaks a documented promise: report it and
 * abort, which libFuzzer records as a crash and the replay test as a failure. */
#define FUZZ_ASSERT(cond) ((cond) ? (void)0 : fuzz_fail(#cond, __FILE__, __LINE__))
_Noreturn void fuzz_fail(const char *what, const char *file, int line);

/* Puts DATA in an in-memory file (memfd) and returns a path that opens it,
 * for the readers that take a path (the IDX reader goes through zlib's
 * gzdopen, so it needs a real file descriptor). The path stays valid until
 * the next call; the file is created once per process. */
const char *fuzz_as_file(const uint8_t *data, size_t len);

/* Gzip-compresses DATA into a malloc'ed buffer; returns its length, or 0
 * (and *out NULL) if zlib fails. */
size_t fuzz_gzip(const uint8_t *data, size_t len, uint8_t **out);

#endif

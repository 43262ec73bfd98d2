/* Replays saved inputs through a harness without libFuzzer, so the normal
 * test suite (any compiler, with or without sanitizers) checks every corpus
 * and regression file: `replay_X DIR...` runs each file in each DIR through
 * LLVMFuzzerTestOneInput. A harness that finds a problem aborts. A missing
 * or empty directory is an error, so a mistyped path or a lost corpus cannot
 * make the test pass by testing nothing. */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Reads PATH into a buffer of exactly its size, so that reading one byte
 * past the input is caught by AddressSanitizer as it is under libFuzzer. */
static uint8_t *read_input(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = NULL;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc(n ? (size_t)n : 1)) &&
        fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_regular(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Runs every regular file of DIR; returns how many, or -1 on an error. */
static int replay_dir(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, by_name), ran = 0, failed = 0;
    if (n < 0) {
        fprintf(stderr, "replay: cannot read directory %s\n", dir);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        free(names[i]);
        if (failed || !is_regular(path)) continue;
        size_t len;
        uint8_t *data = read_input(path, &len);
        if (!data) {
            fprintf(stderr, "replay: cannot read %s\n", path);
            failed = 1;
            continue;
        }
        fprintf(stderr, "%s\n", path);   /* the last name printed is the culprit of a crash */
        LLVMFuzzerTestOneInput(data, len);
        free(data);
        ran++;
    }
    free(names);
    return failed ? -1 : ran;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR...\n", argv[0]);
        return 2;
    }
    int total = 0;
    for (int a = 1; a < argc; a++) {
        int ran = replay_dir(argv[a]);
        if (ran < 0) return 1;
        if (ran == 0) {
            fprintf(stderr, "replay: %s holds no inputs\n", argv[a]);
            return 1;
        }
        total += ran;
    }
    printf("replayed %d inputs, no problem found\n", total);
    return 0;
}

/* The models Load offers: the shipped one first, then every model in the
 * models folder, newest first, each with its date, its architecture in a
 * few words and the MNIST test accuracy its file records (read once, when
 * first asked for). Display-free. */
#ifndef DP_MODEL_LIST_H
#define DP_MODEL_LIST_H

#include <stddef.h>

typedef struct {
    char path[4096];
    char name[256];
    long long mtime;             /* seconds since 1970, -1 if not known */
    int shipped;
    int detailed;                /* the fields below were read */
    int readable;                /* it loads as a model */
    char summary[160];           /* "2026-12-07 18:03 · 3 conv + 2 dense, 225k parameters · 99.65 %" */
} model_entry;

typedef struct {
    model_entry *items;
    int n;
} model_list;

/* Lists shipped (NULL: none) and the .model files in dir (a missing folder
 * lists none). 0, or -1 out of memory (the list is then empty). */
int model_list_scan(model_list *l, const char *dir, const char *shipped);
/* Reads entry i's summary, once. */
void model_list_detail(model_list *l, int i);
void model_list_free(model_list *l);

#endif

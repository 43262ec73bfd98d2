/* The models Load offers (see model_list.h). */
#include "model_list.h"
#include "model_io.h"
#include "paths.h"
#include "platform.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    model_list *l;
    int cap;
    const char *dir;
    int failed;
} scan;

static int add(scan *s, const char *path, int shipped)
{
    if (s->l->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 16;
        model_entry *grown = realloc(s->l->items, (size_t)cap * sizeof *grown);
        if (!grown) return s->failed = -1;
        s->l->items = grown, s->cap = cap;
    }
    model_entry *e = &s->l->items[s->l->n++];
    memset(e, 0, sizeof *e);
    app_copy_text(e->path, sizeof e->path, path);
    app_copy_text(e->name, sizeof e->name, app_base_name(path));
    e->mtime = dp_file_mtime(path);
    e->shipped = shipped;
    return 0;
}

static int add_file(void *ctx, const char *name)
{
    scan *s = ctx;
    size_t len = strlen(name);
    char path[4096];
    if (len <= 6 || strcmp(name + len - 6, ".model") != 0) return 0;
    if (snprintf(path, sizeof path, "%s/%s", s->dir, name) >= (int)sizeof path) return 0;
    if (dp_path_kind_of(path) != DP_PATH_FILE) return 0;
    return add(s, path, 0);
}

static int newest_first(const void *a, const void *b)
{
    const model_entry *x = a, *y = b;
    if (x->mtime != y->mtime) return x->mtime < y->mtime ? 1 : -1;
    return strcmp(x->name, y->name);
}

int model_list_scan(model_list *l, const char *dir, const char *shipped)
{
    model_list_free(l);
    scan s = {l, 0, dir, 0};
    if (shipped && shipped[0]) add(&s, shipped, 1);
    int first = l->n;
    if (!s.failed) dp_list_dir(dir, add_file, &s);   /* a folder that is not there lists nothing */
    if (s.failed) {
        model_list_free(l);
        return -1;
    }
    qsort(l->items + first, (size_t)(l->n - first), sizeof *l->items, newest_first);
    return 0;
}

/* "3 conv + 2 dense, 225k parameters" */
static void describe_arch(const dp_net *net, char *out, size_t size)
{
    int conv = 0, dense = 0;
    for (int i = 0; i < net->arch.n_layers; i++) {
        if (net->arch.layers[i].type == DP_LAYER_CONV) conv++;
        if (net->arch.layers[i].type == DP_LAYER_DENSE) dense++;
    }
    snprintf(out, size, "%d conv + %d dense, %ldk parameters", conv, dense, (net->n_params + 500) / 1000);
}

void model_list_detail(model_list *l, int i)
{
    if (i < 0 || i >= l->n || l->items[i].detailed) return;
    model_entry *e = &l->items[i];
    e->detailed = 1;
    char when[40] = "", arch[96] = "", acc[32] = "";
    time_t t = (time_t)e->mtime;
    struct tm tm;
    if (e->mtime > 0 && localtime_r(&t, &tm)) strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    char *meta = NULL;
    long long bytes = dp_file_size(e->path);
    if (bytes > 64LL << 20) {   /* read on the window's thread: a huge file is only named */
        snprintf(e->summary, sizeof e->summary, "%s · too big to read here", when);
        return;
    }
    dp_net *net = dp_model_load(e->path, &meta, NULL, NULL);
    e->readable = net != NULL;
    if (net) {
        describe_arch(net, arch, sizeof arch);
        double a = dp_meta_number(meta, "test-accuracy");
        if (isnan(a)) a = dp_meta_number(meta, "mnist-test-accuracy");
        if (!isnan(a)) snprintf(acc, sizeof acc, " · %.2f\u00a0%%", 100.0 * a);
    }
    dp_net_free(net);
    free(meta);
    if (!e->readable) snprintf(e->summary, sizeof e->summary, "%s · cannot be read", when);
    else snprintf(e->summary, sizeof e->summary, "%s%s%s%s", e->shipped ? "shipped · " : "", when, when[0] ? " · " : "", arch);
    if (e->readable) strncat(e->summary, acc, sizeof e->summary - strlen(e->summary) - 1);
}

void model_list_free(model_list *l)
{
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

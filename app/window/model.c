#include "model.h"
#include "common.h"
#include "model_io.h"
#include "paths.h"
#include "platform.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int model_adopt(model_state *m, dp_net *net, const char *name)
{
    dp_exec *ex = dp_exec_create(net, 1, 1, 0);
    if (!ex) {
        dp_net_free(net);
        return -1;
    }
    dp_exec_free(m->exec);
    dp_net_free(m->net);
    m->net = net;
    m->exec = ex;
    m->weights_version++;
    m->accuracy = NAN;
    app_copy_text(m->name, sizeof m->name, name);
    return 0;
}

void model_touched(model_state *m) { m->weights_version++; }

void model_free(model_state *m)
{
    dp_exec_free(m->exec);
    dp_net_free(m->net);
    dp_net_free(m->before);
    dp_net_free(m->previous);
    m->exec = NULL;
    m->net = m->before = m->previous = NULL;
}

/* Loads path as the model in use, with the accuracy its file records. */
static int load_file(model_state *m, const char *path)
{
    char *meta = NULL;
    dp_net *net = dp_model_load(path, &meta, NULL, NULL);
    if (!net || model_adopt(m, net, app_base_name(path)) != 0) {
        free(meta);
        return -1;
    }
    m->accuracy = dp_meta_number(meta, "test-accuracy");
    if (isnan(m->accuracy)) m->accuracy = dp_meta_number(meta, "mnist-test-accuracy");
    free(meta);
    return 0;
}

int model_load(model_state *m, const char *path, status_line *st)
{
    if (load_file(m, path) != 0) {
        status_set(st, 1, "could not load model: %s", dp_error());
        return -1;
    }
    m->unsaved = 0;
    status_set(st, 0, "loaded %s (%ld parameters)", path, m->net->n_params);
    return 0;
}

/* The folder that will hold path, made if missing (best effort: the save
 * that follows reports what went wrong). */
static void make_parent_dirs(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) return;
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf) return;
    *slash = 0;
    dp_make_dirs(buf);
}

int model_save(model_state *m, const char *path, status_line *st)
{
    make_parent_dirs(path);
    char meta[512];
    int n = snprintf(meta, sizeof meta, "saved-by: digitpad %s window\nfrom: %s\n", DP_VERSION, m->name);
    if (!isnan(m->accuracy) && n > 0 && (size_t)n < sizeof meta)
        snprintf(meta + n, sizeof meta - (size_t)n, "test-accuracy: %.4f\n", m->accuracy);
    if (dp_model_save(path, m->net, meta, NULL) != 0) {
        status_set(st, 1, "%s", dp_error());
        return -1;
    }
    app_copy_text(m->name, sizeof m->name, app_base_name(path));
    m->unsaved = 0;
    status_set(st, 0, "saved %s", path);
    return 0;
}

static int start_untrained(model_state *m, const char *why, status_line *st)
{
    status_set(st, 1, "%s; using an untrained network (press Train)", why);
    dp_arch arch;
    dp_arch_parse(&arch, "seed");
    dp_net *net = dp_net_create(&arch);
    if (!net) return -1;
    dp_net_init(net, 1);
    return model_adopt(m, net, "untrained");
}

int model_start(model_state *m, const char *path, status_line *st)
{
    char shipped[PATH_MAX], msg[PATH_MAX * 4] = "", failed[PATH_MAX * 2] = "";
    const char *tries[2];
    int n = 0;
    if (path) tries[n++] = path;
    if (app_find_shipped_model(shipped, sizeof shipped, msg, sizeof msg) == 0 && !(n && strcmp(tries[0], shipped) == 0))
        tries[n++] = shipped;
    for (int i = 0; i < n; i++) {
        if (load_file(m, tries[i]) == 0) {
            if (failed[0]) status_set(st, 1, "could not load model: %s; using the shipped model instead", failed);
            return 0;
        }
        if (!failed[0]) app_copy_text(failed, sizeof failed, dp_error());
    }
    if (failed[0]) snprintf(msg, sizeof msg, "could not load model: %s", failed);
    return start_untrained(m, msg, st);
}

/* A copy of the model in use into one of the slots it can go back to. */
static int copy_in_use(const model_state *m, dp_net **slot, char *name, size_t name_size, int *unsaved,
                       double *accuracy)
{
    dp_net *copy = dp_net_create(&m->net->arch);
    if (!copy) return -1;
    dp_net_copy_params(copy, m->net);
    dp_net_free(*slot);
    *slot = copy;
    app_copy_text(name, name_size, m->name);
    *unsaved = m->unsaved;
    *accuracy = m->accuracy;
    return 0;
}

int model_keep_previous(model_state *m)
{
    /* One model is kept to go back to: the oldest not kept yet, unless the
     * one in use is in no file and the kept one is (Load still has that). */
    if (m->previous && !(m->unsaved && !m->previous_unsaved)) return 0;
    return copy_in_use(m, &m->previous, m->previous_name, sizeof m->previous_name, &m->previous_unsaved,
                       &m->previous_accuracy);
}

void model_resolve_previous(model_state *m, int keep, status_line *st)
{
    if (!m->previous) return;
    if (keep) {
        dp_net_free(m->previous);
        status_set(st, 0, "keeping %s%s", m->name, m->unsaved ? " (Save… writes it to a file)" : "");
    } else {
        char name[256];
        app_copy_text(name, sizeof name, m->previous_name);
        double acc = m->previous_accuracy;
        int unsaved = m->previous_unsaved;
        if (model_adopt(m, m->previous, name) != 0) {
            m->previous = NULL;
            status_set(st, 1, "could not go back: %s", dp_error());
            return;
        }
        m->accuracy = acc, m->unsaved = unsaved;
        status_set(st, 0, "back to %s", name);
    }
    m->previous = NULL;
}

int model_any_unsaved(const model_state *m)
{
    return m->unsaved || (m->previous && m->previous_unsaved) || (m->before && m->before_unsaved);
}

int model_previous_from_file(model_state *m, const char *path, const char *name)
{
    char *meta = NULL;
    dp_net *net = dp_model_load(path, &meta, NULL, NULL);
    if (!net) return -1;
    dp_net_free(m->previous);
    m->previous = net;
    app_copy_text(m->previous_name, sizeof m->previous_name, name);
    m->previous_unsaved = 1;
    m->previous_accuracy = dp_meta_number(meta, "test-accuracy");
    free(meta);
    return 0;
}

void model_drop_previous(model_state *m)
{
    dp_net_free(m->previous);
    m->previous = NULL;
}

int model_keep_is_default(const model_state *m)
{
    return isnan(m->previous_accuracy) || isnan(m->accuracy) || m->accuracy >= m->previous_accuracy - 0.003;
}

void model_previous_label(const model_state *m, char *out, size_t size)
{
    if (isnan(m->previous_accuracy)) snprintf(out, size, "Go back to %s", m->previous_name);
    else snprintf(out, size, "Go back to %s, %.2f %%", m->previous_name, 100.0 * m->previous_accuracy);
}

int model_keep_before(model_state *m)
{
    return copy_in_use(m, &m->before, m->before_name, sizeof m->before_name, &m->before_unsaved, &m->before_accuracy);
}

void model_forget_before(model_state *m)
{
    dp_net_free(m->before);
    m->before = NULL;
}

void model_choose(model_state *m, int keep_new, status_line *st)
{
    if (!m->before) return;
    if (keep_new) {
        char name[300];
        snprintf(name, sizeof name, "%s + your digits", m->before_name);
        app_copy_text(m->name, sizeof m->name, name);
        dp_net_free(m->before);
        m->unsaved = 1;
        status_set(st, 0, "using the fine-tuned model (Save… keeps it in a file)");
    } else {
        double acc = m->before_accuracy;
        model_adopt(m, m->before, m->before_name);
        m->unsaved = m->before_unsaved, m->accuracy = acc;
        status_set(st, 0, "back to %s as it was before fine-tuning", m->before_name);
    }
    m->before = NULL;
}

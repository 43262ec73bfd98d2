/* The user's own digits in the window (see kept.h). */
#include "kept.h"
#include "tarball.h"
#include "common.h"
#include "paths.h"
#include "preprocess.h"
#include "platform.h"
#include "verbose.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the counts ---------------------------------------------------------------- */

/* "digits<TAB>N<TAB>TESTS<TAB>c0 c1 ... c9" after every change. */
static void log_counts(const kept_state *k)
{
    const dp_userset *u = &k->set;
    char counts[64];
    int n = 0;
    for (int d = 0; d < 10; d++)
        n += snprintf(counts + n, sizeof counts - (size_t)n, d ? " %d" : "%d", dp_userset_count(u, d, -1));
    verbose_line("digits", "%d\t%d\t%s", u->n, dp_userset_count(u, -1, DP_SPLIT_TEST), counts);
}

static void changed(kept_state *k)
{
    k->changes++;
    log_counts(k);
}

/* The digit to ask for next: the one with the fewest kept, the first such
 * after the one just asked for, so that the prompt goes round in turn. */
static int next_prompt(const kept_state *k, int after)
{
    int best = -1, fewest = INT_MAX;
    for (int i = 1; i <= 10; i++) {
        int d = (after + i + 10) % 10, n = dp_userset_count(&k->set, d, -1);
        if (n < fewest) fewest = n, best = d;
    }
    return best;
}

static void log_prompt(const kept_state *k) { verbose_line("prompt", "%d\t%d", k->collect, k->prompt); }

void kept_set_collect(kept_state *k, int on, status_line *st)
{
    k->collect = on;
    if (on) {
        k->prompt = next_prompt(k, -1);
        status_set(st, 0, "collecting: draw the digit asked for, Enter keeps it; Esc ends");
    } else {
        status_set(st, 0, "stopped collecting; %d of your %s %s kept", k->set.n, kept_digits_word(k->set.n),
                   k->set.n == 1 ? "is" : "are");
    }
    log_prompt(k);
}

/* ---- opening and closing ------------------------------------------------------------- */

void kept_open(kept_state *k, status_line *st)
{
    k->selected = UINT_MAX;
    k->filter = -1;
    k->redo_label = -1;
    app_user_digits_dir(k->dir, sizeof k->dir);
    k->ok = dp_userset_open(&k->set, k->dir) == 0;
    if (!k->ok)
        status_set(st, 1, "your digits cannot be kept: %s", dp_error());
    else if (k->set.n_bad)
        status_set(st, 1, "%d of your kept digit files could not be read and are left as they are (%s)", k->set.n_bad,
                   k->set.bad);
    k->prompt = next_prompt(k, -1);
    log_counts(k);
}

static void forget(kept_change *c)
{
    if (c->kind == KEPT_DELETE) dp_strokes_free(&c->removed.strokes);
}

void kept_close(kept_state *k)
{
    for (int i = 0; i < k->n_undo; i++) forget(&k->undo[i]);
    k->n_undo = 0;
    dp_userset_free(&k->set);
    free(k->read_as);
    k->read_as = NULL;
    if (k->thumbs) SDL_DestroyTexture(k->thumbs);
    k->thumbs = NULL;
}

static void push_change(kept_state *k, kept_change c)
{
    if (k->n_undo == KEPT_UNDO) {   /* the oldest change can no longer be undone */
        forget(&k->undo[0]);
        memmove(k->undo, k->undo + 1, sizeof k->undo[0] * (KEPT_UNDO - 1));
        k->n_undo--;
    }
    k->undo[k->n_undo++] = c;
}

static int usable(const kept_state *k, status_line *st)
{
    if (k->ok) return 1;
    status_set(st, 1, "your digits cannot be kept: the folder %s could not be opened", k->dir);
    return 0;
}

/* ---- changes ---------------------------------------------------------------------- */

int kept_keep(kept_state *k, drawing *d, int label, status_line *st)
{
    if (!usable(k, st)) return -1;
    if (d->in_stroke) drawing_end_stroke(d);
    if (drawing_image(d)) {
        status_set(st, 1, "an MNIST image is on the canvas: clear it (C) and draw your own digit to keep it");
        return -1;
    }
    if (drawing_is_empty(d)) {
        status_set(st, 1, "draw a digit first, then press its key (0-9) to keep it");
        return -1;
    }
    int at = dp_userset_add(&k->set, &d->current, label, DP_SPLIT_AUTO);
    if (at < 0) {
        status_set(st, 1, "could not keep it: %s", dp_error());
        return -1;
    }
    const dp_user_digit *u = &k->set.items[at];
    drawing_clear(d);
    push_change(k, (kept_change){.kind = KEPT_KEEP, .id = u->id, .drawing_version = d->version});
    int same = dp_userset_count(&k->set, label, -1);
    status_set(st, 0, "kept as %d: %d of your %ds%s (Ctrl+Z takes it back)", label, same, label,
               u->split == DP_SPLIT_TEST ? "; this one is set aside to test on, never trained on" : "");
    verbose_line("kept", "%u\t%d\t%s", u->id, label, u->split == DP_SPLIT_TEST ? "test" : "train");
    if (k->collect) {
        k->prompt = next_prompt(k, label == k->prompt ? label : k->prompt - 1);
        log_prompt(k);
    }
    changed(k);
    return 0;
}

int kept_relabel(kept_state *k, int index, int label, status_line *st)
{
    dp_userset *u = &k->set;
    if (!usable(k, st) || index < 0 || index >= u->n) return -1;
    int old = u->items[index].label;
    if (old == label) return 0;
    if (dp_userset_relabel(u, index, label) != 0) {
        status_set(st, 1, "could not relabel it: %s", dp_error());
        return -1;
    }
    push_change(k, (kept_change){.kind = KEPT_RELABEL, .id = u->items[index].id, .label = old});
    status_set(st, 0, "relabelled a kept %d as %d (Ctrl+Z undoes)", old, label);
    changed(k);
    return 0;
}

int kept_delete(kept_state *k, int index, status_line *st)
{
    dp_userset *u = &k->set;
    if (!usable(k, st) || index < 0 || index >= u->n) return -1;
    kept_change c = {.kind = KEPT_DELETE, .id = u->items[index].id};
    if (dp_userset_remove(u, index, &c.removed) != 0) {
        status_set(st, 1, "could not delete it: %s", dp_error());
        return -1;
    }
    push_change(k, c);
    status_set(st, 0, "deleted a kept %d (Ctrl+Z brings it back)", c.removed.label);
    changed(k);
    return 0;
}

/* Puts a deleted digit back; the set owns its strokes afterwards, either way. */
static int restore(kept_state *k, kept_change *c, status_line *st)
{
    int label = c->removed.label;
    int rc = dp_userset_restore(&k->set, &c->removed) < 0 ? -1 : 0;
    c->kind = KEPT_KEEP;   /* nothing left to free */
    if (rc == 0) status_set(st, 0, "brought back the deleted %d", label);
    return rc;
}

int kept_undo(kept_state *k, drawing *d, int any, status_line *st)
{
    if (!k->n_undo) return 0;
    kept_change *c = &k->undo[k->n_undo - 1];
    /* On the canvas, Ctrl+Z takes back a keep only while the canvas is as
     * the keep left it; otherwise it undoes the last stroke. */
    int right_after_keep = c->kind == KEPT_KEEP && c->drawing_version == d->version;
    if (!any && !right_after_keep) return 0;
    int index = dp_userset_find(&k->set, c->id), rc = 0;
    if (c->kind == KEPT_KEEP) {
        int label = index >= 0 ? k->set.items[index].label : -1;
        if (index >= 0) rc = dp_userset_remove(&k->set, index, NULL);
        if (rc == 0 && right_after_keep) {
            drawing_undo(d);   /* the drawing comes back */
            k->redo_label = label, k->redo_version = d->version;
        }
        if (rc == 0)
            status_set(st, 0, "took back the digit just kept%s", right_after_keep ? "; it is on the canvas again" : "");
    } else if (c->kind == KEPT_RELABEL) {
        if (index >= 0) rc = dp_userset_relabel(&k->set, index, c->label);
        if (rc == 0) status_set(st, 0, "undid the relabelling: it is a %d again", c->label);
    } else {
        rc = restore(k, c, st);
    }
    if (rc != 0) status_set(st, 1, "could not undo: %s", dp_error());
    k->n_undo--;
    verbose_line("undo", "%u\t%s", c->id, rc ? "failed" : "ok");
    changed(k);
    return 1;
}

int kept_redo(kept_state *k, drawing *d, status_line *st)
{
    int label = k->redo_label;
    if (label < 0 || d->version != k->redo_version) return 0;
    k->redo_label = -1;
    return kept_keep(k, d, label, st) == 0;
}

/* ---- the model's reading of the kept digits ------------------------------------------- */

void kept_refresh_readings(kept_state *k, const model_state *m, int busy)
{
    int stale = k->read_as_n != k->set.n || k->read_as_change != k->changes ||
                (k->read_as_weights != m->weights_version && !busy);
    if (!stale && k->read_as_weights != m->weights_version && dp_now() - k->read_as_time >= 1.0) stale = 1;
    if (!stale) return;
    signed char *r = realloc(k->read_as, (size_t)(k->set.n ? k->set.n : 1));
    if (!r) return;
    k->read_as = r;
    float input[DP_PIXELS], probs[DP_CLASSES];
    for (int i = 0; i < k->set.n; i++) {
        for (int p = 0; p < DP_PIXELS; p++) input[p] = (float)k->set.items[i].image[p] * (1.0f / 255.0f);
        dp_net_predict(m->exec, m->net, input, 1, probs);
        r[i] = (signed char)dp_argmax(probs, DP_CLASSES);
    }
    k->read_as_n = k->set.n;
    k->read_as_change = k->changes;
    k->read_as_weights = m->weights_version;
    k->read_as_time = dp_now();
}

const char *kept_digits_word(int n) { return n == 1 ? "digit" : "digits"; }

const char *kept_finetune_blocker(kept_state *k, int busy)
{
    if (!k->ok) return "your digits cannot be kept here (see the status line when the window opened)";
    if (busy) return "wait for the running job to finish, or Stop it";
    int train = dp_userset_count(&k->set, -1, DP_SPLIT_TRAIN), test = dp_userset_count(&k->set, -1, DP_SPLIT_TEST);
    int more_train = KEPT_TUNE_TRAIN - train, more_test = KEPT_TUNE_TEST - test;
    if (more_train <= 0 && more_test <= 0) return NULL;
    char train_part[64] = "", test_part[64] = "";
    if (more_train > 0) snprintf(train_part, sizeof train_part, "%d more %s to learn from", more_train, kept_digits_word(more_train));
    if (more_test > 0) snprintf(test_part, sizeof test_part, "%d more to test on", more_test);
    snprintf(k->why, sizeof k->why,
             "keep %s%s%s first (fine-tuning needs %d of your digits to learn from and %d to test on; the 2nd, 7th, "
             "12th… of each digit you keep is set aside to test)",
             train_part, more_train > 0 && more_test > 0 ? " and " : "", test_part, KEPT_TUNE_TRAIN, KEPT_TUNE_TEST);
    return k->why;
}

int kept_export(kept_state *k, status_line *st)
{
    char base[PATH_MAX], stamp[32], dir[PATH_MAX], tar[PATH_MAX + 8];
    if (!k->ok || k->set.n == 0) {
        status_set(st, 1, "nothing to export: keep some digits first (0-9 after drawing)");
        return -1;
    }
    app_user_data_dir(base, sizeof base);
    dp_timestamp(stamp, sizeof stamp);
    if (snprintf(dir, sizeof dir, "%s/exports/my-digits-%s", base, stamp) >= (int)sizeof dir) {
        status_set(st, 1, "cannot export: the data folder's name is too long");
        return -1;
    }
    snprintf(tar, sizeof tar, "%s.tar", dir);
    if (dp_make_dirs(dir) != 0 || dp_userset_export(&k->set, dir) != 0 || app_tar_folder(dir, tar) != 0) {
        status_set(st, 1, "cannot export the kept digits: %s", dp_error());
        return -1;
    }
    int handed = dp_hand_over_file(tar, app_base_name(tar));
    if (handed > 0) status_set(st, 0, "exported %d kept digits (the browser downloads %s)", k->set.n, app_base_name(tar));
    else if (handed < 0) status_set(st, 1, "exported %d kept digits to %s, but %s", k->set.n, dir, dp_error());
    else status_set(st, 0, "exported %d kept digits to %s (and %s)", k->set.n, dir, app_base_name(tar));
    return 0;
}

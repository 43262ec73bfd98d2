/* The user's own digits in the window: keep the drawing with its label,
 * relabel, delete, undo, the collecting prompt, and fine-tuning on them.
 * Every change goes to disk at once (core/userset) and is said in the
 * status line; with --verbose it is logged for scripted tests. */
#include "app.h"
#include "paths.h"
#include "common.h"
#include "platform.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the counts ---------------------------------------------------------------- */

/* "digits<TAB>N<TAB>TESTS<TAB>c0 c1 ... c9" after every change. */
void mine_log(const app *a)
{
    if (!a->opt.verbose) return;
    const dp_userset *u = &a->mine.set;
    printf("digits\t%d\t%d\t", u->n, dp_userset_count(u, -1, DP_SPLIT_TEST));
    for (int d = 0; d < 10; d++) printf(d ? " %d" : "%d", dp_userset_count(u, d, -1));
    printf("\n");
    fflush(stdout);
}

static void changed(app *a)
{
    a->mine.changes++;
    a->dirty = 1;
    mine_log(a);
}

/* The digit to ask for next: the one with the fewest kept, the first such
 * after the one just asked for, so that the prompt goes round in turn. */
static int next_prompt(const app *a, int after)
{
    int best = -1, fewest = INT_MAX;
    for (int k = 1; k <= 10; k++) {
        int d = (after + k + 10) % 10, n = dp_userset_count(&a->mine.set, d, -1);
        if (n < fewest) fewest = n, best = d;
    }
    return best;
}

static void log_prompt(const app *a)
{
    if (!a->opt.verbose) return;
    printf("prompt\t%d\t%d\n", a->mine.collect, a->mine.prompt);
    fflush(stdout);
}

void mine_set_collect(app *a, int on)
{
    a->mine.collect = on;
    if (on) {
        a->mine.prompt = next_prompt(a, -1);
        app_set_status(a, 0, "collecting: draw the digit asked for, Enter keeps it; Esc ends");
    } else {
        app_set_status(a, 0, "stopped collecting; %d of your digits are kept", a->mine.set.n);
    }
    log_prompt(a);
    a->dirty = 1;
}

/* ---- opening and closing ------------------------------------------------------------- */

void mine_open(app *a)
{
    mine_state *m = &a->mine;
    m->selected = UINT_MAX;
    m->filter = -1;
    app_user_digits_dir(m->dir, sizeof m->dir);
    m->ok = dp_userset_open(&m->set, m->dir) == 0;
    if (!m->ok)
        app_set_status(a, 1, "your digits cannot be kept: %s", dp_error());
    else if (m->set.n_bad)
        app_set_status(a, 1, "%d of your kept digit files could not be read and are left as they are (%s)",
                       m->set.n_bad, m->set.bad);
    m->prompt = next_prompt(a, -1);
    mine_log(a);
}

static void forget_op(mine_op *op)
{
    if (op->kind == MINE_DELETE) dp_strokes_free(&op->removed.strokes);
}

void mine_close(app *a)
{
    mine_state *m = &a->mine;
    for (int i = 0; i < m->n_undo; i++) forget_op(&m->undo[i]);
    m->n_undo = 0;
    dp_userset_free(&m->set);
    dp_net_free(m->backup);
    m->backup = NULL;
    free(m->read_as);
    m->read_as = NULL;
    if (m->thumbs) SDL_DestroyTexture(m->thumbs);
    m->thumbs = NULL;
}

static void push_op(app *a, mine_op op)
{
    mine_state *m = &a->mine;
    if (m->n_undo == MINE_UNDO) {   /* the oldest change can no longer be undone */
        forget_op(&m->undo[0]);
        memmove(m->undo, m->undo + 1, sizeof m->undo[0] * (MINE_UNDO - 1));
        m->n_undo--;
    }
    m->undo[m->n_undo++] = op;
}

static int usable(app *a)
{
    if (a->mine.ok) return 1;
    app_set_status(a, 1, "your digits cannot be kept: the folder %s could not be opened", a->mine.dir);
    return 0;
}

/* ---- changes ---------------------------------------------------------------------- */

int mine_keep(app *a, int label)
{
    if (!usable(a)) return -1;
    if (a->draw.in_stroke) drawing_end_stroke(&a->draw);
    if (drawing_layer(&a->draw)) {
        app_set_status(a, 1, "an MNIST image is on the canvas: clear it (C) and draw your own digit to keep it");
        return -1;
    }
    if (drawing_is_empty(&a->draw)) {
        app_set_status(a, 1, "draw a digit first, then press its key (0-9) to keep it");
        return -1;
    }
    int at = dp_userset_add(&a->mine.set, &a->draw.current, label, DP_SPLIT_AUTO);
    if (at < 0) {
        app_set_status(a, 1, "could not keep it: %s", dp_error());
        return -1;
    }
    const dp_user_digit *d = &a->mine.set.items[at];
    drawing_clear(&a->draw);
    push_op(a, (mine_op){.kind = MINE_KEEP, .id = d->id, .drawing_version = a->draw.version});
    int same = dp_userset_count(&a->mine.set, label, -1);
    app_set_status(a, 0, "kept as %d: %d of your %ds%s (Ctrl+Z takes it back)", label, same, label,
                   d->split == DP_SPLIT_TEST ? "; this one is set aside to test on, never trained on" : "");
    if (a->opt.verbose) {
        printf("kept\t%u\t%d\t%s\n", d->id, label, d->split == DP_SPLIT_TEST ? "test" : "train");
        fflush(stdout);
    }
    if (a->mine.collect) {
        a->mine.prompt = next_prompt(a, label == a->mine.prompt ? label : a->mine.prompt - 1);
        log_prompt(a);
    }
    changed(a);
    return 0;
}

int mine_relabel(app *a, int index, int label)
{
    dp_userset *u = &a->mine.set;
    if (!usable(a) || index < 0 || index >= u->n) return -1;
    int old = u->items[index].label;
    if (old == label) return 0;
    if (dp_userset_relabel(u, index, label) != 0) {
        app_set_status(a, 1, "could not relabel it: %s", dp_error());
        return -1;
    }
    push_op(a, (mine_op){.kind = MINE_RELABEL, .id = u->items[index].id, .label = old});
    app_set_status(a, 0, "relabelled a kept %d as %d (Ctrl+Z undoes)", old, label);
    changed(a);
    return 0;
}

int mine_delete(app *a, int index)
{
    dp_userset *u = &a->mine.set;
    if (!usable(a) || index < 0 || index >= u->n) return -1;
    mine_op op = {.kind = MINE_DELETE, .id = u->items[index].id};
    if (dp_userset_remove(u, index, &op.removed) != 0) {
        app_set_status(a, 1, "could not delete it: %s", dp_error());
        return -1;
    }
    push_op(a, op);
    app_set_status(a, 0, "deleted a kept %d (Ctrl+Z brings it back)", op.removed.label);
    changed(a);
    return 0;
}

int mine_undo(app *a, int any)
{
    mine_state *m = &a->mine;
    if (!m->n_undo) return 0;
    mine_op *op = &m->undo[m->n_undo - 1];
    /* On the canvas, Ctrl+Z takes back a keep only while the canvas is as
     * the keep left it; otherwise it undoes the last stroke. */
    int right_after_keep = op->kind == MINE_KEEP && op->drawing_version == a->draw.version;
    if (!any && !right_after_keep) return 0;
    int index = dp_userset_find(&m->set, op->id), rc = 0;
    switch (op->kind) {
    case MINE_KEEP:
        if (index >= 0) rc = dp_userset_remove(&m->set, index, NULL);
        if (rc == 0 && right_after_keep) drawing_undo(&a->draw);   /* the drawing comes back */
        if (rc == 0) app_set_status(a, 0, "took back the digit just kept%s", right_after_keep ? "; it is on the canvas again" : "");
        break;
    case MINE_RELABEL:
        if (index >= 0) rc = dp_userset_relabel(&m->set, index, op->label);
        if (rc == 0) app_set_status(a, 0, "undid the relabelling: it is a %d again", op->label);
        break;
    case MINE_DELETE: {
        int label = op->removed.label;
        rc = dp_userset_restore(&m->set, &op->removed) < 0 ? -1 : 0;   /* owns the strokes now, either way */
        op->kind = MINE_KEEP;   /* nothing left to free */
        if (rc == 0) app_set_status(a, 0, "brought back the deleted %d", label);
        break;
    }
    }
    if (rc != 0) app_set_status(a, 1, "could not undo: %s", dp_error());
    m->n_undo--;
    if (a->opt.verbose) {
        printf("undo\t%u\t%s\n", op->id, rc ? "failed" : "ok");
        fflush(stdout);
    }
    changed(a);
    return 1;
}

/* ---- the model's reading of the kept digits ------------------------------------------- */

/* The gallery marks digits the model reads as another digit. Readings are
 * redone when the digits change, and at most once a second while training
 * changes the weights. */
void mine_refresh_readings(app *a)
{
    mine_state *m = &a->mine;
    int stale = m->read_as_n != m->set.n || m->read_as_change != m->changes ||
                (m->read_as_weights != a->weights_version && !jobs_busy(a->jobs));
    if (!stale && m->read_as_weights != a->weights_version && dp_now() - m->read_as_time >= 1.0) stale = 1;
    if (!stale) return;
    signed char *r = realloc(m->read_as, (size_t)(m->set.n ? m->set.n : 1));
    if (!r) return;
    m->read_as = r;
    float input[28 * 28], probs[DP_CLASSES];
    for (int i = 0; i < m->set.n; i++) {
        for (int k = 0; k < 28 * 28; k++) input[k] = (float)m->set.items[i].image[k] * (1.0f / 255.0f);
        dp_net_predict(a->exec, a->net, input, 1, probs);
        r[i] = (signed char)dp_argmax(probs, DP_CLASSES);
    }
    m->read_as_n = m->set.n;
    m->read_as_change = m->changes;
    m->read_as_weights = a->weights_version;
    m->read_as_time = dp_now();
}

/* ---- fine-tuning ---------------------------------------------------------------------- */

const char *mine_finetune_blocker(const app *a)
{
    if (!a->mine.ok) return "your digits cannot be kept here (see the status line when the window opened)";
    if (jobs_busy(a->jobs)) return "wait for the running job to finish, or Stop it";
    if (dp_userset_count(&a->mine.set, -1, DP_SPLIT_TRAIN) == 0)
        return "keep some of your digits first: draw one and press its key (0-9)";
    return NULL;
}

void app_action_finetune(app *a)
{
    const char *why = mine_finetune_blocker(a);
    if (why) {
        app_set_status(a, 1, "cannot fine-tune: %s", why);
        return;
    }
    if (app_find_mnist_or_explain(a) != 0) return;
    dp_dataset mine, mine_test;
    dp_finetune_cfg cfg = dp_finetune_defaults();
    dp_net *backup = dp_net_create(&a->net->arch), *fresh = dp_net_create(&a->net->arch);
    int rc = backup && fresh && dp_userset_dataset(&a->mine.set, DP_SPLIT_TRAIN, &mine) == 0 ? 0 : -1;
    if (rc == 0 && dp_userset_dataset(&a->mine.set, DP_SPLIT_TEST, &mine_test) != 0) rc = -1, dp_dataset_free(&mine);
    if (rc == 0) {
        rc = jobs_start_finetune(a->jobs, a->net, &cfg, a->mnist_dir, &mine, &mine_test);
        dp_dataset_free(&mine);
        dp_dataset_free(&mine_test);
    }
    if (rc != 0) {
        dp_net_free(backup);
        dp_net_free(fresh);
        app_set_status(a, 1, "could not start fine-tuning: %s", dp_error());
        return;
    }
    dp_net_copy_params(backup, a->net);
    dp_net_copy_params(fresh, a->net);
    dp_net_free(a->mine.backup);
    a->mine.backup = backup;
    app_copy_text(a->mine.backup_name, sizeof a->mine.backup_name, a->model_name);
    a->mine.backup_unsaved = a->model_unsaved;
    char name[300];
    snprintf(name, sizeof name, "%s, fine-tuning", a->model_name);
    app_adopt_net(a, fresh, name);   /* predictions follow the fine-tune from its first step */
    train_curves_clear(&a->curves);
    a->weights_seen = 0;
    a->logged_points = a->logged_tests = 0;
    a->model_unsaved = 1;
    int n_train = dp_userset_count(&a->mine.set, -1, DP_SPLIT_TRAIN), n_test = a->mine.set.n - n_train;
    a->mine.tuned_on = n_train;
    a->mine.tuned_mnist = cfg.mnist_images;
    app_set_status(a, 0, "fine-tuning on %d of your digits and %d MNIST images; %d test digits kept aside", n_train,
                   cfg.mnist_images, n_test);
}

static void log_scores(const app *a)
{
    if (!a->opt.verbose) return;
    const dp_finetune_score *b = &a->st.before, *f = &a->st.after;
    printf("finetune\tbefore\t%.4f\t%.4f\tafter\t%.4f\t%.4f\t%d\n", b->personal, b->mnist, f->personal, f->mnist,
           f->personal_n);
    fflush(stdout);
}

void mine_finetune_ended(app *a)
{
    if (a->st.phase == PHASE_FAILED || isnan(a->st.after.mnist)) {
        if (a->mine.backup) mine_finetune_choose(a, 0);
        app_set_status(a, 1, "fine-tuning failed, the model is as it was: %s", a->st.message);
        return;
    }
    log_scores(a);
    dialogs_open(a, MODAL_FINETUNE);
    app_set_status(a, 0, "fine-tuning %s: keep the new model or go back to the old one",
                   a->st.phase == PHASE_STOPPED ? "stopped" : "finished");
}

void mine_finetune_choose(app *a, int keep_new)
{
    mine_state *m = &a->mine;
    if (!m->backup) return;
    if (keep_new) {
        char name[300];
        snprintf(name, sizeof name, "%s + your digits", m->backup_name);
        app_copy_text(a->model_name, sizeof a->model_name, name);
        dp_net_free(m->backup);
        a->model_unsaved = 1;
        app_set_status(a, 0, "using the fine-tuned model (Save… keeps it in a file)");
    } else {
        app_adopt_net(a, m->backup, m->backup_name);
        a->model_unsaved = m->backup_unsaved;
        app_set_status(a, 0, "back to %s as it was before fine-tuning", m->backup_name);
    }
    m->backup = NULL;
    if (a->opt.verbose) {
        printf("finetune_choice\t%s\n", keep_new ? "keep" : "back");
        fflush(stdout);
    }
    if (a->modal == MODAL_FINETUNE) dialogs_open(a, MODAL_NONE);
}

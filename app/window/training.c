/* Train, Evaluate and Fine-tune in the window (see training.h). */
#include "training.h"
#include "common.h"
#include "paths.h"
#include "platform.h"
#include "verbose.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

int training_need_mnist(app *a)
{
    char msg[PATH_MAX * 3 + 256];
    if (app_find_mnist(NULL, 1, a->train.mnist_dir, sizeof a->train.mnist_dir, msg, sizeof msg) == 0) return 0;
    if (dp_fetch_available()) return 0;   /* the job fetches it into mnist_dir (jobs.c) */
    dialog_message(&a->dialog, "MNIST not found", msg);
    status_set(&a->status, 1, "%s", msg);
    return -1;
}

/* A new run's charts start empty, and the window takes its weights from
 * the first snapshot on. */
static void new_run(training *t)
{
    train_curves_clear(&t->curves);
    t->weights_seen = 0;
    t->logged_points = t->logged_tests = 0;
}

const char *training_blocker(app *a)
{
    training_poll(a);
    /* Only this thread starts jobs: none can start before the caller does. */
    if (a->train.job.busy) return "wait for the running job to finish, or Stop it";
    if (a->model.before) {
        dialog_open(&a->dialog, DIALOG_FINETUNE);
        return "first keep the fine-tuned model or go back to the one before (Enter or Esc)";
    }
    return NULL;
}

int training_start(app *a)
{
    training *t = &a->train;
    const char *why = training_blocker(a);
    if (why) status_set(&a->status, 1, "cannot train: %s", why);
    if (why || training_need_mnist(a) != 0) return 0;
    const train_settings *s = &a->settings;
    dp_arch arch;
    if (s->from_current) arch = a->model.net->arch;
    else dp_arch_parse(&arch, "seed");
    /* Readings follow the job's network from its first step on. */
    dp_net *fresh = dp_net_create(&arch);
    if (!fresh) {
        status_set(&a->status, 1, "%s", dp_error());
        return 0;
    }
    if (s->from_current) dp_net_copy_params(fresh, a->model.net);
    else dp_net_init(fresh, s->cfg.seed);
    int had_previous = a->model.previous != NULL;   /* the way back to the model before, kept first */
    if (model_keep_previous(&a->model) != 0 ||
        jobs_start_train(t->jobs, &arch, s->from_current ? a->model.net : NULL, &s->cfg, t->mnist_dir) != 0) {
        dp_net_free(fresh);
        if (!had_previous) model_drop_previous(&a->model);
        status_set(&a->status, 1, "could not start training: %s", dp_error());
        return 0;
    }
    model_adopt(&a->model, fresh, s->from_current ? a->model.name : "training…");
    new_run(t);
    a->model.unsaved = 1;
    status_set(&a->status, 0, "training on MNIST: %d epochs, batch %d, learning rate %g", s->cfg.epochs, s->cfg.batch,
               (double)s->cfg.lr);
    return 1;
}

void training_stop(app *a)
{
    if (!jobs_busy(a->train.jobs)) return;
    jobs_stop(a->train.jobs);
    status_set(&a->status, 0, "stopping…");
}

int training_evaluate(app *a)
{
    training *t = &a->train;
    const char *why = training_blocker(a);
    if (why) status_set(&a->status, 1, "cannot evaluate: %s", why);
    if (why || training_need_mnist(a) != 0) return 0;
    if (jobs_start_eval(t->jobs, a->model.net, t->mnist_dir) != 0) {
        status_set(&a->status, 1, "could not start the evaluation: %s", dp_error());
        return 0;
    }
    status_set(&a->status, 0, "evaluating %s on the 10,000 MNIST test images…", a->model.name);
    return 1;
}

/* ---- fine-tuning --------------------------------------------------------------------- */

/* The job on the user's digits; 0, or -1 with dp_error() set. */
static int start_finetune_job(app *a, const dp_finetune_cfg *cfg)
{
    dp_dataset mine, mine_test;
    if (dp_userset_dataset(&a->kept.set, DP_SPLIT_TRAIN, &mine) != 0) return -1;
    if (dp_userset_dataset(&a->kept.set, DP_SPLIT_TEST, &mine_test) != 0) {
        dp_dataset_free(&mine);
        return -1;
    }
    int rc = jobs_start_finetune(a->train.jobs, a->model.net, cfg, a->train.mnist_dir, &mine, &mine_test);
    dp_dataset_free(&mine);
    dp_dataset_free(&mine_test);
    return rc;
}

int training_finetune(app *a)
{
    const char *why = training_blocker(a);
    if (!why) why = kept_finetune_blocker(&a->kept, 0);
    if (why) {
        status_set(&a->status, 1, "cannot fine-tune: %s", why);
        return 0;
    }
    if (training_need_mnist(a) != 0) return 0;
    dp_finetune_cfg cfg = dp_finetune_defaults();
    dp_net *fresh = dp_net_create(&a->model.net->arch);
    /* Everything that can fail, before the job starts. */
    if (!fresh || model_keep_before(&a->model) != 0 || start_finetune_job(a, &cfg) != 0) {
        dp_net_free(fresh);
        model_forget_before(&a->model);
        status_set(&a->status, 1, "could not start fine-tuning: %s", dp_error());
        return 0;
    }
    dp_net_copy_params(fresh, a->model.net);
    char name[300];
    snprintf(name, sizeof name, "%s, fine-tuning", a->model.name);
    model_adopt(&a->model, fresh, name);   /* readings follow the fine-tune from its first step */
    new_run(&a->train);
    a->model.unsaved = 1;
    int n_train = dp_userset_count(&a->kept.set, -1, DP_SPLIT_TRAIN), n_test = a->kept.set.n - n_train;
    a->kept.tuned_on = n_train;
    a->kept.tuned_mnist = cfg.mnist_images;
    status_set(&a->status, 0, "fine-tuning on %d of your %s and %d MNIST images; %d test %s kept aside", n_train,
               kept_digits_word(n_train), cfg.mnist_images, n_test, kept_digits_word(n_test));
    return 1;
}

void training_finetune_choice(app *a, int keep_new)
{
    if (!a->model.before) return;
    model_choose(&a->model, keep_new, &a->status);
    if (keep_new) a->model.accuracy = a->train.job.after.mnist;
    verbose_line("finetune_choice", "%s", keep_new ? "keep" : "back");
    if (a->dialog.open == DIALOG_FINETUNE) dialog_open(&a->dialog, DIALOG_NONE);
}

static void finetune_ended(app *a)
{
    const jobs_status *j = &a->train.job;
    if (j->phase == PHASE_FAILED || isnan(j->after.mnist)) {
        training_finetune_choice(a, 0);
        status_set(&a->status, 1, "fine-tuning failed, the model is as it was: %s", j->message);
        return;
    }
    const dp_finetune_score *b = &j->before, *f = &j->after;
    verbose_line("finetune", "before\t%.4f\t%.4f\tafter\t%.4f\t%.4f\t%d", b->personal, b->mnist, f->personal, f->mnist,
                 f->personal_n);
    dialog_open(&a->dialog, DIALOG_FINETUNE);
    status_set(&a->status, 0, "fine-tuning %s: keep the new model or go back to the old one",
               j->phase == PHASE_STOPPED ? "stopped" : "finished");
}

/* ---- the jobs' news ------------------------------------------------------------------- */

void training_follow_drawing(app *a, int drawing_changed)
{
    chart_series *c = a->train.curves.drawing;
    const jobs_status *j = &a->train.job;
    if (drawing_changed)
        for (int d = 0; d < DP_CLASSES; d++) chart_series_clear(&c[d]);
    int running = j->busy && (j->kind == JOB_TRAIN || j->kind == JOB_FINETUNE) && j->phase == PHASE_RUNNING;
    if (!running || !a->reading.has_digit) return;
    float step = (float)j->progress.step;
    if (c[0].n && c[0].x[c[0].n - 1] >= step) return;   /* one point per step */
    for (int d = 0; d < DP_CLASSES; d++) chart_series_add(&c[d], step, a->reading.probs[d]);
    int top = dp_argmax(a->reading.probs, DP_CLASSES);
    verbose_line("learn", "%.0f\t%d\t%.6f", (double)step, top, (double)a->reading.probs[top]);
}

/* --verbose: every new loss point, and the full test set's accuracy after
 * each epoch. */
static void log_curves(training *t)
{
    const chart_series *loss = &t->curves.loss, *smooth = &t->curves.loss_smooth, *test = &t->curves.test;
    for (long i = t->logged_points; i < loss->n; i++)
        verbose_line("train", "%.0f\t%.6f\t%.6f\t%.0f", (double)loss->x[i], (double)loss->y[i],
                     (double)smooth->y[i < smooth->n ? i : smooth->n - 1], t->job.progress.img_per_s);
    t->logged_points = loss->n;
    for (long i = t->logged_tests; i < test->n; i++)
        verbose_line("accuracy", "%.0f\t%.5f\t%.2f", (double)test->x[i], (double)test->y[i], t->job.progress.elapsed_s);
    t->logged_tests = test->n;
}

static void eval_ended(app *a)
{
    eval_view *v = &a->eval;
    if (!jobs_take_eval(a->train.jobs, &v->result, &v->seen)) return;
    v->have = 1;
    a->model.accuracy = v->result.e.accuracy;   /* recorded in the file when saved */
    dialog_open(&a->dialog, DIALOG_EVAL);
    status_set(&a->status, 0, "%s: %.2f%% on the MNIST test set (%.1f s)", a->model.name, 100 * v->result.e.accuracy,
               v->result.seconds);
}

/* The run's model is in use; what it scores is set against the model
 * before it, which stays one click away until the user keeps the new one. */
static void train_ended(app *a)
{
    const jobs_status *j = &a->train.job;
    const char *how = j->phase == PHASE_STOPPED ? "stopped" : "finished";
    app_copy_text(a->model.name, sizeof a->model.name, "trained here");
    a->model.accuracy = j->last_test_step == j->progress.step ? j->last_test_acc : NAN;
    verbose_line("trained", "%ld\t%.4f\t%.4f", j->progress.step, a->model.accuracy, a->model.previous_accuracy);
    if (isnan(a->model.accuracy))
        status_set(&a->status, 0, "training %s at step %ld; the window now uses this network", how, j->progress.step);
    else
        status_set(&a->status, 0, "training %s at step %ld: %.2f%% on the MNIST test set", how, j->progress.step,
                   100 * a->model.accuracy);
    if (a->model.previous) dialog_open(&a->dialog, DIALOG_TRAINED);
}

void training_previous_choice(app *a, int keep)
{
    if (!a->model.previous) return;
    if (training_blocker(a)) {   /* a job would write its weights over the model gone back to */
        status_set(&a->status, 1, "wait for the running job to finish, or Stop it");
        return;
    }
    model_resolve_previous(&a->model, keep, &a->status);
    verbose_line("previous", "%s", keep ? "keep" : "back");
    if (a->dialog.open == DIALOG_TRAINED) dialog_open(&a->dialog, DIALOG_NONE);
}

static void job_ended(app *a)
{
    static const char *const phases[] = {"idle", "loading", "running", "done", "stopped", "failed"};
    static const char *const kinds[] = {"idle", "train", "eval", "finetune"};
    const jobs_status *j = &a->train.job;
    dp_memory_release_free();   /* a job's blocks, freed in bulk */
    verbose_line("job", "%s\t%s\t%ld", kinds[j->kind], phases[j->phase], j->progress.step);
    if (j->kind == JOB_FINETUNE) finetune_ended(a);
    else if (j->phase == PHASE_FAILED) {
        if (j->kind == JOB_TRAIN && a->model.previous)   /* the failed run's network is nothing to keep */
            model_resolve_previous(&a->model, 0, &a->status);
        status_set(&a->status, 1, "%s", j->message);
        dialog_message(&a->dialog, j->kind == JOB_EVAL ? "Evaluation failed" : "Training failed", j->message);
    }
    else if (j->kind == JOB_EVAL) eval_ended(a);
    else train_ended(a);
}

void training_poll(app *a)
{
    training *t = &a->train;
    /* One snapshot: a job that ends between two reads would otherwise be
     * finished with the phase it had before. */
    jobs_get_status(t->jobs, &t->job);
    int busy = t->job.busy, ended = t->job.done != t->done_seen;
    /* A run's points and weights while it runs, and its last ones when it
     * ends; not afterwards (a plotted CSV has replaced the curves). */
    if ((t->job.kind == JOB_TRAIN || t->job.kind == JOB_FINETUNE) && (busy || ended)) {
        if (jobs_sync_curves(t->jobs, &t->curves) > 0) a->dirty = 1;
        if (jobs_take_weights(t->jobs, a->model.net, &t->weights_seen)) model_touched(&a->model), a->dirty = 1;
        log_curves(t);
    }
    if (ended) {   /* counted, so a job that started and ended between two polls is not missed */
        t->done_seen = t->job.done;
        job_ended(a);
    }
    if (t->curves.loss.n != t->logged_shown) {   /* what the loss chart shows, for scripted tests */
        t->logged_shown = t->curves.loss.n;
        verbose_line("chart", "%d", t->logged_shown);
    }
    if (busy != t->was_busy) {
        a->dirty = 1;
        verbose_line("busy", "%d", busy);   /* for scripted tests: a job runs or not */
    }
    t->was_busy = busy;
}

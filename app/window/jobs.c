#include "jobs.h"
#include "common.h"
#include "mnist.h"
#include "pace.h"
#include "platform.h"
#include "preprocess.h"
#include "worker.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define PUBLISH_INTERVAL 0.1     /* seconds between weight snapshots */
#define HELDOUT_IMAGES 1000      /* live accuracy on a fixed test subset */
#define HELDOUT_INTERVAL 1.0     /* seconds between live accuracy points (~2 % of the time) */

struct jobs {
    worker *w;
    atomic_int closing;          /* the window closes: a stopped run ends without measuring */

    /* Published, under the worker's lock. */
    jobs_status status;
    train_curves curves;
    dp_net *snapshot;            /* latest published weights */
    unsigned snapshot_version;
    eval_result eval;
    unsigned eval_version;

    /* The worker thread's own. */
    dp_dataset train_set, test_set, heldout;
    char data_dir[4096];         /* the folder train_set and test_set came from ("" if none) */
    chart_ema ema;
    throttle publish, heldout_pace;
    dp_exec *eval_exec;          /* for live accuracy between steps */
    const dp_dataset *personal;  /* a fine-tune's user test digits, for live accuracy */
};

/* A job and copies of everything it works on. */
typedef struct {
    jobs *owner;
    job_kind kind;
    dp_arch arch;
    dp_net *from;                /* starting weights (a copy), or NULL */
    dp_train_cfg cfg;
    dp_finetune_cfg ft_cfg;
    dp_dataset mine, mine_test;  /* a fine-tune's user digits */
    char mnist_dir[4096];
} job;

/* ---- chart points ----------------------------------------------------------------- */

static void each_series(train_curves *c, void (*fn)(chart_series *))
{
    chart_series *all[] = {&c->loss, &c->loss_smooth, &c->heldout, &c->test, &c->personal};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) fn(all[i]);
    for (int d = 0; d < 10; d++) fn(&c->drawing[d]);
}

void train_curves_init(train_curves *c) { each_series(c, chart_series_init); }
void train_curves_clear(train_curves *c) { each_series(c, chart_series_clear); }
void train_curves_free(train_curves *c) { each_series(c, chart_series_free); }

void eval_result_free(eval_result *r)
{
    dp_evaluation_free(&r->e);
    free(r->images);
    free(r->labels);
    memset(r, 0, sizeof *r);
}

/* ---- on the worker ------------------------------------------------------------- */

static void set_phase(jobs *j, job_phase phase, const char *message)
{
    worker_lock(j->w);
    j->status.phase = phase;
    if (message) snprintf(j->status.message, sizeof j->status.message, "%s", message);
    worker_unlock(j->w);
    worker_wake(j->w, 1);
}

/* ---- MNIST from beside the page (a browser) ---------------------------------------- */

typedef struct {
    jobs *j;
    long long before;   /* bytes of the files already fetched */
} fetch_news;

static void on_fetch_progress(void *ctx, long long done, long long total)
{
    (void)total;   /* servers may not say; the files' published sizes do */
    fetch_news *n = ctx;
    worker_lock(n->j->w);
    n->j->status.fetched = n->before + done;
    worker_unlock(n->j->w);
    worker_wake(n->j->w, 0);
}

/* A fetched file must be an MNIST file, gzipped or not (a server may
 * unpack it on the way): a host that answers a missing file with a web
 * page would otherwise leave that page where MNIST is looked for, for
 * good. It is removed then. */
static int check_fetched(const char *path, const char *url)
{
    unsigned char head[4] = {0};
    FILE *f = dp_fopen(path, "rb");
    size_t n = f ? fread(head, 1, sizeof head, f) : 0;
    if (f) fclose(f);
    int gzip = n >= 2 && head[0] == 0x1f && head[1] == 0x8b;
    int idx = n == 4 && head[0] == 0 && head[1] == 0 && head[2] == 8 && (head[3] == 1 || head[3] == 3);
    if (gzip || idx) return 0;
    dp_remove_file(path);
    return dp_set_error("%s is not an MNIST file: the server answered with something else", url);
}

/* Where the system can fetch files (a browser page), the MNIST files that
 * are missing from DIR come from mnist/ beside the page, once: DIR is kept
 * in the page's lasting storage. */
static int fetch_missing(jobs *j, const char *dir)
{
    if (dp_mnist_present(dir) || !dp_fetch_available()) return 0;
    fetch_news news = {j, 0};
    long long total = 0;
    for (int i = 0; i < 4; i++) total += dp_mnist_gz_bytes[i];
    worker_lock(j->w);
    j->status.fetched = 0, j->status.fetch_total = total;
    worker_unlock(j->w);
    set_phase(j, PHASE_LOADING, "downloading MNIST");
    int rc = dp_make_dirs(dir);
    for (int i = 0; i < 4 && rc == 0; i++) {
        char url[128], path[4200];
        snprintf(url, sizeof url, "mnist/%s.gz", dp_mnist_names[i]);
        snprintf(path, sizeof path, "%s/%s.gz", dir, dp_mnist_names[i]);
        if (dp_path_kind_of(path) != DP_PATH_FILE &&
            (rc = dp_fetch_file(url, path, on_fetch_progress, &news, worker_stop_flag(j->w))) == 0)
            rc = check_fetched(path, url);
        news.before += dp_mnist_gz_bytes[i];
    }
    worker_lock(j->w);
    j->status.fetched = j->status.fetch_total = 0;
    worker_unlock(j->w);
    if (rc == -2)
        dp_set_error("%s: this site has no MNIST to train on. Whoever built it can add the four files with "
                     "DIGITPAD_MNIST=folder tools/build-web.sh", dp_error());
    return rc ? -1 : 0;
}

/* Loads MNIST once per folder; later jobs reuse it. */
static int ensure_data(jobs *j, const char *dir)
{
    if (j->data_dir[0] && strcmp(dir, j->data_dir) == 0) return 0;
    if (fetch_missing(j, dir) != 0) return -1;
    dp_dataset_free(&j->train_set);
    dp_dataset_free(&j->test_set);
    j->data_dir[0] = 0;
    if (dp_mnist_load(&j->train_set, dir, "train") != 0 || dp_mnist_load(&j->test_set, dir, "t10k") != 0)
        return -1;
    j->heldout = j->test_set;   /* a view: the first HELDOUT_IMAGES test images */
    j->heldout.n = j->test_set.n < HELDOUT_IMAGES ? j->test_set.n : HELDOUT_IMAGES;
    snprintf(j->data_dir, sizeof j->data_dir, "%s", dir);
    return 0;
}

static void publish_weights(jobs *j, const dp_net *net)
{
    worker_lock(j->w);
    if (j->snapshot && j->snapshot->n_params == net->n_params) {
        dp_net_copy_params(j->snapshot, net);
        j->snapshot_version++;
    }
    worker_unlock(j->w);
}

static void publish_progress(jobs *j, const dp_train_progress *p, float smooth, double heldout, double personal)
{
    worker_lock(j->w);
    j->status.progress = *p;
    chart_series_add(&j->curves.loss, (float)p->step, (float)p->loss);
    chart_series_add(&j->curves.loss_smooth, (float)p->step, smooth);
    if (!isnan(heldout)) chart_series_add(&j->curves.heldout, (float)p->step, (float)heldout);
    if (!isnan(personal)) chart_series_add(&j->curves.personal, (float)p->step, (float)personal);
    if (!isnan(p->test_acc)) {
        chart_series_add(&j->curves.test, (float)p->step, (float)p->test_acc);
        j->status.last_test_acc = p->test_acc;
        j->status.last_test_step = p->step;
    }
    worker_unlock(j->w);
}

/* A run that stopped between epochs is measured where it stopped, so its
 * result can be set against the model before it (not when the window closes). */
static void measure_end(jobs *j, const dp_net *net)
{
    worker_lock(j->w);
    int measured = !isnan(j->status.last_test_acc) && j->status.last_test_step == j->status.progress.step;
    worker_unlock(j->w);
    if (measured || atomic_load(&j->closing) || !j->test_set.n) return;
    double acc = dp_accuracy(j->eval_exec, net, &j->test_set);
    worker_lock(j->w);
    j->status.last_test_acc = acc;
    j->status.last_test_step = j->status.progress.step;
    worker_unlock(j->w);
}

static int on_progress(const dp_train_progress *p, const dp_net *net, void *user)
{
    jobs *j = user;
    float smooth = chart_ema_add(&j->ema, (float)p->loss);
    double heldout = NAN, personal = NAN;
    if (throttle_ready(&j->heldout_pace, dp_now(), p->epoch_done || p->step == p->total_steps)) {
        heldout = dp_accuracy(j->eval_exec, net, &j->heldout);
        if (j->personal && j->personal->n) personal = dp_accuracy(j->eval_exec, net, j->personal);
    }
    publish_progress(j, p, smooth, heldout, personal);
    if (throttle_ready(&j->publish, dp_now(), p->epoch_done)) publish_weights(j, net);
    worker_wake(j->w, p->epoch_done);
    return worker_should_stop(j->w);
}

static void start_curves(jobs *j)
{
    j->ema = (chart_ema){.alpha = 0.1f};
    throttle_init(&j->publish, PUBLISH_INTERVAL);
    throttle_init(&j->heldout_pace, HELDOUT_INTERVAL);
    throttle_ready(&j->heldout_pace, dp_now(), 1);   /* the first point after a second, not at step 10 */
}

/* The end of a training or fine-tuning run: its last weights, and its phase
 * from dp_trainer_run's or dp_finetune_run's result. */
static void finish_run(jobs *j, const dp_net *net, int rc)
{
    publish_weights(j, net);
    j->eval_exec = NULL;
    j->personal = NULL;
    if (rc < 0) set_phase(j, PHASE_FAILED, dp_error());
    else set_phase(j, rc == 1 ? PHASE_STOPPED : PHASE_DONE, rc == 1 ? "stopped" : "finished");
}

static void run_train(jobs *j, job *jb)
{
    dp_net *net = dp_net_create(&jb->arch);
    dp_trainer *t = NULL;
    if (net && jb->from) dp_net_copy_params(net, jb->from);
    else if (net) dp_net_init(net, jb->cfg.seed);
    if (!net || !(t = dp_trainer_create(net, &jb->cfg, NULL, &j->train_set, &j->test_set))) {
        set_phase(j, PHASE_FAILED, dp_error());
        dp_net_free(net);
        return;
    }
    j->eval_exec = dp_trainer_exec(t);
    start_curves(j);
    set_phase(j, PHASE_RUNNING, "training");
    publish_weights(j, net);
    int rc = dp_trainer_run(t, worker_stop_flag(j->w), on_progress, j);
    if (rc >= 0) measure_end(j, net);
    finish_run(j, net, rc);
    dp_trainer_free(t);
    dp_net_free(net);
}

/* Fine-tuning: the same as training for the window (curves, snapshots), on
 * the mix dp_finetune_run makes, measured before and after. */
static void run_finetune(jobs *j, job *jb)
{
    dp_net *net = dp_net_create(&jb->from->arch);
    dp_exec *ex = net ? dp_exec_create(net, 256, jb->ft_cfg.threads, 0) : NULL;
    if (!ex) {
        set_phase(j, PHASE_FAILED, dp_error());
        dp_net_free(net);
        return;
    }
    dp_net_copy_params(net, jb->from);
    j->eval_exec = ex;
    j->personal = &jb->mine_test;
    start_curves(j);
    set_phase(j, PHASE_RUNNING, "fine-tuning");
    publish_weights(j, net);
    dp_finetune_data data = {&j->train_set, &j->test_set, &jb->mine, &jb->mine_test};
    dp_finetune_score before, after;
    int rc = dp_finetune_run(net, &jb->ft_cfg, &data, worker_stop_flag(j->w), on_progress, j, &before, &after);
    if (rc >= 0) {
        worker_lock(j->w);
        j->status.before = before;
        j->status.after = after;
        j->status.last_test_acc = after.mnist;
        worker_unlock(j->w);
    }
    finish_run(j, net, rc);
    dp_exec_free(ex);
    dp_net_free(net);
}

/* How far an evaluation is, for the window's progress bar. */
static void eval_progress(void *user, long done, long total)
{
    jobs *j = user;
    worker_lock(j->w);
    j->status.progress.step = done;
    j->status.progress.total_steps = total;
    worker_unlock(j->w);
    worker_wake(j->w, 0);
}

/* Every test image's answer and probabilities, with copies of the images
 * for the window to show. */
static int evaluate_all(jobs *j, eval_result *r, const dp_net *net, const dp_dataset *ds, int threads)
{
    dp_exec *ex = dp_exec_create(net, 250, threads, 0);
    double t0 = dp_now();
    if (!ex || dp_evaluate_with_progress(&r->e, ex, net, ds, DP_EVAL_KEEP, eval_progress, j) != 0) {
        dp_exec_free(ex);
        return -1;
    }
    dp_exec_free(ex);
    r->seconds = dp_now() - t0;
    r->images = dp_alloc((size_t)ds->n, DP_PIXELS);
    r->labels = dp_alloc((size_t)ds->n, 1);
    if (!r->images || !r->labels) return -1;
    memcpy(r->images, ds->images, (size_t)ds->n * DP_PIXELS);
    memcpy(r->labels, ds->labels, (size_t)ds->n);
    return 0;
}

static void run_eval(jobs *j, job *jb)
{
    set_phase(j, PHASE_RUNNING, "evaluating");
    eval_result r = {0};
    if (evaluate_all(j, &r, jb->from, &j->test_set, jb->cfg.threads) != 0) {
        eval_result_free(&r);
        set_phase(j, PHASE_FAILED, dp_error());
        return;
    }
    worker_lock(j->w);
    eval_result_free(&j->eval);
    j->eval = r;
    j->eval_version++;
    worker_unlock(j->w);
    set_phase(j, PHASE_DONE, "evaluated");
}

static void run_job(worker *w, void *p)
{
    (void)w;
    job *jb = p;
    jobs *j = jb->owner;
    set_phase(j, PHASE_LOADING, "loading MNIST");
    if (ensure_data(j, jb->mnist_dir) != 0) {
        set_phase(j, PHASE_FAILED, dp_error());
        return;
    }
    if (jb->kind == JOB_TRAIN) run_train(j, jb);
    else if (jb->kind == JOB_FINETUNE) run_finetune(j, jb);
    else run_eval(j, jb);
}

static void free_job(void *p)
{
    job *jb = p;
    dp_net_free(jb->from);
    dp_dataset_free(&jb->mine);
    dp_dataset_free(&jb->mine_test);
    free(jb);
}

/* ---- on the window's thread ------------------------------------------------------- */

jobs *jobs_create(Uint32 wake_event)
{
    jobs *j = calloc(1, sizeof *j);
    if (!j) return NULL;
    train_curves_init(&j->curves);
    j->status.last_test_acc = NAN;
    j->status.last_test_step = -1;
    if (!(j->w = worker_create("trainer", wake_event, WORKER_BACKGROUND))) {
        jobs_free(j);
        return NULL;
    }
    return j;
}

void jobs_free(jobs *j)
{
    if (!j) return;
    atomic_store(&j->closing, 1);
    worker_free(j->w);   /* first: the job may still be using the rest */
    dp_net_free(j->snapshot);
    eval_result_free(&j->eval);
    train_curves_free(&j->curves);
    dp_dataset_free(&j->train_set);
    dp_dataset_free(&j->test_set);
    free(j);
}

static int copy_dataset(dp_dataset *dst, const dp_dataset *src)
{
    *dst = (dp_dataset){.n = src->n, .rows = src->rows, .cols = src->cols};
    size_t size = (size_t)src->rows * src->cols;
    if (!src->n) return 0;
    dst->images = dp_alloc((size_t)src->n, size);
    dst->labels = dp_alloc((size_t)src->n, 1);
    if (!dst->images || !dst->labels) {
        dp_dataset_free(dst);
        return -1;
    }
    memcpy(dst->images, src->images, (size_t)src->n * size);
    memcpy(dst->labels, src->labels, (size_t)src->n);
    return 0;
}

/* A job with copies of what it works on; NULL if out of memory. */
static job *new_job(jobs *j, job_kind kind, const dp_arch *arch, const dp_net *from, const char *mnist_dir)
{
    job *jb = calloc(1, sizeof *jb);
    if (!jb) {
        dp_set_error("out of memory for a new job");
        return NULL;
    }
    *jb = (job){.owner = j, .kind = kind, .arch = *arch, .cfg = dp_train_defaults()};
    snprintf(jb->mnist_dir, sizeof jb->mnist_dir, "%s", mnist_dir);
    if (from && !(jb->from = dp_net_create(&from->arch))) {
        free_job(jb);
        return NULL;
    }
    if (from) dp_net_copy_params(jb->from, from);
    return jb;
}

/* Makes the published state that of a new job of this kind, and hands the
 * job to the worker; -1 (the job freed) if one is running. */
static int post(jobs *j, job *jb)
{
    int trains = jb->kind == JOB_TRAIN || jb->kind == JOB_FINETUNE;
    dp_net *snap = trains ? dp_net_create(&jb->arch) : NULL;
    if ((trains && !snap) || jobs_busy(j)) {
        if (!trains || snap) dp_set_error("a job is already running");   /* else dp_net_create said why */
        dp_net_free(snap);
        free_job(jb);
        return -1;
    }
    worker_lock(j->w);
    if (trains) {
        dp_net_free(j->snapshot);
        j->snapshot = snap;
        j->snapshot_version = 0;   /* nothing to take until the job publishes (the window starts from 0) */
        train_curves_clear(&j->curves);
        j->status.last_test_acc = NAN;
        j->status.last_test_step = -1;
        j->status.before = j->status.after = (dp_finetune_score){NAN, NAN, 0, 0};
    }
    memset(&j->status.progress, 0, sizeof j->status.progress);   /* an evaluation's too: its bar starts empty */
    j->status.kind = jb->kind;
    j->status.phase = PHASE_LOADING;
    j->status.message[0] = 0;
    worker_unlock(j->w);
    if (worker_post(j->w, run_job, free_job, jb, WORKER_WHEN_IDLE) != 0) {   /* only this thread posts */
        free_job(jb);
        return dp_set_error("a job is already running");
    }
    return 0;
}

int jobs_start_train(jobs *j, const dp_arch *arch, const dp_net *from, const dp_train_cfg *cfg, const char *mnist_dir)
{
    job *jb = new_job(j, JOB_TRAIN, arch, from, mnist_dir);
    if (!jb) return -1;
    jb->cfg = *cfg;
    return post(j, jb);
}

int jobs_start_finetune(jobs *j, const dp_net *from, const dp_finetune_cfg *cfg, const char *mnist_dir,
                        const dp_dataset *mine, const dp_dataset *mine_test)
{
    job *jb = new_job(j, JOB_FINETUNE, &from->arch, from, mnist_dir);
    if (!jb) return -1;
    jb->ft_cfg = *cfg;
    if (copy_dataset(&jb->mine, mine) != 0 || copy_dataset(&jb->mine_test, mine_test) != 0) {
        free_job(jb);
        return -1;
    }
    return post(j, jb);
}

int jobs_start_eval(jobs *j, const dp_net *net, const char *mnist_dir)
{
    job *jb = new_job(j, JOB_EVAL, &net->arch, net, mnist_dir);
    return jb ? post(j, jb) : -1;
}

void jobs_stop(jobs *j) { worker_stop(j->w); }

int jobs_busy(jobs *j) { return worker_busy(j->w); }

void jobs_get_status(jobs *j, jobs_status *out)
{
    worker_lock(j->w);
    *out = j->status;
    out->busy = worker_busy_locked(j->w);
    out->done = worker_done_locked(j->w);
    worker_unlock(j->w);
}

static int append_from(chart_series *dst, const chart_series *src)
{
    int added = 0;
    if (dst->n > src->n) chart_series_clear(dst);   /* a new run began */
    for (int i = dst->n; i < src->n; i++, added++) chart_series_add(dst, src->x[i], src->y[i]);
    return added;
}

int jobs_sync_curves(jobs *j, train_curves *dst)
{
    worker_lock(j->w);
    int n = append_from(&dst->loss, &j->curves.loss);
    append_from(&dst->loss_smooth, &j->curves.loss_smooth);
    append_from(&dst->heldout, &j->curves.heldout);
    append_from(&dst->test, &j->curves.test);
    append_from(&dst->personal, &j->curves.personal);
    worker_unlock(j->w);
    return n;
}

int jobs_take_weights(jobs *j, dp_net *dst, unsigned *seen)
{
    int copied = 0;
    worker_lock(j->w);
    if (j->snapshot && j->snapshot_version != *seen && dst->n_params == j->snapshot->n_params) {
        dp_net_copy_params(dst, j->snapshot);
        *seen = j->snapshot_version;
        copied = 1;
    }
    worker_unlock(j->w);
    return copied;
}

int jobs_take_eval(jobs *j, eval_result *out, unsigned *seen)
{
    int fresh = 0;
    worker_lock(j->w);
    if (j->eval_version != *seen) {
        eval_result_free(out);
        *out = j->eval;
        memset(&j->eval, 0, sizeof j->eval);   /* the arrays are the caller's now */
        *seen = j->eval_version;
        fresh = 1;
    }
    worker_unlock(j->w);
    return fresh;
}

#include "trainer.h"
#include "common.h"
#include "mnist.h"
#include "pace.h"
#include "platform.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define PUBLISH_INTERVAL 0.1     /* seconds between weight snapshots */
#define WAKE_INTERVAL 0.1        /* charts and progress redraw 10 times a second */
#define HELDOUT_IMAGES 1000      /* live accuracy on a fixed test subset */
#define HELDOUT_INTERVAL 1.0     /* seconds between live accuracy points (~2 % of the time) */

struct trainer {
    SDL_Thread *thread;
    SDL_mutex *lock;
    SDL_cond *wake_worker;
    Uint32 wake_event;
    atomic_int stop;             /* the running job should stop */
    int quit;                    /* the worker should exit (under lock) */

    /* The next job, handed over under lock. */
    job_kind pending;
    dp_arch arch;
    dp_net *from;                /* copy of the starting weights, or NULL */
    dp_train_cfg cfg;
    dp_finetune_cfg ft_cfg;
    dp_dataset mine, mine_test;  /* a fine-tune's user digits (copies; freed after the job) */
    char mnist_dir[4096];

    /* Published state, under lock. */
    trainer_status status;
    train_curves curves;
    dp_net *snapshot;            /* latest published weights */
    unsigned snapshot_version;
    eval_result eval;
    unsigned eval_version;
    int busy;

    /* Worker-only state. */
    dp_dataset train_set, test_set, heldout;
    int data_loaded;
    char data_dir[4096];
    chart_ema ema;
    throttle publish, wake, heldout_pace;
    dp_trainer *run;             /* the training run in progress */
    dp_exec *eval_exec;          /* for live accuracy between steps */
};

void train_curves_init(train_curves *c)
{
    chart_series_init(&c->loss);
    chart_series_init(&c->loss_smooth);
    chart_series_init(&c->heldout);
    chart_series_init(&c->test);
    chart_series_init(&c->personal);
    for (int d = 0; d < 10; d++) chart_series_init(&c->drawing[d]);
}

void train_curves_clear(train_curves *c)
{
    chart_series_clear(&c->loss);
    chart_series_clear(&c->loss_smooth);
    chart_series_clear(&c->heldout);
    chart_series_clear(&c->test);
    chart_series_clear(&c->personal);
    for (int d = 0; d < 10; d++) chart_series_clear(&c->drawing[d]);
}

void train_curves_free(train_curves *c)
{
    chart_series_free(&c->loss);
    chart_series_free(&c->loss_smooth);
    chart_series_free(&c->heldout);
    chart_series_free(&c->test);
    chart_series_free(&c->personal);
    for (int d = 0; d < 10; d++) chart_series_free(&c->drawing[d]);
}

static void wake_window(trainer *tr, int force)
{
    if (!throttle_ready(&tr->wake, dp_now(), force)) return;
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = tr->wake_event;
    SDL_PushEvent(&ev);   /* thread-safe */
}

static void set_phase(trainer *tr, job_phase phase, const char *message)
{
    SDL_LockMutex(tr->lock);
    tr->status.phase = phase;
    if (message) snprintf(tr->status.message, sizeof tr->status.message, "%s", message);
    SDL_UnlockMutex(tr->lock);
    wake_window(tr, 1);
}

/* Loads MNIST once per folder; later runs reuse it. */
static int ensure_data(trainer *tr, const char *dir)
{
    if (tr->data_loaded && strcmp(dir, tr->data_dir) == 0) return 0;
    dp_dataset_free(&tr->train_set);
    dp_dataset_free(&tr->test_set);
    tr->data_loaded = 0;
    if (dp_mnist_load(&tr->train_set, dir, "train") != 0 || dp_mnist_load(&tr->test_set, dir, "t10k") != 0)
        return -1;
    tr->heldout = tr->test_set;   /* a view: the first HELDOUT_IMAGES test images */
    tr->heldout.n = tr->test_set.n < HELDOUT_IMAGES ? tr->test_set.n : HELDOUT_IMAGES;
    snprintf(tr->data_dir, sizeof tr->data_dir, "%s", dir);
    tr->data_loaded = 1;
    return 0;
}

static void publish_weights(trainer *tr, const dp_net *net)
{
    SDL_LockMutex(tr->lock);
    if (tr->snapshot && tr->snapshot->n_params == net->n_params) {
        dp_net_copy_params(tr->snapshot, net);
        tr->snapshot_version++;
    }
    SDL_UnlockMutex(tr->lock);
}

static int on_progress(const dp_train_progress *p, const dp_net *net, void *user)
{
    trainer *tr = user;
    float smooth = chart_ema_add(&tr->ema, (float)p->loss);
    double heldout = NAN, personal = NAN;
    if (throttle_ready(&tr->heldout_pace, dp_now(), p->epoch_done || p->step == p->total_steps)) {
        heldout = dp_evaluate(tr->eval_exec, net, &tr->heldout, NULL);
        if (tr->mine_test.n) personal = dp_evaluate(tr->eval_exec, net, &tr->mine_test, NULL);
    }
    SDL_LockMutex(tr->lock);
    tr->status.progress = *p;
    chart_series_add(&tr->curves.loss, (float)p->step, (float)p->loss);
    chart_series_add(&tr->curves.loss_smooth, (float)p->step, smooth);
    if (!isnan(heldout)) chart_series_add(&tr->curves.heldout, (float)p->step, (float)heldout);
    if (!isnan(personal)) chart_series_add(&tr->curves.personal, (float)p->step, (float)personal);
    if (!isnan(p->test_acc)) {
        chart_series_add(&tr->curves.test, (float)p->step, (float)p->test_acc);
        tr->status.last_test_acc = p->test_acc;
    }
    SDL_UnlockMutex(tr->lock);
    if (throttle_ready(&tr->publish, dp_now(), p->epoch_done)) publish_weights(tr, net);
    wake_window(tr, p->epoch_done);
    return atomic_load(&tr->stop);
}

static void start_curves(trainer *tr)
{
    tr->ema = (chart_ema){.alpha = 0.1f};
    throttle_init(&tr->publish, PUBLISH_INTERVAL);
    throttle_init(&tr->heldout_pace, HELDOUT_INTERVAL);
    throttle_ready(&tr->heldout_pace, dp_now(), 1);   /* the first point after a second, not at step 10 */
}

static void run_train(trainer *tr)
{
    set_phase(tr, PHASE_LOADING, "loading MNIST");
    if (ensure_data(tr, tr->mnist_dir) != 0) {
        set_phase(tr, PHASE_FAILED, dp_error());
        return;
    }
    dp_net *net = dp_net_create(&tr->arch);
    dp_trainer *t = NULL;
    if (!net) goto fail;
    if (tr->from) dp_net_copy_params(net, tr->from);
    else dp_net_init(net, tr->cfg.seed);
    if (!(t = dp_trainer_create(net, &tr->cfg, NULL, &tr->train_set, &tr->test_set))) goto fail;
    tr->run = t;
    tr->eval_exec = dp_trainer_exec(t);
    start_curves(tr);
    set_phase(tr, PHASE_RUNNING, "training");
    publish_weights(tr, net);
    int rc = dp_trainer_run(t, &tr->stop, on_progress, tr);
    publish_weights(tr, net);
    if (rc < 0) goto fail;
    set_phase(tr, rc == 1 ? PHASE_STOPPED : PHASE_DONE, rc == 1 ? "stopped" : "finished");
    goto done;
fail:
    set_phase(tr, PHASE_FAILED, dp_error());
done:
    dp_trainer_free(t);
    tr->run = NULL;
    tr->eval_exec = NULL;
    dp_net_free(net);
}

/* Fine-tuning: the same as training for the window (curves, snapshots), on
 * the mix dp_finetune_run makes, measured before and after. */
static void run_finetune(trainer *tr)
{
    set_phase(tr, PHASE_LOADING, "loading MNIST");
    if (ensure_data(tr, tr->mnist_dir) != 0) {
        set_phase(tr, PHASE_FAILED, dp_error());
        return;
    }
    dp_net *net = dp_net_create(&tr->from->arch);
    dp_exec *ex = net ? dp_exec_create(net, 256, tr->ft_cfg.threads, 0) : NULL;
    if (!ex) {
        set_phase(tr, PHASE_FAILED, dp_error());
        dp_net_free(net);
        return;
    }
    dp_net_copy_params(net, tr->from);
    tr->eval_exec = ex;
    start_curves(tr);
    set_phase(tr, PHASE_RUNNING, "fine-tuning");
    publish_weights(tr, net);
    dp_finetune_data data = {&tr->train_set, &tr->test_set, &tr->mine, &tr->mine_test};
    dp_finetune_score before, after;
    int rc = dp_finetune_run(net, &tr->ft_cfg, &data, &tr->stop, on_progress, tr, &before, &after);
    publish_weights(tr, net);
    if (rc >= 0) {
        SDL_LockMutex(tr->lock);
        tr->status.before = before;
        tr->status.after = after;
        tr->status.last_test_acc = after.mnist;
        SDL_UnlockMutex(tr->lock);
    }
    tr->eval_exec = NULL;
    dp_exec_free(ex);
    dp_net_free(net);
    if (rc < 0) set_phase(tr, PHASE_FAILED, dp_error());
    else set_phase(tr, rc == 1 ? PHASE_STOPPED : PHASE_DONE, rc == 1 ? "stopped" : "finished");
}

void eval_result_free(eval_result *r)
{
    free(r->images);
    free(r->labels);
    free(r->predicted);
    free(r->probs);
    r->images = r->labels = r->predicted = NULL;
    r->probs = NULL;
    r->n = 0;
}

/* Every test image's probabilities, the answers, accuracy and confusion,
 * and a copy of the images for the window to show. */
static int evaluate_all(eval_result *r, dp_exec *ex, const dp_net *net, const dp_dataset *ds)
{
    enum { CHUNK = 250 };
    int n = ds->n;
    float *x = dp_alloc_floats((size_t)CHUNK * 784);
    r->images = dp_alloc((size_t)n, 784);
    r->labels = dp_alloc((size_t)n, 1);
    r->predicted = dp_alloc((size_t)n, 1);
    r->probs = dp_alloc_floats((size_t)n * DP_CLASSES);
    if (!x || !r->images || !r->labels || !r->predicted || !r->probs) {
        free(x);
        return -1;
    }
    r->n = n;
    memcpy(r->images, ds->images, (size_t)n * 784);
    memcpy(r->labels, ds->labels, (size_t)n);
    memset(r->confusion, 0, sizeof r->confusion);
    int right = 0;
    for (int first = 0; first < n; first += CHUNK) {
        int m = n - first < CHUNK ? n - first : CHUNK;
        dp_dataset_floats(x, ds, first, m);
        dp_net_predict(ex, net, x, m, r->probs + (long)first * DP_CLASSES);
    }
    for (int i = 0; i < n; i++) {
        int p = dp_argmax(r->probs + (long)i * DP_CLASSES, DP_CLASSES);
        r->predicted[i] = (uint8_t)p;
        r->confusion[r->labels[i]][p]++;
        right += p == r->labels[i];
    }
    r->accuracy = n ? (double)right / n : 0;
    free(x);
    return 0;
}

static void run_eval(trainer *tr)
{
    set_phase(tr, PHASE_LOADING, "loading MNIST");
    if (ensure_data(tr, tr->mnist_dir) != 0) {
        set_phase(tr, PHASE_FAILED, dp_error());
        return;
    }
    set_phase(tr, PHASE_RUNNING, "evaluating");
    dp_exec *ex = dp_exec_create(tr->from, 250, tr->cfg.threads, 0);
    if (!ex) {
        set_phase(tr, PHASE_FAILED, dp_error());
        return;
    }
    eval_result r = {0};
    double t0 = dp_now();
    int rc = evaluate_all(&r, ex, tr->from, &tr->test_set);
    r.seconds = dp_now() - t0;
    dp_exec_free(ex);
    if (rc != 0) {
        eval_result_free(&r);
        set_phase(tr, PHASE_FAILED, dp_error());
        return;
    }
    SDL_LockMutex(tr->lock);
    eval_result_free(&tr->eval);
    tr->eval = r;
    tr->eval_version++;
    SDL_UnlockMutex(tr->lock);
    set_phase(tr, PHASE_DONE, "evaluated");
}

static int worker_main(void *arg)
{
    trainer *tr = arg;
    /* Training yields to the window and the display server: it runs only
     * when they do not need the CPU (SCHED_IDLE; failing that, the nicest
     * priority). The pool threads the trainer creates inherit it. With the
     * window idle it still gets both cores. */
    dp_thread_yield_to_others();
    SDL_LockMutex(tr->lock);
    for (;;) {
        while (tr->pending == JOB_IDLE && !tr->quit) SDL_CondWait(tr->wake_worker, tr->lock);
        if (tr->quit) break;
        job_kind job = tr->pending;
        tr->pending = JOB_IDLE;
        SDL_UnlockMutex(tr->lock);
        if (job == JOB_TRAIN) run_train(tr);
        else if (job == JOB_FINETUNE) run_finetune(tr);
        else run_eval(tr);
        SDL_LockMutex(tr->lock);
        dp_net_free(tr->from);
        tr->from = NULL;
        dp_dataset_free(&tr->mine);
        dp_dataset_free(&tr->mine_test);
        tr->busy = 0;
    }
    SDL_UnlockMutex(tr->lock);
    return 0;
}

trainer *trainer_create(Uint32 wake_event)
{
    trainer *tr = calloc(1, sizeof *tr);
    if (!tr) return NULL;
    tr->wake_event = wake_event;
    throttle_init(&tr->wake, WAKE_INTERVAL);
    tr->lock = SDL_CreateMutex();
    tr->wake_worker = SDL_CreateCond();
    train_curves_init(&tr->curves);
    tr->status.last_test_acc = NAN;
    if (tr->lock && tr->wake_worker) tr->thread = SDL_CreateThread(worker_main, "trainer", tr);
    if (!tr->thread) {
        trainer_free(tr);
        return NULL;
    }
    return tr;
}

void trainer_free(trainer *tr)
{
    if (!tr) return;
    if (tr->thread) {
        atomic_store(&tr->stop, 1);
        SDL_LockMutex(tr->lock);
        tr->quit = 1;
        SDL_CondSignal(tr->wake_worker);
        SDL_UnlockMutex(tr->lock);
        SDL_WaitThread(tr->thread, NULL);
    }
    dp_net_free(tr->from);
    dp_net_free(tr->snapshot);
    dp_dataset_free(&tr->mine);
    dp_dataset_free(&tr->mine_test);
    eval_result_free(&tr->eval);
    train_curves_free(&tr->curves);
    dp_dataset_free(&tr->train_set);
    dp_dataset_free(&tr->test_set);
    if (tr->wake_worker) SDL_DestroyCond(tr->wake_worker);
    if (tr->lock) SDL_DestroyMutex(tr->lock);
    free(tr);
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

/* A job and what it works on; the trainer copies all of it. */
typedef struct {
    job_kind kind;
    const dp_arch *arch;
    const dp_net *from;
    const dp_train_cfg *cfg;
    const dp_finetune_cfg *ft_cfg;
    const dp_dataset *mine, *mine_test;
    const char *mnist_dir;
} job_spec;

/* Hands a job to the worker; fails if one is running. */
static int post_job(trainer *tr, const job_spec *job)
{
    job_kind kind = job->kind;
    int trains = kind == JOB_TRAIN || kind == JOB_FINETUNE;
    SDL_LockMutex(tr->lock);
    if (tr->busy) {
        SDL_UnlockMutex(tr->lock);
        return -1;
    }
    dp_net *copy = NULL, *snap = NULL;
    dp_dataset mine = {0}, mine_test = {0};
    if (job->from && !(copy = dp_net_create(&job->from->arch))) goto fail;
    if (copy) dp_net_copy_params(copy, job->from);
    if (trains && !(snap = dp_net_create(job->arch))) goto fail;
    if (job->mine && (copy_dataset(&mine, job->mine) != 0 || copy_dataset(&mine_test, job->mine_test) != 0)) goto fail;
    tr->from = copy;
    tr->arch = *job->arch;
    tr->cfg = job->cfg ? *job->cfg : dp_train_defaults();
    if (job->ft_cfg) tr->ft_cfg = *job->ft_cfg;
    tr->mine = mine;
    tr->mine_test = mine_test;
    snprintf(tr->mnist_dir, sizeof tr->mnist_dir, "%s", job->mnist_dir);
    if (trains) {
        dp_net_free(tr->snapshot);
        tr->snapshot = snap;
        train_curves_clear(&tr->curves);
        memset(&tr->status.progress, 0, sizeof tr->status.progress);
        tr->status.last_test_acc = NAN;
        tr->status.before = tr->status.after = (dp_finetune_score){NAN, NAN, 0, 0};
    }
    tr->status.kind = kind;
    tr->status.phase = PHASE_LOADING;
    tr->status.message[0] = 0;
    tr->pending = kind;
    tr->busy = 1;
    atomic_store(&tr->stop, 0);
    SDL_CondSignal(tr->wake_worker);
    SDL_UnlockMutex(tr->lock);
    return 0;
fail:
    dp_net_free(copy);
    dp_net_free(snap);
    dp_dataset_free(&mine);
    dp_dataset_free(&mine_test);
    SDL_UnlockMutex(tr->lock);
    return -1;
}

int trainer_start_train(trainer *tr, const dp_arch *arch, const dp_net *from, const dp_train_cfg *cfg,
                        const char *mnist_dir)
{
    job_spec job = {.kind = JOB_TRAIN, .arch = arch, .from = from, .cfg = cfg, .mnist_dir = mnist_dir};
    return post_job(tr, &job);
}

int trainer_start_finetune(trainer *tr, const dp_net *from, const dp_finetune_cfg *cfg, const char *mnist_dir,
                           const dp_dataset *mine, const dp_dataset *mine_test)
{
    job_spec job = {.kind = JOB_FINETUNE, .arch = &from->arch, .from = from, .ft_cfg = cfg, .mine = mine,
                    .mine_test = mine_test, .mnist_dir = mnist_dir};
    return post_job(tr, &job);
}

int trainer_start_eval(trainer *tr, const dp_net *net, const char *mnist_dir)
{
    job_spec job = {.kind = JOB_EVAL, .arch = &net->arch, .from = net, .mnist_dir = mnist_dir};
    return post_job(tr, &job);
}

void trainer_request_stop(trainer *tr) { atomic_store(&tr->stop, 1); }

int trainer_busy(trainer *tr)
{
    SDL_LockMutex(tr->lock);
    int busy = tr->busy;
    SDL_UnlockMutex(tr->lock);
    return busy;
}

void trainer_get_status(trainer *tr, trainer_status *out)
{
    SDL_LockMutex(tr->lock);
    *out = tr->status;
    out->busy = tr->busy;
    SDL_UnlockMutex(tr->lock);
}

static int append_from(chart_series *dst, const chart_series *src)
{
    int added = 0;
    if (dst->n > src->n) chart_series_clear(dst);   /* a new run began */
    for (int i = dst->n; i < src->n; i++, added++) chart_series_add(dst, src->x[i], src->y[i]);
    return added;
}

int trainer_sync_curves(trainer *tr, train_curves *dst)
{
    SDL_LockMutex(tr->lock);
    int n = append_from(&dst->loss, &tr->curves.loss);
    append_from(&dst->loss_smooth, &tr->curves.loss_smooth);
    append_from(&dst->heldout, &tr->curves.heldout);
    append_from(&dst->test, &tr->curves.test);
    append_from(&dst->personal, &tr->curves.personal);
    SDL_UnlockMutex(tr->lock);
    return n;
}

int trainer_take_weights(trainer *tr, dp_net *dst, unsigned *seen)
{
    int copied = 0;
    SDL_LockMutex(tr->lock);
    if (tr->snapshot && tr->snapshot_version != *seen && dst->n_params == tr->snapshot->n_params) {
        dp_net_copy_params(dst, tr->snapshot);
        *seen = tr->snapshot_version;
        copied = 1;
    }
    SDL_UnlockMutex(tr->lock);
    return copied;
}

int trainer_take_eval(trainer *tr, eval_result *out, unsigned *seen)
{
    int fresh = 0;
    SDL_LockMutex(tr->lock);
    if (tr->eval_version != *seen) {
        eval_result_free(out);
        *out = tr->eval;
        memset(&tr->eval, 0, sizeof tr->eval);   /* the arrays are the caller's now */
        *seen = tr->eval_version;
        fresh = 1;
    }
    SDL_UnlockMutex(tr->lock);
    return fresh;
}

#include "train.h"
#include "calibrate.h"
#include "common.h"
#include "evaluate.h"
#include "rng.h"
#include "skeleton.h"
#include "threadpool.h"
#include "platform.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct dp_trainer {
    dp_net *net;
    const dp_dataset *train, *test;
    dp_train_state state;
    dp_exec *exec;
    float *grads;
    float *batch_x;
    uint8_t *batch_y;
    int *order;                /* this epoch's shuffled image order */
    int order_epoch;           /* which epoch order[] belongs to (-1: none) */
    float *aug_scratch;        /* per thread: DP_AUG_SCRATCH + a canvas of floats */
    dp_strokes *work;          /* per thread: a drawing being re-drawn */
    dp_strokes *traced;        /* every training digit's pen strokes, for re-drawing */
    int batch_n;               /* images in the batch being gathered */
};

#define TASK_SCRATCH ((long)DP_AUG_SCRATCH + DP_CANVAS * DP_CANVAS)

dp_train_cfg dp_train_defaults(void)
{
    dp_train_cfg c = {
        .epochs = 3, .batch = 32, .lr = 1e-3f, .lr_floor = 0.0f, .schedule = DP_LR_COSINE,
        .warmup_steps = 0, .optim = dp_optim_defaults(DP_OPT_ADAM), .seed = 1, .threads = 0,
        .log_every = 20, .eval_each_epoch = 1, .augment = 0, .aug = dp_augment_defaults(),
    };
    return c;
}

static long steps_per_epoch(const dp_trainer *tr)
{
    return (tr->train->n + tr->state.cfg.batch - 1) / tr->state.cfg.batch;
}

/* Traces every training digit into pen strokes once, on all threads, so
 * re-drawing one during training costs only placing and rasterizing. */
static void trace_task(void *arg, int t)
{
    dp_trainer *tr = arg;
    int tasks = dp_exec_threads(tr->exec), n = tr->train->n, size = tr->train->rows * tr->train->cols;
    for (int i = (int)((long)n * t / tasks); i < (int)((long)n * (t + 1) / tasks); i++) {
        dp_strokes_init(&tr->traced[i]);
        dp_digit_strokes(&tr->traced[i], tr->train->images + (long)i * size);   /* may stay empty: then not re-drawn */
    }
}

static int trace_training_set(dp_trainer *tr)
{
    if (!(tr->traced = dp_calloc((size_t)tr->train->n, sizeof(dp_strokes)))) return -1;
    dp_pool_run(dp_exec_pool(tr->exec), dp_exec_threads(tr->exec), trace_task, tr);
    return 0;
}

dp_trainer *dp_trainer_create(dp_net *net, const dp_train_cfg *cfg, const dp_train_state *resume,
                              const dp_dataset *train, const dp_dataset *test)
{
    if (cfg->batch < 1 || cfg->batch > 4096 || cfg->epochs < 1 || cfg->epochs > 10000 ||
        !(cfg->lr > 0.0f && cfg->lr < 10.0f)) {
        dp_set_error("training settings out of range (batch 1..4096, epochs 1..10000, lr 0..10)");
        return NULL;
    }
    if (!train || train->n < 1) {
        dp_set_error("no training images");
        return NULL;
    }
    dp_trainer *tr = dp_calloc(1, sizeof *tr);
    if (!tr) return NULL;
    tr->net = net;
    tr->train = train;
    tr->test = test;
    tr->order_epoch = -1;
    tr->state.cfg = resume ? resume->cfg : *cfg;
    tr->state.cfg.epochs = cfg->epochs;
    tr->state.cfg.threads = cfg->threads;
    tr->state.cfg.log_every = cfg->log_every > 0 ? cfg->log_every : 20;
    tr->state.cfg.eval_each_epoch = cfg->eval_each_epoch;
    const dp_train_cfg *c = &tr->state.cfg;
    if (dp_optim_init(&tr->state.optim, &c->optim, net->n_params) != 0) goto fail;
    if (resume) {
        if (resume->optim.n != net->n_params) {
            dp_set_error("checkpoint optimizer state does not match the network");
            goto fail;
        }
        tr->state.epoch = resume->epoch;
        tr->state.step_in_epoch = resume->step_in_epoch;
        tr->state.step = resume->step;
        tr->state.optim.t = resume->optim.t;
        memcpy(tr->state.optim.m, resume->optim.m, sizeof(float) * (size_t)net->n_params);
        memcpy(tr->state.optim.v, resume->optim.v, sizeof(float) * (size_t)net->n_params);
    }
    tr->exec = dp_exec_create(net, c->batch, c->threads, 1);
    tr->grads = dp_alloc_floats((size_t)net->n_params);
    tr->batch_x = dp_alloc_floats((size_t)c->batch * train->rows * train->cols);
    tr->batch_y = dp_alloc((size_t)c->batch, 1);
    tr->order = dp_alloc((size_t)train->n, sizeof(int));
    if (c->augment && (train->rows != 28 || train->cols != 28)) {
        dp_set_error("augmentation needs 28x28 images");
        goto fail;
    }
    if (c->augment && tr->exec) {
        int threads = dp_exec_threads(tr->exec);
        tr->aug_scratch = dp_alloc_floats((size_t)threads * TASK_SCRATCH);
        tr->work = dp_calloc((size_t)threads, sizeof(dp_strokes));
    }
    if (!tr->exec || !tr->grads || !tr->batch_x || !tr->batch_y || !tr->order ||
        (c->augment && (!tr->aug_scratch || !tr->work)))
        goto fail;
    if (c->augment && c->aug.redraw_share > 0 && trace_training_set(tr) != 0) goto fail;
    return tr;
fail:
    dp_trainer_free(tr);
    return NULL;
}

void dp_trainer_free(dp_trainer *tr)
{
    if (!tr) return;
    dp_optim_free(&tr->state.optim);
    for (int t = 0; tr->work && tr->exec && t < dp_exec_threads(tr->exec); t++) dp_strokes_free(&tr->work[t]);
    dp_exec_free(tr->exec);
    free(tr->grads);
    free(tr->batch_x);
    free(tr->batch_y);
    free(tr->order);
    free(tr->aug_scratch);
    free(tr->work);
    for (int i = 0; tr->traced && i < tr->train->n; i++) dp_strokes_free(&tr->traced[i]);
    free(tr->traced);
    free(tr);
}

const dp_train_state *dp_trainer_state(const dp_trainer *tr) { return &tr->state; }

dp_exec *dp_trainer_exec(dp_trainer *tr) { return tr->exec; }

void dp_dataset_floats(float *dst, const dp_dataset *ds, int first, int n)
{
    const int size = ds->rows * ds->cols;
    const uint8_t *src = ds->images + (long)first * size;
    for (long i = 0; i < (long)n * size; i++) dst[i] = (float)src[i] * (1.0f / 255.0f);
}

/* The epoch's order depends only on (seed, epoch), so a resumed run sees
 * exactly the batches the uninterrupted one would have. */
static void shuffle_for_epoch(dp_trainer *tr, int epoch)
{
    if (tr->order_epoch == epoch) return;
    dp_rng rng;
    dp_rng_seed(&rng, dp_hash64(tr->state.cfg.seed) ^ dp_hash64(0x5eedULL + (uint64_t)epoch));
    for (int i = 0; i < tr->train->n; i++) tr->order[i] = i;
    dp_rng_shuffle(&rng, tr->order, tr->train->n);
    tr->order_epoch = epoch;
}

/* Fills batch images [first, last): some as MNIST made them, the rest
 * augmented. Each image's random choices
 * come from (seed, step, position), so threads can share the work in any
 * way and the batch is still the same. */
static void gather_range(dp_trainer *tr, int first, int last, int task)
{
    const dp_dataset *ds = tr->train;
    const dp_train_cfg *c = &tr->state.cfg;
    int size = ds->rows * ds->cols;
    long base = tr->state.step_in_epoch * c->batch;
    float *scratch = tr->aug_scratch ? tr->aug_scratch + (long)task * TASK_SCRATCH : NULL;
    for (int i = first; i < last; i++) {
        int idx = tr->order[base + i];
        const uint8_t *img = ds->images + (long)idx * size;
        float *dst = tr->batch_x + (long)i * size;
        tr->batch_y[i] = ds->labels[idx];
        if (!c->augment) {
            dp_dataset_floats(dst, ds, idx, 1);
            continue;
        }
        /* Which kind of image comes from the image's own random stream, so
         * threads can share the batch in any way and it stays the same. */
        dp_rng rng;
        dp_rng_seed(&rng, dp_hash64(c->seed ^ 0xa5a5a5a5ull) ^ dp_hash64((uint64_t)tr->state.step * 4096 + (uint64_t)i));
        float u = dp_rng_uniform(&rng);
        if (u < c->aug.clean_share) {
            dp_dataset_floats(dst, ds, idx, 1);
        } else if (u < c->aug.clean_share + c->aug.redraw_share && tr->traced && tr->traced[idx].n_points &&
                   dp_redraw(dst, &tr->traced[idx], &rng, &tr->work[task], scratch + DP_AUG_SCRATCH) == 0) {
            /* re-drawn from its pen strokes */
        } else {
            dp_augment_image(dst, img, ds->labels[idx], &rng, &c->aug, scratch);
        }
    }
}

static void gather_task(void *arg, int t)
{
    dp_trainer *tr = arg;
    int tasks = dp_exec_threads(tr->exec);
    int first = (int)((long)tr->batch_n * t / tasks), last = (int)((long)tr->batch_n * (t + 1) / tasks);
    gather_range(tr, first, last, t);
}

static int gather_batch(dp_trainer *tr, long step_in_epoch)
{
    const dp_dataset *ds = tr->train;
    long first = step_in_epoch * tr->state.cfg.batch;
    tr->batch_n = (int)(ds->n - first < tr->state.cfg.batch ? ds->n - first : tr->state.cfg.batch);
    if (tr->state.cfg.augment) dp_pool_run(dp_exec_pool(tr->exec), dp_exec_threads(tr->exec), gather_task, tr);
    else gather_range(tr, 0, tr->batch_n, 0);
    return tr->batch_n;
}

static float current_lr(const dp_trainer *tr, long total_steps)
{
    const dp_train_cfg *c = &tr->state.cfg;
    return dp_lr_at(c->schedule, c->lr, tr->state.step, total_steps, c->warmup_steps, c->lr_floor,
                    0.5f, steps_per_epoch(tr));
}

/* One optimisation step; returns the batch's mean loss. */
static double train_step(dp_trainer *tr, long total_steps, int *n_images, int *n_correct)
{
    dp_train_state *st = &tr->state;
    shuffle_for_epoch(tr, st->epoch);
    int n = gather_batch(tr, st->step_in_epoch);
    uint64_t dropout_seed = dp_hash64(st->cfg.seed * 0x9e3779b97f4a7c15ull + (uint64_t)st->step);
    double loss = dp_net_gradient(tr->exec, tr->net, tr->batch_x, tr->batch_y, n, dropout_seed,
                                  tr->grads, n_correct);
    dp_optim_step(&st->optim, tr->net->params, tr->grads, current_lr(tr, total_steps));
    if (tr->net->n_stats) dp_net_update_stats(tr->exec, tr->net, DP_BN_MOMENTUM);
    st->step++;
    if (++st->step_in_epoch >= steps_per_epoch(tr)) {
        st->step_in_epoch = 0;
        st->epoch++;
    }
    *n_images = n;
    return loss;
}

int dp_trainer_run(dp_trainer *tr, const atomic_int *stop, dp_train_cb cb, void *user)
{
    dp_train_state *st = &tr->state;
    const long spe = steps_per_epoch(tr);
    const long total = spe * st->cfg.epochs;
    const double t0 = dp_now();
    double train_time = 0.0, loss_sum = 0.0;
    long images = 0, first_step = st->step;
    int since = 0, correct_sum = 0, seen = 0;
    while (st->step < total) {
        if (stop && atomic_load(stop)) return 1;
        double ts = dp_now();
        int n, correct;
        double loss = train_step(tr, total, &n, &correct);
        train_time += dp_now() - ts;
        if (!isfinite(loss)) return dp_set_error("training diverged at step %ld (loss %g); try a lower learning rate",
                                                 st->step, loss);
        images += n;
        loss_sum += loss;
        correct_sum += correct;
        seen += n;
        since++;
        int epoch_done = st->step_in_epoch == 0;
        if (since < st->cfg.log_every && !epoch_done && st->step < total) continue;

        dp_train_progress p = {
            .epoch = epoch_done ? st->epoch : st->epoch + 1, .epochs = st->cfg.epochs,
            .step = st->step, .total_steps = total,
            .step_in_epoch = epoch_done ? spe : st->step_in_epoch, .steps_per_epoch = spe,
            .lr = current_lr(tr, total), .loss = loss_sum / since,
            .train_acc = seen ? (double)correct_sum / seen : 0.0,
            .img_per_s = train_time > 0 ? images / train_time : 0.0,
            .elapsed_s = dp_now() - t0, .epoch_done = epoch_done, .test_acc = NAN,
        };
        double per_step = (p.elapsed_s) / (double)(st->step - first_step);
        p.eta_s = per_step * (double)(total - st->step);
        if (epoch_done && st->cfg.eval_each_epoch && tr->test)
            p.test_acc = dp_accuracy(tr->exec, tr->net, tr->test);
        since = 0, loss_sum = 0.0, correct_sum = 0, seen = 0;
        if (cb && cb(&p, tr->net, user)) return 1;
    }
    return 0;
}

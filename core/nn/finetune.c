#include "finetune.h"
#include "evaluate.h"
#include "common.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

dp_finetune_cfg dp_finetune_defaults(void)
{
    return (dp_finetune_cfg){.mnist_images = 8000, .user_share = 0.3f, .epochs = 2, .batch = 32, .lr = 3e-4f,
                             .seed = 1, .threads = 0};
}

dp_train_cfg dp_finetune_train_cfg(const dp_finetune_cfg *c)
{
    dp_train_cfg t = dp_train_defaults();
    t.epochs = c->epochs;
    t.batch = c->batch;
    t.lr = c->lr;
    t.seed = c->seed;
    t.threads = c->threads;
    t.schedule = DP_LR_COSINE;
    t.lr_floor = 0.0f;
    t.augment = 1;
    t.eval_each_epoch = 0;
    t.log_every = 10;
    return t;
}

int dp_finetune_mix(dp_dataset *out, const dp_dataset *mnist, int mnist_images, const dp_dataset *user,
                    float user_share, uint64_t seed)
{
    memset(out, 0, sizeof *out);
    if (!user || user->n < 1) return dp_set_error("no digits of your own to learn from (your test digits are never trained on)");
    if (!(user_share > 0.0f && user_share < 1.0f)) return dp_set_error("share of your digits %g is not in (0, 1)", (double)user_share);
    int rows = user->rows, cols = user->cols;
    int from_mnist = mnist ? (mnist_images < mnist->n ? mnist_images : mnist->n) : 0;
    if (from_mnist < 0) from_mnist = 0;
    if (from_mnist && (mnist->rows != rows || mnist->cols != cols))
        return dp_set_error("your digits are %dx%d, MNIST's %dx%d", rows, cols, mnist->rows, mnist->cols);
    /* Enough copies of each user digit that they make up user_share of the
     * mix; with no MNIST at all, one copy each. */
    double want = from_mnist ? (double)user_share / (1.0 - user_share) * from_mnist : user->n;
    long copies = (long)ceil(want / user->n);
    if (copies < 1) copies = 1;
    long total = from_mnist + copies * user->n;
    if (total > DP_MNIST_MAX_ITEMS) return dp_set_error("fine-tuning mix of %ld images is too large", total);
    size_t size = (size_t)rows * cols;
    out->images = dp_alloc((size_t)total, size);
    out->labels = dp_alloc((size_t)total, 1);
    int *order = from_mnist ? dp_alloc((size_t)mnist->n, sizeof(int)) : NULL;
    if (!out->images || !out->labels || (from_mnist && !order)) {
        free(order);
        dp_dataset_free(out);
        return -1;
    }
    out->rows = rows, out->cols = cols;
    if (from_mnist) {
        dp_rng rng;
        dp_rng_seed(&rng, dp_hash64(seed ^ 0xf17e7c0deull));
        for (int i = 0; i < mnist->n; i++) order[i] = i;
        dp_rng_shuffle(&rng, order, mnist->n);
        for (int i = 0; i < from_mnist; i++) {
            memcpy(out->images + (size_t)i * size, mnist->images + (size_t)order[i] * size, size);
            out->labels[i] = mnist->labels[order[i]];
        }
    }
    free(order);
    for (long c = 0; c < copies; c++) {
        size_t at = (size_t)from_mnist + (size_t)c * user->n;
        memcpy(out->images + at * size, user->images, (size_t)user->n * size);
        memcpy(out->labels + at, user->labels, (size_t)user->n);
    }
    out->n = (int)total;
    return 0;
}

int dp_finetune_measure(dp_exec *ex, const dp_net *net, const dp_dataset *personal, const dp_dataset *mnist_test,
                        dp_finetune_score *out)
{
    out->personal = out->mnist = NAN;
    out->personal_right = out->personal_n = 0;
    if (personal && personal->n > 0) {
        out->personal = dp_accuracy(ex, net, personal);
        if (isnan(out->personal)) return -1;
        out->personal_n = personal->n;
        out->personal_right = (int)lround(out->personal * personal->n);
    }
    if (mnist_test && mnist_test->n > 0) {
        out->mnist = dp_accuracy(ex, net, mnist_test);
        if (isnan(out->mnist)) return -1;
    }
    return 0;
}

int dp_finetune_run(dp_net *net, const dp_finetune_cfg *cfg, const dp_finetune_data *data, const atomic_int *stop,
                    dp_train_cb cb, void *user, dp_finetune_score *before, dp_finetune_score *after)
{
    dp_dataset mix;
    if (dp_finetune_mix(&mix, data->mnist_train, cfg->mnist_images, data->mine_train, cfg->user_share, cfg->seed) != 0)
        return -1;
    dp_train_cfg tcfg = dp_finetune_train_cfg(cfg);
    dp_exec *ex = dp_exec_create(net, 256, cfg->threads, 0);
    dp_trainer *tr = ex ? dp_trainer_create(net, &tcfg, NULL, &mix, NULL) : NULL;
    int rc = -1;
    if (tr && dp_finetune_measure(ex, net, data->mine_test, data->mnist_test, before) == 0) {
        rc = dp_trainer_run(tr, stop, cb, user);
        if (rc >= 0 && dp_finetune_measure(ex, net, data->mine_test, data->mnist_test, after) != 0) rc = -1;
    }
    dp_trainer_free(tr);
    dp_exec_free(ex);
    dp_dataset_free(&mix);
    return rc;
}

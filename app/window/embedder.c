#include "embedder.h"
#include "common.h"
#include "platform.h"
#include "preprocess.h"
#include "inspect.h"
#include "mnist.h"
#include "train.h"
#include "worker.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct embedder {
    worker *w;

    atomic_long done_images;     /* how far the computation running is (of EMBED_IMAGES) */

    /* Under the worker's lock. */
    unsigned posted_version;     /* of the last request handed to the worker */
    embedding done;              /* the newest result, until embedder_take */
    int have_done;

    /* The worker's own. */
    dp_dataset subset;           /* the first EMBED_IMAGES training images */
};

/* One request: a copy of the network and where MNIST is. */
typedef struct {
    embedder *owner;
    dp_net *net;
    unsigned version;
    char mnist_dir[4096];
} request;

void embedding_free(embedding *e)
{
    free(e->feats);
    dp_exec_free(e->exec);
    dp_net_free(e->net);
    memset(e, 0, sizeof *e);
}

/* Loads the training images once (a copy of the first EMBED_IMAGES); taken
 * embeddings point into them, so they stay for the embedder's life. */
static int ensure_images(embedder *e, const char *dir)
{
    if (e->subset.n) return 0;
    dp_dataset all;
    if (dp_mnist_load(&all, dir, "train") != 0) return -1;
    int n = all.n < EMBED_IMAGES ? all.n : EMBED_IMAGES;
    uint8_t *images = dp_alloc((size_t)n, DP_PIXELS), *labels = dp_alloc((size_t)n, 1);
    if (!images || !labels) {
        free(images), free(labels);
        dp_dataset_free(&all);
        return -1;
    }
    memcpy(images, all.images, (size_t)n * DP_PIXELS);
    memcpy(labels, all.labels, (size_t)n);
    dp_dataset_free(&all);
    dp_dataset_free(&e->subset);
    e->subset = (dp_dataset){.n = n, .rows = DP_INPUT, .cols = DP_INPUT, .images = images, .labels = labels};
    return 0;
}

/* Whether the computation running is no longer wanted: the window is
 * closing, or a newer model is waiting. */
static int superseded(embedder *e) { return worker_should_stop(e->w); }

/* 0 when done (or failed, with out->error set), -1 when abandoned for
 * superseded(): closing the window must not wait for 10,000 images. */
static int compute(embedder *e, dp_net *net, embedding *out)
{
    out->net = net;
    int dim = dp_net_feature_size(net), n = e->subset.n;
    enum { CHUNK = 256 };
    float *x = dp_alloc_floats((size_t)CHUNK * DP_PIXELS);
    dp_exec *ex = dp_exec_create(net, CHUNK, 1, 0);
    out->feats = dp_alloc_floats((size_t)n * dim);
    out->exec = dp_exec_create(net, 1, 1, 0);
    int rc = 0;
    if (!x || !ex || !out->feats || !out->exec) {
        snprintf(out->error, sizeof out->error, "%s", dp_error());
    } else {
        for (int first = 0; first < n && rc == 0; first += CHUNK) {
            int m = n - first < CHUNK ? n - first : CHUNK;
            dp_dataset_floats(x, &e->subset, first, m);
            dp_net_features(ex, net, x, m, out->feats + (long)first * dim, NULL);
            atomic_store(&e->done_images, first + m);
            worker_wake(e->w, 0);   /* the view's progress bar */
            if (superseded(e)) rc = -1;
        }
        for (int i = 0; i < n && rc == 0; i++) dp_unit_length(out->feats + (long)i * dim, dim);
        out->n = n, out->dim = dim;
        out->images = e->subset.images, out->labels = e->subset.labels;
    }
    dp_exec_free(ex);
    free(x);
    return rc;
}

static void run_request(worker *w, void *p)
{
    (void)w;
    request *rq = p;
    embedder *e = rq->owner;
    atomic_store(&e->done_images, 0);
    embedding r = {.weights_version = rq->version};
    int abandoned = 0;
    if (ensure_images(e, rq->mnist_dir) != 0) {
        snprintf(r.error, sizeof r.error, "%s", dp_error());
        r.net = rq->net;
    } else {
        abandoned = compute(e, rq->net, &r) != 0;
    }
    rq->net = NULL;   /* r owns it now */
    if (abandoned) {  /* nobody wants it: the worker takes the newer request, or quits */
        embedding_free(&r);
        return;
    }
    worker_lock(e->w);
    if (e->have_done) embedding_free(&e->done);
    e->done = r;
    e->have_done = 1;
    worker_unlock(e->w);   /* the worker wakes the window when the job returns */
}

static void free_request(void *p)
{
    request *rq = p;
    dp_net_free(rq->net);
    free(rq);
}

embedder *embedder_create(Uint32 wake_event)
{
    embedder *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    if (!(e->w = worker_create("embedder", wake_event, WORKER_BACKGROUND))) {
        free(e);
        return NULL;
    }
    return e;
}

void embedder_free(embedder *e)
{
    if (!e) return;
    worker_free(e->w);
    if (e->have_done) embedding_free(&e->done);
    dp_dataset_free(&e->subset);
    free(e);
}

void embedder_request(embedder *e, const dp_net *net, unsigned weights_version, const char *mnist_dir)
{
    worker_lock(e->w);
    int same = worker_busy_locked(e->w) && e->posted_version == weights_version;
    worker_unlock(e->w);
    if (same) return;
    request *rq = calloc(1, sizeof *rq);
    if (!rq || !(rq->net = dp_net_create(&net->arch))) {
        free(rq);
        return;
    }
    dp_net_copy_params(rq->net, net);
    rq->owner = e;
    rq->version = weights_version;
    snprintf(rq->mnist_dir, sizeof rq->mnist_dir, "%s", mnist_dir);
    worker_lock(e->w);
    e->posted_version = weights_version;
    worker_unlock(e->w);
    worker_post(e->w, run_request, free_request, rq, WORKER_REPLACE);   /* a newer model wins */
}

int embedder_take(embedder *e, embedding *out)
{
    worker_lock(e->w);
    int got = e->have_done;
    if (got) {
        embedding_free(out);
        *out = e->done;
        memset(&e->done, 0, sizeof e->done);
        e->have_done = 0;
    }
    worker_unlock(e->w);
    return got;
}

int embedder_busy(embedder *e) { return worker_busy(e->w); }

int embedding_nearest(const embedding *e, const float *input, int k, int *idx, float *similarity)
{
    if (!e->n || !e->exec || e->dim > 4096) return 0;
    float q[4096];
    dp_net_features(e->exec, e->net, input, 1, q, NULL);
    dp_unit_length(q, e->dim);
    int found = dp_nearest(e->feats, e->n, e->dim, q, k, idx, similarity);
    for (int i = 0; i < found; i++) similarity[i] = 1.0f - similarity[i] / 2.0f;   /* |a-b|² = 2 - 2 cos */
    return found;
}

double embedder_progress(embedder *e)
{
    return e ? (double)atomic_load(&e->done_images) / EMBED_IMAGES : 0.0;
}

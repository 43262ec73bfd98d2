#include "embedder.h"
#include "common.h"
#include "platform.h"
#include "inspect.h"
#include "mnist.h"
#include "train.h"

#include <stdlib.h>
#include <string.h>

struct embedder {
    SDL_Thread *thread;
    SDL_mutex *lock;
    SDL_cond *wake;
    Uint32 wake_event;
    int quit;

    /* The request, under lock. */
    dp_net *pending;             /* NULL: none */
    unsigned pending_version;
    char mnist_dir[4096];
    int working;                 /* a computation runs */
    unsigned working_version;

    /* The result, under lock: handed over by embedder_take. */
    embedding done;
    int have_done;

    /* The worker's own. */
    dp_dataset subset;           /* the first EMBED_IMAGES training images */
};

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
    uint8_t *images = dp_alloc((size_t)n, 784), *labels = dp_alloc((size_t)n, 1);
    if (!images || !labels) {
        free(images), free(labels);
        dp_dataset_free(&all);
        return -1;
    }
    memcpy(images, all.images, (size_t)n * 784);
    memcpy(labels, all.labels, (size_t)n);
    dp_dataset_free(&all);
    dp_dataset_free(&e->subset);
    e->subset = (dp_dataset){.n = n, .rows = 28, .cols = 28, .images = images, .labels = labels};
    return 0;
}

/* Whether the computation running is no longer wanted: the window is
 * closing, or a newer model is waiting. */
static int superseded(embedder *e)
{
    SDL_LockMutex(e->lock);
    int stop = e->quit || e->pending;
    SDL_UnlockMutex(e->lock);
    return stop;
}

/* 0 when done (or failed, with out->error set), -1 when abandoned for
 * superseded(): closing the window must not wait for 10,000 images. */
static int compute(embedder *e, dp_net *net, embedding *out)
{
    out->net = net;
    int dim = dp_net_feature_size(net), n = e->subset.n;
    enum { CHUNK = 256 };
    float *x = dp_alloc_floats((size_t)CHUNK * 784);
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

static int worker_main(void *arg)
{
    embedder *e = arg;
    dp_thread_yield_to_others();
    SDL_LockMutex(e->lock);
    for (;;) {
        while (!e->pending && !e->quit) SDL_CondWait(e->wake, e->lock);
        if (e->quit) break;
        dp_net *net = e->pending;
        unsigned version = e->pending_version;
        char dir[sizeof e->mnist_dir];
        memcpy(dir, e->mnist_dir, sizeof dir);
        e->pending = NULL;
        e->working = 1, e->working_version = version;
        SDL_UnlockMutex(e->lock);
        embedding r = {.weights_version = version};
        int abandoned = 0;
        if (ensure_images(e, dir) != 0) {
            snprintf(r.error, sizeof r.error, "%s", dp_error());
            r.net = net;
        } else {
            abandoned = compute(e, net, &r) != 0;
        }
        SDL_LockMutex(e->lock);
        if (abandoned) {   /* nobody wants it: the loop takes the newer request, or quits */
            embedding_free(&r);
            e->working = 0;
            continue;
        }
        if (e->have_done) embedding_free(&e->done);
        e->done = r;
        e->have_done = 1;
        e->working = 0;
        SDL_Event ev;
        SDL_zero(ev);
        ev.type = e->wake_event;
        SDL_PushEvent(&ev);
    }
    SDL_UnlockMutex(e->lock);
    return 0;
}

embedder *embedder_create(Uint32 wake_event)
{
    embedder *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->wake_event = wake_event;
    e->lock = SDL_CreateMutex();
    e->wake = SDL_CreateCond();
    if (e->lock && e->wake) e->thread = SDL_CreateThread(worker_main, "embedder", e);
    if (!e->thread) {
        embedder_free(e);
        return NULL;
    }
    return e;
}

void embedder_free(embedder *e)
{
    if (!e) return;
    if (e->thread) {
        SDL_LockMutex(e->lock);
        e->quit = 1;
        SDL_CondSignal(e->wake);
        SDL_UnlockMutex(e->lock);
        SDL_WaitThread(e->thread, NULL);
    }
    dp_net_free(e->pending);
    if (e->have_done) embedding_free(&e->done);
    dp_dataset_free(&e->subset);
    if (e->wake) SDL_DestroyCond(e->wake);
    if (e->lock) SDL_DestroyMutex(e->lock);
    free(e);
}

void embedder_request(embedder *e, const dp_net *net, unsigned weights_version, const char *mnist_dir)
{
    SDL_LockMutex(e->lock);
    int same = (e->working && e->working_version == weights_version) ||
               (e->pending && e->pending_version == weights_version);
    dp_net *copy = same ? NULL : dp_net_create(&net->arch);
    if (copy) {
        dp_net_copy_params(copy, net);
        dp_net_free(e->pending);
        e->pending = copy;
        e->pending_version = weights_version;
        snprintf(e->mnist_dir, sizeof e->mnist_dir, "%s", mnist_dir);
        SDL_CondSignal(e->wake);
    }
    SDL_UnlockMutex(e->lock);
}

int embedder_take(embedder *e, embedding *out)
{
    SDL_LockMutex(e->lock);
    int got = e->have_done;
    if (got) {
        embedding_free(out);
        *out = e->done;
        memset(&e->done, 0, sizeof e->done);
        e->have_done = 0;
    }
    SDL_UnlockMutex(e->lock);
    return got;
}

int embedder_busy(embedder *e)
{
    SDL_LockMutex(e->lock);
    int busy = e->working || e->pending;
    SDL_UnlockMutex(e->lock);
    return busy;
}

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

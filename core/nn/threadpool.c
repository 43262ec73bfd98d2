#include "threadpool.h"
#include "common.h"
#include "platform.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct dp_pool {
    int n_threads;
    pthread_t *workers;
    pthread_mutex_t lock;
    pthread_cond_t work_ready;    /* signalled when a new job is posted */
    pthread_cond_t work_done;     /* signalled when the last worker leaves a job */
    unsigned long generation;     /* bumped for every job; workers wait for a change */
    int shutting_down;
    int busy_workers;             /* workers still inside the current job */

    /* The current job. */
    dp_task_fn fn;
    void *ctx;
    int n_tasks;
    atomic_int next_task;
};

/* Claims tasks one at a time until none are left. */
static void drain_tasks(dp_pool *p)
{
    for (;;) {
        int t = atomic_fetch_add_explicit(&p->next_task, 1, memory_order_relaxed);
        if (t >= p->n_tasks) return;
        p->fn(p->ctx, t);
    }
}

static void *worker_main(void *arg)
{
    dp_pool *p = arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->generation == seen && !p->shutting_down)
            pthread_cond_wait(&p->work_ready, &p->lock);
        if (p->shutting_down) break;
        seen = p->generation;
        pthread_mutex_unlock(&p->lock);
        drain_tasks(p);
        pthread_mutex_lock(&p->lock);
        if (--p->busy_workers == 0) pthread_cond_signal(&p->work_done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

dp_pool *dp_pool_create(int n_threads)
{
    if (n_threads <= 0) n_threads = dp_cpu_count();
    if (n_threads > 256) n_threads = 256;
    dp_pool *p = dp_calloc(1, sizeof *p);
    if (!p) return NULL;
    p->n_threads = n_threads;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work_ready, NULL);
    pthread_cond_init(&p->work_done, NULL);
    atomic_init(&p->next_task, 0);
    if (n_threads > 1) {
        p->workers = dp_calloc((size_t)n_threads - 1, sizeof *p->workers);
        if (!p->workers) {
            dp_pool_free(p);
            return NULL;
        }
    }
    for (int i = 0; i < n_threads - 1; i++) {
        if (pthread_create(&p->workers[i], NULL, worker_main, p) != 0) {
            p->n_threads = i + 1;   /* the workers started so far get joined */
            dp_pool_free(p);
            dp_set_error("cannot start worker thread %d", i + 1);
            return NULL;
        }
    }
    return p;
}

void dp_pool_free(dp_pool *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    p->shutting_down = 1;
    pthread_cond_broadcast(&p->work_ready);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; p->workers && i < p->n_threads - 1; i++) pthread_join(p->workers[i], NULL);
    pthread_cond_destroy(&p->work_ready);
    pthread_cond_destroy(&p->work_done);
    pthread_mutex_destroy(&p->lock);
    free(p->workers);
    free(p);
}

int dp_pool_threads(const dp_pool *p) { return p ? p->n_threads : 1; }

void dp_pool_run(dp_pool *p, int n_tasks, dp_task_fn fn, void *ctx)
{
    if (n_tasks <= 0) return;
    if (!p || p->n_threads == 1 || n_tasks == 1) {
        for (int t = 0; t < n_tasks; t++) fn(ctx, t);
        return;
    }
    pthread_mutex_lock(&p->lock);
    p->fn = fn;
    p->ctx = ctx;
    p->n_tasks = n_tasks;
    atomic_store_explicit(&p->next_task, 0, memory_order_relaxed);
    p->busy_workers = p->n_threads - 1;
    p->generation++;
    pthread_cond_broadcast(&p->work_ready);
    pthread_mutex_unlock(&p->lock);

    drain_tasks(p);

    pthread_mutex_lock(&p->lock);
    while (p->busy_workers > 0) pthread_cond_wait(&p->work_done, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

#include "worker.h"
#include "pace.h"
#include "platform.h"

#include <stdlib.h>

#define WAKE_INTERVAL 0.1   /* news redraws the window at most ten times a second */

typedef struct {
    worker_run_fn run;
    worker_free_fn free_job;
    void *job;              /* NULL: none */
} pending_job;

struct worker {
    SDL_Thread *thread;
    SDL_mutex *lock;
    SDL_cond *wake_thread;
    Uint32 wake_event;
    worker_priority priority;
    atomic_int stop;        /* the running job should stop */

    /* Under lock. */
    int quit;               /* the thread should end */
    pending_job waiting;
    int stop_waiting;       /* worker_stop came for the waiting job */
    int running;
    unsigned done;          /* jobs that have ended */
    throttle wake_pace;
};

static void drop(pending_job *p)
{
    if (p->job && p->free_job) p->free_job(p->job);
    p->job = NULL;
}

static void push_wake_event(worker *w)
{
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = w->wake_event;
    SDL_PushEvent(&ev);   /* thread-safe */
}

static int worker_main(void *arg)
{
    worker *w = arg;
    /* Background: only when the window and the display server do not need
     * the CPU; threads and programs the jobs start inherit it. With the
     * window idle a job still gets every core. */
    if (w->priority == WORKER_BACKGROUND) dp_thread_yield_to_others();
    SDL_LockMutex(w->lock);
    for (;;) {
        while (!w->waiting.job && !w->quit) SDL_CondWait(w->wake_thread, w->lock);
        if (w->quit) break;
        pending_job p = w->waiting;
        w->waiting.job = NULL;
        atomic_store(&w->stop, w->stop_waiting);
        w->stop_waiting = 0;
        w->running = 1;
        SDL_UnlockMutex(w->lock);
        p.run(w, p.job);
        drop(&p);
        SDL_LockMutex(w->lock);
        w->running = 0;   /* after everything the job published: one snapshot sees it whole */
        w->done++;
        push_wake_event(w);
    }
    SDL_UnlockMutex(w->lock);
    return 0;
}

worker *worker_create(const char *name, Uint32 wake_event, worker_priority priority)
{
    worker *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->wake_event = wake_event;
    w->priority = priority;
    throttle_init(&w->wake_pace, WAKE_INTERVAL);
    w->lock = SDL_CreateMutex();
    w->wake_thread = SDL_CreateCond();
    if (w->lock && w->wake_thread) w->thread = SDL_CreateThread(worker_main, name, w);
    if (!w->thread) {
        worker_free(w);
        return NULL;
    }
    return w;
}

void worker_free(worker *w)
{
    if (!w) return;
    if (w->thread) {
        /* All under the lock: a job the thread takes meanwhile must not
         * start with its stop request cleared. */
        SDL_LockMutex(w->lock);
        atomic_store(&w->stop, 1);
        w->stop_waiting = 1;
        w->quit = 1;
        SDL_CondSignal(w->wake_thread);
        SDL_UnlockMutex(w->lock);
        SDL_WaitThread(w->thread, NULL);
    }
    drop(&w->waiting);
    if (w->wake_thread) SDL_DestroyCond(w->wake_thread);
    if (w->lock) SDL_DestroyMutex(w->lock);
    free(w);
}

int worker_post(worker *w, worker_run_fn run, worker_free_fn free_job, void *job, worker_post_mode mode)
{
    SDL_LockMutex(w->lock);
    if (mode == WORKER_WHEN_IDLE && (w->running || w->waiting.job)) {
        SDL_UnlockMutex(w->lock);
        return -1;
    }
    drop(&w->waiting);
    if (w->running) atomic_store(&w->stop, 1);   /* WORKER_REPLACE: the new job wins */
    w->waiting = (pending_job){run, free_job, job};
    w->stop_waiting = 0;
    SDL_CondSignal(w->wake_thread);
    SDL_UnlockMutex(w->lock);
    return 0;
}

void worker_stop(worker *w)
{
    SDL_LockMutex(w->lock);
    atomic_store(&w->stop, 1);
    if (w->waiting.job) w->stop_waiting = 1;
    SDL_UnlockMutex(w->lock);
}

void worker_lock(worker *w) { SDL_LockMutex(w->lock); }
void worker_unlock(worker *w) { SDL_UnlockMutex(w->lock); }
int worker_busy_locked(const worker *w) { return w->running || w->waiting.job != NULL; }
unsigned worker_done_locked(const worker *w) { return w->done; }

int worker_busy(worker *w)
{
    worker_lock(w);
    int busy = worker_busy_locked(w);
    worker_unlock(w);
    return busy;
}

const atomic_int *worker_stop_flag(worker *w) { return &w->stop; }
int worker_should_stop(worker *w) { return atomic_load(&w->stop); }

void worker_wake(worker *w, int force)
{
    SDL_LockMutex(w->lock);
    int now = throttle_ready(&w->wake_pace, dp_now(), force);
    SDL_UnlockMutex(w->lock);
    if (now) push_wake_event(w);
}

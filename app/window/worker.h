/* A background worker: one thread that runs jobs one at a time, so the
 * window never waits for them; a worker for heavy jobs runs at the lowest
 * priority, so the window never slows down because of them either. Jobs publish what they produce under the worker's
 * lock; the window reads it under the same lock, together with whether a
 * job is still running, so it always sees a job whole: either running, or
 * ended with everything it published. The trainer (jobs.c) and the
 * nearest-examples embedder (embedder.c) each own one. */
#ifndef DP_WORKER_H
#define DP_WORKER_H

#include <SDL.h>
#include <stdatomic.h>

typedef struct worker worker;

/* A job: run(w, job) is called on the worker's thread; afterwards, or if
 * the job is dropped before it runs, free_job(job) (may be NULL). */
typedef void (*worker_run_fn)(worker *w, void *job);
typedef void (*worker_free_fn)(void *job);

typedef enum {
    WORKER_BACKGROUND,   /* heavy jobs: run only when nothing else wants the CPU */
    WORKER_PROMPT,       /* jobs that wait on the user (and whatever they start): as the window */
} worker_priority;

/* wake_event: an SDL user event pushed when there is news for the window
 * (worker_wake) and when a job ends. NULL if the thread cannot start. */
worker *worker_create(const char *name, Uint32 wake_event, worker_priority priority);
/* Asks the running job to stop, waits for it and drops a waiting one. */
void worker_free(worker *w);

typedef enum {
    WORKER_WHEN_IDLE,   /* refused while a job runs or waits */
    WORKER_REPLACE,     /* replaces a waiting job and asks a running one to stop */
} worker_post_mode;

/* Hands a job over. 0: the worker owns it from now on. -1: refused
 * (WORKER_WHEN_IDLE and busy); the job stays the caller's. */
int worker_post(worker *w, worker_run_fn run, worker_free_fn free_job, void *job, worker_post_mode mode);

/* Asks the running job to stop (and a waiting one, before it starts). */
void worker_stop(worker *w);

/* The owner's published state is read and written between these two. */
void worker_lock(worker *w);
void worker_unlock(worker *w);
/* A job runs or waits; call between worker_lock and worker_unlock, so that
 * it is read in the same snapshot as what the jobs published. */
int worker_busy_locked(const worker *w);
/* How many jobs have ended (also between worker_lock and worker_unlock):
 * a job that starts and ends between two looks is not missed. */
unsigned worker_done_locked(const worker *w);
/* The same, on its own. */
int worker_busy(worker *w);

/* For jobs: the stop request (for loops that poll a flag, dp_trainer_run),
 * and a wake-up for the window, at most ten a second unless forced. */
const atomic_int *worker_stop_flag(worker *w);
int worker_should_stop(worker *w);
void worker_wake(worker *w, int force);

#endif

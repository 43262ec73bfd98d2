/* The window's background worker and its jobs, without a display: jobs run
 * one at a time; what a job publishes and whether it still runs are seen in
 * one snapshot (a job that ends is never seen with a stale phase); posting
 * while busy is refused, or replaces a waiting job; stop requests reach a
 * running job and one that has not started; closing stops and drops;
 * heavy jobs run at the lowest priority, prompt ones do not. */
#include "check.h"
#include "jobs.h"
#include "worker.h"

#include <SDL.h>
#include <errno.h>
#ifdef __linux__
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

/* A job that counts to its target, publishing each step under the lock,
 * and marks itself finished last. */
typedef struct {
    int target, steps, finished, stopped_early, wait_for_stop;
} counter;

typedef struct {
    counter *c;
    int *freed;
} counter_job;

static void run_counter(worker *w, void *p)
{
    counter_job *j = p;
    for (int i = 0; i < j->c->target || j->c->wait_for_stop; i++) {
        if (worker_should_stop(w)) {
            j->c->stopped_early = 1;
            break;
        }
        worker_lock(w);
        j->c->steps++;
        worker_unlock(w);
        if (j->c->wait_for_stop) SDL_Delay(1);
    }
    worker_lock(w);
    j->c->finished = 1;
    worker_unlock(w);
}

static void free_counter(void *p)
{
    counter_job *j = p;
    (*j->freed)++;
    free(j);
}

static counter_job *job_for(counter *c, int *freed)
{
    counter_job *j = malloc(sizeof *j);
    j->c = c, j->freed = freed;
    return j;
}

/* Busy and the job's results in one snapshot: once the worker says it is
 * idle, the job has published everything, every time. */
static void test_snapshot(worker *w)
{
    int freed = 0, stale = 0;
    for (int round = 0; round < 300; round++) {
        counter c = {.target = round % 7};
        CHECK(worker_post(w, run_counter, free_counter, job_for(&c, &freed), WORKER_WHEN_IDLE) == 0, "post %d", round);
        for (;;) {
            worker_lock(w);
            int busy = worker_busy_locked(w), finished = c.finished, steps = c.steps;
            worker_unlock(w);
            if (!busy) {
                stale += !finished || steps != c.target;
                break;
            }
            SDL_Delay(1);   /* the worker runs only when this thread does not */
        }
    }
    CHECK(stale == 0, "%d of 300 jobs were seen idle before they had published everything", stale);
    CHECK(freed == 300, "every job freed after it ran: %d", freed);
}

static void wait_idle(worker *w)
{
    while (worker_busy(w)) SDL_Delay(1);
}

/* A job's steps so far, read as the job writes them: under the lock. */
static int steps_of(worker *w, const counter *c)
{
    worker_lock(w);
    int steps = c->steps;
    worker_unlock(w);
    return steps;
}

static void wait_started(worker *w, const counter *c)
{
    while (!steps_of(w, c)) SDL_Delay(1);
}

static void test_post_modes(worker *w)
{
    int freed = 0;
    counter running = {.wait_for_stop = 1}, waiting = {.target = 5}, newest = {.target = 3};
    CHECK(worker_post(w, run_counter, free_counter, job_for(&running, &freed), WORKER_WHEN_IDLE) == 0, "post");
    wait_started(w, &running);
    counter_job *refused = job_for(&waiting, &freed);
    CHECK(worker_post(w, run_counter, free_counter, refused, WORKER_WHEN_IDLE) == -1, "a second job is refused while one runs");
    CHECK(freed == 0, "a refused job stays the caller's");
    free(refused);
    worker_lock(w);   /* (SDL's mutexes are recursive) the worker cannot take the next job meanwhile */
    CHECK(worker_post(w, run_counter, free_counter, job_for(&waiting, &freed), WORKER_REPLACE) == 0, "replace");
    CHECK(worker_post(w, run_counter, free_counter, job_for(&newest, &freed), WORKER_REPLACE) == 0, "replace again");
    worker_unlock(w);
    wait_idle(w);
    CHECK(running.stopped_early && running.finished, "a replacing post stops the running job");
    CHECK(!waiting.finished && waiting.steps == 0, "the job that was waiting is dropped, never run");
    CHECK(newest.finished && newest.steps == 3 && !newest.stopped_early, "the newest job runs whole: %d steps",
          newest.steps);
    CHECK(freed == 3, "running, dropped and newest jobs all freed: %d", freed);
}

static void test_stop(worker *w)
{
    int freed = 0;
    counter first = {.wait_for_stop = 1}, second = {.target = 1000};
    worker_post(w, run_counter, free_counter, job_for(&first, &freed), WORKER_REPLACE);
    worker_stop(w);
    wait_idle(w);
    CHECK(first.stopped_early, "worker_stop stops the running job");
    /* A job that starts after a stop request of its own does not run on. */
    counter blocker = {.wait_for_stop = 1};
    worker_post(w, run_counter, free_counter, job_for(&blocker, &freed), WORKER_REPLACE);
    wait_started(w, &blocker);
    worker_lock(w);   /* (SDL's mutexes are recursive) the worker cannot take the next job meanwhile */
    worker_post(w, run_counter, free_counter, job_for(&second, &freed), WORKER_REPLACE);
    worker_stop(w);
    worker_unlock(w);
    wait_idle(w);
    CHECK(second.steps == 0 && second.stopped_early, "a stop asked for a waiting job reaches it: %d steps", second.steps);
    /* The next job starts fresh. */
    counter third = {.target = 4};
    worker_post(w, run_counter, free_counter, job_for(&third, &freed), WORKER_WHEN_IDLE);
    wait_idle(w);
    CHECK(third.steps == 4 && !third.stopped_early, "a later job is not stopped by an old request");
}

static void test_close(Uint32 wake)
{
    worker *w = worker_create("test", wake, WORKER_BACKGROUND);
    int freed = 0;
    counter endless = {.wait_for_stop = 1}, next = {.wait_for_stop = 1};
    worker_post(w, run_counter, free_counter, job_for(&endless, &freed), WORKER_WHEN_IDLE);
    wait_started(w, &endless);
    worker_post(w, run_counter, free_counter, job_for(&next, &freed), WORKER_REPLACE);
    worker_free(w);   /* whether next has started or not, it ends (both run until stopped) */
    CHECK(endless.stopped_early && freed == 2 && (next.steps == 0 || next.stopped_early),
          "closing stops the running job and drops or stops the next one");
}

#ifdef __linux__
/* What a job's thread runs at: its scheduling policy and niceness. */
typedef struct {
    int policy, nice;
} priority_seen;

static void note_priority(worker *w, void *p)
{
    (void)w;
    priority_seen *seen = p;
    seen->policy = sched_getscheduler(0);
    errno = 0;
    seen->nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
}

static priority_seen priority_of(worker_priority priority, Uint32 wake)
{
    priority_seen seen = {-1, -100};
    worker *w = worker_create("test", wake, priority);
    worker_post(w, note_priority, NULL, &seen, WORKER_WHEN_IDLE);
    wait_idle(w);
    worker_free(w);
    return seen;
}

/* Heavy jobs yield the CPU to everything else; a prompt worker's jobs (the
 * file chooser, and the program it starts) run like the window. */
static void test_priority(Uint32 wake)
{
    int window_policy = sched_getscheduler(0), window_nice = getpriority(PRIO_PROCESS, 0);
    priority_seen background = priority_of(WORKER_BACKGROUND, wake), prompt = priority_of(WORKER_PROMPT, wake);
    CHECK(background.policy == SCHED_IDLE || background.nice == 19, "a background worker yields: policy %d, nice %d",
          background.policy, background.nice);
    CHECK(prompt.policy == window_policy && prompt.nice == window_nice,
          "a prompt worker runs as the window: policy %d (window %d), nice %d (window %d)", prompt.policy, window_policy,
          prompt.nice, window_nice);
}
#else
static void test_priority(Uint32 wake) { (void)wake; }
#endif

/* The trainer's failures are never lost: an evaluation without MNIST ends
 * FAILED, and the snapshot that first says "not busy" says so too. */
static void test_jobs_failure(Uint32 wake)
{
    jobs *j = jobs_create(wake);
    dp_arch arch;
    dp_arch_parse(&arch, "conv4k3 relu pool dense10");
    dp_net *net = dp_net_create(&arch);
    int stale = 0, rounds = 200;
    for (int i = 0; i < rounds; i++) {
        CHECK(jobs_start_eval(j, net, "/nonexistent/mnist") == 0, "eval %d starts", i);
        jobs_status st;
        for (jobs_get_status(j, &st); st.busy; jobs_get_status(j, &st)) SDL_Delay(1);
        stale += st.phase != PHASE_FAILED || !strstr(st.message, "nonexistent");
        CHECK(st.done == (unsigned)i + 1, "every ended job is counted: %u after %d", st.done, i + 1);
    }
    /* A job that starts and ends while nobody looks is still counted. */
    unsigned before = 0;
    jobs_status st;
    jobs_get_status(j, &st);
    before = st.done;
    jobs_start_eval(j, net, "/nonexistent/mnist");
    while (jobs_busy(j)) SDL_Delay(1);
    SDL_Delay(20);
    jobs_get_status(j, &st);
    CHECK(st.done == before + 1 && st.phase == PHASE_FAILED, "a job ended between two looks: %u, phase %d", st.done,
          st.phase);
    CHECK(stale == 0, "%d of %d failed evaluations were seen idle without their failure", stale, rounds);
    dp_net_free(net);
    jobs_free(j);
}

int main(void)
{
    if (SDL_Init(SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
        return 1;
    }
    Uint32 wake = SDL_RegisterEvents(1);
    worker *w = worker_create("test", wake, WORKER_BACKGROUND);
    CHECK(w != NULL, "the worker starts: %s", SDL_GetError());
    if (w) {
        test_snapshot(w);
        test_post_modes(w);
        test_stop(w);
        worker_free(w);
    }
    test_close(wake);
    test_priority(wake);
    test_jobs_failure(wake);
    int woken = 0;
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) woken += ev.type == wake;
    CHECK(woken > 0, "jobs ending wake the window");
    SDL_Quit();
    return check_report("worker");
}

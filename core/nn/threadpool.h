/* A small pool of persistent worker threads running parallel-for loops.
 * The calling thread takes part, so a pool of N threads starts N-1 workers.
 * One pool serves one caller at a time; tasks must not call dp_pool_run. */
#ifndef DP_THREADPOOL_H
#define DP_THREADPOOL_H

typedef struct dp_pool dp_pool;

/* fn(ctx, task) is called once for every task in [0, n_tasks). */
typedef void (*dp_task_fn)(void *ctx, int task);

/* n_threads <= 0 means one thread per CPU this process may use. */
dp_pool *dp_pool_create(int n_threads);
void     dp_pool_free(dp_pool *pool);
int      dp_pool_threads(const dp_pool *pool);   /* 1 for a NULL pool */

/* Runs all tasks and returns when every one has finished. Which thread runs
 * which task varies, so a task must write only to memory owned by its task
 * index; then results do not depend on scheduling. A NULL pool runs the
 * tasks on the calling thread. */
void dp_pool_run(dp_pool *pool, int n_tasks, dp_task_fn fn, void *ctx);

#endif

#include "chooser.h"
#include "common.h"
#include "paths.h"
#include "platform.h"
#include "worker.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

struct chooser {
    worker *w;
    /* Under the worker's lock: the last answer, until taken. */
    chooser_answer answer;
    choose_purpose purpose;
    char path[PATH_MAX], error[512];
    int open;                    /* a request is posted and not answered */
};

typedef struct {
    chooser *owner;
    char title[128];
    choose_purpose purpose;
    int save;
    char save_as[PATH_MAX];
} request;

static void run(worker *w, void *p)
{
    request *rq = p;
    chooser *c = rq->owner;
    char path[PATH_MAX];
    int rc = dp_choose_file(rq->title, rq->save ? rq->save_as : NULL, path, sizeof path, worker_stop_flag(w));
    worker_lock(w);
    c->answer = rc == 1 ? CHOSEN_FILE : rc == 0 ? CHOSEN_CANCELLED : CHOSEN_ERROR;
    c->purpose = rq->purpose;   /* (still open until the answer is taken: the window waits on it) */
    app_copy_text(c->path, sizeof c->path, rc == 1 ? path : "");
    app_copy_text(c->error, sizeof c->error, rc < 0 ? dp_error() : "");
    worker_unlock(w);
}

chooser *chooser_create(Uint32 wake_event)
{
    chooser *c = calloc(1, sizeof *c);
    if (c && !(c->w = worker_create("chooser", wake_event, WORKER_PROMPT))) {
        free(c);
        return NULL;
    }
    return c;
}

void chooser_free(chooser *c)
{
    if (!c) return;
    worker_free(c->w);
    free(c);
}

int chooser_open(chooser *c, const char *title, choose_purpose purpose, const char *save_as)
{
    request *rq = calloc(1, sizeof *rq);
    if (!rq) return -1;
    rq->owner = c;
    rq->purpose = purpose;
    rq->save = purpose != CHOOSE_LOAD;
    app_copy_text(rq->title, sizeof rq->title, title);
    app_copy_text(rq->save_as, sizeof rq->save_as, save_as ? save_as : "");
    worker_lock(c->w);
    int was_open = c->open;
    c->open = 1;
    worker_unlock(c->w);
    if (was_open) {   /* one chooser at a time: the open one still wants its answer */
        free(rq);
        return -1;
    }
    if (worker_post(c->w, run, free, rq, WORKER_WHEN_IDLE) != 0) {
        free(rq);
        worker_lock(c->w);
        c->open = 0;
        worker_unlock(c->w);
        return -1;
    }
    return 0;
}

int chooser_busy(chooser *c)
{
    if (!c) return 0;
    worker_lock(c->w);
    int open = c->open;
    worker_unlock(c->w);
    return open;
}

chooser_answer chooser_take(chooser *c, char *path, size_t size, char *error, size_t error_size, choose_purpose *purpose)
{
    worker_lock(c->w);
    chooser_answer a = c->answer;
    *purpose = c->purpose;
    if (a != CHOSEN_NOTHING) c->open = 0;
    app_copy_text(path, size, c->path);
    app_copy_text(error, error_size, c->error);
    c->answer = CHOSEN_NOTHING;
    worker_unlock(c->w);
    return a;
}

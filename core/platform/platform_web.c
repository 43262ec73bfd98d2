/* The browser's side of the platform layer (Emscripten): the loop on the
 * page's animation frames, the viewport, dropped files, downloads, the
 * browser's file picker, fetching files that sit beside the page, and
 * keeping the page's files in IndexedDB. Files, time and threads are
 * platform_posix.c's (Emscripten is POSIX enough). The JavaScript half is
 * app/web/page.js, which this file calls as Module.digitpad*. See
 * platform.h. */
#include "platform.h"
#include "common.h"

#include <emscripten.h>
#include <emscripten/threading.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the loop -------------------------------------------------------------------- */

typedef struct {
    int (*step)(void *ctx, int may_wait);
    void (*done)(void *ctx);
    void *ctx;
} loop_state;

static void loop_frame(void *p)
{
    loop_state *s = p;
    if (s->step(s->ctx, 0)) return;
    emscripten_cancel_main_loop();
    if (s->done) s->done(s->ctx);
}

void dp_run_loop(int (*step)(void *ctx, int may_wait), void (*done)(void *ctx), void *ctx)
{
    static loop_state s;
    s = (loop_state){step, done, ctx};
    /* 0 frames per second: the page's animation frames. The 1 ends main()
     * here; the page keeps running the loop. */
    emscripten_set_main_loop_arg(loop_frame, &s, 0, 1);
}

/* ---- the page's files -------------------------------------------------------------- */

void dp_web_files_changed(void);
void dp_web_files_changed(void)
{
    MAIN_THREAD_ASYNC_EM_ASM({
        if (Module.digitpadFilesChanged) Module.digitpadFilesChanged();
    });
}

static void (*dropped_fn)(void *ctx, const char *path);
static void *dropped_ctx;

void dp_on_dropped_file(void (*fn)(void *ctx, const char *path), void *ctx)
{
    dropped_fn = fn;
    dropped_ctx = ctx;
}

/* Called by the page (on the main thread, where the window's loop runs)
 * with the copy it wrote of a file dropped on it. */
EMSCRIPTEN_KEEPALIVE void dp_web_dropped(const char *path);
EMSCRIPTEN_KEEPALIVE void dp_web_dropped(const char *path)
{
    if (dropped_fn && path) dropped_fn(dropped_ctx, path);
}

int dp_hand_over_file(const char *path, const char *name)
{
    int rc = MAIN_THREAD_EM_ASM_INT({ return Module.digitpadDownload(UTF8ToString($0), UTF8ToString($1)); },
                                    path, name);
    if (rc != 0) return dp_set_error("cannot hand %s over to the browser as a download", name);
    return 1;
}

/* ---- waiting for the page ------------------------------------------------------------ */

/* What a thread waits for while the page does the work: the page fills it
 * in (shared memory) and sets state last. page.js reads and writes it at
 * these offsets: state 0, stop 4, done 8, total 16, text 24. */
typedef struct {
    _Atomic int state;          /* 0 running, 1 done, 2 failed, 3 cancelled, 4 not on the server */
    _Atomic int stop;           /* set by the waiting thread: the page gives up */
    double done, total;         /* bytes, for a fetch (total < 0: unknown) */
    char text[1024];            /* a path chosen, or why it failed */
} page_task;

_Static_assert(offsetof(page_task, stop) == 4 && offsetof(page_task, done) == 8 &&
               offsetof(page_task, total) == 16 && offsetof(page_task, text) == 24, "page.js's view of page_task");

static page_task *task_new(void)
{
    page_task *t = calloc(1, sizeof *t);
    if (!t) dp_set_error("out of memory");
    return t;
}

/* Waits for the page to finish t, passing *stop on; calls progress now and
 * then. The page may still write to t until it says it finished, so t is
 * freed only after that. */
static int task_wait(page_task *t, const atomic_int *stop, dp_fetch_progress progress, void *ctx)
{
    const struct timespec tick = {0, 30 * 1000 * 1000};
    int state;
    while ((state = atomic_load(&t->state)) == 0) {
        if (stop && atomic_load(stop)) atomic_store(&t->stop, 1);
        if (progress) progress(ctx, (long long)t->done, (long long)t->total);
        nanosleep(&tick, NULL);
    }
    return state;
}

static int off_main_thread(const char *what)
{
    if (!emscripten_is_main_browser_thread()) return 0;
    return dp_set_error("%s must not run on the page's main thread", what);
}

/* ---- the file picker ----------------------------------------------------------------- */

int dp_file_chooser_available(void) { return 1; }

int dp_choose_file(const char *title, const char *save_as, char *out, size_t size, const atomic_int *stop)
{
    (void)title;
    if (size < 2) return dp_set_error("no room for the chosen file's name");
    if (save_as) {
        /* The model is saved where the page keeps the user's files, then
         * handed over as a download (dp_hand_over_file): the browser asks
         * where, if the user set it to. */
        if (strlen(save_as) >= size) return dp_set_error("the suggested file name is too long");
        strcpy(out, save_as);
        return 1;
    }
    if (off_main_thread("the file picker")) return -1;
    page_task *t = task_new();
    if (!t) return -1;
    MAIN_THREAD_ASYNC_EM_ASM({ Module.digitpadPick($0); }, t);
    int state = task_wait(t, stop, NULL, NULL);
    int rc = 0;
    if (state == 1 && strlen(t->text) < size) {
        strcpy(out, t->text);
        rc = 1;
    } else if (state == 2) {
        rc = dp_set_error("%s", t->text);
    }
    free(t);
    return rc;
}

/* ---- fetching what sits beside the page ------------------------------------------------ */

int dp_fetch_available(void) { return 1; }

int dp_fetch_file(const char *url, const char *path, dp_fetch_progress progress, void *ctx, const atomic_int *stop)
{
    if (off_main_thread("a download")) return -1;
    page_task *t = task_new();
    if (!t) return -1;
    t->total = -1;
    MAIN_THREAD_ASYNC_EM_ASM({ Module.digitpadFetch($0, UTF8ToString($1), UTF8ToString($2)); }, t, url, path);
    (void)path;   /* read by the page, which an unexpanded EM_ASM hides from the compiler */
    int state = task_wait(t, stop, progress, ctx);
    int rc = 0;
    if (state == 1 && progress) progress(ctx, (long long)t->done, (long long)t->done);
    if (state == 2 || state == 4) rc = dp_set_error("%s", t->text);
    if (state == 3) rc = dp_set_error("the download of %s was stopped", url);
    if (state == 4) rc = -2;
    if (state == 1) dp_web_files_changed();
    free(t);
    return rc;
}

/* ---- the display --------------------------------------------------------------------- */

int dp_display_check(const char **driver, char *where, size_t size)
{
    *driver = NULL;
    snprintf(where, size, "the browser page");
    return 0;
}

/* What the page found at start (page.js): storage it cannot use, another
 * tab holding it. */
const char *dp_runtime_note(void)
{
    static char note[512];
    MAIN_THREAD_EM_ASM({
        var text = Module.digitpadNote ? Module.digitpadNote() : "";
        stringToUTF8(text, $0, $1);
    }, note, (int)sizeof note);
    return note[0] ? note : NULL;
}

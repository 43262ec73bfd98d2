/* The window: start-up, the event loop with its frames, and shut-down.
 * What the window shows is drawn by scene.c; input is events.c; what a
 * frame was asked for is done by actions.c. */
#include "window.h"
#include "actions.h"
#include "closing.h"
#include "app.h"
#include "common.h"
#include "events.h"
#include "pictures.h"
#include "platform.h"
#include "prefs.h"
#include "scene.h"
#include "scripted.h"
#include "theme.h"
#include "training.h"
#include "verbose.h"

#include <SDL_ttf.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- start-up ---------------------------------------------------------------------- */

/* The window's icon: a 7 in the accent colour on a rounded panel. */
static SDL_Surface *make_icon(void)
{
    enum { S = 64 };
    SDL_Surface *icon = SDL_CreateRGBSurfaceWithFormat(0, S, S, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!icon) return NULL;
    static float canvas[DP_CANVAS * DP_CANVAS];
    dp_strokes s;
    dp_strokes_init(&s);
    const float seven[][2] = {{70, 70}, {210, 70}, {120, 225}};
    dp_strokes_begin(&s);
    for (int i = 0; i < 3; i++) dp_strokes_add_point(&s, seven[i][0], seven[i][1]);
    dp_rasterize(canvas, &s, 34);
    dp_strokes_free(&s);
    Uint32 *px = icon->pixels;
    int step = DP_CANVAS / S;   /* area-average 280 -> 64 (4×4 blocks of a 256 crop) */
    for (int y = 0; y < S; y++)
        for (int x = 0; x < S; x++) {
            float sum = 0;
            for (int dy = 0; dy < step; dy++)
                for (int dx = 0; dx < step; dx++) sum += canvas[(12 + y * step + dy) * DP_CANVAS + 12 + x * step + dx];
            float ink = sum / (float)(step * step);
            int corner = (x < 8 || x > S - 9) && (y < 8 || y > S - 9);
            float cx = x < 8 ? 8 - (float)x : x > S - 9 ? (float)x - (S - 9) : 0;
            float cy = y < 8 ? 8 - (float)y : y > S - 9 ? (float)y - (S - 9) : 0;
            Uint8 alpha = corner && cx * cx + cy * cy > 64 ? 0 : 255;
            SDL_Color c = color_mix(THEME_PANEL, THEME_ACCENT, ink);
            px[y * S + x] = (Uint32)alpha << 24 | (Uint32)c.r << 16 | (Uint32)c.g << 8 | c.b;
        }
    return icon;
}

static void no_window(const char *why)
{
    fprintf(stderr, "digitpad: cannot open a window: %s; the commands work without one (digitpad --help)\n", why);
}

/* Whether there is a display to open the window on, and one line on stderr
 * if not. Without one SDL would try its drivers anyway (each printing a
 * complaint of its own) and end on an invisible offscreen window, so that
 * case is told before SDL starts; the platform layer knows what a display
 * is here, and which driver to insist on. SDL_VIDEODRIVER, or a --screenshot
 * run, decides for itself. */
static int init_video(const window_options *opt)
{
    const char *wanted = SDL_getenv("SDL_VIDEODRIVER"), *driver = NULL;
    int own_choice = (wanted && *wanted) || opt->screenshot_path;
    char where[512];
    if (!own_choice && dp_display_check(&driver, where, sizeof where) != 0) {
        no_window(where);
        return -1;
    }
    if (!own_choice && driver) SDL_SetHint(SDL_HINT_VIDEODRIVER, driver);
    /* SDL by default keeps the screen from locking while a window is open
     * and asks X11 compositors to step aside, as a game would; an idle
     * digitpad must do neither. Read at video start; the environment may
     * still say otherwise. */
    SDL_SetHintWithPriority(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1", SDL_HINT_DEFAULT);
    SDL_SetHintWithPriority(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0", SDL_HINT_DEFAULT);
    char why[1024];
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        if (!own_choice && driver)
            snprintf(why, sizeof why, "cannot connect to %s: %s", where, SDL_GetError());
        else
            snprintf(why, sizeof why, "%s", SDL_GetError());
        no_window(why);
        return -1;
    }
    /* An offscreen or dummy window shows nothing: only when asked for. */
    const char *current = SDL_GetCurrentVideoDriver();
    if (!own_choice && current && (strcmp(current, "offscreen") == 0 || strcmp(current, "dummy") == 0)) {
        no_window("no display found");
        return -1;
    }
    return 0;
}

/* The default size on a screen smaller than it (a 1366×768 laptop with its
 * panel, a small tablet): the screen's usable area less room for the
 * window's frame. */
static void fit_default_size(int *w, int *h)
{
    SDL_Rect usable;
    if (SDL_GetDisplayUsableBounds(0, &usable) != 0 || usable.w <= 0 || usable.h <= 0) return;
    if (*w > usable.w - 16) *w = usable.w - 16 > 320 ? usable.w - 16 : 320;
    if (*h > usable.h - 48) *h = usable.h - 48 > 360 ? usable.h - 48 : 360;
}

static int create_window(app *a)
{
    if (init_video(&a->opt) != 0) return -1;
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");   /* fingers are handled as fingers (events.c) */
    /* SDL's own software renderer draws this UI (fills, text, two streamed
     * textures) in a few milliseconds, starts faster and keeps a GL driver
     * (on machines without a GPU, Mesa's llvmpipe: 55 MB of LLVM) out of
     * memory. SDL_RENDER_DRIVER=opengl (or any SDL driver) still picks
     * another. */
    SDL_SetHintWithPriority(SDL_HINT_RENDER_DRIVER, "software", SDL_HINT_DEFAULT);
    SDL_SetHintWithPriority(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0", SDL_HINT_DEFAULT);
    if (!a->opt.size_given && !a->opt.screenshot_path)   /* scripted pictures: the same size everywhere */
        fit_default_size(&a->opt.width, &a->opt.height);
    a->win = SDL_CreateWindow("digitpad", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                              a->opt.width, a->opt.height,
                              SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI | SDL_WINDOW_HIDDEN);
    if (!a->win) {
        fprintf(stderr, "digitpad: cannot create the window: %s\n", SDL_GetError());
        return -1;
    }
    SDL_SetWindowMinimumSize(a->win, 320, 360);
    a->ren = SDL_CreateRenderer(a->win, -1, 0);
    if (!a->ren) a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    if (!a->ren) {
        fprintf(stderr, "digitpad: cannot create a renderer: %s\n", SDL_GetError());
        return -1;
    }
    SDL_Surface *icon = make_icon();
    if (icon) {
        SDL_SetWindowIcon(a->win, icon);
        SDL_FreeSurface(icon);
    }
    return 0;
}

/* The font: DIGITPAD_FONT, else the system's DejaVu Sans (fontconfig, then
 * where distributions install it). A font that cannot be found or opened is
 * said in one line on stderr, and the next one is used; with none at all,
 * the built-in bitmap font: plainer labels beat no window. */
static int open_fonts(app *a)
{
    char font[PATH_MAX], passed[2048] = "", why[1024] = "";
    const char *env = getenv("DIGITPAD_FONT");
    if (TTF_Init() != 0) {
        snprintf(why, sizeof why, "SDL_ttf could not start: %s", TTF_GetError());
    } else {
        if (env && *env && !(a->text = text_create(a->ren, env, 1.0f, why, sizeof why)))
            snprintf(passed, sizeof passed, "DIGITPAD_FONT: %s; ", why);   /* why names the file */
        if (!a->text && text_find_system_font(font, sizeof font, why, sizeof why) == 0)
            a->text = text_create(a->ren, font, 1.0f, why, sizeof why);
        if (a->text && passed[0]) fprintf(stderr, "digitpad: %susing %s instead\n", passed, font);
    }
    if (!a->text) {
        if (!(a->text = text_create_builtin(a->ren, 1.0f))) {
            fprintf(stderr, "digitpad: %s%s\n", passed, why);
            return -1;
        }
        fprintf(stderr, "digitpad: %s%s; using the built-in font (install fonts-dejavu-core, or set "
                        "DIGITPAD_FONT=/path/to/font.ttf)\n", passed, why);
    }
    a->ui.r = a->ren;
    a->ui.text = a->text;
    return 0;
}

/* --strokes FILE on the canvas; an unreadable file is said and ends the
 * start (it was asked for by name). */
static int open_drawing(app *a, const char *path)
{
    dp_strokes s;
    dp_strokes_init(&s);
    int rc = dp_strokes_load(&s, path);
    if (rc == 0) drawing_replace(&a->canvas.draw, &s);
    else fprintf(stderr, "digitpad: %s\n", dp_error());
    dp_strokes_free(&s);
    return rc;
}

/* The modules, before the window shows. */
static int init_modules(app *a)
{
    a->settings.cfg = dp_train_defaults();
    a->settings.cfg.log_every = 10;
    canvas_init(&a->canvas);
    reading_init(&a->reading);
    train_curves_init(&a->train.curves);
    throttle_init(&a->frame_pace, 1.0 / 60);
    a->wake_event = SDL_RegisterEvents(1);
    if (a->wake_event == (Uint32)-1 || !(a->train.jobs = jobs_create(a->wake_event))) {
        fprintf(stderr, "digitpad: cannot start the training thread: %s\n", SDL_GetError());
        return -1;
    }
    if (model_start(&a->model, a->opt.model_path, &a->status) != 0) {
        fprintf(stderr, "digitpad: %s\n", dp_error());
        return -1;
    }
    kept_open(&a->kept, &a->status);
    views_init(&a->views, a->wake_event);
    release_watch_start(&a->release, a->win);
    /* The system's file chooser, unless DIGITPAD_FILE_CHOOSER=none asks
     * for the window's own dialogs (the tests do: they drive those). NULL:
     * the window's dialogs, without Browse…. */
    const char *want = getenv("DIGITPAD_FILE_CHOOSER");
    if (!want || strcmp(want, "none") != 0) a->chooser = chooser_create(a->wake_event);
    a->dialog.chooser_allowed = a->chooser != NULL;
    return 0;
}

static int app_init(app *a, const window_options *opt)
{
    memset(a, 0, sizeof *a);
    a->opt = *opt;
    verbose_enable(opt->verbose);
    window_prefs prefs;
    char prefs_file[4096];
    prefs_path(prefs_file, sizeof prefs_file);
    prefs_load(&prefs, prefs_file);
    a->zoom = prefs.zoom;
    if (create_window(a) != 0 || open_fonts(a) != 0 || init_modules(a) != 0) return -1;
    if (opt->strokes_path && open_drawing(a, opt->strokes_path) != 0) return -1;
    const char *note = dp_runtime_note();   /* e.g. a browser that keeps no files */
    if (note) status_set(&a->status, 1, "%s", note);
    if (!a->status.text[0])
        status_set(&a->status, 0, "model %s — draw a digit; T trains, F1 shows the keys", a->model.name);
    events_relayout(a);
    SDL_ShowWindow(a->win);
    closing_watch(a);
    closing_offer_restore(a);
    scripted_start(a);
    return 0;
}

/* ---- frames ------------------------------------------------------------------------- */

/* After the frame is drawn: the scripted shot, F12's screenshot or a
 * picture asked for, from what was drawn. */
static void take_pictures(app *a)
{
    if (scripted_shot_due(a)) {
        if (picture_save(a->ren, a->opt.screenshot_path, NULL, &a->status, 0) != 0) a->script_failed = 1;
        a->quit = 1;
        return;
    }
    double said = a->status.time;
    if (a->screenshot_pending) {
        a->screenshot_pending = 0;
        picture_save_to_user_dir(a->ren, NULL, NULL, &a->status);
    } else if (a->picture.pending) {
        a->picture.pending = 0;
        actions_picture_now(a, a->picture.name, a->picture.rect);
    }
    if (a->status.time != said && a->status.error)   /* an error where the user is looking */
        dialog_message(&a->dialog, "The picture was not saved", a->status.text);
}

static void note_presented(app *a)
{
    double now = dp_now();
    if (a->frames_presented++ == 0) verbose_line("first_frame_ms", "%.1f", 1000 * (now - a->opt.start_time));
    /* Frame rate as the pen feels it: intervals between frames while drawing. */
    int pen = a->canvas.pen_down;
    if (pen && a->last_present > 0) frame_stats_add(&a->frame_interval, now - a->last_present);
    a->last_present = pen ? now : 0;
}

static void render_frame(app *a)
{
    double t0 = dp_now();
    /* Cleared first: what a click in this frame asks for (a dialog that
     * opens, a job that starts) asks for the next one. */
    a->dirty = 0;
    a->status.changed = 0;
    places_clear(&a->places);
    view_id shown = layout_shown_view(&a->lay, a->views.view);
    if (a->regions_logged != (int)shown) {   /* the charts or the teaching strip came or went */
        verbose_regions(&a->lay, a->density, shown);
        a->regions_logged = (int)shown;
    }
    frame f = {a->ren, a->text, &a->ui, &a->lay, a->density, &a->cmds, &a->places, 0};
    ui_begin_frame(&a->ui, t0);
    scene_draw(a, &f);
    ui_end_frame(&a->ui);
    text_end_frame(a->text);
    verbose_places(&a->places, a->density);
    actions_run(a);
    if (f.redraw) a->dirty = 1;
    take_pictures(a);
    frame_stats_add(&a->frame_work, dp_now() - t0);
    SDL_RenderPresent(a->ren);
    note_presented(a);
}

static void log_frame_times(const app *a)
{
    const frame_stats *w = &a->frame_work, *i = &a->frame_interval;
    if (!verbose_on() || !w->n) return;
    char intervals[128] = "";
    if (i->n)
        snprintf(intervals, sizeof intervals, "\tdrawing_interval_median_ms\t%.2f\tdrawing_interval_p99_ms\t%.2f",
                 1000 * frame_stats_quantile(i, 0.5), 1000 * frame_stats_quantile(i, 0.99));
    verbose_line("frames", "%ld\twork_median_ms\t%.2f\twork_p99_ms\t%.2f%s", w->total, 1000 * frame_stats_quantile(w, 0.5),
                 1000 * frame_stats_quantile(w, 0.99), intervals);
    long kb = dp_peak_memory_kb();   /* of the whole run */
    if (kb >= 0) verbose_line("memory", "peak_rss_mb\t%.1f", kb / 1024.0);
}

/* How long the loop may sleep: long when idle, a frame while things move. */
static int wait_timeout_ms(app *a)
{
    if (a->dirty) return (int)ceil(1000 * throttle_wait(&a->frame_pace, dp_now()));
    if (a->opt.screenshot_path) return 16;
    if (a->train.job.busy) return 100;   /* the jobs wake us when they have news */
    double tip = ui_tooltip_due(&a->ui);
    if (tip >= 0) return (int)(tip * 1000) + 1;
    if (a->status.text[0] && dp_now() - a->status.time < 8.0) return 1000;
    return 2000;
}

/* ---- the loop and shut-down ---------------------------------------------------------------- */

static void app_quit(app *a)
{
    log_frame_times(a);
    jobs_free(a->train.jobs);   /* stops a running job and waits for it */
    chooser_free(a->chooser);   /* closes an open chooser */
    SDL_FreeSurface(a->held_picture);
    evalview_free(&a->eval);
    dialog_free(&a->dialog);
    kept_close(&a->kept);
    views_free(&a->views);
    train_curves_free(&a->train.curves);
    canvas_free(&a->canvas);
    side_free(&a->side);
    model_free(&a->model);
    text_free(a->text);
    if (TTF_WasInit()) TTF_Quit();
    if (a->ren) SDL_DestroyRenderer(a->ren);
    if (a->win) SDL_DestroyWindow(a->win);
    SDL_Quit();
}

/* A file dropped on a browser page (a desktop's come as SDL_DROPFILE). */
static void on_dropped_file(void *ctx, const char *path)
{
    app *a = ctx;
    actions_open_file(a, path, 1);
    a->dirty = 1;
}

/* One turn of the loop: events, the jobs' news, and a frame if something
 * changed (at most one frame, and one reading, per display refresh: mouse
 * events arrive far faster, and their points are all kept). It waits for
 * events only where the system lets it (may_wait; a browser page's turn
 * must return at once). 0 once the window is to close. */
static int loop_once(void *ctx, int may_wait)
{
    app *a = ctx;
    SDL_Event e;
    if (may_wait ? SDL_WaitEventTimeout(&e, wait_timeout_ms(a)) : SDL_PollEvent(&e)) {
        do {
            events_handle(a, &e);
            actions_run(a);   /* what a key asked for, before the next event (Enter, then typing) */
        } while (SDL_PollEvent(&e));
    }
    if (atomic_load(&a->terminate) && !a->quit) closing_request(a);   /* a request no toolkit turned into an event */
    if (ui_tooltip_ready(&a->ui, dp_now())) a->dirty = 1;   /* the pointer has rested on a control */
    training_poll(a);
    actions_poll(a);
    if (a->quit_after_save && a->dialog.open != DIALOG_SAVE && !chooser_busy(a->chooser))
        a->quit_after_save = 0;   /* the Save was cancelled */
    if (views_poll(&a->views, &a->model, a->train.job.busy)) a->dirty = 1;
    if (a->status.changed) a->dirty = 1;
    if (a->dirty && throttle_ready(&a->frame_pace, dp_now(), 0)) {
        actions_read_drawing(a);
        render_frame(a);
    }
    return !a->quit;
}

static app the_app;   /* large (the 280² canvas and more): not on the stack */
static int exit_status = 1;

static void app_done(void *ctx)
{
    app *a = ctx;
    exit_status = scripted_exit_status(a);
    app_quit(a);
}

int window_run(const window_options *opt)
{
    app *a = &the_app;
    dp_memory_keep_big_blocks_apart();
    if (app_init(a, opt) != 0) {
        app_quit(a);
        return 1;
    }
    a->dirty = 1;
    dp_on_dropped_file(on_dropped_file, a);
    /* Returns when the window closes, or at once in a browser page, whose
     * loop goes on (app_done then runs when it ends). */
    dp_run_loop(loop_once, app_done, a);
    return exit_status;
}

/* The window: SDL set-up, the event loop, frame pacing, actions and
 * screenshots. Rendering is in scene.c, dialogs in dialogs.c. */
#include "app.h"
#include "paths.h"
#include "common.h"
#include "platform.h"
#include "model_io.h"
#include "theme.h"
#include "train_csv.h"

#include <SDL_image.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifndef DIGITPAD_SOURCE_ASSETS
#define DIGITPAD_SOURCE_ASSETS "assets"
#endif

#define BRUSH_MIN 4.0f
#define BRUSH_MAX 60.0f

/* ---- status line --------------------------------------------------------- */

void app_set_status(app *a, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->status, sizeof a->status, fmt, ap);
    va_end(ap);
    a->status_error = error;
    a->status_time = dp_now();
    a->dirty = 1;
    if (error) fprintf(stderr, "digitpad: %s\n", a->status);
    if (a->opt.verbose) {
        printf("status\t%s\t%s\n", error ? "error" : "ok", a->status);
        fflush(stdout);
    }
}

/* ---- actions ------------------------------------------------------------- */


int app_find_mnist_or_explain(app *a)
{
    char msg[PATH_MAX * 3 + 256];
    if (app_find_mnist(NULL, 1, a->mnist_dir, sizeof a->mnist_dir, msg, sizeof msg) == 0) return 0;
    dialogs_message(a, "MNIST not found", msg);
    app_set_status(a, 1, "%s", msg);
    return -1;
}

void app_action_train(app *a)
{
    if (jobs_busy(a->jobs) || app_find_mnist_or_explain(a) != 0) return;
    dp_arch arch;
    if (a->train_from_current) arch = a->net->arch;
    else dp_arch_parse(&arch, "seed");
    /* Predictions follow the trainer's network from its first step on. */
    dp_net *fresh = dp_net_create(&arch);
    if (!fresh) {
        app_set_status(a, 1, "%s", dp_error());
        return;
    }
    if (a->train_from_current) dp_net_copy_params(fresh, a->net);
    else dp_net_init(fresh, a->train_cfg.seed);
    const dp_net *from = a->train_from_current ? a->net : NULL;
    if (jobs_start_train(a->jobs, &arch, from, &a->train_cfg, a->mnist_dir) != 0) {
        dp_net_free(fresh);
        app_set_status(a, 1, "could not start training");
        return;
    }
    app_adopt_net(a, fresh, a->train_from_current ? a->model_name : "training…");
    train_curves_clear(&a->curves);
    a->weights_seen = 0;
    a->logged_points = a->logged_tests = 0;
    a->model_unsaved = 1;
    app_set_status(a, 0, "training on MNIST: %d epochs, batch %d, learning rate %g", a->train_cfg.epochs,
                   a->train_cfg.batch, (double)a->train_cfg.lr);
}

void app_action_stop(app *a)
{
    if (!jobs_busy(a->jobs)) return;
    jobs_stop(a->jobs);
    app_set_status(a, 0, "stopping…");
}

void app_action_eval(app *a)
{
    if (jobs_busy(a->jobs) || app_find_mnist_or_explain(a) != 0) return;
    if (jobs_start_eval(a->jobs, a->net, a->mnist_dir) == 0)
        app_set_status(a, 0, "evaluating %s on the 10,000 MNIST test images…", a->model_name);
}

/* ---- prediction ------------------------------------------------------------ */

static void log_prediction(const app *a)
{
    if (!a->opt.verbose) return;
    if (a->has_digit) printf("predict\t%d\t", dp_argmax(a->probs, DP_CLASSES));
    else printf("predict\t-\t");
    for (int c = 0; c < DP_CLASSES; c++) printf(c ? " %.6f" : "%.6f", a->has_digit ? (double)a->probs[c] : 0.0);
    printf("\n");
    fflush(stdout);
}

/* While training runs, the drawing's ten probabilities are followed step by
 * step as new weights arrive ("watch your digit learn"); a changed drawing
 * starts the curves again. */
static void follow_drawing(app *a, int drawing_changed)
{
    chart_series *c = a->curves.drawing;
    if (drawing_changed)
        for (int d = 0; d < DP_CLASSES; d++) chart_series_clear(&c[d]);
    int training = jobs_busy(a->jobs) && (a->st.kind == JOB_TRAIN || a->st.kind == JOB_FINETUNE) &&
                   a->st.phase == PHASE_RUNNING;
    if (!training || !a->has_digit) return;
    float step = (float)a->st.progress.step;
    if (c[0].n && c[0].x[c[0].n - 1] >= step) return;   /* one point per step */
    for (int d = 0; d < DP_CLASSES; d++) chart_series_add(&c[d], step, a->probs[d]);
    if (a->opt.verbose) {
        int top = dp_argmax(a->probs, DP_CLASSES);
        printf("learn\t%.0f\t%d\t%.6f\n", (double)step, top, (double)a->probs[top]);
        fflush(stdout);
    }
}

/* Re-predicts when the drawing or the weights changed: at most once a frame. */
static void update_prediction(app *a)
{
    if (a->predicted_version == a->draw.version && a->predicted_weights == a->weights_version) return;
    int rc = drawing_layer(&a->draw) ? app_layer_input(a, a->input)
                             : dp_strokes_to_input(a->input, a->canvas280, &a->draw.current, DP_BRUSH_AUTO, &a->prep);
    a->has_digit = rc == 1;
    if (a->has_digit) dp_net_predict(a->exec, a->net, a->input, 1, a->probs);
    else memset(a->probs, 0, sizeof a->probs);
    if (a->show_raw && a->has_digit && !drawing_layer(&a->draw)) {   /* the canvas merely shrunk, for comparison */
        float raw[DP_INPUT * DP_INPUT];
        dp_rasterize_into(raw, DP_INPUT, DP_INPUT, (float)DP_INPUT / DP_CANVAS, &a->draw.current, a->brush);
        dp_net_predict(a->exec, a->net, raw, 1, a->raw_probs);
    }
    int drawing_changed = a->predicted_version != a->draw.version;
    a->predicted_version = a->draw.version;
    a->predicted_weights = a->weights_version;
    a->dirty = 1;
    log_prediction(a);
    follow_drawing(a, drawing_changed);
}

/* ---- the trainer's news -------------------------------------------------- */

static void log_training(app *a)
{
    if (!a->opt.verbose) return;
    const chart_series *loss = &a->curves.loss, *smooth = &a->curves.loss_smooth;
    for (long i = a->logged_points; i < loss->n; i++)
        printf("train\t%.0f\t%.6f\t%.6f\t%.0f\n", (double)loss->x[i], (double)loss->y[i],
               (double)smooth->y[i < smooth->n ? i : smooth->n - 1], a->st.progress.img_per_s);
    a->logged_points = loss->n;
    const chart_series *test = &a->curves.test;
    for (long i = a->logged_tests; i < test->n; i++)   /* the full test set, after each epoch */
        printf("accuracy\t%.0f\t%.5f\t%.2f\n", (double)test->x[i], (double)test->y[i], a->st.progress.elapsed_s);
    a->logged_tests = test->n;
    fflush(stdout);
}

static void job_finished(app *a)
{
    dp_memory_release_free();   /* a job's blocks, freed in bulk */
    if (a->opt.verbose) {
        static const char *phase[] = {"idle", "loading", "running", "done", "stopped", "failed"};
        static const char *kind[] = {"idle", "train", "eval", "finetune"};
        printf("job\t%s\t%s\t%ld\n", kind[a->st.kind], phase[a->st.phase], a->st.progress.step);
        fflush(stdout);
    }
    if (a->st.kind == JOB_FINETUNE) {
        mine_finetune_ended(a);
        return;
    }
    if (a->st.phase == PHASE_FAILED) {
        app_set_status(a, 1, "%s", a->st.message);
        return;
    }
    if (a->st.kind == JOB_EVAL) {
        if (jobs_take_eval(a->jobs, &a->eval, &a->eval_seen)) {
            a->have_eval = 1;
            dialogs_open(a, MODAL_EVAL);
            app_set_status(a, 0, "%s: %.2f%% on the MNIST test set (%.1f s)", a->model_name,
                           100 * a->eval.e.accuracy, a->eval.seconds);
        }
        return;
    }
    const dp_train_progress *p = &a->st.progress;
    app_copy_text(a->model_name, sizeof a->model_name, "trained here");
    if (isnan(a->st.last_test_acc))
        app_set_status(a, 0, "training %s at step %ld; the window now uses this network",
                       a->st.phase == PHASE_STOPPED ? "stopped" : "finished", p->step);
    else
        app_set_status(a, 0, "training %s at step %ld: %.2f%% on the MNIST test set; Save keeps it",
                       a->st.phase == PHASE_STOPPED ? "stopped" : "finished", p->step, 100 * a->st.last_test_acc);
}

static void poll_trainer(app *a)
{
    /* One snapshot: a job that ends between two reads would otherwise be
     * finished with the phase it had before (an Eval failure dropped, a
     * Train failure reported as finished, a good fine-tune rolled back). */
    jobs_get_status(a->jobs, &a->st);
    int busy = a->st.busy;
    if (a->st.kind == JOB_TRAIN || a->st.kind == JOB_FINETUNE) {
        if (jobs_sync_curves(a->jobs, &a->curves) > 0) a->dirty = 1;
        if (jobs_take_weights(a->jobs, a->net, &a->weights_seen)) a->weights_version++, a->dirty = 1;
        log_training(a);
    }
    if (a->was_busy && !busy) job_finished(a);
    if (busy != a->was_busy) {
        a->dirty = 1;
        if (a->opt.verbose) {   /* for scripted tests: a job (training, evaluation) runs or not */
            printf("busy\t%d\n", busy);
            fflush(stdout);
        }
    }
    a->was_busy = busy;
}

/* --evaluate, --cell T,P[,K]: the evaluation shown, then the cell opened,
 * then its K-th digit put on the canvas. */
static int scripted_eval_ready(app *a)
{
    if (a->train_failed) return 1;
    if (!a->have_eval) return 0;
    if (a->opt.cell_t < 0) return a->modal == MODAL_EVAL;
    if (a->modal == MODAL_EVAL) eval_open_cell(a, a->opt.cell_t, a->opt.cell_p);
    if (a->opt.cell_k < 0) return a->modal == MODAL_EVAL_CELL;
    if (a->modal == MODAL_EVAL_CELL) {
        if (a->opt.cell_k >= a->eval_list_n) {
            app_set_status(a, 1, "--cell: the cell %d,%d has %d digits, no number %d", a->opt.cell_t, a->opt.cell_p,
                           a->eval_list_n, a->opt.cell_k);
            a->train_failed = 1;   /* the shot is taken, and the exit status says it is not the one asked for */
            return 1;
        }
        eval_open_digit(a, a->eval_list[a->opt.cell_k]);
        return 0;   /* predict it first */
    }
    return drawing_layer(&a->draw) && a->modal == MODAL_NONE;
}

/* With --screenshot: is the picture the user asked for ready? With
 * --train-steps it is taken while training still runs, progress bar and all;
 * quitting then stops the trainer. */
static int scripted_shot_ready(app *a)
{
    if (a->predicted_version != a->draw.version || a->predicted_weights != a->weights_version) return 0;
    if (a->views.view == VIEW_NEAREST && a->views.emb && !a->views.current.n && !a->views.current.error[0]) return 0;
    if (a->opt.finetune) return a->train_failed || a->modal == MODAL_FINETUNE;
    if (a->opt.evaluate) return scripted_eval_ready(a);
    if (a->opt.train_steps <= 0 || a->train_failed) return 1;
    if (a->st.kind != JOB_TRAIN) return 0;
    return a->st.progress.step >= a->opt.train_steps || (!jobs_busy(a->jobs) && a->st.phase >= PHASE_DONE);
}

/* ---- layout and input ------------------------------------------------------ */

/* Where the canvas and the buttons are, in window coordinates, for tests
 * that drive the window with real mouse events. */
static void log_geometry(const app *a)
{
    static const char *names[BTN_COUNT] = {
        [BTN_TRAIN] = "train", [BTN_STOP] = "stop", [BTN_SETTINGS] = "settings", [BTN_EVAL] = "evaluate",
        [BTN_SAVE] = "save", [BTN_LOAD] = "load", [BTN_UNDO] = "undo", [BTN_REDO] = "redo",
        [BTN_CLEAR] = "clear", [BTN_HELP] = "help",
    };
    float d = a->density;
    ui_rect c = a->lay.canvas;
    printf("canvas\t%d\t%d\t%d\t%d\n", (int)(c.x / d), (int)(c.y / d), (int)(c.w / d), (int)(c.h / d));
    for (int i = 0; i < BTN_COUNT; i++) {
        ui_rect b = a->lay.buttons[i];
        printf("button\t%s\t%d\t%d\t%d\t%d\n", names[i], (int)(b.x / d), (int)(b.y / d), (int)(b.w / d),
               (int)(b.h / d));
    }
    const ui_layout *l = &a->lay;
    const ui_rect *more[] = {&l->mine_digits, &l->mine_collect, &l->mine_finetune, &l->view_tabs[0], &l->view_tabs[1],
                             &l->view_tabs[2], &l->view_tabs[3], &l->view_save};
    static const char *more_names[] = {"mydigits", "collect", "finetune", "view0", "view1", "view2", "view3", "savepicture"};
    for (int i = 0; i < 18; i++) {
        ui_rect b = i < 10 ? l->keep[i] : *more[i - 10];
        if (i < 10) printf("button\tkeep%d", i);
        else printf("button\t%s", more_names[i - 10]);
        printf("\t%d\t%d\t%d\t%d\n", (int)(b.x / d), (int)(b.y / d), (int)(b.w / d), (int)(b.h / d));
    }
    fflush(stdout);
}

static void relayout(app *a)
{
    int ww, wh, ow, oh;
    SDL_GetWindowSize(a->win, &ww, &wh);
    SDL_GetRendererOutputSize(a->ren, &ow, &oh);
    a->density = ww > 0 ? (float)ow / (float)ww : 1.0f;
    layout_compute(&a->lay, ow, oh, a->density);
    float old_scale = a->ui.scale;
    a->ui.scale = a->lay.scale;
    text_set_scale(a->text, a->lay.scale);
    if (a->ui.scale != old_scale) dp_memory_release_free();   /* fonts and textures of the old scale */
    a->dirty = 1;
    if (a->opt.verbose) log_geometry(a);
}

static void pen_to(app *a, int px, int py, int begin)
{
    float cx, cy;
    scene_window_to_canvas(a, px, py, &cx, &cy);
    if (begin) drawing_begin_stroke(&a->draw, cx, cy);
    else drawing_add_point(&a->draw, cx, cy);
    a->dirty = 1;
}

static void set_brush(app *a, float b)
{
    a->brush = b < BRUSH_MIN ? BRUSH_MIN : b > BRUSH_MAX ? BRUSH_MAX : b;
    a->dirty = 1;
}

/* The digit a key stands for (0-9 on the main keys or the keypad,
 * without Ctrl or Alt), or -1. */
int app_digit_key(const SDL_KeyboardEvent *k)
{
    SDL_Keycode key = k->keysym.sym;
    if (k->keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) return -1;
    if (key >= SDLK_0 && key <= SDLK_9) return (k->keysym.mod & KMOD_SHIFT) ? -1 : (int)(key - SDLK_0);
    if (key >= SDLK_KP_1 && key <= SDLK_KP_9) return (int)(key - SDLK_KP_1) + 1;
    return key == SDLK_KP_0 ? 0 : -1;
}

static void handle_key(app *a, const SDL_KeyboardEvent *k)
{
    if (a->modal != MODAL_NONE && dialogs_key(a, k)) return;
    int ctrl = (k->keysym.mod & KMOD_CTRL) != 0, shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    int busy = jobs_busy(a->jobs), digit = app_digit_key(k);
    if (digit >= 0) {   /* "this drawing is a 7": label and keep it */
        mine_keep(a, digit);
        return;
    }
    switch (k->keysym.sym) {
    case SDLK_c: if (!ctrl) app_clear_canvas(a); break;
    case SDLK_BACKSPACE:
    case SDLK_DELETE: app_clear_canvas(a); break;
    case SDLK_z:
        if (ctrl && shift) drawing_redo(&a->draw);
        else if (ctrl && !mine_undo(a, 0)) drawing_undo(&a->draw);
        break;
    case SDLK_y: if (ctrl) drawing_redo(&a->draw); break;
    case SDLK_t: if (!busy) app_action_train(a); break;
    case SDLK_ESCAPE:
        if (busy) app_action_stop(a);
        else if (a->mine.collect) mine_set_collect(a, 0);
        break;
    case SDLK_RETURN:
    case SDLK_KP_ENTER: if (a->mine.collect) mine_keep(a, a->mine.prompt); break;
    case SDLK_m: dialogs_open(a, MODAL_DIGITS); break;
    case SDLK_p: mine_set_collect(a, !a->mine.collect); break;
    case SDLK_f: if (!busy) app_action_finetune(a); break;
    case SDLK_v: views_set(a, (view_id)((a->views.view + (shift ? VIEW_COUNT - 1 : 1)) % VIEW_COUNT)); break;
    case SDLK_e: if (!busy) app_action_eval(a); break;
    case SDLK_s: if (ctrl) dialogs_open(a, MODAL_SAVE); break;
    case SDLK_o: if (ctrl) dialogs_open(a, MODAL_LOAD); break;
    case SDLK_b: a->show_overlay = !a->show_overlay; break;
    case SDLK_r:
        a->show_raw = !a->show_raw;
        a->predicted_version = (unsigned)-1;   /* predict the unprepared canvas too */
        break;
    case SDLK_LEFTBRACKET: set_brush(a, a->brush - 2); break;
    case SDLK_RIGHTBRACKET: set_brush(a, a->brush + 2); break;
    case SDLK_F1:
    case SDLK_QUESTION: dialogs_open(a, MODAL_HELP); break;
    case SDLK_SLASH: if (shift) dialogs_open(a, MODAL_HELP); break;
    case SDLK_F12: a->screenshot_pending = 1; break;
    default: return;
    }
    a->dirty = 1;
}

static void handle_drop(app *a, char *file)
{
    size_t n = strlen(file);
    if (n > 6 && strcmp(file + n - 6, ".model") == 0) {
        app_load_model(a, file);
    } else if (n > 4 && strcmp(file + n - 4, ".csv") == 0) {
        app_plot_csv(a, file);
    } else {
        dp_strokes s;
        dp_strokes_init(&s);
        if (dp_strokes_load(&s, file) == 0 && drawing_replace(&a->draw, &s) == 0)
            app_set_status(a, 0, "opened drawing %s", file);
        else
            app_set_status(a, 1, "could not open %s: %s", file, dp_error());
        dp_strokes_free(&s);
    }
    SDL_free(file);
}

static void handle_mouse_button(app *a, const SDL_MouseButtonEvent *b, int down)
{
    int px = (int)((float)b->x * a->density), py = (int)((float)b->y * a->density);
    a->ui.mouse_x = px, a->ui.mouse_y = py, a->ui.mouse_in = 1;
    if (b->button != SDL_BUTTON_LEFT) return;
    a->ui.down = down;
    if (down) a->ui.clicked = 1;
    else a->ui.released = 1;
    if (down && a->modal == MODAL_NONE && rect_contains(a->lay.canvas, px, py)) {
        a->pen_down = 1;
        SDL_CaptureMouse(SDL_TRUE);   /* keep the stroke when the pen leaves the window */
        pen_to(a, px, py, 1);
    } else if (!down && a->pen_down) {
        a->pen_down = 0;
        SDL_CaptureMouse(SDL_FALSE);
        drawing_end_stroke(&a->draw);
    }
    a->dirty = 1;
}

static void handle_event(app *a, const SDL_Event *e)
{
    if (e->type == a->wake_event) {
        a->dirty = 1;
        return;
    }
    switch (e->type) {
    case SDL_QUIT: a->quit = 1; break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) relayout(a);
        else if (e->window.event == SDL_WINDOWEVENT_LEAVE) a->ui.mouse_in = 0;
        a->dirty = 1;
        break;
    case SDL_MOUSEMOTION: {
        int px = (int)((float)e->motion.x * a->density), py = (int)((float)e->motion.y * a->density);
        a->ui.mouse_x = px, a->ui.mouse_y = py, a->ui.mouse_in = 1;
        if (a->pen_down) pen_to(a, px, py, 0);
        a->dirty = 1;
        break;
    }
    case SDL_MOUSEBUTTONDOWN: handle_mouse_button(a, &e->button, 1); break;
    case SDL_MOUSEBUTTONUP: handle_mouse_button(a, &e->button, 0); break;
    case SDL_MOUSEWHEEL:
        if (a->modal == MODAL_DIGITS) gallery_wheel(a, e->wheel.y);
        else if (a->modal == MODAL_EVAL_CELL) eval_cell_wheel(a, e->wheel.y);
        else if (ui_hover(&a->ui, a->lay.canvas)) set_brush(a, a->brush + 2.0f * (float)e->wheel.y);
        break;
    case SDL_KEYDOWN: handle_key(a, &e->key); break;
    case SDL_TEXTINPUT: if (a->modal != MODAL_NONE) dialogs_text(a, e->text.text), a->dirty = 1; break;
    case SDL_DROPFILE: handle_drop(a, e->drop.file); break;
    default: break;
    }
}

/* ---- frames ---------------------------------------------------------------- */

static void render_frame(app *a)
{
    double t0 = dp_now();
    /* Cleared first: a click handled while drawing this frame (a dialog that
     * opens, a job that starts) asks for the next one. */
    a->dirty = 0;
    ui_begin_frame(&a->ui, t0);
    a->ui.blocked = a->modal != MODAL_NONE;
    scene_draw(a);
    a->ui.blocked = 0;
    dialogs_draw(a);
    ui_end_frame(&a->ui);
    text_end_frame(a->text);
    int scripted = a->opt.screenshot_path && scripted_shot_ready(a);
    if (scripted && ++a->screenshot_frames >= 2) {   /* one settled frame first */
        if (app_save_screenshot(a, a->opt.screenshot_path, NULL) != 0) a->opt.screenshot_path = NULL;
        a->quit = 1;
    } else if (a->screenshot_pending) {
        a->screenshot_pending = 0;
        app_screenshot_to_user_dir(a, NULL, NULL);
    } else if (a->picture_pending) {
        a->picture_pending = 0;
        app_screenshot_to_user_dir(a, a->picture_name, &a->picture_rect);
    }
    frame_stats_add(&a->frame_work, dp_now() - t0);
    SDL_RenderPresent(a->ren);
    double now = dp_now();
    if (a->frames_presented++ == 0 && a->opt.verbose) {
        printf("first_frame_ms\t%.1f\n", 1000 * (now - a->opt.start_time));
        fflush(stdout);
    }
    /* Frame rate as the pen feels it: intervals between frames while drawing. */
    if (a->pen_down && a->last_present > 0) frame_stats_add(&a->frame_interval, now - a->last_present);
    a->last_present = a->pen_down ? now : 0;
    if (scripted) a->dirty = 1;   /* keep going until the shot is taken */
}

static void log_frame_times(const app *a)
{
    if (!a->opt.verbose || !a->frame_work.n) return;
    printf("frames\t%ld\twork_median_ms\t%.2f\twork_p99_ms\t%.2f", a->frame_work.total,
           1000 * frame_stats_quantile(&a->frame_work, 0.5), 1000 * frame_stats_quantile(&a->frame_work, 0.99));
    if (a->frame_interval.n)
        printf("\tdrawing_interval_median_ms\t%.2f\tdrawing_interval_p99_ms\t%.2f",
               1000 * frame_stats_quantile(&a->frame_interval, 0.5),
               1000 * frame_stats_quantile(&a->frame_interval, 0.99));
    printf("\n");
    long kb = dp_peak_memory_kb();   /* of the whole run */
    if (kb >= 0) printf("memory\tpeak_rss_mb\t%.1f\n", kb / 1024.0);
    fflush(stdout);
}

/* How long the loop may sleep: long when idle, a frame while things move. */
static int wait_timeout_ms(app *a)
{
    if (a->dirty) return (int)ceil(1000 * throttle_wait(&a->frame_pace, dp_now()));
    if (a->opt.screenshot_path) return 16;
    if (jobs_busy(a->jobs)) return 100;   /* the trainer wakes us when it has news */
    double tip = ui_tooltip_due(&a->ui);
    if (tip >= 0) return (int)(tip * 1000) + 1;
    if (a->status[0] && dp_now() - a->status_time < 8.0) return 1000;
    return 2000;
}

/* ---- start-up and shut-down ---------------------------------------------------- */

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

/* The model to start with: --model, else the shipped one. One that cannot
 * be loaded is reported in one line (status bar and stderr) and the next
 * is used: the shipped model, and without it an untrained network, so that
 * the window always opens and drawing and training work. */
static int load_initial_model(app *a)
{
    char shipped[PATH_MAX], msg[PATH_MAX * 4] = "", failed[PATH_MAX * 2] = "";
    const char *tries[2];
    int n = 0;
    if (a->opt.model_path) tries[n++] = a->opt.model_path;
    if (app_find_shipped_model(shipped, sizeof shipped, msg, sizeof msg) == 0 &&
        !(n && strcmp(tries[0], shipped) == 0))
        tries[n++] = shipped;
    for (int i = 0; i < n; i++) {
        dp_net *net = dp_model_load(tries[i], NULL, NULL, NULL);
        if (net && app_adopt_net(a, net, app_base_name(tries[i])) == 0) {
            if (failed[0]) app_set_status(a, 1, "could not load model: %s; using the shipped model instead", failed);
            return 0;
        }
        if (!failed[0]) app_copy_text(failed, sizeof failed, dp_error());
    }
    if (failed[0]) snprintf(msg, sizeof msg, "could not load model: %s", failed);
    app_set_status(a, 1, "%s; using an untrained network (press Train)", msg);
    dp_arch arch;
    dp_arch_parse(&arch, "seed");
    dp_net *net = dp_net_create(&arch);
    if (!net) return -1;
    dp_net_init(net, 1);
    return app_adopt_net(a, net, "untrained");
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
static int init_video(const app *a)
{
    const char *wanted = SDL_getenv("SDL_VIDEODRIVER"), *driver = NULL;
    int own_choice = (wanted && *wanted) || a->opt.screenshot_path;
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

static int create_window(app *a)
{
    if (init_video(a) != 0) return -1;
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
    /* SDL's own software renderer draws this UI (fills, text, two streamed
     * textures) in a few milliseconds, starts faster and keeps a GL driver
     * (on machines without a GPU, Mesa's llvmpipe: 55 MB of LLVM) out of
     * memory. SDL_RENDER_DRIVER=opengl (or any SDL driver) still picks
     * another. */
    SDL_SetHintWithPriority(SDL_HINT_RENDER_DRIVER, "software", SDL_HINT_DEFAULT);
    SDL_SetHintWithPriority(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0", SDL_HINT_DEFAULT);
    a->win = SDL_CreateWindow("digitpad", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                              a->opt.width, a->opt.height,
                              SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI | SDL_WINDOW_HIDDEN);
    if (!a->win) {
        fprintf(stderr, "digitpad: cannot create the window: %s\n", SDL_GetError());
        return -1;
    }
    SDL_SetWindowMinimumSize(a->win, 480, 360);
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

static int app_init(app *a, const window_options *opt)
{
    memset(a, 0, sizeof *a);
    a->opt = *opt;
    a->brush = 18.0f;
    a->train_cfg = dp_train_defaults();
    a->train_cfg.log_every = 10;
    drawing_init(&a->draw);
    train_curves_init(&a->curves);
    a->predicted_version = a->predicted_weights = (unsigned)-1;
    throttle_init(&a->frame_pace, 1.0 / 60);
    if (create_window(a) != 0 || open_fonts(a) != 0) return -1;
    a->wake_event = SDL_RegisterEvents(1);
    if (a->wake_event == (Uint32)-1 || !(a->jobs = jobs_create(a->wake_event))) {
        fprintf(stderr, "digitpad: cannot start the training thread: %s\n", SDL_GetError());
        return -1;
    }
    if (load_initial_model(a) != 0) {
        fprintf(stderr, "digitpad: %s\n", dp_error());
        return -1;
    }
    mine_open(a);
    views_init(a);
    if (opt->strokes_path) {
        dp_strokes s;
        dp_strokes_init(&s);
        int rc = dp_strokes_load(&s, opt->strokes_path);
        if (rc == 0) drawing_replace(&a->draw, &s);
        dp_strokes_free(&s);
        if (rc != 0) {
            fprintf(stderr, "digitpad: %s\n", dp_error());
            return -1;
        }
    }
    if (!a->status[0]) app_set_status(a, 0, "model %s — draw a digit; T trains, F1 shows the keys", a->model_name);
    relayout(a);
    SDL_ShowWindow(a->win);
    if (opt->train_steps > 0 || opt->finetune || opt->evaluate) {
        if (opt->finetune) app_action_finetune(a);
        else if (opt->evaluate) app_action_eval(a);
        else app_action_train(a);
        if (!jobs_busy(a->jobs)) a->train_failed = 1;   /* the message says why */
    }
    if (opt->my_digits) dialogs_open(a, MODAL_DIGITS);
    if (opt->view) views_set(a, (view_id)opt->view);
    return 0;
}

static void app_quit(app *a)
{
    log_frame_times(a);
    jobs_free(a->jobs);   /* stops a running job and joins its thread */
    eval_result_free(&a->eval);
    free(a->eval_list);
    for (int i = 0; i < EVAL_THUMBS; i++) ui_image_free(&a->eval_thumbs[i]);
    mine_close(a);
    views_free(a);
    train_curves_free(&a->curves);
    drawing_free(&a->draw);
    dp_exec_free(a->exec);
    dp_net_free(a->net);
    free(a->canvas_px);
    if (a->canvas_tex) SDL_DestroyTexture(a->canvas_tex);
    if (a->preview_tex) SDL_DestroyTexture(a->preview_tex);
    text_free(a->text);
    if (TTF_WasInit()) TTF_Quit();
    if (a->ren) SDL_DestroyRenderer(a->ren);
    if (a->win) SDL_DestroyWindow(a->win);
    SDL_Quit();
}

int window_run(const window_options *opt)
{
    static app a;   /* large (the 280² canvas): not on the stack */
    int rc = 1;
    /* The window allocates and frees multi-megabyte blocks over and over (a
     * copy of the network for every Train, Evaluate and weight snapshot, the
     * canvas raster at every resize, screenshots); in the heap they
     * fragmented it: RSS grew by about 2 MB per Train and Evaluate (96 ->
     * 110 MB over 16 rounds). Kept apart, RSS stays flat (about 84 MB). */
    dp_memory_keep_big_blocks_apart();
    if (app_init(&a, opt) == 0) {
        a.dirty = 1;
        while (!a.quit) {
            SDL_Event e;
            if (SDL_WaitEventTimeout(&e, wait_timeout_ms(&a))) {
                handle_event(&a, &e);
                while (SDL_PollEvent(&e)) handle_event(&a, &e);
            }
            poll_trainer(&a);
            views_poll(&a);
            /* At most one frame (and one prediction) per display refresh:
             * mouse events arrive far faster, and their points are all kept. */
            if (a.dirty && throttle_ready(&a.frame_pace, dp_now(), 0)) {
                update_prediction(&a);
                render_frame(&a);
            }
        }
        rc = (a.opt.screenshot_path || !opt->screenshot_path) ? 0 : 1;
        if ((opt->train_steps > 0 || opt->finetune || opt->evaluate) && (a.train_failed || a.st.phase == PHASE_FAILED))
            rc = 1;
    }
    app_quit(&a);
    return rc;
}

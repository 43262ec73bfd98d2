/* Input (see events.h). */
#include "events.h"
#include "actions.h"
#include "closing.h"
#include "kept_dialogs.h"
#include "model_dialogs.h"
#include "common.h"
#include "platform.h"
#include "prefs.h"
#include "training.h"
#include "verbose.h"

#include <string.h>

void events_relayout(app *a)
{
    int ww, wh, ow, oh;
    SDL_GetWindowSize(a->win, &ww, &wh);
    SDL_GetRendererOutputSize(a->ren, &ow, &oh);
    a->density = ww > 0 ? (float)ow / (float)ww : 1.0f;
    layout_compute(&a->lay, ow, oh, a->density, a->zoom);
    float old_scale = a->ui.scale;
    a->ui.scale = a->lay.scale;
    text_set_scale(a->text, a->lay.scale);
    if (a->ui.scale != old_scale) dp_memory_release_free();   /* fonts and textures of the old scale */
    a->dirty = 1;
    verbose_layout(&a->lay, a->density);
    a->regions_logged = -1;
}

/* ---- keys ----------------------------------------------------------------------- */

static gallery_env gallery_of(app *a)
{
    return (gallery_env){&a->dialog, &a->canvas.draw, &a->model, jobs_busy(a->train.jobs), &a->status};
}

/* A key while a dialog is open goes to it first; 1 if it used it. */
static int dialog_key(app *a, const SDL_KeyboardEvent *k)
{
    SDL_Keycode key = k->keysym.sym;
    switch (a->dialog.open) {
    case DIALOG_NONE: return 0;
    case DIALOG_DIGITS: {
        gallery_env env = gallery_of(a);
        return gallery_key(&a->kept, &env, k, &a->cmds);
    }
    case DIALOG_EVAL_CELL: return evalview_key(&a->eval, &a->dialog, k, &a->cmds);
    case DIALOG_TRAINED:
    case DIALOG_QUIT:
    case DIALOG_RESTORE: return model_dialogs_key(&a->dialog, k, &a->model, &a->cmds);
    case DIALOG_FINETUNE:   /* Enter: the default (keep unless it scores lower), Esc goes back */
        if (key == SDLK_RETURN || key == SDLK_KP_ENTER) training_finetune_choice(a, tune_keep_is_default(&a->train.job));
        else if (key == SDLK_ESCAPE) training_finetune_choice(a, 0);
        return key != SDLK_F12;
    default: return dialogs_key(&a->dialog, k, &a->cmds);
    }
}

static void toggle_raw(app *a)
{
    a->reading.with_raw = !a->reading.with_raw;
    reading_invalidate(&a->reading);   /* read the unprepared canvas too */
}

/* Esc closes the innermost thing first: (a dialog has had the key) Collect
 * mode, then the running job. */
static void escape(app *a, int busy)
{
    if (a->kept.collect) kept_set_collect(&a->kept, 0, &a->status);
    else if (busy) training_stop(a);
}

/* Ctrl+O: Load, unless the button is disabled; then the status says why. */
static void open_load(app *a)
{
    const char *why = training_blocker(a);
    if (why) status_set(&a->status, 1, "cannot load a model now: %s", why);
    else command_push(&a->cmds, CMD_DIALOG, DIALOG_LOAD);
}

/* Ctrl+= / Ctrl+- zoom the UI a step (dir 1, -1), Ctrl+0 back to 100 %
 * (dir 0); the zoom is remembered for the next start. */
static void zoom(app *a, int dir)
{
    float z = dir ? prefs_zoom_step(a->zoom, dir) : 1.0f;
    if (z == a->zoom) return;
    a->zoom = z;
    events_relayout(a);
    status_set(&a->status, 0, "zoom %.0f %% (Ctrl+0: 100 %%)", 100.0 * z);
    window_prefs prefs = {z};
    char path[4096];
    prefs_path(path, sizeof path);
    if (prefs_save(&prefs, path) != 0) status_set(&a->status, 1, "%s", dp_error());
}

/* Keys with Ctrl held that mean the same everywhere: zoom. 1 if used. */
static int zoom_key(app *a, const SDL_KeyboardEvent *k)
{
    if (!(k->keysym.mod & KMOD_CTRL)) return 0;
    switch (k->keysym.sym) {
    case SDLK_EQUALS:
    case SDLK_PLUS:
    case SDLK_KP_PLUS: zoom(a, 1); return 1;
    case SDLK_MINUS:
    case SDLK_KP_MINUS: zoom(a, -1); return 1;
    case SDLK_0:
    case SDLK_KP_0: zoom(a, 0); return 1;
    default: return 0;
    }
}

/* The keys of the window itself; 0 if the key means nothing here. */
static int window_key(app *a, const SDL_KeyboardEvent *k)
{
    int ctrl = (k->keysym.mod & KMOD_CTRL) != 0, shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    int busy = jobs_busy(a->train.jobs);
    switch (k->keysym.sym) {
    case SDLK_c: if (!ctrl) actions_clear(a); break;
    case SDLK_BACKSPACE:
    case SDLK_DELETE: actions_clear(a); break;
    case SDLK_z: if (ctrl && shift) actions_redo(a); else if (ctrl) actions_undo(a); break;
    case SDLK_y: if (ctrl) actions_redo(a); break;
    case SDLK_t: training_start(a); break;   /* says why not while a job runs */
    case SDLK_ESCAPE: escape(a, busy); break;
    case SDLK_RETURN:
    case SDLK_KP_ENTER: if (a->kept.collect) actions_keep(a, a->kept.prompt); break;
    case SDLK_m: dialog_open(&a->dialog, DIALOG_DIGITS); break;
    case SDLK_p: kept_set_collect(&a->kept, !a->kept.collect, &a->status); break;
    case SDLK_f: training_finetune(a); break;
    case SDLK_v: views_cycle(&a->views, &a->lay, shift ? -1 : 1); break;
    case SDLK_e: training_evaluate(a); break;
    case SDLK_s: if (ctrl) command_push(&a->cmds, CMD_DIALOG, DIALOG_SAVE); break;   /* the system's chooser where there is one */
    case SDLK_o: if (ctrl) open_load(a); break;
    case SDLK_b: a->canvas.show_box = !a->canvas.show_box; break;
    case SDLK_r: toggle_raw(a); break;
    case SDLK_LEFTBRACKET: canvas_set_brush(&a->canvas, a->canvas.brush - 2); break;
    case SDLK_RIGHTBRACKET: canvas_set_brush(&a->canvas, a->canvas.brush + 2); break;
    case SDLK_F1:
    case SDLK_QUESTION: dialog_open(&a->dialog, DIALOG_HELP); break;
    case SDLK_SLASH: if (shift) dialog_open(&a->dialog, DIALOG_HELP); break;
    case SDLK_F12: a->screenshot_pending = 1; break;
    default: return 0;
    }
    return 1;
}

static void handle_key(app *a, const SDL_KeyboardEvent *k)
{
    if (zoom_key(a, k)) {
        a->dirty = 1;
        return;
    }
    if (dialog_key(a, k)) {
        a->dirty = 1;
        return;
    }
    int digit = key_digit(k);
    if (digit >= 0) actions_keep(a, digit);   /* "this drawing is a 7": label and keep it */
    if (digit >= 0 || window_key(a, k)) a->dirty = 1;
}

/* ---- the mouse and files --------------------------------------------------------- */

/* The left button (or the drawing finger) at output pixel (px, py). */
static void pointer_button(app *a, int px, int py, int down)
{
    a->ui.mouse_x = px, a->ui.mouse_y = py, a->ui.mouse_in = 1;
    a->dirty = 1;
    a->ui.down = down;
    if (down) a->ui.clicked = 1;
    else a->ui.released = 1;
    if (down && a->dialog.open == DIALOG_NONE && rect_contains(a->lay.canvas, px, py)) {
        SDL_CaptureMouse(SDL_TRUE);   /* keep the stroke when the pen leaves the window */
        canvas_pen_down(&a->canvas, &a->lay, px, py);
    } else if (!down && a->canvas.pen_down) {
        SDL_CaptureMouse(SDL_FALSE);
        canvas_pen_up(&a->canvas);
    }
}

/* The press whose release SDL never heard (lost_release.c) ends: the
 * stroke ends where the pen left the window, and no control is clicked
 * (the button was let go outside). If the X event is a new press, SDL
 * drops it as a repeat of the one it still has down: the window takes it. */
static void handle_x_event(app *a, const SDL_Event *e)
{
    int x, y;
    release_news news = release_watch_check(&a->release, e, &x, &y);
    if (news == RELEASE_FINE) return;
    verbose_line("lost_release", "%s", news == RELEASE_LOST_PRESS ? "press" : "pointer");
    if (a->canvas.pen_down) {
        SDL_CaptureMouse(SDL_FALSE);
        canvas_pen_up(&a->canvas);
    }
    a->ui.down = 0;
    a->ui.active = 0;
    a->dirty = 1;
    if (news == RELEASE_LOST_PRESS) pointer_button(a, (int)((float)x * a->density), (int)((float)y * a->density), 1);
}

static void handle_mouse_button(app *a, const SDL_MouseButtonEvent *b, int down)
{
    if (b->which == SDL_TOUCH_MOUSEID) return;   /* a finger's copy: the finger events draw */
    int px = (int)((float)b->x * a->density), py = (int)((float)b->y * a->density);
    if (b->button == SDL_BUTTON_LEFT) pointer_button(a, px, py, down);
    else a->ui.mouse_x = px, a->ui.mouse_y = py, a->ui.mouse_in = 1, a->dirty = 1;
}

static void pointer_motion(app *a, int px, int py)
{
    a->ui.mouse_x = px, a->ui.mouse_y = py, a->ui.mouse_in = 1;
    ui_pointer_moved(&a->ui, dp_now());
    canvas_pen_move(&a->canvas, &a->lay, px, py);
    a->dirty = 1;
}

static void handle_motion(app *a, const SDL_MouseMotionEvent *m)
{
    if (m->which == SDL_TOUCH_MOUSEID) return;
    pointer_motion(a, (int)((float)m->x * a->density), (int)((float)m->y * a->density));
}

/* A finger: the first one down is the pointer (touch.c); its position is a
 * fraction of the window. */
static void handle_finger(app *a, const SDL_TouchFingerEvent *e, finger_kind kind)
{
    if (SDL_GetTouchDeviceType(e->touchId) != SDL_TOUCH_DEVICE_DIRECT) return;   /* a trackpad moves the pointer */
    float fx, fy;
    touch_action act = touch_event(&a->touch, kind, (int64_t)e->fingerId, e->x, e->y, &fx, &fy);
    int px = (int)(fx * (float)a->lay.w), py = (int)(fy * (float)a->lay.h);
    if (act == TOUCH_DOWN) pointer_motion(a, px, py), pointer_button(a, px, py, 1);
    else if (act == TOUCH_MOVE) pointer_motion(a, px, py);
    else if (act == TOUCH_UP) pointer_button(a, px, py, 0);   /* (a tap: down and up before one frame, still a click) */
}

static void handle_wheel(app *a, int dy)
{
    if (a->dialog.open == DIALOG_DIGITS) gallery_wheel(&a->kept, dy);
    else if (a->dialog.open == DIALOG_EVAL_CELL) evalview_wheel(&a->eval, dy);
    else if (a->dialog.open == DIALOG_LOAD) dialog_scroll_list(&a->dialog, dy);
    else if (a->dialog.open == DIALOG_HISTORY) {
        int s = a->dialog.list_scroll - dy, last = a->status.n_said - 1;
        a->dialog.list_scroll = s < 0 ? 0 : s > last ? (last > 0 ? last : 0) : s;
    }
    else if (ui_hover(&a->ui, a->lay.canvas)) canvas_set_brush(&a->canvas, a->canvas.brush + 2.0f * (float)dy);
    a->dirty = 1;
}

static void handle_window(app *a, const SDL_WindowEvent *w)
{
    if (w->event == SDL_WINDOWEVENT_SIZE_CHANGED) events_relayout(a);
    else if (w->event == SDL_WINDOWEVENT_LEAVE) a->ui.mouse_in = 0;
    a->dirty = 1;
}

void events_handle(app *a, const SDL_Event *e)
{
    if (e->type == a->wake_event) {
        a->dirty = 1;
        return;
    }
    release_watch_note(&a->release, e);
    switch (e->type) {
    case SDL_QUIT: closing_request(a); break;
    case SDL_WINDOWEVENT: handle_window(a, &e->window); break;
    case SDL_MOUSEMOTION: handle_motion(a, &e->motion); break;
    case SDL_MOUSEBUTTONDOWN: handle_mouse_button(a, &e->button, 1); break;
    case SDL_MOUSEBUTTONUP: handle_mouse_button(a, &e->button, 0); break;
    case SDL_MOUSEWHEEL: handle_wheel(a, e->wheel.y); break;
    case SDL_FINGERDOWN: handle_finger(a, &e->tfinger, FINGER_DOWN); break;
    case SDL_FINGERMOTION: handle_finger(a, &e->tfinger, FINGER_MOTION); break;
    case SDL_FINGERUP: handle_finger(a, &e->tfinger, FINGER_UP); break;
    case SDL_KEYDOWN: handle_key(a, &e->key); break;
    case SDL_TEXTINPUT:
        if (a->dialog.open != DIALOG_NONE) dialog_type(&a->dialog, e->text.text), a->dirty = 1;
        break;
    case SDL_SYSWMEVENT: handle_x_event(a, e); break;
    case SDL_DROPFILE:
        actions_open_file(a, e->drop.file, 1);
        SDL_free(e->drop.file);
        a->dirty = 1;
        break;
    default: break;
    }
}

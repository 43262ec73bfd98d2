/* The window's state: each module's own, gathered here for the few files
 * at the top that connect them: the event loop (window.c), input
 * (events.c), what spans modules (actions.c, training.c), the scripted
 * runs (scripted.c) and the frame (scene.c). Every module below them gets
 * only the parts it needs. */
#ifndef DP_APP_H
#define DP_APP_H

#include <SDL.h>
#include <stdatomic.h>

#include "canvas.h"
#include "chooser.h"
#include "commands.h"
#include "dialog.h"
#include "dialogs.h"
#include "evalview.h"
#include "jobs.h"
#include "kept.h"
#include "lost_release.h"
#include "model.h"
#include "pace.h"
#include "places.h"
#include "reading.h"
#include "side.h"
#include "status.h"
#include "touch.h"
#include "views.h"
#include "window_options.h"

/* What the window has of the background jobs. */
typedef struct {
    jobs *jobs;
    jobs_status job;              /* the latest snapshot */
    train_curves curves;          /* the charts' points, copied from the jobs (and the drawing's) */
    unsigned weights_seen;        /* the last weight snapshot taken */
    int was_busy;
    unsigned done_seen;           /* the jobs' end count already handled */
    long logged_points, logged_tests;   /* --verbose: the points already logged */
    int logged_shown;             /* --verbose: the loss chart's points when last said */
    char mnist_dir[4096];         /* where the last job found MNIST */
} training;

/* A picture of part of the window, taken once the frame that asked for it
 * is drawn. */
typedef struct {
    int pending;
    ui_rect rect;
    char name[32];
} picture_request;

typedef struct {
    window_options opt;

    /* The screen. */
    SDL_Window *win;
    SDL_Renderer *ren;
    ui_text *text;
    Uint32 wake_event;
    float density;                /* output pixels per window coordinate */
    float zoom;                   /* the UI zoom (Ctrl+= / Ctrl+- / Ctrl+0), remembered */
    ui_layout lay;
    int regions_logged;           /* --verbose: the view whose regions were last logged (-1: relayout since) */
    ui_ctx ui;
    touch_state touch;            /* which finger is the pointer */
    release_watch release;        /* the left button's release SDL may miss on X11 (lost_release.c) */
    int dirty, quit;
    atomic_int terminate;         /* the system asked the program to end (closing.c) */
    int quit_after_save;          /* "Save…" in the question on closing: close once saved */
    char restore_what[512];       /* the autosave offered, in words */
    char restore_path[4096];      /* and its file */
    command_queue cmds;           /* what the last frame was asked */
    places places;                /* where it showed what */

    /* The modules. */
    status_line status;
    model_state model;
    canvas_view canvas;
    reading reading;
    side_panel side;
    view_state views;
    dialog_state dialog;
    train_settings settings;
    eval_view eval;
    kept_state kept;
    training train;
    chooser *chooser;             /* the system's file chooser (NULL: none) */
    SDL_Surface *held_picture;    /* a picture taken, waiting for the chooser to say where */

    /* Frames: the work of drawing one, and the interval between frames
     * while the pen is down (for --verbose and the benchmark). */
    frame_stats frame_work, frame_interval;
    throttle frame_pace;          /* at most 60 frames a second */
    double last_present;
    int frames_presented;
    int screenshot_pending;       /* F12 */
    picture_request picture;
    int script_frames;            /* --screenshot: settled frames so far */
    int script_failed;            /* the scripted run could not do what it was asked */
} app;

#endif

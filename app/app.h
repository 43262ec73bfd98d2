/* The window: state shared by the event loop (window.c), the scene
 * (scene.c) and the dialogs (dialogs.c). */
#ifndef DP_APP_H
#define DP_APP_H

#include <SDL.h>

#include "chart.h"
#include "drawing.h"
#include "layout.h"
#include "net.h"
#include "pace.h"
#include "preprocess.h"
#include "text.h"
#include "trainer.h"
#include "ui.h"

typedef struct {
    const char *model_path;       /* --model */
    const char *strokes_path;     /* --strokes */
    const char *screenshot_path;  /* --screenshot: render, save, exit */
    long train_steps;             /* --train-steps: press Train, wait this many steps */
    int verbose;                  /* --verbose: log predictions, training, canvas */
    int width, height;            /* --size */
    double start_time;            /* dp_now() when main() began, for the start-up time */
} app_options;

typedef enum { MODAL_NONE, MODAL_SETTINGS, MODAL_SAVE, MODAL_LOAD, MODAL_EVAL, MODAL_HELP, MODAL_MESSAGE } modal_kind;

typedef struct {
    app_options opt;
    SDL_Window *win;
    SDL_Renderer *ren;
    ui_text *text;
    Uint32 wake_event;
    float density;                /* output pixels per window coordinate */
    ui_layout lay;
    ui_ctx ui;
    int dirty, quit;

    /* The drawing and how it is shown. */
    drawing draw;
    float brush;                  /* display brush diameter, canvas px */
    int pen_down;
    int show_overlay;             /* bounding box and centre of mass on the canvas */
    SDL_Texture *canvas_tex;
    int canvas_tex_size;
    float *canvas_px;             /* display raster, canvas_tex_size² */
    unsigned canvas_drawn_version;
    int canvas_drawn_points, canvas_drawn_strokes;
    float brush_drawn;

    /* The model and its live prediction. */
    dp_net *net;
    dp_exec *exec;
    char model_name[256];
    int model_unsaved;
    float canvas280[DP_CANVAS * DP_CANVAS];
    float input[DP_INPUT * DP_INPUT];
    float probs[DP_CLASSES];
    int has_digit;
    dp_prep_info prep;
    unsigned predicted_version;   /* drawing version the prediction is for */
    unsigned weights_version;     /* bumps when the model's weights change */
    unsigned predicted_weights;
    SDL_Texture *preview_tex;

    /* Training and evaluation in the background. */
    trainer *tr;
    trainer_status st;
    train_curves curves;
    unsigned weights_seen, eval_seen;
    dp_train_cfg train_cfg;
    int train_from_current;
    int was_busy;
    long logged_points, logged_tests;
    eval_result eval;
    int have_eval;
    char mnist_dir[4096];

    /* Dialogs and messages. */
    modal_kind modal;
    char path_input[4096];
    char message_title[128], message_body[1024];
    char status[512];
    int status_error;
    double status_time;

    /* Frame times, for --verbose and the benchmark: the work of drawing a
     * frame, and the interval between frames while the pen is down. */
    frame_stats frame_work, frame_interval;
    throttle frame_pace;          /* at most 60 frames a second */
    double last_present;
    int frames_presented;
    int screenshot_pending, screenshot_frames;
    int train_failed;             /* --train-steps could not start training */
} app;

/* window.c: actions, also used by dialogs. */
void app_set_status(app *a, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void app_action_train(app *a);
void app_action_stop(app *a);
void app_action_eval(app *a);
int  app_save_model(app *a, const char *path);
int  app_load_model(app *a, const char *path);
void app_default_model_path(char *out, size_t size);
void app_models_dir(char *out, size_t size);

/* scene.c */
void scene_draw(app *a);
void scene_canvas_to_window(const app *a, float cx, float cy, int *wx, int *wy);
int  scene_window_to_canvas(const app *a, int px, int py, float *cx, float *cy);

/* dialogs.c */
void dialogs_draw(app *a);
int  dialogs_key(app *a, const SDL_KeyboardEvent *k);
void dialogs_text(app *a, const char *utf8);
void dialogs_open(app *a, modal_kind kind);
void dialogs_message(app *a, const char *title, const char *body);

int app_run(const app_options *opt);

#endif

/* The window: state shared by the event loop (window.c), the scene
 * (scene.c) and the dialogs (dialogs.c). */
#ifndef DP_APP_H
#define DP_APP_H

#include <SDL.h>

#include "chart.h"
#include "drawing.h"
#include "layout.h"
#include "mine.h"
#include "net.h"
#include "pace.h"
#include "preprocess.h"
#include "text.h"
#include "jobs.h"
#include "ui.h"
#include "views.h"
#include "window.h"


typedef enum {
    MODAL_NONE, MODAL_SETTINGS, MODAL_SAVE, MODAL_LOAD, MODAL_EVAL, MODAL_HELP, MODAL_MESSAGE, MODAL_DIGITS,
    MODAL_FINETUNE, MODAL_EVAL_CELL
} modal_kind;

#define EVAL_THUMBS 512   /* thumbnails one page of a confusion cell's digits can show */

typedef struct {
    window_options opt;
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
    int show_raw;                 /* R: also the answer for the canvas shrunk to 28×28, unprepared */
    float raw_probs[DP_CLASSES];
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
    jobs *jobs;
    jobs_status st;
    train_curves curves;
    unsigned weights_seen, eval_seen;
    dp_train_cfg train_cfg;
    int train_from_current;
    int was_busy;
    long logged_points, logged_tests;
    eval_result eval;
    int have_eval;
    int eval_t, eval_p;           /* the confusion cell opened: true digit, predicted */
    int *eval_list, eval_list_n;  /* its test images, most confident first */
    int eval_scroll, eval_cols, eval_rows;
    ui_image eval_thumbs[EVAL_THUMBS];
    char mnist_dir[4096];

    /* The user's own digits. */
    mine_state mine;

    /* The views under the canvas. */
    view_state views;

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
    int picture_pending;          /* "Save picture": part of the window, after this frame */
    ui_rect picture_rect;
    char picture_name[32];
    int train_failed;             /* --train-steps could not start training */
} app;

/* window.c: actions, also used by dialogs. */
void app_set_status(app *a, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void app_action_train(app *a);
void app_action_stop(app *a);
void app_action_eval(app *a);
int  app_save_model(app *a, const char *path);
int  app_load_model(app *a, const char *path);
int  app_adopt_net(app *a, dp_net *net, const char *name);   /* the model predictions use (takes net) */
int  app_find_mnist_or_explain(app *a);                     /* 0, or -1 after telling the user */
int  app_digit_key(const SDL_KeyboardEvent *k);             /* 0-9 (main keys or keypad, unmodified), else -1 */
int  app_plot_csv(app *a, const char *path);                /* the metrics of train --csv, in the Training view */
void app_save_picture(app *a, const char *what, ui_rect part);   /* a PNG of part of the window */

/* files.c */
int  app_save_screenshot(app *a, const char *path, const ui_rect *part);   /* part NULL: the whole window */
void app_screenshot_to_user_dir(app *a, const char *what, const ui_rect *part);

/* mine.c: the user's digits. */
void mine_open(app *a);
void mine_close(app *a);
int  mine_keep(app *a, int label);              /* keeps the drawing; 0, or -1 (status says why) */
int  mine_relabel(app *a, int index, int label);
int  mine_delete(app *a, int index);
int  mine_undo(app *a, int any);                 /* any: not only a keep; 1 if something was undone */
void mine_set_collect(app *a, int on);
void app_action_finetune(app *a);
void mine_finetune_ended(app *a);               /* the job finished: show before and after */
void mine_finetune_choose(app *a, int keep_new);
const char *mine_finetune_blocker(const app *a);   /* why Fine-tune is disabled, or NULL */
void mine_refresh_readings(app *a);               /* the model's reading of every kept digit */
void mine_log(const app *a);                      /* --verbose: the counts */

/* gallery.c: the My digits dialog, and the fine-tune result. */
void gallery_draw(app *a);
int  gallery_key(app *a, const SDL_KeyboardEvent *k);
void gallery_wheel(app *a, int dy);
void finetune_result_draw(app *a);

/* evalview.c: the digits behind a confusion cell, and the image layer. */
void app_put_layer(app *a, const uint8_t *img28, const char *what);
void app_clear_canvas(app *a);                  /* strokes and image layer */
int  app_layer_input(app *a, float *out);       /* the network's input with a layer; 1 if it has ink */
void eval_open_cell(app *a, int truth, int predicted);
void eval_open_digit(app *a, int index);        /* test image index onto the canvas */
int  eval_cell_key(app *a, const SDL_KeyboardEvent *k);
void eval_cell_wheel(app *a, int dy);
void eval_cell_draw(app *a);

/* views.c: the views under the canvas. */
void views_init(app *a);
void views_free(app *a);
void views_set(app *a, view_id view);
void views_poll(app *a);
void views_draw_tabs(app *a);
void views_draw(app *a);

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
ui_rect dialog_card(app *a, int w, int h, const char *title);   /* dims the window, draws a titled card */
ui_rect dialog_button_at(app *a, ui_rect card, int index_from_right, int width);   /* bottom-right buttons */


#endif

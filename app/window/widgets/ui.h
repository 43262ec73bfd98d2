/* Immediate-mode widgets and drawing helpers: each frame the scene calls
 * ui_button() and friends, which draw themselves and report clicks from the
 * mouse state the event loop collected. */
#ifndef DP_UI_H
#define DP_UI_H

#include <SDL.h>

#include "layout.h"
#include "text.h"

typedef struct {
    SDL_Renderer *r;
    ui_text *text;
    float scale;
    int mouse_x, mouse_y;      /* output pixels */
    int mouse_in;              /* the pointer is over the window */
    int down;                  /* left button held */
    int clicked;               /* left button went down this frame */
    int released;              /* left button went up this frame */
    int active;                /* widget that took the press (0: none) */
    int hot;                   /* widget under the pointer this frame */
    int hover_id;              /* widget hovered since hover_since (tooltips) */
    double hover_since, now;
    const char *tip;           /* tooltip to draw at the end of the frame */
    ui_rect tip_anchor;
    const char *tip_shown;     /* the tooltip the last frame showed (NULL: none) */
    int blocked;               /* a modal dialog is open: widgets below are inert */
} ui_ctx;

#define UI_TOOLTIP_DELAY 0.6   /* seconds of hovering without moving before a tooltip shows */

/* Called by the loop before and after drawing a frame. */
void ui_begin_frame(ui_ctx *ui, double now);
void ui_end_frame(ui_ctx *ui);
/* Seconds until a pending tooltip appears, or a negative number. */
double ui_tooltip_due(const ui_ctx *ui);
/* A tooltip is due now and not shown yet: the frame must be drawn. */
int ui_tooltip_ready(const ui_ctx *ui, double now);
/* The pointer moved: a tooltip waits for it to rest again. */
void ui_pointer_moved(ui_ctx *ui, double now);

/* A push button: returns 1 when clicked (pressed and released on it). */
int ui_button(ui_ctx *ui, int id, ui_rect r, const char *label, const char *tip, int enabled, int primary);
/* An area the caller draws that works like a button: pressed and released
 * over it, it returns 1. */
int ui_click_area(ui_ctx *ui, int id, ui_rect r, int enabled);
/* A horizontal slider over [lo, hi]; returns 1 while the value changes. */
/* A progress bar (frac 0..1) with a line of text centred over it (fitted with "…"). */
void ui_progress_bar(ui_ctx *ui, ui_rect r, float frac, const char *text);
int ui_slider(ui_ctx *ui, int id, ui_rect r, float *value, float lo, float hi, const char *tip);
/* True if the pointer is over r and no modal blocks it. */
int ui_hover(const ui_ctx *ui, ui_rect r);

/* A small picture of floats shown scaled into a rectangle (nearest
 * neighbour, so pixels stay visible), through a texture kept between
 * frames and remade when the picture's size changes. */
typedef enum {
    IMAGE_GREY,        /* 0 black .. 1 white, like the network's input */
    IMAGE_SIGNED,      /* weights: negative blue, 0 dark, positive orange, scaled by the largest |value| */
    IMAGE_HEAT,        /* activations: 0 dark .. the largest value bright */
} image_mode;
typedef struct {
    SDL_Texture *tex;
    int w, h;
} ui_image;
void ui_image_draw(SDL_Renderer *r, ui_image *im, const float *px, int w, int h, ui_rect dst, image_mode mode);
void ui_image_free(ui_image *im);

/* Drawing helpers. */
void draw_fill(SDL_Renderer *r, ui_rect rc, SDL_Color c);
void draw_frame(SDL_Renderer *r, ui_rect rc, SDL_Color c);
void draw_round(SDL_Renderer *r, ui_rect rc, int radius, SDL_Color c);
void draw_circle(SDL_Renderer *r, float cx, float cy, float radius, SDL_Color c);
void draw_disc(SDL_Renderer *r, float cx, float cy, float radius, SDL_Color c);
void draw_cross(SDL_Renderer *r, float cx, float cy, float arm, SDL_Color c);
SDL_Color color_mix(SDL_Color a, SDL_Color b, float t);
SDL_Rect to_sdl(ui_rect r);

#endif

#include "canvas.h"
#include "theme.h"
#include "verbose.h"

#include <stdio.h>
#include <stdlib.h>

void canvas_init(canvas_view *c)
{
    c->brush = 18.0f;
    drawing_init(&c->draw, c->brush);
}

void canvas_free(canvas_view *c)
{
    drawing_free(&c->draw);
    free(c->px);
    if (c->tex) SDL_DestroyTexture(c->tex);
    c->px = NULL, c->tex = NULL;
}

/* For the strokes drawn after it, as in any paint program. */
void canvas_set_brush(canvas_view *c, float b)
{
    c->brush = b < BRUSH_MIN ? BRUSH_MIN : b > BRUSH_MAX ? BRUSH_MAX : b;
    drawing_set_width(&c->draw, c->brush);
    verbose_line("brush", "%.1f", (double)c->brush);
}

/* ---- coordinates and the pen --------------------------------------------------- */

static void window_to_canvas(const ui_layout *l, int px, int py, float *cx, float *cy)
{
    ui_rect c = l->canvas;
    float k = c.w > 0 ? (float)DP_CANVAS / (float)c.w : 1.0f;
    *cx = ((float)(px - c.x) + 0.5f) * k;
    *cy = ((float)(py - c.y) + 0.5f) * k;
}

static void canvas_to_window(const ui_layout *l, float cx, float cy, int *wx, int *wy)
{
    ui_rect c = l->canvas;
    float k = (float)c.w / (float)DP_CANVAS;
    *wx = c.x + (int)(cx * k);
    *wy = c.y + (int)(cy * k);
}

void canvas_pen_down(canvas_view *c, const ui_layout *l, int px, int py)
{
    float cx, cy;
    window_to_canvas(l, px, py, &cx, &cy);
    c->pen_down = 1;
    drawing_begin_stroke(&c->draw, cx, cy);
}

void canvas_pen_move(canvas_view *c, const ui_layout *l, int px, int py)
{
    if (!c->pen_down) return;
    float cx, cy;
    window_to_canvas(l, px, py, &cx, &cy);
    drawing_add_point(&c->draw, cx, cy);
}

void canvas_pen_up(canvas_view *c)
{
    if (!c->pen_down) return;
    c->pen_down = 0;
    drawing_end_stroke(&c->draw);
}

/* ---- the raster ------------------------------------------------------------------ */

/* Keeps the raster and its texture the size of the canvas on screen. */
static int ensure_texture(frame *f, canvas_view *c)
{
    int size = f->lay->canvas.w;
    if (size <= 0) return -1;
    if (c->tex && c->tex_size == size) return 0;
    if (c->tex) SDL_DestroyTexture(c->tex);
    free(c->px);
    c->px = calloc((size_t)size * size, sizeof(float));
    c->tex = SDL_CreateTexture(f->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, size, size);
    c->tex_size = size;
    c->drawn_version = (unsigned)-1;
    if (!c->px || !c->tex) {
        c->tex_size = 0;
        return -1;
    }
    return 0;
}

/* Only new points of the stroke being drawn are rasterized (exact while
 * every stroke has one width: the tail re-renders the old end's box with
 * the last stroke's); anything else (undo, clear, strokes of several
 * widths) redraws the whole canvas, each stroke at its own width. */
static void raster(canvas_view *c)
{
    const dp_strokes *s = &c->draw.current;
    int size = c->tex_size;
    float scale = (float)size / (float)DP_CANVAS;
    int appended = c->draw.in_stroke && s->n_strokes == c->drawn_strokes && s->n_points > c->drawn_points &&
                   c->drawn_points > s->starts[s->n_strokes - 1] && drawing_one_width(&c->draw);
    if (appended)
        dp_rasterize_stroke_tail(c->px, size, size, scale, s, c->drawn_points,
                                 drawing_stroke_width(&c->draw, s->n_strokes - 1));
    else
        drawing_rasterize(&c->draw, c->px, size, size, scale);
    c->drawn_points = s->n_points;
    c->drawn_strokes = s->n_strokes;
}

static void upload(canvas_view *c)
{
    void *pixels;
    int pitch, size = c->tex_size;
    if (SDL_LockTexture(c->tex, NULL, &pixels, &pitch) != 0) return;
    const SDL_Color bg = THEME_CANVAS, ink = THEME_INK;
    const float *image = drawing_image(&c->draw);
    for (int y = 0; y < size; y++) {
        Uint32 *row = (Uint32 *)((char *)pixels + (long)y * pitch);
        const float *src = c->px + (long)y * size;
        const float *under = image ? image + (long)(y * DP_INPUT / size) * DP_INPUT : NULL;   /* under the strokes */
        for (int x = 0; x < size; x++) {
            float t = src[x];
            if (under && under[x * DP_INPUT / size] > t) t = under[x * DP_INPUT / size];
            Uint32 r = (Uint32)(bg.r + (ink.r - bg.r) * t), g = (Uint32)(bg.g + (ink.g - bg.g) * t),
                   b = (Uint32)(bg.b + (ink.b - bg.b) * t);
            row[x] = 0xff000000u | r << 16 | g << 8 | b;
        }
    }
    SDL_UnlockTexture(c->tex);
}

/* ---- drawing ------------------------------------------------------------------ */

static void draw_box(frame *f, const reading *r)
{
    const dp_prep_info *p = &r->prep;
    if (!r->has_digit || p->x1 < p->x0) return;
    int x0, y0, x1, y1, cx, cy;
    canvas_to_window(f->lay, (float)p->x0, (float)p->y0, &x0, &y0);
    canvas_to_window(f->lay, (float)p->x1 + 1, (float)p->y1 + 1, &x1, &y1);
    canvas_to_window(f->lay, p->com_x + 0.5f, p->com_y + 0.5f, &cx, &cy);
    SDL_Color c = THEME_ACCENT_2;
    c.a = 200;
    draw_frame(f->ren, (ui_rect){x0, y0, x1 - x0, y1 - y0}, c);
    draw_cross(f->ren, (float)cx, (float)cy, 9 * f->lay->scale, THEME_ACCENT);
}

/* What to draw: "draw a digit 0–9" on an empty canvas; while collecting,
 * the digit asked for, large when the canvas is empty and as a line at
 * its top while drawing. */
static void draw_hint(frame *f, const canvas_view *cv, canvas_prompt prompt)
{
    ui_rect c = f->lay->canvas;
    int empty = drawing_is_empty(&cv->draw) && !drawing_image(&cv->draw);
    if (!prompt.collecting) {
        if (empty)
            text_draw(f->text, FONT_LARGE, "draw a digit 0–9", c.x + c.w / 2, c.y + c.h / 2, THEME_TEXT_DIM,
                      TEXT_CENTER | TEXT_MIDDLE);
        return;
    }
    int d = prompt.digit;
    char line[96];
    if (empty) {
        snprintf(line, sizeof line, "draw a %d", d);
        text_draw(f->text, FONT_HUGE, line, c.x + c.w / 2, c.y + c.h / 2, color_mix(THEME_CANVAS, THEME_ACCENT, 0.45f),
                  TEXT_CENTER | TEXT_MIDDLE);
        snprintf(line, sizeof line, "Enter keeps it as a %d · another key 0–9 keeps it as that digit · Esc ends", d);
        text_draw(f->text, FONT_SMALL, line, c.x + c.w / 2, c.y + c.h * 3 / 4, THEME_TEXT_DIM, TEXT_CENTER | TEXT_MIDDLE);
    } else {
        snprintf(line, sizeof line, "draw a %d — Enter keeps it", d);
        text_draw(f->text, FONT_SMALL, line, c.x + c.w / 2, c.y + f->lay->pad, THEME_ACCENT, TEXT_CENTER | TEXT_TOP);
    }
}

/* The brush ring under the pointer shows the stroke width before drawing. */
static void draw_brush_ring(frame *f, const canvas_view *cv)
{
    ui_rect c = f->lay->canvas;
    const ui_ctx *ui = f->ui;
    if (!ui->mouse_in || !rect_contains(c, ui->mouse_x, ui->mouse_y)) return;
    float r = cv->brush * (float)c.w / (float)DP_CANVAS / 2.0f;
    SDL_Rect clip = to_sdl(c);
    SDL_RenderSetClipRect(f->ren, &clip);
    SDL_Color ring = THEME_ACCENT;
    ring.a = 170;
    draw_circle(f->ren, (float)ui->mouse_x, (float)ui->mouse_y, r, ring);
    SDL_RenderSetClipRect(f->ren, NULL);
}

void canvas_draw(frame *f, canvas_view *cv, const reading *r, canvas_prompt prompt, int dialog_open)
{
    ui_rect c = f->lay->canvas;
    if (c.w <= 0) return;
    draw_fill(f->ren, rect_inset((ui_rect){c.x - 2, c.y - 2, c.w + 4, c.h + 4}, 0), THEME_PANEL_EDGE);
    if (ensure_texture(f, cv) == 0) {
        if (cv->drawn_version != cv->draw.version) {
            raster(cv);
            upload(cv);
            cv->drawn_version = cv->draw.version;
        }
        SDL_Rect dst = to_sdl(c);
        SDL_RenderCopy(f->ren, cv->tex, NULL, &dst);
    }
    draw_hint(f, cv, prompt);
    if (cv->show_box) draw_box(f, r);
    if (!dialog_open) draw_brush_ring(f, cv);
}

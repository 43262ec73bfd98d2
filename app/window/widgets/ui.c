#include "ui.h"
#include "theme.h"

#include <math.h>

SDL_Rect to_sdl(ui_rect r) { return (SDL_Rect){r.x, r.y, r.w, r.h}; }

SDL_Color color_mix(SDL_Color a, SDL_Color b, float t)
{
    SDL_Color c = {
        (Uint8)(a.r + (b.r - a.r) * t), (Uint8)(a.g + (b.g - a.g) * t),
        (Uint8)(a.b + (b.b - a.b) * t), (Uint8)(a.a + (b.a - a.a) * t),
    };
    return c;
}

static void set_color(SDL_Renderer *r, SDL_Color c)
{
    SDL_SetRenderDrawBlendMode(r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
}

void draw_fill(SDL_Renderer *r, ui_rect rc, SDL_Color c)
{
    if (rc.w <= 0 || rc.h <= 0) return;
    SDL_Rect s = to_sdl(rc);
    set_color(r, c);
    SDL_RenderFillRect(r, &s);
}

void draw_frame(SDL_Renderer *r, ui_rect rc, SDL_Color c)
{
    if (rc.w <= 0 || rc.h <= 0) return;
    SDL_Rect s = to_sdl(rc);
    set_color(r, c);
    SDL_RenderDrawRect(r, &s);
}

/* A rectangle with rounded corners, one scanline per corner row. */
void draw_round(SDL_Renderer *r, ui_rect rc, int radius, SDL_Color c)
{
    if (rc.w <= 0 || rc.h <= 0) return;
    if (radius > rc.h / 2) radius = rc.h / 2;
    if (radius > rc.w / 2) radius = rc.w / 2;
    set_color(r, c);
    SDL_Rect mid = {rc.x, rc.y + radius, rc.w, rc.h - 2 * radius};
    SDL_RenderFillRect(r, &mid);
    for (int i = 0; i < radius; i++) {
        float dy = (float)radius - (float)i - 0.5f;
        int inset = radius - (int)(sqrtf((float)(radius * radius) - dy * dy) + 0.5f);
        SDL_Rect top = {rc.x + inset, rc.y + i, rc.w - 2 * inset, 1};
        SDL_Rect bottom = {rc.x + inset, rc.y + rc.h - 1 - i, rc.w - 2 * inset, 1};
        SDL_RenderFillRect(r, &top);
        SDL_RenderFillRect(r, &bottom);
    }
}

void draw_circle(SDL_Renderer *r, float cx, float cy, float radius, SDL_Color c)
{
    enum { N = 96 };
    SDL_FPoint pts[N + 1];
    for (int i = 0; i <= N; i++) {
        float a = 6.2831853f * (float)i / N;
        pts[i] = (SDL_FPoint){cx + radius * cosf(a), cy + radius * sinf(a)};
    }
    set_color(r, c);
    SDL_RenderDrawLinesF(r, pts, N + 1);
}

void draw_disc(SDL_Renderer *r, float cx, float cy, float radius, SDL_Color c)
{
    set_color(r, c);
    for (float dy = -radius + 0.5f; dy < radius; dy += 1.0f) {
        float half = sqrtf(radius * radius - dy * dy);
        SDL_RenderDrawLineF(r, cx - half, cy + dy, cx + half, cy + dy);
    }
}

void draw_cross(SDL_Renderer *r, float cx, float cy, float arm, SDL_Color c)
{
    set_color(r, c);
    SDL_RenderDrawLineF(r, cx - arm, cy, cx + arm, cy);
    SDL_RenderDrawLineF(r, cx, cy - arm, cx, cy + arm);
}

/* ---- pictures ------------------------------------------------------------ */

static Uint32 pixel_of(float v, float scale, image_mode mode)
{
    static const SDL_Color dark = {20, 22, 27, 255}, neg = {79, 165, 247, 255}, pos = {255, 167, 38, 255};
    SDL_Color c;
    if (isnan(v)) {   /* the gaps of a grid of pictures */
        c = THEME_PANEL;
    } else if (mode == IMAGE_GREY) {
        Uint8 g = (Uint8)(fminf(fmaxf(v, 0.0f), 1.0f) * 255.0f + 0.5f);
        c = (SDL_Color){g, g, g, 255};
    } else if (mode == IMAGE_SIGNED) {
        float t = fminf(fabsf(v) * scale, 1.0f);
        c = color_mix(dark, v < 0 ? neg : pos, t);
    } else {
        float t = fminf(fmaxf(v * scale, 0.0f), 1.0f);
        c = color_mix(dark, color_mix(pos, (SDL_Color){255, 245, 220, 255}, t * t), sqrtf(t));
    }
    return 0xff000000u | (Uint32)c.r << 16 | (Uint32)c.g << 8 | c.b;
}

/* (NaN pixels show the panel colour: the gaps between the pictures of a grid.) */
void ui_image_draw(SDL_Renderer *r, ui_image *im, const float *px, int w, int h, ui_rect dst, image_mode mode)
{
    if (!px || w < 1 || h < 1 || dst.w <= 0 || dst.h <= 0) return;
    if (!im->tex || im->w != w || im->h != h) {
        ui_image_free(im);
        im->tex = SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, w, h);
        if (!im->tex) return;
        im->w = w, im->h = h;
    }
    float peak = 0;
    for (long i = 0; i < (long)w * h; i++)
        if (!isnan(px[i])) peak = fmaxf(peak, mode == IMAGE_SIGNED ? fabsf(px[i]) : px[i]);
    float scale = peak > 0 ? 1.0f / peak : 0.0f;
    void *pixels;
    int pitch;
    if (SDL_LockTexture(im->tex, NULL, &pixels, &pitch) != 0) return;
    for (int y = 0; y < h; y++) {
        Uint32 *row = (Uint32 *)((char *)pixels + (long)y * pitch);
        for (int x = 0; x < w; x++) row[x] = pixel_of(px[(long)y * w + x], scale, mode);
    }
    SDL_UnlockTexture(im->tex);
    SDL_Rect d = to_sdl(dst);
    SDL_RenderCopy(r, im->tex, NULL, &d);
}

void ui_image_free(ui_image *im)
{
    if (im->tex) SDL_DestroyTexture(im->tex);
    im->tex = NULL;
    im->w = im->h = 0;
}

/* ---- frame bookkeeping -------------------------------------------------- */

void ui_begin_frame(ui_ctx *ui, double now)
{
    ui->now = now;
    ui->hot = 0;
    ui->tip = NULL;
}

void ui_end_frame(ui_ctx *ui)
{
    if (ui->hot != ui->hover_id) {
        ui->hover_id = ui->hot;
        ui->hover_since = ui->now;
    }
    ui->tip_shown = ui->tip;
    if (!ui->down) ui->active = 0;
    ui->clicked = ui->released = 0;
}

double ui_tooltip_due(const ui_ctx *ui)
{
    if (!ui->hover_id || ui->down) return -1;
    double due = ui->hover_since + UI_TOOLTIP_DELAY - ui->now;
    return due > 0 ? due : -1;
}

int ui_tooltip_ready(const ui_ctx *ui, double now)
{
    return ui->hover_id && !ui->down && !ui->tip_shown && now - ui->hover_since >= UI_TOOLTIP_DELAY;
}

void ui_pointer_moved(ui_ctx *ui, double now)
{
    if (!ui->tip_shown) ui->hover_since = now;   /* a shown tooltip stays while the pointer is on its control */
}

int ui_hover(const ui_ctx *ui, ui_rect r)
{
    return !ui->blocked && ui->mouse_in && rect_contains(r, ui->mouse_x, ui->mouse_y);
}

/* The tooltip of the control under the pointer, once it has rested there. */
static void note_tooltip(ui_ctx *ui, int id, ui_rect r, const char *tip)
{
    if (tip && ui->hover_id == id && ui_hover(ui, r) && !ui->down && ui->now - ui->hover_since >= UI_TOOLTIP_DELAY) {
        ui->tip = tip;
        ui->tip_anchor = r;
    }
}

/* ---- widgets ------------------------------------------------------------ */

int ui_click_area(ui_ctx *ui, int id, ui_rect r, int enabled)
{
    int over = ui_hover(ui, r);
    if (over) ui->hot = id;
    if (enabled && over && ui->clicked) ui->active = id;
    return enabled && ui->released && ui->active == id && over;
}

int ui_button(ui_ctx *ui, int id, ui_rect r, const char *label, const char *tip, int enabled, int primary)
{
    int over = ui_hover(ui, r);
    int clicked = ui_click_area(ui, id, r, enabled);
    int pressed = enabled && ui->active == id && ui->down && over;

    SDL_Color bg = THEME_BUTTON, fg = THEME_TEXT;
    if (primary) bg = color_mix(THEME_BUTTON, THEME_ACCENT, 0.35f);
    if (!enabled) bg = color_mix(THEME_PANEL, THEME_BUTTON, 0.5f), fg = THEME_DISABLED;
    else if (pressed) bg = THEME_BUTTON_DOWN;
    else if (over) bg = primary ? color_mix(THEME_BUTTON, THEME_ACCENT, 0.5f) : THEME_BUTTON_HOVER;
    int radius = (int)(5 * ui->scale);
    draw_round(ui->r, r, radius, bg);
    if (over && enabled && !pressed) draw_frame(ui->r, rect_inset(r, 0), color_mix(bg, THEME_TEXT, 0.15f));
    SDL_Rect clip = to_sdl(rect_inset(r, 2));
    SDL_RenderSetClipRect(ui->r, &clip);
    int dy = pressed ? (int)ui->scale : 0;
    /* A narrow window squeezes the buttons: fall back to the small font, and
     * if even that does not fit, keep the label's start visible. */
    font_size f = text_width(ui->text, FONT_NORMAL, label) <= r.w - 6 ? FONT_NORMAL : FONT_SMALL;
    char cut[128];   /* even the small font is too wide: the start, with "…" (the tooltip says what it does) */
    const char *shown = text_fit_head(ui->text, f, label, r.w - 4, cut, sizeof cut);
    text_draw(ui->text, f, shown, r.x + r.w / 2, r.y + r.h / 2 + dy, fg, TEXT_CENTER | TEXT_MIDDLE);
    SDL_RenderSetClipRect(ui->r, NULL);
    note_tooltip(ui, id, r, tip);
    return clicked;
}

void ui_progress_bar(ui_ctx *ui, ui_rect r, float frac, const char *text)
{
    if (r.w <= 0 || r.h <= 0) return;
    frac = frac < 0 ? 0 : frac > 1 ? 1 : frac;
    draw_round(ui->r, r, r.h / 2, THEME_BUTTON);
    draw_round(ui->r, (ui_rect){r.x, r.y, (int)((float)r.w * frac), r.h}, r.h / 2, color_mix(THEME_BUTTON, THEME_ACCENT, 0.7f));
    char fitted[256];
    const char *shown = text_fit_head(ui->text, FONT_SMALL, text, r.w - 8, fitted, sizeof fitted);
    text_draw(ui->text, FONT_SMALL, shown, r.x + r.w / 2, r.y + r.h / 2, THEME_TEXT, TEXT_CENTER | TEXT_MIDDLE);
}

int ui_slider(ui_ctx *ui, int id, ui_rect r, float *value, float lo, float hi, const char *tip)
{
    int over = ui_hover(ui, r);
    if (over) ui->hot = id;
    if (over && ui->clicked) ui->active = id;
    int changed = 0;
    int knob_r = (int)(7 * ui->scale);
    int x0 = r.x + knob_r, x1 = r.x + r.w - knob_r;
    /* Dragging, or a click on the track (pressed and released before this
     * frame: a quick click has no frame with the button down). */
    if (ui->active == id && (ui->down || ui->clicked) && x1 > x0) {
        float t = (float)(ui->mouse_x - x0) / (float)(x1 - x0);
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        float v = lo + t * (hi - lo);
        if (v != *value) {
            *value = v;
            changed = 1;
        }
    }
    float t = hi > lo ? (*value - lo) / (hi - lo) : 0;
    int cy = r.y + r.h / 2, kx = x0 + (int)(t * (float)(x1 - x0));
    int track_h = (int)(4 * ui->scale);
    draw_round(ui->r, (ui_rect){x0, cy - track_h / 2, x1 - x0, track_h}, track_h / 2, THEME_BUTTON);
    draw_round(ui->r, (ui_rect){x0, cy - track_h / 2, kx - x0, track_h}, track_h / 2, THEME_ACCENT);
    draw_disc(ui->r, (float)kx, (float)cy, (float)knob_r, over || ui->active == id ? THEME_TEXT : THEME_TEXT_DIM);
    note_tooltip(ui, id, r, tip);
    return changed;
}

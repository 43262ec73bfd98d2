#include "dialog.h"
#include "paths.h"
#include "platform.h"
#include "theme.h"
#include "verbose.h"
#include "wrap.h"

#include <stdio.h>
#include <string.h>

static const char *const dialog_names[] = {
    [DIALOG_NONE] = "none", [DIALOG_SETTINGS] = "settings", [DIALOG_SAVE] = "save", [DIALOG_LOAD] = "load",
    [DIALOG_EVAL] = "eval", [DIALOG_HELP] = "help", [DIALOG_MESSAGE] = "message", [DIALOG_DIGITS] = "digits",
    [DIALOG_FINETUNE] = "finetune", [DIALOG_EVAL_CELL] = "evalcell", [DIALOG_TRAINED] = "trained",
    [DIALOG_QUIT] = "quit", [DIALOG_RESTORE] = "restore",
};

static int takes_text(dialog_kind k) { return k == DIALOG_SAVE || k == DIALOG_LOAD; }

void dialog_open(dialog_state *d, dialog_kind kind)
{
    if (kind != d->open) verbose_line("dialog", "%s", dialog_names[kind]);   /* what keys will reach */
    if (takes_text(d->open)) SDL_StopTextInput();
    d->open = kind;
    d->path[0] = 0;
    if (kind == DIALOG_SAVE) app_default_model_path(d->path, sizeof d->path);
    if (takes_text(kind)) SDL_StartTextInput();
    if (kind == DIALOG_LOAD) d->chooser = dp_file_chooser_available();
    if (kind != DIALOG_MESSAGE) d->body[0] = 0;
}

void dialog_message(dialog_state *d, const char *title, const char *body)
{
    snprintf(d->title, sizeof d->title, "%s", title);
    snprintf(d->body, sizeof d->body, "%s", body);
    dialog_open(d, DIALOG_MESSAGE);
}

void dialog_type(dialog_state *d, const char *utf8)
{
    if (!takes_text(d->open)) return;
    size_t n = strlen(d->path), add = strlen(utf8);
    if (n + add < sizeof d->path) memcpy(d->path + n, utf8, add + 1);
}

void dialog_backspace(dialog_state *d)
{
    size_t n = strlen(d->path);
    while (n > 0 && ((unsigned char)d->path[n - 1] & 0xC0) == 0x80) n--;   /* UTF-8 continuation bytes */
    if (n > 0) n--;
    d->path[n] = 0;
}

void dialog_paste(dialog_state *d)
{
    char *clip = SDL_GetClipboardText();
    if (!clip) return;
    for (char *p = clip; *p; p++)
        if (*p == '\n' || *p == '\r') *p = 0;
    dialog_type(d, clip);
    SDL_free(clip);
}

void dialog_draw_card(frame *f, const dialog_box *b, const char *title)
{
    draw_fill(f->ren, (ui_rect){0, 0, f->lay->w, f->lay->h}, (SDL_Color){0, 0, 0, 150});
    draw_round(f->ren, b->card, (int)(8 * f->lay->scale), THEME_PANEL);
    draw_frame(f->ren, b->card, THEME_PANEL_EDGE);
    text_draw(f->text, FONT_LARGE, title, b->title_x, b->title_y, THEME_TEXT, TEXT_LEFT);
}

static int measure_normal(void *text, const char *s, size_t n) { return text_width_n(text, FONT_NORMAL, s, n); }

int dialog_draw_wrapped(frame *f, const char *s, int x, int y, int width, SDL_Color c)
{
    int lh = text_height(f->text, FONT_NORMAL), used = 0;
    for (s = wrap_skip_spaces(s); *s; s = wrap_skip_spaces(s)) {
        size_t n = wrap_line(s, width, measure_normal, f->text);
        text_draw_n(f->text, FONT_NORMAL, s, n, x, y + used, c, TEXT_LEFT);
        used += lh;
        s += n;
    }
    return used;
}

void dialog_draw_field(frame *f, ui_rect field, const char *text)
{
    int pad = f->lay->pad;
    draw_fill(f->ren, field, THEME_BG);
    draw_frame(f->ren, field, THEME_ACCENT);
    SDL_Rect clip = to_sdl(rect_inset(field, 2));
    SDL_RenderSetClipRect(f->ren, &clip);
    /* Only the end that fits is drawn (and cached): a path of thousands of
     * characters would otherwise make one huge texture per key typed. */
    int room = field.w - 2 * pad, tx = field.x + pad;
    const char *shown = text_fit_tail(f->text, FONT_NORMAL, text, room);
    int tw = text_width(f->text, FONT_NORMAL, shown);
    text_draw(f->text, FONT_NORMAL, shown, tx, field.y + field.h / 2, THEME_TEXT, TEXT_LEFT | TEXT_MIDDLE);
    if ((int)(f->ui->now * 2) % 2 == 0)
        draw_fill(f->ren, (ui_rect){tx + tw + 1, field.y + field.h / 5, 2, field.h * 3 / 5}, THEME_TEXT);
    SDL_RenderSetClipRect(f->ren, NULL);
}

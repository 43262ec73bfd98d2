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
    [DIALOG_QUIT] = "quit", [DIALOG_RESTORE] = "restore", [DIALOG_HISTORY] = "history",
};

static int takes_text(dialog_kind k) { return k == DIALOG_SAVE || k == DIALOG_LOAD; }

/* The shipped model and the models folder's, newest first. */
static void list_models(dialog_state *d)
{
    char shipped[4096], msg[512], dir[4096];
    if (app_find_shipped_model(shipped, sizeof shipped, msg, sizeof msg) != 0) shipped[0] = 0;
    app_models_dir(dir, sizeof dir);
    model_list_scan(&d->models, dir, shipped);   /* out of memory: an empty list, the field still works */
    d->list_scroll = 0;
    if (!verbose_on()) return;
    char line[2048] = "";
    for (int i = 0; i < d->models.n && strlen(line) + 300 < sizeof line; i++)
        snprintf(line + strlen(line), sizeof line - strlen(line), "%s%s", i ? "\t" : "", d->models.items[i].name);
    verbose_line("loadlist", "%d\t%s", d->models.n, line);
}

void dialog_set_error(dialog_state *d, const char *msg)
{
    app_copy_text(d->error, sizeof d->error, msg);
    verbose_line("dialog_error", "%s", msg);
}

void dialog_scroll_list(dialog_state *d, int dy)
{
    int top = d->models.n - FILE_ROWS;
    d->list_scroll -= dy;
    if (d->list_scroll > top) d->list_scroll = top;
    if (d->list_scroll < 0) d->list_scroll = 0;
}

void dialog_free(dialog_state *d) { model_list_free(&d->models); }

void dialog_open(dialog_state *d, dialog_kind kind)
{
    if (kind != d->open) verbose_line("dialog", "%s", dialog_names[kind]);   /* what keys will reach */
    if (takes_text(d->open)) SDL_StopTextInput();
    d->open = kind;
    char path[4096] = "";
    if (kind == DIALOG_SAVE) app_default_model_path(path, sizeof path);
    tf_set(&d->path, path);
    if (takes_text(kind)) SDL_StartTextInput();
    if (takes_text(kind)) d->chooser = d->chooser_allowed && dp_file_chooser_available();
    if (kind == DIALOG_LOAD) list_models(d);
    d->error[0] = 0;
    if (kind == DIALOG_HISTORY) d->list_scroll = 0;
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
    tf_insert(&d->path, utf8);
    d->error[0] = 0;   /* a new try */
}

static void paste(text_field *t)
{
    char *clip = SDL_GetClipboardText();
    if (!clip) return;
    tf_insert(t, clip);   /* its first line */
    SDL_free(clip);
}

int dialog_edit_key(dialog_state *d, const SDL_KeyboardEvent *k)
{
    if (!takes_text(d->open)) return 0;
    text_field *t = &d->path;
    int ctrl = (k->keysym.mod & KMOD_CTRL) != 0;
    switch (k->keysym.sym) {
    case SDLK_LEFT: tf_left(t); return 1;
    case SDLK_RIGHT: tf_right(t); return 1;
    case SDLK_HOME: tf_home(t); return 1;
    case SDLK_END: tf_end(t); return 1;
    case SDLK_BACKSPACE: tf_backspace(t); return 1;
    case SDLK_DELETE: tf_delete(t); return 1;
    case SDLK_a: if (ctrl) tf_select_all(t); return ctrl;
    case SDLK_c: if (ctrl) SDL_SetClipboardText(t->text); return ctrl;   /* the whole field: it is one path */
    case SDLK_v: if (ctrl) paste(t); return ctrl;
    default: return 0;
    }
}

void dialog_typed_path(const dialog_state *d, char *out, size_t size)
{
    char home[4096];
    dp_home_dir(home, sizeof home);
    tf_expand_tilde(d->path.text, home, out, size);
}

void dialog_draw_card(frame *f, const dialog_box *b, const char *title)
{
    draw_fill(f->ren, (ui_rect){0, 0, f->lay->w, f->lay->h}, (SDL_Color){0, 0, 0, 150});
    draw_round(f->ren, b->card, (int)(8 * f->lay->scale), THEME_PANEL);
    draw_frame(f->ren, b->card, THEME_PANEL_EDGE);
    text_draw(f->text, FONT_LARGE, title, b->title_x, b->title_y, THEME_TEXT, TEXT_LEFT);
}

static int measure_normal(void *text, const char *s, size_t n) { return text_width_n(text, FONT_NORMAL, s, n); }

int dialog_wrapped_height(frame *f, const char *s, int width)
{
    int lines = 0;
    for (s = wrap_skip_spaces(s); *s; s = wrap_skip_spaces(s)) s += wrap_line(s, width, measure_normal, f->text), lines++;
    return lines * text_height(f->text, FONT_NORMAL);
}

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

void dialog_draw_field(frame *f, ui_rect field, const text_field *t)
{
    int pad = f->lay->pad;
    draw_fill(f->ren, field, THEME_BG);
    draw_frame(f->ren, field, THEME_ACCENT);
    SDL_Rect clip = to_sdl(rect_inset(field, 2));
    SDL_RenderSetClipRect(f->ren, &clip);
    /* From where the caret stays in view, only what fits is drawn (and
     * cached): a path of thousands of characters would otherwise make one
     * huge texture per key typed. */
    int room = field.w - 2 * pad, tx = field.x + pad, cy = field.y + field.h / 2;
    char before_caret[TEXTFIELD_MAX], rest[TEXTFIELD_MAX];
    memcpy(before_caret, t->text, t->caret);
    before_caret[t->caret] = 0;
    const char *start = text_fit_tail(f->text, FONT_NORMAL, before_caret, room - pad);
    const char *from = t->text + (start - before_caret);
    const char *shown = text_fit_head(f->text, FONT_NORMAL, from, room, rest, sizeof rest);
    int caret_x = tx + text_width(f->text, FONT_NORMAL, start);
    if (t->all_selected)
        draw_fill(f->ren, (ui_rect){tx, field.y + field.h / 5, text_width(f->text, FONT_NORMAL, shown), field.h * 3 / 5},
                  color_mix(THEME_BG, THEME_ACCENT, 0.45f));
    text_draw(f->text, FONT_NORMAL, shown, tx, cy, THEME_TEXT, TEXT_LEFT | TEXT_MIDDLE);
    draw_fill(f->ren, (ui_rect){caret_x, field.y + field.h / 5, (int)(2 * f->lay->scale + 0.5f), field.h * 3 / 5},
              THEME_TEXT);
    SDL_RenderSetClipRect(f->ren, NULL);
}

/* Modal dialogs drawn over the window: training settings, save and load,
 * evaluation results, help, and messages such as "MNIST not found". */
#include "app.h"
#include "paths.h"
#include "common.h"
#include "theme.h"
#include "wrap.h"

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

enum { ID_DIALOG = 500, ID_LIST = 600, ID_MATRIX = 1100 };
#define MAX_LISTED 8

static const int batch_choices[] = {16, 32, 64, 128, 256};
static const float lr_choices[] = {0.0001f, 0.0002f, 0.0005f, 0.001f, 0.002f, 0.005f, 0.01f};

/* ---- opening and closing ----------------------------------------------------- */

/* With --verbose, "dialog<TAB>NAME" whenever another dialog opens (or the
 * last one closes: "none"), so scripted tests know what keys will reach. */
static void log_dialog(const app *a, modal_kind kind)
{
    static const char *names[] = {
        [MODAL_NONE] = "none", [MODAL_SETTINGS] = "settings", [MODAL_SAVE] = "save", [MODAL_LOAD] = "load",
        [MODAL_EVAL] = "eval", [MODAL_HELP] = "help", [MODAL_MESSAGE] = "message", [MODAL_DIGITS] = "digits",
        [MODAL_FINETUNE] = "finetune", [MODAL_EVAL_CELL] = "evalcell",
    };
    if (!a->opt.verbose || kind == a->modal) return;
    printf("dialog\t%s\n", names[kind]);
    fflush(stdout);
}

void dialogs_open(app *a, modal_kind kind)
{
    log_dialog(a, kind);
    if (a->modal == MODAL_SAVE || a->modal == MODAL_LOAD) SDL_StopTextInput();
    a->modal = kind;
    a->path_input[0] = 0;
    if (kind == MODAL_SAVE) app_default_model_path(a->path_input, sizeof a->path_input);
    if (kind == MODAL_SAVE || kind == MODAL_LOAD) SDL_StartTextInput();
    a->message_body[0] = kind == MODAL_MESSAGE ? a->message_body[0] : 0;
    a->dirty = 1;
}

static void close_dialog(app *a) { dialogs_open(a, MODAL_NONE); }

void dialogs_message(app *a, const char *title, const char *body)
{
    snprintf(a->message_title, sizeof a->message_title, "%s", title);
    snprintf(a->message_body, sizeof a->message_body, "%s", body);
    dialogs_open(a, MODAL_MESSAGE);
}

/* ---- text input ----------------------------------------------------------------- */

static int is_csv(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcmp(path + n - 4, ".csv") == 0;
}

static void confirm_path(app *a)
{
    if (!a->path_input[0]) return;
    int ok = a->modal == MODAL_SAVE ? app_save_model(a, a->path_input)
           : is_csv(a->path_input)  ? app_plot_csv(a, a->path_input)
                                    : app_load_model(a, a->path_input);
    if (ok == 0) close_dialog(a);
}

void dialogs_text(app *a, const char *utf8)
{
    if (a->modal != MODAL_SAVE && a->modal != MODAL_LOAD) return;
    size_t n = strlen(a->path_input), add = strlen(utf8);
    if (n + add < sizeof a->path_input) memcpy(a->path_input + n, utf8, add + 1);
}

static void delete_last_char(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && ((unsigned char)s[n - 1] & 0xC0) == 0x80) n--;   /* UTF-8 continuation bytes */
    if (n > 0) n--;
    s[n] = 0;
}

int dialogs_key(app *a, const SDL_KeyboardEvent *k)
{
    SDL_Keycode key = k->keysym.sym;
    if (a->modal == MODAL_DIGITS && key != SDLK_F12) return gallery_key(a, k);
    if (a->modal == MODAL_EVAL_CELL) return eval_cell_key(a, k);
    if (a->modal == MODAL_FINETUNE) {   /* Enter keeps the fine-tuned model, Esc goes back */
        if (key == SDLK_RETURN || key == SDLK_KP_ENTER) mine_finetune_choose(a, 1);
        else if (key == SDLK_ESCAPE) mine_finetune_choose(a, 0);
        a->dirty = 1;
        return key != SDLK_F12;
    }
    int text = a->modal == MODAL_SAVE || a->modal == MODAL_LOAD;
    if (key == SDLK_F12) return 0;
    if (key == SDLK_ESCAPE) close_dialog(a);
    else if (key == SDLK_RETURN || key == SDLK_KP_ENTER) text ? confirm_path(a) : close_dialog(a);
    else if (text && key == SDLK_BACKSPACE) delete_last_char(a->path_input);
    else if (text && key == SDLK_v && (k->keysym.mod & KMOD_CTRL)) {
        char *clip = SDL_GetClipboardText();
        if (clip) {
            for (char *p = clip; *p; p++)
                if (*p == '\n' || *p == '\r') *p = 0;
            dialogs_text(a, clip);
            SDL_free(clip);
        }
    }
    a->dirty = 1;
    return 1;
}

/* ---- shared drawing ----------------------------------------------------------- */

/* Dims the window and returns a centred card of the given size. */
ui_rect dialog_card(app *a, int w, int h, const char *title)
{
    draw_fill(a->ren, (ui_rect){0, 0, a->lay.w, a->lay.h}, (SDL_Color){0, 0, 0, 150});
    if (w > a->lay.w - 2 * a->lay.pad) w = a->lay.w - 2 * a->lay.pad;
    if (h > a->lay.h - 2 * a->lay.pad) h = a->lay.h - 2 * a->lay.pad;
    ui_rect c = {(a->lay.w - w) / 2, (a->lay.h - h) / 2, w, h};
    draw_round(a->ren, c, (int)(8 * a->lay.scale), THEME_PANEL);
    draw_frame(a->ren, c, THEME_PANEL_EDGE);
    text_draw(a->text, FONT_LARGE, title, c.x + 2 * a->lay.pad, c.y + 2 * a->lay.pad, THEME_TEXT, TEXT_LEFT);
    return c;
}

static int measure_normal(void *text, const char *s, size_t n) { return text_width_n(text, FONT_NORMAL, s, n); }

/* Word-wraps text into width (a word longer than a line, such as a long
 * path, is cut where the line ends); returns the height used. */
static int draw_wrapped(app *a, const char *s, int x, int y, int width, SDL_Color c)
{
    int lh = text_height(a->text, FONT_NORMAL), used = 0;
    for (s = wrap_skip_spaces(s); *s; s = wrap_skip_spaces(s)) {
        size_t n = wrap_line(s, width, measure_normal, a->text);
        text_draw_n(a->text, FONT_NORMAL, s, n, x, y + used, c, TEXT_LEFT);
        used += lh;
        s += n;
    }
    return used;
}

ui_rect dialog_button_at(app *a, ui_rect c, int index_from_right, int width)
{
    int s = a->lay.pad;
    int h = (int)(32 * a->lay.scale);
    return (ui_rect){c.x + c.w - 2 * s - (index_from_right + 1) * width - index_from_right * s,
                     c.y + c.h - 2 * s - h, width, h};
}

/* ---- settings -------------------------------------------------------------------- */

static int index_of_batch(int b)
{
    for (int i = 0; i < 5; i++)
        if (batch_choices[i] >= b) return i;
    return 4;
}

static int index_of_lr(float lr)
{
    for (int i = 0; i < 7; i++)
        if (lr_choices[i] >= lr * 0.999f) return i;
    return 6;
}

/* One "name  [-] value [+]" row; returns -1, 0 or +1. */
static int stepper(app *a, int id, int x, int y, int w, const char *name, const char *value)
{
    ui_ctx *ui = &a->ui;
    int bh = (int)(30 * a->lay.scale), bw = bh;
    text_draw(a->text, FONT_NORMAL, name, x, y + bh / 2, THEME_TEXT, TEXT_LEFT | TEXT_MIDDLE);
    int vx = x + w - 3 * bw;
    int delta = 0;
    if (ui_button(ui, id, (ui_rect){vx - bw, y, bw, bh}, "−", NULL, 1, 0)) delta = -1;
    text_draw(a->text, FONT_NORMAL, value, vx + bw / 2 + bw / 2, y + bh / 2, THEME_ACCENT, TEXT_CENTER | TEXT_MIDDLE);
    if (ui_button(ui, id + 1, (ui_rect){vx + 2 * bw, y, bw, bh}, "+", NULL, 1, 0)) delta = 1;
    return delta;
}

static void draw_settings(app *a)
{
    float s = a->lay.scale;
    ui_rect c = dialog_card(a, (int)(460 * s), (int)(330 * s), "Training settings");
    dp_train_cfg *cfg = &a->train_cfg;
    int x = c.x + 2 * a->lay.pad, w = c.w - 4 * a->lay.pad, y = c.y + (int)(60 * s), row = (int)(44 * s);
    char v[32];
    snprintf(v, sizeof v, "%d", cfg->epochs);
    int d = stepper(a, ID_DIALOG, x, y, w, "Epochs", v);
    cfg->epochs = cfg->epochs + d < 1 ? 1 : cfg->epochs + d > 50 ? 50 : cfg->epochs + d;
    snprintf(v, sizeof v, "%d", cfg->batch);
    int bi = index_of_batch(cfg->batch) + stepper(a, ID_DIALOG + 2, x, y + row, w, "Batch size", v);
    cfg->batch = batch_choices[bi < 0 ? 0 : bi > 4 ? 4 : bi];
    snprintf(v, sizeof v, "%g", (double)cfg->lr);
    int li = index_of_lr(cfg->lr) + stepper(a, ID_DIALOG + 4, x, y + 2 * row, w, "Learning rate (Adam)", v);
    cfg->lr = lr_choices[li < 0 ? 0 : li > 6 ? 6 : li];
    text_draw(a->text, FONT_NORMAL, "Start from", x, y + 3 * row + (int)(15 * s), THEME_TEXT, TEXT_LEFT | TEXT_MIDDLE);
    int bw = (int)(140 * s), bh = (int)(30 * s), bx = x + w - 2 * bw - a->lay.pad / 2;
    if (ui_button(&a->ui, ID_DIALOG + 6, (ui_rect){bx, y + 3 * row, bw, bh}, "new network",
                  "Train the seed network from random weights", 1, !a->train_from_current))
        a->train_from_current = 0;
    if (ui_button(&a->ui, ID_DIALOG + 7, (ui_rect){bx + bw + a->lay.pad / 2, y + 3 * row, bw, bh}, "current model",
                  "Continue training the model in use", 1, a->train_from_current))
        a->train_from_current = 1;
    if (ui_button(&a->ui, ID_DIALOG + 8, dialog_button_at(a, c, 0, (int)(100 * s)), "Done", "Close (Enter)", 1, 1))
        close_dialog(a);
}

/* ---- save and load ------------------------------------------------------------------ */

static int list_models(const char *dir, char names[][PATH_MAX], int max)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        size_t len = strlen(e->d_name);
        if (len > 6 && strcmp(e->d_name + len - 6, ".model") == 0 &&
            snprintf(names[n], PATH_MAX, "%s/%s", dir, e->d_name) < PATH_MAX)
            n++;
    }
    closedir(d);
    return n;
}

static void draw_path_field(app *a, ui_rect c, int y)
{
    int x = c.x + 2 * a->lay.pad, w = c.w - 4 * a->lay.pad, h = (int)(34 * a->lay.scale);
    ui_rect field = {x, y, w, h};
    draw_fill(a->ren, field, THEME_BG);
    draw_frame(a->ren, field, THEME_ACCENT);
    SDL_Rect clip = to_sdl(rect_inset(field, 2));
    SDL_RenderSetClipRect(a->ren, &clip);
    /* Only the end that fits is drawn (and cached): a path of thousands of
     * characters would otherwise make one huge texture per key typed. */
    int room = w - 2 * a->lay.pad, tx = x + a->lay.pad;
    const char *shown = text_fit_tail(a->text, FONT_NORMAL, a->path_input, room);
    int tw = text_width(a->text, FONT_NORMAL, shown);
    text_draw(a->text, FONT_NORMAL, shown, tx, y + h / 2, THEME_TEXT, TEXT_LEFT | TEXT_MIDDLE);
    if ((int)(a->ui.now * 2) % 2 == 0)
        draw_fill(a->ren, (ui_rect){tx + tw + 1, y + h / 5, 2, h * 3 / 5}, THEME_TEXT);
    SDL_RenderSetClipRect(a->ren, NULL);
}

static void draw_save(app *a)
{
    float s = a->lay.scale;
    ui_rect c = dialog_card(a, (int)(640 * s), (int)(210 * s), "Save model");
    text_draw(a->text, FONT_NORMAL, "File (the folder is created if needed; an existing file is replaced safely):",
              c.x + 2 * a->lay.pad, c.y + (int)(58 * s), THEME_TEXT_DIM, TEXT_LEFT);
    draw_path_field(a, c, c.y + (int)(84 * s));
    if (ui_button(&a->ui, ID_DIALOG, dialog_button_at(a, c, 0, (int)(100 * s)), "Save", "Save (Enter)", a->path_input[0], 1))
        confirm_path(a);
    if (ui_button(&a->ui, ID_DIALOG + 1, dialog_button_at(a, c, 1, (int)(100 * s)), "Cancel", "Close (Esc)", 1, 0))
        close_dialog(a);
}

static void draw_load(app *a)
{
    float s = a->lay.scale;
    char names[MAX_LISTED][PATH_MAX], dir[PATH_MAX], msg[256];
    int n = 0;
    if (app_find_shipped_model(names[0], PATH_MAX, msg, sizeof msg) == 0) n = 1;
    app_models_dir(dir, sizeof dir);
    n += list_models(dir, names + n, MAX_LISTED - n);
    int row = (int)(30 * s);
    ui_rect c = dialog_card(a, (int)(640 * s), (int)(230 * s) + n * row, "Load model");
    int x = c.x + 2 * a->lay.pad, y = c.y + (int)(56 * s), w = c.w - 4 * a->lay.pad;
    text_draw(a->text, FONT_NORMAL,
              n ? "Pick a model, or type a path (a .csv from train --csv is plotted):"
                : "Type the path of a model file (a .csv from train --csv is plotted):", x, y, THEME_TEXT_DIM, TEXT_LEFT);
    y += (int)(28 * s);
    for (int i = 0; i < n; i++, y += row) {
        const char *label = i == 0 && strstr(names[0], "/digitpad.model") ? names[i] : names[i];
        if (ui_button(&a->ui, ID_LIST + i, (ui_rect){x, y, w, row - 4}, label, NULL, 1, 0)) {
            snprintf(a->path_input, sizeof a->path_input, "%s", names[i]);
            confirm_path(a);
            return;
        }
    }
    draw_path_field(a, c, y + (int)(6 * s));
    if (ui_button(&a->ui, ID_DIALOG, dialog_button_at(a, c, 0, (int)(100 * s)), "Load", "Load (Enter)", a->path_input[0], 1))
        confirm_path(a);
    if (ui_button(&a->ui, ID_DIALOG + 1, dialog_button_at(a, c, 1, (int)(100 * s)), "Cancel", "Close (Esc)", 1, 0))
        close_dialog(a);
}

/* ---- evaluation results --------------------------------------------------------------- */

/* For scripted tests: where each non-empty cell of the matrix is, once per
 * evaluation and cell size. */
static void log_matrix(const app *a, int x, int y, int cell)
{
    static long long last = -1;
    long long sig = ((long long)a->eval_seen << 40) ^ ((long long)x << 24) ^ ((long long)y << 8) ^ cell;
    if (!a->opt.verbose || sig == last) return;
    last = sig;
    float d = a->density;
    for (int t = 0; t < 10; t++)
        for (int p = 0; p < 10; p++)
            if (a->eval.e.confusion[t][p])
                printf("matrix\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", t, p, (int)((x + p * cell) / d), (int)((y + t * cell) / d),
                       (int)((cell - 1) / d), (int)((cell - 1) / d), a->eval.e.confusion[t][p]);
    fflush(stdout);
}

static void draw_confusion(app *a, int x, int y, int cell)
{
    const int (*m)[10] = a->eval.e.confusion;
    int clicked_t = -1, clicked_p = -1;
    for (int t = 0; t < 10; t++) {
        char lab[4];
        snprintf(lab, sizeof lab, "%d", t);
        text_draw(a->text, FONT_SMALL, lab, x - cell / 2, y + t * cell + cell / 2, THEME_TEXT_DIM, TEXT_CENTER | TEXT_MIDDLE);
        text_draw(a->text, FONT_SMALL, lab, x + t * cell + cell / 2, y - cell / 2, THEME_TEXT_DIM, TEXT_CENTER | TEXT_MIDDLE);
        int total = 0;
        for (int p = 0; p < 10; p++) total += m[t][p];
        for (int p = 0; p < 10; p++) {
            int n = m[t][p];
            float share = total ? (float)n / (float)total : 0;
            SDL_Color col = t == p ? color_mix(THEME_BG, THEME_GOOD, 0.25f + 0.75f * share)
                                   : color_mix(THEME_BG, THEME_BAD, n ? 0.25f + 0.75f * fminf(1.0f, sqrtf(share * 20)) : 0);
            ui_rect r = {x + p * cell, y + t * cell, cell - 1, cell - 1};
            draw_fill(a->ren, r, col);
            if (n && a->eval.e.n) {
                if (ui_hover(&a->ui, r)) draw_frame(a->ren, rect_inset(r, -1), THEME_TEXT);
                if (ui_click_area(&a->ui, ID_MATRIX + t * 10 + p, r, 1)) clicked_t = t, clicked_p = p;
            }
            if (n && cell >= (int)(22 * a->lay.scale)) {
                char v[12];
                snprintf(v, sizeof v, "%d", n);
                text_draw(a->text, FONT_SMALL, v, r.x + r.w / 2, r.y + r.h / 2, THEME_TEXT, TEXT_CENTER | TEXT_MIDDLE);
            }
        }
    }
    text_draw(a->text, FONT_SMALL, "predicted →", x + 5 * cell, y - cell - 2, THEME_TEXT_DIM, TEXT_CENTER | TEXT_BOTTOM);
    log_matrix(a, x, y, cell);
    if (clicked_t >= 0) eval_open_cell(a, clicked_t, clicked_p);
}

static void draw_eval(app *a)
{
    float s = a->lay.scale;
    ui_rect c = dialog_card(a, (int)(860 * s), (int)(560 * s), "Evaluation on the MNIST test set");
    int x = c.x + 2 * a->lay.pad, y = c.y + (int)(56 * s);
    text_drawf(a->text, FONT_LARGE, x, y, THEME_ACCENT, TEXT_LEFT, "%.2f %% correct", 100 * a->eval.e.accuracy);
    char images[24];
    chart_format_count(a->eval.e.n, images, sizeof images);
    text_drawf(a->text, FONT_SMALL, x, y + (int)(32 * s), THEME_TEXT_DIM, TEXT_LEFT, "%s · %s images · %.2f s",
               a->model_name, images, a->eval.seconds);
    /* Per-class accuracy bars on the left, the confusion matrix on the right. */
    int by = y + (int)(86 * s), row = (int)(30 * s), bw = (int)(260 * s);
    text_draw(a->text, FONT_NORMAL, "per digit", x, by - (int)(6 * s), THEME_TEXT, TEXT_LEFT | TEXT_BOTTOM);
    for (int d = 0; d < 10; d++) {
        float acc = (float)a->eval.e.per_class[d];
        int ry = by + d * row;
        text_drawf(a->text, FONT_NORMAL, x, ry + row / 2, THEME_TEXT_DIM, TEXT_LEFT | TEXT_MIDDLE, "%d", d);
        ui_rect track = {x + (int)(24 * s), ry + row / 5, bw, row * 3 / 5};
        draw_fill(a->ren, track, THEME_BG);
        /* The bar spans 90–100 %, where all the differences are. */
        float t = (acc - 0.9f) / 0.1f;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        draw_fill(a->ren, (ui_rect){track.x, track.y, (int)((float)track.w * t), track.h}, THEME_GOOD);
        text_drawf(a->text, FONT_SMALL, track.x + track.w + (int)(8 * s), ry + row / 2, THEME_TEXT, TEXT_LEFT | TEXT_MIDDLE,
                   "%.2f %%", 100.0 * acc);
    }
    text_draw(a->text, FONT_SMALL, "bars span 90–100 %", x, by + 10 * row + (int)(4 * s), THEME_TEXT_DIM, TEXT_LEFT);
    int mx = x + bw + (int)(150 * s), my = by + (int)(10 * s);
    int cell = (c.x + c.w - 2 * a->lay.pad - mx) / 10;
    int max_cell = (c.y + c.h - (int)(70 * s) - my) / 10;
    if (cell > max_cell) cell = max_cell;
    text_draw(a->text, FONT_NORMAL, "confusion (rows: true digit) · click a cell to see its digits", mx,
              by - (int)(6 * s) - cell / 2, THEME_TEXT, TEXT_LEFT | TEXT_BOTTOM);
    if (cell > 4) draw_confusion(a, mx, my + cell / 2, cell);
    if (ui_button(&a->ui, ID_DIALOG, dialog_button_at(a, c, 0, (int)(100 * s)), "Close", "Close (Esc)", 1, 1))
        close_dialog(a);
    if (ui_button(&a->ui, ID_DIALOG + 1, dialog_button_at(a, c, 1, (int)(130 * s)), "Save picture",
                  "Save this evaluation as a PNG (in the screenshots folder)", 1, 0))
        app_save_picture(a, "evaluation", c);
}

/* ---- help and messages ----------------------------------------------------------------- */

static void draw_help(app *a)
{
    static const char *keys[][2] = {
        {"draw", "left mouse button on the canvas"}, {"C, Backspace, Delete", "clear the canvas"},
        {"Ctrl+Z / Ctrl+Y", "undo / redo a stroke, a clear, an image"}, {"[ and ], mouse wheel", "brush width"},
        {"B", "show the bounding box and centre of mass"}, {"T", "train on MNIST"}, {"Esc", "stop training"},
        {"E", "evaluate on the MNIST test set"}, {"Ctrl+S / Ctrl+O", "save / load a model"},
        {"0 – 9", "keep the drawing as that digit"},
        {"M / P / F", "my digits / collect in turn / fine-tune"},
        {"V / Shift+V", "next / previous view under the canvas"},
        {"R", "also the answer to the canvas unprepared"},
        {"F12", "save a screenshot"}, {"F1 or ?", "this help"},
    };
    float s = a->lay.scale;
    int n = (int)(sizeof keys / sizeof keys[0]), row = (int)(28 * s);
    ui_rect c = dialog_card(a, (int)(620 * s), (int)(150 * s) + n * row, "Keys");
    int x = c.x + 2 * a->lay.pad, y = c.y + (int)(60 * s);
    for (int i = 0; i < n; i++, y += row) {
        text_draw(a->text, FONT_NORMAL, keys[i][0], x, y, THEME_ACCENT, TEXT_LEFT);
        text_draw(a->text, FONT_NORMAL, keys[i][1], x + (int)(230 * s), y, THEME_TEXT, TEXT_LEFT);
    }
    text_draw(a->text, FONT_SMALL, "Drop a .model file on the window to load it, a stroke file to draw it, a .csv to plot it.",
              x, y + row / 3, THEME_TEXT_DIM, TEXT_LEFT);
    if (ui_button(&a->ui, ID_DIALOG, dialog_button_at(a, c, 0, (int)(100 * s)), "Close", "Close (Esc)", 1, 1))
        close_dialog(a);
}

static void draw_message(app *a)
{
    float s = a->lay.scale;
    ui_rect c = dialog_card(a, (int)(620 * s), (int)(260 * s), a->message_title);
    draw_wrapped(a, a->message_body, c.x + 2 * a->lay.pad, c.y + (int)(60 * s), c.w - 4 * a->lay.pad, THEME_TEXT);
    if (ui_button(&a->ui, ID_DIALOG, dialog_button_at(a, c, 0, (int)(100 * s)), "OK", "Close (Enter)", 1, 1))
        close_dialog(a);
}

void dialogs_draw(app *a)
{
    switch (a->modal) {
    case MODAL_SETTINGS: draw_settings(a); break;
    case MODAL_SAVE: draw_save(a); break;
    case MODAL_LOAD: draw_load(a); break;
    case MODAL_EVAL: if (a->have_eval) draw_eval(a); else close_dialog(a); break;
    case MODAL_HELP: draw_help(a); break;
    case MODAL_MESSAGE: draw_message(a); break;
    case MODAL_DIGITS: gallery_draw(a); break;
    case MODAL_FINETUNE: if (a->mine.backup) finetune_result_draw(a); else close_dialog(a); break;
    case MODAL_EVAL_CELL: if (a->have_eval && a->eval.e.n) eval_cell_draw(a); else close_dialog(a); break;
    case MODAL_NONE: break;
    }
}

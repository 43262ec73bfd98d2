#include "status.h"
#include "dialog.h"
#include "platform.h"
#include "theme.h"
#include "widget_ids.h"
#include "verbose.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void status_set(status_line *s, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->text, sizeof s->text, fmt, ap);
    va_end(ap);
    s->error = error;
    s->time = dp_now();
    s->changed = 1;
    s->about_canvas = 0;
    status_said *h = &s->history[s->next];
    memcpy(h->text, s->text, sizeof h->text);   /* the same size, NUL-terminated by vsnprintf */
    h->error = error;
    dp_clock_text(h->clock, sizeof h->clock);
    s->next = (s->next + 1) % STATUS_HISTORY;
    if (s->n_said < STATUS_HISTORY) s->n_said++;
    if (error) fprintf(stderr, "digitpad: %s\n", s->text);
    verbose_line("status", "%s\t%s", error ? "error" : "ok", s->text);
}

_Static_assert(sizeof ((status_said *)0)->text == sizeof ((status_line *)0)->text, "the history holds whole messages");

void status_about_canvas(status_line *s, unsigned drawing_version)
{
    s->about_canvas = 1;
    s->canvas_version = drawing_version;
}

void status_follow_canvas(status_line *s, unsigned drawing_version)
{
    if (!s->about_canvas || drawing_version == s->canvas_version) return;
    s->text[0] = 0;   /* it no longer applies (it stays in the history) */
    verbose_line("status", "cleared\t");
    s->error = 0;
    s->about_canvas = 0;
    s->changed = 1;
}

const status_said *status_said_back(const status_line *s, int k)
{
    if (k < 0 || k >= s->n_said) return NULL;
    return &s->history[(s->next - 1 - k + 2 * STATUS_HISTORY) % STATUS_HISTORY];
}

static void format_eta(double s, char *buf, size_t n)
{
    long t = isfinite(s) && s > 0 ? (long)(s + 0.5) : 0;
    snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

static void draw_progress(frame *f, const jobs_status *job, const char *model_name, int unsaved)
{
    ui_rect p = f->lay->progress;
    const dp_train_progress *g = &job->progress;
    if (p.w <= 0 || !job->busy) {
        char line[300];
        snprintf(line, sizeof line, "model: %s%s", model_name, unsaved ? " (unsaved)" : "");
        text_draw(f->text, FONT_SMALL, line, p.x + p.w, p.y + p.h / 2, THEME_TEXT_DIM, TEXT_RIGHT | TEXT_MIDDLE);
        return;
    }
    char line[200], eta[32];
    if (job->phase == PHASE_LOADING && job->fetch_total > 0) {
        float got = (float)job->fetched / (float)job->fetch_total;
        snprintf(line, sizeof line, "downloading MNIST: %.1f of %.1f MB", job->fetched / 1e6, job->fetch_total / 1e6);
        verbose_line("progress", "download\t%.3f", (double)got);
        ui_progress_bar(f->ui, p, got > 1 ? 1 : got, line);
        return;
    }
    if (job->phase == PHASE_LOADING || !g->total_steps) {
        snprintf(line, sizeof line, "%s…", job->phase == PHASE_LOADING ? "loading MNIST" : "starting");
        text_draw(f->text, FONT_SMALL, line, p.x + p.w, p.y + p.h / 2, THEME_TEXT, TEXT_RIGHT | TEXT_MIDDLE);
        return;
    }
    float frac = (float)g->step / (float)g->total_steps;
    if (job->kind == JOB_EVAL) {
        snprintf(line, sizeof line, "evaluating: %ld of %ld test images", g->step, g->total_steps);
        verbose_line("progress", "evaluate\t%.3f", (double)frac);
    } else {
        format_eta(g->eta_s, eta, sizeof eta);
        snprintf(line, sizeof line, "epoch %d/%d   %.0f %%   step %ld   %.0f img/s   ETA %s", g->epoch, g->epochs,
                 100.0 * frac, g->step, g->img_per_s, eta);
    }
    ui_progress_bar(f->ui, p, frac, line);
}

void status_draw_choice(frame *f, const char *back_label)
{
    const ui_layout *l = f->lay;
    if (l->status_back.w <= 0) return;
    draw_fill(f->ren, (ui_rect){l->status_back.x, l->status.y + 1, l->status.w - l->status_back.x, l->status.h - 1},
              THEME_PANEL);
    if (ui_button(f->ui, ID_STATUS, l->status_back, back_label,
                  "Use the model from before the last Train or Load again", 1, 0))
        command_push(f->cmds, CMD_PREVIOUS, 0);
    if (ui_button(f->ui, ID_STATUS + 1, l->status_keep, "Keep", "Keep the model in use (the one before is let go)", 1, 0))
        command_push(f->cmds, CMD_PREVIOUS, 1);
}

void status_draw(frame *f, const status_line *st, const jobs_status *job, const char *model_name, int unsaved)
{
    const ui_layout *l = f->lay;
    ui_rect s = l->status;
    draw_fill(f->ren, s, THEME_PANEL);
    draw_fill(f->ren, (ui_rect){0, s.y, s.w, 1}, THEME_PANEL_EDGE);
    SDL_Rect clip = {s.x, s.y, l->progress.x - l->pad, s.h};
    SDL_RenderSetClipRect(f->ren, &clip);
    /* A message longer than its room ends in "…" rather than mid-word. */
    char fitted[sizeof st->text + 8];
    const char *shown = text_fit_head(f->text, FONT_SMALL, st->text, clip.w - 2 * l->pad, fitted, sizeof fitted);
    text_draw(f->text, FONT_SMALL, shown, l->pad, s.y + s.h / 2, st->error ? THEME_BAD : THEME_TEXT,
              TEXT_LEFT | TEXT_MIDDLE);
    SDL_RenderSetClipRect(f->ren, NULL);
    draw_progress(f, job, model_name, unsaved);
    /* A click on the message shows the last messages in full (not on the right half: the progress bar, or
     * Go back and Keep, whose clicks are theirs alone). */
    ui_rect message = {s.x, s.y, l->progress.x - l->pad - s.x, s.h};
    if (ui_click_area(f->ui, ID_STATUS + 2, message, 1)) command_push(f->cmds, CMD_DIALOG, DIALOG_HISTORY);
}

void status_history_draw(frame *f, const status_line *s, int scroll)
{
    message_layout m;
    message_layout_compute(&m, f->lay, 1);
    m.box = dialog_box_place(f->lay, 760, 560, (const float[]){100, 0});
    dialog_draw_card(f, &m.box, "Messages");
    int x = m.box.x, w = m.box.w, y = m.box.card.y + (int)(56 * f->lay->scale), bottom = m.box.button[0].y - f->lay->pad;
    int clock_w = text_width(f->text, FONT_SMALL, "00:00:00") + f->lay->pad;
    if (!s->n_said) text_draw(f->text, FONT_NORMAL, "nothing yet", x, y, THEME_TEXT_DIM, TEXT_LEFT);
    for (int k = scroll; k < s->n_said; k++) {
        const status_said *h = status_said_back(s, k);
        int need = dialog_wrapped_height(f, h->text, w - clock_w);
        if (y + need > bottom) {
            text_draw(f->text, FONT_SMALL, "… older ones below (the wheel scrolls)", x, bottom, THEME_TEXT_DIM,
                      TEXT_LEFT | TEXT_BOTTOM);
            break;
        }
        text_draw(f->text, FONT_SMALL, h->clock, x, y + 2, THEME_TEXT_DIM, TEXT_LEFT);
        y += dialog_draw_wrapped(f, h->text, x + clock_w, y, w - clock_w, h->error ? THEME_BAD : THEME_TEXT) + 4;
    }
    if (ui_button(f->ui, ID_DIALOG, m.box.button[0], "Close", "Close (Esc)", 1, 1)) command_push(f->cmds, CMD_DIALOG, DIALOG_NONE);
}

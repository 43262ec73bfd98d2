#include "charts.h"
#include "chart.h"
#include "theme.h"

#include <math.h>

static void draw_loss(frame *f, const train_curves *c, double total)
{
    chart_line lines[] = {{&c->loss, "loss", 0}, {&c->loss_smooth, "smoothed", 1}};
    SDL_Color colors[] = {color_mix(THEME_PANEL, THEME_ACCENT, 0.45f), THEME_ACCENT};
    chart_spec spec = {.title = "training loss (cross-entropy)", .x_label = "step", .log_y = 1, .x_max_hint = total,
                       .lines = lines, .n_lines = 2, .empty_text = "press Train to watch the network learn"};
    chart_draw(f->ren, f->text, to_sdl(f->lay->chart_loss), &spec, colors, f->lay->scale);
}

static void draw_accuracy(frame *f, const train_curves *c, double total, int tuning)
{
    chart_line lines[] = {
        {&c->heldout, "test, 1k images", 1},
        {tuning ? &c->personal : &c->test, tuning ? "your test digits" : "test, all 10k (per epoch)", 1},
    };
    SDL_Color colors[] = {THEME_ACCENT_2, THEME_GOOD};
    chart_spec spec = {.title = "accuracy", .x_label = "step", .y_min = 0, .y_max = 1, .x_max_hint = total,
                       .lines = lines, .n_lines = 2, .empty_text = "accuracy appears as training runs"};
    /* Zoom in once the network is good, so the last percent is visible. */
    const chart_series *h = &c->heldout, *mine = &c->personal;
    float lowest = 1;
    for (int i = 0; tuning && i < mine->n; i++) lowest = fminf(lowest, mine->y[i]);
    if (h->n && h->y[h->n - 1] > 0.9f && lowest > 0.9f) spec.y_min = 0.9, spec.y_max = 1.0;
    chart_draw(f->ren, f->text, to_sdl(f->lay->chart_acc), &spec, colors, f->lay->scale);
}

/* The drawing's ten probabilities as the network learns. */
static void draw_drawing(frame *f, const train_curves *c, double total, const reading *r)
{
    static const char *digit_names[DP_CLASSES] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    chart_line lines[DP_CLASSES];
    int top = r->has_digit ? dp_argmax(r->probs, DP_CLASSES) : -1;
    for (int d = 0; d < DP_CLASSES; d++) lines[d] = (chart_line){&c->drawing[d], digit_names[d], d == top};
    chart_spec spec = {.title = "your drawing", .x_label = "step", .y_min = 0, .y_max = 1, .x_max_hint = total,
                       .lines = lines, .n_lines = DP_CLASSES, .end_labels = 1,
                       .empty_text = "draw while it trains: watch it learn"};
    chart_draw(f->ren, f->text, to_sdl(f->lay->chart_drawing), &spec, THEME_DIGIT, f->lay->scale);
}

void charts_draw(frame *f, const train_curves *c, const jobs_status *job, const reading *r)
{
    double total = job->kind == JOB_TRAIN || job->kind == JOB_FINETUNE ? (double)job->progress.total_steps : 0;
    draw_loss(f, c, total);
    draw_accuracy(f, c, total, job->kind == JOB_FINETUNE);
    draw_drawing(f, c, total, r);
}

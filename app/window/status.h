/* The status line at the bottom of the window: the last message (an error
 * in red, also on stderr), and at the right the running job's progress or
 * the model in use. */
#ifndef DP_STATUS_H
#define DP_STATUS_H

#include "frame.h"
#include "jobs.h"

typedef struct {
    char text[512];
    int error;
    double time;                /* when it was said (dp_now) */
    int changed;                /* since the window last drew it */
} status_line;

void status_set(status_line *s, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The bar: the message on the left; a job's progress bar, or the model's
 * name, on the right. */
void status_draw(frame *f, const status_line *s, const jobs_status *job, const char *model_name, int unsaved);
/* While a trained or loaded model is not kept yet (and no job runs): "Go
 * back to …" (back_label) and "Keep" over the right of the bar; they queue
 * CMD_PREVIOUS. */
void status_draw_choice(frame *f, const char *back_label);

#endif

/* The status line at the bottom of the window: the last message (an error
 * in red, also on stderr), and at the right the running job's progress or
 * the model in use. */
#ifndef DP_STATUS_H
#define DP_STATUS_H

#include "frame.h"
#include "jobs.h"

#define STATUS_HISTORY 50

/* One message as the history keeps it. */
typedef struct {
    char text[512];
    int error;
    char clock[16];             /* "18:03:12" */
} status_said;

typedef struct {
    char text[512];
    int error;
    double time;                /* when it was said (dp_now) */
    int changed;                /* since the window last drew it */
    int about_canvas;           /* it describes the canvas as it was at canvas_version */
    unsigned canvas_version;
    status_said history[STATUS_HISTORY];   /* the last messages, a ring */
    int n_said, next;
} status_line;

void status_set(status_line *s, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The message just set is about the canvas at this drawing version: once
 * the drawing changes it no longer applies, and status_follow_canvas
 * clears it. */
void status_about_canvas(status_line *s, unsigned drawing_version);
void status_follow_canvas(status_line *s, unsigned drawing_version);
/* The k-th message back (0: the latest), or NULL. */
const status_said *status_said_back(const status_line *s, int k);

/* The bar: the message on the left; a job's progress bar, or the model's
 * name, on the right. */
void status_draw(frame *f, const status_line *s, const jobs_status *job, const char *model_name, int unsaved);
/* The last messages, newest first, in full (a click on the status line;
 * scroll: how many of the newest are scrolled past). */
void status_history_draw(frame *f, const status_line *s, int scroll);
/* While a trained or loaded model is not kept yet (and no job runs): "Go
 * back to …" (back_label) and "Keep" over the right of the bar; they queue
 * CMD_PREVIOUS. */
void status_draw_choice(frame *f, const char *back_label);

#endif

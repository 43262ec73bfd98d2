/* The toolbar: Train, Stop, Settings…, Evaluate, Save…, Load…, Undo, Redo,
 * Clear, help, and the brush slider. */
#ifndef DP_TOOLBAR_H
#define DP_TOOLBAR_H

#include "canvas.h"
#include "frame.h"
#include "jobs.h"

/* job: what runs (its busy flag and kind decide what is enabled). */
void toolbar_draw(frame *f, canvas_view *c, const jobs_status *job);

#endif

/* The Training view: the loss (raw and smoothed), the drawing's ten
 * probabilities as the network learns, and the accuracy on test images
 * (or, while fine-tuning, on the user's test digits). */
#ifndef DP_CHARTS_H
#define DP_CHARTS_H

#include "frame.h"
#include "jobs.h"
#include "reading.h"

void charts_draw(frame *f, const train_curves *c, const jobs_status *job, const reading *r);

#endif

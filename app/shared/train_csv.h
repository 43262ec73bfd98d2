/* Reading back the metrics `digitpad train --csv` writes, to plot them in
 * the window. Pure C, unit-tested without a display. */
#ifndef DP_TRAIN_CSV_H
#define DP_TRAIN_CSV_H

#include <stddef.h>

#include "chart_scale.h"

/* Parses CSV text with the header "step,epoch,loss,train_acc,lr,
 * img_per_s,elapsed_s,test_acc" (test_acc empty except after an epoch)
 * into loss (step, loss), smooth (its moving average, as the window draws
 * it) and test (step, test_acc); the series are cleared first. Returns the
 * number of rows, or -1 with a one-line message in err naming NAME and the
 * line ("log.csv:7: bad loss 'x'"); the series are then left empty. */
int train_csv_parse(const char *text, size_t len, const char *name, chart_series *loss, chart_series *smooth,
                    chart_series *test, char *err, size_t err_size);

#endif

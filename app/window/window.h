/* The window: its run, until it is closed. */
#ifndef DP_WINDOW_H
#define DP_WINDOW_H

#include "window_options.h"

/* Opens the window and runs it until it is closed; the process's exit
 * status (0, or 1 when it could not open or a scripted run failed). */
int window_run(const window_options *opt);

#endif

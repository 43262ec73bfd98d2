/* One frame of the window from every module's state: the toolbar, the
 * canvas, the side panel, the tabs with the charts or a view, the status
 * line, a tooltip, and the dialog that is open. */
#ifndef DP_SCENE_H
#define DP_SCENE_H

#include "app.h"

void scene_draw(app *a, frame *f);

#endif

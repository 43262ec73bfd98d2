/* What drawing code gets each frame: where to draw and with what (the
 * renderer, the text, the widgets' view of the mouse, the layout), and two
 * outboxes: the commands the user gave (done after the frame) and the
 * places of clickable things (for --verbose). */
#ifndef DP_FRAME_H
#define DP_FRAME_H

#include <SDL.h>

#include "commands.h"
#include "layout.h"
#include "places.h"
#include "text.h"
#include "ui.h"

typedef struct {
    SDL_Renderer *ren;
    ui_text *text;
    ui_ctx *ui;
    const ui_layout *lay;
    float density;              /* output pixels per window coordinate */
    command_queue *cmds;
    places *places;
    int redraw;                 /* drawing changed what the frame had drawn already: draw another */
} frame;

#endif

/* What the user asked for while a frame was drawn. Widgets report clicks as
 * the frame is drawn (immediate mode); what a click asks of more than the
 * module that drew it (train, put an image on the canvas, load a file) is
 * queued here and done after the frame by actions.c, so drawing code only
 * draws and never reaches into other modules. */
#ifndef DP_COMMANDS_H
#define DP_COMMANDS_H

#include "layout.h"

typedef enum {
    CMD_TRAIN, CMD_STOP, CMD_EVALUATE, CMD_FINETUNE,
    CMD_DIALOG,             /* arg: the dialog to open (dialog_kind) */
    CMD_UNDO, CMD_REDO, CMD_CLEAR,
    CMD_KEEP,               /* arg: the digit the drawing is */
    CMD_COLLECT,            /* arg: on or off */
    CMD_VIEW,               /* arg: view_id */
    CMD_SAVE_PICTURE,       /* text: what it shows; rect: the part of the window */
    CMD_SAVE_MODEL,         /* text: path */
    CMD_OPEN_FILE,          /* text: a model to load, or a train --csv file to plot */
    CMD_BROWSE,             /* arg: the system's file chooser, for this dialog (DIALOG_LOAD or DIALOG_SAVE) */
    CMD_OPEN_TEST_DIGIT,    /* arg: index in the evaluated test set */
    CMD_OPEN_NEAREST,       /* arg: index of a training image in the embedding */
    CMD_FINETUNE_CHOICE,    /* arg: 1 keep the fine-tuned model, 0 go back */
    CMD_PREVIOUS,           /* arg: 1 keep the model trained or loaded, 0 go back to the one before */
    CMD_QUIT_CHOICE,        /* arg: QUIT_SAVE, QUIT_DISCARD or QUIT_CANCEL */
    CMD_RESTORE,            /* arg: 1 restore the autosaved model, 0 discard it */
} command_kind;

enum { QUIT_CANCEL, QUIT_SAVE, QUIT_DISCARD };

typedef struct {
    command_kind kind;
    int arg;
    ui_rect rect;
    char text[4096];
} command;

#define COMMANDS_MAX 8   /* more than a frame's clicks, or an event's keys, ever ask */

typedef struct {
    command items[COMMANDS_MAX];
    int n;
} command_queue;

/* Queues a command (dropped if the queue is full). */
void command_push(command_queue *q, command_kind kind, int arg);
/* The same with a text (a path, a name) and a rectangle. */
void command_push_text(command_queue *q, command_kind kind, const char *text, ui_rect rect);

#endif

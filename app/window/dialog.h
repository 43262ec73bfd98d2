/* Dialogs over the window: which one is open, the text being typed into
 * Save and Load, a message's title and body, and the pieces every dialog
 * is drawn with (the dimmed window, the card, wrapped text, a text field).
 * The dialogs themselves are drawn by the modules that own what they show
 * (dialogs.c, evalview.c, kept_dialogs.c). */
#ifndef DP_DIALOG_H
#define DP_DIALOG_H

#include "dialog_layout.h"
#include "model_list.h"
#include "textfield.h"
#include "frame.h"

typedef enum {
    DIALOG_NONE, DIALOG_SETTINGS, DIALOG_SAVE, DIALOG_LOAD, DIALOG_EVAL, DIALOG_HELP, DIALOG_MESSAGE, DIALOG_DIGITS,
    DIALOG_FINETUNE, DIALOG_EVAL_CELL, DIALOG_TRAINED, DIALOG_QUIT, DIALOG_RESTORE,
    DIALOG_HISTORY
} dialog_kind;

typedef struct {
    dialog_kind open;
    text_field path;                    /* Save and Load: what is typed */
    char error[512];                    /* Save and Load: why the last try failed, shown in the dialog */
    model_list models;                  /* Load: what it offers, listed when it opens */
    int list_scroll;                    /* Load: the first model shown; the messages: how many newest scrolled past */
    int chooser;                        /* Save and Load: the system has a file chooser (Browse…) */
    int chooser_allowed;                /* the window may use it (set once at start) */
    char title[128], body[1024];        /* a message */
} dialog_state;

/* Opens a dialog (DIALOG_NONE closes the one open). Save starts with a
 * new file name in the models folder; Save and Load take typed text. */
void dialog_open(dialog_state *d, dialog_kind kind);
void dialog_message(dialog_state *d, const char *title, const char *body);
/* Save or Load failed: the dialog shows why (wrapped, in full). */
void dialog_set_error(dialog_state *d, const char *msg);
/* The wheel over Load's list (dy > 0: up). */
void dialog_scroll_list(dialog_state *d, int dy);
void dialog_free(dialog_state *d);
/* The height msg takes wrapped to width (0 for ""). */
int dialog_wrapped_height(frame *f, const char *msg, int width);

/* Typed text, for Save and Load. */
void dialog_type(dialog_state *d, const char *utf8);
/* The editing keys of their text field: Left, Right, Home, End, Backspace,
 * Delete, Ctrl+A, Ctrl+C, Ctrl+V (one line of the clipboard); 1 if used. */
int dialog_edit_key(dialog_state *d, const SDL_KeyboardEvent *k);
/* What is typed, with a leading "~" as the home folder. */
void dialog_typed_path(const dialog_state *d, char *out, size_t size);

/* Dims the window and draws the card with its title. */
void dialog_draw_card(frame *f, const dialog_box *b, const char *title);
/* Word-wrapped text; returns the height used. */
int dialog_draw_wrapped(frame *f, const char *s, int x, int y, int width, SDL_Color c);
/* A one-line text field: the part of the text around the caret, the caret
 * (always shown), everything highlighted when all is selected. */
void dialog_draw_field(frame *f, ui_rect field, const text_field *t);

#endif

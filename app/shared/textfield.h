/* A one-line text field's editing, without a display: the text, a caret
 * (a byte offset on a UTF-8 character boundary), "everything selected"
 * (Ctrl+A: typing replaces it, Backspace empties it), the moves and edits
 * of a desktop text field, and "~" expanded to the home folder. Unit-tested
 * without SDL. */
#ifndef DP_TEXTFIELD_H
#define DP_TEXTFIELD_H

#include <stddef.h>

#define TEXTFIELD_MAX 4096

typedef struct {
    char text[TEXTFIELD_MAX];
    size_t caret;
    int all_selected;
} text_field;

/* Replaces the text; the caret at its end, nothing selected. */
void tf_set(text_field *t, const char *s);
/* Inserts UTF-8 at the caret (replacing a selection); what does not fit is
 * dropped whole characters at a time; newlines end the insert (one line). */
void tf_insert(text_field *t, const char *utf8);
void tf_backspace(text_field *t);
void tf_delete(text_field *t);
void tf_left(text_field *t);
void tf_right(text_field *t);
void tf_home(text_field *t);
void tf_end(text_field *t);
void tf_select_all(text_field *t);

/* A leading "~" or "~/" as the home folder (home NULL or "": as is) into out. */
void tf_expand_tilde(const char *in, const char *home, char *out, size_t size);

#endif

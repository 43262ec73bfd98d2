/* A text field's editing (see textfield.h). */
#include "textfield.h"

#include <stdio.h>
#include <string.h>

static int continuation(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

void tf_set(text_field *t, const char *s)
{
    snprintf(t->text, sizeof t->text, "%s", s ? s : "");
    size_t n = strlen(t->text);
    if (s && strlen(s) > n) {   /* cut short: not in the middle of a character */
        while (n > 0 && continuation(s[n])) n--;
        t->text[n] = 0;
    }
    t->caret = n;
    t->all_selected = 0;
}

static void clear_selection(text_field *t)
{
    if (!t->all_selected) return;
    t->text[0] = 0;
    t->caret = 0;
    t->all_selected = 0;
}

void tf_insert(text_field *t, const char *utf8)
{
    clear_selection(t);
    size_t add = strcspn(utf8, "\r\n"), n = strlen(t->text);
    if (n + add >= sizeof t->text) add = sizeof t->text - 1 - n;
    while (add > 0 && continuation(utf8[add])) add--;   /* whole characters only */
    memmove(t->text + t->caret + add, t->text + t->caret, n - t->caret + 1);
    memcpy(t->text + t->caret, utf8, add);
    t->caret += add;
}

/* The start of the character before the caret. */
static size_t before(const text_field *t)
{
    size_t i = t->caret;
    if (i > 0) i--;
    while (i > 0 && continuation(t->text[i])) i--;
    return i;
}

/* The end of the character after the caret. */
static size_t after(const text_field *t)
{
    size_t i = t->caret;
    if (t->text[i]) i++;
    while (t->text[i] && continuation(t->text[i])) i++;
    return i;
}

static void cut(text_field *t, size_t from, size_t to)
{
    memmove(t->text + from, t->text + to, strlen(t->text + to) + 1);
    t->caret = from;
}

void tf_backspace(text_field *t)
{
    if (t->all_selected) clear_selection(t);
    else cut(t, before(t), t->caret);
}

void tf_delete(text_field *t)
{
    if (t->all_selected) clear_selection(t);
    else cut(t, t->caret, after(t));
}

void tf_left(text_field *t)
{
    if (t->all_selected) t->all_selected = 0, t->caret = 0;
    else t->caret = before(t);
}

void tf_right(text_field *t)
{
    if (t->all_selected) t->all_selected = 0, t->caret = strlen(t->text);
    else t->caret = after(t);
}

void tf_home(text_field *t) { t->all_selected = 0, t->caret = 0; }
void tf_end(text_field *t) { t->all_selected = 0, t->caret = strlen(t->text); }
void tf_select_all(text_field *t) { t->all_selected = t->text[0] != 0; }

void tf_expand_tilde(const char *in, const char *home, char *out, size_t size)
{
    if (in[0] == '~' && (in[1] == '/' || in[1] == 0) && home && home[0]) snprintf(out, size, "%s%s", home, in + 1);
    else snprintf(out, size, "%s", in);
}

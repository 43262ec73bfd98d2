#include "commands.h"

#include <stdio.h>

void command_push_text(command_queue *q, command_kind kind, const char *text, ui_rect rect)
{
    if (q->n >= COMMANDS_MAX) return;
    command *c = &q->items[q->n++];
    c->kind = kind;
    c->arg = 0;
    c->rect = rect;
    snprintf(c->text, sizeof c->text, "%s", text ? text : "");
}

void command_push(command_queue *q, command_kind kind, int arg)
{
    if (q->n >= COMMANDS_MAX) return;
    command_push_text(q, kind, NULL, (ui_rect){0, 0, 0, 0});
    q->items[q->n - 1].arg = arg;
}

#include "places.h"

void places_clear(places *p)
{
    for (int k = 0; k < PLACE_KINDS; k++) p->n[k] = 0, p->total[k] = 0, p->shown[k] = 0;
}

void places_note(places *p, place_kind kind, ui_rect r, long a, long b, long c, float f)
{
    if (p->n[kind] >= PLACES_MAX) return;
    p->items[kind][p->n[kind]++] = (place){r, {a, b, c}, f};
    p->shown[kind] = 1;
}

void places_total(places *p, place_kind kind, long total)
{
    p->total[kind] = total;
    p->shown[kind] = 1;
}

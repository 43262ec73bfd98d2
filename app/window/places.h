/* Where the frame showed the things a scripted test may click: cells of the
 * confusion matrix, the test digits behind one, kept digits, nearest
 * examples. Drawing code notes them; after the frame, the --verbose log
 * prints the groups that changed (verbose.c). */
#ifndef DP_PLACES_H
#define DP_PLACES_H

#include "layout.h"

typedef enum { PLACE_MATRIX, PLACE_TESTCELL, PLACE_CELL, PLACE_NEAREST, PLACE_KINDS } place_kind;

#define PLACES_MAX 512   /* of one kind in a frame */

typedef struct {
    ui_rect r;                  /* output pixels */
    long v[3];                  /* what it is (see verbose.c for each kind) */
    float f;
} place;

typedef struct {
    place items[PLACE_KINDS][PLACES_MAX];
    int n[PLACE_KINDS];
    long total[PLACE_KINDS];    /* how many there are in all (some may be scrolled away) */
    int shown[PLACE_KINDS];     /* the group is on screen (maybe empty) */
} places;

void places_clear(places *p);
void places_note(places *p, place_kind kind, ui_rect r, long a, long b, long c, float f);
/* A group is on screen, with total things in all (also when none shows). */
void places_total(places *p, place_kind kind, long total);

#endif

/* The left button's release that SDL 2 never hears of on X11, and the
 * press it then drops: told from the X events themselves (lost_release.c
 * says why and how). Elsewhere nothing is watched and nothing is lost. */
#ifndef DP_LOST_RELEASE_H
#define DP_LOST_RELEASE_H

#include <SDL.h>

typedef struct {
    unsigned long xwindow;   /* the window's X id (0: not on X11, nothing watched) */
    int held;                /* SDL has the left button down, by its own events in queue order */
    int lost;                /* and the window knows its release was lost (told once) */
} release_watch;

typedef enum {
    RELEASE_FINE,            /* nothing lost */
    RELEASE_LOST,            /* the button was let go where SDL did not hear it: the press is over */
    RELEASE_LOST_PRESS,      /* that, and this event is a new press, which SDL drops as a repeat */
} release_news;

/* Asks SDL for the window's X events (SDL_SYSWMEVENT) when it runs on X11. */
void release_watch_start(release_watch *r, SDL_Window *win);
/* Every event, before it is handled: follows SDL's left button. */
void release_watch_note(release_watch *r, const SDL_Event *e);
/* What an SDL_SYSWMEVENT says of a left button SDL has down: a lost
 * release once, then each press SDL drops, with where it is (window
 * coordinates). */
release_news release_watch_check(release_watch *r, const SDL_Event *e, int *x, int *y);

#endif

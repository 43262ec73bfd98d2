/* SDL 2 on X11 (2.26 here) answers the pointer entering its window with
 * XUngrabPointer, even while a button is down: its EnterNotify handler
 * calls SDL_UpdateWindowGrab, which ungrabs whenever the window has not
 * asked to confine the pointer. That ends the grab that brings the
 * button's release to the window, SDL's own (taken when a press reaches
 * a focused window, and blind to the pointer crossing the window's edge)
 * or the X server's implicit one, and a release outside the window then
 * reaches no one. SDL keeps the button down and drops the next press as a
 * repeat: a stroke that is never drawn, a click that does nothing (SDL 3
 * was fixed in libsdl-org/SDL#12962).
 *
 * It takes a drag that leaves the window, comes back and ends outside,
 * with the way back seen while SDL has no grab of its own: in a window
 * without the keyboard focus (SDL grabs only for a focused one, and lets
 * go when the focus goes), or when the pointer left and came back before
 * a busy window got to the press (the monkey test, pressing and moving
 * faster than a frame, found it that way).
 *
 * SDL cannot be told it missed a release, but the X events tell the
 * window: each pointer event carries the buttons held, and SDL queues an
 * X event (SDL_SYSWMEVENT) before what it makes of it, so one without
 * button 1 while SDL still has it down comes after a release SDL never
 * got. If that event is button 1's press, SDL is about to drop it, and
 * the window takes it from the X event instead; SDL's button is down
 * again from then on, as it should be, and the release comes as usual. */
#include "lost_release.h"

#include <SDL_syswm.h>

void release_watch_start(release_watch *r, SDL_Window *win)
{
    r->xwindow = 0;
    r->held = r->lost = 0;
#if defined(SDL_VIDEO_DRIVER_X11)
    SDL_SysWMinfo info;
    SDL_VERSION(&info.version);
    if (!SDL_GetWindowWMInfo(win, &info) || info.subsystem != SDL_SYSWM_X11) return;
    r->xwindow = (unsigned long)info.info.x11.window;
    SDL_EventState(SDL_SYSWMEVENT, SDL_ENABLE);
#else
    (void)win;
#endif
}

void release_watch_note(release_watch *r, const SDL_Event *e)
{
    if ((e->type == SDL_MOUSEBUTTONDOWN || e->type == SDL_MOUSEBUTTONUP) && e->button.which != SDL_TOUCH_MOUSEID &&
        e->button.button == SDL_BUTTON_LEFT) {
        r->held = e->type == SDL_MOUSEBUTTONDOWN;
        r->lost = 0;
    }
}

release_news release_watch_check(release_watch *r, const SDL_Event *e, int *x, int *y)
{
#if defined(SDL_VIDEO_DRIVER_X11)
    if (e->type != SDL_SYSWMEVENT || !r->held || !r->xwindow || e->syswm.msg->subsystem != SDL_SYSWM_X11)
        return RELEASE_FINE;
    const XEvent *xe = &e->syswm.msg->msg.x11.event;
    /* Only the server's own events say what is held (another program may
     * send any event it likes). */
    if (xe->xany.window != (Window)r->xwindow || xe->xany.send_event) return RELEASE_FINE;
    unsigned int state;
    switch (xe->type) {
    case ButtonPress: state = xe->xbutton.state; break;   /* the buttons just before this one went down */
    case MotionNotify: state = xe->xmotion.state; break;
    case EnterNotify: state = xe->xcrossing.state; break;
    default: return RELEASE_FINE;
    }
    if (state & Button1Mask) return RELEASE_FINE;
    if (xe->type == ButtonPress && xe->xbutton.button == Button1) {
        r->lost = 0;   /* SDL has the button down rightly again */
        *x = xe->xbutton.x;
        *y = xe->xbutton.y;
        return RELEASE_LOST_PRESS;
    }
    if (r->lost) return RELEASE_FINE;
    r->lost = 1;
    return RELEASE_LOST;
#else
    (void)r, (void)e, (void)x, (void)y;
    return RELEASE_FINE;
#endif
}

/* Fingers into one pointer (see touch.h). */
#include "touch.h"

static touch_action at(const touch_state *t, touch_action a, float *x, float *y)
{
    *x = t->last_x, *y = t->last_y;
    return a;
}

touch_action touch_event(touch_state *t, finger_kind kind, int64_t finger, float fx, float fy, float *x, float *y)
{
    int mine = t->has_active && finger == t->active;
    switch (kind) {
    case FINGER_DOWN:
        t->fingers++;
        if (t->fingers == 1) {
            t->active = finger, t->has_active = 1, t->last_x = fx, t->last_y = fy;
            return at(t, TOUCH_DOWN, x, y);
        }
        if (t->has_active) {   /* a second finger: the stroke ends where the first one is */
            t->has_active = 0;
            return at(t, TOUCH_UP, x, y);
        }
        return TOUCH_NONE;
    case FINGER_MOTION:
        if (!mine) return TOUCH_NONE;
        t->last_x = fx, t->last_y = fy;
        return at(t, TOUCH_MOVE, x, y);
    case FINGER_UP:
        if (t->fingers > 0) t->fingers--;
        if (!mine) return TOUCH_NONE;
        t->has_active = 0, t->last_x = fx, t->last_y = fy;
        return at(t, TOUCH_UP, x, y);
    }
    return TOUCH_NONE;
}

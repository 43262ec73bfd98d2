/* Fingers into one pointer, without a display: the first finger down draws
 * and clicks like the left mouse button; a second finger ends that stroke
 * where it is and nothing draws until every finger is up again (a pinch or
 * a palm never leaves a stray line). Unit-tested without SDL. */
#ifndef DP_TOUCH_H
#define DP_TOUCH_H

#include <stdint.h>

typedef enum { TOUCH_NONE, TOUCH_DOWN, TOUCH_MOVE, TOUCH_UP } touch_action;
typedef enum { FINGER_DOWN, FINGER_MOTION, FINGER_UP } finger_kind;

typedef struct {
    int64_t active;             /* the finger that is the pointer */
    int has_active;
    int fingers;                /* fingers down */
    float last_x, last_y;       /* the pointer's last position */
} touch_state;

/* What a finger event means for the pointer; (x, y) is where it happens:
 * the finger's position, or for a second finger's landing the first one's
 * last position (the stroke ends there). */
touch_action touch_event(touch_state *t, finger_kind kind, int64_t finger, float fx, float fy, float *x, float *y);

#endif

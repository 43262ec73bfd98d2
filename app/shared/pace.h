/* Pacing helpers, pure C: a throttle that lets an action through at most
 * once per interval, and frame-time statistics (median, p99). */
#ifndef DP_PACE_H
#define DP_PACE_H

typedef struct {
    double interval;   /* seconds */
    double last;       /* when the action last went through (-1: never) */
} throttle;

void throttle_init(throttle *t, double interval);
/* 1 if the action may run now (and records it), 0 if it is too soon.
 * force lets it through regardless (e.g. the end of an epoch). */
int throttle_ready(throttle *t, double now, int force);
/* Seconds until the action may run again (0 if it may run now). */
double throttle_wait(const throttle *t, double now);

#define FRAME_WINDOW 4096

typedef struct {
    float seconds[FRAME_WINDOW];   /* the most recent frame times */
    int n, next;
    long total;
} frame_stats;

void frame_stats_init(frame_stats *f);
void frame_stats_add(frame_stats *f, double seconds);
/* The q-quantile (0.5 median, 0.99 p99) of the recorded frame times. */
double frame_stats_quantile(const frame_stats *f, double q);

#endif

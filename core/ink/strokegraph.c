/* Skeleton -> pen strokes.
 *   1. the skeleton as a graph: nodes at line ends and junctions, edges the
 *      pixel paths between them;
 *   2. clean-up: short spurs (thinning artefacts at corners and blobby
 *      ends) cut, junction pairs that thinning splits an X into merged;
 *   3. strokes: at each node the branches that continue each other are
 *      joined, so the pen passes straight through a crossing; chains of
 *      joined edges are the strokes;
 *   4. each stroke smoothed, simplified (Ramer-Douglas-Peucker) and
 *      directed like handwriting (polyline.c), then ordered and re-drawn as
 *      a spline. */
#include "strokegraph.h"

#include "common.h"
#include "realism.h"
#include "skeleton.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum { UP = SK_UP, STRIDE = SK_STRIDE, NPIX = SK_NPIX };

#define SPUR_REACH 1.5f       /* branches reaching less than this beyond a junction are spurs */
#define MERGE_K 2.0f          /* junctions closer than MERGE_K half-widths are one */
#define LOOP_MIN (3.0f * UP)  /* a loop shorter than 3 px (28-scale) is a pinhole */
#define TURN_COS 0.5f         /* at a junction, branches turning by < 60° join */
#define TICK_MAX (7.0f * UP)  /* a branch to a line end shorter than 7 px may be a tick */
#define CUSP_COS 0.8f         /* at a two-way node, branches < 37° apart do not */
#define DIR_SPAN (3.0f * UP)  /* branch direction measured over 3 px (28-scale) */

typedef dp_point vec2;

typedef struct {
    float x, y;         /* centroid, grid pixel indices */
    float half;         /* largest distance to background among its pixels */
    int parent;         /* union-find: merged junctions */
    int deg;            /* edge ends here (a loop counts twice) */
} node;

typedef struct {
    int a, b;           /* nodes at its ends */
    int first, n;       /* interior pixel path in the pool, from a to b */
    float len;          /* from node a along the path to node b */
    int alive, used;
    int tick;           /* drawn out and back from a node (see pair_tick) */
} edge;

/* A stroke: points [first, first+n) of pts; closed ends where it starts. */
typedef struct {
    int first, n, closed;
    float score;        /* where it starts, for ordering: top first, then left */
} chain;

typedef struct {
    const uint8_t *bin; /* the skeleton */
    const float *dist;  /* distance to background */
    int y0, y1;         /* rows holding it */
    node *nodes;
    int n_nodes, cap_nodes;
    edge *edges;
    int n_edges, cap_edges;
    vec2 *pool;         /* edge pixel paths */
    int n_pool, cap_pool;
    vec2 *pts;          /* stroke points */
    int n_pts, cap_pts;
    chain *chains;
    int n_chains, cap_chains;
    uint8_t *keep;      /* scratch for simplification */
    int cap_keep;
    int *pair;          /* port (2*edge + end) -> paired port at its node, or -1 */
    int *ports;         /* scratch: ports at one node */
    int *tick;          /* node -> port of a tick drawn out and back there, or -1 */
    vec2 *dirs;
    /* per-pixel scratch, initialized where it is used */
    uint8_t seen[NPIX];
    int label[NPIX];    /* the node of a node pixel, else -1 */
    int queue[NPIX];
} work;

#define OFF SK_OFF

/* Every pixel of the rows that hold the skeleton (borders included: empty). */
#define FOR_ROWS(w, p) for (int p = (w)->y0 * STRIDE; p < ((w)->y1 + 1) * STRIDE; p++)

static int grow(void *pp, int *cap, int need, size_t size)
{
    void **p = pp;
    if (need <= *cap) return 0;
    int c = *cap ? *cap : 256;
    while (c < need) c *= 2;
    void *q = realloc(*p, (size_t)c * size);
    if (!q) return dp_set_error("out of memory tracing a digit");
    *p = q;
    *cap = c;
    return 0;
}

static vec2 pixel_xy(int p) { return (vec2){(float)(p % STRIDE - 1), (float)(p / STRIDE - 1)}; }

/* ---- 1. the graph ----------------------------------------------------- */

static int degree(const work *w, int p) { return sk_bits8(sk_neighbours(w->bin, p)); }

static int add_node(work *w, vec2 at, float half)
{
    if (grow(&w->nodes, &w->cap_nodes, w->n_nodes + 1, sizeof(node))) return -1;
    w->nodes[w->n_nodes] = (node){at.x, at.y, half, w->n_nodes, 0};
    return w->n_nodes++;
}

/* Node k's root after merges. */
static int root(work *w, int k)
{
    while (w->nodes[k].parent != k) k = w->nodes[k].parent = w->nodes[w->nodes[k].parent].parent;
    return k;
}

/* Point i of edge e seen from end `side`: 0 is that end's node, n+1 the
 * other end's node, the rest the pixel path. */
static vec2 edge_point(work *w, int e, int side, int i)
{
    const edge *g = &w->edges[e];
    if (i == 0 || i == g->n + 1) {
        const node *k = &w->nodes[root(w, (i == 0) == (side == 0) ? g->a : g->b)];
        return (vec2){k->x, k->y};
    }
    return w->pool[g->first + (side ? g->n - i : i - 1)];
}

static void measure(work *w, int e)
{
    float len = 0;
    vec2 a = edge_point(w, e, 0, 0);
    for (int i = 1; i <= w->edges[e].n + 1; i++) {
        vec2 b = edge_point(w, e, 0, i);
        len += hypotf(b.x - a.x, b.y - a.y);
        a = b;
    }
    w->edges[e].len = len;
}

static int add_edge(work *w, int a, int b, int first, int n)
{
    if (grow(&w->edges, &w->cap_edges, w->n_edges + 1, sizeof(edge))) return -1;
    w->edges[w->n_edges] = (edge){a, b, first, n, 0, 1, 0, 0};
    measure(w, w->n_edges);
    return w->n_edges++;
}

/* A node for pixel p: a line end, or the whole clump of junction pixels
 * (three or more neighbours) around p, at its centroid. */
static int make_node(work *w, int p)
{
    int id = w->n_nodes, n = 1, junction = degree(w, p) >= 3;
    w->queue[0] = p;
    w->label[p] = id;
    for (int head = 0; junction && head < n; head++)
        for (int k = 0; k < 8; k++) {
            int q = w->queue[head] + OFF[k];
            if (!w->bin[q] || w->label[q] >= 0 || degree(w, q) < 3) continue;
            w->label[q] = id;
            w->queue[n++] = q;
        }
    vec2 sum = {0, 0};
    float half = 0;
    for (int i = 0; i < n; i++) {
        vec2 xy = pixel_xy(w->queue[i]);
        sum.x += xy.x, sum.y += xy.y;
        half = fmaxf(half, w->dist[w->queue[i]]);
    }
    return add_node(w, (vec2){sum.x / n, sum.y / n}, half);
}

/* Follows the line of two-neighbour pixels from `from` (a pixel of node
 * `start`) through cur to the next node, and records the edge. */
static int trace(work *w, int start, int from, int cur)
{
    int first = w->n_pool, prev = from, end = -1;
    while (end < 0) {
        w->seen[cur] = 1;
        if (grow(&w->pool, &w->cap_pool, w->n_pool + 1, sizeof(vec2))) return -1;
        w->pool[w->n_pool++] = pixel_xy(cur);
        int next = -1;
        for (int k = 0; k < 8 && next < 0; k++)
            if (w->bin[cur + OFF[k]] && cur + OFF[k] != prev) next = cur + OFF[k];
        if (next >= 0 && w->label[next] >= 0) {
            end = w->label[next];
        } else if (next < 0 || w->seen[next]) {   /* cannot happen on a thin line; stay safe */
            end = make_node(w, cur);
            if (end < 0) return -1;
        }
        prev = cur, cur = next;
    }
    return add_edge(w, start, end, first, w->n_pool - first) < 0 ? -1 : 0;
}

/* Edges from node pixel p: to a node pixel touching it directly (a line end
 * next to a junction), and along every line leaving it. */
static int edges_from(work *w, int p)
{
    for (int k = 5; k <= 8; k++) {   /* neighbours after p in raster order: each pair once */
        int q = p + OFF[k & 7];
        if (w->bin[q] && w->label[q] >= 0 && w->label[q] != w->label[p] &&
            add_edge(w, w->label[p], w->label[q], w->n_pool, 0) < 0)
            return -1;
    }
    for (int k = 0; k < 8; k++) {
        int q = p + OFF[k];
        if (w->bin[q] && w->label[q] < 0 && !w->seen[q] && trace(w, w->label[p], p, q)) return -1;
    }
    return 0;
}

static int build_graph(work *w)
{
    memset(w->label, 0xff, sizeof w->label);   /* -1: not a node pixel */
    memset(w->seen, 0, sizeof w->seen);
    FOR_ROWS(w, p)
        if (w->bin[p] && degree(w, p) != 2 && w->label[p] < 0 && make_node(w, p) < 0) return -1;
    FOR_ROWS(w, p)
        if (w->bin[p] && w->label[p] >= 0 && edges_from(w, p)) return -1;
    /* what is left are closed lines without any node: anchor one at the top */
    FOR_ROWS(w, p) {
        if (!w->bin[p] || w->label[p] >= 0 || w->seen[p]) continue;
        int id = make_node(w, p);
        if (id < 0) return -1;
        for (int k = 0; k < 8; k++)
            if (w->bin[p + OFF[k]] && !w->seen[p + OFF[k]]) {
                if (trace(w, id, p, p + OFF[k])) return -1;
                break;
            }
    }
    return 0;
}

/* ---- 2. clean-up ------------------------------------------------------ */

static void count_degrees(work *w)
{
    for (int k = 0; k < w->n_nodes; k++) w->nodes[k].deg = 0;
    for (int e = 0; e < w->n_edges; e++)
        if (w->edges[e].alive) w->nodes[root(w, w->edges[e].a)].deg++, w->nodes[root(w, w->edges[e].b)].deg++;
}

/* How far a branch from junction `base` to line end `tip` reaches beyond
 * the junction's own ink, as a multiple of the junction's radius: the
 * branch's ink ends |tip - base| + (its radius at the tip) from the centre.
 * Thinning leaves spurs into the corners of thick junctions (about 1.0-1.5);
 * the stem of a 4 below its bar or a 7's serif reach further. */
static float reach(work *w, int base, int tip)
{
    const node *b = &w->nodes[base], *t = &w->nodes[tip];
    return (hypotf(t->x - b->x, t->y - b->y) + t->half) / fmaxf(b->half, 1.0f);
}

/* Cuts the spur reaching least (a branch from a junction to a line end
 * that stays inside the junction's ink) until none is left: cutting one at
 * a time means that of a forked end only the shorter tine goes. */
static void prune_spurs(work *w)
{
    for (;;) {
        count_degrees(w);
        int best = -1;
        float best_reach = 0;
        for (int e = 0; e < w->n_edges; e++) {
            edge *g = &w->edges[e];
            int a = root(w, g->a), b = root(w, g->b);
            if (!g->alive || a == b) continue;
            int tip = w->nodes[a].deg == 1 ? a : w->nodes[b].deg == 1 ? b : -1, base = tip == a ? b : a;
            if (tip < 0 || w->nodes[base].deg < 3 || reach(w, base, tip) >= SPUR_REACH) continue;
            if (best < 0 || reach(w, base, tip) < best_reach) best = e, best_reach = reach(w, base, tip);
        }
        if (best < 0) return;
        w->edges[best].alive = 0;
    }
}

/* Thinning splits a crossing into two junctions joined by a short edge;
 * merging them lets the pen go straight through. Also drops pinhole loops
 * hanging off a junction. */
static void merge_junctions(work *w)
{
    for (;;) {
        count_degrees(w);
        int best = -1;
        for (int e = 0; e < w->n_edges; e++) {
            edge *g = &w->edges[e];
            int a = root(w, g->a), b = root(w, g->b);
            if (!g->alive) continue;
            if (a == b && g->len < LOOP_MIN && w->nodes[a].deg > 2) {
                g->alive = 0;
                continue;
            }
            float near = MERGE_K * fmaxf(w->nodes[a].half, w->nodes[b].half);
            if (a == b || w->nodes[a].deg < 3 || w->nodes[b].deg < 3 || g->len >= near) continue;
            if (best < 0 || g->len < w->edges[best].len) best = e;
        }
        if (best < 0) return;
        node *a = &w->nodes[root(w, w->edges[best].a)], *b = &w->nodes[root(w, w->edges[best].b)];
        a->x = 0.5f * (a->x + b->x), a->y = 0.5f * (a->y + b->y), a->half = fmaxf(a->half, b->half);
        b->parent = (int)(a - w->nodes);
        w->edges[best].alive = 0;
        for (int e = 0; e < w->n_edges; e++)
            if (w->edges[e].alive) measure(w, e);
    }
}

/* ---- 3. strokes ------------------------------------------------------- */

/* The direction in which edge e leaves its end `side`, measured from one
 * half-width out (thinning bends lines near junctions) over DIR_SPAN. */
static vec2 leave_dir(work *w, int e, int side, float skip)
{
    vec2 a = edge_point(w, e, side, 0), from = a, to = a;
    float s = 0;
    int have_from = 0;
    for (int i = 1; i <= w->edges[e].n + 1; i++) {
        vec2 b = edge_point(w, e, side, i);
        s += hypotf(b.x - a.x, b.y - a.y);
        if (!have_from && s >= skip) from = b, have_from = 1;
        to = b;
        if (s >= skip + DIR_SPAN) break;
        a = b;
    }
    if (!have_from || (to.x == from.x && to.y == from.y)) from = edge_point(w, e, side, 0);
    float dx = to.x - from.x, dy = to.y - from.y, n = hypotf(dx, dy);
    return n > 0 ? (vec2){dx / n, dy / n} : (vec2){0, 0};
}

static float turn_cos(const work *w, int i, int j)
{
    return w->dirs[i].x * w->dirs[j].x + w->dirs[i].y * w->dirs[j].y;
}

static void join(work *w, int i, int j)
{
    w->pair[w->ports[i]] = w->ports[j];
    w->pair[w->ports[j]] = w->ports[i];
}

/* A three-way node with one short branch ending nearby (a tick where the
 * pen overshot a corner, as at the bottom of many 2s): the pen goes on
 * along the two others and draws the tick out and back on the way. Returns
 * 0 when the node is not like that. */
static int pair_tick(work *w, int k, int m)
{
    int tick = -1;
    for (int i = 0; i < m && m == 3; i++) {
        const edge *g = &w->edges[w->ports[i] >> 1];
        int far = root(w, (w->ports[i] & 1) ? g->a : g->b);
        if (far != k && w->nodes[far].deg == 1 && g->len < TICK_MAX) tick = tick < 0 ? i : m;
    }
    if (tick < 0 || tick == m) return 0;
    int a = (tick + 1) % 3, b = (tick + 2) % 3;
    if (turn_cos(w, a, b) < CUSP_COS) {
        join(w, a, b);
        w->tick[k] = w->ports[tick];
        w->edges[w->ports[tick] >> 1].tick = 1;
    } else {   /* the others meet in a cusp: the tick continues the straighter one */
        join(w, tick, turn_cos(w, tick, a) < turn_cos(w, tick, b) ? a : b);
    }
    return 1;
}

/* A loop hanging off a branch (the bowl of a 6 or a 9): the pen comes
 * along the branch, goes round the loop and stops where it closes, one
 * stroke. Joining the loop's own ends would make it a separate stroke. */
static int pair_loop(work *w, int m)
{
    int loop = -1;
    for (int i = 0; i < m && m == 3; i++)
        for (int j = i + 1; j < m; j++)
            if (w->ports[i] >> 1 == w->ports[j] >> 1) loop = 3 - i - j;   /* the branch that is not the loop */
    if (loop < 0) return 0;
    int a = (loop + 1) % 3, b = (loop + 2) % 3, side = turn_cos(w, loop, a) < turn_cos(w, loop, b) ? a : b;
    if (turn_cos(w, loop, side) < CUSP_COS) join(w, loop, side);
    return 1;
}

/* Joins pairs of edge ends at node k: straight continuations at junctions
 * (most opposite first), and both ends at a two-way node unless they form
 * a cusp, where a pen would rather be lifted (the top of a closed 4). */
static void pair_node(work *w, int k)
{
    int m = 0;
    for (int e = 0; e < w->n_edges; e++)
        for (int side = 0; side < 2 && w->edges[e].alive; side++)
            if (root(w, side ? w->edges[e].b : w->edges[e].a) == k) {
                w->ports[m] = 2 * e + side;
                w->dirs[m++] = leave_dir(w, e, side, w->nodes[k].half);
            }
    if (pair_loop(w, m) || pair_tick(w, k, m)) return;
    for (;;) {
        int bi = -1, bj = -1;
        float best = m == 2 ? CUSP_COS : -TURN_COS;
        for (int i = 0; i < m; i++)
            for (int j = i + 1; j < m; j++)
                if (w->pair[w->ports[i]] < 0 && w->pair[w->ports[j]] < 0 && turn_cos(w, i, j) < best &&
                    (m == 2 || w->ports[i] >> 1 != w->ports[j] >> 1))   /* keep loops attached */
                    best = turn_cos(w, i, j), bi = i, bj = j;
        if (bi < 0) return;
        join(w, bi, bj);
    }
}

static int pair_all(work *w)
{
    int n_ports = 2 * w->n_edges;
    w->pair = malloc(sizeof(int) * (size_t)(n_ports + 1));
    w->ports = malloc(sizeof(int) * (size_t)(n_ports + 1));
    w->dirs = malloc(sizeof(vec2) * (size_t)(n_ports + 1));
    w->tick = malloc(sizeof(int) * (size_t)(w->n_nodes + 1));
    if (!w->pair || !w->ports || !w->dirs || !w->tick) return dp_set_error("out of memory tracing a digit");
    for (int i = 0; i < n_ports; i++) w->pair[i] = -1;
    for (int k = 0; k < w->n_nodes; k++) w->tick[k] = -1;
    count_degrees(w);
    for (int k = 0; k < w->n_nodes; k++)
        if (root(w, k) == k && w->nodes[k].deg >= 2) pair_node(w, k);
    return 0;
}

static int push(work *w, vec2 p)
{
    if (grow(&w->pts, &w->cap_pts, w->n_pts + 1, sizeof(vec2))) return -1;
    w->pts[w->n_pts++] = p;
    return 0;
}

/* Walks from edge end `port` through paired ends until a free end (an open
 * stroke) or back to the first edge (a closed one), in 28-scale points. */
static int walk_chain(work *w, int port)
{
    chain c = {w->n_pts, 0, 0, 0};
    if (push(w, edge_point(w, port >> 1, port & 1, 0))) return -1;
    for (;;) {
        int e = port >> 1;
        w->edges[e].used = 1;
        for (int i = 1; i <= w->edges[e].n + 1; i++)
            if (push(w, edge_point(w, e, port & 1, i))) return -1;
        int next = w->pair[port ^ 1], node = root(w, (port & 1) ? w->edges[e].a : w->edges[e].b);
        if (next < 0) break;
        int tick = w->tick[node];
        if (tick >= 0 && !w->edges[tick >> 1].used) {   /* out along the tick and back */
            w->edges[tick >> 1].used = 1;
            for (int i = 1, n = w->edges[tick >> 1].n; i <= 2 * n + 2; i++)
                if (push(w, edge_point(w, tick >> 1, tick & 1, i <= n + 1 ? i : 2 * n + 2 - i))) return -1;
        }
        if (w->edges[next >> 1].used) {
            c.closed = 1;
            break;
        }
        port = next;
    }
    c.n = w->n_pts - c.first;
    for (int i = c.first; i < w->n_pts; i++)
        w->pts[i] = (vec2){(w->pts[i].x + 0.5f) / UP, (w->pts[i].y + 0.5f) / UP};
    if (grow(&w->chains, &w->cap_chains, w->n_chains + 1, sizeof(chain))) return -1;
    w->chains[w->n_chains++] = c;
    return 0;
}

/* Open strokes first (from every free edge end; ticks are drawn on the
 * way through their node), then closed ones. */
static int walk_all(work *w)
{
    for (int port = 0; port < 2 * w->n_edges; port++) {
        const edge *g = &w->edges[port >> 1];
        if (g->alive && !g->used && !g->tick && w->pair[port] < 0 && walk_chain(w, port)) return -1;
    }
    for (int e = 0; e < w->n_edges; e++)
        if (w->edges[e].alive && !w->edges[e].used && walk_chain(w, 2 * e)) return -1;
    return 0;
}

/* ---- 4. polish (polyline.c) ------------------------------------------ */

/* Chain c's control points, in place (for a closed chain without the
 * repeated first point), and where it starts. */
static int polish(work *w, chain *c)
{
    if (grow(&w->keep, &w->cap_keep, c->n, 1)) return -1;
    c->n = sk_polish(w->pts + c->first, c->n, c->closed, w->keep);
    c->score = sk_start_score(w->pts[c->first]);
    return 0;
}

/* The strokes in drawing order (by where they start), as splines. */
static int emit(work *w, dp_strokes *out)
{
    for (int i = 0; i < w->n_chains; i++)
        if (polish(w, &w->chains[i])) return -1;
    for (int i = 1; i < w->n_chains; i++)   /* insertion sort: stable, few strokes */
        for (int j = i; j > 0 && w->chains[j].score < w->chains[j - 1].score; j--) {
            chain t = w->chains[j];
            w->chains[j] = w->chains[j - 1], w->chains[j - 1] = t;
        }
    for (int i = 0; i < w->n_chains; i++) {
        const chain *c = &w->chains[i];
        if (dp_strokes_add_curve(out, w->pts + c->first, c->n, c->closed ? DP_CURVE_CLOSED : 0, DP_SKEL_STEP))
            return -1;
    }
    return 0;
}

int sk_trace(dp_strokes *out, const uint8_t *skel, const float *half, int y0, int y1)
{
    work *w = malloc(sizeof *w);
    if (!w) return dp_set_error("out of memory tracing a digit");
    memset(w, 0, offsetof(work, seen));   /* counts and pointers; not the big arrays */
    w->bin = skel, w->dist = half, w->y0 = y0, w->y1 = y1;
    int rc = build_graph(w);
    if (!rc) {
        prune_spurs(w);
        merge_junctions(w);
        prune_spurs(w);
        rc = pair_all(w) || walk_all(w) || emit(w, out) ? -1 : w->n_chains;
    }
    free(w->nodes), free(w->edges), free(w->pool), free(w->pts), free(w->chains), free(w->keep);
    free(w->pair), free(w->ports), free(w->dirs), free(w->tick), free(w);
    return rc;
}

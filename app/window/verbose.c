#include "verbose.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static int enabled;

void verbose_enable(int on) { enabled = on; }
int verbose_on(void) { return enabled; }

void verbose_line(const char *kind, const char *fmt, ...)
{
    if (!enabled) return;
    va_list ap;
    va_start(ap, fmt);
    printf("%s\t", kind);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    fflush(stdout);
}

void verbose_probs(const char *kind, int has_digit, const float *probs)
{
    if (!enabled) return;
    int top = 0;
    for (int c = 1; c < 10; c++)
        if (probs[c] > probs[top]) top = c;
    if (has_digit) printf("%s\t%d\t", kind, top);
    else printf("%s\t-\t", kind);
    for (int c = 0; c < 10; c++) printf(c ? " %.6f" : "%.6f", has_digit ? (double)probs[c] : 0.0);
    putchar('\n');
    fflush(stdout);
}

/* ---- the layout --------------------------------------------------------------- */

#define AT(field) offsetof(ui_layout, field)

/* Every named place of the layout, in the order they are logged. */
static const struct {
    const char *kind, *name;
    size_t at;
} layout_names[] = {
    {"canvas", NULL, AT(canvas)},
    {"button", "train", AT(buttons[BTN_TRAIN])}, {"button", "stop", AT(buttons[BTN_STOP])},
    {"button", "settings", AT(buttons[BTN_SETTINGS])}, {"button", "evaluate", AT(buttons[BTN_EVAL])},
    {"button", "save", AT(buttons[BTN_SAVE])}, {"button", "load", AT(buttons[BTN_LOAD])},
    {"button", "undo", AT(buttons[BTN_UNDO])}, {"button", "redo", AT(buttons[BTN_REDO])},
    {"button", "clear", AT(buttons[BTN_CLEAR])}, {"button", "help", AT(buttons[BTN_HELP])},
    {"button", "keep0", AT(keep[0])}, {"button", "keep1", AT(keep[1])}, {"button", "keep2", AT(keep[2])},
    {"button", "keep3", AT(keep[3])}, {"button", "keep4", AT(keep[4])}, {"button", "keep5", AT(keep[5])},
    {"button", "keep6", AT(keep[6])}, {"button", "keep7", AT(keep[7])}, {"button", "keep8", AT(keep[8])},
    {"button", "keep9", AT(keep[9])},
    {"button", "mydigits", AT(mine_digits)}, {"button", "collect", AT(mine_collect)},
    {"button", "finetune", AT(mine_finetune)},
    {"button", "view0", AT(view_tabs[0])}, {"button", "view1", AT(view_tabs[1])},
    {"button", "view2", AT(view_tabs[2])}, {"button", "view3", AT(view_tabs[3])},
    {"button", "savepicture", AT(view_save)},
    {"button", "goback", AT(status_back)}, {"button", "keepnew", AT(status_keep)},
};

/* x y w h in window coordinates. */
static void print_rect(ui_rect r, float d)
{
    printf("%d\t%d\t%d\t%d", (int)((float)r.x / d), (int)((float)r.y / d), (int)((float)r.w / d), (int)((float)r.h / d));
}

void verbose_layout(const ui_layout *l, float density)
{
    if (!enabled) return;
    for (size_t i = 0; i < sizeof layout_names / sizeof layout_names[0]; i++) {
        printf("%s\t", layout_names[i].kind);
        if (layout_names[i].name) printf("%s\t", layout_names[i].name);
        print_rect(*(const ui_rect *)((const char *)l + layout_names[i].at), density);
        putchar('\n');
    }
    fflush(stdout);
}

void verbose_regions(const ui_layout *l, float density, view_id shown)
{
    if (!enabled) return;
    layout_region r[LAYOUT_REGIONS_MAX];
    int n = layout_regions(l, shown, r, LAYOUT_REGIONS_MAX);
    for (int i = 0; i < n; i++) {
        printf("region\t%s\t", r[i].name);
        print_rect(r[i].r, density);
        putchar('\n');
    }
    printf("regions\t%d\t%s\n", n, l->arrange == ARRANGE_PORTRAIT ? "portrait" : l->arrange == ARRANGE_WIDE ? "wide" : "landscape");
    fflush(stdout);
}

/* ---- the places of a frame ---------------------------------------------------- */

/* How each kind of place is printed: its values before the rectangle, after
 * it, and a closing line with the count. */
static const struct {
    const char *kind;
    int before, after;          /* values v[] before and after the rectangle */
    int prob;                   /* f after them */
    const char *summary;        /* "KIND<TAB>shown[<TAB>total]" after the group */
    int with_total;
} place_formats[PLACE_KINDS] = {
    [PLACE_MATRIX] = {"matrix", 2, 1, 0, NULL, 0},            /* true, predicted; rect; count */
    [PLACE_TESTCELL] = {"testcell", 3, 0, 1, "testcells", 1}, /* index, label, answer; rect; probability */
    [PLACE_CELL] = {"cell", 2, 0, 0, "cells", 0},             /* id, label; rect */
    [PLACE_NEAREST] = {"nearestcell", 2, 0, 0, NULL, 0},      /* position, image index; rect */
};

static unsigned long long mix(unsigned long long h, long long v) { return (h ^ (unsigned long long)v) * 1099511628211ull; }

/* A hash of what a group shows (field by field: padding has no value). */
static unsigned long long signature(const places *p, int k)
{
    unsigned long long h = mix(mix(1469598103934665603ull, p->total[k]), p->n[k]);
    for (int i = 0; i < p->n[k]; i++) {
        const place *pl = &p->items[k][i];
        h = mix(mix(mix(mix(h, pl->r.x), pl->r.y), pl->r.w), pl->r.h);
        h = mix(mix(mix(mix(h, pl->v[0]), pl->v[1]), pl->v[2]), (long long)(pl->f * 1e6f));
    }
    return h;
}

static void print_group(const places *p, int k, float d)
{
    for (int i = 0; i < p->n[k]; i++) {
        const place *pl = &p->items[k][i];
        printf("%s", place_formats[k].kind);
        int v = 0;
        for (; v < place_formats[k].before; v++) printf("\t%ld", pl->v[v]);
        putchar('\t');
        print_rect(pl->r, d);
        for (int a = 0; a < place_formats[k].after; a++, v++) printf("\t%ld", pl->v[v]);
        if (place_formats[k].prob) printf("\t%.6f", (double)pl->f);
        putchar('\n');
    }
    if (place_formats[k].summary) {
        printf("%s\t%d", place_formats[k].summary, p->n[k]);
        if (place_formats[k].with_total) printf("\t%ld", p->total[k]);
        putchar('\n');
    }
}

void verbose_places(const places *p, float density)
{
    static unsigned long long last[PLACE_KINDS];
    if (!enabled) return;
    for (int k = 0; k < PLACE_KINDS; k++) {
        if (!p->shown[k]) {   /* not on screen: shown again, it is printed again */
            last[k] = 0;
            continue;
        }
        unsigned long long sig = signature(p, k);
        if (sig == last[k]) continue;
        last[k] = sig;
        print_group(p, k, density);
    }
    fflush(stdout);
}

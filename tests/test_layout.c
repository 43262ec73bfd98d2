/* The window's layout without a display: at the sizes the window must work
 * at (a phone in portrait to a 4K screen) and at thousands of random sizes,
 * densities and zooms, every region lies inside the window, no two overlap
 * unless one holds the other, and controls are big enough to hit. Also the
 * remembered zoom (prefs.c). */
#include "check.h"
#include "layout.h"
#include "prefs.h"

#include <stdint.h>
#include <unistd.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33) % n;
}

static const layout_region *find(const layout_region *r, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(r[i].name, name) == 0) return &r[i];
    return NULL;
}

/* What every layout must be: inside the window, nothing on top of anything. */
static void check_geometry(const ui_layout *l, const layout_region *r, int n, const char *where)
{
    ui_rect win = {0, 0, l->w, l->h};
    for (int i = 0; i < n; i++) {
        CHECK(rect_inside(r[i].r, win), "%s: %s (%d,%d %dx%d) leaves the window", where, r[i].name, r[i].r.x, r[i].r.y,
              r[i].r.w, r[i].r.h);
        for (int j = i + 1; j < n; j++)
            CHECK(!rect_overlaps(r[i].r, r[j].r) || rect_inside(r[i].r, r[j].r) || rect_inside(r[j].r, r[i].r),
                  "%s: %s (%d,%d %dx%d) and %s (%d,%d %dx%d) overlap", where, r[i].name, r[i].r.x, r[i].r.y, r[i].r.w,
                  r[i].r.h, r[j].name, r[j].r.x, r[j].r.y, r[j].r.w, r[j].r.h);
    }
    CHECK(l->canvas.w == l->canvas.h, "%s: the canvas is not square", where);
    CHECK(l->preview.w == l->preview.h, "%s: the preview is not square", where);
}

/* From the smallest window up, at the default zoom: every control there and
 * big enough for its pointer, the canvas usable. */
static void check_usable(const ui_layout *l, const layout_region *r, int n, float density, const char *where)
{
    float lw = (float)l->w / density;
    int min = (int)((lw < 700 ? 40.0f : 28.0f) * density + 0.5f);
    for (int i = 0; i < n; i++)
        if (r[i].control)
            CHECK(r[i].r.w >= min && r[i].r.h >= min, "%s: %s is %dx%d, under %d px", where, r[i].name, r[i].r.w,
                  r[i].r.h, min);
    static const char *always[] = {"button.train", "button.stop", "button.settings", "button.evaluate", "button.save",
                                   "button.load", "button.undo", "button.redo", "button.clear", "button.help",
                                   "brush", "canvas", "preview", "verdict", "bars", "status"};
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
        CHECK(find(r, n, always[i]) != NULL, "%s: no %s", where, always[i]);
    CHECK(l->canvas.w >= (int)(110 * density), "%s: the canvas is only %d px", where, l->canvas.w);
}

static int regions_of(const ui_layout *l, view_id shown, layout_region *r)
{
    return layout_regions(l, shown, r, LAYOUT_REGIONS_MAX);
}

static void check_size(int w, int h, float density, float zoom, int strict)
{
    ui_layout l;
    layout_compute(&l, w, h, density, zoom);
    char where[80];
    snprintf(where, sizeof where, "%dx%d@%g zoom %g", w, h, (double)density, (double)zoom);
    layout_region r[LAYOUT_REGIONS_MAX];
    for (int v = 0; v < VIEW_COUNT; v++) {
        int n = regions_of(&l, (view_id)v, r);
        CHECK(n < LAYOUT_REGIONS_MAX, "%s: regions cut short", where);
        check_geometry(&l, r, n, where);
        if (strict) check_usable(&l, r, n, density, where);
    }
}

/* The sizes the window is made for: everything there, the charts and the
 * teaching strip included, and the arrangement that suits the shape. */
static void check_named(int w, int h, arrangement want)
{
    for (float d = 1; d <= 2; d += 1) {
        int W = (int)((float)w * d), H = (int)((float)h * d);
        check_size(W, H, d, 1.0f, 1);
        ui_layout l;
        layout_compute(&l, W, H, d, 1.0f);
        char where[64];
        snprintf(where, sizeof where, "%dx%d@%g", w, h, (double)d);
        CHECK(l.arrange == want, "%s: arranged as %d, not %d", where, l.arrange, want);
        layout_region r[LAYOUT_REGIONS_MAX];
        int n = regions_of(&l, VIEW_TRAINING, r);
        static const char *charts[] = {"chart.loss", "chart.accuracy", "view_area", "tab.training", "tab.preparation",
                                       "tab.inside", "tab.nearest"};
        for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++)
            CHECK(find(r, n, charts[i]) != NULL, "%s: no %s", where, charts[i]);
        const layout_region *loss = find(r, n, "chart.loss");
        CHECK(loss && loss->r.h >= (int)(60 * d) && loss->r.w >= (int)(120 * d), "%s: the loss chart is %dx%d", where,
              loss ? loss->r.w : 0, loss ? loss->r.h : 0);
        n = regions_of(&l, l.teach_in_tab ? VIEW_TEACH : VIEW_TRAINING, r);
        for (int k = 0; k < 10; k++) {
            char name[16];
            snprintf(name, sizeof name, "keep.%d", k);
            CHECK(find(r, n, name) != NULL, "%s: no %s", where, name);
        }
        CHECK(find(r, n, "button.finetune") && find(r, n, "button.mydigits") && find(r, n, "button.collect"),
              "%s: the kept digits' buttons", where);
        /* The bars: rows at least 16 px at scale 1, else columns. */
        CHECK(l.bars_columns || l.bars.h / 10 >= (int)(16 * l.scale), "%s: bar rows of %d px", where, l.bars.h / 10);
    }
}

static void test_named_sizes(void)
{
    check_named(360, 640, ARRANGE_PORTRAIT);
    check_named(640, 480, ARRANGE_LANDSCAPE);
    check_named(1100, 700, ARRANGE_LANDSCAPE);
    check_named(1366, 768, ARRANGE_LANDSCAPE);
    check_named(1280, 500, ARRANGE_WIDE);
    check_named(1920, 1080, ARRANGE_LANDSCAPE);
    check_named(3840, 2160, ARRANGE_LANDSCAPE);
    check_named(768, 1024, ARRANGE_PORTRAIT);
    check_named(412, 915, ARRANGE_PORTRAIT);
}

static void test_random_sizes(void)
{
    static const float densities[] = {1.0f, 1.25f, 1.5f, 2.0f, 3.0f};
    for (int i = 0; i < 4000; i++) {
        float d = densities[rnd(5)];
        int lw = 1 + (int)rnd(4000), lh = 1 + (int)rnd(2400);
        float zoom = rnd(3) ? 1.0f : LAYOUT_ZOOM_MIN + (float)rnd(1000) / 1000.0f * (LAYOUT_ZOOM_MAX - LAYOUT_ZOOM_MIN);
        int strict = zoom == 1.0f && lw >= 320 && lh >= 360;
        check_size((int)((float)lw * d), (int)((float)lh * d), d, zoom, strict);
    }
}

/* Every size of the small band the minimum window sits in, where space is
 * shortest (a random sample seldom lands there). */
static void test_small_sizes(void)
{
    for (float d = 1; d <= 2; d += 1)
        for (int lw = 320; lw <= 720; lw += 4)
            for (int lh = 360; lh <= 900; lh += 6) check_size((int)((float)lw * d), (int)((float)lh * d), d, 1.0f, 1);
}

/* A big zoom gives way rather than leave no canvas; Go back and Keep fit the status line. */
static void test_zoom_and_status(void)
{
    static const int sizes[][2] = {{1100, 700}, {1366, 768}, {640, 480}, {360, 640}, {1920, 1080}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (float z = LAYOUT_ZOOM_MIN; z <= LAYOUT_ZOOM_MAX + 0.01f; z += 0.25f) {
            ui_layout l;
            layout_compute(&l, sizes[i][0], sizes[i][1], 1, z);
            int small = sizes[i][0] < sizes[i][1] ? sizes[i][0] : sizes[i][1];
            CHECK(l.canvas.w >= small * 3 / 10 || z <= 1.0f, "%dx%d zoom %g: the canvas is %d px", sizes[i][0], sizes[i][1],
                  (double)z, l.canvas.w);
            check_size(sizes[i][0], sizes[i][1], 1, z, 0);
            if (l.status_back.w > 0) {
                CHECK(rect_inside(l.status_back, l.status) && rect_inside(l.status_keep, l.status) &&
                      !rect_overlaps(l.status_back, l.status_keep), "%dx%d: Go back and Keep in the status line",
                      sizes[i][0], sizes[i][1]);
                CHECK(z < 1.0f || (l.status_back.h >= l.min_control && l.status_keep.w >= l.min_control),
                      "%dx%d: Go back and Keep big enough", sizes[i][0], sizes[i][1]);
            }
        }
}

static void test_scale(void)
{
    ui_layout small, big, hidpi, zoomed;
    layout_compute(&small, 1100, 700, 1, 1);
    layout_compute(&big, 2200, 1400, 1, 1);
    layout_compute(&hidpi, 2200, 1400, 2, 1);
    layout_compute(&zoomed, 1100, 700, 1, 1.5f);
    CHECK(big.canvas.w > small.canvas.w * 3 / 2, "a bigger window shows a bigger canvas (%d vs %d)", big.canvas.w,
          small.canvas.w);
    CHECK(small.canvas.w >= 280, "the default window's canvas is at least the 280 px drawn on (%d)", small.canvas.w);
    CHECK(big.scale > small.scale, "text and controls scale with the window");
    CHECK(hidpi.scale >= 2 * small.scale * 0.99f, "HiDPI doubles the scale (%g vs %g)", (double)hidpi.scale,
          (double)small.scale);
    CHECK(zoomed.scale > small.scale * 1.4f && zoomed.buttons[BTN_TRAIN].h > small.buttons[BTN_TRAIN].h,
          "zoom makes the controls bigger (%g vs %g)", (double)zoomed.scale, (double)small.scale);
    ui_layout bad;
    layout_compute(&bad, 1100, 700, 1, 1e9f);   /* a zoom out of range is taken as 1 */
    CHECK(bad.scale == small.scale, "an out-of-range zoom is ignored");
}

static void test_prefs(void)
{
    CHECK(prefs_zoom_step(1.0f, 1) > 1.0f && prefs_zoom_step(1.0f, -1) < 1.0f, "zoom steps in and out");
    CHECK(prefs_zoom_step(LAYOUT_ZOOM_MAX, 1) == LAYOUT_ZOOM_MAX && prefs_zoom_step(LAYOUT_ZOOM_MIN, -1) == LAYOUT_ZOOM_MIN,
          "zoom stops at its ends");
    float z = 1.0f;
    for (int i = 0; i < 3; i++) z = prefs_zoom_step(z, 1);
    for (int i = 0; i < 3; i++) z = prefs_zoom_step(z, -1);
    CHECK(fabsf(z - 1.0f) < 1e-6f, "three steps in and three out come back to 100 %% (%g)", (double)z);

    char dir[] = "/tmp/dp_prefs_XXXXXX", path[256];
    CHECK(mkdtemp(dir) != NULL, "temp dir");
    snprintf(path, sizeof path, "%s/sub/window.conf", dir);
    window_prefs p;
    prefs_load(&p, path);
    CHECK(p.zoom == 1.0f, "no file: the default zoom");
    p.zoom = 1.25f;
    CHECK(prefs_save(&p, path) == 0, "save (its folder is made)");
    window_prefs q;
    prefs_load(&q, path);
    CHECK(fabsf(q.zoom - 1.25f) < 1e-6f, "the zoom comes back (%g)", (double)q.zoom);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("zoom = 99\ncolour = red\n\n# a comment\n", f);
        fclose(f);
    }
    prefs_load(&q, path);
    CHECK(q.zoom == 1.0f, "a zoom out of range falls back to the default (%g)", (double)q.zoom);
    remove(path);
    snprintf(path, sizeof path, "%s/sub", dir);
    rmdir(path);
    rmdir(dir);
}

int main(void)
{
    test_named_sizes();
    test_random_sizes();
    test_small_sizes();
    test_zoom_and_status();
    test_scale();
    test_prefs();
    return check_report("layout");
}

/* The window's files: models (load, save, where they go), screenshots and
 * pictures of part of the window (PNG, saved atomically), and the metrics
 * of `digitpad train --csv` plotted in the Training view. */
#include "app.h"
#include "paths.h"
#include "common.h"
#include "platform.h"
#include "model_io.h"
#include "train_csv.h"

#include <SDL_image.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the model ----------------------------------------------------------- */

/* Makes net the model used for predictions (takes ownership). */
int app_adopt_net(app *a, dp_net *net, const char *name)
{
    dp_exec *ex = dp_exec_create(net, 1, 1, 0);
    if (!ex) {
        dp_net_free(net);
        return -1;
    }
    dp_exec_free(a->exec);
    dp_net_free(a->net);
    a->net = net;
    a->exec = ex;
    a->weights_version++;
    app_copy_text(a->model_name, sizeof a->model_name, name);
    a->dirty = 1;
    return 0;
}


int app_load_model(app *a, const char *path)
{
    if (jobs_busy(a->jobs)) {
        app_set_status(a, 1, "cannot load a model while training or evaluating; stop it first");
        return -1;
    }
    dp_net *net = dp_model_load(path, NULL, NULL, NULL);
    if (!net || app_adopt_net(a, net, app_base_name(path)) != 0) {
        app_set_status(a, 1, "could not load model: %s", dp_error());
        return -1;
    }
    a->model_unsaved = 0;
    app_set_status(a, 0, "loaded %s (%ld parameters)", path, a->net->n_params);
    return 0;
}

int app_plot_csv(app *a, const char *path)
{
    if (jobs_busy(a->jobs)) {
        app_set_status(a, 1, "cannot plot %s while training or evaluating; stop it first", path);
        return -1;
    }
    unsigned char *data;
    size_t len;
    char err[512];
    if (dp_read_file(path, 64UL << 20, &data, &len) != 0) {
        app_set_status(a, 1, "could not plot: %s", dp_error());
        return -1;
    }
    /* Into new curves: a file that cannot be read leaves the charts as they were. */
    train_curves plot;
    train_curves_init(&plot);
    int rows = train_csv_parse((const char *)data, len, path, &plot.loss, &plot.loss_smooth, &plot.test, err, sizeof err);
    free(data);
    if (rows < 0) {
        train_curves_free(&plot);
        app_set_status(a, 1, "could not plot: %s", err);
        return -1;
    }
    train_curves_free(&a->curves);
    a->curves = plot;
    const chart_series *t = &a->curves.test;
    if (t->n) app_set_status(a, 0, "plotted %s: %d steps, last test accuracy %.2f%%", path, rows, 100.0 * t->y[t->n - 1]);
    else app_set_status(a, 0, "plotted %s: %d steps", path, rows);
    if (a->opt.verbose) {
        printf("plotted\t%d\t%d\n", rows, t->n);
        fflush(stdout);
    }
    views_set(a, VIEW_TRAINING);
    return 0;
}



/* The folder that will hold path, made if missing (best effort: the save
 * that follows reports what went wrong). */
static void make_parent_dirs(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) return;
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf) return;
    *slash = 0;
    dp_make_dirs(buf);
}

int app_save_model(app *a, const char *path)
{
    make_parent_dirs(path);
    char meta[512];
    snprintf(meta, sizeof meta, "saved-by: digitpad %s window\nfrom: %s\n", DP_VERSION, a->model_name);
    if (dp_model_save(path, a->net, meta, NULL) != 0) {
        app_set_status(a, 1, "%s", dp_error());
        return -1;
    }
    app_copy_text(a->model_name, sizeof a->model_name, app_base_name(path));
    a->model_unsaved = 0;
    app_set_status(a, 0, "saved %s", path);
    return 0;
}

/* ---- screenshots ----------------------------------------------------------- */

/* Encodes the PNG in memory, then saves it atomically like every other file:
 * a crash never leaves a torn picture (the README's are made this way). The
 * buffer fits the worst case, stored zlib blocks plus chunk headers. */
static int save_png_atomic(app *a, SDL_Surface *s, const char *path)
{
    size_t raw = (size_t)s->h * ((size_t)s->w * 4 + 1), cap = raw + raw / 16 + 65536;
    void *buf = cap <= INT_MAX ? malloc(cap) : NULL;
    SDL_RWops *rw = buf ? SDL_RWFromMem(buf, (int)cap) : NULL;
    int rc = rw && IMG_SavePNG_RW(s, rw, 0) == 0 ? 0 : -1;
    if (rc) app_set_status(a, 1, "could not save screenshot %s: %s", path, rw ? SDL_GetError() : "out of memory");
    else if ((rc = dp_write_file_atomic(path, buf, (size_t)SDL_RWtell(rw))) != 0)
        app_set_status(a, 1, "could not save screenshot: %s", dp_error());
    if (rw) SDL_RWclose(rw);
    free(buf);
    return rc;
}

/* The window, or the part of it in *part, as a PNG. */
int app_save_screenshot(app *a, const char *path, const ui_rect *part)
{
    int w, h;
    SDL_GetRendererOutputSize(a->ren, &w, &h);
    SDL_Rect r = part ? to_sdl(*part) : (SDL_Rect){0, 0, w, h}, all = {0, 0, w, h};
    if (!SDL_IntersectRect(&r, &all, &r)) r = all;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, r.w, r.h, 32, SDL_PIXELFORMAT_ARGB8888);
    int rc = -1;
    if (!s || SDL_RenderReadPixels(a->ren, &r, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch) != 0)
        app_set_status(a, 1, "could not save %s: %s", path, SDL_GetError());
    else rc = save_png_atomic(a, s, path);
    if (!rc && !a->opt.screenshot_path) app_set_status(a, 0, "saved %s %s", part ? "picture" : "screenshot", path);
    SDL_FreeSurface(s);
    return rc;
}

/* F12, or a "Save picture" button: into the screenshots folder, named by
 * what it shows and when. */
void app_screenshot_to_user_dir(app *a, const char *what, const ui_rect *part)
{
    char dir[PATH_MAX], path[PATH_MAX + 128], stamp[32];
    app_user_data_dir(dir, sizeof dir);
    dp_timestamp(stamp, sizeof stamp);
    snprintf(path, sizeof path, "%s/screenshots/digitpad-%s%s%s.png", dir, what ? what : "", what ? "-" : "", stamp);
    make_parent_dirs(path);
    app_save_screenshot(a, path, part);
}

void app_save_picture(app *a, const char *what, ui_rect part)
{
    a->picture_pending = 1;   /* taken once this frame is drawn */
    a->picture_rect = part;
    app_copy_text(a->picture_name, sizeof a->picture_name, what);
}


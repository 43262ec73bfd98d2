/* The window's remembered settings (see prefs.h). */
#include "prefs.h"
#include "layout.h"
#include "paths.h"
#include "platform.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void prefs_defaults(window_prefs *p) { p->zoom = 1.0f; }

static void apply_line(window_prefs *p, const char *line)
{
    char key[32];
    float v;
    if (sscanf(line, " %31[a-z_] = %f", key, &v) != 2) return;
    if (strcmp(key, "zoom") == 0 && v >= LAYOUT_ZOOM_MIN && v <= LAYOUT_ZOOM_MAX) p->zoom = v;
}

void prefs_load(window_prefs *p, const char *path)
{
    prefs_defaults(p);
    unsigned char *data;
    size_t len;
    if (dp_read_file(path, 1 << 16, &data, &len) != 0) return;
    char *line = (char *)data;   /* NUL-terminated by dp_read_file */
    while (*line) {
        char *end = strchr(line, '\n');
        if (end) *end = '\0';
        apply_line(p, line);
        if (!end) break;
        line = end + 1;
    }
    free(data);
}

int prefs_save(const window_prefs *p, const char *path)
{
    char dir[4096], text[128];
    app_copy_text(dir, sizeof dir, path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        if (dp_make_dirs(dir) != 0) return -1;
    }
    int n = snprintf(text, sizeof text, "# digitpad's window settings\nzoom = %.2f\n", (double)p->zoom);
    return dp_write_file_atomic(path, text, (size_t)n);
}

void prefs_path(char *out, size_t size)
{
    char dir[4096];
    dp_user_folder(DP_FOLDER_CONFIG, dir, sizeof dir);
    snprintf(out, size, "%s/window.conf", dir);
}

static const float zoom_steps[] = {0.5f, 0.67f, 0.75f, 0.8f, 0.9f, 1.0f, 1.1f, 1.25f, 1.5f, 1.75f, 2.0f, 2.5f, 3.0f};
#define N_STEPS (int)(sizeof zoom_steps / sizeof zoom_steps[0])

float prefs_zoom_step(float zoom, int dir)
{
    if (dir > 0) {
        for (int i = 0; i < N_STEPS; i++)
            if (zoom_steps[i] > zoom + 0.005f) return zoom_steps[i];
        return zoom_steps[N_STEPS - 1];
    }
    for (int i = N_STEPS - 1; i >= 0; i--)
        if (zoom_steps[i] < zoom - 0.005f) return zoom_steps[i];
    return zoom_steps[0];
}

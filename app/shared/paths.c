/* Where digitpad's files are; see paths.h. */
#include "paths.h"
#include "mnist.h"
#include "platform.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef DIGITPAD_DATADIR
#define DIGITPAD_DATADIR "/usr/local/share/digitpad"
#endif
#ifndef DIGITPAD_SOURCE_ASSETS
#define DIGITPAD_SOURCE_ASSETS "assets"
#endif
#define SHIPPED_MODEL_NAME "digitpad.model"

void app_copy_text(char *dst, size_t size, const char *src)
{
    if (!size) return;
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = 0;
}

const char *app_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

void app_user_data_dir(char *out, size_t size) { dp_user_folder(DP_FOLDER_DATA, out, size); }

void app_user_digits_dir(char *out, size_t size)
{
    char base[PATH_MAX];
    app_user_data_dir(base, sizeof base);
    if (snprintf(out, size, "%s/digits", base) >= (int)size) app_copy_text(out, size, base);
}

void app_models_dir(char *out, size_t size)
{
    char base[PATH_MAX];
    app_user_data_dir(base, sizeof base);
    if (snprintf(out, size, "%s/models", base) >= (int)size) app_copy_text(out, size, base);
}

void app_default_model_path(char *out, size_t size)
{
    char dir[PATH_MAX], stamp[32];
    app_models_dir(dir, sizeof dir);
    dp_timestamp(stamp, sizeof stamp);
    snprintf(out, size, "%s/digitpad-%s.model", dir, stamp);
}

const char *app_mnist_dir(const char *flag_dir, char *dir, size_t size)
{
    const char *env = getenv("DIGITPAD_MNIST");
    if (flag_dir) {
        snprintf(dir, size, "%s", flag_dir);
        return "from --data";
    }
    if (env && *env) {
        snprintf(dir, size, "%s", env);
        return "from DIGITPAD_MNIST";
    }
    char user[PATH_MAX];
    app_user_data_dir(user, sizeof user);
    snprintf(dir, size, "%s/mnist", user);
    return "the default location";
}

/* How to get MNIST, for someone looking at the window: the fetch script by
 * its full path when this binary runs from a source tree that has it (the
 * window has no --data option, so that is not offered). */
static void window_help(char *out, size_t size, const char *dir)
{
    char script[PATH_MAX];
    app_copy_text(script, sizeof script, DIGITPAD_SOURCE_ASSETS);
    char *slash = strrchr(script, '/');
    if (slash && (size_t)(slash - script) + sizeof "/tools/fetch_mnist.sh" <= sizeof script)
        strcpy(slash, "/tools/fetch_mnist.sh");
    if (!slash || dp_path_kind_of(script) != DP_PATH_FILE)
        app_copy_text(script, sizeof script, "tools/fetch_mnist.sh (in digitpad's source)");
    snprintf(out, size, "Get it with: %s %s  (or set DIGITPAD_MNIST to a folder holding the four MNIST files)",
             script, dir);
}

int app_find_mnist(const char *flag_dir, int for_window, char *dir, size_t size, char *msg, size_t msg_size)
{
    char where[PATH_MAX + 8], help[PATH_MAX * 2 + 128];
    const char *from = app_mnist_dir(flag_dir, where, sizeof where);
    if (dp_mnist_present(where)) {
        snprintf(dir, size, "%s", where);
        return 0;
    }
    snprintf(dir, size, "%s", where);
    if (for_window)
        window_help(help, sizeof help, where);
    else
        snprintf(help, sizeof help, "Get it with: tools/fetch_mnist.sh %s  (or point --data or DIGITPAD_MNIST at a "
                 "folder holding the four MNIST .gz files)", where);
    snprintf(msg, msg_size, "MNIST not found in %s (%s). %s", where, from, help);
    return -1;
}

int app_find_shipped_model(char *path, size_t size, char *msg, size_t msg_size)
{
    char dir[PATH_MAX], candidates[3][PATH_MAX + 64];
    int n = 0;
    if (dp_exe_dir(dir, sizeof dir) == 0)
        snprintf(candidates[n++], sizeof candidates[0], "%s/../share/digitpad/%s", dir, SHIPPED_MODEL_NAME);
    snprintf(candidates[n++], sizeof candidates[0], "%s/%s", DIGITPAD_DATADIR, SHIPPED_MODEL_NAME);
    snprintf(candidates[n++], sizeof candidates[0], "%s/%s", DIGITPAD_SOURCE_ASSETS, SHIPPED_MODEL_NAME);
    for (int i = 0; i < n; i++)
        if (dp_path_kind_of(candidates[i]) == DP_PATH_FILE) {
            snprintf(path, size, "%s", candidates[i]);
            return 0;
        }
    snprintf(msg, msg_size, "no model found (looked for %s, %s%s%s); pass --model FILE or train one with "
             "'digitpad train'", candidates[0], candidates[1], n > 2 ? ", " : "", n > 2 ? candidates[2] : "");
    return -1;
}

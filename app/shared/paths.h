/* Where digitpad's files are, for the window and the command line alike:
 * the user's folders (models, kept digits, screenshots, MNIST), the
 * shipped model, MNIST and how to get it. Display-free. */
#ifndef DP_PATHS_H
#define DP_PATHS_H

#include <stddef.h>

/* Copies src into dst (size bytes), cutting it short if it does not fit. */
void app_copy_text(char *dst, size_t size, const char *src);

/* The part of path after its last '/'. */
const char *app_base_name(const char *path);

/* digitpad's data folder ($XDG_DATA_HOME/digitpad or ~/.local/share/digitpad
 * on Linux), and in it: the kept digits, saved models. */
void app_user_data_dir(char *out, size_t size);
void app_user_digits_dir(char *out, size_t size);
void app_models_dir(char *out, size_t size);
/* A new model's default name in the models folder, by date and time. */
void app_default_model_path(char *out, size_t size);

/* The folder MNIST is looked for in (dir): --data (flag_dir, may be NULL),
 * else $DIGITPAD_MNIST, else the data folder's mnist/. Returns where that
 * choice came from: "from --data", "from DIGITPAD_MNIST" or "the default
 * location". */
const char *app_mnist_dir(const char *flag_dir, char *dir, size_t size);
/* 0 with dir filled if MNIST is there; -1 with msg saying where it looked
 * and how to get it. for_window: the message is for someone looking at the
 * window (which has no --data), else for the command line. */
int app_find_mnist(const char *flag_dir, int for_window, char *dir, size_t size, char *msg, size_t msg_size);

/* Finds the shipped model: next to an installed binary, in the install
 * prefix, or in the source tree's assets/. 0 found, -1 not (msg lists where). */
int app_find_shipped_model(char *path, size_t size, char *msg, size_t msg_size);

#endif

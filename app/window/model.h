/* The model in use: the network every reading of the canvas goes through,
 * its name, whether it differs from any file, its MNIST test accuracy when
 * known; the model a Train or Load replaced, until the user keeps the new
 * one (Go back brings it back); and the model a fine-tune started from,
 * while its result waits to be kept or undone. */
#ifndef DP_MODEL_H
#define DP_MODEL_H

#include "net.h"
#include "status.h"

typedef struct {
    dp_net *net;
    dp_exec *exec;              /* for readings: one image at a time */
    char name[256];
    int unsaved;
    double accuracy;            /* on the MNIST test set, as recorded or measured; NaN: not known */
    unsigned weights_version;   /* bumps whenever the weights change */

    /* The model in use before a Train or Load that the user has not kept
     * yet (NULL: none): the oldest such, so a second Train does not lose
     * the way back to the first one's starting point (see model_keep_previous). */
    dp_net *previous;
    char previous_name[256];
    int previous_unsaved;
    double previous_accuracy;

    /* A fine-tune's starting point, until the user keeps the new model or
     * goes back to this one. */
    dp_net *before;
    char before_name[256];
    int before_unsaved;
    double before_accuracy;
} model_state;

/* Makes net the model in use (takes it, and frees it on failure); its
 * accuracy is not known until said. */
int model_adopt(model_state *m, dp_net *net, const char *name);
/* The weights changed in place (a training snapshot arrived). */
void model_touched(model_state *m);
void model_free(model_state *m);

/* Load and save say what happened in the status line; 0 or -1. */
int model_load(model_state *m, const char *path, status_line *st);
int model_save(model_state *m, const char *path, status_line *st);

/* The model at start: --model (path, may be NULL), else the shipped one,
 * else an untrained network, so that the window always opens; a model
 * that cannot be loaded is said in the status line. -1 only if out of
 * memory. */
int model_start(model_state *m, const char *path, status_line *st);

/* Before a Train or Load: keeps a copy of the model in use to go back to,
 * unless one is kept already (a kept one that is in a file gives way to a
 * model in use that is in none: Load still has the file). 0, or -1 (out of
 * memory: dp_error). */
int model_keep_previous(model_state *m);
/* The user keeps the new model (keep 1: the copy is dropped) or goes back
 * to the copy (keep 0); the status line says which. */
void model_resolve_previous(model_state *m, int keep, status_line *st);
/* Whether keeping the new model is the safe default: its accuracy is not
 * more than 0.3 points below the one before (or either is not known). */
int model_keep_is_default(const model_state *m);
/* Whether a model would be lost on closing: the one in use, the one before
 * a Train or Load, or the one before a fine-tune, in no file. */
int model_any_unsaved(const model_state *m);
/* The network a restore brings back as the model before (unsaved): 0 or -1. */
int model_previous_from_file(model_state *m, const char *path, const char *name);

/* Drops the copy without going back (a Train or Load that did not happen). */
void model_drop_previous(model_state *m);
/* "Go back to digitpad.model, 99.65 %" (or without the figure when not known). */
void model_previous_label(const model_state *m, char *out, size_t size);

/* Keeps a copy of the model as it is, before a fine-tune; the fine-tune's
 * outcome then either keeps the new model or goes back to the copy. */
int model_keep_before(model_state *m);
void model_choose(model_state *m, int keep_new, status_line *st);
/* The fine-tune did not start after all: no model to go back to. */
void model_forget_before(model_state *m);

#endif

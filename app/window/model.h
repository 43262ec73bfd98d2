/* The model in use: the network every reading of the canvas goes through,
 * its name, whether it differs from any file, and the model it replaced
 * while a fine-tune is waiting to be kept or undone. */
#ifndef DP_MODEL_H
#define DP_MODEL_H

#include "net.h"
#include "status.h"

typedef struct {
    dp_net *net;
    dp_exec *exec;              /* for readings: one image at a time */
    char name[256];
    int unsaved;
    unsigned weights_version;   /* bumps whenever the weights change */

    /* A fine-tune's starting point, until the user keeps the new model or
     * goes back to this one. */
    dp_net *before;
    char before_name[256];
    int before_unsaved;
} model_state;

/* Makes net the model in use (takes it, and frees it on failure). */
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

/* Keeps a copy of the model as it is, before a fine-tune; the fine-tune's
 * outcome then either keeps the new model or goes back to the copy. */
int model_keep_before(model_state *m);
void model_choose(model_state *m, int keep_new, status_line *st);
/* The fine-tune did not start after all: no model to go back to. */
void model_forget_before(model_state *m);

#endif

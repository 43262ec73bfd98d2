/* Model files: versioned, checksummed, little-endian, saved atomically.
 *
 * Layout: the 8-byte magic "DGTPMODL", a u32 version, then sections, each a
 * 4-byte tag, a u64 payload length and the payload:
 *   ARCH  input shape and normalisation, then one record per layer
 *   PARM  u64 count, then that many float32 weights (the flat buffer)
 *   STAT  batch-norm running statistics (u64 count, float32s), if the net has any
 *   CALB  optional: f32 temperature, f32 "unsure" threshold (after the weights)
 *   META  free UTF-8 text (how the model was trained, what it scored)
 *   TRAN  optional training state for --resume (settings, position, Adam moments)
 *   END   u32 CRC-32 of every byte before this section; always last
 * Unknown sections are skipped, so later versions can add some. */
#ifndef DP_MODEL_IO_H
#define DP_MODEL_IO_H

#include <stddef.h>

#include "net.h"
#include "train.h"

#define DP_MODEL_MAGIC "DGTPMODL"
#define DP_MODEL_VERSION 1
#define DP_MODEL_MAX_BYTES (1024UL * 1024 * 1024)

/* Saves atomically. meta and state may be NULL. */
int dp_model_save(const char *path, const dp_net *net, const char *meta, const dp_train_state *state);

/* Loads and validates a model. If meta is not NULL it receives a malloc'ed
 * copy of the META text (or NULL). If state is not NULL and the file has
 * training state, it is filled (free with dp_optim_free(&state->optim)) and
 * *has_state set to 1. Returns NULL with dp_error() naming the problem. */
dp_net *dp_model_load(const char *path, char **meta, dp_train_state *state, int *has_state);

/* A number in a model's META text: the value of the first line "KEY: VALUE"
 * (key matched whole), or NaN if there is none or it is not a number.
 * meta may be NULL. */
double dp_meta_number(const char *meta, const char *key);

/* The same from memory; name is used in error messages. */
dp_net *dp_model_parse(const unsigned char *data, size_t len, const char *name,
                       char **meta, dp_train_state *state, int *has_state);

#endif

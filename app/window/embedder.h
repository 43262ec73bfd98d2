/* The features (what the network's last layer reads) of MNIST training
 * images, computed on a thread of its own once per model, so that the
 * window can show the training images nearest to a drawing. */
#ifndef DP_EMBEDDER_H
#define DP_EMBEDDER_H

#include <SDL.h>

#include "net.h"

#define EMBED_IMAGES 10000   /* the first 10,000 MNIST training images */

/* One model's features, owned by whoever took it from the embedder. */
typedef struct {
    int n, dim;
    float *feats;               /* n × dim, each scaled to unit length */
    const uint8_t *images;      /* n × DP_PIXELS, the embedder's (valid while it lives) */
    const uint8_t *labels;
    dp_net *net;                /* the weights they were computed with */
    dp_exec *exec;              /* for features of a drawing with those weights */
    unsigned weights_version;
    char error[512];            /* non-empty: nothing was computed, and why */
} embedding;

void embedding_free(embedding *e);

typedef struct embedder embedder;

/* wake_event: pushed when an embedding is ready. */
embedder *embedder_create(Uint32 wake_event);
void embedder_free(embedder *e);   /* waits for the thread; free taken embeddings first */

/* Asks for the features of a copy of net, known to the caller as
 * weights_version; a request for the version being computed is ignored,
 * a newer one replaces a pending one. */
void embedder_request(embedder *e, const dp_net *net, unsigned weights_version, const char *mnist_dir);
/* Moves the newest finished embedding into *out (freeing what *out held)
 * and returns 1; 0 if there is nothing new. */
int embedder_take(embedder *e, embedding *out);
int embedder_busy(embedder *e);
/* How far the features being computed are, 0..1 (0 while MNIST is read). */
double embedder_progress(embedder *e);

/* The k training images nearest to input (28×28) by the network's
 * features, nearest first: indices into the embedding and similarities
 * (cosine, 1 = the same). Returns how many. */
int embedding_nearest(const embedding *e, const float *input, int k, int *idx, float *similarity);

#endif

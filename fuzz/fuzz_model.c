/* Model files (dp_model_parse), training state included. The input's CRC
 * is re-sealed first: a mutated file would otherwise nearly always stop at
 * the checksum, and the sections behind it are what needs exploring. A
 * model that loads is then used the way the program uses one: its
 * architecture printed, one drawing classified with it (the window's
 * context: batch 1, one thread), and a saved training state resumed for one
 * step on two synthetic digits. Runs whose cost a tiny file can still make huge
 * (a 1-channel 1×1 convolution has one weight but as many activations as
 * pixels) are skipped above a budget: that is cost, not a parsing bug. */
#include "fuzz.h"

#include "common.h"
#include "model_io.h"
#include "preprocess.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_FLOPS 10000000L        /* per image and pass; keeps im2col under 32 MB (fuzz/run.sh) */
#define MAX_ACTIVATIONS 4000000L   /* floats per context */

/* A copy of the input with the END section's CRC made to match. */
static uint8_t *resealed(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    FUZZ_ASSERT(copy != NULL);
    memcpy(copy, data, size);
    if (size >= 12 + 16 && memcmp(copy + size - 16, "END ", 4) == 0) {
        uint32_t crc = (uint32_t)crc32(0L, copy, (uInt)(size - 16));
        for (int i = 0; i < 4; i++) copy[size - 4 + i] = (uint8_t)(crc >> (8 * i));
    }
    return copy;
}

/* Floats of activations one image needs, summed over layers. */
static long activations(const dp_net *net)
{
    long total = net->layer[0].in_size;
    for (int l = 0; l < net->n_layers; l++) total += net->layer[l].out_size;
    return total;
}

static int affordable(const dp_net *net, int batch)
{
    return dp_net_flops(net) <= MAX_FLOPS && activations(net) * batch <= MAX_ACTIVATIONS;
}

/* A 28×28 input with some ink: a bar across the middle. */
static void drawing(float *x)
{
    for (int i = 0; i < DP_PIXELS; i++) x[i] = (i / DP_INPUT == 14) ? 1.0f : 0.0f;
}

static void classify(const dp_net *net)
{
    FUZZ_ASSERT(net->layer[0].in_size == DP_PIXELS);   /* what every caller passes */
    if (!affordable(net, 1)) return;
    dp_exec *ex = dp_exec_create(net, 1, 1, 0);
    if (!ex) return;   /* out of memory is allowed to fail, not to crash */
    float x[DP_PIXELS], probs[DP_CLASSES];
    drawing(x);
    dp_net_predict(ex, net, x, 1, probs);
    int best = dp_argmax(probs, DP_CLASSES);
    FUZZ_ASSERT(best >= 0 && best < DP_CLASSES);
    dp_exec_free(ex);
}

static int stop_after_first(const dp_train_progress *p, const dp_net *net, void *user)
{
    (void)p, (void)net, (void)user;
    return 1;
}

/* Two training digits with ink to augment and trace: a ring (0) and a bar (1). */
static void two_digits(uint8_t *images)
{
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++) {
            int r2 = (x - 14) * (x - 14) + (y - 14) * (y - 14);
            images[y * 28 + x] = r2 >= 36 && r2 <= 64 ? 255 : 0;
            images[DP_PIXELS + y * 28 + x] = x >= 13 && x <= 15 && y >= 5 && y <= 23 ? 255 : 0;
        }
}

/* Resumes the saved state on two digits for one step. */
static void resume_one_step(dp_net *net, const dp_train_state *st)
{
    if (!affordable(net, st->cfg.batch)) return;
    uint8_t images[2 * 28 * 28], labels[2] = {0, 1};
    two_digits(images);
    dp_dataset ds = {2, 28, 28, images, labels};
    dp_train_cfg cfg = st->cfg;
    cfg.epochs = 10000;   /* so a resumed position is never already past the end */
    cfg.threads = 1;
    cfg.log_every = 1;
    cfg.eval_each_epoch = 0;
    dp_trainer *tr = dp_trainer_create(net, &cfg, st, &ds, NULL);
    if (!tr) return;
    int rc = dp_trainer_run(tr, NULL, stop_after_first, NULL);
    FUZZ_ASSERT(rc >= -1 && rc <= 1);
    dp_trainer_free(tr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *file = resealed(data, size);
    char *meta = NULL;
    dp_train_state st;
    int has_state = 0;
    dp_net *net = dp_model_parse(file, size, "fuzz.model", &meta, &st, &has_state);
    free(file);
    if (!net) {
        FUZZ_ASSERT(meta == NULL && has_state == 0 && dp_error()[0] != 0);
        return 0;
    }
    FUZZ_ASSERT(!meta || strlen(meta) < size);
    char text[96];   /* small on purpose: long architectures must be cut, not overflow */
    dp_arch_format(&net->arch, text, sizeof text);
    FUZZ_ASSERT(strlen(text) < sizeof text);
    classify(net);
    if (has_state) {
        resume_one_step(net, &st);
        dp_optim_free(&st.optim);
    }
    free(meta);
    dp_net_free(net);
    return 0;
}

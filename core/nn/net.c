/* Networks and their flat parameter buffer: creation, initialisation,
 * copies. Running them on batches is exec.c's. */
#include "net.h"
#include "common.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

dp_net *dp_net_create(const dp_arch *arch)
{
    dp_net *net = dp_calloc(1, sizeof *net);
    if (!net) return NULL;
    net->arch = *arch;
    net->n_layers = arch->n_layers;
    if (dp_arch_layout(arch, net->layer, &net->n_params, &net->n_stats) != 0) {
        free(net);
        return NULL;
    }
    net->temperature = 1.0f;
    net->unsure_below = DP_UNSURE_DEFAULT;
    net->params = dp_alloc_floats((size_t)net->n_params);
    net->stats = dp_alloc_floats((size_t)net->n_stats);
    if (!net->params || !net->stats) {
        dp_net_free(net);
        return NULL;
    }
    return net;
}

void dp_net_free(dp_net *net)
{
    if (!net) return;
    free(net->params);
    free(net->stats);
    free(net);
}

void dp_net_init(dp_net *net, uint64_t seed)
{
    dp_rng rng;
    dp_rng_seed(&rng, seed);
    for (int l = 0; l < net->n_layers; l++) {
        const dp_layer_info *L = &net->layer[l];
        if (L->spec.type == DP_LAYER_BATCHNORM) {   /* identity to start: scale 1, shift 0, unit variance */
            for (long i = 0; i < L->w_count; i++) net->params[L->w_off + i] = 1.0f, net->params[L->b_off + i] = 0.0f;
            for (long i = 0; i < L->w_count; i++) net->stats[L->s_off + i] = 0.0f, net->stats[L->s_off + L->w_count + i] = 1.0f;
            continue;
        }
        if (!L->w_count) continue;
        long fan_in = L->w_count / L->b_count;
        float std = sqrtf(2.0f / (float)fan_in);   /* He: keeps ReLU activations' variance */
        for (long i = 0; i < L->w_count; i++) net->params[L->w_off + i] = std * dp_rng_normal(&rng);
        memset(net->params + L->b_off, 0, sizeof(float) * (size_t)L->b_count);
    }
}

void dp_net_copy_params(dp_net *dst, const dp_net *src)
{
    memcpy(dst->params, src->params, sizeof(float) * (size_t)src->n_params);
    memcpy(dst->stats, src->stats, sizeof(float) * (size_t)src->n_stats);
    dst->temperature = src->temperature;
    dst->unsure_below = src->unsure_below;
}

long dp_net_flops(const dp_net *net)
{
    long flops = 0;
    for (int l = 0; l < net->n_layers; l++) {
        const dp_layer_info *L = &net->layer[l];
        if (L->spec.type == DP_LAYER_CONV || L->spec.type == DP_LAYER_DENSE)
            flops += 2 * L->w_count * L->out_h * L->out_w;
    }
    return flops;
}

int dp_argmax(const float *v, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[best]) best = i;
    return best;
}

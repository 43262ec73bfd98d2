#include "inspect.h"
#include "common.h"
#include "layers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void dp_trace_free(dp_trace *t)
{
    for (int l = 0; l < DP_MAX_LAYERS; l++) free(t->out[l]);
    memset(t, 0, sizeof *t);
}

/* One layer of one image, reference kernels only. */
static void trace_layer(float *out, const float *in, const dp_net *net, int l)
{
    const dp_layer_info *L = &net->layer[l];
    const float *W = net->params + L->w_off, *b = net->params + L->b_off;
    switch (L->spec.type) {
    case DP_LAYER_CONV:
        dp_conv_forward_ref(out, in, W, b, 1, L->in_h, L->in_w, L->in_c, L->out_c, L->spec.k, L->spec.pad);
        break;
    case DP_LAYER_DENSE: dp_dense_forward_ref(out, in, W, b, 1, (int)L->in_size, L->out_c); break;
    case DP_LAYER_RELU:
        for (long i = 0; i < L->in_size; i++) out[i] = in[i] > 0 ? in[i] : 0;
        break;
    case DP_LAYER_MAXPOOL:
        for (int y = 0; y < L->out_h; y++)
            for (int x = 0; x < L->out_w; x++)
                for (int c = 0; c < L->in_c; c++) {
                    float m = -INFINITY;
                    for (int dy = 0; dy < 2; dy++)
                        for (int dx = 0; dx < 2; dx++)
                            m = fmaxf(m, in[((long)(2 * y + dy) * L->in_w + 2 * x + dx) * L->in_c + c]);
                    out[((long)y * L->out_w + x) * L->out_c + c] = m;
                }
        break;
    case DP_LAYER_BATCHNORM:
        dp_bn_forward_infer(out, in, W, b, net->stats + L->s_off, net->stats + L->s_off + L->in_c,
                            (long)L->in_h * L->in_w, L->in_c);
        break;
    default:   /* flatten, and dropout at inference: the same values */
        memcpy(out, in, sizeof(float) * (size_t)L->in_size);
        break;
    }
}

int dp_net_trace(dp_trace *t, const dp_net *net, const float *x)
{
    memset(t, 0, sizeof *t);
    long in_size = net->layer[0].in_size;
    float *input = dp_alloc_floats((size_t)in_size);
    if (!input) return -1;
    const dp_arch *a = &net->arch;
    for (long i = 0; i < in_size; i++) input[i] = (x[i] - a->input_mean) / a->input_std;
    const float *cur = input;
    for (int l = 0; l < net->n_layers; l++) {
        const dp_layer_info *L = &net->layer[l];
        if (!(t->out[l] = dp_alloc_floats((size_t)L->out_size))) {
            free(input);
            dp_trace_free(t);
            return -1;
        }
        trace_layer(t->out[l], cur, net, l);
        t->h[l] = L->out_h, t->w[l] = L->out_w, t->c[l] = L->out_c;
        t->n_layers = l + 1;
        cur = t->out[l];
    }
    free(input);
    return 0;
}

int dp_net_feature_size(const dp_net *net)
{
    for (int l = net->n_layers - 1; l >= 0; l--)
        if (net->layer[l].spec.type == DP_LAYER_DENSE) return (int)net->layer[l].in_size;
    return 0;
}

void dp_unit_length(float *v, int dim)
{
    double sum = 0;
    for (int i = 0; i < dim; i++) sum += (double)v[i] * v[i];
    if (sum <= 0) return;
    float inv = (float)(1.0 / sqrt(sum));
    for (int i = 0; i < dim; i++) v[i] *= inv;
}

int dp_nearest(const float *feats, int n, int dim, const float *query, int k, int *idx, float *dist2)
{
    if (k > n) k = n;
    if (k <= 0) return 0;
    int found = 0;
    for (int i = 0; i < n; i++) {
        const float *f = feats + (long)i * dim;
        float d = 0;
        for (int j = 0; j < dim; j++) {
            float e = f[j] - query[j];
            d += e * e;
        }
        if (isnan(d) || (found == k && !(d < dist2[k - 1]))) continue;
        int at = found < k ? found++ : k - 1;
        while (at > 0 && d < dist2[at - 1]) {   /* insertion: equal distances keep index order */
            dist2[at] = dist2[at - 1], idx[at] = idx[at - 1];
            at--;
        }
        dist2[at] = d, idx[at] = i;
    }
    return found;
}

/* Architecture descriptions: parsing, formatting and shape checking. */
#include "common.h"
#include "net.h"
#include "preprocess.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHANNELS 4096
#define MAX_UNITS 65536
#define MAX_KERNEL 15

static int is_separator(char c) { return c == ' ' || c == '\t' || c == ',' || c == '-' || c == '\n'; }

/* Reads a positive integer at *p; returns -1 if there is none. */
static long read_int(const char **p)
{
    if (!isdigit((unsigned char)**p)) return -1;
    char *end;
    long v = strtol(*p, &end, 10);
    *p = end;
    return v;
}

static int parse_token(dp_layer_spec *spec, const char *tok)
{
    const char *p = tok;
    memset(spec, 0, sizeof *spec);
    if (strcmp(tok, "relu") == 0) { spec->type = DP_LAYER_RELU; return 0; }
    if (strcmp(tok, "pool") == 0 || strcmp(tok, "maxpool") == 0) { spec->type = DP_LAYER_MAXPOOL; return 0; }
    if (strcmp(tok, "flatten") == 0) { spec->type = DP_LAYER_FLATTEN; return 0; }
    if (strcmp(tok, "bn") == 0) { spec->type = DP_LAYER_BATCHNORM; return 0; }
    if (strncmp(tok, "conv", 4) == 0) {
        p += 4;
        spec->type = DP_LAYER_CONV;
        spec->out = (int)read_int(&p);
        if (*p++ != 'k') return -1;
        spec->k = (int)read_int(&p);
        if (*p == 'p') {
            p++;
            spec->pad = (int)read_int(&p);
        }
        return (*p || spec->out <= 0 || spec->k <= 0 || spec->pad < 0) ? -1 : 0;
    }
    if (strncmp(tok, "dense", 5) == 0) {
        p += 5;
        spec->type = DP_LAYER_DENSE;
        spec->out = (int)read_int(&p);
        return (*p || spec->out <= 0) ? -1 : 0;
    }
    if (strncmp(tok, "dropout", 7) == 0) {
        char *end;
        spec->type = DP_LAYER_DROPOUT;
        spec->rate = strtof(tok + 7, &end);
        return (end == tok + 7 || *end) ? -1 : 0;
    }
    return -1;
}

int dp_arch_parse(dp_arch *arch, const char *text)
{
    memset(arch, 0, sizeof *arch);
    arch->in_c = 1;
    arch->in_h = arch->in_w = 28;
    arch->input_mean = 0.0f;
    arch->input_std = 1.0f;
    if (strcmp(text, "seed") == 0) text = DP_ARCH_SEED;
    int saw_flatten = 0;
    const char *p = text;
    while (*p) {
        while (*p && is_separator(*p)) p++;
        if (!*p) break;
        char tok[64];
        size_t n = 0;
        while (p[n] && !is_separator(p[n])) n++;
        if (n >= sizeof tok) return dp_set_error("architecture: layer '%.20s...' is too long", p);
        memcpy(tok, p, n);
        tok[n] = 0;
        p += n;
        dp_layer_spec spec;
        if (parse_token(&spec, tok) != 0)
            return dp_set_error("architecture: bad layer '%s' (expected convFkK[pP], relu, pool, "
                                "flatten, denseN, dropoutR or bn)", tok);
        if (spec.type == DP_LAYER_FLATTEN) saw_flatten = 1;
        int need_flatten = spec.type == DP_LAYER_DENSE && !saw_flatten;
        if (arch->n_layers + need_flatten >= DP_MAX_LAYERS)
            return dp_set_error("architecture: more than %d layers", DP_MAX_LAYERS);
        if (need_flatten) {
            arch->layers[arch->n_layers++].type = DP_LAYER_FLATTEN;
            saw_flatten = 1;
        }
        arch->layers[arch->n_layers++] = spec;
    }
    return dp_arch_check(arch);
}

void dp_arch_format(const dp_arch *arch, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < arch->n_layers && used < size; i++) {
        const dp_layer_spec *s = &arch->layers[i];
        char tok[64];
        switch (s->type) {
        case DP_LAYER_CONV:
            if (s->pad) snprintf(tok, sizeof tok, "conv%dk%dp%d", s->out, s->k, s->pad);
            else snprintf(tok, sizeof tok, "conv%dk%d", s->out, s->k);
            break;
        case DP_LAYER_RELU: snprintf(tok, sizeof tok, "relu"); break;
        case DP_LAYER_MAXPOOL: snprintf(tok, sizeof tok, "pool"); break;
        case DP_LAYER_FLATTEN: snprintf(tok, sizeof tok, "flatten"); break;
        case DP_LAYER_DENSE: snprintf(tok, sizeof tok, "dense%d", s->out); break;
        case DP_LAYER_DROPOUT: snprintf(tok, sizeof tok, "dropout%g", (double)s->rate); break;
        case DP_LAYER_BATCHNORM: snprintf(tok, sizeof tok, "bn"); break;
        default: snprintf(tok, sizeof tok, "?%d", s->type); break;
        }
        int w = snprintf(buf + used, size - used, "%s%s", i ? " " : "", tok);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* Shape of one layer from its input shape; -1 with an error if it cannot be. */
static int layer_shape(dp_layer_info *L, int index)
{
    const dp_layer_spec *s = &L->spec;
    L->out_c = L->in_c;
    L->out_h = L->in_h;
    L->out_w = L->in_w;
    switch (s->type) {
    case DP_LAYER_CONV:
        if (s->out < 1 || s->out > MAX_CHANNELS || s->k < 1 || s->k > MAX_KERNEL || s->pad < 0 || s->pad >= s->k)
            return dp_set_error("architecture: layer %d: conv needs 1..%d channels, kernel 1..%d, "
                                "padding below the kernel size", index + 1, MAX_CHANNELS, MAX_KERNEL);
        L->out_c = s->out;
        L->out_h = L->in_h + 2 * s->pad - s->k + 1;
        L->out_w = L->in_w + 2 * s->pad - s->k + 1;
        L->w_count = (long)s->out * s->k * s->k * L->in_c;
        L->b_count = s->out;
        break;
    case DP_LAYER_MAXPOOL:
        L->out_h = L->in_h / 2;
        L->out_w = L->in_w / 2;
        break;
    case DP_LAYER_FLATTEN:
        L->out_c = L->in_c * L->in_h * L->in_w;
        L->out_h = L->out_w = 1;
        break;
    case DP_LAYER_DENSE:
        if (s->out < 1 || s->out > MAX_UNITS)
            return dp_set_error("architecture: layer %d: dense needs 1..%d units", index + 1, MAX_UNITS);
        L->out_c = s->out;
        L->out_h = L->out_w = 1;
        L->w_count = (long)s->out * L->in_c * L->in_h * L->in_w;
        L->b_count = s->out;
        break;
    case DP_LAYER_DROPOUT:
        if (!(s->rate >= 0.0f && s->rate <= 0.95f))
            return dp_set_error("architecture: layer %d: dropout rate must be 0..0.95", index + 1);
        break;
    case DP_LAYER_BATCHNORM:
        L->w_count = L->in_c;    /* scale */
        L->b_count = L->in_c;    /* shift */
        L->s_count = 2L * L->in_c;
        break;
    case DP_LAYER_RELU:
        break;
    default:
        return dp_set_error("architecture: layer %d: unknown layer type %d", index + 1, s->type);
    }
    if (L->out_h < 1 || L->out_w < 1)
        return dp_set_error("architecture: layer %d shrinks the image below 1 pixel", index + 1);
    return 0;
}

int dp_arch_layout(const dp_arch *arch, dp_layer_info *info, long *n_params, long *n_stats)
{
    /* Every caller hands the network DP_INPUT×DP_INPUT images (dp_net_predict's
     * contract): a model file claiming another input would be read past the
     * end of them. */
    if (arch->in_c != 1 || arch->in_h != DP_INPUT || arch->in_w != DP_INPUT)
        return dp_set_error("architecture: bad input shape %dx%dx%d (digitpad networks take 1x%dx%d images)",
                            arch->in_c, arch->in_h, arch->in_w, DP_INPUT, DP_INPUT);
    if (!(arch->input_std > 0.0f) || !(arch->input_mean > -1e6f && arch->input_mean < 1e6f))
        return dp_set_error("architecture: bad input normalisation (mean %g, std %g)",
                            (double)arch->input_mean, (double)arch->input_std);
    if (arch->n_layers < 1 || arch->n_layers > DP_MAX_LAYERS)
        return dp_set_error("architecture: %d layers (1..%d allowed)", arch->n_layers, DP_MAX_LAYERS);
    int c = arch->in_c, h = arch->in_h, w = arch->in_w;
    long total = 0, stats = 0;
    for (int i = 0; i < arch->n_layers; i++) {
        dp_layer_info *L = &info[i];
        memset(L, 0, sizeof *L);
        L->spec = arch->layers[i];
        L->in_c = c, L->in_h = h, L->in_w = w;
        if (layer_shape(L, i) != 0) return -1;
        L->in_size = (long)L->in_c * L->in_h * L->in_w;
        L->out_size = (long)L->out_c * L->out_h * L->out_w;
        if (L->out_size > 64L * 1024 * 1024 || L->w_count > DP_MAX_PARAMS)
            return dp_set_error("architecture: layer %d is too large", i + 1);
        L->w_off = total;
        L->b_off = total + L->w_count;
        total += L->w_count + L->b_count;
        L->s_off = stats;
        stats += L->s_count;
        if (total > DP_MAX_PARAMS)
            return dp_set_error("architecture: more than %ld parameters", (long)DP_MAX_PARAMS);
        c = L->out_c, h = L->out_h, w = L->out_w;
    }
    const dp_layer_info *last = &info[arch->n_layers - 1];
    if (last->spec.type != DP_LAYER_DENSE || last->out_c != DP_CLASSES)
        return dp_set_error("architecture: the last layer must be dense%d (one output per digit)", DP_CLASSES);
    *n_params = total;
    if (n_stats) *n_stats = stats;
    return 0;
}

int dp_arch_check(const dp_arch *arch)
{
    dp_layer_info info[DP_MAX_LAYERS];
    long n;
    return dp_arch_layout(arch, info, &n, NULL);
}

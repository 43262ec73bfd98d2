#include "optim.h"
#include "common.h"

#include <math.h>
#include <stdlib.h>

dp_optim_cfg dp_optim_defaults(dp_optim_type type)
{
    dp_optim_cfg c = {.type = type, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f,
                      .momentum = 0.9f, .weight_decay = 0.0f};
    return c;
}

int dp_optim_init(dp_optim *opt, const dp_optim_cfg *cfg, long n_params)
{
    opt->cfg = *cfg;
    opt->n = n_params;
    opt->t = 0;
    opt->m = dp_alloc_floats((size_t)n_params);
    opt->v = dp_alloc_floats((size_t)n_params);
    if (!opt->m || !opt->v) {
        dp_optim_free(opt);
        return -1;
    }
    return 0;
}

void dp_optim_free(dp_optim *opt)
{
    free(opt->m);
    free(opt->v);
    opt->m = opt->v = NULL;
}

static void adam_step(dp_optim *o, float *p, const float *g, float lr)
{
    const float b1 = o->cfg.beta1, b2 = o->cfg.beta2, eps = o->cfg.eps, wd = o->cfg.weight_decay;
    /* Bias corrections folded into the step size (Kingma & Ba, section 2). */
    double c1 = 1.0 - pow(b1, (double)o->t), c2 = 1.0 - pow(b2, (double)o->t);
    float step = (float)(lr * sqrt(c2) / c1);
    float eps_hat = (float)(eps * sqrt(c2));
    float *m = o->m, *v = o->v;
    for (long i = 0; i < o->n; i++) {
        float gi = g[i] + wd * p[i];
        m[i] = b1 * m[i] + (1.0f - b1) * gi;
        v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
        p[i] -= step * m[i] / (sqrtf(v[i]) + eps_hat);
    }
}

static void sgd_step(dp_optim *o, float *p, const float *g, float lr)
{
    const float mu = o->cfg.momentum, wd = o->cfg.weight_decay;
    float *m = o->m;
    for (long i = 0; i < o->n; i++) {
        m[i] = mu * m[i] + g[i] + wd * p[i];
        p[i] -= lr * m[i];
    }
}

void dp_optim_step(dp_optim *opt, float *params, const float *grads, float lr)
{
    opt->t++;
    if (opt->cfg.type == DP_OPT_SGD) sgd_step(opt, params, grads, lr);
    else adam_step(opt, params, grads, lr);
}

float dp_lr_at(int schedule, float base, long step, long total, long warmup,
               float floor_frac, float gamma, long steps_per_decay)
{
    if (warmup > 0 && step < warmup) return base * (float)(step + 1) / (float)warmup;
    switch (schedule) {
    case DP_LR_COSINE: {
        long span = total - warmup;
        double frac = span > 0 ? (double)(step - warmup) / (double)span : 1.0;
        if (frac > 1.0) frac = 1.0;
        double f = floor_frac + (1.0 - floor_frac) * 0.5 * (1.0 + cos(M_PI * frac));
        return (float)(base * f);
    }
    case DP_LR_STEP:
        if (steps_per_decay <= 0) return base;
        return base * powf(gamma, (float)(step / steps_per_decay));
    default:
        return base;
    }
}

const char *dp_optim_name(int type) { return type == DP_OPT_SGD ? "sgd" : "adam"; }

const char *dp_schedule_name(int schedule)
{
    switch (schedule) {
    case DP_LR_COSINE: return "cosine";
    case DP_LR_STEP: return "step";
    default: return "constant";
    }
}

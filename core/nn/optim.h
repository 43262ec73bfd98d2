/* Optimizers over the flat parameter buffer, and learning-rate schedules. */
#ifndef DP_OPTIM_H
#define DP_OPTIM_H

#include <stddef.h>

typedef enum { DP_OPT_ADAM = 1, DP_OPT_SGD = 2 } dp_optim_type;
typedef enum { DP_LR_CONSTANT = 0, DP_LR_COSINE = 1, DP_LR_STEP = 2 } dp_lr_schedule;

typedef struct {
    int type;                 /* dp_optim_type */
    float beta1, beta2, eps;  /* Adam */
    float momentum;           /* SGD (Nesterov off: classic heavy ball) */
    float weight_decay;       /* L2, added to the gradient */
} dp_optim_cfg;

/* Adam: beta1 0.9, beta2 0.999, eps 1e-8; SGD: momentum 0.9. */
dp_optim_cfg dp_optim_defaults(dp_optim_type type);

typedef struct {
    dp_optim_cfg cfg;
    long n;
    long t;             /* updates applied so far */
    float *m, *v;       /* first and second moments (v unused by SGD) */
} dp_optim;

int  dp_optim_init(dp_optim *opt, const dp_optim_cfg *cfg, long n_params);
void dp_optim_free(dp_optim *opt);
/* params -= update(grads) at learning rate lr. */
void dp_optim_step(dp_optim *opt, float *params, const float *grads, float lr);

/* Learning rate at step (0-based) of total: cosine decays from base to
 * base*floor_frac; step multiplies by gamma every steps_per_decay steps;
 * constant stays at base. A short linear warm-up of warmup steps precedes. */
float dp_lr_at(int schedule, float base, long step, long total, long warmup,
               float floor_frac, float gamma, long steps_per_decay);

const char *dp_optim_name(int type);
const char *dp_schedule_name(int schedule);

#endif

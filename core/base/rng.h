/* A small, fast, reproducible random number generator (xoshiro256**,
 * seeded through splitmix64). Every random choice in core/ comes from one of
 * these, seeded from the user's seed, so runs are bit-reproducible. */
#ifndef DP_RNG_H
#define DP_RNG_H

#include <stdint.h>

typedef struct { uint64_t s[4]; } dp_rng;

/* Mixes a 64-bit value into a well-distributed one (splitmix64 finalizer);
 * used to derive independent streams, e.g. hash(seed, epoch). */
uint64_t dp_hash64(uint64_t x);

void     dp_rng_seed(dp_rng *r, uint64_t seed);
uint64_t dp_rng_u64(dp_rng *r);
float    dp_rng_uniform(dp_rng *r);            /* [0, 1) */
float    dp_rng_normal(dp_rng *r);             /* mean 0, variance 1 */
uint32_t dp_rng_below(dp_rng *r, uint32_t n);  /* [0, n), unbiased */

/* Fisher-Yates shuffle of idx[0..n). */
void dp_rng_shuffle(dp_rng *r, int *idx, int n);

#endif

/* Which test images stand behind a cell of the confusion matrix. Pure C,
 * unit-tested without a display. */
#ifndef DP_EVALLIST_H
#define DP_EVALLIST_H

#include <stdint.h>

/* Fills out with the indices i of the n images labelled `truth` and answered
 * `predicted`, the most confident first (probs[i*10 + predicted], ties by
 * index); returns how many. out has room for n. */
int eval_cell_list(const uint8_t *labels, const uint8_t *answers, const float *probs, int n, int truth, int predicted,
                   int *out);

#endif

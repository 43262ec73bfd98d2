#include "evallist.h"

#include <stdlib.h>

typedef struct {
    float p;
    int i;
} ranked;

static int most_confident_first(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->p != b->p) return a->p > b->p ? -1 : 1;
    return a->i - b->i;
}

int eval_cell_list(const uint8_t *labels, const uint8_t *answers, const float *probs, int n, int truth, int predicted,
                   int *out)
{
    int m = 0;
    for (int i = 0; i < n; i++) m += labels[i] == truth && answers[i] == predicted;
    if (m == 0) return 0;
    ranked *r = malloc(sizeof *r * (size_t)m);
    if (!r) {   /* no room to sort: in index order */
        m = 0;
        for (int i = 0; i < n; i++)
            if (labels[i] == truth && answers[i] == predicted) out[m++] = i;
        return m;
    }
    m = 0;
    for (int i = 0; i < n; i++)
        if (labels[i] == truth && answers[i] == predicted) r[m++] = (ranked){probs[(long)i * 10 + predicted], i};
    qsort(r, (size_t)m, sizeof *r, most_confident_first);
    for (int k = 0; k < m; k++) out[k] = r[k].i;
    free(r);
    return m;
}

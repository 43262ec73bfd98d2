/* PGM images (dp_pgm_parse, the parser behind dp_pgm_read): P5 8- and
 * 16-bit, P2. An image that parses must hold w*h samples in [0,1], and goes
 * on the way `digitpad predict` takes it: dp_image_to_input. */
#include "fuzz.h"

#include "preprocess.h"
#include "pgm.h"
#include "strokes.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    float *px;
    int w, h;
    if (dp_pgm_parse(data, size, "fuzz.pgm", &px, &w, &h) != 0) {
        FUZZ_ASSERT(px == NULL && w == 0 && h == 0);
        return 0;
    }
    FUZZ_ASSERT(px != NULL && w >= 1 && h >= 1 && w <= 4096 && h <= 4096);
    for (long i = 0; i < (long)w * h; i++) FUZZ_ASSERT(px[i] >= 0.0f && px[i] <= 1.0f);
    float input[DP_PIXELS];
    int rc = dp_image_to_input(input, px, w, h);
    FUZZ_ASSERT(rc == 0 || rc == 1);
    free(px);
    return 0;
}

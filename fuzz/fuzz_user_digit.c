/* Kept digit files (dp_user_digit_parse): a file that parses has a label
 * 0-9, a split, a 784-byte image and valid strokes, and writes back
 * (dp_user_digit_format) to a file that parses to the same digit. A file
 * that does not parse leaves the caller's digit untouched. */
#include "fuzz.h"

#include "userset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void check_same(const dp_user_digit *a, const dp_user_digit *b)
{
    FUZZ_ASSERT(a->label == b->label && a->split == b->split && a->kept_at == b->kept_at);
    FUZZ_ASSERT(memcmp(a->image, b->image, sizeof a->image) == 0);
    FUZZ_ASSERT(b->strokes.n_points <= a->strokes.n_points);   /* empty strokes have no line */
    for (int i = 0; i < b->strokes.n_points; i++) {
        FUZZ_ASSERT(fabsf(b->strokes.points[i].x) <= 1e6f && fabsf(b->strokes.points[i].y) <= 1e6f);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dp_user_digit d = {.id = 7, .label = 3, .split = DP_SPLIT_TEST};
    dp_strokes_init(&d.strokes);
    FUZZ_ASSERT(dp_strokes_add_point(&d.strokes, 1.0f, 2.0f) == 0);   /* what a failed parse must keep */
    if (dp_user_digit_parse(&d, (const char *)data, size, "digit-000007.txt") == 0) {
        FUZZ_ASSERT(d.id == 7 && d.label >= 0 && d.label <= 9);
        FUZZ_ASSERT(d.split == DP_SPLIT_TRAIN || d.split == DP_SPLIT_TEST);
        char *text;
        size_t len;
        FUZZ_ASSERT(dp_user_digit_format(&d, &text, &len) == 0);
        dp_user_digit again = {.id = 7};
        dp_strokes_init(&again.strokes);
        FUZZ_ASSERT(dp_user_digit_parse(&again, text, len, "again.txt") == 0);
        check_same(&d, &again);
        dp_strokes_free(&again.strokes);
        free(text);
    } else {
        FUZZ_ASSERT(d.label == 3 && d.split == DP_SPLIT_TEST && d.strokes.n_points == 1 && d.strokes.points[0].x == 1.0f);
    }
    dp_strokes_free(&d.strokes);
    return 0;
}

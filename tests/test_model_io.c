/* Model files: bit-exact round trip (with and without training state), and
 * refusal of truncated, corrupted, wrong-magic and inconsistent files; and
 * the format is the same on every machine: tests/data/golden.model, written
 * on x86-64, reads back to the exact values it was made from and is written
 * again byte for byte (the arm64 pass runs this under QEMU).
 * test_model_io --write-golden FILE makes it again. */
#include "harness.h"
#include "common.h"
#include "platform.h"
#include "model_io.h"
#include "rng.h"

#include <float.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

static char dir[512];

static void path_in_dir(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", dir, name); }

static dp_net *make_net(const char *spec, uint64_t seed)
{
    dp_arch arch;
    if (dp_arch_parse(&arch, spec) != 0) return NULL;
    dp_net *net = dp_net_create(&arch);
    if (net) dp_net_init(net, seed);
    return net;
}

/* Loading must fail, and the message must contain want. */
static void expect_refused(const char *path, const char *want, const char *what)
{
    dp_net *net = dp_model_load(path, NULL, NULL, NULL);
    CHECK(net == NULL, "%s: bad model was accepted", what);
    CHECK(strstr(dp_error(), want) != NULL, "%s: error '%s' does not mention '%s'", what, dp_error(), want);
    CHECK(strstr(dp_error(), path) != NULL, "%s: error '%s' does not name the file", what, dp_error());
    dp_net_free(net);
}

static void test_round_trip(void)
{
    char path[640];
    path_in_dir(path, sizeof path, "a.model");
    dp_net *net = make_net("seed", 7);
    CHECK(net && net->n_params == 225034, "seed network has %ld parameters, expected 225034",
          net ? net->n_params : -1L);
    CHECK(dp_model_save(path, net, "hello: world\n", NULL) == 0, "save: %s", dp_error());
    char *meta = NULL;
    dp_train_state st;
    int has_state = -1;
    dp_net *back = dp_model_load(path, &meta, &st, &has_state);
    CHECK(back != NULL, "load: %s", dp_error());
    if (back) {
        CHECK(memcmp(&back->arch, &net->arch, sizeof net->arch) == 0, "architecture differs after round trip");
        CHECK(back->n_params == net->n_params &&
              memcmp(back->params, net->params, sizeof(float) * (size_t)net->n_params) == 0,
              "weights differ after round trip");
        CHECK(meta && strcmp(meta, "hello: world\n") == 0, "meta text: '%s'", meta ? meta : "(null)");
        CHECK(has_state == 0, "a model saved without state reports state");
    }
    free(meta);
    dp_net_free(back);

    /* With training state: the optimizer moments come back exactly. */
    dp_train_state s = {.cfg = dp_train_defaults(), .epoch = 2, .step_in_epoch = 17, .step = 1893};
    dp_optim_init(&s.optim, &s.cfg.optim, net->n_params);
    dp_rng r;
    dp_rng_seed(&r, 3);
    for (long i = 0; i < net->n_params; i++) {
        s.optim.m[i] = dp_rng_normal(&r);
        s.optim.v[i] = dp_rng_uniform(&r);
    }
    s.optim.t = 1893;
    CHECK(dp_model_save(path, net, NULL, &s) == 0, "save with state: %s", dp_error());
    back = dp_model_load(path, NULL, &st, &has_state);
    CHECK(back && has_state == 1, "load with state: %s", dp_error());
    if (back && has_state == 1) {
        CHECK(st.epoch == 2 && st.step_in_epoch == 17 && st.step == 1893 && st.optim.t == 1893,
              "training position differs");
        CHECK(st.cfg.batch == s.cfg.batch && st.cfg.lr == s.cfg.lr && st.cfg.seed == s.cfg.seed,
              "training settings differ");
        CHECK(memcmp(st.optim.m, s.optim.m, sizeof(float) * (size_t)net->n_params) == 0 &&
              memcmp(st.optim.v, s.optim.v, sizeof(float) * (size_t)net->n_params) == 0,
              "optimizer moments differ");
        dp_optim_free(&st.optim);
    }
    dp_optim_free(&s.optim);
    dp_net_free(back);

    /* Any architecture survives, including dropout rates and padding. */
    dp_net *other = make_net("conv8k5p2 bn relu pool dropout0.3 dense16 relu dense10", 9);
    for (long i = 0; other && i < other->n_stats; i++) other->stats[i] = 0.25f * (float)i;
    CHECK(other && dp_model_save(path, other, NULL, NULL) == 0, "save other: %s", dp_error());
    back = dp_model_load(path, NULL, NULL, NULL);
    CHECK(back && memcmp(&back->arch, &other->arch, sizeof other->arch) == 0, "other architecture round trip");
    CHECK(back && back->n_stats == 16 && memcmp(back->stats, other->stats, sizeof(float) * 16) == 0,
          "batch-norm statistics round trip");
    dp_net_free(back);
    dp_net_free(other);
    dp_net_free(net);
}

static void test_bad_files(void)
{
    char good[640], bad[640];
    path_in_dir(good, sizeof good, "good.model");
    path_in_dir(bad, sizeof bad, "bad.model");
    dp_net *net = make_net("conv4k3 relu pool dense10", 1);
    dp_model_save(good, net, "m", NULL);
    unsigned char *data;
    size_t len;
    CHECK(dp_read_file(good, 1 << 24, &data, &len) == 0, "read back: %s", dp_error());

    /* Every truncation is refused, none crashes. */
    int accepted = 0;
    for (size_t cut = 0; cut < len; cut += (cut < 64 ? 1 : 97)) {
        check_write_file(bad, data, cut);
        dp_net *n = dp_model_load(bad, NULL, NULL, NULL);
        accepted += n != NULL;
        dp_net_free(n);
    }
    CHECK(accepted == 0, "%d truncated files were accepted", accepted);
    check_write_file(bad, data, len - 1);
    expect_refused(bad, "truncated", "cut by one byte");

    /* A flipped bit anywhere is caught by the checksum (or the magic). */
    accepted = 0;
    for (size_t at = 0; at < len; at += 13) {
        data[at] ^= 0x10;
        check_write_file(bad, data, len);
        dp_net *n = dp_model_load(bad, NULL, NULL, NULL);
        accepted += n != NULL;
        dp_net_free(n);
        data[at] ^= 0x10;
    }
    CHECK(accepted == 0, "%d corrupted files were accepted", accepted);
    data[len / 2] ^= 1;
    check_write_file(bad, data, len);
    expect_refused(bad, "checksum", "flipped bit");
    data[len / 2] ^= 1;

    memcpy(data, "NOTMODEL", 8);
    check_write_file(bad, data, len);
    expect_refused(bad, "magic", "wrong magic");
    memcpy(data, DP_MODEL_MAGIC, 8);

    data[8] = 99;
    check_write_file(bad, data, len);
    expect_refused(bad, "version", "future version");
    data[8] = DP_MODEL_VERSION;

    check_write_file(bad, (const unsigned char *)"", 0);
    expect_refused(bad, "magic", "empty file");
    path_in_dir(bad, sizeof bad, "missing.model");
    expect_refused(bad, "No such file", "missing file");
    expect_refused(dir, "not a regular file", "a directory");
    free(data);
    dp_net_free(net);
}

/* Re-seals a modified file with a valid checksum, so the parser's own
 * checks (not the CRC) must catch the damage. */
static void write_resealed(const char *path, unsigned char *d, size_t n)
{
    uint32_t crc = (uint32_t)crc32(0L, d, (uInt)(n - 16));
    for (int i = 0; i < 4; i++) d[n - 4 + i] = (unsigned char)(crc >> (8 * i));
    check_write_file(path, d, n);
}

static void test_consistent_but_wrong(void)
{
    char good[640], bad[640];
    path_in_dir(good, sizeof good, "g2.model");
    path_in_dir(bad, sizeof bad, "b2.model");
    dp_net *net = make_net("conv4k3 relu pool dense10", 1);
    dp_model_save(good, net, NULL, NULL);
    unsigned char *data, *copy;
    size_t len;
    dp_read_file(good, 1 << 24, &data, &len);
    copy = malloc(len);
    /* ARCH payload starts at 12 + 12; its layer count is the 6th u32. */
    size_t layers_at = 24 + 20;
    struct { size_t at; unsigned char value; const char *want, *what; } cases[] = {
        {layers_at, 0, "layers", "zero layers"},
        {layers_at, 200, "layers", "200 layers"},
        {24, 0, "input shape", "zero input channels"},
        {layers_at + 4, 9, "unknown layer", "unknown layer type"},
        {layers_at + 4 + 4, 0, "conv", "conv with zero channels"},
        {layers_at + 4 + 20 * 3, 1, "layer", "dense output changed"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(copy, data, len);
        copy[cases[i].at] = cases[i].value;
        write_resealed(bad, copy, len);
        expect_refused(bad, cases[i].want, cases[i].what);
    }
    /* A NaN weight. */
    memcpy(copy, data, len);
    size_t parm_payload = 24 + 20 + 4 + 20 * (size_t)net->n_layers + 12;
    uint32_t nan_bits = 0x7fc00000u;
    memcpy(copy + parm_payload + 8, &nan_bits, 4);
    write_resealed(bad, copy, len);
    expect_refused(bad, "NaN", "NaN weight");
    free(copy);
    free(data);
    dp_net_free(net);
}

/* ---- the same bytes on every machine ------------------------------------- */

/* Values that exercise every byte of a float, from integers only (no libm,
 * no rounding that could differ between machines): signs, a negative zero,
 * a subnormal, the largest and smallest normal floats. */
static float golden_value(long i, int which)
{
    static const float special[] = {-0.0f, 1e-40f, FLT_MAX, -FLT_MIN, 1.0f / 3.0f};
    long k = i * 7 + which * 13;
    if (k % 97 < 5) return special[k % 97];
    return (float)((k * 7919) % 20011 - 10005) / 1024.0f;
}

#define GOLDEN_ARCH "conv2k3 bn relu pool pool dropout0.25 dense4 relu dense10"
#define GOLDEN_META "written: on x86-64\nname: golden \xc3\xa9\n"

/* The network, calibration and training state the golden file holds. */
static dp_net *golden_net(dp_train_state *st)
{
    *st = (dp_train_state){0};
    dp_arch arch;
    dp_net *net = dp_arch_parse(&arch, GOLDEN_ARCH) == 0 ? dp_net_create(&arch) : NULL;
    if (!net) return NULL;
    for (long i = 0; i < net->n_params; i++) net->params[i] = golden_value(i, 0);
    for (long i = 0; i < net->n_stats; i++) net->stats[i] = golden_value(i, 1);
    net->temperature = 1.5f;
    net->unsure_below = 0.625f;
    /* Every setting the file holds written out, not taken from the defaults,
     * so changing a default does not change these bytes. */
    dp_train_cfg cfg = {
        .epochs = 12, .batch = 48, .lr = 0.002f, .lr_floor = 0.05f, .schedule = DP_LR_COSINE, .warmup_steps = 300,
        .optim = {.type = DP_OPT_ADAM, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f, .momentum = 0.0f,
                  .weight_decay = 5e-4f},
        .seed = 0x0123456789abcdefULL, .augment = 1,
        .aug = {.rotate_deg = 12.0f, .shear = 0.25f, .aspect = 0.125f, .elastic = 0.75f, .thin = 0.5f, .thick = 1.0f,
                .style_prob = 0.375f, .clean_share = 0.25f, .redraw_share = 0.125f},
    };
    *st = (dp_train_state){.cfg = cfg, .epoch = 3, .step_in_epoch = 5, .step = 1000000123L};
    if (dp_optim_init(&st->optim, &st->cfg.optim, net->n_params) != 0) {
        dp_net_free(net);
        return NULL;
    }
    for (long i = 0; i < net->n_params; i++) {
        st->optim.m[i] = golden_value(i, 2);
        st->optim.v[i] = golden_value(i, 3);
    }
    st->optim.t = 1000000456L;   /* below the 2^30 a file may hold; the seed fills a u64 */
    return net;
}

static int same_floats(const float *a, const float *b, long n)
{
    return memcmp(a, b, sizeof(float) * (size_t)n) == 0;
}

static void test_golden(const char *golden)
{
    dp_train_state want = {0};
    dp_net *net = golden_net(&want);
    CHECK(net != NULL, "golden network: %s", dp_error());
    if (!net) return;
    char *meta = NULL;
    dp_train_state got;
    int has_state = 0;
    dp_net *back = dp_model_load(golden, &meta, &got, &has_state);
    CHECK(back != NULL && has_state == 1, "golden file: %s", dp_error());
    if (back && has_state == 1) {
        CHECK(back->n_params == net->n_params && same_floats(back->params, net->params, net->n_params) &&
              back->n_stats == net->n_stats && same_floats(back->stats, net->stats, net->n_stats),
              "golden file: weights or statistics differ from the values they were made from");
        CHECK(back->temperature == 1.5f && back->unsure_below == 0.625f, "golden file: calibration differs");
        CHECK(meta && strcmp(meta, GOLDEN_META) == 0, "golden file: meta text '%s'", meta ? meta : "(null)");
        CHECK(got.step == want.step && got.optim.t == want.optim.t && got.cfg.seed == want.cfg.seed &&
              got.epoch == 3 && got.step_in_epoch == 5, "golden file: 64-bit counters differ");
        CHECK(same_floats(got.optim.m, want.optim.m, net->n_params) &&
              same_floats(got.optim.v, want.optim.v, net->n_params), "golden file: optimizer moments differ");
        dp_optim_free(&got.optim);
    }
    /* Written here, the same values give the same bytes. */
    char again[640];
    path_in_dir(again, sizeof again, "golden-again.model");
    CHECK(dp_model_save(again, net, GOLDEN_META, &want) == 0, "save golden: %s", dp_error());
    size_t n_a = 0, n_b = 0;
    unsigned char *a = NULL, *b = NULL;
    dp_read_file(golden, 1 << 20, &a, &n_a);
    dp_read_file(again, 1 << 20, &b, &n_b);
    /* A step count that a 32-bit long would silently cut to a small one
     * (2^32 + the real count) is refused, not narrowed. */
    unsigned char le[8];
    for (int i = 0; i < 8; i++) le[i] = (unsigned char)((uint64_t)want.step >> (8 * i));
    unsigned char *at = a ? memmem(a, n_a, le, 8) : NULL;
    CHECK(at && !memmem(at + 1, n_a - (size_t)(at + 1 - a), le, 8), "golden file: the step count is not where expected");
    if (at) {
        unsigned char *copy = malloc(n_a);
        memcpy(copy, a, n_a);
        copy[(at - a) + 4] = 1;
        char huge[640];
        path_in_dir(huge, sizeof huge, "huge-step.model");
        write_resealed(huge, copy, n_a);
        dp_train_state st;
        int has = 0;
        dp_net *refused = dp_model_load(huge, NULL, &st, &has);   /* the state is read only when asked for */
        CHECK(!refused && strstr(dp_error(), "out of range"), "a step count above 2^32: %s",
              refused ? "accepted" : dp_error());
        if (refused && has) dp_optim_free(&st.optim);
        dp_net_free(refused);
        free(copy);
    }
    int same = a && b && n_a == n_b && memcmp(a, b, n_a) == 0;
    CHECK(same, "golden file written here differs from the one written on x86-64 (%zu and %zu bytes)", n_a, n_b);
    if (same) printf("golden file: %zu bytes read and written again identically\n", n_b);
    free(a), free(b), free(meta);
    dp_optim_free(&want.optim);
    dp_net_free(back);
    dp_net_free(net);
}

static int write_golden(const char *path)
{
    dp_train_state st = {0};
    dp_net *net = golden_net(&st);
    int rc = net && dp_model_save(path, net, GOLDEN_META, &st) == 0 ? 0 : 1;
    if (rc) fprintf(stderr, "%s\n", dp_error());
    dp_optim_free(&st.optim);
    dp_net_free(net);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-golden") == 0) return write_golden(argv[2]);
    check_temp_dir(dir, sizeof dir, "dp_model_io");
    test_round_trip();
    test_bad_files();
    test_consistent_but_wrong();
    if (argc == 2) test_golden(argv[1]);
    else CHECK(0, "usage: test_model_io GOLDEN-FILE");
    check_remove_tree(dir);
    return check_report("model_io");
}

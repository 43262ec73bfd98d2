/* Model files: bit-exact round trip (with and without training state), and
 * refusal of truncated, corrupted, wrong-magic and inconsistent files. */
#include "harness.h"
#include "common.h"
#include "platform.h"
#include "model_io.h"
#include "rng.h"

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

int main(void)
{
    check_temp_dir(dir, sizeof dir, "dp_model_io");
    test_round_trip();
    test_bad_files();
    test_consistent_but_wrong();
    check_remove_tree(dir);
    return check_report("model_io");
}

/* Writes the binary seed inputs of fuzz/corpus with digitpad's own code:
 * `fuzz_make_corpus DIR` fills DIR/model, DIR/idx_images, DIR/idx_labels
 * and DIR/pgm. Everything is synthetic and tiny (a few KB): fuzzers mutate
 * small inputs fastest, and no MNIST byte belongs in the tree. The stroke
 * seeds and the text PGMs are written by hand and live only in the tree. */
#include "common.h"
#include "platform.h"
#include "model_io.h"
#include "pgm.h"
#include "strokes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static const char *out_dir;

static const char *path_of(const char *sub, const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", out_dir, sub, name);
    return path;
}

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_make_corpus: %s: %s\n", what, dp_error());
    exit(1);
}

static void write_bytes(const char *path, const void *data, size_t len, int gzip)
{
    if (gzip) {
        gzFile f = gzopen(path, "wb9");
        if (!f || gzwrite(f, data, (unsigned)len) != (int)len || gzclose(f) != Z_OK) fail(path);
    } else if (dp_write_file_atomic(path, data, len) != 0) {
        fail(path);
    }
}

/* ---- models --------------------------------------------------------------- */

static dp_net *make_net(const char *spec)
{
    dp_arch arch;
    if (dp_arch_parse(&arch, spec) != 0) fail(spec);
    dp_net *net = dp_net_create(&arch);
    if (!net) fail(spec);
    dp_net_init(net, 7);
    for (long i = 0; i < net->n_stats; i++) net->stats[i] = 0.5f;   /* batch-norm variances must be positive */
    return net;
}

static void save_model(const char *name, const char *spec, int optimizer, int calibrated)
{
    dp_net *net = make_net(spec);
    if (calibrated) {
        net->temperature = 1.5f;
        net->unsure_below = 0.6f;
    }
    dp_train_state st = {0};
    if (optimizer) {
        st.cfg = dp_train_defaults();
        st.cfg.batch = 2;
        st.cfg.optim = dp_optim_defaults(optimizer);
        st.cfg.augment = optimizer == DP_OPT_ADAM;
        st.cfg.aug.clean_share = 0.0f;   /* every image augmented or re-drawn */
        st.cfg.aug.redraw_share = 0.5f;
        st.step = 1;   /* one epoch of one step done: the next starts epoch 2 */
        st.epoch = 1;
        if (dp_optim_init(&st.optim, &st.cfg.optim, net->n_params) != 0) fail(name);
        st.optim.t = 1;
        for (long i = 0; i < net->n_params; i++) st.optim.m[i] = 0.01f, st.optim.v[i] = 1e-4f;
    }
    if (dp_model_save(path_of("model", name), net, "fuzz seed: " DP_VERSION, optimizer ? &st : NULL) != 0)
        fail(name);
    dp_optim_free(&st.optim);
    dp_net_free(net);
}

/* ---- IDX ----------------------------------------------------------------- */

static void put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (24 - 8 * i));
}

/* n synthetic images of rows×cols: a bar whose position changes per image. */
static void save_images(const char *name, int n, int rows, int cols, int gzip)
{
    size_t len = 16 + (size_t)n * rows * cols;
    uint8_t *d = calloc(len, 1);
    put_be32(d, 0x803);
    put_be32(d + 4, (uint32_t)n);
    put_be32(d + 8, (uint32_t)rows);
    put_be32(d + 12, (uint32_t)cols);
    for (int k = 0; k < n; k++)
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < cols; x++)
                d[16 + ((size_t)k * rows + y) * cols + x] = (x == (k * 3 + cols / 3) % cols || y == rows / 2) ? 255 : 0;
    write_bytes(path_of("idx_images", name), d, len, gzip);
    free(d);
}

static void save_labels(const char *name, int n, int gzip)
{
    uint8_t d[8 + 64];
    put_be32(d, 0x801);
    put_be32(d + 4, (uint32_t)n);
    for (int i = 0; i < n; i++) d[8 + i] = (uint8_t)(i * 7 % 10);
    write_bytes(path_of("idx_labels", name), d, 8 + (size_t)n, gzip);
}

/* ---- PGM (binary; the text ones are hand-written) ------------------------ */

/* A "7" on a light background, w×h, as a drawing program would save it. */
static float seven(int x, int y, int w, int h)
{
    int top = y > h / 5 && y < h / 5 + h / 10 && x > w / 4 && x < 3 * w / 4;
    int diag = abs((3 * w / 4 - x) * h - (y - h / 5) * (w / 3)) < w * h / 16 && y > h / 5 && y < 4 * h / 5;
    return top || diag ? 0.1f : 0.95f;
}

static void save_pgm16(const char *name, int w, int h)
{
    char header[64];
    int hl = snprintf(header, sizeof header, "P5\n# 16-bit\n%d %d\n65535\n", w, h);
    size_t len = (size_t)hl + 2 * (size_t)w * h;
    uint8_t *d = malloc(len);
    memcpy(d, header, (size_t)hl);
    for (int i = 0; i < w * h; i++) {
        unsigned v = (unsigned)(seven(i % w, i / w, w, h) * 65535.0f);
        d[hl + 2 * i] = (uint8_t)(v >> 8);
        d[hl + 2 * i + 1] = (uint8_t)v;
    }
    write_bytes(path_of("pgm", name), d, len, 0);
    free(d);
}

static void save_pgm8(const char *name, int w, int h)
{
    float *px = malloc(sizeof(float) * (size_t)w * h);
    for (int i = 0; i < w * h; i++) px[i] = seven(i % w, i / w, w, h);
    if (dp_pgm_write(path_of("pgm", name), px, w, h) != 0) fail(name);
    free(px);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_make_corpus DIR (writes DIR/model, DIR/idx_images, ...)\n");
        return 2;
    }
    out_dir = argv[1];
    save_model("pool_dense.model", "pool pool dense10", 0, 0);
    save_model("pool_dense_adam.model", "pool pool dense10", DP_OPT_ADAM, 0);
    save_model("conv_bn_sgd.model", "conv2k3p1 bn relu pool dropout0.25 pool dense10", DP_OPT_SGD, 1);
    save_images("bars_2x28x28.idx3", 2, 28, 28, 0);
    save_images("bars_2x28x28.idx3.gz", 2, 28, 28, 1);
    save_images("bars_3x4x5.idx3", 3, 4, 5, 0);
    save_images("bars_3x4x5.idx3.gz", 3, 4, 5, 1);
    save_labels("five.idx1", 5, 0);
    save_labels("five.idx1.gz", 5, 1);
    save_labels("one.idx1", 1, 0);
    save_pgm8("seven_28x28.pgm", 28, 28);
    save_pgm8("seven_40x30.pgm", 40, 30);
    save_pgm16("seven_12x16_16bit.pgm", 12, 16);
    return 0;
}

#include "model_io.h"
#include "common.h"
#include "platform.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ---- writing: a growable little-endian byte buffer ---------------------- */

typedef struct {
    unsigned char *data;
    size_t len, cap;
    int failed;
} wbuf;

static void put_bytes(wbuf *b, const void *p, size_t n)
{
    if (b->failed) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put_u32(wbuf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    put_bytes(b, x, 4);
}

static void put_u64(wbuf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_f32(wbuf *b, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    put_u32(b, u);
}

static void put_floats(wbuf *b, const float *f, long n)
{
    for (long i = 0; i < n; i++) put_f32(b, f[i]);
}

/* Sections are written with a placeholder length that is patched at the end. */
static size_t begin_section(wbuf *b, const char tag[4])
{
    put_bytes(b, tag, 4);
    put_u64(b, 0);
    return b->len;
}

static void end_section(wbuf *b, size_t start)
{
    if (b->failed) return;
    uint64_t n = b->len - start;
    for (int i = 0; i < 8; i++) b->data[start - 8 + i] = (unsigned char)(n >> (8 * i));
}

static void write_arch(wbuf *b, const dp_arch *a)
{
    size_t s = begin_section(b, "ARCH");
    put_u32(b, (uint32_t)a->in_c);
    put_u32(b, (uint32_t)a->in_h);
    put_u32(b, (uint32_t)a->in_w);
    put_f32(b, a->input_mean);
    put_f32(b, a->input_std);
    put_u32(b, (uint32_t)a->n_layers);
    for (int i = 0; i < a->n_layers; i++) {
        const dp_layer_spec *l = &a->layers[i];
        put_u32(b, (uint32_t)l->type);
        put_u32(b, (uint32_t)l->out);
        put_u32(b, (uint32_t)l->k);
        put_u32(b, (uint32_t)l->pad);
        put_f32(b, l->rate);
    }
    end_section(b, s);
}

static void write_train_state(wbuf *b, const dp_train_state *st)
{
    const dp_train_cfg *c = &st->cfg;
    size_t s = begin_section(b, "TRAN");
    put_u32(b, (uint32_t)c->epochs);
    put_u32(b, (uint32_t)c->batch);
    put_f32(b, c->lr);
    put_f32(b, c->lr_floor);
    put_u32(b, (uint32_t)c->schedule);
    put_u64(b, (uint64_t)c->warmup_steps);
    put_u32(b, (uint32_t)c->optim.type);
    put_f32(b, c->optim.beta1);
    put_f32(b, c->optim.beta2);
    put_f32(b, c->optim.eps);
    put_f32(b, c->optim.momentum);
    put_f32(b, c->optim.weight_decay);
    put_u64(b, c->seed);
    put_u32(b, (uint32_t)st->epoch);
    put_u64(b, (uint64_t)st->step_in_epoch);
    put_u64(b, (uint64_t)st->step);
    put_u64(b, (uint64_t)st->optim.t);
    put_u64(b, (uint64_t)st->optim.n);
    put_floats(b, st->optim.m, st->optim.n);
    put_floats(b, st->optim.v, st->optim.n);
    /* Added after the moments, so older files (which end here) still load. */
    const dp_augment_cfg *a = &c->aug;
    put_u32(b, (uint32_t)c->augment);
    const float aug[] = {a->rotate_deg, a->shear, a->aspect, a->elastic, a->thin, a->thick, a->style_prob,
                         a->clean_share, a->redraw_share};
    put_floats(b, aug, 9);
    end_section(b, s);
}

int dp_model_save(const char *path, const dp_net *net, const char *meta, const dp_train_state *state)
{
    wbuf b = {0};
    put_bytes(&b, DP_MODEL_MAGIC, 8);
    put_u32(&b, DP_MODEL_VERSION);
    write_arch(&b, &net->arch);
    size_t s = begin_section(&b, "PARM");
    put_u64(&b, (uint64_t)net->n_params);
    put_floats(&b, net->params, net->n_params);
    end_section(&b, s);
    if (net->n_stats) {
        s = begin_section(&b, "STAT");   /* batch-norm running statistics */
        put_u64(&b, (uint64_t)net->n_stats);
        put_floats(&b, net->stats, net->n_stats);
        end_section(&b, s);
    }
    if (net->temperature != 1.0f || net->unsure_below != DP_UNSURE_DEFAULT) {
        s = begin_section(&b, "CALB");   /* calibration: temperature, "unsure" threshold */
        put_f32(&b, net->temperature);
        put_f32(&b, net->unsure_below);
        end_section(&b, s);
    }
    if (meta) {
        s = begin_section(&b, "META");
        put_bytes(&b, meta, strlen(meta));
        end_section(&b, s);
    }
    if (state) write_train_state(&b, state);
    uint32_t crc = b.failed ? 0 : (uint32_t)crc32(0L, b.data, (uInt)b.len);
    s = begin_section(&b, "END ");
    put_u32(&b, crc);
    end_section(&b, s);
    if (b.failed) {
        free(b.data);
        return dp_set_error("cannot save %s: out of memory", path);
    }
    int rc = dp_write_file_atomic(path, b.data, b.len);
    free(b.data);
    return rc;
}

/* ---- reading: a bounds-checked cursor ------------------------------------ */

typedef struct {
    const unsigned char *p;
    size_t left;
    int short_read;       /* a read went past the end of the section */
} rbuf;

static uint32_t get_u32(rbuf *r)
{
    if (r->left < 4) {
        r->short_read = 1;
        r->left = 0;
        return 0;
    }
    uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
    r->p += 4;
    r->left -= 4;
    return v;
}

static uint64_t get_u64(rbuf *r)
{
    uint64_t lo = get_u32(r);
    return lo | (uint64_t)get_u32(r) << 32;
}

static float get_f32(rbuf *r)
{
    uint32_t u = get_u32(r);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* Reads n floats; refuses NaN and infinity, which no trained model holds. */
static int get_floats(rbuf *r, float *dst, uint64_t n)
{
    if (r->left / 4 < n) {
        r->short_read = 1;
        return -1;
    }
    for (uint64_t i = 0; i < n; i++) {
        dst[i] = get_f32(r);
        if (!isfinite(dst[i])) return -2;
    }
    return 0;
}

/* Reads and checks the architecture; *n_params gets the weights it needs,
 * so the PARM section can be checked against it before anything is
 * allocated. */
static int read_arch(rbuf *r, dp_arch *a, const char *name, long *n_params)
{
    memset(a, 0, sizeof *a);
    a->in_c = (int)get_u32(r);
    a->in_h = (int)get_u32(r);
    a->in_w = (int)get_u32(r);
    a->input_mean = get_f32(r);
    a->input_std = get_f32(r);
    uint32_t n = get_u32(r);
    if (n < 1 || n > DP_MAX_LAYERS)
        return dp_set_error("%s: architecture has %u layers (1..%d allowed)", name, n, DP_MAX_LAYERS);
    a->n_layers = (int)n;
    for (uint32_t i = 0; i < n; i++) {
        dp_layer_spec *l = &a->layers[i];
        l->type = (int)get_u32(r);
        l->out = (int)get_u32(r);
        l->k = (int)get_u32(r);
        l->pad = (int)get_u32(r);
        l->rate = get_f32(r);
    }
    if (r->short_read) return dp_set_error("%s: architecture section is truncated", name);
    dp_layer_info info[DP_MAX_LAYERS];
    if (dp_arch_layout(a, info, n_params, NULL) != 0) return dp_prefix_error("%s", name);
    return 0;
}

/* Steps beyond this are not a real run (2^30 batches: more than 10,000
 * epochs of MNIST one image at a time) and could overflow the trainer's step
 * arithmetic. It fits a 32-bit long (Windows, WebAssembly): the counters are
 * checked as read, before they are narrowed to long. */
#define MAX_STEPS ((uint64_t)1 << 30)

typedef struct {
    uint64_t warmup, step_in_epoch, step, t;
} step_counts;

/* The settings and position a real run can have. The position within an
 * epoch indexes the epoch's image order (step_in_epoch * batch), so it must
 * lie inside the largest dataset there can be: a file claiming more would
 * send the trainer's index arithmetic past its int range. */
static int train_state_in_range(const dp_train_state *st, const step_counts *n)
{
    const dp_train_cfg *c = &st->cfg;
    return c->epochs >= 1 && c->epochs <= 10000 && c->batch >= 1 && c->batch <= 4096 &&
           c->lr > 0 && c->lr < 10 && (c->optim.type == DP_OPT_ADAM || c->optim.type == DP_OPT_SGD) &&
           c->schedule >= 0 && c->schedule <= DP_LR_STEP && n->warmup <= MAX_STEPS && st->epoch >= 0 &&
           st->epoch <= 10000 && n->step <= MAX_STEPS && n->step_in_epoch < (uint64_t)(DP_MNIST_MAX_ITEMS / c->batch) &&
           n->t <= MAX_STEPS;
}

static int read_train_state(rbuf *r, dp_train_state *st, long n_params, const char *name)
{
    memset(st, 0, sizeof *st);
    dp_train_cfg *c = &st->cfg;
    *c = dp_train_defaults();
    c->epochs = (int)get_u32(r);
    c->batch = (int)get_u32(r);
    c->lr = get_f32(r);
    c->lr_floor = get_f32(r);
    c->schedule = (int)get_u32(r);
    step_counts counts;
    counts.warmup = get_u64(r);
    c->optim.type = (int)get_u32(r);
    c->optim.beta1 = get_f32(r);
    c->optim.beta2 = get_f32(r);
    c->optim.eps = get_f32(r);
    c->optim.momentum = get_f32(r);
    c->optim.weight_decay = get_f32(r);
    c->seed = get_u64(r);
    st->epoch = (int)get_u32(r);
    counts.step_in_epoch = get_u64(r);
    counts.step = get_u64(r);
    counts.t = get_u64(r);
    uint64_t n = get_u64(r);
    if (r->short_read) return dp_set_error("%s: training state is truncated", name);
    if (n != (uint64_t)n_params || !train_state_in_range(st, &counts))
        return dp_set_error("%s: training state has values out of range", name);
    c->warmup_steps = (long)counts.warmup;
    st->step_in_epoch = (long)counts.step_in_epoch;
    st->step = (long)counts.step;
    if (r->left / 8 < n)   /* both moments must be there before they are allocated */
        return dp_set_error("%s: training state moments are truncated or not finite", name);
    if (dp_optim_init(&st->optim, &c->optim, n_params) != 0) return dp_prefix_error("%s", name);
    st->optim.t = (long)counts.t;
    if (get_floats(r, st->optim.m, n) != 0 || get_floats(r, st->optim.v, n) != 0) {
        dp_optim_free(&st->optim);
        return dp_set_error("%s: training state moments are truncated or not finite", name);
    }
    if (r->left >= 4 + 8 * 4) {   /* augmentation settings; files before --redraw have 8 */
        dp_augment_cfg *a = &c->aug;
        c->augment = get_u32(r) != 0;
        int count = r->left >= 9 * 4 ? 9 : 8;
        float aug[9] = {0};
        if (get_floats(r, aug, count) != 0 || !(aug[7] >= 0 && aug[8] >= 0 && aug[7] + aug[8] <= 1)) {
            dp_optim_free(&st->optim);
            return dp_set_error("%s: training state has bad augmentation settings", name);
        }
        *a = (dp_augment_cfg){aug[0], aug[1], aug[2], aug[3], aug[4], aug[5], aug[6], aug[7], aug[8]};
    }
    return 0;
}

/* Checks the magic, version and trailing checksum before anything else. */
static int check_envelope(const unsigned char *data, size_t len, const char *name)
{
    if (len < 12 || memcmp(data, DP_MODEL_MAGIC, 8) != 0)
        return dp_set_error("%s: not a digitpad model file (bad magic number)", name);
    uint32_t version = (uint32_t)data[8] | (uint32_t)data[9] << 8 | (uint32_t)data[10] << 16 |
                       (uint32_t)data[11] << 24;
    if (version != DP_MODEL_VERSION)
        return dp_set_error("%s: model format version %u is not supported (this build reads version %d)",
                            name, version, DP_MODEL_VERSION);
    const size_t end_len = 4 + 8 + 4;
    if (len < 12 + end_len || memcmp(data + len - end_len, "END ", 4) != 0)
        return dp_set_error("%s: model file is truncated (no end marker)", name);
    rbuf r = {data + len - 12, 12, 0};
    uint64_t n = get_u64(&r);
    uint32_t stored = get_u32(&r);
    uint32_t actual = (uint32_t)crc32(0L, data, (uInt)(len - end_len));
    if (n != 4) return dp_set_error("%s: malformed end marker", name);
    if (stored != actual)
        return dp_set_error("%s: checksum mismatch (file is corrupted: stored %08x, computed %08x)",
                            name, stored, actual);
    return 0;
}

/* ---- sections: one reader per tag ---------------------------------------- */

enum { SEC_NONE, SEC_ARCH, SEC_PARM, SEC_STAT, SEC_CALB, SEC_META, SEC_TRAN, SEC_END, SEC_COUNT };

/* What the sections read so far have built. */
typedef struct {
    const char *name;     /* for error messages */
    dp_arch arch;
    long n_params;        /* what the architecture needs */
    dp_net *net;          /* made by the weights */
    char **meta;          /* the caller's, or NULL */
    rbuf tran;            /* the last training state, read once the weights are in */
    int seen[SEC_COUNT];  /* sections read, by their index in the table below */
} parse_state;

typedef int (*section_reader)(parse_state *ps, rbuf *sec);

static int read_arch_section(parse_state *ps, rbuf *sec)
{
    return read_arch(sec, &ps->arch, ps->name, &ps->n_params);
}

static int read_params(parse_state *ps, rbuf *sec)
{
    /* Checked before allocating: a small file claiming a huge network must
     * not cost the memory of one. */
    uint64_t count = get_u64(sec);
    if (count != (uint64_t)ps->n_params || sec->left != count * 4)
        return dp_set_error("%s: %llu weights stored, the architecture needs %ld", ps->name,
                            (unsigned long long)count, ps->n_params);
    if (!(ps->net = dp_net_create(&ps->arch))) return -1;
    if (get_floats(sec, ps->net->params, count) != 0)
        return dp_set_error("%s: weights contain NaN or infinity", ps->name);
    return 0;
}

static int read_stats(parse_state *ps, rbuf *sec)
{
    uint64_t count = get_u64(sec);
    const dp_net *net = ps->net;
    if (!net || count != (uint64_t)net->n_stats || sec->left != count * 4)
        return dp_set_error("%s: %llu batch-norm statistics stored, the architecture needs %ld", ps->name,
                            (unsigned long long)count, net ? net->n_stats : 0L);
    if (get_floats(sec, net->stats, count) != 0)
        return dp_set_error("%s: batch-norm statistics contain NaN or infinity", ps->name);
    return 0;
}

static int read_calibration(parse_state *ps, rbuf *sec)
{
    float t = get_f32(sec), u = get_f32(sec);
    if (!ps->net || sec->short_read || !(t >= 0.05f && t <= 20.0f) || !(u >= 0.0f && u <= 1.0f))
        return dp_set_error("%s: bad calibration section (temperature %g, threshold %g)", ps->name, (double)t,
                            (double)u);
    ps->net->temperature = t;
    ps->net->unsure_below = u;
    return 0;
}

/* The first META only; none when the caller does not want it. */
static int read_meta(parse_state *ps, rbuf *sec)
{
    if (!ps->meta || *ps->meta) return 0;
    if (memchr(sec->p, 0, sec->left)) return dp_set_error("%s: metadata contains a NUL byte", ps->name);
    if (!(*ps->meta = dp_alloc(sec->left + 1, 1))) return -1;
    memcpy(*ps->meta, sec->p, sec->left);
    (*ps->meta)[sec->left] = 0;
    return 0;
}

/* Kept for after the loop: the training state is checked against the
 * weights, which may come later. */
static int keep_train_state(parse_state *ps, rbuf *sec)
{
    ps->tran = *sec;
    return 0;
}

static int refuse_end(parse_state *ps, rbuf *sec)
{
    (void)sec;
    return dp_set_error("%s: end marker in the middle of the file", ps->name);
}

/* The sections this build reads (others are skipped). `misplaced` is the
 * error for a second one, or for one before the section `after` (NULL: it
 * may repeat; its reader says which one counts); a section with `missing`
 * is required, and a file without it "has no <missing>". */
static const struct {
    char tag[5];
    section_reader read;
    int after;
    const char *misplaced;
    const char *missing;
} sections[SEC_COUNT] = {
    [SEC_ARCH] = {"ARCH", read_arch_section, SEC_NONE, "two architecture sections", "architecture"},
    [SEC_PARM] = {"PARM", read_params, SEC_ARCH, "weights before the architecture, or twice", "weights"},
    [SEC_STAT] = {"STAT", read_stats, SEC_NONE, NULL, NULL},
    [SEC_CALB] = {"CALB", read_calibration, SEC_NONE, NULL, NULL},
    [SEC_META] = {"META", read_meta, SEC_NONE, NULL, NULL},
    [SEC_TRAN] = {"TRAN", keep_train_state, SEC_NONE, NULL, NULL},
    [SEC_END] = {"END ", refuse_end, SEC_NONE, NULL, NULL},
};

/* Cuts the next section off *file: its tag and its payload in *sec. */
static int next_section(rbuf *file, char tag[5], rbuf *sec, const char *name)
{
    if (file->left < 12) return dp_set_error("%s: truncated section header", name);
    memcpy(tag, file->p, 4);
    tag[4] = 0;
    file->p += 4;
    file->left -= 4;
    uint64_t n = get_u64(file);
    if (n > file->left)
        return dp_set_error("%s: section %s claims %llu bytes but only %zu remain", name, tag,
                            (unsigned long long)n, file->left);
    *sec = (rbuf){file->p, (size_t)n, 0};
    file->p += n;
    file->left -= (size_t)n;
    return 0;
}

static int read_section(parse_state *ps, const char *tag, rbuf *sec)
{
    for (int i = SEC_NONE + 1; i < SEC_COUNT; i++) {
        if (strcmp(tag, sections[i].tag) != 0) continue;
        int after = sections[i].after;
        if (sections[i].misplaced && (ps->seen[i] || (after != SEC_NONE && !ps->seen[after])))
            return dp_set_error("%s: %s", ps->name, sections[i].misplaced);
        if (sections[i].read(ps, sec) != 0) return -1;
        ps->seen[i]++;
        return 0;
    }
    return 0;   /* unknown: from a later version */
}

/* Every required section, in the table's order, then what the weights
 * imply: batch-norm layers need their statistics. */
static int check_complete(const parse_state *ps)
{
    for (int i = SEC_NONE + 1; i < SEC_COUNT; i++)
        if (sections[i].missing && !ps->seen[i])
            return dp_set_error("%s: model has no %s", ps->name, sections[i].missing);
    if (ps->net->n_stats && !ps->seen[SEC_STAT])
        return dp_set_error("%s: model has batch-norm layers but no statistics", ps->name);
    return 0;
}

static int parse_sections(parse_state *ps, rbuf *file)
{
    while (file->left > 0) {
        char tag[5];
        rbuf sec;
        if (next_section(file, tag, &sec, ps->name) != 0 || read_section(ps, tag, &sec) != 0) return -1;
    }
    return check_complete(ps);
}

/* The training state, when the file has one and the caller wants it. */
static int read_kept_state(parse_state *ps, dp_train_state *state, int *has_state)
{
    if (!state || !ps->seen[SEC_TRAN]) return 0;
    if (read_train_state(&ps->tran, state, ps->net->n_params, ps->name) != 0) return -1;
    if (has_state) *has_state = 1;
    return 0;
}

dp_net *dp_model_parse(const unsigned char *data, size_t len, const char *name,
                       char **meta, dp_train_state *state, int *has_state)
{
    if (meta) *meta = NULL;
    if (has_state) *has_state = 0;
    if (check_envelope(data, len, name) != 0) return NULL;
    parse_state ps = {.name = name, .meta = meta};
    rbuf file = {data + 12, len - 12 - 16, 0};
    if (parse_sections(&ps, &file) != 0 || read_kept_state(&ps, state, has_state) != 0) {
        dp_net_free(ps.net);
        if (meta) {
            free(*meta);
            *meta = NULL;
        }
        return NULL;
    }
    return ps.net;
}

dp_net *dp_model_load(const char *path, char **meta, dp_train_state *state, int *has_state)
{
    unsigned char *data;
    size_t len;
    if (dp_read_file(path, DP_MODEL_MAX_BYTES, &data, &len) != 0) return NULL;
    dp_net *net = dp_model_parse(data, len, path, meta, state, has_state);
    free(data);
    return net;
}

double dp_meta_number(const char *meta, const char *key)
{
    size_t klen = strlen(key);
    for (const char *line = meta; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, klen) != 0 || line[klen] != ':') continue;
        char *end;
        double v = strtod(line + klen + 1, &end);
        if (end == line + klen + 1 || !isfinite(v)) return NAN;
        return v;
    }
    return NAN;
}

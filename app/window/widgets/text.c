/* Text with SDL2_ttf: finding the font (DIGITPAD_FONT, fontconfig, known
 * paths), opening it at four sizes for the current scale, and a small cache
 * of rendered strings; without a usable font, the built-in bitmap font
 * (font_builtin.c) drawn at whole-pixel scales. Strings are rendered white once and tinted with the
 * texture colour modulation, so a label drawn in several colours (hover,
 * disabled) costs one texture. Entries unused for CACHE_IDLE_FRAMES frames
 * are dropped; when the cache is full, or its textures hold more than
 * CACHE_MAX_BYTES, the least recently used ones go. */
#include "text.h"
#include "font_builtin.h"
#include "platform.h"

#include <SDL_ttf.h>
#ifdef DP_HAVE_FONTCONFIG
#include <fontconfig/fontconfig.h>
#endif
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_MAX 384
#define CACHE_IDLE_FRAMES 120
/* Textures are width × height × 4 bytes. Without a byte budget, typing a
 * long path (a new string each key, 100+ kB each at a large scale) kept
 * every version for CACHE_IDLE_FRAMES frames: hundreds of MB. */
#define CACHE_MAX_BYTES (24L << 20)
/* No string is rendered wider than this (a status line naming a 4,000-byte
 * path would be a 40,000-pixel texture); what is cut is never on screen. */
#define TEXT_MAX_PX 8192
#define PATH_MAX_LEN 4096

static const int BASE_PX[FONT_COUNT] = {12, 15, 22, 72};

typedef struct {
    char *s;              /* the string (owned); NULL = free slot */
    uint32_t hash;
    int font;
    SDL_Texture *tex;     /* NULL if rendering failed: remembered, not retried */
    int w, h;
    long bytes;           /* the texture's pixels */
    uint64_t last_used;   /* frame number */
} cache_entry;

struct ui_text {
    SDL_Renderer *r;
    char path[PATH_MAX_LEN];
    float scale;
    int builtin;          /* the built-in bitmap font, not a TrueType file */
    TTF_Font *font[FONT_COUNT];
    cache_entry cache[CACHE_MAX];
    int used;             /* entries in use (slots may have holes) */
    long bytes;           /* sum of the entries' texture bytes */
    uint64_t frame;
};

/* ---- finding the font ----------------------------------------------------- */

/* A regular file we can open and read a byte from. */
static int readable_file(const char *path)
{
    if (!path || !*path || dp_path_kind_of(path) != DP_PATH_FILE) return 0;
    FILE *f = dp_fopen(path, "rb");
    if (!f) return 0;
    int ok = fgetc(f) != EOF;
    fclose(f);
    return ok;
}

/* fontconfig's best match for "DejaVu Sans" (which may be another family if
 * DejaVu is missing: any scalable font beats no text). 0 on success. */
static int fontconfig_match(char *path, size_t size, char *why, size_t why_size)
{
#ifndef DP_HAVE_FONTCONFIG
    (void)path, (void)size;
    snprintf(why, why_size, "no fontconfig here");
    return -1;
#else
    snprintf(why, why_size, "fontconfig found no match for \"DejaVu Sans\"");
    FcConfig *config = FcInitLoadConfigAndFonts();
    if (!config) {
        snprintf(why, why_size, "fontconfig could not load its configuration");
        return -1;
    }
    int rc = -1;
    FcPattern *pat = FcNameParse((const FcChar8 *)"DejaVu Sans");
    if (pat) {
        FcConfigSubstitute(config, pat, FcMatchPattern);
        FcDefaultSubstitute(pat);
        FcResult result = FcResultNoMatch;
        FcPattern *match = FcFontMatch(config, pat, &result);
        FcChar8 *file = NULL;
        if (match && result == FcResultMatch && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch &&
            file) {
            if (!readable_file((const char *)file)) {
                snprintf(why, why_size, "fontconfig's match %s is not a readable file", (const char *)file);
            } else if (strlen((const char *)file) >= size) {
                snprintf(why, why_size, "fontconfig's match has too long a path");
            } else {
                snprintf(path, size, "%s", (const char *)file);
                rc = 0;
            }
        }
        if (match) FcPatternDestroy(match);
        FcPatternDestroy(pat);
    }
    FcConfigDestroy(config);
    return rc;
#endif
}

/* DejaVu Sans where distributions put it, under each of the system's data
 * folders (on Linux $XDG_DATA_DIRS, by default /usr/local/share:/usr/share):
 * Debian and Ubuntu (fonts-dejavu-core), Arch, Fedora, others. */
static const char *const dejavu_paths[] = {
    "fonts/truetype/dejavu/DejaVuSans.ttf", "fonts/TTF/DejaVuSans.ttf", "fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "fonts/dejavu/DejaVuSans.ttf", "fonts/DejaVuSans.ttf",
};

/* The first readable dejavu_paths entry under a system data folder. 0 on
 * success; 1 if one was found but path is too small for it; -1 if none. */
static int known_paths(char *path, size_t size)
{
    int too_long = 0;
    char dir[PATH_MAX_LEN];
    for (int d = 0; dp_system_data_dir(d, dir, sizeof dir) == 0; d++)
        for (size_t i = 0; i < sizeof dejavu_paths / sizeof dejavu_paths[0]; i++) {
            char candidate[PATH_MAX_LEN];
            if (snprintf(candidate, sizeof candidate, "%s/%s", dir, dejavu_paths[i]) >= (int)sizeof candidate ||
                !readable_file(candidate))
                continue;
            if (strlen(candidate) >= size) {
                too_long = 1;
                continue;
            }
            snprintf(path, size, "%s", candidate);
            return 0;
        }
    return too_long ? 1 : -1;
}

int text_find_system_font(char *path, size_t size, char *err, size_t err_size)
{
    char dummy[1];
    if (!err || err_size == 0) {
        err = dummy;
        err_size = sizeof dummy;
    }
    err[0] = '\0';
    if (!path || size == 0) {
        snprintf(err, err_size, "no room for the font path");
        return -1;
    }
    path[0] = '\0';
    char why[PATH_MAX_LEN + 64];
    if (fontconfig_match(path, size, why, sizeof why) == 0) return 0;
    int rc = known_paths(path, size);
    if (rc == 0) return 0;
    if (rc > 0)
        snprintf(err, err_size, "no room for the font path (%zu bytes)", size);
    else
        snprintf(err, err_size, "no font found: %s, and no DejaVuSans.ttf under $XDG_DATA_DIRS/fonts", why);
    return -1;
}

int text_find_font(char *path, size_t size, char *err, size_t err_size)
{
    const char *env = getenv("DIGITPAD_FONT");
    if (!env || !*env) return text_find_system_font(path, size, err, err_size);
    if (!readable_file(env)) {
        if (err && err_size)
            snprintf(err, err_size, "DIGITPAD_FONT=%s is not a readable font file; fix the path or unset it", env);
        return -1;
    }
    if (!path || strlen(env) >= size) {
        if (err && err_size) snprintf(err, err_size, "DIGITPAD_FONT path is too long");
        return -1;
    }
    snprintf(path, size, "%s", env);
    if (err && err_size) err[0] = '\0';
    return 0;
}

/* ---- fonts and sizes ------------------------------------------------------ */

static float sane_scale(float scale)
{
    if (!(scale > 0) || !isfinite(scale)) return 1.0f;
    return scale < 0.25f ? 0.25f : scale > 8.0f ? 8.0f : scale;
}

static int font_px(int f, float scale)
{
    int px = (int)lroundf((float)BASE_PX[f] * scale);
    return px < 6 ? 6 : px > 576 ? 576 : px;
}

/* The built-in font is drawn at a whole multiple of its pixels: the one
 * whose width is nearest DejaVu Sans's at that size (about 0.55 em a
 * character), so that text fits where the layout expects it. */
static int builtin_k(const ui_text *t, int f)
{
    int k = (int)lroundf(0.55f * (float)font_px(f, t->scale) / (float)BUILTIN_CELL_W);
    return k < 1 ? 1 : k;
}

static int builtin_width(const ui_text *t, int f, size_t glyphs)
{
    return glyphs ? ((int)glyphs * BUILTIN_CELL_W - 1) * builtin_k(t, f) : 0;
}

/* s in the built-in font, white on transparent, at most TEXT_MAX_PX wide. */
static SDL_Surface *render_builtin(const ui_text *t, int f, const char *s)
{
    int k = builtin_k(t, f);
    size_t max = (size_t)(TEXT_MAX_PX / (BUILTIN_CELL_W * k));
    char *ascii = malloc(max + 1);
    if (!ascii) return NULL;
    builtin_font_ascii(s, ascii, max + 1);
    size_t n = strlen(ascii);
    SDL_Surface *surf = n ? SDL_CreateRGBSurfaceWithFormat(0, builtin_width(t, f, n), BUILTIN_CELL_H * k, 32,
                                                           SDL_PIXELFORMAT_ARGB8888)
                          : NULL;
    if (surf) {
        SDL_FillRect(surf, NULL, 0);
        for (size_t i = 0; i < n; i++)
            for (int y = 0; y < BUILTIN_GLYPH_H; y++)
                for (int x = 0; x < BUILTIN_GLYPH_W; x++) {
                    if (!builtin_font_ink(ascii[i], x, y)) continue;
                    SDL_Rect px = {((int)i * BUILTIN_CELL_W + x) * k, (y + 1) * k, k, k};
                    SDL_FillRect(surf, &px, 0xFFFFFFFFu);
                }
    }
    free(ascii);
    return surf;
}

/* Opens the four sizes into fonts[]; all or nothing. */
static int open_fonts(const char *path, float scale, TTF_Font **fonts, char *err, size_t err_size)
{
    for (int f = 0; f < FONT_COUNT; f++) {
        fonts[f] = TTF_OpenFont(path, font_px(f, scale));
        if (!fonts[f]) {
            if (err && err_size)
                snprintf(err, err_size, "cannot open font %s at %d px: %s", path, font_px(f, scale), TTF_GetError());
            for (int g = 0; g < f; g++) TTF_CloseFont(fonts[g]);
            return -1;
        }
        /* Light hinting keeps DejaVu's shapes while snapping to the pixel
         * grid vertically: crisper than none, rounder than full. */
        TTF_SetFontHinting(fonts[f], TTF_HINTING_LIGHT);
    }
    return 0;
}

static void close_fonts(TTF_Font **fonts)
{
    for (int f = 0; f < FONT_COUNT; f++) {
        if (fonts[f]) TTF_CloseFont(fonts[f]);
        fonts[f] = NULL;
    }
}

/* ---- cache ---------------------------------------------------------------- */

static uint32_t hash_str(const char *s, int font)
{
    uint32_t h = 2166136261u ^ (uint32_t)font;   /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void entry_free(ui_text *t, cache_entry *e)
{
    if (!e->s) return;
    if (e->tex) SDL_DestroyTexture(e->tex);
    free(e->s);
    t->bytes -= e->bytes;
    memset(e, 0, sizeof *e);
    t->used--;
}

static void cache_clear(ui_text *t)
{
    for (int i = 0; i < CACHE_MAX; i++) entry_free(t, &t->cache[i]);
    t->used = 0;
    t->bytes = 0;
}

/* The least recently used entry other than keep, or -1. */
static int cache_lru(const ui_text *t, const cache_entry *keep)
{
    int lru = -1;
    for (int i = 0; i < CACHE_MAX; i++) {
        const cache_entry *e = &t->cache[i];
        if (e->s && e != keep && (lru < 0 || e->last_used < t->cache[lru].last_used)) lru = i;
    }
    return lru;
}

/* Evicts the least recently used entries until the textures fit the budget. */
static void cache_trim(ui_text *t, const cache_entry *keep)
{
    while (t->bytes > CACHE_MAX_BYTES) {
        int lru = cache_lru(t, keep);
        if (lru < 0) return;
        entry_free(t, &t->cache[lru]);
    }
}

/* Byte length of the longest prefix of s that is at most max_px wide in
 * font (s itself if it fits). */
static size_t prefix_within(TTF_Font *font, const char *s, int max_px)
{
    size_t len = strlen(s);
    int extent = 0, count = 0;
    if (TTF_MeasureUTF8(font, s, max_px, &extent, &count) != 0) return len;
    size_t i = 0;
    for (int c = 0; c < count && i < len; c++)   /* count is in characters */
        for (i++; i < len && ((unsigned char)s[i] & 0xC0) == 0x80; i++) {}
    return i;
}

/* s rendered white, no wider than TEXT_MAX_PX; NULL if it cannot be. */
static SDL_Surface *render_white(TTF_Font *font, const char *s)
{
    SDL_Color white = {255, 255, 255, 255};
    size_t keep = prefix_within(font, s, TEXT_MAX_PX), len = strlen(s);
    if (keep >= len) return TTF_RenderUTF8_Blended(font, s, white);
    char *cut = malloc(keep + 1);
    if (!cut) return NULL;
    memcpy(cut, s, keep);
    cut[keep] = 0;
    SDL_Surface *surf = keep ? TTF_RenderUTF8_Blended(font, cut, white) : NULL;
    free(cut);
    return surf;
}

/* The entry for s in font f, rendered on a miss. NULL only if out of memory. */
static cache_entry *cache_get(ui_text *t, int f, const char *s)
{
    uint32_t h = hash_str(s, f);
    int free_slot = -1, lru = -1;
    for (int i = 0; i < CACHE_MAX; i++) {
        cache_entry *e = &t->cache[i];
        if (!e->s) {
            if (free_slot < 0) free_slot = i;
            continue;
        }
        if (e->hash == h && e->font == f && strcmp(e->s, s) == 0) {
            e->last_used = t->frame;
            return e;
        }
        if (lru < 0 || e->last_used < t->cache[lru].last_used) lru = i;
    }
    if (free_slot < 0) {   /* full: the least recently used one goes */
        entry_free(t, &t->cache[lru]);
        free_slot = lru;
    }
    cache_entry *e = &t->cache[free_slot];
    size_t len = strlen(s);
    e->s = malloc(len + 1);
    if (!e->s) return NULL;
    memcpy(e->s, s, len + 1);
    e->hash = h;
    e->font = f;
    e->last_used = t->frame;
    t->used++;

    SDL_Surface *surf = t->builtin ? render_builtin(t, f, s) : t->font[f] ? render_white(t->font[f], s) : NULL;
    if (surf) {
        e->tex = SDL_CreateTextureFromSurface(t->r, surf);
        if (e->tex) {
            SDL_SetTextureBlendMode(e->tex, SDL_BLENDMODE_BLEND);
            e->w = surf->w;
            e->h = surf->h;
            e->bytes = (long)surf->w * surf->h * 4;
            t->bytes += e->bytes;
        }
        SDL_FreeSurface(surf);
    }
    cache_trim(t, e);
    return e;
}

/* ---- public --------------------------------------------------------------- */

ui_text *text_create(SDL_Renderer *r, const char *font_path, float scale, char *err, size_t err_size)
{
    if (err && err_size) err[0] = '\0';
    if (!r || !font_path || !*font_path) {
        if (err && err_size) snprintf(err, err_size, "text_create: no renderer or no font path");
        return NULL;
    }
    if (strlen(font_path) >= PATH_MAX_LEN) {
        if (err && err_size) snprintf(err, err_size, "font path too long: %.64s...", font_path);
        return NULL;
    }
    if (!readable_file(font_path)) {
        if (err && err_size) snprintf(err, err_size, "%s is not a readable file", font_path);
        return NULL;
    }
    if (!TTF_WasInit() && TTF_Init() != 0) {
        if (err && err_size) snprintf(err, err_size, "cannot start SDL_ttf: %s", TTF_GetError());
        return NULL;
    }
    ui_text *t = calloc(1, sizeof *t);
    if (!t) {
        if (err && err_size) snprintf(err, err_size, "out of memory");
        return NULL;
    }
    t->r = r;
    snprintf(t->path, sizeof t->path, "%s", font_path);
    t->scale = sane_scale(scale);
    if (open_fonts(t->path, t->scale, t->font, err, err_size) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

ui_text *text_create_builtin(SDL_Renderer *r, float scale)
{
    if (!r) return NULL;
    ui_text *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->r = r;
    t->builtin = 1;
    snprintf(t->path, sizeof t->path, "(built-in)");
    t->scale = sane_scale(scale);
    return t;
}

int text_is_builtin(const ui_text *t) { return t && t->builtin; }

void text_free(ui_text *t)
{
    if (!t) return;
    cache_clear(t);
    close_fonts(t->font);
    free(t);
}

void text_set_scale(ui_text *t, float scale)
{
    if (!t) return;
    scale = sane_scale(scale);
    if (fabsf(scale - t->scale) < 1e-3f) return;
    if (t->builtin) {
        cache_clear(t);
        t->scale = scale;
        return;
    }
    TTF_Font *fonts[FONT_COUNT];
    /* Keep the old fonts if the new sizes cannot be opened. */
    if (open_fonts(t->path, scale, fonts, NULL, 0) != 0) return;
    cache_clear(t);
    close_fonts(t->font);
    memcpy(t->font, fonts, sizeof fonts);
    t->scale = scale;
}

static int valid_font(ui_text *t, font_size f)
{
    return t && (int)f >= 0 && f < FONT_COUNT && (t->builtin || t->font[f]);
}

int text_draw(ui_text *t, font_size f, const char *s, int x, int y, SDL_Color c, int align)
{
    if (!valid_font(t, f) || !s || !*s) return 0;
    cache_entry *e = cache_get(t, f, s);
    if (!e || !e->tex) return 0;
    int h_align = align & 3, v_align = align & 12;
    SDL_Rect dst = {x, y, e->w, e->h};
    if (h_align == TEXT_CENTER) dst.x -= e->w / 2;
    else if (h_align == TEXT_RIGHT) dst.x -= e->w;
    if (v_align == TEXT_MIDDLE) dst.y -= e->h / 2;
    else if (v_align == TEXT_BOTTOM) dst.y -= e->h;
    SDL_SetTextureColorMod(e->tex, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(e->tex, c.a);
    SDL_RenderCopy(t->r, e->tex, NULL, &dst);
    return e->w;
}

int text_drawf(ui_text *t, font_size f, int x, int y, SDL_Color c, int align, const char *fmt, ...)
{
    if (!fmt) return 0;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) return 0;
    if ((size_t)n >= sizeof buf) {
        /* Truncated: do not leave half a UTF-8 sequence at the end. */
        size_t len = sizeof buf - 1;
        while (len > 0 && ((unsigned char)buf[len - 1] & 0xC0) == 0x80) len--;
        if (len > 0 && ((unsigned char)buf[len - 1] & 0x80)) len--;   /* the lead byte */
        buf[len] = '\0';
    }
    return text_draw(t, f, buf, x, y, c, align);
}

int text_width(ui_text *t, font_size f, const char *s)
{
    if (!valid_font(t, f) || !s || !*s) return 0;
    if (t->builtin) return builtin_width(t, f, builtin_font_ascii(s, NULL, 0));
    int w = 0, h = 0;
    if (TTF_SizeUTF8(t->font[f], s, &w, &h) != 0) return 0;
    return w;
}

/* The n bytes at s as a string of their own: in buf when they fit, else on
 * the heap (free it if it is not buf). NULL if out of memory. */
static char *terminated(const char *s, size_t n, char *buf, size_t size)
{
    char *p = n < size ? buf : malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

int text_width_n(ui_text *t, font_size f, const char *s, size_t n)
{
    char buf[256], *p = terminated(s, n, buf, sizeof buf);
    int w = p ? text_width(t, f, p) : 0;
    if (p != buf) free(p);
    return w;
}

int text_draw_n(ui_text *t, font_size f, const char *s, size_t n, int x, int y, SDL_Color c, int align)
{
    char buf[256], *p = terminated(s, n, buf, sizeof buf);
    int w = p ? text_draw(t, f, p, x, y, c, align) : 0;
    if (p != buf) free(p);
    return w;
}

const char *text_fit_tail(ui_text *t, font_size f, const char *s, int width)
{
    if (!s || text_width(t, f, s) <= width) return s;
    /* Width only shrinks as the start moves right: binary search on the
     * start, kept on UTF-8 character boundaries. */
    size_t lo = 0, hi = strlen(s);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        while (mid < hi && ((unsigned char)s[mid] & 0xC0) == 0x80) mid++;
        if (mid >= hi) break;
        if (text_width(t, f, s + mid) <= width) hi = mid;
        else for (lo = mid + 1; lo < hi && ((unsigned char)s[lo] & 0xC0) == 0x80; lo++) {}
    }
    return s + hi;
}

const char *text_fit_head(ui_text *t, font_size f, const char *s, int width, char *buf, size_t size)
{
    static const char ellipsis[] = "…";
    if (!s || text_width(t, f, s) <= width || size < sizeof ellipsis) return s;
    /* Width only grows with the length: binary search on it, on UTF-8
     * character boundaries. */
    size_t lo = 0, hi = strlen(s);
    if (hi > size - sizeof ellipsis) hi = size - sizeof ellipsis;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        while (mid > lo && ((unsigned char)s[mid] & 0xC0) == 0x80) mid--;
        if (mid == lo) break;
        memcpy(buf, s, mid);
        memcpy(buf + mid, ellipsis, sizeof ellipsis);
        if (text_width(t, f, buf) <= width) lo = mid;
        else hi = mid - 1;
    }
    while (lo > 0 && ((unsigned char)s[lo] & 0xC0) == 0x80) lo--;
    while (lo > 0 && s[lo - 1] == ' ') lo--;
    memcpy(buf, s, lo);
    memcpy(buf + lo, ellipsis, sizeof ellipsis);
    return buf;
}

int text_height(ui_text *t, font_size f)
{
    if (!valid_font(t, f)) return 0;
    if (t->builtin) return BUILTIN_CELL_H * builtin_k(t, f);
    return TTF_FontHeight(t->font[f]);
}

void text_end_frame(ui_text *t)
{
    if (!t) return;
    t->frame++;
    if (t->used == 0) return;
    for (int i = 0; i < CACHE_MAX; i++) {
        cache_entry *e = &t->cache[i];
        if (e->s && t->frame - e->last_used > CACHE_IDLE_FRAMES) entry_free(t, e);
    }
}

/* One calm dark palette for the whole window. Ink is white on near-black,
 * like MNIST, so the canvas and the network's view look alike. */
#ifndef DP_THEME_H
#define DP_THEME_H

#include <SDL.h>

static const SDL_Color THEME_BG = {24, 26, 31, 255};          /* window background */
static const SDL_Color THEME_PANEL = {34, 37, 44, 255};       /* panels, toolbar */
static const SDL_Color THEME_PANEL_EDGE = {52, 56, 66, 255};  /* panel borders, grid lines */
static const SDL_Color THEME_TEXT = {228, 230, 235, 255};
static const SDL_Color THEME_TEXT_DIM = {139, 144, 156, 255};
static const SDL_Color THEME_DISABLED = {86, 90, 100, 255};
static const SDL_Color THEME_ACCENT = {255, 167, 38, 255};    /* top prediction, active curve */
static const SDL_Color THEME_ACCENT_2 = {79, 195, 247, 255};  /* second series (accuracy) */
static const SDL_Color THEME_GOOD = {102, 187, 106, 255};
static const SDL_Color THEME_BAD = {239, 83, 80, 255};
static const SDL_Color THEME_CANVAS = {8, 8, 10, 255};
static const SDL_Color THEME_INK = {250, 250, 250, 255};
static const SDL_Color THEME_BUTTON = {48, 52, 62, 255};
static const SDL_Color THEME_BUTTON_HOVER = {62, 67, 80, 255};
static const SDL_Color THEME_BUTTON_DOWN = {38, 41, 49, 255};

/* One colour per digit, for the drawing's ten probabilities over training:
 * hues around the circle at even lightness, so no digit stands out unfairly. */
static const SDL_Color THEME_DIGIT[10] = {
    {239, 83, 80, 255},  {255, 167, 38, 255}, {255, 238, 88, 255}, {156, 204, 101, 255}, {38, 166, 154, 255},
    {79, 195, 247, 255}, {92, 107, 192, 255}, {171, 71, 188, 255}, {236, 64, 122, 255},  {189, 189, 189, 255},
};

#endif

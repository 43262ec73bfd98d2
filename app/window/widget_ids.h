/* Every widget of the window has an id, unique among those drawn in one
 * frame (hover, press and tooltips follow it). Each module's range, in one
 * place so that they cannot collide. */
#ifndef DP_WIDGET_IDS_H
#define DP_WIDGET_IDS_H

enum {
    ID_TOOLBAR = 1,       /* + button_id */
    ID_BRUSH = 100,
    ID_STATUS = 110,      /* Go back, Keep */
    ID_KEEP = 120,        /* + digit */
    ID_KEPT_ROW = 140,    /* My digits…, Collect, Fine-tune */
    ID_DIALOG = 500,      /* a dialog's own buttons and steppers */
    ID_LOAD_LIST = 600,   /* + model listed */
    ID_GALLERY = 700,     /* My digits and the fine-tune result */
    ID_GALLERY_TAB = 720,
    ID_GALLERY_CELL = 800,
    ID_VIEW_TAB = 900,
    ID_NEAREST = 920,
    ID_EVAL_CELL = 1000,
    ID_MATRIX = 1100,     /* + 10 × true + predicted */
    ID_EVAL_BUTTONS = 1400,
};

#endif

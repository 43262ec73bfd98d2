#include "scripted.h"
#include "actions.h"
#include "training.h"

static int has_job(const window_options *o) { return o->train_steps > 0 || o->finetune || o->evaluate; }

void scripted_start(app *a)
{
    const window_options *o = &a->opt;
    if (has_job(o)) {
        int started = o->finetune ? training_finetune(a) : o->evaluate ? training_evaluate(a) : training_start(a);
        if (!started) a->script_failed = 1;   /* the status line says why (a job that ends at once is not a failure) */
    }
    if (o->my_digits) dialog_open(&a->dialog, DIALOG_DIGITS);
    if (o->view) views_set(&a->views, o->view);
}

/* --evaluate, --cell T,P[,K]: the evaluation shown, then the cell opened,
 * then its K-th digit put on the canvas. */
static int eval_ready(app *a)
{
    const window_options *o = &a->opt;
    eval_view *v = &a->eval;
    if (a->script_failed) return 1;
    if (!v->have) return 0;
    if (o->cell_t < 0) return a->dialog.open == DIALOG_EVAL;
    if (a->dialog.open == DIALOG_EVAL) evalview_open_cell(v, &a->dialog, o->cell_t, o->cell_p);
    if (o->cell_k < 0) return a->dialog.open == DIALOG_EVAL_CELL;
    if (a->dialog.open == DIALOG_EVAL_CELL) {
        if (o->cell_k >= v->list_n) {
            status_set(&a->status, 1, "--cell: the cell %d,%d has %d digits, no number %d", o->cell_t, o->cell_p,
                       v->list_n, o->cell_k);
            a->script_failed = 1;   /* the shot is taken, and the exit status says it is not the one asked for */
            return 1;
        }
        command_push(&a->cmds, CMD_OPEN_TEST_DIGIT, v->list[o->cell_k]);
        actions_run(a);
        return 0;   /* read it first */
    }
    return drawing_image(&a->canvas.draw) && a->dialog.open == DIALOG_NONE;
}

/* Is the picture the user asked for ready? With --train-steps it is taken
 * while training still runs, progress bar and all; quitting then stops the
 * job. */
static int shot_ready(app *a)
{
    const window_options *o = &a->opt;
    const jobs_status *j = &a->train.job;
    if (!reading_current(&a->reading, &a->canvas.draw, &a->model)) return 0;
    const view_state *v = &a->views;
    if (v->view == VIEW_NEAREST && v->emb && !v->current.n && !v->current.error[0]) return 0;
    if (has_job(o) && j->done && !j->busy && j->phase == PHASE_FAILED) {   /* it started, then failed */
        a->script_failed = 1;   /* the shot shows why; the exit status says it is not the one asked for */
        return 1;
    }
    if (o->finetune) return a->script_failed || a->dialog.open == DIALOG_FINETUNE;
    if (o->evaluate) return eval_ready(a);
    if (o->train_steps <= 0 || a->script_failed) return 1;
    if (j->kind != JOB_TRAIN) return 0;
    return j->progress.step >= o->train_steps || (!j->busy && j->phase >= PHASE_DONE);
}

int scripted_shot_due(app *a)
{
    if (!a->opt.screenshot_path || !shot_ready(a)) return 0;
    a->dirty = 1;   /* keep drawing until the shot is taken */
    return ++a->script_frames >= 2;   /* one settled frame first */
}

int scripted_exit_status(const app *a)
{
    const window_options *o = &a->opt;
    if (!o->screenshot_path) return 0;
    if (a->script_failed) return 1;
    if (has_job(o) && a->train.job.phase == PHASE_FAILED) return 1;
    return 0;
}

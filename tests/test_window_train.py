#!/usr/bin/env python3
"""End-to-end test of training in the window, under Xvfb: click Train, watch
the loss points arrive and fall and the drawing's probabilities follow,
click Stop, and check that training stops (needs MNIST). How soon it stops
is printed, not checked (bench/window_bench.py measures it): only a hang
fails.

usage: test_window_train.py DIGITPAD
"""
import os
import sys
import tempfile
import time

from dptest import check, find_mnist, report
from window_harness import DIGITS, HANG_S, Window, Xvfb, program_from_argv


def test_train(tmp):
    find_mnist()
    with Xvfb() as x:
        w = Window(x.display)
        try:
            w.next_line("canvas", 20)
            w.find()
            w.next_line("button", 5, accept=lambda f: f[1] == "stop")
            w.draw(DIGITS["4"])
            check("train" in w.buttons and "stop" in w.buttons, f"buttons logged: {sorted(w.buttons)}")
            w.click("train")
            steps = []
            while True:
                f = w.next_line("train", 60)
                if f is None:
                    break
                steps.append((int(f[1]), float(f[2])))
                if steps[-1][0] >= 300:
                    break
            check(len(steps) >= 20 and steps[-1][0] >= 300, f"training reached step {steps[-1:]} ")
            if len(steps) >= 20:
                first = sum(l for _, l in steps[:5]) / 5
                last = sum(l for _, l in steps[-5:]) / 5
                check(last < first * 0.5, f"loss fell from {first:.3f} to {last:.3f}")
            # While training, predictions for the drawing follow the new weights, and its
            # probabilities are charted step by step.
            check(w.next_line("predict", 5) is not None, "the drawing is re-predicted while training runs")
            learned = [l.split("\t") for l in w.log if l.startswith("learn\t")]
            steps_seen = [int(f[1]) for f in learned]
            check(len(learned) >= 5 and steps_seen == sorted(set(steps_seen)),
                  f"the drawing's probabilities are followed step by step: {len(learned)} points")
            check(learned and learned[-1][2] == "4" and float(learned[-1][3]) > 0.5,
                  f"and the drawn 4 becomes a 4: {learned[-1:]}")
            # How soon is printed, not checked (bench/window_bench.py measures it): only a hang fails.
            t0 = time.time()
            w.click("stop")
            f = w.next_line("job", HANG_S, accept=lambda f: f[1] == "train")
            elapsed = time.time() - t0
            check(f is not None and f[2] == "stopped", f"Stop ends training: {f} after {elapsed:.2f} s")
            check(elapsed < HANG_S, f"Stop took {elapsed:.2f} s: a hang")
            print(f"training: {len(steps)} loss points up to step {steps[-1][0] if steps else 0}, "
                  f"stopped {elapsed:.2f} s after the click")
            # The run's end is set against the model before it; Esc closes
            # that dialog and leaves the choice at the bottom of the window.
            f = w.next_line("dialog", 10, accept=lambda f: f[1] == "trained")
            check(f is not None, "the end of the run shows its result")
            w.key("Escape")
            check(w.next_line("dialog", 10, accept=lambda f: f[1] == "none") is not None, "Esc closes it")
            # A train --csv file plotted after the run stays plotted: the run's
            # points are not copied over it any more.
            csv = os.path.join(tmp, "plot.csv")
            with open(csv, "w") as fh:
                fh.write("step,epoch,loss,train_acc,lr,img_per_s,elapsed_s,test_acc\n")
                fh.write("".join(f"{s},1,5.0,0.1,0.001,100,1,\n" for s in range(10, 410, 10)))
            w.drain()
            w.key("ctrl+o")
            time.sleep(0.3)
            w.xdo("type", "--window", w.wid, "--delay", "3", csv)
            w.key("Return")
            f = w.next_line("plotted", 10)
            check(f is not None and f[1] == "40", f"the CSV's 40 rows are plotted: {f}")
            w.settle(2.0)
            w.drain()
            shown = [l.split("\t")[1] for l in w.log if l.startswith("chart\t")]
            check(shown and shown[-1] == "40", f"the loss chart shows the CSV's 40 points, not the run's: {shown[-3:]}")
            print(f"training: the loss chart's points as logged: {shown[-3:]}")
        finally:
            rc = w.close()
        check(rc == 0, f"the window exits cleanly (exit {rc})")


def main():
    program_from_argv(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        test_train(tmp)
    return report("window train")


if __name__ == "__main__":
    sys.exit(main())

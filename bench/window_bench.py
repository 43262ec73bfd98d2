#!/usr/bin/env python3
"""Measures the window as a user meets it, under Xvfb driven by xdotool:

  - start-up: from launching the program to its first drawn frame (the
    program's own figure and the wall time seen from outside);
  - Train with the default settings: seconds from the key press until the
    full MNIST test set reaches 99.0 % (the window logs each epoch's score);
  - frame times while training and while the pen moves (median and p99 of
    the work per frame and of the interval between frames);
  - peak resident memory over the whole run.

usage: bench/window_bench.py [--digitpad PATH] [--timeout S]
Needs Xvfb, xdotool and MNIST (DIGITPAD_MNIST or ~/.local/share/digitpad/mnist).
"""
import argparse
import math
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

from dptest import find_mnist  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--digitpad", default=os.path.join(HERE, "..", "build", "app", "digitpad"))
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args()
    sys.argv = ["test_window.py", args.digitpad, "train"]   # what test_window expects
    import test_window as tw
    find_mnist()

    with tw.Xvfb() as x:
        t_launch = time.time()
        w = tw.Window(x.display)
        first = w.next_line("first_frame_ms", 20)
        t_first = time.time() - t_launch
        w.next_line("button", 5, accept=lambda f: f[1] == "help")
        w.find()
        # Press Train (the T key, as a user would) and watch: when does the
        # full test set first reach 99 %?
        t_train = time.time()
        w.key("t")
        reached = None
        while reached is None and time.time() - t_train < args.timeout:
            f = w.next_line("accuracy", 1.0)
            if f is not None and float(f[2]) >= 0.99:
                reached = (time.time() - t_train, float(f[2]), int(f[1]))
        w.next_line("job", args.timeout)
        # Train again and draw circles the whole time: frame times while the
        # pen moves and the trainer runs on both cores.
        w.key("t")
        w.next_line("train", 30)
        x0, y0 = w.to_window(220, 140)
        w.xdo("mousemove", "--window", w.wid, str(x0), str(y0))
        w.xdo("mousedown", "1")
        cmds = []
        for k in range(600):
            px, py = w.to_window(140 + 80 * math.cos(k * 0.15), 140 + 80 * math.sin(k * 0.15))
            cmds += ["mousemove", "--window", w.wid, str(px), str(py), "sleep", "0.01"]
        w.xdo(*cmds)
        w.xdo("mouseup", "1")
        w.close()
        frames = memory = None
        while True:
            try:
                line = w.lines.get(timeout=3)
            except Exception:
                break
            if line.startswith("frames"):
                frames = line.split("\t")
            elif line.startswith("memory"):
                memory = line.split("\t")

    print(f"start-up to first frame: {float(first[1]):.0f} ms (program), {1000 * t_first:.0f} ms (seen from outside)"
          if first else "start-up: no first_frame line")
    if reached:
        print(f"Train (defaults) reached {100 * reached[1]:.2f} % on the MNIST test set "
              f"{reached[0]:.1f} s after the key press (step {reached[2]})")
    else:
        print(f"Train (defaults) did not reach 99.0 % within {args.timeout:.0f} s")
    if frames:
        f = dict(zip(frames[2::2], frames[3::2]))
        print(f"frames: {frames[1]} drawn; work per frame median {f['work_median_ms']} ms, p99 {f['work_p99_ms']} ms; "
              f"drawing while training, interval between frames median "
              f"{f.get('drawing_interval_median_ms', '-')} ms, p99 {f.get('drawing_interval_p99_ms', '-')} ms")
    if memory:
        print(f"peak resident memory: {memory[2]} MB")
    return 0 if reached else 1


if __name__ == "__main__":
    sys.exit(main())

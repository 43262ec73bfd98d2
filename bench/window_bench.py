#!/usr/bin/env python3
"""Measures the window as a user meets it, under Xvfb driven by xdotool:

  - start-up: from launching the program to its first drawn frame (the
    program's own figure and the wall time seen from outside);
  - Train with the default settings: seconds from the key press until the
    full MNIST test set reaches 99.0 % (the window logs each epoch's score);
  - frame times while training and while the pen moves (median and p99 of
    the work per frame and of the interval between frames);
  - Stop: seconds from clicking Stop while training until the window logs
    the job as stopped;
  - closing the window mid-training (WM_DELETE_WINDOW, what a window
    manager sends for its close button): seconds until the program exits;
  - peak resident memory over the whole run.

The tests (tests/test_window_*.py) only check that Stop and closing
happen, with a bound that catches a hang; these figures are the speed.

usage: bench/window_bench.py [--digitpad PATH] [--timeout S]
Needs Xvfb, xdotool and MNIST (DIGITPAD_MNIST or ~/.local/share/digitpad/mnist).
"""
import argparse
import math
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

from dptest import find_mnist  # noqa: E402
import window_harness as tw  # noqa: E402


def training(w, timeout):
    """Makes sure a training job runs (T starts one if none does); True once it logs a step."""
    w.drain()   # the lines so far, so that w.busy is current and an old "job" line is not taken for a new one
    if w.busy:
        return True
    w.key("t")
    return w.next_line("train", timeout) is not None


def stop_latency(w, timeout):
    """Seconds from clicking Stop while training until the job is logged as stopped (None if it is not)."""
    if not training(w, timeout):
        return None
    t0 = time.time()
    w.click("stop")
    f = w.next_line("job", timeout, accept=lambda f: f[1] == "train")
    return time.time() - t0 if f is not None and f[2] == "stopped" else None


def close_latency(w, display, timeout):
    """Seconds from the close request, sent while training, until the program
    has exited, and how it was asked (None for the time if it did not exit)."""
    if not training(w, timeout):
        return None, "-"
    t0 = time.time()
    how = "WM_DELETE_WINDOW" if tw.send_close_request(display, w.wid) else "SIGTERM"
    if how == "SIGTERM":
        w.proc.send_signal(signal.SIGTERM)
    try:
        w.proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, how
    return time.time() - t0, how


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--digitpad", default=os.path.join(HERE, "..", "build", "app", "digitpad"))
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args()
    tw.set_digitpad(args.digitpad)
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
        # Stop while training, then close the window while training again.
        stop_s = stop_latency(w, args.timeout)
        close_s, how = close_latency(w, x.display, args.timeout)
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
    print(f"Stop to job stopped: {1000 * stop_s:.0f} ms" if stop_s is not None
          else f"Stop: the job was not logged as stopped within {args.timeout:.0f} s")
    print(f"close the window mid-training to exit ({how}): {1000 * close_s:.0f} ms" if close_s is not None
          else f"close the window mid-training ({how}): no exit within {args.timeout:.0f} s")
    if memory:
        print(f"peak resident memory: {memory[2]} MB")
    return 0 if reached and stop_s is not None and close_s is not None else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""End-to-end test of the window without an X server: SDL's offscreen video
driver renders the drawing path of --strokes with --screenshot and saves a
PNG; an empty canvas is "no digit", a bad stroke file one clear error; a
scripted job that fails ends the run, one that ends at once is a success.

usage: test_window_offscreen.py DIGITPAD
"""
import os
import subprocess
import sys
import tempfile

from dptest import check, report
from window_harness import DIGITS, HANG_S, program_from_argv

DIGITPAD = None   # set by main()


def test_offscreen(tmp):
    stroke_file = os.path.join(tmp, "seven.txt")
    with open(stroke_file, "w") as f:
        f.write("\n".join(DIGITS["7"]) + "\n")
    png = os.path.join(tmp, "shot.png")
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen")
    env.pop("DISPLAY", None)
    p = subprocess.run([DIGITPAD, "--verbose", "--strokes", stroke_file, "--screenshot", png],
                       capture_output=True, text=True, timeout=60, env=env)
    check(p.returncode == 0, f"offscreen screenshot run: exit {p.returncode}: {p.stderr}")
    preds = [l.split("\t") for l in p.stdout.splitlines() if l.startswith("predict\t")]
    check(preds and preds[-1][1] == "7", f"offscreen prediction of a drawn 7: {preds[-1:]}")
    check(os.path.exists(png) and open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n", "screenshot is a PNG")
    # An empty canvas is "no digit", not a guess.
    empty = os.path.join(tmp, "empty.txt")
    open(empty, "w").close()
    p = subprocess.run([DIGITPAD, "--verbose", "--strokes", empty, "--screenshot", png],
                       capture_output=True, text=True, timeout=60, env=env)
    preds = [l.split("\t") for l in p.stdout.splitlines() if l.startswith("predict\t")]
    check(p.returncode == 0 and preds and preds[-1][1] == "-", f"empty canvas predicts '-': {preds[-1:]}")
    # A bad stroke file is one clear error, exit 1.
    bad = os.path.join(tmp, "bad.txt")
    with open(bad, "w") as f:
        f.write("1,2 3;4\n")
    p = subprocess.run([DIGITPAD, "--strokes", bad, "--screenshot", png], capture_output=True, text=True,
                       timeout=60, env=env)
    check(p.returncode == 1 and f"{bad}:1:" in p.stderr, f"bad stroke file: {p.returncode} {p.stderr!r}")
    # A scripted evaluation whose job starts and then fails (MNIST files that
    # are there but empty) ends with the picture and exit 1; it used to wait
    # for the evaluation forever.
    broken = os.path.join(tmp, "broken-mnist")
    os.makedirs(broken)
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        open(os.path.join(broken, name), "w").close()
    try:
        p = subprocess.run([DIGITPAD, "--verbose", "--evaluate", "--screenshot", png], capture_output=True, text=True,
                           timeout=HANG_S, env=dict(env, DIGITPAD_MNIST=broken))
        failed = [l for l in p.stdout.splitlines() if l.startswith("job\teval\tfailed")]
        check(p.returncode == 1 and failed and "empty file" in p.stderr,
              f"a failing scripted evaluation ends: exit {p.returncode}, {failed}, {p.stderr!r}")
    except subprocess.TimeoutExpired:
        check(False, f"a scripted evaluation whose job failed did not end within {HANG_S} s")


def write_tiny_mnist(folder, n):
    """MNIST's four files with n random images each (idx format, raw)."""
    import random
    import struct
    rng = random.Random(5)
    os.makedirs(folder)
    for prefix in ("train", "t10k"):
        with open(os.path.join(folder, f"{prefix}-images-idx3-ubyte"), "wb") as f:
            f.write(struct.pack(">IIII", 2051, n, 28, 28) + bytes(rng.randrange(256) for _ in range(n * 784)))
        with open(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
            f.write(struct.pack(">II", 2049, n) + bytes(i % 10 for i in range(n)))


def test_quick_job(tmp):
    """A scripted evaluation that ends almost at once (a tiny test set) is a
    success, with the evaluation on the picture: the run does not judge a
    job by whether it still runs right after it started."""
    tiny = os.path.join(tmp, "tiny-mnist")
    write_tiny_mnist(tiny, 10)
    png = os.path.join(tmp, "quick.png")
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", DIGITPAD_MNIST=tiny)
    env.pop("DISPLAY", None)
    for run in range(2):
        try:
            p = subprocess.run([DIGITPAD, "--verbose", "--evaluate", "--screenshot", png], capture_output=True,
                               text=True, timeout=HANG_S, env=env)
        except subprocess.TimeoutExpired:
            check(False, f"a scripted evaluation of 10 images did not end within {HANG_S} s")
            return
        done = [l for l in p.stdout.splitlines() if l.startswith("job\teval\tdone")]
        check(p.returncode == 0 and done and os.path.exists(png),
              f"run {run}: a quick scripted evaluation succeeds: exit {p.returncode}, {done}, {p.stderr!r}")


def main():
    global DIGITPAD
    DIGITPAD = program_from_argv(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        test_offscreen(tmp)
        test_quick_job(tmp)
    return report("window offscreen")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""A cross build against the native one, on this machine (run by tools/cross-test.sh):

usage: test_cross.py NATIVE_DIGITPAD CROSS_DIGITPAD WRAPPER...

  - the shipped model (written on x86-64) reads every MNIST test image the same on both: every
    probability within 1e-4, the same answers, the same accuracy;
  - a model trained and saved by the cross build reads the same on the native one, and the other
    way round (the file format is little-endian byte by byte on both);
  - the cross build trains deterministically: the same seed and threads, the same file;
  - predict on the example stroke files gives the same digits and probabilities.
The wrapper (e.g. qemu-aarch64-static) runs the cross build's programs.
"""
import os
import subprocess
import sys
import tempfile
import time

from dptest import check, find_mnist, report

NATIVE = [os.path.abspath(sys.argv[1])]
CROSS = [*sys.argv[3:], os.path.abspath(sys.argv[2])]
SOURCE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
TOLERANCE = 1e-4


def run(cmd, *args):
    t0 = time.time()
    p = subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=3600)
    check(p.returncode == 0, f"{' '.join(cmd[-1:] + list(args))}: exit {p.returncode} {p.stderr.strip()!r}")
    return p.stdout, time.time() - t0


def probabilities(cmd, model, out):
    run(cmd, "eval", "--model", model, "--probabilities", out)
    rows = []
    if os.path.exists(out):
        for line in open(out).read().splitlines()[1:]:
            f = line.split(",")
            rows.append((int(f[1]), int(f[2]), [float(x) for x in f[3:13]]))
    return rows


def same_reading(model, tmp, what):
    """Both builds evaluate MODEL on the MNIST test set; every probability agrees."""
    name = os.path.basename(model)
    a = probabilities(NATIVE, model, os.path.join(tmp, name + ".native.csv"))
    b = probabilities(CROSS, model, os.path.join(tmp, name + ".cross.csv"))
    worst = max((abs(x - y) for ra, rb in zip(a, b) for x, y in zip(ra[2], rb[2])), default=1.0)
    answers_differ = sum(ra[1] != rb[1] for ra, rb in zip(a, b))
    acc_a = sum(r[0] == r[1] for r in a) / max(1, len(a))
    acc_b = sum(r[0] == r[1] for r in b) / max(1, len(b))
    print(f"{what}: {len(b)} test images, worst probability difference {worst:.2g}, "
          f"{answers_differ} answers differ, accuracy {acc_a:.4f} native, {acc_b:.4f} cross")
    check(len(a) == 10000 and len(b) == 10000, f"{what}: {len(a)} and {len(b)} rows")
    check(worst <= TOLERANCE, f"{what}: probabilities differ by {worst} > {TOLERANCE}")
    check(answers_differ == 0 and acc_a == acc_b, f"{what}: {answers_differ} answers differ")


def trained_by(cmd, out, seed):
    """A small network trained briefly and saved by CMD."""
    run(cmd, "train", "--arch", "conv8k3 relu pool dense32 relu dense10", "--limit", "3000", "--epochs", "1",
        "--seed", str(seed), "--threads", "2", "--quiet", "--out", out)
    return out


def main():
    find_mnist()
    with tempfile.TemporaryDirectory(prefix="dp_cross_") as tmp:
        same_reading(os.path.join(SOURCE, "assets", "digitpad.model"), tmp, "shipped model (written on x86-64)")
        # The file names the output path (in its META text), so both runs write the same path, and the
        # first file is moved aside before the second run: a failed second run leaves nothing to compare.
        cross_model = trained_by(CROSS, os.path.join(tmp, "cross.model"), 5)
        first = open(cross_model, "rb").read() if os.path.exists(cross_model) else b""
        if first:
            os.rename(cross_model, cross_model + ".first")
            trained_by(CROSS, cross_model, 5)
        again = open(cross_model, "rb").read() if os.path.exists(cross_model) else b""
        check(first and first == again, "the cross build trained twice with one seed: different files")
        print(f"training on the cross build: the same seed twice gives the same {len(again)}-byte file")
        same_reading(cross_model, tmp, "a model the cross build saved")
        same_reading(trained_by(NATIVE, os.path.join(tmp, "native.model"), 6), tmp, "a model the native build saved")
        examples = os.path.join(SOURCE, "assets", "examples")
        files = sorted(os.path.join(examples, n) for n in os.listdir(examples) if n.endswith(".txt"))
        check(len(files) >= 3, f"examples: {files}")
        a, _ = run(NATIVE, "predict", *files)
        b, _ = run(CROSS, "predict", *files)
        digits = lambda out: [line.split("\t")[:2] for line in out.splitlines()]
        probs = lambda out: [float(x) for line in out.splitlines() for x in line.split("\t")[2].split()]
        worst = max((abs(x - y) for x, y in zip(probs(a), probs(b))), default=1.0)
        check(len(a.splitlines()) == len(files) and digits(a) == digits(b) and worst <= TOLERANCE,
              f"predict on the examples: native {digits(a)}, cross {digits(b)}, worst difference {worst}")
        print(f"predict: {len(files)} example drawings read alike")
    return report("cross")


if __name__ == "__main__":
    sys.exit(main())

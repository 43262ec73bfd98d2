#!/usr/bin/env python3
"""The seed network in PyTorch, measured the way `digitpad bench` measures it
(app/cli/cli_bench.c): training and inference throughput on synthetic data, each
a warm-up then the median of 5 timed repeats, and the latency of one drawing
done as a Python app would do it (numpy rasterizer and MNIST recipe, then
forward and softmax). bench/compare.sh puts the two side by side.

usage: pytorch_baseline.py [--seconds S] [--threads T] [--json]
Needs Debian's python3-torch, which is installed for /usr/bin/python3."""
import argparse
import json
import os
import re
import statistics
import sys
import time

REPEATS = 5
BATCHES = (32, 64, 128, 256)
CANVAS = 280
MNIST_STROKE, FIT, MIN_INK = 2.48, 20, 30.0   # as core/preprocess.h

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--seconds", type=float, default=1.0, help="time spent on each figure (default 1)")
ap.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2)")
ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
args = ap.parse_args()
if args.seconds <= 0 or args.threads < 1:
    ap.error("--seconds and --threads must be positive")

# torch parallelizes with OpenMP around its BLAS calls; OpenBLAS's own thread
# pool (sized from the environment when torch loads it, out of reach of
# torch.set_num_threads) would compete with OpenMP's spinning threads: on 2
# cores that doubled the drawing latency and put its p99 at 36 ms.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError as e:
    print(f"pytorch_baseline: {e}: install python3-torch and run with /usr/bin/python3", file=sys.stderr)
    sys.exit(77)

# Interop threads can only be set before any parallel work, so first thing.
torch.set_num_interop_threads(1)
torch.set_num_threads(args.threads)


def seed_net():
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))


def rate(step, items):
    """items/s of step(): one warm-up repeat, then the median of REPEATS."""
    rates = []
    for r in range(REPEATS + 1):
        n, t0 = 0, time.perf_counter()
        while True:
            step()
            n += items
            t = time.perf_counter() - t0
            if t >= args.seconds / REPEATS:
                break
        if r:
            rates.append(n / t)
    return statistics.median(rates)


def bench_train(images, labels, B):
    model = seed_net().train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    step = 0

    def one():
        nonlocal step
        first = step * B % (1000 - B + 1)   # walk the 1000 images as digitpad does
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(images[first:first + B]), labels[first:first + B]).backward()
        opt.step()
        step += 1
    return rate(one, B)


def bench_infer(model, images):
    with torch.inference_mode():
        return rate(lambda: torch.softmax(model(images), 1), len(images))


# ---- one drawing, the way a Python app would handle it ------------------------

def sample_drawing():
    """The 3 of app/cli/cli_bench.c: two arcs of 61 points."""
    a = -2.2 + 3.6 * np.arange(61) / 60
    return [np.stack([135 + r * np.cos(a), cy + r * np.sin(a)], 1) for cy, r in ((85, 48), (180, 58))]


def auto_brush(strokes):
    """digitpad's normalized brush: 0.1416 * (extent + 1), clamped to [3, 60]."""
    pts = np.clip(np.concatenate(strokes), 0, CANVAS)
    extent = float((pts.max(0) - pts.min(0)).max())
    return min(max(MNIST_STROKE / (FIT - MNIST_STROKE) * (extent + 1), 3.0), 60.0)


def rasterize(strokes, width):
    """Anti-aliased round brush: a pixel centre at distance d from the stroke
    gets clamp(r + 0.5 - d, 0, 1); segments combine with max. All segments'
    boxes are computed at once (a loop of small numpy calls per segment is 4x
    slower), then max-combined into a canvas padded so no box needs clipping."""
    r = width / 2
    segs = np.concatenate([np.concatenate([p[:-1], p[1:]], 1) if len(p) > 1 else np.concatenate([p, p], 1)
                           for p in strokes]).astype(np.float32)   # ax, ay, bx, by; a dot is a 0-length segment
    a, d = segs[:, :2], segs[:, 2:] - segs[:, :2]
    n = int(np.abs(d).max() + 2 * r + 4)   # one box size holds any segment with its brush
    pad = n + 1
    org = np.clip(np.floor(np.minimum(segs[:, :2], segs[:, 2:]) - r - 1), -pad, CANVAS).astype(int)
    k = np.arange(n, dtype=np.float32) + 0.5
    px = (org[:, 0, None] - a[:, 0, None] + k)[:, None, :]   # pixel centre - a, shape (S, 1, n)
    py = (org[:, 1, None] - a[:, 1, None] + k)[:, :, None]   # (S, n, 1)
    dx, dy = d[:, 0, None, None], d[:, 1, None, None]
    ll = np.maximum(dx * dx + dy * dy, 1e-12)
    t = np.minimum(np.maximum((px * dx + py * dy) / ll, 0), 1)   # nearest point of the segment
    qx, qy = px - t * dx, py - t * dy
    cover = np.minimum(np.maximum(r + 0.5 - np.sqrt(qx * qx + qy * qy), 0), 1)
    big = np.zeros((CANVAS + 2 * pad, CANVAS + 2 * pad), np.float32)
    for (x0, y0), c in zip((org + pad).tolist(), cover):
        box = big[y0:y0 + n, x0:x0 + n]
        np.maximum(box, c, out=box)
    return big[pad:pad + CANVAS, pad:pad + CANVAS]


def area_matrix(n, s):
    """(ceil(n*s) x n) area-averaging weights: output pixel o averages the
    source over [o/s, (o+1)/s)."""
    o = np.arange(int(np.ceil(n * s - 1e-9)))[:, None]
    i = np.arange(n)[None, :]
    overlap = np.minimum((o + 1) / s, i + 1) - np.maximum(o / s, i)
    return (np.clip(overlap, 0, None) * s).astype(np.float32)


def preprocess(canvas):
    """MNIST recipe: crop to the pixels > 0.05, area-average so the longer
    side is 20 px, place in 28x28 with the centre of mass on (14, 14)."""
    out = np.zeros((28, 28), np.float32)
    ink = canvas > 0.05
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    if not rows.size or canvas.sum() < MIN_INK:
        return out   # "no digit"
    crop = canvas[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    s = FIT / max(crop.shape)
    small = area_matrix(crop.shape[0], s) @ crop @ area_matrix(crop.shape[1], s).T
    h, w = small.shape
    m = small.sum()
    cy, cx = np.arange(h) @ small.sum(1) / m, np.arange(w) @ small.sum(0) / m
    oy, ox = int(round(14 - cy)), int(round(14 - cx))   # whole-pixel shift, as the usual recipe
    y0, x0, y1, x1 = max(oy, 0), max(ox, 0), min(oy + h, 28), min(ox + w, 28)
    out[y0:y1, x0:x1] = small[y0 - oy:y1 - oy, x0 - ox:x1 - ox]
    return out


def latency(model):
    """(median, p99) in us of one drawing end to end, and of the forward pass
    (with softmax) alone, sampled as app/cli/cli_bench.c does."""
    strokes = sample_drawing()

    def drawing():
        x = preprocess(rasterize(strokes, auto_brush(strokes)))
        with torch.inference_mode():
            return torch.softmax(model(torch.from_numpy(x).view(1, 1, 28, 28)), 1)[0].numpy()
    x1 = torch.from_numpy(preprocess(rasterize(strokes, auto_brush(strokes)))).view(1, 1, 28, 28)

    def forward():
        with torch.inference_mode():
            return torch.softmax(model(x1), 1)[0].numpy()
    out = []
    for fn in (drawing, forward):
        for _ in range(50):
            fn()
        us, t_end = [], time.perf_counter() + args.seconds
        while len(us) < 20000 and (len(us) < 200 or time.perf_counter() < t_end):
            t0 = time.perf_counter()
            fn()
            us.append(1e6 * (time.perf_counter() - t0))
        us.sort()
        out.append((us[len(us) // 2], us[int(0.99 * (len(us) - 1))]))
    return out


def blas_in_use():
    """BLAS_INFO as built ('generic' on Debian: whatever libblas.so.3 is) and
    the library the loader actually mapped, after a matmul has used it."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    m = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    with open("/proc/self/maps") as f:
        libs = sorted({ln.split()[-1] for ln in f if re.search(r"/lib(blas|openblas|mkl)[^/]*$", ln.strip())})
    lib = next((p for p in libs if os.path.basename(p).startswith("libblas")), libs[0] if libs else "?")
    name = "OpenBLAS" if "openblas" in lib else "reference BLAS" if "/blas/" in lib else os.path.basename(lib)
    return (m.group(1) if m else "?"), lib, name


def main():
    torch.manual_seed(7)
    rng = np.random.default_rng(7)   # like digitpad: 80 % zeros, the rest uniform
    img = np.where(rng.random((1000, 1, 28, 28)) < 0.8, 0.0, rng.random((1000, 1, 28, 28)))
    images = torch.from_numpy(img.astype(np.float32))
    labels = torch.from_numpy(rng.integers(0, 10, 1000))
    blas_info, blas_lib, blas = blas_in_use()

    train = {str(B): bench_train(images, labels, B) for B in BATCHES}
    model = seed_net().eval()
    infer = bench_infer(model, images)
    (lat, p99), (fwd, fwd_p99) = latency(model)
    r = {"torch": torch.__version__, "blas_info": blas_info, "blas_lib": blas_lib, "blas": blas,
         "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
         "openblas_threads": os.environ["OPENBLAS_NUM_THREADS"],
         "train_img_per_s": train["64"], "train": train, "infer_img_per_s": infer,
         "latency_us": lat, "latency_p99_us": p99, "forward_us": fwd, "forward_p99_us": fwd_p99}
    if args.json:
        r["train"] = {k: round(v, 1) for k, v in train.items()}
        print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()}))
        return
    print(f"PyTorch {r['torch']} baseline: {r['threads']} threads (OpenBLAS {r['openblas_threads']}), "
          f"BLAS {blas_info} -> {blas_lib}")
    for B in BATCHES:
        print(f"  training, batch {B:<4d} {train[str(B)]:10.0f} images/s")
    print(f"  inference, batch 1000 {infer:9.0f} images/s")
    print(f"  one drawing, end to end {lat:7.1f} us median, {p99:.1f} us p99")
    print(f"  forward pass alone {fwd:12.1f} us median, {fwd_p99:.1f} us p99")


if __name__ == "__main__":
    main()

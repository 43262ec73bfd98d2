#!/usr/bin/env python3
"""The layout of the real window, from a phone in portrait to a 4K screen:
at each size the window logs every region it laid out (--verbose 'region'
lines); every region lies inside the window, no two overlap unless one holds
the other, and every control is at least 28 px (40 px in windows narrower
than 700 px). The Teach tab's regions where the teaching strip is a tab.
Then Ctrl+= / Ctrl+- / Ctrl+0 zoom a live window and the zoom is remembered.
Screenshots of each size go to DIGITPAD_LAYOUT_SHOTS=DIR for a person to
look at.

usage: test_window_layout.py DIGITPAD
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

from dptest import check, report
from window_harness import HANG_S, SOURCE, Window, Xvfb, program_from_argv

SIZES = [(360, 640), (640, 480), (1366, 768), (1280, 500), (3840, 2160), (1100, 700)]
STROKES = os.path.join(SOURCE, "assets", "examples", "four.txt")
MUST = ["canvas", "preview", "verdict", "bars", "status", "view_area", "brush"] + \
       ["button." + b for b in ("train", "stop", "settings", "evaluate", "save", "load", "undo", "redo", "clear", "help")] + \
       ["tab." + t for t in ("training", "preparation", "inside", "nearest")]
CONTROLS = ("button.", "tab.", "keep.", "brush", "savepicture", "status")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    return struct.unpack(">II", head[16:24]) if head[:8] == b"\x89PNG\r\n\x1a\n" else None


def inside(a, b):
    return a[0] >= b[0] and a[1] >= b[1] and a[0] + a[2] <= b[0] + b[2] and a[1] + a[3] <= b[1] + b[3]


def overlaps(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def shoot(display, env, size, view, out):
    """One scripted run; its region lines as {name: (x, y, w, h)}, and the arrangement."""
    args = [program, "--verbose", "--size", f"{size[0]}x{size[1]}", "--strokes", STROKES, "--view", view,
            "--screenshot", out]
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=HANG_S,
                           env=dict(os.environ, DISPLAY=display, **env))
    except subprocess.TimeoutExpired:
        check(False, f"{size} {view}: no screenshot within {HANG_S} s")
        return {}, None
    check(p.returncode == 0, f"{size} {view}: exit {p.returncode}: {p.stderr[-500:]}")
    regions, arrangement, count = {}, None, None
    for line in p.stdout.splitlines():
        f = line.split("\t")
        if f[0] == "region":
            regions[f[1]] = tuple(int(v) for v in f[2:6])
        elif f[0] == "regions":
            count, arrangement = int(f[1]), f[2]
    check(count == len(regions), f"{size} {view}: {len(regions)} region lines, the summary says {count}")
    return regions, arrangement


def check_regions(size, view, regions):
    where = f"{size[0]}x{size[1]} {view}"
    win = (0, 0, size[0], size[1])
    minimum = 40 if size[0] < 700 else 28
    for name in MUST:
        check(name in regions, f"{where}: no region {name}")
    names = sorted(regions)
    for i, a in enumerate(names):
        r = regions[a]
        check(inside(r, win), f"{where}: {a} {r} leaves the window")
        if a.startswith(CONTROLS):
            check(r[2] >= minimum and r[3] >= minimum, f"{where}: control {a} is {r[2]}x{r[3]}, under {minimum} px")
        for b in names[i + 1:]:
            q = regions[b]
            check(not overlaps(r, q) or inside(r, q) or inside(q, r), f"{where}: {a} {r} and {b} {q} overlap")
    if view == "training":
        check("chart.loss" in regions and "chart.accuracy" in regions, f"{where}: the charts")


def test_sizes(display, env, tmp):
    shots = os.environ.get("DIGITPAD_LAYOUT_SHOTS")
    for size in SIZES:
        for view in ("training", "teach"):
            out = os.path.join(tmp, f"{size[0]}x{size[1]}-{view}.png")
            regions, arrangement = shoot(display, env, size, view, out)
            check(png_size(out) == size, f"{size} {view}: the screenshot is {png_size(out)}")
            check_regions(size, view, regions)
            keeps = [f"keep.{d}" for d in range(10)]
            teach_tab = "tab.teach" in regions
            if view == "teach" or not teach_tab:   # the teaching strip shows: in the panel or as the tab
                check(all(k in regions for k in keeps) and "button.finetune" in regions,
                      f"{size} {view}: the teaching strip ({'tab' if teach_tab else 'panel'})")
            want = "portrait" if size[0] < size[1] * 0.85 else "wide" if size[0] > size[1] * 2.2 else "landscape"
            check(arrangement == want, f"{size}: arranged {arrangement}, not {want}")
            print(f"{size[0]}x{size[1]} {view}: {len(regions)} regions, {arrangement}, "
                  f"canvas {regions.get('canvas', (0, 0, 0, 0))[2]} px, teaching strip "
                  f"{'in a tab' if teach_tab else 'in the panel'}")
            if shots:
                os.makedirs(shots, exist_ok=True)
                shutil.copy(out, shots)


def test_zoom(display, env, config):
    """Ctrl+= makes the controls bigger and is remembered; Ctrl+0 goes back."""
    w = Window(display, "--size", "1100x700", env=env)
    regions = {}

    def wait_regions():
        regions.clear()
        while True:
            f = w.next_line(("region", "regions"), timeout=HANG_S)
            if f is None:
                return False
            if f[0] == "regions":
                return True
            regions[f[1]] = tuple(int(v) for v in f[2:6])

    check(wait_regions() and w.find(), "the window shows its regions")
    before = regions.get("button.train", (0, 0, 0, 0))
    w.key("ctrl+equal")
    check(wait_regions(), "Ctrl+= lays the window out again")
    bigger = regions.get("button.train", (0, 0, 0, 0))
    check(bigger[3] > before[3], f"Ctrl+= makes the buttons taller: {before[3]} -> {bigger[3]} px")
    conf = os.path.join(config, "digitpad", "window.conf")
    saved = open(conf).read() if os.path.exists(conf) else ""
    check("zoom = 1.10" in saved, f"the zoom is remembered in {conf}: {saved!r}")
    w.close()
    w = Window(display, "--size", "1100x700", env=env)   # the next start uses it
    check(wait_regions() and w.find(), "the window starts again")
    check(regions.get("button.train", (0, 0, 0, 0))[3] == bigger[3], "the next start has the zoom")
    w.key("ctrl+0")
    check(wait_regions(), "Ctrl+0 lays the window out again")
    check(regions.get("button.train", (0, 0, 0, 0))[3] == before[3], "Ctrl+0 is 100 % again")
    w.key("ctrl+minus")
    check(wait_regions(), "Ctrl+- lays the window out again")
    check(regions.get("button.train", (0, 0, 0, 0))[3] < before[3], "Ctrl+- makes the buttons smaller")
    w.key("ctrl+0")
    check(wait_regions(), "and back")
    w.close()


def main():
    global program
    program = program_from_argv(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "config")
        env = {"XDG_CONFIG_HOME": config, "XDG_DATA_HOME": os.path.join(tmp, "data"), "HOME": tmp}
        with Xvfb(screen=(3900, 2200)) as x:
            test_sizes(x.display, env, tmp)
            test_zoom(x.display, env, config)
    return report("window layout")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Looking inside the network, under Xvfb: Evaluate, click a cell of the
confusion matrix, open one of its test digits on the canvas (its logged
prediction must be the evaluation's), draw over it, clear it; the views
under the canvas (Preparation, Inside, Nearest examples, whose neighbours of
a drawn 7 must be mostly 7s); Save picture; a train --csv log loaded and
plotted, a broken one refused; Enter after scrolling a cell's digits past
the end (needs MNIST).
DIGITPAD_TEACH_SHOTS=DIR keeps screenshots of each view.

usage: test_window_inspect.py DIGITPAD
"""
import os
import struct
import subprocess
import sys
import tempfile
import time

from dptest import check, find_mnist, report
from window_harness import DIGITS, Xvfb, draw_batched, program_from_argv, teach_window, xwd_shot

DIGITPAD = None   # set by main()


def test_inspect(tmp):
    find_mnist()
    data = os.path.join(tmp, "data")
    with Xvfb() as x:
        w = teach_window(x, data)
        try:
            w.key("e")
            f = w.next_line("job", 60, accept=lambda f: f[1] == "eval")
            check(f is not None and f[2] == "done", f"Evaluate finishes: {f}")
            cells = {}
            while True:
                f = w.next_line("matrix", 5)
                if f is None:
                    break
                cells[(int(f[1]), int(f[2]))] = [int(v) for v in f[3:8]]
                if len(cells) >= 10 and w.lines.empty():
                    time.sleep(0.3)
                    if w.lines.empty():
                        break
            check(len(cells) >= 10 and all((d, d) in cells for d in range(10)), f"the matrix cells are logged: {len(cells)}")
            wrong = sorted((v[4], k) for k, v in cells.items() if k[0] != k[1])
            check(wrong, "the shipped model gets some test digits wrong")
            if not wrong:
                return
            count, (t, p) = wrong[-1]
            opened_cell = (t, p)
            cx, cy, cw, ch = cells[(t, p)][:4]
            w.xdo("mousemove", "--window", w.wid, str(cx + cw // 2), str(cy + ch // 2))
            w.xdo("click", "1")
            check(w.next_line("dialog", 5, accept=lambda f: f[1] == "evalcell") is not None,
                  f"clicking the cell {t} read as {p} opens its digits")
            shown = []
            while True:
                f = w.next_line("testcell", 5) if not shown else w.next_line("testcell", 1)
                if f is None:
                    break
                shown.append(f)
            w.next_line("testcells", 1)   # the count line
            check(len(shown) == min(count, len(shown)) and shown and all(int(f[2]) == t and int(f[3]) == p for f in shown),
                  f"{len(shown)} digits shown, all {t} read as {p}")
            probs = [float(f[8]) for f in shown]
            check(probs == sorted(probs, reverse=True), "most confident first")
            xwd_shot(w, "evalcell")
            index, px, py, pw, ph = int(shown[0][1]), *(int(v) for v in shown[0][4:8])
            w.xdo("mousemove", "--window", w.wid, str(px + pw // 2), str(py + ph // 2))
            w.xdo("click", "1")
            f = w.next_line("opened", 5)
            check(f is not None and int(f[1]) == index and int(f[3]) == p, f"the digit opens on the canvas: {f}")
            pr = w.settle()
            want = float(shown[0][8])
            got = [float(v) for v in pr[2].split()] if pr and pr[1] != "-" else []
            check(pr is not None and pr[1] == str(p) and got and abs(got[p] - want) < 1e-5,
                  f"the window reads it as the evaluation did ({p}, {want:.6f}): {pr}")
            xwd_shot(w, "layer")
            # Drawing over it changes what the network sees; C clears both.
            draw_batched(w, ["60,140 220,140"])
            pr2 = w.settle()
            check(pr2 is not None and pr2[1] != "-" and pr2[2] != pr[2], f"a stroke over it changes the reading: {pr2}")
            w.key("ctrl+z")
            pr_undo = w.settle()
            check(pr_undo is not None and pr_undo[2] == pr[2], f"Ctrl+Z takes the stroke back, the image stays: {pr_undo}")
            w.key("ctrl+y")
            pr_redo = w.settle()
            check(pr_redo is not None and pr_redo[2] == pr2[2], f"Ctrl+Y puts the stroke back on the image: {pr_redo}")
            w.key("c")
            pr3 = w.settle()
            check(pr3 is not None and pr3[1] == "-", f"C clears the image and the strokes: {pr3}")
            w.key("ctrl+z")
            pr4 = w.settle()
            check(pr4 is not None and pr4[2] == pr2[2], f"Ctrl+Z after C brings back the image and the stroke: {pr4}")
            w.key("c")
            w.settle()

            # The views follow the drawing.
            draw_batched(w, DIGITS["7"])
            drawn = w.settle()
            for name in ("Preparation", "Inside the network", "Nearest examples"):
                w.key("v")
                f = w.next_line("view", 5)
                check(f is not None and f[1] == name, f"V shows {name}: {f}")
                time.sleep(0.5)
                xwd_shot(w, name.split()[0].lower())
            f = w.next_line("embedding", 60)
            check(f is not None and f[3] == "ok" and int(f[2]) == 10000, f"the training images' features: {f}")
            # Evaluate and the first Nearest examples showed progress bars (how many frames did depends on speed).
            prog = [l.split("\t") for l in w.log if l.startswith("progress\t")]
            for kind in ("evaluate", "nearest"):
                vals = [float(p[2]) for p in prog if p[1] == kind]
                check(all(0 <= v <= 1 for v in vals) and vals == sorted(vals), f"{kind}'s progress runs from 0 to 1: {vals}")
                print(f"inspect: {kind} drew its progress bar {len(vals)} times")
            f = w.next_line("nearest", 10)
            labels = [int(e.split(":")[1]) for e in f[2:]] if f else []
            check(len(labels) == 8 and labels.count(7) >= 6, f"the nearest examples of a drawn 7 are mostly 7s: {labels}")
            xwd_shot(w, "nearest")
            # Clicking one puts that training image on the canvas; it is then its own nearest, and Ctrl+Z
            # gives the drawing back.
            boxes = []
            while len(boxes) < 8:
                f = w.next_line("nearestcell", 5)
                if f is None:
                    break
                boxes.append([int(v) for v in f[1:7]])
            check(len(boxes) == 8, f"the nearest examples' places are logged: {len(boxes)}")
            if boxes:
                _, index, bx, by, bw, bh = boxes[2]
                w.xdo("mousemove", "--window", w.wid, str(bx + bw // 2), str(by + bh // 2))
                w.xdo("click", "1")
                f = w.next_line("opened_nearest", 5)
                check(f is not None and int(f[1]) == index, f"clicking the third opens training image #{index}: {f}")
                f = w.next_line("nearest", 10)
                first = f[2].split(":") if f else []
                check(first and int(first[0]) == index and float(first[2]) > 0.9999,
                      f"a training image on the canvas is its own nearest example: {f}")
                w.key("ctrl+z")
                back = w.settle()
                check(back is not None and drawn is not None and back[2] == drawn[2],
                      f"Ctrl+Z gives back the drawn 7: {back} vs {drawn}")
            w.key("v")
            check(w.next_line("view", 5, accept=lambda f: f[1] == "Training") is not None, "V comes back to Training")

            # Pictures: the view area as a PNG of its size.
            w.click("savepicture")
            f = w.next_line("status", 10, accept=lambda f: "saved picture" in f[2] or f[1] == "error")
            path = f[2].split("saved picture ", 1)[1] if f and "saved picture " in f[2] else ""
            check(path.startswith(os.path.join(data, "digitpad", "screenshots")) and "training" in path,
                  f"Save picture saves the charts: {f}")
            if os.path.exists(path):
                with open(path, "rb") as fh:
                    head = fh.read(24)
                pw, ph = struct.unpack(">II", head[16:24])
                check(head[:8] == b"\x89PNG\r\n\x1a\n" and pw > 900 and 100 < ph < 400, f"a PNG of the view area: {pw}x{ph}")
            # A train --csv file, typed into Load, is plotted; a broken one is refused in one line.
            csv = os.path.join(tmp, "log.csv")
            p = subprocess.run([DIGITPAD, "train", "--limit", "640", "--epochs", "2", "--quiet", "--out",
                                os.path.join(tmp, "t.model"), "--csv", csv], capture_output=True, text=True, timeout=120)
            check(p.returncode == 0, f"train --csv: {p.stderr}")
            with open(csv) as fh:
                rows = len(fh.read().splitlines()) - 1
            bad = os.path.join(tmp, "bad.csv")
            with open(bad, "w") as fh:
                fh.write("step,epoch,loss,train_acc,lr,img_per_s,elapsed_s,test_acc\n10,1,oops,0,0,0,0,\n")
            for path, ok in ((csv, True), (bad, False)):
                w.key("ctrl+o")
                time.sleep(0.3)
                w.xdo("type", "--window", w.wid, "--delay", "3", path)
                w.key("Return")
                if ok:
                    f = w.next_line("plotted", 10)
                    check(f is not None and int(f[1]) == rows and int(f[2]) == 2, f"the CSV's {rows} rows are plotted: {f}")
                else:
                    f = w.next_line("status", 10, accept=lambda f: f[1] == "error")
                    check(f is not None and f"{bad}:2: bad loss" in f[2], f"a broken CSV is refused: {f}")
                    w.key("Escape")
            xwd_shot(w, "csv")
            enter_after_scrolling(w, *opened_cell)
        finally:
            rc = w.close()
        check(rc == 0, f"the window exits cleanly (exit {rc})")


def testcell_group(w, timeout):
    """The digits of an open cell, as drawn next: their lines and the count line."""
    shown = []
    while True:
        f = w.next_line(("testcell", "testcells"), timeout)
        if f is None or f[0] == "testcells":
            return shown, f
        shown.append(f)


def enter_after_scrolling(w, t, p):
    """Enter in a cell's digits opens the first digit shown, also when the
    keys just before it scrolled past the last page and nothing was drawn in
    between."""
    w.drain()   # the places logged so far are not those of this evaluation
    w.key("e")
    f = w.next_line("job", 60, accept=lambda f: f[1] == "eval")
    check(f is not None and f[2] == "done", f"Evaluate again: {f}")
    cell = w.next_line("matrix", 10, accept=lambda f: (int(f[1]), int(f[2])) == (t, p))
    check(cell is not None, f"the cell {t},{p} is shown again")
    if cell is None:
        return
    cx, cy, cw, ch = (int(v) for v in cell[3:7])
    w.xdo("mousemove", "--window", w.wid, str(cx + cw // 2), str(cy + ch // 2))
    w.xdo("click", "1")
    first_page, summary = testcell_group(w, 10)
    check(first_page and summary is not None, f"the cell's digits are shown: {summary}")
    if not first_page or summary is None:
        return
    w.xdo("key", "--window", w.wid, "--delay", "0", *(["Next"] * 40))
    last_page = first_page
    if int(summary[1]) < int(summary[2]):   # more than one page: the last one is drawn (after any between)
        last_page, summary = testcell_group(w, 10)
        check(last_page, "Page Down to the last page draws it")
        while last_page:
            later, _ = testcell_group(w, 2)
            if not later:
                break
            last_page = later
    if not last_page:
        return
    # No delay: the keys come in one batch, before the window draws again.
    w.xdo("key", "--window", w.wid, "--delay", "0", "Next", "Next", "Return")
    f = w.next_line("opened", 10)
    check(f is not None and f[1] == last_page[0][1],
          f"Enter after scrolling past the end opens the first digit of the last page ({last_page[0][1]}): {f}")


def main():
    global DIGITPAD
    DIGITPAD = program_from_argv(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        test_inspect(tmp)
    return report("window inspect")


if __name__ == "__main__":
    sys.exit(main())

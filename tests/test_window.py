#!/usr/bin/env python3
"""End-to-end tests of the window, as a person would use it.

usage: test_window.py DIGITPAD offscreen|draw|train

  offscreen  SDL's offscreen video driver (no X server): --strokes with
             --screenshot renders the drawing path and saves a PNG
  draw       the real program under Xvfb: digits drawn with xdotool mouse
             events; the predictions it logs (--verbose) must match
  train      under Xvfb: click Train, watch the loss points arrive, click
             Stop, and check it stops within a second (needs MNIST)
"""
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from dptest import check, find_mnist, report, skip_or_fail

DIGITPAD = os.path.abspath(sys.argv[1])



# Digits as strokes in canvas coordinates (280x280).
DIGITS = {
    "0": ["140,40 185,55 210,110 210,170 185,225 140,240 95,225 70,170 70,110 95,55 140,40"],
    "1": ["150,35 150,245"],
    "2": ["80,85 100,50 140,38 180,50 200,85 190,125 80,240 210,240"],
    "3": ["80,60 120,40 170,45 195,80 175,120 130,135", "130,135 180,150 205,190 180,235 125,245 80,225"],
    "4": ["170,30 60,170 220,170", "170,30 170,250"],
    "7": ["60,50 220,50 130,240"],
}


class Window:
    """The digitpad window under an X server, with its --verbose log."""

    def __init__(self, display, *args, env=None):
        e = dict(os.environ, DISPLAY=display)
        e.update(env or {})
        self.proc = subprocess.Popen([DIGITPAD, "--verbose", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=e)
        self.lines = queue.Queue()
        self.log = []
        threading.Thread(target=self._read, daemon=True).start()
        self.display = display
        self.wid = None
        self.canvas = None
        self.buttons = {}

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, prefix, timeout=10.0, accept=None):
        """Waits for a log line starting with prefix (and accepted); returns its fields."""
        end = time.time() + timeout
        while time.time() < end:
            try:
                line = self.lines.get(timeout=max(0.01, end - time.time()))
            except queue.Empty:
                break
            self.log.append(line)
            f = line.split("\t")
            if line.startswith("canvas\t"):
                self.canvas = tuple(int(v) for v in f[1:5])
            elif line.startswith("button\t"):
                self.buttons[f[1]] = tuple(int(v) for v in f[2:6])
            if f[0] == prefix and (accept is None or accept(f)):
                return f
        return None

    def settle(self, quiet=1.5):
        """The last prediction once the window has gone quiet (live ones come first)."""
        last = None
        while True:
            f = self.next_line("predict", quiet)
            if f is None:
                return last
            last = f

    def xdo(self, *args):
        subprocess.run(["xdotool", *args], env=dict(os.environ, DISPLAY=self.display), check=True,
                       capture_output=True, timeout=20)

    def find(self):
        out = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name", "^digitpad"],
                             env=dict(os.environ, DISPLAY=self.display), capture_output=True, text=True,
                             timeout=20)
        self.wid = out.stdout.split()[0] if out.stdout.split() else None
        return self.wid

    def to_window(self, cx, cy):
        x, y, w, h = self.canvas
        return int(x + cx * w / 280), int(y + cy * h / 280)

    def draw(self, strokes):
        for stroke in strokes:
            pts = [tuple(float(v) for v in p.split(",")) for p in stroke.split()]
            dense = [pts[0]]
            for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
                n = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) / 8))
                dense += [(x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n) for i in range(1, n + 1)]
            x, y = self.to_window(*dense[0])
            self.xdo("mousemove", "--window", self.wid, str(x), str(y))
            self.xdo("mousedown", "1")
            for cx, cy in dense[1:]:
                x, y = self.to_window(cx, cy)
                self.xdo("mousemove", "--window", self.wid, str(x), str(y))
            self.xdo("mouseup", "1")

    def click(self, name):
        x, y, w, h = self.buttons[name]
        self.xdo("mousemove", "--window", self.wid, str(x + w // 2), str(y + h // 2))
        self.xdo("click", "1")

    def key(self, k):
        self.xdo("key", "--window", self.wid, k)

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                check(False, "the window did not quit within 10 s of SIGTERM")
        return self.proc.returncode


class Xvfb:
    def __enter__(self):
        if not shutil.which("Xvfb") or not shutil.which("xdotool"):
            skip_or_fail("Xvfb or xdotool is not installed")
        for n in range(91, 140):
            if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
                break
        self.display = f":{n}"
        self.proc = subprocess.Popen(["Xvfb", self.display, "-screen", "0", "1400x1000x24", "-nolisten", "tcp"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(f"/tmp/.X11-unix/X{n}"):
                break
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)


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


def test_draw(tmp):
    with Xvfb() as x:
        w = Window(x.display, env={"XDG_DATA_HOME": os.path.join(tmp, "data")})
        try:
            check(w.next_line("canvas", 20) is not None, "the window logs where its canvas is")
            check(w.find() is not None, "the window appears on the X display")
            check(w.next_line("predict", 10) is not None, "an empty canvas is predicted as '-'")
            for digit, strokes in DIGITS.items():
                w.draw(strokes)
                # Live predictions arrive while the pen moves; the last one is for the whole drawing.
                last = w.settle()
                check(last is not None and last[1] == digit, f"drew {digit}, the window says {last}")
                w.key("c")
                f = w.settle()
                check(f is not None and f[1] == "-", f"C clears the canvas: {f}")
            # Undo brings the last drawing back, redo removes it again.
            w.draw(DIGITS["7"])
            w.settle()
            w.key("c")
            w.settle()
            w.key("ctrl+z")
            f = w.settle()
            check(f is not None and f[1] == "7", f"Ctrl+Z after Clear brings the 7 back: {f}")
            w.key("ctrl+y")
            f = w.settle()
            check(f is not None and f[1] == "-", f"Ctrl+Y clears it again: {f}")
            # Save with Ctrl+S (the suggested path), then load a bad file and the saved one with Ctrl+O.
            w.key("ctrl+s")
            time.sleep(0.3)
            w.key("Return")
            f = w.next_line("status", 5, accept=lambda f: "saved" in f[2] or f[1] == "error")
            check(f is not None and f[1] == "ok", f"Ctrl+S saves the model: {f}")
            saved = f[2].split("saved ", 1)[1] if f and "saved " in f[2] else ""
            check(saved.startswith(os.path.join(tmp, "data", "digitpad", "models")) and os.path.exists(saved),
                  f"the model is saved in the user data folder: {saved!r}")
            bad = os.path.join(tmp, "bad.model")
            with open(bad, "wb") as fh:
                fh.write(b"DGTPMODL" + b"\x01\x00\x00\x00" + b"junk" * 10)
            for path, want in ((bad, "error"), (saved, "ok")):
                w.key("ctrl+o")
                time.sleep(0.3)
                w.xdo("type", "--window", w.wid, "--delay", "5", path)
                w.key("Return")
                f = w.next_line("status", 5)
                check(f is not None and f[1] == want, f"loading {os.path.basename(path)}: {f}")
                if want == "error":
                    check(f is not None and bad in f[2], f"the error names the file: {f}")
                    w.key("Escape")
            # A resize moves the canvas and says where.
            w.xdo("windowsize", w.wid, "900", "700")
            f = w.next_line("canvas", 10)
            check(f is not None, "resizing logs the new canvas position")
        finally:
            rc = w.close()
        check(rc == 0, f"the window exits cleanly on SIGTERM (exit {rc})")


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
            # While training, predictions for the drawing follow the new weights.
            check(w.next_line("predict", 5) is not None, "the drawing is re-predicted while training runs")
            t0 = time.time()
            w.click("stop")
            f = w.next_line("job", 5, accept=lambda f: f[1] == "train")
            elapsed = time.time() - t0
            check(f is not None and f[2] == "stopped", f"Stop ends training: {f}")
            check(elapsed < 1.5, f"Stop took {elapsed:.2f} s")
            print(f"training: {len(steps)} loss points up to step {steps[-1][0] if steps else 0}, "
                  f"stopped {elapsed:.2f} s after the click")
        finally:
            rc = w.close()
        check(rc == 0, f"the window exits cleanly (exit {rc})")


def main():
    mode = sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        {"offscreen": test_offscreen, "draw": test_draw, "train": test_train}[mode](tmp)
    return report(f"window {mode}")


if __name__ == "__main__":
    sys.exit(main())

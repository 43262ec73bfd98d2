#!/usr/bin/env python3
"""End-to-end tests of the window, as a person would use it.

usage: test_window.py DIGITPAD offscreen|draw|train|monkey|fallbacks|teach|inspect [MAKE_STYLE]

  offscreen  SDL's offscreen video driver (no X server): --strokes with
             --screenshot renders the drawing path and saves a PNG
  draw       the real program under Xvfb: digits drawn with xdotool mouse
             events; the predictions it logs (--verbose) must match
  train      under Xvfb: click Train, watch the loss points arrive, click
             Stop, and check it stops within a second (needs MNIST)
  monkey     under Xvfb: at least 10,000 random mouse and keyboard events
             (every button and shortcut, drags off the window, bad files
             typed into the dialogs, tiny and huge sizes, Train/Stop
             hammered) from a seeded RNG; the window must stay alive,
             bounded in memory and responsive, and quit cleanly mid-training
             (needs MNIST). DIGITPAD_MONKEY_SEED=N replays a run,
             DIGITPAD_MONKEY_EVENTS=N changes the count, DIGITPAD_MONKEY_SHOTS=DIR
             keeps screenshots taken during and after the run,
             DIGITPAD_MONKEY_TRACE=FILE writes every batch and the RSS after it.
  teach      under Xvfb: drawings in a personal style (tests/make_style) drawn,
             labelled and kept with the keys 0-9, the buttons under the bars
             and the Collect prompt; taken back with Ctrl+Z; relabelled,
             deleted and restored in My digits; still there after a restart
             and after SIGKILL; then Fine-tune, whose before and after
             figures must be shown, and the new model kept (needs MNIST).
             DIGITPAD_TEACH_SHOTS=DIR keeps screenshots of each view.
  inspect    under Xvfb: Evaluate, click a cell of the confusion matrix, open one
             of its test digits on the canvas (its logged prediction must be the
             evaluation's), draw over it, clear it; the views under the canvas
             (Preparation, Inside, Nearest examples, whose neighbours of a drawn
             7 must be mostly 7s) (needs MNIST)
  fallbacks  missing resources, each one line and a fallback, never a crash:
             no display (exit 1), no font (the built-in one), no MNIST (a
             message naming where it looked; the window stays usable), a
             model that cannot be loaded (the shipped one instead)
"""
import ctypes
import ctypes.util
import json
import os
import queue
import random
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


def densify(stroke):
    """A stroke ("x,y x,y ...", canvas coordinates) as points at most 8 px apart, as a hand moves."""
    pts = [tuple(float(v) for v in p.split(",")) for p in stroke.split()]
    dense = [pts[0]]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        n = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) / 8))
        dense += [(x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n) for i in range(1, n + 1)]
    return dense


class Window:
    """The digitpad window under an X server, with its --verbose log."""

    def __init__(self, display, *args, env=None, cwd=None):
        e = dict(os.environ, DISPLAY=display)
        e.update(env or {})
        self.proc = subprocess.Popen([DIGITPAD, "--verbose", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=e, cwd=cwd)
        self.lines = queue.Queue()
        self.log = []
        self.stderr = []
        threading.Thread(target=self._read, daemon=True).start()
        # stderr is drained too: a window that reports many errors would
        # otherwise block once the pipe is full.
        threading.Thread(target=self._read_stderr, daemon=True).start()
        self.display = display
        self.wid = None
        self.canvas = None
        self.buttons = {}
        self.dialog = "none"
        self.busy = False

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr.append(line.rstrip("\n"))

    def _note(self, line):
        """Keeps the layout and the open dialog up to date from a log line."""
        self.log.append(line)
        f = line.split("\t")
        if f[0] == "canvas":
            self.canvas = tuple(int(v) for v in f[1:5])
        elif f[0] == "button":
            self.buttons[f[1]] = tuple(int(v) for v in f[2:6])
        elif f[0] == "dialog":
            self.dialog = f[1]
        elif f[0] == "busy":
            self.busy = f[1] == "1"
        elif f[0] == "embedding_request":
            self.embedding_wanted = f[1]
        elif f[0] == "embedding" and f[1] == getattr(self, "embedding_wanted", None):
            self.embedding_wanted = None
        return f

    def drain(self):
        """Takes every line logged so far without waiting; returns them split."""
        out = []
        while True:
            try:
                out.append(self._note(self.lines.get_nowait()))
            except queue.Empty:
                return out

    def next_line(self, prefix, timeout=10.0, accept=None):
        """Waits for a log line starting with prefix (and accepted); returns its fields."""
        end = time.time() + timeout
        while time.time() < end:
            try:
                line = self.lines.get(timeout=max(0.01, end - time.time()))
            except queue.Empty:
                break
            f = self._note(line)
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
            dense = densify(stroke)
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
            # While training, predictions for the drawing follow the new weights, and its
            # probabilities are charted step by step.
            check(w.next_line("predict", 5) is not None, "the drawing is re-predicted while training runs")
            learned = [l.split("\t") for l in w.log if l.startswith("learn\t")]
            steps_seen = [int(f[1]) for f in learned]
            check(len(learned) >= 5 and steps_seen == sorted(set(steps_seen)),
                  f"the drawing's probabilities are followed step by step: {len(learned)} points")
            check(learned and learned[-1][2] == "4" and float(learned[-1][3]) > 0.5,
                  f"and the drawn 4 becomes a 4: {learned[-1:]}")
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


# ---- the monkey ----------------------------------------------------------------

SOURCE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SHIPPED = os.path.join(SOURCE, "assets", "digitpad.model")
SCREEN = (1400, 1000)   # the Xvfb screen

# Every shortcut of the key handler in app/window.c and of the dialogs
# (dialogs.c), as xdotool key names; F12 (a screenshot, slow at 3000x2500)
# has an action of its own.
SHORTCUTS = ["c", "ctrl+c", "BackSpace", "Delete", "ctrl+z", "ctrl+shift+z", "ctrl+y", "t", "Escape", "e",
             "3", "8", "KP_5", "m", "p", "f", "Tab", "Page_Down", "Left", "Right", "v", "shift+v",
             "ctrl+s", "ctrl+o", "b", "bracketleft", "bracketright", "F1", "question", "shift+slash", "ctrl+v",
             "Return", "KP_Enter"]
OTHER_KEYS = ["Return", "Tab", "Escape", "Left", "Right", "Up", "Down", "space", "Home", "End", "Prior", "Next",
              "shift+Tab", "alt+F4", "ctrl+a", "ctrl+w", "ctrl+q", "F2", "F11", "Insert", "minus", "equal"]
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
BUTTONS = ["train", "stop", "settings", "evaluate", "save", "load", "undo", "redo", "clear", "help",
           "keep0", "keep1", "keep7", "keep9", "mydigits", "collect", "finetune", "view1", "view2", "view3", "view0"]
SIZES = [(1, 1), (50, 40), (3000, 2500), (1100, 780), (480, 360), (320, 1000), (1400, 60), (640, 480)]


def shipped_copy(tmp):
    """The shipped model, copied: a path the monkey types may end up in the Save
    dialog (after it cleared the field), and the source tree must never be written."""
    path = os.path.join(tmp, "shipped-copy.model")
    if not os.path.exists(path):
        shutil.copyfile(SHIPPED, path)
    return path


def monkey_files(tmp, rng):
    """Files a user could point the dialogs at: paths to type into Load and into Save."""
    bad = os.path.join(tmp, "bad")
    os.makedirs(bad)
    model = open(SHIPPED, "rb").read()
    files = {
        "truncated.model": model[: len(model) // 3],
        "random.model": bytes(rng.getrandbits(8) for _ in range(65536)),
        "flipped.model": model[: len(model) // 2] + bytes([model[len(model) // 2] ^ 0x40]) + model[len(model) // 2 + 1:],
        "header.model": b"DGTPMODL\x01\x00\x00\x00",
        "empty.model": b"",
        "strokes.txt": b"60,50 220,50 130,240\n",
    }
    for name, data in files.items():
        with open(os.path.join(bad, name), "wb") as f:
            f.write(data)
    os.mkdir(os.path.join(bad, "dir.model"))
    os.mkfifo(os.path.join(bad, "fifo.model"))   # opening it for reading would wait for a writer forever
    too_long = "/" + "/".join(["d" * 200] * 22) + "/x.model"   # over PATH_MAX
    long_name = os.path.join(bad, "n" * 300 + ".model")          # over NAME_MAX
    load = [os.path.join(bad, n) for n in files] + [
        os.path.join(bad, "dir.model"), os.path.join(bad, "fifo.model"), os.path.join(bad, "missing", "none.model"),
        long_name, os.path.join(bad, "random.model", "x.model"), "/proc/self/mem", "/dev/zero", shipped_copy(tmp), "~", ""]
    save = [os.path.join(bad, "dir.model"), os.path.join(bad, "random.model", "x.model"), long_name,
            "/proc/digitpad.model", os.path.join(tmp, "saved", "new", "a.model"), os.path.join(tmp, "saved", "b.model")]
    return load, save, too_long


class Monkey:
    """Random input for the window, written as xdotool script lines and sent in batches."""

    def __init__(self, w, rng, origin, paths):
        self.w, self.rng = w, rng
        self.ox, self.oy = origin
        self.load_paths, self.save_paths, self.too_long = paths
        self.size = (1100, 780)
        self.script = []
        self.pending = 0     # events in the script not sent yet
        self.sent = 0
        self.kinds = {}
        self.last_batch = []

    # primitives; each counts the X input events it makes
    def _add(self, line, n=1):
        self.script.append(line)
        self.pending += n

    def move(self, x, y):
        """To window coordinates (x, y); outside the window is fine."""
        sx = min(max(self.ox + int(x), 0), SCREEN[0] - 1)
        sy = min(max(self.oy + int(y), 0), SCREEN[1] - 1)
        self._add(f"mousemove {sx} {sy}")

    def keys(self, *names):
        self._add(f"key --window {self.w.wid} --delay 0 " + " ".join(names), len(names))

    def type(self, text):
        for i in range(0, len(text), 400):   # short script lines
            self._add(f"type --window {self.w.wid} --delay 0 {text[i:i + 400]}", len(text[i:i + 400]))

    def click(self, button=1):
        self._add(f"click {button}")

    def down(self, button=1):
        self._add(f"mousedown {button}")

    def up(self, button=1):
        self._add(f"mouseup {button}")

    def resize(self, width, height):
        self.size = (width, height)
        self._add(f"windowsize {self.w.wid} {width} {height}")

    def flush(self):
        if not self.script:
            return
        self.last_batch = self.script
        p = subprocess.run(["xdotool", "-"], input="\n".join(self.script) + "\n", text=True, capture_output=True,
                           env=dict(os.environ, DISPLAY=self.w.display), timeout=120)
        check(p.returncode == 0, f"xdotool failed on a batch: {p.stderr.strip()[-300:]}")
        self.sent += self.pending
        self.script, self.pending = [], 0

    # where to point
    def anywhere(self):
        """A point in or near the window, or anywhere on the screen."""
        r, (ww, wh) = self.rng, self.size
        screen, u, v = r.random() < 0.15, r.random(), r.random()
        if screen:
            return int(u * SCREEN[0]) - self.ox, int(v * SCREEN[1]) - self.oy
        return int(u * (ww + 80)) - 40, int(v * (wh + 80)) - 40

    def on_canvas(self):
        c = self.w.canvas or (10, 58, 454, 454)
        return c[0] + int(self.rng.random() * c[2]), c[1] + int(self.rng.random() * c[3])

    def button_at(self, name):
        # The RNG is drawn from the same way whatever the layout, so that a
        # seed replays the same events.
        jitter = self.rng.uniform(-1 / 3, 1 / 3)
        b = self.w.buttons.get(name)
        if not b or b[2] <= 0 or b[3] <= 0:
            return None
        return b[0] + b[2] // 2 + int(jitter * b[2]), b[1] + b[3] // 2

    # actions
    def act_click(self):
        self.move(*self.anywhere())
        self.click(self.rng.choice([1, 1, 1, 2, 3]))

    def act_button(self, name=None):
        at = self.button_at(name or self.rng.choice(BUTTONS))
        clicks = self.rng.choice([1, 1, 1, 2, 3])
        if at:
            self.move(*at)
            for _ in range(clicks):
                self.click(1)

    def act_drag(self):
        r = self.rng
        start = self.on_canvas() if r.random() < 0.75 else self.anywhere()
        button = r.choice([1] * 8 + [2, 3])
        x, y = start
        self.move(x, y)
        # A pause between arriving and pressing, as with any real mouse:
        # SDL answers the pointer entering its window with an UngrabPointer
        # request, and when that lands after a press made in the same
        # millisecond it ends the press's implicit grab, so SDL never hears
        # of a release outside the window and ignores the next press.
        self._add("sleep 0.01", 0)
        self.down(button)
        for _ in range(r.randint(1, 30)):
            if r.random() < 0.06:   # off the window and back
                x, y = r.choice([(-30, y), (self.size[0] + 30, y), (x, -30), (x, self.size[1] + 30)])
            else:
                x, y = x + r.randint(-60, 60), y + r.randint(-60, 60)
            self.move(x, y)
            if r.random() < 0.03:   # keys while the pen is down
                self.keys(r.choice(["ctrl+z", "c", "Escape", "ctrl+y", "bracketright", "t"]))
        self.up(button)

    def act_wheel(self):
        self.move(*(self.on_canvas() if self.rng.random() < 0.7 else self.anywhere()))
        for _ in range(self.rng.randint(1, 6)):
            self.click(self.rng.choice([4, 5]))

    def act_shortcut(self):
        self.keys(*self.rng.choices(SHORTCUTS, k=self.rng.randint(1, 3)))

    def act_keys(self):
        pool = list(LETTERS) + OTHER_KEYS
        self.keys(*self.rng.choices(pool, k=self.rng.randint(1, 8)))

    def act_type(self):
        self.type("".join(self.rng.choices(LETTERS, k=self.rng.randint(1, 20))))

    def act_dialog(self, path=None):
        r = self.rng
        save = r.random() < 0.35
        self.keys("ctrl+s" if save else "ctrl+o")
        if r.random() < 0.75:
            self.keys(*["BackSpace"] * r.choice([3, 40, 160]))
        if path is None:
            path = r.choice(self.save_paths if save else self.load_paths)
        if path:
            self.type(path)
        self.keys(r.choice(["Return", "Return", "KP_Enter"]))
        if r.random() < 0.5:
            self.keys("Escape")

    def act_resize(self):
        r = self.rng
        w, h = r.choice(SIZES) if r.random() < 0.8 else (r.randint(1, 2000), r.randint(1, 1500))
        self.resize(w, h)
        if r.random() < 0.5:
            self.resize(1100, 780)

    def act_train_stop(self):
        r = self.rng
        for _ in range(r.randint(2, 8)):
            what = r.choice(["t", "Escape", "train", "stop"])
            if what in ("t", "Escape"):
                self.keys(what)
            else:
                self.act_button(what)
            if r.random() < 0.3:
                self._add(f"sleep {r.choice([0.01, 0.05, 0.2])}", 0)

    def act_eval(self):
        if self.rng.random() < 0.5:
            self.keys("e")
        else:
            self.act_button("evaluate")

    def act_screenshot(self):
        self.keys("F12")

    def act_pause(self):
        self._add(f"sleep {self.rng.choice([0.02, 0.05, 0.1])}", 0)

    ACTIONS = [("drag", 16), ("click", 10), ("button", 12), ("wheel", 4), ("shortcut", 14), ("keys", 8),
               ("type", 4), ("dialog", 5), ("resize", 2.5), ("train_stop", 3), ("eval", 1.5),
               ("screenshot", 0.3), ("pause", 3)]

    def step(self):
        names = [a for a, _ in self.ACTIONS]
        kind = self.rng.choices(names, weights=[wt for _, wt in self.ACTIONS])[0]
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        getattr(self, "act_" + kind)()


def checkpoint(w, m, timeout=15.0):
    """Brings the window to the same state each time (1100x780, no dialog,
    no job running; Escape closes a dialog, then stops training) and
    returns its RSS in kB, or None if it stopped handling events. The
    resize goes by way of 1101x780 so that the size always changes and a
    window that still works logs its new layout."""
    for size in ((1101, 780), (1100, 780)):
        w.xdo("windowsize", w.wid, *map(str, size))
        if w.next_line("canvas", timeout) is None:
            return None
    m.size = (1100, 780)
    end = time.time() + timeout
    quiet = 0
    while time.time() < end:
        time.sleep(0.3)
        w.drain()
        if w.dialog == "none" and not w.busy and getattr(w, "embedding_wanted", None) is None:
            # Twice in a row: the frame after training stops asks for the
            # Nearest view's features (10 MB while they are computed).
            quiet += 1
            if quiet == 2:
                return rss_kb(w.proc.pid)
            continue
        quiet = 0
        w.key("Escape")
    return None


def sanitized(exe):
    """True if exe was built with AddressSanitizer."""
    with open(exe, "rb") as f:
        return b"__asan_init" in f.read()


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def send_close_request(display, wid):
    """What a window manager sends when the user clicks the close button: a
    WM_DELETE_WINDOW client message (xdotool windowclose would destroy the
    window instead). Returns False if libX11 cannot be loaded."""
    try:
        x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    except OSError:
        return False

    class ClientMessage(ctypes.Structure):
        _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                    ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                    ("format", ctypes.c_int), ("l", ctypes.c_long * 5)]

    class XEvent(ctypes.Union):
        _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]

    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
    x11.XFlush.argtypes = x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = x11.XOpenDisplay(display.encode())
    if not dpy:
        return False
    ev = XEvent()
    ev.xclient.type = 33   # ClientMessage
    ev.xclient.window = int(wid)
    ev.xclient.message_type = x11.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
    ev.xclient.format = 32
    ev.xclient.l[0] = x11.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
    x11.XSendEvent(dpy, int(wid), 0, 0, ctypes.byref(ev))
    x11.XFlush(dpy)
    x11.XCloseDisplay(dpy)
    return True


def draw_batched(w, strokes):
    """Draws strokes with one xdotool call (Window.draw runs one per point)."""
    args = []
    for stroke in strokes:
        dense = densify(stroke)
        for i, (cx, cy) in enumerate(dense):
            x, y = w.to_window(cx, cy)
            args += ["mousemove", "--window", w.wid, str(x), str(y)]
            if i == 0:
                args += ["mousedown", "1"]
        args += ["mouseup", "1"]
    w.xdo(*args)


def screenshot(w, name):
    """With DIGITPAD_MONKEY_SHOTS=DIR, the whole X screen as DIR/NAME.png (for a person to look at)."""
    out = os.environ.get("DIGITPAD_MONKEY_SHOTS")
    if out and shutil.which("import"):
        os.makedirs(out, exist_ok=True)
        subprocess.run(["import", "-window", "root", os.path.join(out, name + ".png")],
                       env=dict(os.environ, DISPLAY=w.display), capture_output=True, timeout=60)


def recover(w, tmp):
    """After the abuse (and a checkpoint: 1100x780): no dialog, no job, the
    shipped model. True once it is loaded (Load refuses while a job runs)."""
    end = time.time() + 40
    while time.time() < end:
        time.sleep(0.3)
        w.drain()
        if w.dialog != "none":
            w.key("Escape")
            continue
        w.key("Escape")   # stops training, if it runs
        w.key("ctrl+o")
        time.sleep(0.2)
        w.xdo("type", "--window", w.wid, "--delay", "2", shipped_copy(tmp))
        w.key("Return")
        f = w.next_line("status", 5)
        if f and f[1] == "ok" and f[2].startswith("loaded "):
            time.sleep(0.3)
            w.drain()
            return w.dialog == "none"
    return False


def check_files_intact(tmp, data):
    """Nothing half-written anywhere the window may have saved: no temporary
    file left, every model loads, every screenshot is a whole PNG."""
    seven = os.path.join(tmp, "seven.txt")
    with open(seven, "w") as f:
        f.write(DIGITS["7"][0] + "\n")
    models, pngs = [], []
    for root, dirs, names in os.walk(tmp):
        for n in names:
            path = os.path.join(root, n)
            check(not n.endswith(".digitpad-tmp"), f"a temporary file was left behind: {path}")
            if n.endswith(".png") and path.startswith(data):
                pngs.append(path)
            # Saves go to the data folder (the suggested name plus whatever
            # was typed after it) or where the monkey typed a path.
            if root.startswith(os.path.join(data, "digitpad", "models")) or root.startswith(os.path.join(tmp, "saved")):
                models.append(path)
    for path in pngs:
        with open(path, "rb") as f:
            blob = f.read()
        check(blob[:8] == b"\x89PNG\r\n\x1a\n" and blob[-8:-4] == b"IEND", f"screenshot {path} is a whole PNG")
    for path in models[:25]:
        p = subprocess.run([DIGITPAD, "predict", "--model", path, seven], capture_output=True, text=True, timeout=60)
        check(p.returncode == 0, f"saved model {path} loads: {p.stderr.strip()}")
    return len(models), len(pngs)


def test_monkey(tmp):
    find_mnist()
    seed = int(os.environ.get("DIGITPAD_MONKEY_SEED") or random.SystemRandom().randrange(1, 1 << 31))
    target = int(os.environ.get("DIGITPAD_MONKEY_EVENTS") or 10000)
    print(f"monkey: seed {seed} (DIGITPAD_MONKEY_SEED={seed} replays this run), {target} events", flush=True)
    rng = random.Random(seed)
    paths = monkey_files(tmp, rng)
    data = os.path.join(tmp, "data")
    t_start = time.time()
    with Xvfb() as x:
        # Run in tmp: relative paths typed into Save ("~") land there, not in the tree.
        w = Window(x.display, env={"XDG_DATA_HOME": data, "HOME": os.path.join(tmp, "home")}, cwd=tmp)
        try:
            check(w.next_line("canvas", 30) is not None and w.find() is not None, "the window opens")
            w.next_line("button", 5, accept=lambda f: f[1] == "help")
            geo = subprocess.run(["xdotool", "getwindowgeometry", "--shell", w.wid], capture_output=True, text=True,
                                 env=dict(os.environ, DISPLAY=x.display), timeout=20).stdout
            g = dict(l.split("=", 1) for l in geo.split())
            m = Monkey(w, rng, (int(g["X"]), int(g["Y"])), paths)

            # Warm-up: everything that allocates for good once (MNIST in
            # memory, the trainer's buffers, the biggest window surface and
            # screenshot, the dialogs, the Nearest view's training images and
            # their features) happens before the memory baseline.
            w.next_line("button", 5, accept=lambda f: f[1] == "savepicture")
            draw_batched(w, DIGITS["7"])
            w.click("view3")
            check(w.next_line("embedding", 60) is not None, "warm-up: the nearest examples are computed")
            w.click("view0")
            w.key("t")
            check(w.next_line("train", 90) is not None, "warm-up: Train starts")
            w.key("Escape")
            w.next_line("job", 10, accept=lambda f: f[1] == "train")
            w.xdo("windowsize", w.wid, "3000", "2500")
            w.next_line("canvas", 10)
            w.key("e")
            w.next_line("job", 60, accept=lambda f: f[1] == "eval")
            w.key("F12")
            w.next_line("status", 20, accept=lambda f: "screenshot" in f[2])
            for k in ("Escape", "F1", "Escape", "ctrl+s", "Escape", "ctrl+o", "Escape"):
                w.key(k)
            w.xdo("windowsize", w.wid, "1", "1")
            w.next_line("canvas", 10)
            rss_before = checkpoint(w, m)
            samples = []       # (events sent, RSS kB) after every batch
            checkpoints = []   # the same at 1100x780, every 5 batches
            t0 = time.time()
            shot_at = target // 2
            # A path longer than PATH_MAX is typed twice, once in the first
            # third and once in the last, so the thirds compare like with
            # like; its 4,400 keys count as one event.
            long_at = [target // 5, target * 4 // 5]
            batches = 0
            hung = False
            # DIGITPAD_MONKEY_TRACE=FILE: every batch sent, with the RSS after it.
            trace = open(os.environ["DIGITPAD_MONKEY_TRACE"], "w") if os.environ.get("DIGITPAD_MONKEY_TRACE") else None
            while m.sent < target and w.proc.poll() is None:
                while m.pending < 150:
                    if long_at and m.sent + m.pending >= long_at[0]:
                        long_at.pop(0)
                        m.act_dialog(m.too_long)
                        m.pending -= len(m.too_long) - 1
                    else:
                        m.step()
                m.flush()
                w.drain()
                r = rss_kb(w.proc.pid)
                if r is not None:
                    samples.append((m.sent, r))
                if trace:
                    trace.write(f"# after {m.sent} events: RSS {r} kB\n" + "\n".join(m.last_batch) + "\n")
                if shot_at and m.sent >= shot_at:
                    screenshot(w, "monkey-middle")
                    shot_at = 0
                batches += 1
                if (batches % 5 == 0 or m.sent >= target) and w.proc.poll() is None:
                    r = checkpoint(w, m)
                    if r is None:
                        hung = True
                        break
                    checkpoints.append((m.sent, r))
            elapsed = time.time() - t0
            if trace:
                trace.close()
            alive = check(w.proc.poll() is None, f"the window survived the monkey (exit {w.proc.returncode}); "
                          f"replay with DIGITPAD_MONKEY_SEED={seed}; stderr: {w.stderr[-5:]}")
            alive = check(not hung, f"the window stopped handling events after {m.sent} events; replay with "
                          f"DIGITPAD_MONKEY_SEED={seed}") and alive
            if not alive:
                print("monkey: the last batch was:\n  " + "\n  ".join(l[:160] for l in m.last_batch), flush=True)
            print(f"monkey: {m.sent} events in {elapsed:.1f} s ({m.sent / max(elapsed, 1e-9):.0f}/s); actions: "
                  + ", ".join(f"{k} {v}" for k, v in sorted(m.kinds.items())), flush=True)
            check(m.sent >= target, f"sent {m.sent} of {target} events")
            if not alive:
                return

            # Responsive: normal size, dialogs closed, the shipped model back,
            # and a drawn 7 read correctly within a few seconds.
            t1 = time.time()
            check(recover(w, tmp), "after the monkey: back to a normal size with the shipped model loaded")
            w.key("c")
            w.settle(0.5)
            t2 = time.time()
            draw_batched(w, DIGITS["7"])
            first_seven = None
            last = None
            while True:
                f = w.next_line("predict", 1.5)
                if f is None:
                    break
                last = f
                if f[1] == "7" and first_seven is None:
                    first_seven = time.time() - t2
            if not check(last is not None and last[1] == "7", f"after the monkey a drawn 7 is read as {last}"):
                print(f"monkey: dialog {w.dialog}, canvas {w.canvas}; the last lines logged:\n  "
                      + "\n  ".join(w.log[-25:]), flush=True)
            check(first_seven is not None and first_seven < 5, f"the 7 was read {first_seven} s after drawing began")
            print(f"monkey: recovered in {t2 - t1:.1f} s; the drawn 7 was read after "
                  f"{first_seven if first_seven is None else round(first_seven, 2)} s", flush=True)
            screenshot(w, "monkey-after")

            # Memory, at the checkpoints (1100x780, no dialog, no job; RSS
            # between them follows what is on screen, a 3000x2500 window is a
            # 30 MB surface, and what runs, training holds 17 MB): compare the
            # highest of the first third with the highest of the last. They
            # agree within about 3 MB run after run; a leak of 2 KB per event
            # would add at least 6.6 MB between the two (3,300 or more events
            # apart), and the bound is 6 MB. Under AddressSanitizer RSS
            # mostly measures its quarantine of freed memory, so there only
            # LeakSanitizer's check at exit counts.
            rss_after = rss_kb(w.proc.pid)
            first = [r for n, r in checkpoints if n <= target / 3]
            last3 = [r for n, r in checkpoints if n >= 2 * target / 3]
            peak = max(r for _, r in samples + checkpoints)
            growth = max(last3) - max(first) if first and last3 else 0
            print(f"monkey: RSS before {rss_before / 1024:.1f} MB, after {rss_after / 1024:.1f} MB, "
                  f"peak {peak / 1024:.1f} MB; at 1100x780 highest in the first third {max(first) / 1024:.1f} MB, "
                  f"in the last {max(last3) / 1024:.1f} MB", flush=True)
            print("monkey: RSS at 1100x780 (events: MB): " + ", ".join(f"{n}: {r / 1024:.1f}" for n, r in checkpoints))
            if sanitized(DIGITPAD):
                print("monkey: built with AddressSanitizer: RSS growth not checked")
            else:
                check(growth < 6 * 1024, f"RSS grew by {growth / 1024:.1f} MB from the first to the last third")

            # Quit mid-training, the way a user closes the window.
            end = time.time() + 10
            while w.dialog != "none" and time.time() < end:
                w.key("Escape")
                time.sleep(0.3)
                w.drain()
            w.drain()
            w.key("t")
            check(w.next_line("train", 60) is not None, "Train starts again after the monkey")
            t3 = time.time()
            how = "WM_DELETE_WINDOW" if send_close_request(x.display, w.wid) else "SIGTERM"
            if how == "SIGTERM":
                w.proc.send_signal(signal.SIGTERM)
            try:
                rc = w.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                rc = None
            quit_s = time.time() - t3
            check(rc == 0 and quit_s < 5, f"closing the window mid-training ({how}): exit {rc} after {quit_s:.1f} s")
            time.sleep(0.2)
            bad = [l for l in w.stderr if "runtime error" in l or "Sanitizer" in l or "Assertion" in l]
            check(not bad, f"sanitizer or assertion reports: {bad[:5]}")
            n_models, n_pngs = check_files_intact(tmp, data)
            print(f"monkey: closed mid-training ({how}) in {quit_s:.2f} s, exit {rc}; {n_models} saved models and "
                  f"{n_pngs} screenshots intact; {len(w.stderr)} lines on stderr; total {time.time() - t_start:.1f} s")
        finally:
            if w.proc.poll() is None:
                w.close()


# ---- missing resources ----------------------------------------------------------

def run_briefly(args, env, timeout=30):
    """Runs digitpad expecting it to stop by itself; (exit status, stderr lines)."""
    try:
        p = subprocess.run([DIGITPAD, *args], capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        check(False, f"digitpad {' '.join(args)} did not exit within {timeout} s")
        return None, []
    return p.returncode, [l for l in p.stderr.splitlines() if l.strip()]


def no_crash(lines, what):
    bad = [l for l in lines if "Sanitizer" in l or "runtime error" in l or "Segmentation" in l or "Assertion" in l]
    return check(not bad, f"{what}: crash reports on stderr: {bad[:3]}")


def fallback_no_display(tmp):
    """No display: one line saying the window cannot open and pointing at the
    command-line side, exit 1 (with DISPLAY unset, and with DISPLAY naming an
    X server that is not there)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    dead = next(n for n in range(150, 400) if not os.path.exists(f"/tmp/.X11-unix/X{n}")
                and not os.path.exists(f"/tmp/.X{n}-lock"))   # no X server there
    for label, extra in (("no DISPLAY", {}), ("a dead DISPLAY", {"DISPLAY": f":{dead}"})):
        rc, lines = run_briefly([], dict(env, **extra))
        check(rc == 1, f"{label}: exit status {rc}, not 1")
        check(len(lines) == 1 and "cannot open a window" in lines[0] and "digitpad --help" in lines[0],
              f"{label}: one line saying so and pointing at the commands: {lines}")
        no_crash(lines, label)
        print(f"fallbacks: {label}: exit {rc}: {lines[0] if lines else ''}")
    rc, lines = run_briefly(["eval", "--help"], env)
    check(rc == 0, f"without a display the commands still work (eval --help: exit {rc})")


def open_window(display, tmp, args=(), env=None, name="window"):
    """Starts the window and waits for its layout; None if it did not open."""
    base = {"XDG_DATA_HOME": os.path.join(tmp, "data"), "HOME": os.path.join(tmp, "home")}
    w = Window(display, *args, env=dict(base, **(env or {})))
    if not check(w.next_line("canvas", 30) is not None and w.find() is not None, f"{name}: the window opens"):
        w.close()
        return None
    w.next_line("button", 5, accept=lambda f: f[1] == "help")
    return w


def reads_a_seven(w, what):
    """The window is usable: a drawn 7 is read as one."""
    w.key("c")
    w.settle(0.5)
    draw_batched(w, DIGITS["7"])
    f = w.settle()
    return check(f is not None and f[1] == "7", f"{what}: a drawn 7 is read as {f}")


def close_cleanly(w, what):
    rc = w.close()
    time.sleep(0.2)
    check(rc == 0, f"{what}: exit {rc} on SIGTERM")
    no_crash(w.stderr, what)


def fallback_fonts(x, tmp):
    """No usable font: the window opens with the built-in one (one line on
    stderr says so and how to get a real one) and works. A DIGITPAD_FONT
    that is missing or not a font: one line, and the system font is used."""
    conf = os.path.join(tmp, "fonts.conf")
    os.makedirs(os.path.join(tmp, "nofonts"), exist_ok=True)
    with open(conf, "w") as f:   # a fontconfig configuration without a single font folder
        f.write('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                f"<fontconfig><cachedir>{tmp}/fontcache</cachedir></fontconfig>\n")
    junk = os.path.join(tmp, "junk.ttf")
    with open(junk, "wb") as f:
        f.write(bytes(random.Random(7).getrandbits(8) for _ in range(4096)))
    cases = [
        ("no font at all", {"FONTCONFIG_FILE": conf, "XDG_DATA_DIRS": os.path.join(tmp, "nofonts"), "DIGITPAD_FONT": ""},
         "using the built-in font"),
        ("DIGITPAD_FONT missing", {"DIGITPAD_FONT": os.path.join(tmp, "missing.ttf")}, "instead"),
        ("DIGITPAD_FONT not a font", {"DIGITPAD_FONT": junk}, "instead"),
    ]
    for label, env, says in cases:
        w = open_window(x.display, tmp, env=env, name=label)
        if not w:
            continue
        reads_a_seven(w, label)
        w.key("F1")   # a dialog full of text
        f = w.next_line("dialog", 5)
        check(f is not None and f[1] == "help", f"{label}: the help opens: {f}")
        screenshot(w, "fallback-" + label.replace(" ", "-"))
        w.key("Escape")
        close_cleanly(w, label)
        lines = [l for l in w.stderr if l.strip()]
        check(len(lines) == 1 and says in lines[0] and "font" in lines[0], f"{label}: one line about the font: {lines}")
        print(f"fallbacks: {label}: {lines[0] if lines else ''}")


def fallback_no_mnist(x, tmp):
    """Train and Evaluate without MNIST: a message naming where digitpad looked
    and how to fetch it; the window stays usable. Both the DIGITPAD_MNIST
    folder and the default one (HOME and XDG_DATA_HOME empty)."""
    nowhere = os.path.join(tmp, "nowhere")
    for label, env, where in (("DIGITPAD_MNIST pointing nowhere", {"DIGITPAD_MNIST": nowhere}, nowhere),
                              ("no MNIST anywhere", {"DIGITPAD_MNIST": ""},
                               os.path.join(tmp, "data", "digitpad", "mnist"))):
        w = open_window(x.display, tmp, env=env, name=label)
        if not w:
            continue
        for key in ("t", "e"):
            w.key(key)
            f = w.next_line("status", 5, accept=lambda f: f[1] == "error")
            check(f is not None and where in f[2] and "fetch_mnist.sh" in f[2],
                  f"{label}: {key} says where it looked and how to get MNIST: {f}")
            check(w.dialog == "message", f"{label}: {key} explains in a dialog ({w.dialog} is open)")
            w.key("Return")
            d = w.next_line("dialog", 5)
            check(d is not None and d[1] == "none", f"{label}: Return closes it: {d}")
            if f and key == "t":
                print(f"fallbacks: {label}: {f[2]}")
        check(not w.busy, f"{label}: nothing is left running")
        reads_a_seven(w, label)
        close_cleanly(w, label)


def fallback_models(x, tmp):
    """--model that cannot be loaded: one line naming the file and the reason,
    and the window opens with the shipped model (a drawn 7 is read right)."""
    bad = os.path.join(tmp, "models")
    os.makedirs(os.path.join(bad, "dir.model"))
    model = open(SHIPPED, "rb").read()
    cases = {"corrupt": os.path.join(bad, "random.model"), "truncated": os.path.join(bad, "truncated.model"),
             "a directory": os.path.join(bad, "dir.model"), "a FIFO": os.path.join(bad, "fifo.model"),
             "missing": os.path.join(bad, "missing.model")}
    with open(cases["corrupt"], "wb") as f:
        f.write(bytes(random.Random(3).getrandbits(8) for _ in range(70000)))
    with open(cases["truncated"], "wb") as f:
        f.write(model[: len(model) // 2])
    os.mkfifo(cases["a FIFO"])
    if os.geteuid() != 0:   # root reads files whatever their mode
        cases["unreadable"] = os.path.join(bad, "locked.model")
        with open(cases["unreadable"], "wb") as f:
            f.write(model)
        os.chmod(cases["unreadable"], 0)
    else:
        print("fallbacks: running as root, so the unreadable-model case is skipped")
    for label, path in cases.items():
        w = open_window(x.display, tmp, args=("--model", path), name=f"--model {label}")
        if not w:
            continue
        reads_a_seven(w, f"--model {label}")
        close_cleanly(w, f"--model {label}")
        lines = [l for l in w.stderr if l.strip()]
        check(len(lines) == 1 and path in lines[0] and "using the shipped model" in lines[0],
              f"--model {label}: one line naming the file, the reason and the fallback: {lines}")
        statuses = [l for l in w.log if l.startswith("status\terror")]
        check(any(path in l for l in statuses), f"--model {label}: the status bar says it too")
        print(f"fallbacks: --model {label}: {lines[0] if lines else ''}")


def test_fallbacks(tmp):
    fallback_no_display(tmp)
    with Xvfb() as x:
        fallback_fonts(x, tmp)
        fallback_no_mnist(x, tmp)
        fallback_models(x, tmp)


# ---- teaching it your handwriting -------------------------------------------------

def read_strokes(path):
    with open(path) as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


def xwd_shot(w, name):
    """With DIGITPAD_TEACH_SHOTS=DIR, the window's own screenshot (F12 would go to the data folder)."""
    out = os.environ.get("DIGITPAD_TEACH_SHOTS")
    if out and shutil.which("import"):
        os.makedirs(out, exist_ok=True)
        subprocess.run(["import", "-window", w.wid, os.path.join(out, name + ".png")],
                       env=dict(os.environ, DISPLAY=w.display), capture_output=True, timeout=60)


def counts(w, timeout=5.0):
    """The next "digits" line: (kept, tests, per-digit counts)."""
    f = w.next_line("digits", timeout)
    return (int(f[1]), int(f[2]), [int(v) for v in f[3].split()]) if f else None


def logged_counts(w):
    """The last "digits" line logged so far (the window logs one when it opens)."""
    w.drain()
    lines = [l.split("\t") for l in w.log if l.startswith("digits\t")]
    f = lines[-1] if lines else None
    return (int(f[1]), int(f[2]), [int(v) for v in f[3].split()]) if f else None


def kept_files(data):
    folder = os.path.join(data, "digitpad", "digits")
    return sorted(n for n in os.listdir(folder) if n.startswith("digit-") and n.endswith(".txt")) \
        if os.path.isdir(folder) else []


def teach_window(x, data, *args):
    w = Window(x.display, "--size", "1100x780", *args, env={"XDG_DATA_HOME": data, "HOME": os.path.dirname(data)})
    check(w.next_line("canvas", 20) is not None, "the window logs where its canvas is")
    w.find()
    w.next_line("button", 5, accept=lambda f: f[1] == "finetune")
    return w


def test_teach(tmp):
    mnist = find_mnist()
    style = os.path.join(tmp, "style")
    os.mkdir(style)
    p = subprocess.run([os.path.abspath(sys.argv[3]), mnist, style, "3", "11"], capture_output=True, text=True)
    check(p.returncode == 0, f"make_style: {p.stderr}")
    drawings = {d: [read_strokes(os.path.join(style, f"style-{d}-{i:03d}.txt")) for i in range(3)] for d in range(10)}
    data = os.path.join(tmp, "data")
    with Xvfb() as x:
        w = teach_window(x, data)
        try:
            first = logged_counts(w)
            check(first == (0, 0, [0] * 10), f"nothing kept at first: {first}")
            # Keep with a key: the canvas clears, the counts grow; Ctrl+Z takes it back onto the canvas.
            draw_batched(w, drawings[3][0])
            before = w.settle()
            w.key("3")
            f = w.next_line("kept", 5)
            check(f is not None and f[2] == "3" and f[3] == "train", f"key 3 keeps a 3: {f}")
            check(counts(w) == (1, 0, [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), "one 3 kept")
            after = w.settle()
            check(after is not None and after[1] == "-", f"keeping clears the canvas: {after}")
            w.key("ctrl+z")
            f = w.next_line("undo", 5)
            check(f is not None and f[2] == "ok", f"Ctrl+Z takes it back: {f}")
            check(counts(w) == (0, 0, [0] * 10), "nothing kept after the undo")
            back = w.settle()
            check(back is not None and before is not None and back[1:] == before[1:],
                  f"the drawing is on the canvas again: {back} vs {before}")
            check(kept_files(data) == [], f"its file is gone: {kept_files(data)}")
            # Keep with the buttons under the bars: the 3 back on the canvas, then one drawing of each other digit.
            for d in [3, 0, 1, 2, 4, 5, 6, 7, 8, 9]:
                if d != 3:
                    draw_batched(w, drawings[d][0])
                    w.settle(0.5)
                w.click(f"keep{d}")
                f = w.next_line("kept", 5)
                check(f is not None and f[2] == str(d), f"the {d} button keeps a {d}: {f}")
            c = counts(w, 1) or (0, 0, [])
            while True:   # the last counts line
                nxt = counts(w, 0.5)
                if not nxt:
                    break
                c = nxt
            check(c == (10, 0, [1] * 10), f"one of each kept: {c}")
            # Collect: the prompt asks for each digit in turn; Enter keeps it as asked.
            w.key("p")
            f = w.next_line("prompt", 5)
            check(f is not None and f[1] == "1", f"P starts collecting: {f}")
            asked = []
            for _ in range(20):
                d = int(f[2]) if f else 0
                asked.append(d)
                n = sum(1 for a in asked if a == d)
                draw_batched(w, drawings[d][min(n, 2)])
                w.settle(0.4)
                if len(asked) == 1:
                    xwd_shot(w, "collect")
                w.key("Return")
                k = w.next_line("kept", 5)
                check(k is not None and k[2] == str(d), f"Enter keeps the digit asked for ({d}): {k}")
                f = w.next_line("prompt", 5)
            check(sorted(asked) == sorted(list(range(10)) * 2), f"each digit asked for twice: {asked}")
            w.key("Escape")
            check(w.next_line("prompt", 5, accept=lambda f: f[1] == "0") is not None, "Esc ends collecting")
            files = kept_files(data)
            check(len(files) == 30, f"30 kept files: {len(files)}")
            # The second of each digit is a test digit.
            tests = sum(1 for l in w.log if l.startswith("kept\t") and l.endswith("\ttest"))
            check(tests == 10, f"ten test digits: {tests}")
            xwd_shot(w, "kept")

            # My digits: select, relabel, delete, undo.
            w.key("m")
            check(w.next_line("dialog", 5, accept=lambda f: f[1] == "digits") is not None, "M opens My digits")
            cells = {}
            while True:
                f = w.next_line("cell", 5)
                if f is None:
                    break
                cells[int(f[1])] = (int(f[2]), *(int(v) for v in f[3:7]))
                if len(cells) >= 30:
                    break
            check(len(cells) == 30, f"thirty thumbnails shown: {len(cells)}")
            xwd_shot(w, "mydigits")
            target = sorted(cells)[5]
            label, cx, cy, cw, ch = cells[target]
            w.xdo("mousemove", "--window", w.wid, str(cx + cw // 2), str(cy + ch // 2))
            w.xdo("click", "1")
            f = w.next_line("selected", 5)
            check(f is not None and int(f[1]) == target, f"clicking a thumbnail selects it: {f} (wanted {target})")
            new_label = (label + 1) % 10
            w.key(str(new_label))
            c = counts(w)
            check(c is not None and c[2][new_label] == 4 and c[2][label] == 2, f"relabelled {label} -> {new_label}: {c}")
            name = f"digit-{target:06d}.txt"
            with open(os.path.join(data, "digitpad", "digits", name)) as fh:
                check(f"# label: {new_label}\n" in fh.read(), "the relabel is on disk")
            w.key("Delete")
            c = counts(w)
            check(c is not None and c[0] == 29 and name not in kept_files(data), f"Delete removes it: {c}")
            w.key("ctrl+z")
            c = counts(w)
            check(c is not None and c[0] == 30 and name in kept_files(data), f"Ctrl+Z brings it back: {c}")
            w.key("ctrl+z")
            c = counts(w)
            check(c is not None and c[2][label] == 3, f"and undoes the relabel: {c}")
            w.key("Tab")
            check(w.next_line("filter", 5, accept=lambda f: f[1] == "0") is not None, "Tab shows only the 0s")
            w.key("Escape")
            check(w.next_line("dialog", 5, accept=lambda f: f[1] == "none") is not None, "Esc closes My digits")
        finally:
            rc = w.close()
        check(rc == 0, f"the window exits cleanly (exit {rc})")

        # A restart finds every kept digit; a crash right after keeping loses none.
        w = teach_window(x, data)
        try:
            c = logged_counts(w)
            check(c is not None and c[:2] == (30, 10) and c[2] == [3] * 10, f"after a restart: {c}")
            draw_batched(w, drawings[8][2])
            w.settle(0.5)
            w.key("8")
            check(w.next_line("kept", 5) is not None, "kept an 8")
        finally:
            w.proc.kill()
            w.proc.wait()
        check(not any(n.endswith(".digitpad-tmp") for n in os.listdir(os.path.join(data, "digitpad", "digits"))),
              "no temporary file after SIGKILL")

        # Fine-tune: before and after are shown; keep the new model.
        w = teach_window(x, data)
        try:
            c = logged_counts(w)
            check(c is not None and c[0] == 31, f"after SIGKILL the last kept digit is there: {c}")
            w.click("finetune")
            check(w.next_line("busy", 10, accept=lambda f: f[1] == "1") is not None, "Fine-tune starts a job")
            points = 0
            while w.next_line("train", 60) is not None:
                points += 1
                if points == 30:
                    xwd_shot(w, "finetuning")
                    break
            check(points >= 5, f"the loss curve grows while fine-tuning ({points} points)")
            f = figures = w.next_line("finetune", 180)
            check(f is not None, "fine-tuning ends with before and after figures")
            after_m = -1.0
            if f:
                before_p, before_m, after_p, after_m, n_test = float(f[2]), float(f[3]), float(f[5]), float(f[6]), int(f[7])
                print(f"teach: your test digits {before_p:.3f} -> {after_p:.3f} ({n_test}), "
                      f"MNIST {before_m:.4f} -> {after_m:.4f}")
                check(n_test == 10, f"ten test digits judged: {n_test}")
                check(0.98 < before_m <= 1 and after_m > before_m - 0.01, f"MNIST stays: {before_m} -> {after_m}")
                check(0 <= before_p <= 1 and 0 <= after_p <= 1, f"personal accuracy in range: {before_p}, {after_p}")
            check(w.next_line("dialog", 10, accept=lambda f: f[1] == "finetune") is not None,
                  "the before/after dialog opens")
            time.sleep(0.5)
            xwd_shot(w, "finetuned")
            w.key("Return")
            f = w.next_line("finetune_choice", 5)
            check(f is not None and f[1] == "keep", f"Enter keeps the fine-tuned model: {f}")
            st = [l for l in w.log if l.startswith("status\t")][-1:]
            check(st and "fine-tuned" in st[0], f"the status line says so: {st}")
            # The figures shown are the model's: save it and score it from the command line.
            w.key("ctrl+s")
            time.sleep(0.3)
            w.key("Return")
            sv = w.next_line("status", 5, accept=lambda f: "saved" in f[2] or f[1] == "error")
            saved = sv[2].split("saved ", 1)[1] if sv and "saved " in sv[2] else ""
            p = subprocess.run([DIGITPAD, "eval", "--model", saved, "--json"], capture_output=True, text=True, timeout=120)
            acc = json.loads(p.stdout)["accuracy"] if p.returncode == 0 else -1
            check(abs(acc - after_m) < 1e-4, f"the saved model scores {acc} on MNIST, as shown ({figures})")
        finally:
            rc = w.close()
        check(rc == 0, f"the window exits cleanly (exit {rc})")


# ---- looking inside ----------------------------------------------------------------

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
            total = w.next_line("testcells", 1)
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
                import struct
                pw, ph = struct.unpack(">II", head[16:24])
                area = [int(v) for v in [l for l in w.log if l.startswith("button\tview0")][-1].split("\t")[2:6]]
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
        finally:
            rc = w.close()
        check(rc == 0, f"the window exits cleanly (exit {rc})")


def main():
    mode = sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        {"offscreen": test_offscreen, "draw": test_draw, "train": test_train, "monkey": test_monkey,
         "fallbacks": test_fallbacks, "teach": test_teach,
         "inspect": test_inspect}[mode](tmp)
    return report(f"window {mode}")


if __name__ == "__main__":
    sys.exit(main())

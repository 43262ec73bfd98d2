"""What the end-to-end tests of the window (tests/test_window_*.py, one file
per mode) share: the digitpad window under Xvfb driven by xdotool, read
through its --verbose log; digits to draw; screenshots for a person to look
at; the WM_DELETE_WINDOW request a window manager sends on close, and the
keyboard focus taken away from every window.
bench/window_bench.py drives the window with the same classes.

A mode's main() calls program_from_argv() first: it sets DIGITPAD, the
program that Window starts.
"""
import atexit
import ctypes
import ctypes.util
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from dptest import check, skip_or_fail

DIGITPAD = None   # the program under test (absolute); program_from_argv() or set_digitpad() sets it

SOURCE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SHIPPED = os.path.join(SOURCE, "assets", "digitpad.model")
SCREEN = (1400, 1000)   # the Xvfb screen

# How long a wait for something that must happen (training to stop, the
# window to close, a drawing to be read) lasts before the test calls it a
# hang. Only a hang: the machine the tests run on is shared and loaded, so
# how fast these things happen is printed, and measured by
# bench/window_bench.py, never asserted.
HANG_S = 60


_SANDBOX = []


def sandbox():
    """A folder of this test run's own (removed at exit): the default data and
    config folders of every Window, so no test reads or leaves files (kept
    digits, an autosaved model, the zoom) in the user's folders."""
    if not _SANDBOX:
        _SANDBOX.append(tempfile.mkdtemp(prefix="digitpad-test-"))
        atexit.register(shutil.rmtree, _SANDBOX[0], True)
    return _SANDBOX[0]


def set_digitpad(path):
    """Makes path (made absolute) the program Window and the modes start; returns it."""
    global DIGITPAD
    DIGITPAD = os.path.abspath(path)
    return DIGITPAD


def program_from_argv(doc, extra=0):
    """DIGITPAD, the first argument, set as the program under test. A mode
    taking MAKE_STYLE too passes extra=1. Too few arguments: the usage line
    of doc (the mode's docstring) and exit 2."""
    if len(sys.argv) < 2 + extra:
        usage = [l.strip() for l in (doc or "").splitlines() if l.strip().startswith("usage:")]
        print(usage[0] if usage else f"usage: {sys.argv[0]} DIGITPAD" + " MAKE_STYLE" * extra, file=sys.stderr)
        sys.exit(2)
    return set_digitpad(sys.argv[1])


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
        for key, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config")):
            e[key] = os.path.join(sandbox(), sub)
        e["DIGITPAD_FILE_CHOOSER"] = "none"   # the window's own dialogs, which the tests drive
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
        """Waits for a log line of the kind prefix, or of one of a tuple of kinds (and accepted); returns its
        fields."""
        kinds = (prefix,) if isinstance(prefix, str) else prefix
        end = time.time() + timeout
        while time.time() < end:
            try:
                line = self.lines.get(timeout=max(0.01, end - time.time()))
            except queue.Empty:
                break
            f = self._note(line)
            if f[0] in kinds and (accept is None or accept(f)):
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
                self.proc.wait(timeout=HANG_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                check(False, f"the window did not quit within {HANG_S} s of SIGTERM")
        return self.proc.returncode


class Xvfb:
    """An X server of its own (the first free display from :91), SCREEN in size unless told."""

    def __init__(self, screen=None):
        self.screen = screen or SCREEN

    def __enter__(self):
        if not shutil.which("Xvfb") or not shutil.which("xdotool"):
            skip_or_fail("Xvfb or xdotool is not installed")
        for n in range(91, 140):
            if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
                break
        self.display = f":{n}"
        self.proc = subprocess.Popen(["Xvfb", self.display, "-screen", "0", f"{self.screen[0]}x{self.screen[1]}x24",
                                      "-nolisten", "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(f"/tmp/.X11-unix/X{n}"):
                break
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)


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


def xwd_shot(w, name):
    """With DIGITPAD_TEACH_SHOTS=DIR, the window's own screenshot (F12 would go to the data folder)."""
    out = os.environ.get("DIGITPAD_TEACH_SHOTS")
    if out and shutil.which("import"):
        os.makedirs(out, exist_ok=True)
        subprocess.run(["import", "-window", w.wid, os.path.join(out, name + ".png")],
                       env=dict(os.environ, DISPLAY=w.display), capture_output=True, timeout=60)


def teach_window(x, data, *args):
    """The window at 1100x780 with its user data in data (the teach and inspect
    modes), once it has logged its layout."""
    w = Window(x.display, "--size", "1100x780", *args, env={"XDG_DATA_HOME": data, "HOME": os.path.dirname(data)})
    check(w.next_line("canvas", 20) is not None, "the window logs where its canvas is")
    w.find()
    w.next_line("button", 5, accept=lambda f: f[1] == "finetune")
    return w


def _xlib():
    """libX11 through ctypes, with the calls used here declared; None if it cannot be loaded."""
    try:
        x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    except OSError:
        return None
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
    x11.XSetInputFocus.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_ulong]
    x11.XFlush.argtypes = x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    return x11


def drop_keyboard_focus(display):
    """Gives the keyboard focus to no window, as when the user types into
    another program (xdotool can only focus a window). Returns False if
    libX11 cannot be loaded."""
    x11 = _xlib()
    dpy = x11.XOpenDisplay(display.encode()) if x11 else None
    if not dpy:
        return False
    x11.XSetInputFocus(dpy, 0, 0, 0)   # None, RevertToNone, CurrentTime
    x11.XFlush(dpy)
    x11.XCloseDisplay(dpy)
    return True


def send_close_request(display, wid):
    """What a window manager sends when the user clicks the close button: a
    WM_DELETE_WINDOW client message (xdotool windowclose would destroy the
    window instead). Returns False if libX11 cannot be loaded."""
    x11 = _xlib()
    if not x11:
        return False

    class ClientMessage(ctypes.Structure):
        _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                    ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                    ("format", ctypes.c_int), ("l", ctypes.c_long * 5)]

    class XEvent(ctypes.Union):
        _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]

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

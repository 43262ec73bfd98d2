#!/usr/bin/env python3
"""End-to-end test of the window as a person draws: the real program under
Xvfb, digits drawn with xdotool mouse events; the predictions it logs
(--verbose) must match. Also Clear, undo and redo, Save and Load (a bad
model file and a good one), a resize, and drags let go outside the window
after leaving it and coming back.

usage: test_window_draw.py DIGITPAD
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

from dptest import check, report
from window_harness import (DIGITS, HANG_S, Window, Xvfb, densify, draw_batched, drop_keyboard_focus,
                            program_from_argv)


def screen_xy(w, x, y):
    """Window coordinates (x, y) on the screen, as strings for xdotool: a
    point outside the window can only be given this way."""
    geo = subprocess.run(["xdotool", "getwindowgeometry", "--shell", w.wid], capture_output=True, text=True,
                         env=dict(os.environ, DISPLAY=w.display), timeout=20).stdout
    g = dict(l.split("=", 1) for l in geo.split())
    return str(int(g["X"]) + x), str(int(g["Y"]) + y)


def handled(w, key):
    """Sends a bracket key (the brush a step wider or narrower) and waits
    for the window to say so: every event sent before it has been handled
    then, however slow the machine."""
    w.drain()
    w.key(key)
    check(w.next_line("brush", HANG_S) is not None, f"the window answers {key}")


def lose_release(w, start, back, how):
    """Presses the left button at start (window coordinates), leaves the
    window to its left, comes back in at back, leaves again and lets go
    out there. SDL 2 on X11 ungrabs the pointer when it sees the pointer
    come back in, button down or not, so the release outside reaches no
    window (app/window/lost_release.c). A focused, idle window has its own
    grab by then, which hides the way back from it; so the window misses
    it here, as the monkey test found it: how="busy" stops the window while
    the pointer goes out and back (a frame too slow for the hand),
    how="unfocused" takes the keyboard focus away (SDL grabs only for a
    focused window)."""
    out = (-40, back[1])
    w.xdo("mousemove", *screen_xy(w, *start))
    handled(w, "bracketright")
    if how == "unfocused":
        check(drop_keyboard_focus(w.display), "the keyboard focus can be taken away (libX11)")
    else:
        w.proc.send_signal(signal.SIGSTOP)
    try:
        w.xdo("mousedown", "1")
        for cx, cy in densify(f"{start[0]},{start[1]} {out[0]},{out[1]} {back[0]},{back[1]}")[1:]:
            w.xdo("mousemove", *screen_xy(w, cx, cy))
    finally:
        w.proc.send_signal(signal.SIGCONT)
    handled(w, "bracketleft")   # SDL has seen the press and the way back
    w.xdo("mousemove", *screen_xy(w, *out))
    w.xdo("mouseup", "1")
    w.xdo("windowfocus", w.wid)


def read_after(w, what):
    """The window's reading once it is quiet, after something that changes
    the canvas (None if nothing is read: checked here)."""
    first = w.next_line("predict", HANG_S)
    last = w.settle() or first
    check(last is not None, f"{what}: the window reads the canvas")
    return last or [None, None]


def test_release_outside(w, how):
    """A drag begun beside the canvas and let go outside the window after a
    trip out and back (the monkey test's drag): the next stroke draws, a 7
    read as a 7 (SDL drops its press as a repeat; the window takes it)."""
    w.key("c")
    w.settle()
    x, y, cw, ch = w.canvas
    beside = (x // 2, y + ch // 2)   # left of the canvas, on no control
    lose_release(w, beside, beside, how)
    draw_batched(w, DIGITS["7"])
    last = read_after(w, f"a 7 drawn after a drag let go outside ({how})")
    check(last[1] == "7", f"a 7 drawn after a drag let go outside the window ({how}) is read as a 7: {last}")


def test_stroke_released_outside(w):
    """The same with a stroke drawn by the drag: it ends outside the window,
    and the pointer coming back without the button draws nothing."""
    w.key("c")
    w.settle()
    draw_batched(w, DIGITS["1"])
    lose_release(w, w.to_window(150, 240), w.to_window(150, 140), "unfocused")
    w.key("c")
    check(w.next_line("predict", HANG_S, accept=lambda f: f[1] == "-") is not None, "C clears the canvas")
    for cx in range(40, 250, 20):   # back in without the button, across the canvas
        w.xdo("mousemove", *screen_xy(w, *w.to_window(cx, 100)))
    w.key("ctrl+z")   # takes back the Clear if nothing was drawn since, else what was
    back = read_after(w, "Ctrl+Z after the Clear")
    check(back[1] not in ("-", None), f"the pointer back without the button drew nothing: Ctrl+Z brings back the "
          f"drawing from before C, not an empty canvas (a line along the pointer's way taken back): {back}")
    w.key("c")
    w.settle()
    draw_batched(w, DIGITS["7"])
    last = read_after(w, "a 7 drawn after the stroke let go outside")
    check(last[1] == "7", f"then a drawn 7 is read as a 7: {last}")


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
            for how in ("busy", "unfocused"):
                test_release_outside(w, how)
            test_stroke_released_outside(w)
            lost = [l.split("\t")[1] for l in w.log if l.startswith("lost_release\t")]
            print(f"window draw: the window told {lost.count('pointer')} releases SDL missed and took "
                  f"{lost.count('press')} presses SDL dropped from the X events")
            # A resize moves the canvas and says where.
            w.xdo("windowsize", w.wid, "900", "700")
            f = w.next_line("canvas", 10)
            check(f is not None, "resizing logs the new canvas position")
        finally:
            rc = w.close()
        check(rc == 0, f"the window exits cleanly on SIGTERM (exit {rc})")


def main():
    program_from_argv(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        test_draw(tmp)
    return report("window draw")


if __name__ == "__main__":
    sys.exit(main())

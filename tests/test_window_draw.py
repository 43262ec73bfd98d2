#!/usr/bin/env python3
"""End-to-end test of the window as a person draws: the real program under
Xvfb, digits drawn with xdotool mouse events; the predictions it logs
(--verbose) must match. Also Clear, undo and redo, Save and Load (a bad
model file and a good one), and a resize.

usage: test_window_draw.py DIGITPAD
"""
import os
import sys
import tempfile
import time

from dptest import check, report
from window_harness import DIGITS, Window, Xvfb, program_from_argv


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


def main():
    program_from_argv(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        test_draw(tmp)
    return report("window draw")


if __name__ == "__main__":
    sys.exit(main())

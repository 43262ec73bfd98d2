#!/usr/bin/env python3
"""Keys, tooltips, text fields and messages in the real window (Xvfb, no
MNIST): a tooltip shows after the pointer rests on a control, for that
control only, and goes when the pointer leaves; Redo after taking back a
keep keeps the digit again; a message about the canvas goes when the canvas
changes; Esc closes a dialog, then ends Collect; the Save field edits like
a text field (Ctrl+A, Home, Left/Right, Backspace/Delete at the caret,
Ctrl+C/Ctrl+V, "~" for the home folder); a failed Load or Save says why in
its dialog; Load lists the shipped model first, then the models folder's
newest first; a click on the status line shows the last messages; where
the desktop has a file chooser (a stand-in zenity), Save, Save picture and
Load use it.

usage: test_window_keys.py DIGITPAD
"""
import os
import sys
import tempfile
import time

from dptest import check, report
from window_harness import DIGITS, HANG_S, Window, Xvfb, draw_batched, program_from_argv


def move_to(w, name, dx=0):
    x, y, bw, bh = w.buttons[name]
    w.xdo("mousemove", "--window", w.wid, str(x + bw // 2 + dx), str(y + bh // 2))


def test_tooltips(w):
    w.drain()
    move_to(w, "help")
    f = w.next_line("tooltip", 5)
    check(f is not None and f[1].startswith("Keys and help"), f"resting on ? shows its tooltip: {f}")
    move_to(w, "evaluate")   # onto another control: the old tip goes at once, the new one waits
    f = w.next_line("tooltip", 5)
    check(f == ["tooltip", "-"], f"moving to Evaluate hides the tooltip of ?: {f}")
    f = w.next_line("tooltip", 5)   # (after the pointer has rested: the delay is not timed here, machines vary)
    check(f is not None and f[1].startswith("Score the model"), f"then Evaluate's own: {f}")
    for dx in (-6, -3, 0, 3, 6):   # moving within the control keeps the shown tip
        move_to(w, "evaluate", dx)
    x, y, cw, ch = w.canvas
    w.xdo("mousemove", "--window", w.wid, str(x + cw // 2), str(y + ch // 2))
    f = w.next_line("tooltip", 5)
    check(f == ["tooltip", "-"], f"leaving the control hides it: {f}")
    check(w.next_line("tooltip", 1.5) is None, "the canvas has no tooltip")


def test_redo_keep(w):
    w.drain()
    draw_batched(w, DIGITS["2"])
    w.settle()
    w.key("2")
    kept = w.next_line("kept", 5)
    check(kept is not None and kept[2] == "2", f"2 keeps the drawing as a 2: {kept}")
    w.key("ctrl+z")
    check(w.next_line("undo", 5) is not None, "Ctrl+Z takes the keep back")
    back = w.settle()
    check(back is not None and back[1] == "2", f"and the drawing is on the canvas again: {back}")
    w.key("ctrl+y")
    again = w.next_line("kept", 5)
    check(again is not None and again[2] == "2", f"Ctrl+Y keeps it again: {again}")
    cleared = w.settle()
    check(cleared is not None and cleared[1] == "-", f"and the canvas is clear, as after the first keep: {cleared}")
    w.drain()
    draw_batched(w, DIGITS["1"])   # "kept as 2 (Ctrl+Z takes it back)" no longer applies
    f = w.next_line("status", 5, accept=lambda f: f[1] == "cleared")
    check(f is not None, "a message about the canvas goes when the canvas changes")
    w.key("c")
    w.settle()
    w.drain()
    w.key("f")   # one digit kept: too few to fine-tune on, and it says what is missing, in number
    f = w.next_line("status", 5, accept=lambda f: f[1] == "error")
    check(f is not None and "19 more digits to learn from and 5 more to test on" in f[2], f"F says what is missing: {f}")


def test_escape(w):
    w.drain()
    w.key("p")
    check(w.next_line("prompt", 5, accept=lambda f: f[1] == "1") is not None, "P starts collecting")
    w.key("F1")
    check(w.next_line("dialog", 5, accept=lambda f: f[1] == "help") is not None, "F1 opens the help")
    w.key("Escape")
    check(w.next_line("dialog", 5, accept=lambda f: f[1] == "none") is not None, "Esc closes the dialog first")
    check(w.next_line("prompt", 0.8) is None, "and Collect goes on")
    w.key("Escape")
    check(w.next_line("prompt", 5, accept=lambda f: f[1] == "0") is not None, "the next Esc ends Collect")


def save_as(w, keys, typed):
    """Opens Save, does keys and types text in its field, presses Enter; the status line."""
    w.drain()
    w.key("ctrl+s")
    check(w.next_line("dialog", 5, accept=lambda f: f[1] == "save") is not None, "Ctrl+S opens Save")
    for k in keys:
        if k.startswith("type:"):
            w.xdo("type", "--window", w.wid, "--delay", "5", k[5:])
        else:
            w.key(k)
    time.sleep(0.2)
    w.key("Return")
    return w.next_line("status", 5)


def test_field(w, home):
    st = save_as(w, ["ctrl+a", "type:~/b.model", "Home", "Right", "Right", "type:x"], "")
    check(os.path.isfile(os.path.join(home, "xb.model")), f"~ is the home folder, and typing goes at the caret: {st}")
    st = save_as(w, ["ctrl+a", "type:~/cdqX.model", "End"] + ["Left"] * 7 + ["BackSpace", "Delete", "type:z"], "")
    check(os.path.isfile(os.path.join(home, "cdz.model")), f"Backspace and Delete at the caret: {st}")
    st = save_as(w, ["ctrl+a", "type:~/copied.model", "ctrl+a", "ctrl+c", "type:junk", "ctrl+a", "ctrl+v"], "")
    check(os.path.isfile(os.path.join(home, "copied.model")), f"Ctrl+C / Ctrl+V: {st}")


def test_file_errors_and_list(w, data):
    models = os.path.join(data, "digitpad", "models")
    os.makedirs(models, exist_ok=True)
    shipped = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets", "digitpad.model")
    for name, age in (("old.model", 3000), ("new.model", 10), ("middle.model", 600)):
        with open(shipped, "rb") as src, open(os.path.join(models, name), "wb") as dst:
            dst.write(src.read())
        os.utime(os.path.join(models, name), (time.time() - age, time.time() - age))
    w.drain()
    w.key("ctrl+o")
    f = w.next_line("loadlist", 5)
    check(f is not None and f[1:] == ["4", "digitpad.model", "new.model", "middle.model", "old.model"],
          f"Load lists the shipped model, then the folder's newest first: {f}")
    w.key("ctrl+a")
    w.xdo("type", "--window", w.wid, "--delay", "5", "~/no-such.model")
    w.key("Return")
    f = w.next_line("dialog_error", 5)
    check(f is not None and "no-such.model" in f[1], f"a failed Load says why in the dialog: {f}")
    check(w.next_line("dialog", 0.8, accept=lambda f: f[1] == "none") is None, "and the dialog stays open")
    w.key("Escape")
    st = save_as(w, ["ctrl+a", "type:/proc/no/x.model"], "")
    f = w.next_line("dialog_error", 5)
    check(f is not None and "x.model" in f[1], f"a failed Save says why in the dialog: {f}")
    w.key("Escape")
    check(w.next_line("dialog", 5, accept=lambda f: f[1] == "none") is not None, "Esc closes it")


def logged_regions(w):
    """The regions the window last logged, by name."""
    regions = {}
    for line in w.log:
        f = line.split("\t")
        if f[0] == "region":
            regions[f[1]] = tuple(int(v) for v in f[2:6])
    return regions


def test_brush_track(w):
    """A click on the brush slider's track moves it there."""
    regions = logged_regions(w)
    x, y, bw, bh = regions["brush"]
    w.drain()
    w.xdo("mousemove", "--window", w.wid, str(x + bw - 3), str(y + bh // 2), "click", "1")
    f = w.next_line("brush", 5)
    check(f is not None and float(f[1]) > 30, f"a click at the track's right end makes the brush wide: {f}")
    w.key("bracketleft")
    f = w.next_line("brush", 5)
    check(f is not None and float(f[1]) > 28, f"[ narrows it a step: {f}")


def test_history(w):
    regions = logged_regions(w)
    x, y, sw, sh = regions["status"]
    w.drain()
    w.xdo("mousemove", "--window", w.wid, str(x + 30), str(y + sh // 2), "click", "1")
    check(w.next_line("dialog", 5, accept=lambda f: f[1] == "history") is not None, "a click on the status line shows the last messages")
    w.key("Escape")
    check(w.next_line("dialog", 5, accept=lambda f: f[1] == "none") is not None, "Esc closes them")


STAND_IN = """#!/bin/sh
# A stand-in for zenity: answers as a user would, by what it is asked.
save=; name=
for a; do case "$a" in --save) save=1;; --filename=*) name="${a#--filename=}";; esac; done
echo "$save $name" >> "$HOME/asked.txt"
if [ -n "$save" ]; then case "$name" in *.png) echo "$HOME/picked.png";; *) echo "$HOME/picked.model";; esac
else echo "$HOME/picked.model"; fi
"""


def test_system_chooser(x, tmp):
    """Where the desktop has a chooser, Save, Save picture and Load use it."""
    bin_dir = os.path.join(tmp, "bin")
    os.makedirs(bin_dir, exist_ok=True)
    with open(os.path.join(bin_dir, "zenity"), "w") as f:
        f.write(STAND_IN)
    os.chmod(os.path.join(bin_dir, "zenity"), 0o755)
    env = {"XDG_DATA_HOME": os.path.join(tmp, "data"), "XDG_CONFIG_HOME": os.path.join(tmp, "config"), "HOME": tmp,
           "PATH": bin_dir + ":" + os.environ.get("PATH", "/usr/bin:/bin"), "DIGITPAD_FILE_CHOOSER": ""}
    w = Window(x.display, "--size", "1100x700", env=env)
    try:
        check(w.next_line("canvas", 20) is not None and w.find() is not None, "the window opens")
        w.next_line("button", 5, accept=lambda f: f[1] == "keepnew")
        w.key("ctrl+s")
        f = w.next_line("status", 10, accept=lambda f: f[2].startswith("saved"))
        check(f is not None and os.path.isfile(os.path.join(tmp, "picked.model")), f"Save asks the system's chooser: {f}")
        w.click("savepicture")
        f = w.next_line("status", 10, accept=lambda f: f[2].startswith("saved picture"))
        png = os.path.join(tmp, "picked.png")
        check(f is not None and os.path.isfile(png) and open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n",
              f"Save picture asks where, and saves the view there: {f}")
        w.key("ctrl+o")
        f = w.next_line("status", 10, accept=lambda f: f[2].startswith("loaded"))
        check(f is not None and "picked.model" in f[2], f"Load asks the system's chooser: {f}")
        asked = open(os.path.join(tmp, "asked.txt")).read().splitlines()
        check(len(asked) == 3 and asked[0].startswith("1 ") and asked[0].endswith(".model") and
              asked[1].endswith(".png") and asked[2] == " ", f"what the chooser was asked: {asked}")
    finally:
        rc = w.close()
    check(rc == 0, f"the window exits cleanly (exit {rc})")


def main():
    program_from_argv(__doc__)
    with tempfile.TemporaryDirectory() as tmp, Xvfb() as x:
        env = {"XDG_DATA_HOME": os.path.join(tmp, "data"), "XDG_CONFIG_HOME": os.path.join(tmp, "config"), "HOME": tmp}
        w = Window(x.display, "--size", "1100x700", env=env)
        try:
            check(w.next_line("canvas", 20) is not None and w.find() is not None, "the window opens")
            w.next_line("button", 5, accept=lambda f: f[1] == "keepnew")
            test_tooltips(w)
            test_redo_keep(w)
            test_escape(w)
            test_field(w, tmp)
            test_file_errors_and_list(w, os.path.join(tmp, "data"))
            test_history(w)
            test_brush_track(w)
        finally:
            rc = w.close()
        check(rc == 0, f"the window exits cleanly (exit {rc})")
        test_system_chooser(x, tmp)
    return report("window keys")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Missing resources, each one line and a fallback, never a crash: no
display (exit 1), no font (the built-in one), no MNIST (a message naming
where it looked; the window stays usable), a model that cannot be loaded
(the shipped one instead). Under Xvfb but for the no-display cases.

usage: test_window_fallbacks.py DIGITPAD
"""
import os
import random
import subprocess
import sys
import tempfile
import time

from dptest import check, report
from window_harness import (DIGITS, HANG_S, SHIPPED, Window, Xvfb, draw_batched, program_from_argv,
                            screenshot)

DIGITPAD = None   # set by main()


def run_briefly(args, env, timeout=HANG_S):
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
    # A folder name longer than any line of the message (it once overflowed
    # a 512-byte buffer when the message was wrapped into its dialog).
    deep = os.path.join(tmp, "m" * 700)
    w = open_window(x.display, tmp, env={"DIGITPAD_MNIST": deep}, name="a 700-character DIGITPAD_MNIST")
    if w:
        w.key("e")
        f = w.next_line("status", 5, accept=lambda f: f[1] == "error")
        check(f is not None and deep[:200] in f[2], f"a long MNIST folder is named: {f and f[2][:80]}")
        check(w.next_line("dialog", 5, accept=lambda f: f[1] == "message") is not None or w.dialog == "message",
              "and explained in a dialog")
        w.settle(1.0)   # drawn a few frames
        screenshot(w, "fallback-long-mnist-path")
        w.key("Return")
        reads_a_seven(w, "a 700-character DIGITPAD_MNIST")
        close_cleanly(w, "a 700-character DIGITPAD_MNIST")


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


def main():
    global DIGITPAD
    DIGITPAD = program_from_argv(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        test_fallbacks(tmp)
    return report("window fallbacks")


if __name__ == "__main__":
    sys.exit(main())

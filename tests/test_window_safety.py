#!/usr/bin/env python3
"""The window never loses a good model or the user's work: Train, then Stop,
shows the run's MNIST accuracy against the model before; Go back (the
button at the bottom, or Enter when the new model scores lower) gives the
shipped model's readings back exactly; closing with an unsaved model asks
(Save… / Discard / Cancel); SIGTERM ends promptly but writes an autosave,
which the next start offers to restore. Under Xvfb, with MNIST.

usage: test_window_safety.py DIGITPAD
"""
import glob
import os
import signal
import subprocess
import sys
import tempfile
import time

from dptest import check, find_mnist, report
from window_harness import DIGITS, HANG_S, Window, Xvfb, draw_batched, program_from_argv, send_close_request


def probs(f):
    return f[2] if f else None


def train_a_little(w, steps=60, busy_keys=False):
    """Train from a new network, Stop after some steps; the 'trained' line (step, after, before).
    busy_keys: while it trains, keys that cannot act say why."""
    w.drain()
    w.key("t")
    f = w.next_line("train", HANG_S, accept=lambda f: int(f[1]) >= steps)
    check(f is not None, f"training reaches step {steps}")
    for key, what in (("e", "cannot evaluate"), ("t", "cannot train"), ("ctrl+o", "cannot load")) if busy_keys else ():
        w.key(key)
        st = w.next_line("status", 10, accept=lambda f: f[1] == "error")
        check(st is not None and st[2].startswith(what), f"{key} while training says why: {st}")
    w.key("Escape")   # nothing else is open: Esc stops training
    done = w.next_line("trained", HANG_S)
    check(done is not None, "the run ends with its result")
    check(w.next_line("dialog", 10, accept=lambda f: f[1] == "trained") is not None, "shown in a dialog")
    return done


def test_go_back(w, shipped):
    done = train_a_little(w, busy_keys=True)
    after, before = float(done[2]), float(done[3])
    check(abs(before - 0.9965) < 1e-6, f"'before' is the shipped model's recorded accuracy: {before}")
    check(0.0 < after < 1.0, f"'after' is the stopped run's measured accuracy: {after}")
    trained = w.settle()
    check(probs(trained) != shipped, "the drawing is read by the new model")
    w.key("Escape")
    check(w.next_line("dialog", 10, accept=lambda f: f[1] == "none") is not None, "Esc closes the result")
    time.sleep(0.5)
    w.drain()
    check(w.buttons.get("goback", (0, 0, 0, 0))[2] > 0, f"'Go back' is at the bottom: {w.buttons.get('goback')}")
    w.click("goback")
    check(w.next_line("previous", 10) == ["previous", "back"], "the click goes back")
    back = w.settle()
    check(probs(back) == shipped, f"the shipped model's readings come back exactly: {back} vs {shipped}")
    # A run that scores lower than the model before (60 steps cannot reach 99.35 %): Enter, the default, goes back.
    done = train_a_little(w)
    check(float(done[2]) < float(done[3]) - 0.003, f"a short run scores lower than the shipped model: {done}")
    w.key("Return")
    check(w.next_line("previous", 10) == ["previous", "back"], "Enter goes back when the new model scores lower")
    check(probs(w.settle()) == shipped, "and the readings are the shipped model's")
    print(f"safety: stopped at step {done[1]}: {float(done[2]):.4f} against {float(done[3]):.4f} before; went back")


def autosaves(data):
    return sorted(glob.glob(os.path.join(data, "digitpad", "autosave-*.model")))


def test_close_and_autosave(x, w, data):
    """Keep a trained model; closing asks; Cancel keeps the window; SIGTERM autosaves."""
    train_a_little(w)
    w.key("Escape")
    time.sleep(0.3)
    w.drain()
    w.click("keepnew")
    check(w.next_line("previous", 10) == ["previous", "keep"], "Keep keeps the trained model")
    w.settle()
    kept = [l.split("\t") for l in w.log if l.startswith("predict\t")][-1]   # the trained model's reading
    if send_close_request(x.display, w.wid):
        check(w.next_line("dialog", 10, accept=lambda f: f[1] == "quit") is not None,
              "closing with an unsaved model asks first")
        w.key("Escape")
        check(w.next_line("quit_choice", 10) == ["quit_choice", "cancel"], "Esc cancels")
        time.sleep(0.5)
        check(w.proc.poll() is None, "and the window stays open")
    t0 = time.time()
    w.proc.send_signal(signal.SIGTERM)
    try:
        rc = w.proc.wait(timeout=HANG_S)
    except subprocess.TimeoutExpired:
        rc = None
    check(rc == 0, f"SIGTERM ends the window (exit {rc}) in {time.time() - t0:.2f} s")
    saved = autosaves(data)
    check(len(saved) == 1 and not saved[0].endswith("-before.model"), f"the unsaved model was written to an autosave: {saved}")
    check(saved and any(os.path.basename(saved[0]) in l for l in w.stderr), f"and stderr says where: {w.stderr[-2:]}")
    return kept


def test_restore(x, env, data, kept):
    w = Window(x.display, env=env)
    try:
        check(w.next_line("dialog", 20, accept=lambda f: f[1] == "restore") is not None, "the next start offers it")
        w.find()
        w.next_line("canvas", 5)
        w.key("Return")
        check(w.next_line("restore_choice", 10) == ["restore_choice", "restore"], "Enter restores")
        time.sleep(0.3)
        w.drain()
        draw_batched(w, DIGITS["2"])
        restored = w.settle()
        check(probs(restored) == probs(kept), f"the restored model reads as the kept one did: {restored} vs {kept}")
        check(not autosaves(data), "the autosave is used up")
        # Train from the restored model (in no file) and be ended: both are kept, the restored one as "before".
        train_a_little(w)
        w.key("Escape")
        w.close()
        saved = [os.path.basename(p) for p in autosaves(data)]
        check(len(saved) == 2 and sum(s.endswith("-before.model") for s in saved) == 1,
              f"the model in use and the unsaved one before it are both kept: {saved}")
    finally:
        if w.proc.poll() is None:
            w.close()


def main():
    program_from_argv(__doc__)
    find_mnist()
    with tempfile.TemporaryDirectory() as tmp, Xvfb() as x:
        data = os.path.join(tmp, "data")
        env = {"XDG_DATA_HOME": data, "XDG_CONFIG_HOME": os.path.join(tmp, "config"), "HOME": tmp}
        w = Window(x.display, "--size", "1100x700", env=env)
        try:
            check(w.next_line("canvas", 20) is not None and w.find() is not None, "the window opens")
            w.next_line("predict", 10)
            draw_batched(w, DIGITS["2"])
            shipped = probs(w.settle())
            test_go_back(w, shipped)
            kept = test_close_and_autosave(x, w, data)
        finally:
            if w.proc.poll() is None:
                w.close()
        test_restore(x, env, data, kept)
    return report("window safety")


if __name__ == "__main__":
    sys.exit(main())

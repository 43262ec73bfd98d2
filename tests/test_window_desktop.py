#!/usr/bin/env python3
"""The window as a good citizen of the desktop, under Xvfb: while it is open
and idle the screen saver may still start (so the screen can lock), it does
not ask compositors to step aside, and its window class is "digitpad".
Checked from outside, through the X server (libX11 and libXss, which SDL
itself needs).

usage: test_window_desktop.py DIGITPAD
"""
import ctypes
import ctypes.util
import os
import sys
import tempfile
import time

from dptest import check, report, skip_or_fail
from window_harness import Window, Xvfb, program_from_argv


class ScreenSaverInfo(ctypes.Structure):
    _fields_ = [("window", ctypes.c_ulong), ("state", ctypes.c_int), ("kind", ctypes.c_int),
                ("til_or_since", ctypes.c_ulong), ("idle", ctypes.c_ulong), ("event_mask", ctypes.c_ulong)]


SCREEN_SAVER_ON = 1


class X:
    """A client connection to the X server, for what the tests ask it."""

    def __init__(self, display):
        try:
            self.x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
            self.xss = ctypes.CDLL(ctypes.util.find_library("Xss") or "libXss.so.1")
        except OSError as e:
            skip_or_fail(f"libX11 or libXss cannot be loaded ({e})")
        x, s = self.x11, self.xss
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XSetScreenSaver.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int]
        x.XForceScreenSaver.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XInternAtom.restype = ctypes.c_ulong
        x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x.XGetWindowProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long,
                                         ctypes.c_long, ctypes.c_int, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                                         ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_ulong),
                                         ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p)]
        x.XFree.argtypes = [ctypes.c_void_p]
        x.XFlush.argtypes = x.XSync.argtypes = x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        s.XScreenSaverQueryInfo.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ScreenSaverInfo)]
        self.dpy = x.XOpenDisplay(display.encode())
        if not self.dpy:
            skip_or_fail(f"cannot connect to the X server {display}")

    def screen_saver_after(self, seconds):
        """Sets the screen saver to start after seconds of no input and resets it."""
        self.x11.XSetScreenSaver(self.dpy, seconds, 0, 1, 1)
        self.x11.XForceScreenSaver(self.dpy, 0)   # ScreenSaverReset
        self.x11.XSync(self.dpy)

    def screen_saver_state(self):
        info = ScreenSaverInfo()
        self.xss.XScreenSaverQueryInfo(self.dpy, self.x11.XDefaultRootWindow(self.dpy), ctypes.byref(info))
        return info.state

    def property(self, wid, name):
        """A window property as bytes (None if it is not set)."""
        atom = self.x11.XInternAtom(self.dpy, name.encode(), 0)
        kind, fmt, n, after, data = ctypes.c_ulong(), ctypes.c_int(), ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        rc = self.x11.XGetWindowProperty(self.dpy, int(wid), atom, 0, 1024, 0, 0, ctypes.byref(kind), ctypes.byref(fmt),
                                         ctypes.byref(n), ctypes.byref(after), ctypes.byref(data))
        if rc != 0 or not data.value or kind.value == 0:
            return None
        size = {8: 1, 16: ctypes.sizeof(ctypes.c_short), 32: ctypes.sizeof(ctypes.c_long)}[fmt.value] * n.value
        value = ctypes.string_at(data.value, size)
        self.x11.XFree(data)
        return value

    def close(self):
        self.x11.XCloseDisplay(self.dpy)


def test_desktop(tmp):
    with Xvfb() as xvfb:
        x = X(xvfb.display)
        x.screen_saver_after(2)
        env = {"XDG_DATA_HOME": os.path.join(tmp, "data"), "HOME": os.path.join(tmp, "home")}
        for name in ("SDL_VIDEO_ALLOW_SCREENSAVER", "SDL_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR"):
            os.environ.pop(name, None)   # the window's own choice is tested, not the caller's
        w = Window(xvfb.display, env=env)
        try:
            check(w.next_line("canvas", 30) is not None and w.find() is not None, "the window opens")
            w.settle(1.0)
            x.screen_saver_after(2)   # idle from now on
            end = time.time() + 10
            state = x.screen_saver_state()
            while state != SCREEN_SAVER_ON and time.time() < end:
                time.sleep(0.25)
                state = x.screen_saver_state()
            check(state == SCREEN_SAVER_ON, f"the screen saver starts while the window is open and idle (state {state})")
            bypass = x.property(w.wid, "_NET_WM_BYPASS_COMPOSITOR")
            check(bypass is None or int.from_bytes(bypass[:4], sys.byteorder) == 0,
                  f"the window does not ask the compositor to step aside: {bypass}")
            wm_class = x.property(w.wid, "WM_CLASS")
            check(wm_class is not None and wm_class.split(b"\0")[:2] == [b"digitpad", b"digitpad"],
                  f"its window class is digitpad: {wm_class}")
            print(f"desktop: screen saver state {state} while idle; compositor bypass {bypass}; class {wm_class}")
        finally:
            rc = w.close()
            x.close()
        check(rc == 0, f"the window exits cleanly (exit {rc})")


def main():
    program_from_argv(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        test_desktop(tmp)
    return report("window desktop")


if __name__ == "__main__":
    sys.exit(main())

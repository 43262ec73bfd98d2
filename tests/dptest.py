"""Shared helpers for the Python end-to-end tests: counted checks, and the
skip-or-fail rule (missing prerequisites fail under CI, skip with 77 elsewhere)."""
import os
import sys

failures = 0


def check(cond, msg):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", msg, file=sys.stderr)
    return cond


def program(path):
    """The command that runs one of the build's programs: under a cross
    build's wrapper (QEMU for arm64) when meson names one."""
    return [*os.environ.get("DIGITPAD_TEST_WRAPPER", "").split(), os.path.abspath(path)]


def in_ci():
    return os.environ.get("CI", "") not in ("", "0", "false")


def skip_or_fail(why):
    if in_ci():
        print(f"{why} and CI is set: failing", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {why}")
    sys.exit(77)


def find_mnist():
    """The MNIST folder the way the program looks for it, or skip/fail."""
    mnist = os.environ.get("DIGITPAD_MNIST", "")
    if not mnist:
        data = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
        mnist = os.path.join(data, "digitpad", "mnist")
    if not any(os.path.exists(os.path.join(mnist, "t10k-labels-idx1-ubyte" + ext)) for ext in (".gz", "")):
        skip_or_fail("MNIST not found (set DIGITPAD_MNIST)")
    os.environ["DIGITPAD_MNIST"] = mnist
    return mnist


def report(name):
    print(f"{name}: " + ("all checks passed" if not failures else f"{failures} failed"))
    return 1 if failures else 0

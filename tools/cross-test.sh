#!/usr/bin/env bash
# Builds digitpad for another CPU on Debian 12 and runs its tests under QEMU:
#
#   tools/cross-test.sh arm64 [--native BUILD] [--build DIR] [--all]
#
# 1. installs what is missing (as root, or with sudo): the cross compiler
#    (crossbuild-essential-arm64), the arm64 libraries through multiarch
#    (dpkg --add-architecture arm64; libsdl2-dev:arm64 and the rest) and QEMU
#    user-mode emulation (qemu-user-static, called explicitly: no binfmt needed);
# 2. cross-builds with tools/cross/arm64-linux-gnu.ini into DIR (default build-arm64);
# 3. runs the core, command-line and fuzz-replay tests under QEMU, and the
#    "cross" test: the native build (BUILD, default build) and the arm64 one read
#    every MNIST test image alike with the shipped model, and each reads the
#    model files the other saved (tests/test_cross.py). The core tests in
#    suite "slow" (training, skeletons, augmentation: minutes each under
#    emulation) are left out; --all adds them and the MNIST and hardening
#    suites (hours under QEMU).
# Needs MNIST in DIGITPAD_MNIST (as the native tests do). Prints meson's
# summary, then the time each step took; the exit status is meson test's.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

usage() { echo "usage: tools/cross-test.sh arm64 [--native BUILD] [--build DIR] [--all]" >&2; exit 2; }
[ "${1:-}" = arm64 ] || usage
shift
native="$root/build" build="$root/build-arm64" all=0
while [ $# -gt 0 ]; do
    case "$1" in
    --native) [ $# -ge 2 ] || usage; native=$(cd -- "$2" >/dev/null 2>&1 && pwd) || { echo "no build folder $2" >&2; exit 2; }; shift 2 ;;
    --build) [ $# -ge 2 ] || usage; build=$(realpath -m "$2"); shift 2 ;;
    --all) all=1; shift ;;
    *) usage ;;
    esac
done
[ -f "$native/build.ninja" ] || { echo "no native build in $native (make one first: meson setup build && ninja -C build)" >&2; exit 2; }

packages=(crossbuild-essential-arm64 qemu-user-static pkgconf pkgconf:arm64 file meson ninja-build python3
          libc6:arm64 zlib1g-dev:arm64 libsdl2-dev:arm64 libsdl2-ttf-dev:arm64 libsdl2-image-dev:arm64
          libfontconfig-dev:arm64)

. "$root/tools/lib/install.sh"

t0=$(date +%s)
install_missing cross-test --arch arm64 "${packages[@]}" || { echo "cross-test: installing the arm64 toolchain and libraries failed"; exit 1; }
t1=$(date +%s)
# The native build compared against must be of the same source.
ninja -C "$native" >/dev/null || { echo "cross-test: the native build in $native failed"; exit 1; }
setup_log=$(mktemp)
if [ -f "$build/build.ninja" ]; then
    meson configure "$build" -Dcompare_with="$native/app/digitpad" >"$setup_log" 2>&1
else
    meson setup "$build" --cross-file "$root/tools/cross/arm64-linux-gnu.ini" --buildtype=release -Dwerror=true \
        -Dcompare_with="$native/app/digitpad" >"$setup_log" 2>&1
fi || { tail -20 "$setup_log"; rm -f "$setup_log"; echo "cross-test: meson setup for arm64 failed"; exit 1; }
rm -f "$setup_log"
ninja -C "$build" >/dev/null || { ninja -C "$build" | tail -20; echo "cross-test: the arm64 build failed"; exit 1; }
file "$build/app/digitpad" | grep -q "ARM aarch64" || { echo "cross-test: $build/app/digitpad is not an arm64 program"; exit 1; }
t2=$(date +%s)

suites=(--suite core --suite cli --suite fuzz --suite cross --no-suite slow)
[ "$all" -eq 1 ] && suites=(--suite core --suite cli --suite fuzz --suite cross --suite mnist --suite hardening)
# QEMU runs arm64 code 5-20x slower than the native CPU: the same tests, longer limits.
meson test -C "$build" "${suites[@]}" --print-errorlogs --timeout-multiplier 10
status=$?
t3=$(date +%s)
echo "cross-test arm64: install $((t1 - t0)) s, build $((t2 - t1)) s, tests under QEMU $((t3 - t2)) s"
exit $status

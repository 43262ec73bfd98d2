#!/usr/bin/env bash
# Builds the browser version and tests it in headless Chromium:
#
#   tools/web-test.sh [--native BUILD] [--build DIR] [--site OUT] [--shots DIR]
#
# 1. installs what is missing (as root, or with passwordless sudo): Debian's chromium and
#    npm, and playwright-core from tests/web/package-lock.json (npm ci: it
#    never downloads a browser);
# 2. builds the site with tools/build-web.sh (DIR, default build-web; OUT,
#    default DIR/site), with MNIST beside it from DIGITPAD_MNIST;
# 3. runs the "web" test of the native build BUILD (default build), which
#    drives the page (tests/web/test_web.js) and checks a model the page
#    saved with the native digitpad. Screenshots go to --shots DIR.
# Prints meson's summary, then the time each step took; the exit status is
# meson test's.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: tools/web-test.sh [--native BUILD] [--build DIR] [--site OUT] [--shots DIR]" >&2; exit 2; }
native="$root/build" build="$root/build-web" site="" shots=""
while [ $# -gt 0 ]; do
    case "$1" in
    --native) [ $# -ge 2 ] || usage; native=$(cd -- "$2" >/dev/null 2>&1 && pwd) || { echo "no build folder $2" >&2; exit 2; }; shift 2 ;;
    --build) [ $# -ge 2 ] || usage; build=$(realpath -m "$2"); shift 2 ;;
    --site) [ $# -ge 2 ] || usage; site=$(realpath -m "$2"); shift 2 ;;
    --shots) [ $# -ge 2 ] || usage; shots=$(realpath -m "$2"); shift 2 ;;
    *) usage ;;
    esac
done
site=${site:-$build/site}
[ -f "$native/build.ninja" ] || { echo "no native build in $native (make one first: meson setup build && ninja -C build)" >&2; exit 2; }
[ -n "${DIGITPAD_MNIST:-}" ] || { echo "web-test: set DIGITPAD_MNIST to the folder with MNIST's four .gz files" >&2; exit 2; }

. "$root/tools/lib/install.sh"
t0=$(date +%s)
need=(chromium)
# Node and npm from Debian unless the machine has its own (NodeSource's node conflicts with Debian's npm).
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
install_missing web-test "${need[@]}" || { echo "web-test: installing chromium and npm failed"; exit 1; }
(cd "$root/tests/web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
    { echo "web-test: npm ci in tests/web failed (playwright-core from the npm registry)"; exit 1; }
t1=$(date +%s)
# A site from an earlier run is replaced; any other folder is left alone.
if [ -e "$site" ]; then
    if [ -f "$site/digitpad.wasm" ] || [ -z "$(ls -A "$site" 2>/dev/null)" ]; then
        rm -rf "$site"
    else
        echo "web-test: $site is not a site an earlier run built: choose another --site"; exit 2
    fi
fi
"$root/tools/build-web.sh" "$site" --build "$build" >/dev/null || { echo "web-test: building the site failed"; exit 1; }
ninja -C "$native" >/dev/null || { echo "web-test: the native build in $native failed"; exit 1; }
# The "web" test exists only for this run: afterwards the native build is as it was.
trap 'meson configure "$native" -Dweb_site= -Dweb_shots= >/dev/null 2>&1' EXIT
meson configure "$native" -Dweb_site="$site" -Dweb_shots="$shots" >/dev/null ||
    { echo "web-test: meson configure $native failed"; exit 1; }
t2=$(date +%s)
meson test -C "$native" --suite web --print-errorlogs
status=$?
t3=$(date +%s)
echo "web-test: $(( t1 - t0 )) s installing, $(( t2 - t1 )) s building, $(( t3 - t2 )) s testing"
exit $status

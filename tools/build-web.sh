#!/usr/bin/env bash
# Builds digitpad for the browser: a static site in folder OUT.
#
#   tools/build-web.sh OUT [--build DIR]
#
# 1. installs what is missing (as root, or with passwordless sudo): Debian's
#    emscripten (3.1.6) and CMake;
# 2. builds SDL2, SDL2_ttf, SDL2_image, freetype, libpng and zlib for
#    WebAssembly from Debian's source packages (adding a deb-src entry for
#    the configured mirror if apt has none), once per machine
#    (tools/web/build-deps.sh: a cache outside the clone keyed by versions);
# 3. cross-builds digitpad (tools/cross/wasm32-emscripten.ini) into DIR
#    (default build-web), with -Dwerror=true;
# 4. puts the site together in OUT: index.html and page.js (app/web/),
#    digitpad.js, .wasm and .data (the shipped model and the font), and
#    MNIST's four .gz files in OUT/mnist when DIGITPAD_MNIST points at them.
# Serve it with tools/serve-web.py OUT: threads need the cross-origin
# isolation headers that script sends.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: tools/build-web.sh OUT [--build DIR]" >&2; exit 2; }
[ $# -ge 1 ] && [ "${1#-}" = "$1" ] || usage
out=$(realpath -m "$1")
shift
build="$root/build-web"
while [ $# -gt 0 ]; do
    case "$1" in
    --build) [ $# -ge 2 ] || usage; build=$(realpath -m "$2"); shift 2 ;;
    *) usage ;;
    esac
done
say() { echo "build-web: $*" >&2; }

. "$root/tools/lib/install.sh"
t0=$(date +%s)
install_missing build-web emscripten cmake ninja-build meson pkgconf dpkg-dev python3 fonts-dejavu-core gzip ||
    { say "installing emscripten and its tools failed"; exit 1; }

export NODE_PATH=/usr/share/nodejs   # Debian's emcc needs its acorn at -O1 and above
prefix=$("$root/tools/web/build-deps.sh") || { say "building the libraries for WebAssembly failed"; exit 1; }
t1=$(date +%s)

export PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig"   # never the host's .pc files
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" --cross-file "$root/tools/cross/wasm32-emscripten.ini" --buildtype=release \
        --prefix=/usr -Dwerror=true >"$log" 2>&1 || { tail -30 "$log"; say "meson setup failed"; exit 1; }
fi
ninja -C "$build" app/digitpad.js >"$log" 2>&1 || { tail -40 "$log"; say "the WebAssembly build failed"; exit 1; }
t2=$(date +%s)

mkdir -p "$out"
cp "$root/app/web/index.html" "$root/app/web/page.js" "$root/app/web/isolate.js" "$out/"
for f in digitpad.js digitpad.wasm digitpad.data digitpad.worker.js; do
    [ -f "$build/app/$f" ] && cp "$build/app/$f" "$out/"
done
mnist=${DIGITPAD_MNIST:-}
names=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
if [ -n "$mnist" ] && [ -f "$mnist/${names[0]}.gz" ]; then
    mkdir -p "$out/mnist"
    for n in "${names[@]}"; do cp "$mnist/$n.gz" "$out/mnist/"; done
    say "MNIST copied from $mnist to $out/mnist"
else
    say "no MNIST copied (set DIGITPAD_MNIST to a folder with the four .gz files): the page will say Train needs it"
fi
size=$(cd "$out" && find . -path ./mnist -prune -o -type f -print0 | xargs -0 cat | gzip -9 | wc -c)
say "site in $out: $(( size / 1024 )) KB gzip-compressed without MNIST"
say "took $(( t1 - t0 )) s for tools and libraries, $(( t2 - t1 )) s for digitpad"
echo "$out"

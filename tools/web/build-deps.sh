#!/usr/bin/env bash
# The libraries the browser build links, built for WebAssembly with Debian's
# emscripten from Debian's own source packages (Emscripten's ports download
# from the internet; this build must not): zlib, libpng, freetype, SDL2,
# SDL2_ttf and SDL2_image, static, with pthreads.
#
#   tools/web/build-deps.sh            prints the install prefix when done
#
# They go to a cache outside the clone keyed by their versions and
# emscripten's ($DIGITPAD_CACHE or ~/.cache/digitpad, then web-deps/KEY), so
# only the first build on a machine pays for them (about 10 minutes on 2
# cores, most of it SDL2's CMake checks). Adds a deb-src entry if apt has
# none; needs the packages tools/build-web.sh installs. Progress goes to stderr, the prefix
# alone to stdout.
set -euo pipefail

# Upstream versions (Debian 12): the cache key. The source packages are
# asked for by release, as the mirror serves them.
sdl2=2.26.5 ttf=2.20.1 img=2.6.3 ft=2.12.1 png=1.6.39 z=1.2.13
sources=(libsdl2/bookworm libsdl2-ttf/bookworm libsdl2-image/bookworm freetype/bookworm libpng1.6/bookworm
         'zlib=1:1.2.13.dfsg-1')   # zlib's release version: the security one is not on the mirror

export NODE_PATH=/usr/share/nodejs   # emcc at -O1 and above needs Debian's acorn
em=$(emcc -dumpversion)
flags="-O2 -pthread -msimd128"       # every library: a threaded build cannot link one built without
key="em$em-sdl2-$sdl2-ttf-$ttf-img-$img-ft-$ft-png-$png-z-$z-$(echo "$flags" | md5sum | cut -c1-8)"
cache="${DIGITPAD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/digitpad}/web-deps/$key"
prefix="$cache/prefix"
# Static SDL2_ttf and SDL2_image install no pkg-config file: these let
# meson find them like the others.
write_pc() {   # NAME VERSION REQUIRES
    cat >"$prefix/lib/pkgconfig/$1.pc" <<EOF
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: $1
Description: $1, static, for WebAssembly (tools/web/build-deps.sh)
Version: $2
Requires: sdl2 $3
Libs: -L\${libdir} -l$1
Cflags: -I\${includedir}/SDL2
EOF
}
write_pcs() { write_pc SDL2_ttf "$ttf" freetype2 && write_pc SDL2_image "$img" libpng; }

if [ -f "$cache/done" ]; then
    [ -f "$prefix/lib/pkgconfig/SDL2_image.pc" ] || write_pcs
    echo "$prefix"
    exit 0
fi

say() { echo "web deps: $*" >&2; }
rm -rf "$cache"
mkdir -p "$cache/src" "$prefix"
log="$cache/build.log"
trap 'status=$?; [ $status -ne 0 ] && { tail -30 "$log" >&2; say "failed (log: $log)"; }' EXIT

# Only a first build needs Debian's source packages.
. "$(dirname "$0")/../lib/install.sh"
add_deb_src web-deps || { say "cannot add a deb-src entry for Debian's source packages"; exit 1; }
cd "$cache/src"
say "fetching sources: ${sources[*]}"
apt-get source -qq "${sources[@]}" >>"$log" 2>&1

# CMake for Emscripten, finding only what is in the prefix.
emcmake_build() {
    local dir=$1
    shift
    say "building $dir"
    (cd "$cache/src/$dir" && rm -rf em-build &&
        emcmake cmake -S . -B em-build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
            -DCMAKE_FIND_ROOT_PATH="$prefix" -DCMAKE_PREFIX_PATH="$prefix" -DBUILD_SHARED_LIBS=OFF \
            -DCMAKE_C_FLAGS="$flags" "$@" &&
        cmake --build em-build && cmake --install em-build) >>"$log" 2>&1
}

say "building zlib"
(cd zlib-*/ && CFLAGS="$flags" emconfigure ./configure --static --prefix="$prefix" && emmake make libz.a &&
    emmake make install) >>"$log" 2>&1

emcmake_build "$(basename "$(ls -d libpng1.6-*/)")" -DPNG_SHARED=OFF -DPNG_STATIC=ON -DPNG_TESTS=OFF \
    -DPNG_EXECUTABLES=OFF -DZLIB_ROOT="$prefix"

emcmake_build "$(basename "$(ls -d freetype-*/)")" -DFT_DISABLE_HARFBUZZ=ON -DFT_DISABLE_BZIP2=ON \
    -DFT_DISABLE_BROTLI=ON -DFT_DISABLE_PNG=ON -DFT_REQUIRE_ZLIB=ON

# SDL2's project line names C++ too; no C++ is built, and none is needed.
sdl_dir=$(basename "$(ls -d libsdl2-2*/)")
sed -i 's/^project(SDL2 C CXX)/project(SDL2 C)/' "$sdl_dir/CMakeLists.txt"
emcmake_build "$sdl_dir" -DSDL_SHARED=OFF -DSDL_STATIC=ON -DSDL_TEST=OFF -DSDL_PTHREADS=ON

emcmake_build "$(basename "$(ls -d libsdl2-ttf-*/)")" -DSDL2TTF_VENDORED=OFF -DSDL2TTF_HARFBUZZ=OFF \
    -DSDL2TTF_SAMPLES=OFF -DCMAKE_C_FLAGS="$flags -I$prefix/include/SDL2"

emcmake_build "$(basename "$(ls -d libsdl2-image-*/)")" -DSDL2IMAGE_VENDORED=OFF -DSDL2IMAGE_SAMPLES=OFF \
    -DSDL2IMAGE_BACKEND_STB=OFF -DSDL2IMAGE_PNG=ON -DSDL2IMAGE_PNG_SAVE=ON -DSDL2IMAGE_JPG=OFF \
    -DSDL2IMAGE_JPG_SAVE=OFF -DSDL2IMAGE_AVIF=OFF -DSDL2IMAGE_GIF=OFF -DSDL2IMAGE_JXL=OFF -DSDL2IMAGE_LBM=OFF \
    -DSDL2IMAGE_PCX=OFF -DSDL2IMAGE_PNM=OFF -DSDL2IMAGE_QOI=OFF -DSDL2IMAGE_SVG=OFF -DSDL2IMAGE_TGA=OFF \
    -DSDL2IMAGE_TIF=OFF -DSDL2IMAGE_WEBP=OFF -DSDL2IMAGE_XCF=OFF -DSDL2IMAGE_XPM=OFF -DSDL2IMAGE_XV=OFF \
    -DSDL2IMAGE_BMP=OFF -DCMAKE_C_FLAGS="$flags -I$prefix/include/SDL2"

write_pcs
rm -rf "$cache/src"   # sources and build trees: hundreds of MB the cache does not need
touch "$cache/done"
say "done: $prefix"
echo "$prefix"

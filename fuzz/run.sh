#!/bin/sh
# Runs one libFuzzer harness at the lowest priority:
#   fuzz/run.sh TARGET [SECONDS] [BUILD_DIR] [extra libFuzzer flags...]
# TARGET is idx_images, idx_labels, model, strokes, pgm or user_digit; SECONDS defaults
# to 1800; BUILD_DIR (default build-fuzz) comes from
#   CC=clang-14 meson setup build-fuzz -Dfuzz=true && ninja -C build-fuzz
# The growing corpus stays in BUILD_DIR/fuzz/work/TARGET (the tree keeps
# only the seeds); crashing inputs land in BUILD_DIR/fuzz/crashes/TARGET and,
# once fixed, belong in fuzz/regress/TARGET.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 TARGET [SECONDS] [BUILD_DIR] [libFuzzer flags...]" >&2; exit 2; }
target=$1
secs=${2:-1800}
build=${3:-build-fuzz}
[ $# -ge 3 ] && shift 3 || shift $#
root=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$root/$build ;; esac
exe=$build/fuzz/fuzz_$target
[ -x "$exe" ] || { echo "$0: no $exe (build with -Dfuzz=true first)" >&2; exit 2; }
case $target in
    model) max_len=16384 ;;   # the seed models are up to 13 KB
    user_digit) max_len=16384 ;;   # a kept digit is about 5 KB
    *) max_len=4096 ;;
esac
work=$build/fuzz/work/$target
crashes=$build/fuzz/crashes/$target
mkdir -p "$work" "$crashes"
set -- "$@" "$work" "$root/fuzz/corpus/$target"
[ -d "$root/fuzz/regress/$target" ] && set -- "$@" "$root/fuzz/regress/$target"
# No input of max_len bytes needs 32 MB in one allocation: a bigger one is
# a size taken from a header without checking it against the data, and is
# reported as a crash.
exec nice -n 19 "$exe" -max_len="$max_len" -timeout=10 -malloc_limit_mb=32 -max_total_time="$secs" \
    -print_final_stats=1 -artifact_prefix="$crashes/" "$@"

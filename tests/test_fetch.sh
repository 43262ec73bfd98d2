#!/usr/bin/env bash
# Tests tools/fetch_mnist.sh against file:// mirrors made from $DIGITPAD_MNIST.
# Usage: test_fetch.sh PATH/TO/fetch_mnist.sh
# Exit 77 (skip) without the data, except under CI where that is a failure.
set -u

FETCH=${1:?usage: $0 PATH/TO/fetch_mnist.sh}
FILES="train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz"

ci_is_set() {
    case "${CI:-}" in ""|0|false|False|FALSE|no) return 1 ;; *) return 0 ;; esac
}

src=${DIGITPAD_MNIST:-}
if [ -z "$src" ] || [ ! -f "$src/t10k-labels-idx1-ubyte.gz" ]; then
    if ci_is_set; then
        echo "MNIST not found (DIGITPAD_MNIST=${src:-(unset)}) and CI is set: failing" >&2
        exit 1
    fi
    echo "SKIP: MNIST not found (set DIGITPAD_MNIST to the folder with the four .gz files)"
    exit 77
fi
if ! command -v curl >/dev/null 2>&1; then
    # wget cannot read file:// URLs, so these tests need curl.
    if ci_is_set; then echo "curl is required for this test" >&2; exit 1; fi
    echo "SKIP: curl not installed"
    exit 77
fi

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

tmp=$(mktemp -d /tmp/dp-test-fetch-XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

# Runs the fetch script with its output captured in $tmp/log; returns its status.
run_fetch() {
    "$FETCH" "$@" >"$tmp/log" 2>&1
}

# 1. A good mirror: all four files arrive, byte-identical, exit 0.
if ! run_fetch --mirror "file://$src/" "$tmp/dest"; then
    fail "fetch from a good mirror exited non-zero"; cat "$tmp/log" >&2
fi
for f in $FILES; do
    cmp -s "$src/$f" "$tmp/dest/$f" || fail "$f missing or different after fetch"
done
leftover=$(find "$tmp/dest" -name '.*' -type f | wc -l)
[ "$leftover" -eq 0 ] || fail "temporary files left in the destination"

# 2. A mirror with one corrupted file: non-zero exit, the corrupt file is not
#    left in place (neither under its name nor as a temporary), the others are.
mkdir "$tmp/badmirror" "$tmp/dest2"
for f in $FILES; do cp "$src/$f" "$tmp/badmirror/$f"; chmod u+w "$tmp/badmirror/$f"; done
bad=train-labels-idx1-ubyte.gz
printf '\377\000\377\000\377\000\377\000' |
    dd of="$tmp/badmirror/$bad" bs=1 seek=12000 conv=notrunc 2>/dev/null
cmp -s "$src/$bad" "$tmp/badmirror/$bad" && fail "could not corrupt the test mirror"
if MNIST_MIRROR="file://$tmp/badmirror" run_fetch "$tmp/dest2"; then
    fail "fetch from a mirror with a corrupt file exited 0"
fi
grep -q "$bad" "$tmp/log" || { fail "error output does not name $bad"; cat "$tmp/log" >&2; }
[ ! -e "$tmp/dest2/$bad" ] || fail "corrupt $bad was left in the destination"
for f in $FILES; do
    [ "$f" = "$bad" ] || cmp -s "$src/$f" "$tmp/dest2/$f" || fail "$f should still have been fetched"
done
leftover=$(find "$tmp/dest2" -name '.*' -type f | wc -l)
[ "$leftover" -eq 0 ] || fail "temporary files left in the destination after a failure"

# 3. A complete destination needs no download: an empty mirror works.
mkdir "$tmp/empty"
if ! run_fetch --mirror "file://$tmp/empty/" "$tmp/dest"; then
    fail "second run into a complete destination exited non-zero"; cat "$tmp/log" >&2
fi
grep -q downloading "$tmp/log" && fail "second run downloaded although all files were valid"

# 4. A corrupt file already in the destination is replaced, not trusted.
cp "$tmp/badmirror/$bad" "$tmp/dest2/$bad"
if ! run_fetch --mirror "file://$src" "$tmp/dest2"; then
    fail "repairing a corrupt destination file failed"; cat "$tmp/log" >&2
fi
cmp -s "$src/$bad" "$tmp/dest2/$bad" || fail "corrupt $bad in the destination was not replaced"

# 5. --help works; an unknown option fails.
if ! run_fetch --help || ! grep -q Usage "$tmp/log"; then fail "--help did not print usage"; fi
run_fetch --bogus && fail "an unknown option was accepted"

if [ "$failures" -ne 0 ]; then
    echo "fetch_mnist: $failures check(s) failed" >&2
    exit 1
fi
echo "fetch_mnist: all checks passed"

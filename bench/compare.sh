#!/usr/bin/env bash
# digitpad beside PyTorch on this machine: runs `digitpad bench --json` and
# bench/pytorch_baseline.py --json back to back with the same settings and
# prints one table. Absolute figures vary between machines and runs; the
# ratios from one run are what to compare. When Debian's libblas.so.3
# alternatives offer both OpenBLAS and the reference BLAS, PyTorch (whose
# Debian build calls whatever libblas.so.3 is) runs once with each.
set -euo pipefail

usage="usage: bench/compare.sh [--seconds S] [--threads T] [--digitpad PATH]"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
seconds=1 threads=2 digitpad=$root/build/app/digitpad
bad() { echo "$usage" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
        --seconds|--threads|--digitpad) [ $# -ge 2 ] || bad ;;&
        --seconds) seconds=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --digitpad) digitpad=$2; shift 2 ;;
        -h|--help) echo "$usage"; exit 0 ;;
        *) bad ;;
    esac
done
[ -x "$digitpad" ] || { echo "compare.sh: no digitpad at $digitpad (build it, or pass --digitpad)" >&2; exit 1; }

# Debian's torch is installed for /usr/bin/python3, which may not be the python3 on PATH.
py=python3
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then py=/usr/bin/python3; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
opts=(--json --seconds "$seconds" --threads "$threads")

echo "measuring digitpad ($digitpad)..." >&2
"$digitpad" bench --isa auto "${opts[@]}" >"$tmp/digitpad.json"   # the best kernels only

echo "measuring PyTorch ($py)..." >&2
rc=0
"$py" "$here/pytorch_baseline.py" "${opts[@]}" >"$tmp/torch1.json" || rc=$?
[ "$rc" -eq 0 ] || exit "$rc"   # 77: no torch (the script said why)
runs=("$tmp/torch1.json")

# The other BLAS family, if both are installed: its directories go first on
# LD_LIBRARY_PATH so libblas.so.3 (and liblapack.so.3, which would otherwise
# still pull in OpenBLAS) resolve there. The baseline reports what it got.
alts() {   # the alternatives for lib$1.so.3 (named lib$1.so.3-<multiarch> on Debian)
    local name
    name=$(update-alternatives --get-selections 2>/dev/null | awk -v p="^lib$1[.]so[.]3" '$1 ~ p {print $1; exit}') || true
    [ -z "$name" ] || update-alternatives --list "$name" || true
}
family() { if [ "$1" = OpenBLAS ]; then grep openblas; else grep -v openblas; fi || true; }
blas_alts=$(alts blas)
if grep -q openblas <<<"$blas_alts" && grep -q '/blas/' <<<"$blas_alts"; then
    other=OpenBLAS
    if grep -q '"blas": "OpenBLAS"' "$tmp/torch1.json"; then other=reference; fi
    dirs=$( { family $other <<<"$blas_alts"; alts lapack | family $other; } | xargs -r -n1 dirname | paste -sd:)
    echo "measuring PyTorch again with LD_LIBRARY_PATH=$dirs..." >&2
    LD_LIBRARY_PATH=$dirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
        "$py" "$here/pytorch_baseline.py" "${opts[@]}" >"$tmp/torch2.json"
    runs+=("$tmp/torch2.json")
fi

"$py" - "$tmp/digitpad.json" "${runs[@]}" <<'EOF'
import json, sys

dp = json.load(open(sys.argv[1]))
runs = sorted((json.load(open(p)) for p in sys.argv[2:]), key=lambda r: r["blas"] != "reference BLAS")
seed = dp.get("seed", dp)   # digitpad keeps the per-network figures under "seed"
rows = [(f"training, batch {b} (images/s)", ("train", b), True) for b in ("32", "64", "128", "256")] + [
    ("inference, batch 1000 (images/s)", ("infer_img_per_s",), True),
    ("one drawing, median (us)", ("latency_us",), False),
    ("one drawing, p99 (us)", ("latency_p99_us",), False),
    ("forward pass alone (us)", ("forward_us",), False),
]

def get(d, path):
    for k in path:
        d = d[k]
    return float(d)

many = len(runs) > 1
names = [f"PyTorch ({r['blas']})" if many else "PyTorch" for r in runs]
head = ["figure", "digitpad"] + names + [f"× faster vs {n}" if many else "× faster" for n in names]
table = []
for label, path, higher_better in rows:
    ours, theirs = get(seed, path), [get(r, path) for r in runs]
    # Throughput: ours / theirs; latency: theirs / ours. Either way > 1 means digitpad is faster.
    ratios = [ours / t if higher_better else t / ours for t in theirs]
    fmt = "{:.0f}" if higher_better else "{:.1f}"
    table.append([label, fmt.format(ours)] + [fmt.format(t) for t in theirs] + [f"{q:.2f}×" for q in ratios])

print(f"digitpad ({dp['isa']} kernels) vs PyTorch {runs[0]['torch']}: {dp['threads']} threads "
      f"(PyTorch: OpenMP {runs[0]['threads']}, OpenBLAS {runs[0]['openblas_threads']}), median of 5 repeats;\n"
      f"latencies: digitpad on 1 thread, PyTorch on {runs[0]['threads']}")
for n, r in zip(names, runs):
    print(f"  {n}: libblas = {r['blas_lib']} (BLAS_INFO={r['blas_info']})")
widths = [max(len(row[i]) for row in [head] + table) for i in range(len(head))]
for i, row in enumerate([head] + table):
    print(" | ".join(c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(row, widths))))
    if i == 0:
        print("-+-".join("-" * w for w in widths))
EOF

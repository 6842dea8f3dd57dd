#!/usr/bin/env bash
# Runs the paper scenarios (scenarios/paper/*/) and prints each comparison beside the published
# figures: apack-vp compare BASELINE OTHER for every pair. Usage:
#   scripts/paper_scenarios.sh [BUILD_DIR] [OUT_DIR] [--set KEY=VALUE ...]
# Extra --set overrides apply to every run (e.g. --set network.model=resnet18 for a built-in).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
out=${2:-$here/out/paper}
shift $(( $# > 2 ? 2 : $# )) || true
vp="$build/platform/cli/apack-vp"
[ -x "$vp" ] || { echo "paper_scenarios.sh: no $vp (build first: scripts/test.sh)" >&2; exit 1; }

mkdir -p "$out"
declare -a extra=("$@")
for s in apack-tensor-core/codec-off apack-tensor-core/codec-on loom/bit-parallel loom/loom-1b \
         loom/loom-2b loom/loom-4b laconic/bit-parallel-2k laconic/laconic-128 \
         laconic/laconic-1024; do
  name=${s//\//-}
  "$vp" run "$here/scenarios/paper/$s.yaml" --out "$out/$name" -q "${extra[@]}" > "$out/$name.txt" ||
    { echo "paper_scenarios.sh: $s failed (see $out/$name.txt)" >&2; exit 1; }
  echo "ran $s: $(grep -m1 'verified' "$out/$name.txt" | cut -c1-40)"
done

cmp() {  # cmp BASE OTHER PUBLISHED
  echo
  echo "== $2 over $1 (published: $3)"
  "$vp" compare "$out/$1" "$out/$2"
}
cmp apack-tensor-core-codec-off apack-tensor-core-codec-on \
  "1.44x speedup, 1.37x energy efficiency; weights 60%, activations 48% of their footprint"
for k in 1 2 4; do
  cmp loom-bit-parallel loom-loom-${k}b "Loom-1b 4.38x / 3.54x; 2-bit most efficient"
done
cmp laconic-bit-parallel-2k laconic-laconic-128 "2.3x / 2.13x"
cmp laconic-bit-parallel-2k laconic-laconic-1024 "15.4x / 1.95x"

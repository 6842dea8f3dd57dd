#!/usr/bin/env bash
# bench_engines.sh [BUILD_DIR] - speed of `apack-vp engines compare` on posenet (about 1.1 G
# multiply-accumulates) with all four engines on one photo, outputs verified: the whole
# command's wall time against the issue's 30 s target, and per engine the value pairs (MACs)
# its model processes per second of thread time (cycles, events and the functional outputs).
# The same run without verification shows what the functional model costs. Timings depend on
# the machine's load: run it on a quiet machine, or state the load with the figures.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo_root/build}
vp=$build/platform/cli/apack-vp
if [[ ! -x $vp ]]; then
  echo "bench_engines.sh: $vp not found (build the apack-vp target first)" >&2
  exit 2
fi
bash "$repo_root/scripts/fetch_workloads.sh" >/dev/null
model=$repo_root/workloads-cache/models/posenet.json
photo=$repo_root/workloads-cache/images/astronaut.png
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "apack-vp engines benchmark: posenet on astronaut.png, $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
for mode in verified no-verify; do
  flag=()
  [[ $mode == no-verify ]] && flag=(--no-verify)
  t0=$(date +%s.%N)
  "$vp" engines compare "$model" --input "$photo" --quiet --totals-only "${flag[@]}" \
    --json "$work/$mode.json" >"$work/$mode.txt"
  t1=$(date +%s.%N)
  /usr/bin/python3 - "$work/$mode.json" "$t0" "$t1" "$mode" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
wall = float(sys.argv[3]) - float(sys.argv[2])
print(f"\n{sys.argv[4]}: whole command {wall:.1f} s wall (target < 30 s), engine models "
      f"{r['wall_s']:.1f} s wall on {r['threads']} threads, {r['macs']/1e9:.3f} G MACs")
print(f"  {'engine':<16} {'model s':>8} {'M value pairs/s':>16} {'layers equal':>13}")
for e in r["engines"]:
    print(f"  {e['spec']:<16} {e['model_seconds']:8.2f} {e['value_pairs_per_s']/1e6:16.0f} "
          f"{e['layers_equal']:>13}")
PY
done

#!/usr/bin/env bash
# bench_platform.sh [BUILD_DIR] - speed and memory of `apack-vp run` on the default scenario
# (posenet on the astronaut photo, tensor-core, APack, one LPDDR4-3200 channel) in LT and in AT
# mode: the whole command's wall time against the 60 s target (reference inference included),
# the simulation's share, simulated DRAM requests per wall second, simulated-to-wall time and
# peak memory. As a reference measured in the same run, the DRAM subsystem alone
# (`apack-vp dram`) replays a sequential trace of as many requests as the LT run made, so the
# platform's requests per second can be read against the bare memory model's. Timings depend on
# the machine's load: run it on a quiet machine, or state the load with the figures.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo_root/build}
vp=$build/platform/cli/apack-vp
[[ -x $vp ]] || { echo "bench_platform.sh: $vp not found (build apack-vp first)" >&2; exit 2; }
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "apack-vp run benchmark: scenarios/default.yaml, $(nproc) cores, load average" \
  "$(cut -d' ' -f1-3 /proc/loadavg) at start"

for mode in lt at; do
  t0=$(date +%s.%N)
  "$vp" run "$repo_root/scenarios/default.yaml" -q --set dram.mode=$mode --out "$work/$mode" \
    >"$work/$mode.txt"
  t1=$(date +%s.%N)
  echo "$t0 $t1" >"$work/$mode.wall"
done
requests=$($py -c "import json; print(json.load(open('$work/lt/summary.json'))['dram_requests'])")
"$vp" dram gen --pattern sequential --requests "$requests" --memspec lpddr4-3200 -o "$work/seq.stl"
t0=$(date +%s.%N)
"$vp" dram --memspec lpddr4-3200 --trace "$work/seq.stl" --json "$work/dram.json" >/dev/null
t1=$(date +%s.%N)
echo "$t0 $t1" >"$work/dram.wall"

$py - "$work" <<'PY'
import json, sys
w = sys.argv[1]
def wall(n):
    a, b = map(float, open(f"{w}/{n}.wall").read().split())
    return b - a
rows = []
for mode in ("lt", "at"):
    s = json.load(open(f"{w}/{mode}/summary.json"))
    rows.append((mode.upper(), wall(mode), s["reference_seconds"], s["sim_wall_seconds"],
                 s["dram_requests"], s["dram_requests_per_second"], s["sim_to_wall"],
                 s["peak_rss_bytes"] / 2**20, s["verified"]))
print(f"{'mode':4} {'wall s':>7} {'ref s':>6} {'sim s':>6} {'requests':>9} {'req/s':>9} "
      f"{'sim/wall':>9} {'peak MiB':>9} verified  (target: wall < 60 s)")
for r in rows:
    print(f"{r[0]:4} {r[1]:7.2f} {r[2]:6.2f} {r[3]:6.2f} {r[4]:9d} {r[5]:9.0f} {r[6]:9.5f} "
          f"{r[7]:9.0f} {str(r[8]):8}  {'meets' if r[1] < 60 else 'MISSES'} the target")
d = json.load(open(f"{w}/dram.json"))
rps = d.get("requests_per_second") or d["requests"] / d["wall_seconds"]
print(f"reference: the DRAM model alone replays {d['requests']} sequential requests at "
      f"{rps:.0f} requests/s ({wall('dram'):.2f} s for the whole command); the LT platform run "
      f"reaches {rows[0][5] / rps:.2f}x that rate while also decoding, encoding and computing")
PY

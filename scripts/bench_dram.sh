#!/usr/bin/env bash
# bench_dram.sh [BUILD_DIR] - simulation speed of `apack-vp dram`: for ddr4-2400, lpddr4-3200
# and hbm2, generates 1 M-request sequential and random read traces (`apack-vp dram gen`),
# replays each in LT and AT mode, and prints requests per second next to DRAMSys 5.1's figures
# (/work/shared/spec/memory-energy.md section 6: 1 M requests, Release build, trace recording
# off, on a 2-core machine of this kind), with the ratio; then the peak memory of a 100 k and a
# 1 M request run, to show that memory does not grow with the trace. Requests per second are
# the whole command's (start-up, trace parsing, simulation and reports) and the replay's alone
# (the JSON's requests_per_second). Timings depend on the machine's load: run it on a quiet
# machine, or state the load with the figures.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo_root/build}
vp=$build/platform/cli/apack-vp
if [[ ! -x $vp ]]; then
  echo "bench_dram.sh: $vp not found (build the apack-vp target first)" >&2
  exit 2
fi
py=/usr/bin/python3
requests=${APACK_BENCH_REQUESTS:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "apack-vp dram benchmark: $requests requests per trace, $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) at start"

now() { date +%s.%N; }
# run NAME ARGS...: replays and records the JSON report and the whole command's wall time.
run() {
  local name=$1
  shift
  local t0 t1
  t0=$(now)
  "$vp" dram "$@" --json "$work/$name.json" >"$work/$name.txt"
  t1=$(now)
  echo "$t0 $t1" >"$work/$name.wall"
}

for m in ddr4-2400 lpddr4-3200 hbm2; do
  for p in sequential random; do
    "$vp" dram gen --pattern "$p" --requests "$requests" --memspec "$m" \
      -o "$work/$m-$p.stl" >/dev/null
    for mode in lt at; do
      run "$m-$p-$mode" --memspec "$m" --trace "$work/$m-$p.stl" --mode "$mode"
    done
  done
  rm -f "$work/$m-"*.stl
done

# Peak memory against trace length (DDR4 sequential, LT): the kernel's figure when GNU time
# is installed, the command's own getrusage otherwise (both in the table).
"$vp" dram gen --pattern sequential --requests 100000 --memspec ddr4-2400 -o "$work/small.stl" >/dev/null
"$vp" dram gen --pattern sequential --requests 1000000 --memspec ddr4-2400 -o "$work/large.stl" >/dev/null
for size in small large; do
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f %M -o "$work/rss-$size" \
      "$vp" dram --memspec ddr4-2400 --trace "$work/$size.stl" --json "$work/rss-$size.json" >/dev/null
  else
    "$vp" dram --memspec ddr4-2400 --trace "$work/$size.stl" --json "$work/rss-$size.json" >/dev/null
    echo "" >"$work/rss-$size"
  fi
done

"$py" - "$work" <<'EOF'
import json, os, sys
work = sys.argv[1]
# DRAMSys 5.1, requests/s (memory-energy.md section 6): (random, sequential).
dramsys = {'ddr4-2400': (163e3, 549e3), 'lpddr4-3200': (232e3, 638e3), 'hbm2': (88e3, 315e3)}
print()
print('| memory | pattern | mode | requests | bandwidth, % of peak | command req/s | replay req/s '
      '| DRAMSys 5.1 req/s | ratio (command) |')
print('|---|---|---|---|---|---|---|---|---|')
for m in ('ddr4-2400', 'lpddr4-3200', 'hbm2'):
    for p in ('sequential', 'random'):
        ref = dramsys[m][0 if p == 'random' else 1]
        for mode in ('lt', 'at'):
            name = f'{m}-{p}-{mode}'
            j = json.load(open(f'{work}/{name}.json'))
            t0, t1 = map(float, open(f'{work}/{name}.wall').read().split())
            cmd = j['requests'] / (t1 - t0)
            pct = 100 * j['bandwidth_GBps'] / j['peak_GBps']
            print(f"| {m} | {p} | {mode.upper()} | {j['requests']} | {pct:.1f}% "
                  f"| {cmd / 1e3:.0f} k | {j['requests_per_second'] / 1e3:.0f} k "
                  f"| {ref / 1e3:.0f} k | {cmd / ref:.2f} |")
print()
print('Targets: DDR4 LT >= 1000 k req/s sequential, >= 500 k random.')
print()
print('| DDR4 sequential, LT | peak RSS (kernel, /usr/bin/time) | peak RSS (getrusage, JSON) |')
print('|---|---|---|')
for size, label in (('small', '100 k requests'), ('large', '1 M requests')):
    j = json.load(open(f'{work}/rss-{size}.json'))
    kernel = open(f'{work}/rss-{size}').read().strip()
    kernel = f'{int(kernel) / 1024:.1f} MiB' if kernel else 'n/a'
    print(f"| {label} | {kernel} | {j['peak_rss_bytes'] / 1048576:.1f} MiB |")
EOF
echo
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"

#!/bin/bash
# test_compare_cli.sh APACK_VP SOURCE_DIR - `apack-vp compare` as users run it, on two run
# folders whose summary.json files are written here by Python from the documented format
# (docs/reports.md), independently of the C++ writer: the ratios (computed by hand below), the
# --json output, --layers, the warnings, and errors naming a missing folder, a folder without
# summary.json and the key missing from a damaged summary. Prints one line per check and
# "N passed, M failed" last; exits non-zero on any failure.
cli_args="APACK_VP SOURCE_DIR"
cli_workloads=0
# shellcheck source=preamble.sh
. "$(dirname "$0")/preamble.sh"

# Two runs of the same model and input: B takes half the time (1000 vs 2000 ns), 2/3 of the
# energy (2 vs 3 uJ: speedup 2, efficiency 1.5) and 60% of the DRAM traffic (900 vs 1500 B).
mkdir -p "$tmp/off" "$tmp/on" "$tmp/empty"
$py - "$tmp" <<'PY' || exit 2
import json, sys
tmp = sys.argv[1]
def layer(index, name, start, end, read, write, bound):
    return {"index": index, "name": name, "kind": "Conv", "unit": "engine", "tiles": 1,
            "macs": 1000, "start_ns": start, "end_ns": end, "cycles": int(end - start),
            "compute_cycles": 10, "bound": bound, "dram_read_bytes": read,
            "dram_write_bytes": write, "dram_read_bursts": 1, "dram_write_bursts": 1,
            "raw_read_bytes": read, "raw_write_bytes": write, "compression_ratio": 1.0,
            "energy_j": {"engine": 1e-7}, "energy_total_j": 1e-7}
def summary(name, time_ns, energy, read, write, layers, verified=True):
    return {"format": "apack-vp-summary", "version": 1, "scenario_name": name,
            "verified": verified, "verification": "test", "outputs_checked": 10,
            "mismatches": 0 if verified else 3, "scenario_file": "", "engine": "tensor-core",
            "engine_description": "", "codec": "apack", "table_source": "profile",
            "dram": "lpddr4-3200", "tlm_mode": "lt", "model": "posenet",
            "inputs": ["astronaut.png"], "synthetic": False, "technology": "65nm",
            "clock_ghz": 1.0, "sim_time_ns": time_ns, "cycles": int(time_ns), "macs": 2000,
            "dram_read_bytes": read, "dram_write_bytes": write, "dram_read_bursts": 2,
            "dram_write_bursts": 2, "raw_read_bytes": 1000, "raw_write_bytes": 500,
            "weights": {"tensors": 1, "raw_bytes": 100, "stored_bytes": 100},
            "activations": {"tensors": 1, "raw_bytes": 100, "stored_bytes": 100},
            "energy_total_j": energy, "energy_by_component_j": {"engine": energy},
            "wall_seconds": 1.0, "reference_seconds": 0.5, "sim_wall_seconds": 0.5,
            "peak_rss_bytes": 1 << 20, "dram_requests": 4, "dram_requests_per_second": 8.0,
            "sim_to_wall": 1e-6, "notes": [], "energy": [], "layers": layers, "scenario": None}
off = summary("off", 2000.0, 3e-6, 1000, 500,
              [layer(0, "c1", 0, 1200, 600, 300, "memory"), layer(1, "c2", 1200, 2000, 400, 200, "compute")])
on = summary("on", 1000.0, 2e-6, 600, 300,
             [layer(0, "c1", 0, 400, 300, 150, "compute"), layer(1, "c2", 400, 1000, 300, 150, "compute")])
json.dump(off, open(tmp + "/off/summary.json", "w"), indent=2)
json.dump(on, open(tmp + "/on/summary.json", "w"), indent=2)
on["verified"] = False
on["inputs"] = ["other.png"]
json.dump(on, open(tmp + "/unverified.json", "w"))
del off["layers"][1]["cycles"]
json.dump(off, open(tmp + "/damaged.json", "w"))
PY

"$vp" compare "$tmp/off" "$tmp/on" >"$tmp/text" 2>"$tmp/err"
check "compare two run folders exits 0" [ $? -eq 0 ]
check "speedup 2.000x" grep -q "speedup A/B 2.000x" "$tmp/text"
check "energy efficiency 1.500x" grep -q "efficiency A/B 1.500x" "$tmp/text"
check "DRAM traffic B/A 0.600x" grep -qE "DRAM traffic .*B/A 0.600x" "$tmp/text"
check "no warning for comparable verified runs" sh -c "! grep -q WARNING '$tmp/text'"
check "no per-layer table without --layers" sh -c "! grep -q 'per layer' '$tmp/text'"

"$vp" compare "$tmp/off/summary.json" "$tmp/on" --layers >"$tmp/text" 2>"$tmp/err"
check "a summary.json path works too, with --layers" [ $? -eq 0 ]
# c1: 1200 / 400 = 3x; c2: 800 / 600 = 1.333x
check "per-layer speedups" sh -c "grep -qE '^  c1 .* 3.000x' '$tmp/text' && grep -qE '^  c2 .* 1.333x' '$tmp/text'"

"$vp" compare "$tmp/off" "$tmp/on" --json >"$tmp/cmp.json" 2>"$tmp/err"
check "--json exits 0" [ $? -eq 0 ]
if $py -c "import json, math
j = json.load(open('$tmp/cmp.json'))
assert math.isclose(j['speedup'], 2.0) and math.isclose(j['energy_efficiency'], 1.5)
assert math.isclose(j['traffic_ratio'], 0.6)
assert j['same_layers'] and [l['name'] for l in j['layers']] == ['c1', 'c2']
assert math.isclose(j['layers'][0]['speedup'], 3.0)
assert j['warnings'] == []" 2>"$tmp/pyerr"; then
    ok "--json holds the ratios and per-layer speedups"
else
    bad "--json holds the ratios and per-layer speedups ($(tail -n 2 "$tmp/pyerr" | tr '\n' ' '))"
fi

"$vp" compare "$tmp/off" "$tmp/unverified.json" >"$tmp/text" 2>"$tmp/err"
check "unverified or different runs still compare (exit 0)" [ $? -eq 0 ]
check "warning: different inputs" grep -q "WARNING: the runs used different inputs" "$tmp/text"
check "warning: B is NOT VERIFIED" grep -qE "WARNING: .*unverified.json.*NOT VERIFIED" "$tmp/text"

fails "a missing folder is named" "$tmp/nowhere" "$vp" compare "$tmp/nowhere" "$tmp/on"
fails "a folder without summary.json is named" "$tmp/empty.*summary.json" \
    "$vp" compare "$tmp/off" "$tmp/empty"
fails "a damaged summary names the file and the key" "damaged.json.*layers\[1\]\.cycles" \
    "$vp" compare "$tmp/damaged.json" "$tmp/on"
head -c 200 "$tmp/off/summary.json" >"$tmp/truncated.json"
fails "a truncated summary is named" "truncated.json" "$vp" compare "$tmp/truncated.json" "$tmp/on"

report

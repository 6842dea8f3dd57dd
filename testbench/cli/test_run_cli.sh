#!/bin/bash
# test_run_cli.sh APACK_VP SOURCE_DIR - `apack-vp run` and `apack-vp compare` as users run them:
# the default scenario (posenet on the astronaut photo, tensor-core, APack, LPDDR4-3200) runs and
# verifies; its reports hold what docs/reports.md promises; codec off, AT mode and a small weight
# buffer (filter blocks) also verify; compare prints the ratios of two runs; bad input gives an
# error naming the file, line and key (or the layer and buffer) and leaves no output folder.
cli_args="APACK_VP SOURCE_DIR"
cli_workloads=1
# shellcheck source=preamble.sh
. "$(dirname "$0")/preamble.sh"
default=$src/scenarios/default.yaml

check "run --help documents --set, --out and --trace" \
    sh -c "'$vp' run --help > '$tmp/h' && grep -q -- --set '$tmp/h' && grep -q -- --out '$tmp/h' && grep -q -- --trace '$tmp/h'"

# --- the default scenario, with the trace and plots
"$vp" run "$default" --out "$tmp/on" --trace --plots >"$tmp/on.txt" 2>"$tmp/on.err"
rc=$?
check "default scenario exits 0 (rc $rc)" test $rc -eq 0
check "summary says verified yes" grep -qE "verified +yes" "$tmp/on.txt"
check "progress shows the layers on stderr" grep -q "31/31" "$tmp/on.err"
check "summary.json: verified true, 31 layers, energy adds up, ratios below 1" $py - "$tmp/on/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["verified"] is True, s["verified"]
layers = s["layers"]
assert len(layers) == 31, len(layers)
tot = sum(l["energy_total_j"] for l in layers)
assert abs(tot - s["energy_total_j"]) <= 1e-6 * s["energy_total_j"], (tot, s["energy_total_j"])
assert 0 < s["weights"]["stored_bytes"] < s["weights"]["raw_bytes"]
assert 0 < s["activations"]["stored_bytes"] < s["activations"]["raw_bytes"]
assert s["dram_read_bytes"] == sum(l["dram_read_bytes"] for l in layers)
assert s["macs"] == sum(l["macs"] for l in layers) > 1e9
assert s["sim_time_ns"] >= layers[-1]["end_ns"] > layers[0]["start_ns"] >= 0
PY
check "layers.csv has a header and 31 rows" sh -c "test \$(wc -l < '$tmp/on/layers.csv') -eq 32"
check "energy.csv ends with a TOTAL row" grep -q "^TOTAL" "$tmp/on/energy.csv"
check "trace.json is Chrome trace JSON with engine and dram tracks" $py - "$tmp/on/trace.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
names = {e.get("args", {}).get("name", "") for e in t["traceEvents"] if e.get("ph") == "M"}
assert any("engine" in n for n in names) and any("dram" in n for n in names), names
assert sum(1 for e in t["traceEvents"] if e.get("ph") == "X") > 100
PY
check "plots are SVG" sh -c "head -c 200 '$tmp/on/energy.svg' | grep -q '<svg' && head -c 200 '$tmp/on/layers.svg' | grep -q '<svg'"

# --- codec off, AT mode, a weight buffer small enough to split layers into filter blocks
for v in "off codec.enabled=false" "at dram.mode=at" "wsmall buffers.weights.size_kib=16"; do
    set -- $v
    "$vp" run "$default" -q --set "$2" --out "$tmp/$1" >"$tmp/$1.txt" 2>&1
    rc=$?
    check "run --set $2 verifies (rc $rc)" sh -c "test $rc -eq 0 && grep -q '\"verified\": true' '$tmp/$1/summary.json'"
done
check "codec off stores raw (weights ratio 1)" $py -c "
import json; s = json.load(open('$tmp/off/summary.json'))
assert s['weights']['stored_bytes'] == s['weights']['raw_bytes'], s['weights']
assert s['codec'] == 'bypass'"
check "AT and LT move the same bytes" $py -c "
import json; a = json.load(open('$tmp/at/summary.json')); b = json.load(open('$tmp/on/summary.json'))
assert a['dram_read_bytes'] == b['dram_read_bytes'] and a['tlm_mode'] == 'at'"
check "a 16 KiB weight buffer splits layers into more tiles" $py -c "
import json; a = json.load(open('$tmp/wsmall/summary.json')); b = json.load(open('$tmp/on/summary.json'))
assert sum(l['tiles'] for l in a['layers']) > sum(l['tiles'] for l in b['layers'])"

# --- compare
"$vp" compare "$tmp/off" "$tmp/on" >"$tmp/cmp.txt" 2>&1
rc=$?
check "compare exits 0 and prints speedup and energy efficiency" sh -c "test $rc -eq 0 && grep -qi speedup '$tmp/cmp.txt' && grep -qi 'efficiency' '$tmp/cmp.txt'"
check "compare --json gives the speedup of the two summaries" $py - "$vp" "$tmp" <<'PY'
import json, subprocess, sys
vp, tmp = sys.argv[1], sys.argv[2]
c = json.loads(subprocess.check_output([vp, "compare", tmp + "/off", tmp + "/on", "--json"]))
a = json.load(open(tmp + "/off/summary.json")); b = json.load(open(tmp + "/on/summary.json"))
want = a["sim_time_ns"] / b["sim_time_ns"]
assert abs(c["speedup"] - want) < 1e-9 * want, (c["speedup"], want)
PY
fails "compare of a missing folder names it" "nope" "$vp" compare "$tmp/nope" "$tmp/on"

# --- an APack tensor corrupted in DRAM: its CRC check fails at read-back, the run does not verify
"$vp" run "$default" -q --out "$tmp/fault" --inject-fault MobilenetV1/MobilenetV1/Conv2d_3_pointwise/Relu6 \
    >"$tmp/f.txt" 2>"$tmp/f.err"
rc=$?
check "a corrupted APack tensor fails verification with exit 2 (rc $rc)" test $rc -eq 2
check "the failure names the CRC check" grep -qi "crc" "$tmp/f.err"

# --- bad input: errors name the place; nothing is written
printf 'name: typo\nengine:\n  nmae: tensor-core\n' > "$tmp/typo.yaml"
fails "a YAML typo names file, line and key" "typo.yaml:3.*nmae" "$vp" run "$tmp/typo.yaml" --out "$tmp/typo"
check "no output folder after the typo" test ! -e "$tmp/typo"
fails "a 1 KiB activation buffer cannot hold one row: the layer and buffer are named" \
    "layer '.*activation buffer" "$vp" run "$default" -q --set buffers.activations.size_kib=1 --out "$tmp/tiny"
check "no output folder after the impossible buffer" test ! -e "$tmp/tiny"
fails "an unknown --set key is named" "codec.nope" "$vp" run "$default" --set codec.nope=1 --out "$tmp/x"

report

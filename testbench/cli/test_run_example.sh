#!/bin/bash
# test_run_example.sh APACK_VP SOURCE_DIR - a small end-to-end `apack-vp run` that also runs under
# the sanitizers: scenarios/examples/emotion-laconic-zrle.yaml (emotion on the Laconic engine,
# the zero run-length codec, two LPDDR4 channels in AT mode, buffers small enough to tile). It
# must verify, split AT transactions across both channels, and keep some outputs on chip. Then a
# batch of two (scenarios/examples/hbm2-at.yaml), and a fault injected into a stored tensor.
cli_args="APACK_VP SOURCE_DIR"
cli_workloads=1
# shellcheck source=preamble.sh
. "$(dirname "$0")/preamble.sh"

"$vp" run "$src/scenarios/examples/emotion-laconic-zrle.yaml" -q --out "$tmp/emo" >"$tmp/out.txt" 2>"$tmp/err.txt"
rc=$?
check "the example scenario runs (rc $rc; $(head -c 200 "$tmp/err.txt"))" test $rc -eq 0
check "it verifies" grep -qE "verified +yes" "$tmp/out.txt"
check "summary: zrle, AT, two channels, tiles, on-chip outputs, stored below raw" $py - "$tmp/emo/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["verified"] and s["codec"] == "zrle" and s["tlm_mode"] == "at", s["codec"]
assert "x2" in s["dram"], s["dram"]
assert any(l["tiles"] > 1 for l in s["layers"])
assert any(l["unit"] == "engine" and l["dram_write_bytes"] == 0 for l in s["layers"])  # on chip
assert s["activations"]["stored_bytes"] < s["activations"]["raw_bytes"]
PY

# A fault injected into a stored tensor: the run must say loudly that it does not verify, exit 2
# and still write its reports; an unknown layer is an error naming it.
layer=StatefulPartitionedCall/model_1/block1_conv2_act/Relu
"$vp" run "$src/scenarios/examples/emotion-laconic-zrle.yaml" -q --out "$tmp/fault" \
    --inject-fault "$layer" >"$tmp/f.txt" 2>"$tmp/f.err"
rc=$?
check "a corrupted tensor fails verification with exit 2 (rc $rc)" test $rc -eq 2
check "stderr says VERIFICATION FAILED and names the layer" \
    sh -c "grep -q 'VERIFICATION FAILED' '$tmp/f.err' && grep -q 'block1_conv2_act' '$tmp/f.err'"
check "the summary says NOT VERIFIED" grep -q "NOT VERIFIED" "$tmp/f.txt"
check "summary.json has verified false and mismatches" $py -c "
import json; s = json.load(open('$tmp/fault/summary.json'))
assert s['verified'] is False and s['mismatches'] > 0"
fails "an unknown --inject-fault layer is named" "no layer named 'nope'" \
    "$vp" run "$src/scenarios/examples/emotion-laconic-zrle.yaml" -q --out "$tmp/nope" --inject-fault nope

# A batch of two images (scenarios/examples/hbm2-at.yaml: emotion, two HBM2 channels, AT).
"$vp" run "$src/scenarios/examples/hbm2-at.yaml" -q --out "$tmp/batch" >"$tmp/b.txt" 2>"$tmp/b.err"
rc=$?
check "a batch of two runs and verifies (rc $rc; $(head -c 200 "$tmp/b.err"))" \
    sh -c "test $rc -eq 0 && grep -qE 'verified +yes' '$tmp/b.txt'"
check "both images' layers are in the summary" $py - "$tmp/batch/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
names = [l["name"] for l in s["layers"]]
assert any(n.endswith("[image 0]") for n in names) and any(n.endswith("[image 1]") for n in names)
assert len(names) % 2 == 0
PY
report

#!/bin/bash
# test_engines_cli.sh APACK_VP SOURCE_DIR - `apack-vp engines compare|profile` as users run
# them: on the real emotion and posenet models with photos (fetched when missing) and on a
# built-in topology; the JSON report's figures and checks; a profile found by `engines profile`
# consumed by `engines compare`; clear errors naming the option, engine, key, file or line for
# bad input, with nothing half-written. Prints one line per check, "N passed, M failed" last.
cli_args="APACK_VP SOURCE_DIR"
cli_workloads=1
# shellcheck source=preamble.sh
. "$(dirname "$0")/preamble.sh"

emotion=("$W/models/emotion.json" --input "$W/images/grace_hopper.jpg")

# --- help
check "apack-vp --help lists engines" sh -c "'$vp' --help | grep -q engines"
check "engines compare --help documents --engines, --profile and --tech" \
    sh -c "'$vp' engines compare --help > '$tmp/h' && grep -q -- --engines '$tmp/h' && grep -q -- --profile '$tmp/h' && grep -q -- --tech '$tmp/h'"

# --- compare on a real model
"$vp" engines compare "${emotion[@]}" -q --json "$tmp/emotion.json" >"$tmp/emotion.txt" 2>"$tmp/err"
check "compare emotion succeeds" test $? -eq 0
check "the summary states the checks passed" grep -q "equal the int reference executor's on every layer" "$tmp/emotion.txt"
check "the summary names the baseline and its data width" grep -q "compared at 8-bit data" "$tmp/emotion.txt"
check "the JSON report has every engine verified on every layer, speedups over the baseline" $py -c "
import json; r = json.load(open('$tmp/emotion.json'))
names = [e['name'] for e in r['engines']]
assert names == ['bit-parallel', 'tensor-core', 'loom-1b', 'laconic'], names
n = len(r['layers']); assert n >= 10, n
assert r['all_outputs_equal'] is True
base = r['engines'][0]
assert base['speedup'] == 1.0 and base['energy_efficiency'] == 1.0
for e in r['engines']:
    assert e['layers_equal'] == n, e['spec']
    assert abs(e['speedup'] - base['cycles'] / e['cycles']) < 1e-12
    assert abs(e['energy']['total_J'] - sum(e['energy']['by_component_J'].values())) < 1e-9 * e['energy']['total_J']
    assert e['value_pairs_per_s'] > 0
    assert sum(l['cycles'] for l in e['layers']) == e['cycles']
    layer_j = sum(l['energy']['total_J'] for l in e['layers'])
    assert abs(layer_j - e['energy']['total_J']) <= 1e-9 * e['energy']['total_J'], e['spec']
assert r['synthetic_values'] is False and r['precisions'] == 'data'
"
"$vp" engines compare "${emotion[@]}" -q --totals-only --no-verify --engines loom:k=2,laconic:sync=pe \
    --csv "$tmp/e.csv" >"$tmp/nv.txt"
check "--no-verify says the outputs were not checked" grep -q "outputs not verified" "$tmp/nv.txt"
check "--csv writes one row per layer and engine (baseline included)" $py -c "
import csv; rows = list(csv.DictReader(open('$tmp/e.csv')))
engines = {r['engine'] for r in rows}
assert engines == {'bit-parallel', 'loom:k=2', 'laconic:sync=pe'}, engines
assert all(r['outputs_equal'] == 'not checked' for r in rows)
"

# --- posenet, all four engines (their outputs on every posenet layer are verified by the
# engines_tests case "[posenet]"; here the command's figures, without the functional model)
"$vp" engines compare "$W/models/posenet.json" --input "$W/images/astronaut.png" -q --totals-only \
    --no-verify --json "$tmp/posenet.json" >/dev/null
check "posenet: 31 layers, all its MACs, every engine's cycles add up over the layers" $py -c "
import json; r = json.load(open('$tmp/posenet.json'))
assert r['macs'] == 1091347152, r['macs']
assert len(r['layers']) == 31 and r['verified'] is False
for e in r['engines']:
    assert sum(l['cycles'] for l in e['layers']) == e['cycles'] > 0, e['spec']
"

# --- built-in topology: synthetic values, labelled
"$vp" engines compare alexnet -q --totals-only --engines loom >"$tmp/alex.txt"
check "a built-in topology runs without --input and says its values are synthetic" \
    grep -q "SYNTHETIC VALUES" "$tmp/alex.txt"

# --- profile found by the profiler, consumed by compare
"$vp" engines profile "${emotion[@]}" --sqnr 20 --out "$tmp/prof.yaml" -q >"$tmp/prof.txt" 2>"$tmp/err"
check "engines profile writes a profile" test -s "$tmp/prof.yaml"
"$vp" engines compare "${emotion[@]}" --profile "$tmp/prof.yaml" -q --totals-only \
    --engines loom:precision=static --json "$tmp/prof.json" >/dev/null
check "compare --profile quantizes at the profile's widths and still verifies" $py -c "
import json, re
r = json.load(open('$tmp/prof.json'))
assert r['precisions'] == 'quantization' and r['all_outputs_equal'] is True
text = open('$tmp/prof.yaml').read()
for l in r['layers']:
    m = re.search(re.escape(l['name']) + r'\"?: *\{pa: *(\d+), *pw: *(\d+)\}', text)
    if m:
        assert (l['pa'], l['pw']) == (int(m.group(1)), int(m.group(2))), (l, m.groups())
"

# --- errors
fails "an unknown engine is named" "unknown engine 'systolic'" "$vp" engines compare "${emotion[@]}" --engines systolic
fails "an unknown engine parameter is named with the accepted ones" "unknown parameter\(s\) kk.*accepted" \
    "$vp" engines compare "${emotion[@]}" --engines loom:kk=2
fails "a bad parameter value is named" "k=3" "$vp" engines compare "${emotion[@]}" --engines loom:k=3
fails "an unknown technology lists the known ones" "65nm" "$vp" engines compare "${emotion[@]}" --tech 7nm
printf 'layers:\n  no_such_layer: {pa: 4, pw: 4}\n' >"$tmp/bad.yaml"
fails "a profile naming a missing layer gives file:line" "bad.yaml:2" \
    "$vp" engines compare "${emotion[@]}" --profile "$tmp/bad.yaml"
fails "a file model needs --input" "--input is required" "$vp" engines compare "$W/models/emotion.json"
fails "--json into a missing folder fails" "no-such-dir" \
    "$vp" engines compare "${emotion[@]}" --engines loom --json "$tmp/no-such-dir/r.json"
check "nothing half-written" test ! -e "$tmp/no-such-dir"
report

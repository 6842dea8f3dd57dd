#!/bin/bash
# test_network_cli.sh APACK_VP APACK SOURCE_DIR - `apack-vp network inspect|run` as users run
# them, on the real models and photos (fetched by scripts/fetch_workloads.sh when missing):
# summaries and JSON, saved outputs and their names, layer traces read back by `inspect` and
# `apack stats`, and clear errors (naming the file, node or option) for bad inputs, with nothing
# half-written left behind. Numbers are checked with Debian's /usr/bin/python3 + numpy.
# Prints one line per check and "N passed, M failed" last; exits non-zero on any failure.
cli_args="APACK_VP APACK SOURCE_DIR"
cli_workloads=1
# shellcheck source=preamble.sh
. "$(dirname "$0")/preamble.sh"

# --- help
check "apack-vp --help lists network" sh -c "'$vp' --help | grep -q network"
check "network run --help documents --dump-layers and --calibrate" \
    sh -c "'$vp' network run --help | grep -q -- --dump-layers && '$vp' network run --help | grep -q -- --calibrate"

# --- inspect
"$vp" network inspect "$W/models/posenet.json" >"$tmp/inspect.txt" 2>&1
check "inspect posenet prints its MAC total" grep -q "1091347152 MACs" "$tmp/inspect.txt"
check "inspect posenet lists the source ops" grep -q "FusedDepthwiseConv2dNative x13" "$tmp/inspect.txt"
"$vp" network inspect --json "$W/models/blazeface.json" >"$tmp/inspect.json"
check "inspect --json gives layers, MACs and outputs" $py -c "
import json; j = json.load(open('$tmp/inspect.json'))
assert j['macs'] == sum(l['macs'] for l in j['layers']) > 1.8e8, j['macs']
assert len(j['outputs']) == 4 and j['synthetic_values'] is False
assert all(o['supported'] for o in j['ops'])"
check "inspect of a built-in topology says its values are synthetic" \
    sh -c "'$vp' network inspect mobilenet_v1 | grep -q 'SYNTHETIC VALUES'"

# --- run: the real models' answers
"$vp" network run "$W/models/emotion.json" --input "$W/images/astronaut.png" --crop 150,50,150,150 \
    --save-outputs "$tmp/emo" --quiet >"$tmp/emotion.txt"
check "emotion on the astronaut face: happy in fp32 and int8" \
    sh -c "grep -q 'fp32 emotion: happy' '$tmp/emotion.txt' && grep -q 'int  emotion: happy' '$tmp/emotion.txt'"
check "saved output Identity.npy is a 1x7 probability vector" $py -c "
import numpy as np; a = np.load('$tmp/emo/Identity.npy')
assert a.dtype == np.float32 and a.shape == (1, 7), (a.dtype, a.shape)
assert abs(a.sum() - 1) < 0.02 and a.argmax() == 3"
"$vp" network run "$W/models/posenet.json" --input "$W/images/astronaut.png" --json \
    --save-outputs "$tmp/pose" --dump-layers "$tmp/trace" >"$tmp/pose.json"
check "posenet JSON: SQNR per output, face keypoints within 3 px, MAC/s" $py -c "
import json; j = json.load(open('$tmp/pose.json'))
assert len(j['outputs']) == 4 and all(o['sqnr_db'] > 5 for o in j['outputs'])
assert max(j['face_keypoint_shift_px']) < 3, j['face_keypoint_shift_px']
assert j['int_macs_per_s'] > 0 and j['peak_rss_bytes'] < 2**30
assert j['readout']['int']['keypoints'][0]['name'] == 'nose'"
check "posenet outputs saved under their node names, shaped as in the graph" $py -c "
import numpy as np
for n, c in (('heatmap', 17), ('offset', 34), ('displacement_fwd', 32), ('displacement_bwd', 32)):
    a = np.load('$tmp/pose/MobilenetV1_%s_2_BiasAdd.npy' % n)
    assert a.shape == (1, 25, 25, c), a.shape"
check "trace: 31 conv layers with weights, inputs and outputs" $py -c "
import json, numpy as np; t = json.load(open('$tmp/trace/trace.json'))
assert len(t['layers']) == 31 and t['model'] == 'posenet'
l = t['layers'][0]
w = np.load('$tmp/trace/' + l['weights']); x = np.load('$tmp/trace/' + l['input'])
assert w.dtype == np.int8 and w.shape == (24, 3, 3, 3) and x.shape == (1, 385, 385, 3)
assert np.load('$tmp/trace/' + t['layers'][1]['input']).dtype == np.uint8  # after ReLU6"
check "inspect reads the trace back" sh -c "'$vp' network inspect '$tmp/trace' | grep -q 'total: 31 layers, 1091347152 MACs'"
check "apack stats codes the traced weights and activations" \
    sh -c "'$apack' stats '$tmp/trace/weights' >/dev/null && '$apack' stats '$tmp/trace/inputs' >/dev/null"
cp -r "$tmp/trace" "$tmp/trace1"
check "a second dump replaces the first and is identical byte for byte (run to run)" sh -c "
'$vp' network run '$W/models/posenet.json' --input '$W/images/astronaut.png' --quiet --threads 1 --dump-layers '$tmp/trace' >/dev/null &&
diff -r '$tmp/trace' '$tmp/trace1' && ! ls '$tmp' | grep -qE 'partial|old-'"
# A .npy input is fed as is: the emotion crop written by numpy from the saved preprocessing.
$py -c "
import numpy as np; np.save('$tmp/zeros.npy', np.zeros((1, 64, 64, 1), np.float32))"
check "a float32 .npy input runs" sh -c "'$vp' network run '$W/models/emotion.json' --input '$tmp/zeros.npy' --precision fp32 --quiet | grep -q 'emotion:'"

# --- errors
fails "missing photo names the file" "nothere.png" \
    "$vp" network run "$W/models/emotion.json" --input "$tmp/nothere.png"
fails "bad crop syntax names the option" "--crop" \
    "$vp" network run "$W/models/emotion.json" --input "$W/images/astronaut.png" --crop 1,2,3
fails "crop outside the photo names the box" "box|crop" \
    "$vp" network run "$W/models/emotion.json" --input "$W/images/astronaut.png" --crop 400,400,200,200
fails "unknown model name lists the built-ins" "resnet50" "$vp" network inspect not_a_model
head -c 3000 "$W/models/emotion.json" >"$tmp/truncated.json"
fails "truncated model.json names the file" "truncated.json" "$vp" network inspect "$tmp/truncated.json"
cp "$W/models/emotion.json" "$tmp/e2.json"
head -c 100000 "$W/models/emotion.bin" >"$tmp/emotion.bin"
fails "truncated weight shard names the shard" "emotion.bin" "$vp" network inspect "$tmp/e2.json"
mkdir -p "$tmp/odd"
sed 's/"op": *"Softmax"/"op": "FancySoftmax"/' "$W/models/emotion.json" >"$tmp/odd/emotion.json"
cp "$W/models/emotion.bin" "$tmp/odd/"
fails "unsupported op: inspect names op and node" "not supported" "$vp" network inspect "$tmp/odd/emotion.json"
check "  ... and lists the op with the node using it" grep -qE "FancySoftmax x1 +UNSUPPORTED \(used by " "$tmp/out"
fails "unsupported op: run names op and node" "FancySoftmax" \
    "$vp" network run "$tmp/odd/emotion.json" --input "$W/images/astronaut.png"
$py -c "
import numpy as np; np.save('$tmp/wrong.npy', np.zeros((1, 32, 32, 1), np.float32))"
fails "a .npy input of the wrong shape names file and shapes" "wrong.npy.*1x64x64x1" \
    "$vp" network run "$W/models/emotion.json" --input "$tmp/wrong.npy"
mkdir -p "$tmp/mine" && echo keep >"$tmp/mine/notes.txt"
fails "--dump-layers refuses a folder holding other files" "refusing" \
    "$vp" network run "$W/models/emotion.json" --input "$W/images/astronaut.png" --dump-layers "$tmp/mine"
check "  ... and leaves it untouched" sh -c "[ \"\$(ls '$tmp/mine')\" = notes.txt ] && ! ls '$tmp' | grep -q partial"
fails "a weight width of 17 is refused" "weight width" \
    "$vp" network run "$W/models/emotion.json" --input "$W/images/astronaut.png" --weight-bits 17

report

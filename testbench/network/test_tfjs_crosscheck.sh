#!/usr/bin/env bash
# test_tfjs_crosscheck.sh APACK_VP SOURCE_DIR - apack-vp's fp32 executor against TensorFlow.js.
#
# Runs the three real models (posenet, emotion, blazeface) through `apack-vp network run
# --precision fp32` and through TF.js 4.22.0 itself (pure-JavaScript CPU backend,
# scripts/tfjs_reference/run_tfjs.js), on the same inputs, and compares every graph output:
#   random  a deterministic pseudo-random float32 tensor in [-1, 1] (numpy, fixed seed per model;
#           emotion also in [-0.25, 0.25]) fed to both as is;
#   photo   a real photograph preprocessed by TF.js ops (tf.image.resizeBilinear etc., the way
#           @vladmandic/human feeds the model); that exact tensor is fed to apack-vp as .npy;
#   image   the same photograph given to apack-vp as a PNG, so our own decoding, crop, resize
#           and normalisation are checked too, against TF.js's.
# For each output: max |ours - tfjs|, and the relative L2 error ||ours - tfjs|| / ||tfjs||.
# Fails if any output's relative L2 error exceeds 1e-4 or its max abs error exceeds 1e-4 of the
# output's largest |value| (fp32 differs from TF.js only by summation order: ~1e-6 to 1e-7).
# Negative control: the int8 emotion outputs (apack-vp --precision int8) must FAIL that bound,
# which shows the comparison notices an error of quantization size.
#
# Needs: node and npm (the first run does `npm ci` in scripts/tfjs_reference, ~80 MB from the
# npm registry), /usr/bin/python3 with numpy (Debian python3-numpy), the workloads (fetched with
# scripts/fetch_workloads.sh when missing). Takes about a minute, most of it TF.js's posenet.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 APACK_VP SOURCE_DIR" >&2
  exit 2
fi
apack_vp=$1
src=$2
ref_dir=$src/scripts/tfjs_reference
models=$src/workloads-cache/models
images=$src/workloads-cache/images
py=/usr/bin/python3   # Debian's python3 with numpy (the first python3 on PATH may lack it)
bound=1e-4

die() { echo "test_tfjs_crosscheck: error: $*" >&2; exit 1; }
start=$(date +%s.%N)

[[ -x $apack_vp ]] || die "apack-vp not found at '$apack_vp'"
command -v node >/dev/null 2>&1 || die "node is not installed (Debian: nodejs)"
command -v npm >/dev/null 2>&1 || die "npm is not installed (Debian: npm)"
"$py" -c 'import numpy' 2>/dev/null || die "$py with numpy is needed (Debian: python3-numpy)"

# ---- prerequisites: the real models and photos, TF.js ------------------------------------
need_fetch=0
for f in posenet.json posenet.bin emotion.json emotion.bin blazeface.json blazeface.bin; do
  [[ -f $models/$f ]] || need_fetch=1
done
for f in astronaut.png chelsea.png; do [[ -f $images/$f ]] || need_fetch=1; done
if ((need_fetch)); then
  echo "fetching the workloads (scripts/fetch_workloads.sh)"
  bash "$src/scripts/fetch_workloads.sh" >/dev/null || die "scripts/fetch_workloads.sh failed"
fi

tfjs_ok() {
  (cd "$ref_dir" && node -e "require('@tensorflow/tfjs-core'); require('@tensorflow/tfjs-backend-cpu');
    require('@tensorflow/tfjs-converter')" >/dev/null 2>&1)
}
if ! tfjs_ok; then
  echo "installing TF.js into scripts/tfjs_reference/node_modules (npm ci)"
  (cd "$ref_dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $ref_dir"
  tfjs_ok || die "TF.js does not load after npm ci in $ref_dir"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tfjs_crosscheck.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- helpers ------------------------------------------------------------------------------
# compare LABEL TFJS_DIR OURS_DIR [expect-fail]: prints one line per output; status 1 on failure
compare() {
  "$py" - "$@" "$bound" <<'PY'
import os, sys
import numpy as np

label, ref_dir, our_dir = sys.argv[1:4]
expect_fail = len(sys.argv) == 6 and sys.argv[4] == "expect-fail"
bound = float(sys.argv[-1])
ref_files = sorted(f for f in os.listdir(ref_dir) if f.endswith(".npy"))
our_files = sorted(f for f in os.listdir(our_dir) if f.endswith(".npy"))
ok = True
if not ref_files or ref_files != our_files:
    print(f"  {label}: the output files differ: tfjs {ref_files} vs apack-vp {our_files}")
    sys.exit(1)
worst = 0.0
for f in ref_files:
    r = np.load(os.path.join(ref_dir, f))
    o = np.load(os.path.join(our_dir, f))
    name = f[:-4]
    if r.dtype != np.float32 or o.dtype != np.float32 or r.shape != o.shape:
        print(f"  {label:<26} {name:<38} FAIL: tfjs {r.dtype}{r.shape} vs apack-vp {o.dtype}{o.shape}")
        ok = False
        continue
    r64, o64 = r.astype(np.float64), o.astype(np.float64)
    if not (np.isfinite(r64).all() and np.isfinite(o64).all()):
        print(f"  {label:<26} {name:<38} FAIL: non-finite values")
        ok = False
        continue
    diff = o64 - r64
    max_abs = float(np.abs(diff).max())
    scale = float(np.abs(r64).max())
    norm = float(np.linalg.norm(r64))
    rel_l2 = float(np.linalg.norm(diff)) / norm if norm > 0 else float(np.linalg.norm(diff))
    good = rel_l2 <= bound and max_abs <= bound * max(scale, 1e-30)
    worst = max(worst, rel_l2)
    ok = ok and good
    print(f"  {label:<26} {name:<38} {str(list(r.shape)):<16} max|ref| {scale:9.4g}  "
          f"max abs err {max_abs:9.3e}  rel L2 {rel_l2:9.3e}  {'ok' if good else 'OVER BOUND'}")
if expect_fail:
    print(f"  {label}: {'flagged as expected' if not ok else 'NOT flagged: the check is too loose'}")
    sys.exit(0 if not ok else 1)
sys.exit(0 if ok else 1)
PY
}

passed=0
failed=0
record() {  # record STATUS
  if [[ $1 -eq 0 ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

declare -A tfjs_seconds=()
run_tfjs() {  # run_tfjs MODEL OUTDIR INPUT [run_tfjs.js options...]
  local model=$1 out=$2 input=$3
  shift 3
  local t0 t1
  t0=$(date +%s.%N)
  node "$ref_dir/run_tfjs.js" "$models/$model.json" "$input" "$out" "$@" >"$out.log" 2>&1 \
    || { cat "$out.log" >&2; die "run_tfjs.js failed on $model"; }
  t1=$(date +%s.%N)
  tfjs_seconds[$model]=$(awk -v a="$t0" -v b="$t1" -v c="${tfjs_seconds[$model]:-0}" \
                           'BEGIN { printf "%.1f", c + b - a }')
}

run_ours() {  # run_ours MODEL OUTDIR INPUT [apack-vp options...]
  local model=$1 out=$2 input=$3
  shift 3
  "$apack_vp" network run "$models/$model.json" --input "$input" --precision fp32 \
    --save-outputs "$out" --quiet "$@" >"$out.log" 2>&1 \
    || { cat "$out.log" >&2; die "apack-vp network run failed on $model"; }
}

# ---- inputs -------------------------------------------------------------------------------
"$py" - "$work" <<'PY'
import sys
import numpy as np
work = sys.argv[1]
# emotion's softmax saturates on full-range noise (p = 0.9999, which hides the logits), so it
# also gets a quieter input whose top probability is about 0.4.
for seed, (name, shape, amplitude) in enumerate([("posenet", (1, 385, 385, 3), 1.0),
                                                 ("emotion", (1, 64, 64, 1), 1.0),
                                                 ("emotion-quiet", (1, 64, 64, 1), 0.25),
                                                 ("blazeface", (1, 256, 256, 3), 1.0)], start=1):
    x = amplitude * np.random.default_rng(seed).uniform(-1.0, 1.0, shape)
    np.save(f"{work}/{name}_random.npy", x.astype(np.float32))
PY

# model, photo, crop box (emotion takes a face crop: astronaut.png's face, docs/image-input.md)
cases=(
  "posenet astronaut.png -"
  "emotion astronaut.png 150,50,150,150"
  "blazeface astronaut.png -"
  "blazeface chelsea.png -"
)

echo "apack-vp fp32 vs TensorFlow.js 4.22.0 (tfjs-backend-cpu); bound: rel L2 <= $bound and" \
     "max abs err <= $bound * max|ref|"
for name in posenet emotion emotion-quiet blazeface; do
  model=${name%-quiet}
  d=$work/$name-random
  run_tfjs "$model" "$d-tfjs" "$work/${name}_random.npy"
  run_ours "$model" "$d-ours" "$work/${name}_random.npy"
  compare "$name random" "$d-tfjs" "$d-ours" && s=0 || s=$?
  record "$s"
done
for c in "${cases[@]}"; do
  read -r model photo crop <<<"$c"
  tag=$model-${photo%.*}
  d=$work/$tag
  tfjs_opts=(--preprocess "$model" --save-input "$d-input.npy")
  our_opts=()
  if [[ $crop != - ]]; then
    tfjs_opts+=(--crop "$crop")
    our_opts+=(--crop "$crop")
  fi
  run_tfjs "$model" "$d-tfjs" "$images/$photo" "${tfjs_opts[@]}"
  run_ours "$model" "$d-ours-npy" "$d-input.npy"
  compare "$model ${photo%.*} (npy)" "$d-tfjs" "$d-ours-npy" && s=0 || s=$?
  record "$s"
  run_ours "$model" "$d-ours-img" "$images/$photo" "${our_opts[@]}"
  compare "$model ${photo%.*} (png)" "$d-tfjs" "$d-ours-img" && s=0 || s=$?
  record "$s"
done

# Negative control: int8 outputs are a few per cent off fp32; the comparison must say so.
d=$work/emotion-astronaut
"$apack_vp" network run "$models/emotion.json" --input "$d-input.npy" --precision int8 \
  --save-outputs "$d-int8" --quiet >"$d-int8.log" 2>&1 \
  || { cat "$d-int8.log" >&2; die "apack-vp --precision int8 failed on emotion"; }
compare "emotion int8 (control)" "$d-tfjs" "$d-int8" expect-fail && s=0 || s=$?
record "$s"

end=$(date +%s.%N)
echo "TF.js run time (s): posenet ${tfjs_seconds[posenet]}, emotion ${tfjs_seconds[emotion]}," \
     "blazeface ${tfjs_seconds[blazeface]} (whole process: load, preprocess, inference, write)"
awk -v a="$start" -v b="$end" 'BEGIN { printf "total %.1f s\n", b - a }'
echo "tfjs crosscheck: $passed passed, $failed failed"
((failed == 0))

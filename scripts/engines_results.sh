#!/usr/bin/env bash
# engines_results.sh [BUILD_DIR] [OUT_DIR] - the engine comparisons of docs/engines.md
# ("Measured against the published results"): `apack-vp engines compare` on posenet and emotion
# (real photos) and on built-in AlexNet (synthetic values), in the settings below, each report
# kept as JSON in OUT_DIR (default out/run/engines), then one markdown table of speedups and
# energy efficiencies over each setting's baseline.
#   int8:     8-bit data against the 8-bit bit-parallel baseline of 1024 MACs/cycle (the default:
#             engines.md compares at the data width actually used), data-derived precisions
#   16b-base: the same data against Loom's published comparison point, a bit-parallel engine of
#             128 16-bit MACs/cycle (its datapath is 16 bits whatever the data need)
#   wires:    Laconic with a 128- and a 1024-wire weight interface against the 16-bit baseline
#             given the 2K-wire interface of the published comparison
#   profile:  AlexNet quantized at the Stripes activation profile 9-8-5-5-7 with 16-bit weights
#             (scenarios/profiles/alexnet-stripes.yaml), and posenet at the profile `engines
#             profile` found for 20 dB output SQNR on the photo
#             (scenarios/profiles/posenet-astronaut-20db.yaml), against the 16-bit baseline
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo_root/build}
out=${2:-$repo_root/out/run/engines}
vp=$build/platform/cli/apack-vp
[[ -x $vp ]] || { echo "engines_results.sh: $vp not found" >&2; exit 2; }
bash "$repo_root/scripts/fetch_workloads.sh" >/dev/null
mkdir -p "$out"
wl=$repo_root/workloads-cache
models=(posenet emotion alexnet)
declare -A input=([posenet]="$wl/models/posenet.json --input $wl/images/astronaut.png"
                  [emotion]="$wl/models/emotion.json --input $wl/images/grace_hopper.jpg"
                  [alexnet]="alexnet")
four=bit-parallel,tensor-core,loom,loom:k=2,loom:k=4,laconic
base16=(--baseline-width 16 --baseline-tiles 1 --baseline-rows 8)
for m in "${models[@]}"; do
  # shellcheck disable=SC2086
  "$vp" engines compare ${input[$m]} -q --totals-only --engines "$four" \
    --json "$out/$m-int8.json" >/dev/null
  # shellcheck disable=SC2086
  "$vp" engines compare ${input[$m]} -q --totals-only --engines "$four" "${base16[@]}" \
    --json "$out/$m-16b-base.json" >/dev/null
  # shellcheck disable=SC2086
  "$vp" engines compare ${input[$m]} -q --totals-only "${base16[@]}" \
    --engines bit-parallel:width=16:tiles=1:rows=8:weight_if=2048,laconic:wires=128,laconic:wires=1024 \
    --json "$out/$m-wires.json" >/dev/null
done
# shellcheck disable=SC2086
"$vp" engines compare ${input[posenet]} -q --totals-only "${base16[@]}" \
  --profile "$repo_root/scenarios/profiles/posenet-astronaut-20db.yaml" \
  --engines loom:precision=static,loom,loom:k=4,laconic \
  --json "$out/posenet-profile.json" >/dev/null
"$vp" engines compare alexnet -q --totals-only "${base16[@]}" \
  --profile "$repo_root/scenarios/profiles/alexnet-stripes.yaml" \
  --engines loom:precision=static,loom:k=2:precision=static,loom,laconic \
  --json "$out/alexnet-profile.json" >/dev/null
/usr/bin/python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
print("| network | setting | engine | speedup | energy eff. | outputs equal |")
print("|---|---|---|---|---|---|")
for f in sorted(os.listdir(out)):
    if not f.endswith(".json"):
        continue
    r = json.load(open(os.path.join(out, f)))
    net, setting = f[:-5].split("-", 1)
    label = net + (" (synthetic)" if r["synthetic_values"] else "")
    for e in r["engines"]:  # the first is the setting's baseline (1.00x)
        print(f"| {label} | {setting} | {e['spec']} | {e['speedup']:.2f}x | "
              f"{e['energy_efficiency']:.2f}x | {e['layers_equal']}/{len(e['layers'])} |")
PY

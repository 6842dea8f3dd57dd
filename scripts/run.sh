#!/usr/bin/env bash
# run.sh - the main job on a fresh machine: installs the Debian packages, builds, fetches the
# real models (sha256-pinned; ../shared/workloads is used as a cache when present), quantizes
# their weights to int8, and runs the APack codec over them: `apack stats` per model, and a
# byte-exact compress/decompress round trip of the largest real tensor. Then the networks:
# fp32 and int8 reference inference of the three models on real photos, posenet's layer traces,
# and APack on those traces (weights and activations). Then the DRAM model on generated traces
# for each preset and on DRAMSys's own DDR4 files.
# First of all it runs the default scenario (scenarios/default.yaml: posenet on the astronaut
# photo, tensor-core, APack, LPDDR4-3200) through the platform and prints its summary; the paper
# scenarios (scenarios/paper/) run last.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
stage() { printf '\n== %s ==\n' "$*"; }

stage "dependencies"
bash scripts/setup-deps.sh
stage "build"
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release
apack=build/codec/apack

stage "the default scenario: apack-vp run scenarios/default.yaml"
bash scripts/fetch_workloads.sh > /dev/null
build/platform/cli/apack-vp run scenarios/default.yaml --out out/default --plots

stage "real weights (fetch + int8 quantization)"
bash scripts/quantize_all.sh

for model in posenet emotion blazeface; do
  for scheme in per-channel per-tensor; do
    stage "apack stats: $model weights, int8 $scheme"
    "$apack" stats "out/weights/$model/$scheme"
  done
done

stage "round trip of the largest real tensor"
largest=$(ls -S out/weights/posenet/per-channel/*.npy | head -n 1)
mkdir -p out/run
"$apack" compress "$largest" -o out/run/largest.apk -v
"$apack" decompress out/run/largest.apk -o out/run/largest.npy -v
cmp "$largest" out/run/largest.npy
echo "restored byte for byte: $largest"

vp=build/platform/cli/apack-vp
W=workloads-cache
stage "posenet on astronaut.png: fp32 and int8, layer traces"
"$vp" network run $W/models/posenet.json --input $W/images/astronaut.png --dump-layers out/run/posenet-trace
stage "emotion on the astronaut's face"
"$vp" network run $W/models/emotion.json --input $W/images/astronaut.png --crop 150,50,150,150
for photo in astronaut.png grace_hopper.jpg coffee.png; do
  stage "blazeface on $photo"
  "$vp" network run $W/models/blazeface.json --input $W/images/$photo
done
stage "apack stats: posenet's traced weights"
"$apack" stats out/run/posenet-trace/weights
stage "apack stats: posenet's traced input activations"
"$apack" stats out/run/posenet-trace/inputs

# The DRAM model: 200 000-request sequential and random traces replayed on each preset (LT),
# and DRAMSys's own DDR4 files on the sequential one; JSON reports in out/run/dram/.
mkdir -p out/run/dram
for memory in ddr4-2400 lpddr4-3200 hbm2; do
  for pattern in sequential random; do
    stage "DRAM: $pattern reads on $memory"
    trace=out/run/dram/$memory-$pattern.stl
    "$vp" dram gen --pattern "$pattern" --requests 200000 --memspec "$memory" -o "$trace"
    "$vp" dram --memspec "$memory" --trace "$trace" --json "out/run/dram/$memory-$pattern.json"
  done
done
stage "DRAM: DRAMSys's DDR4-2400 memspec, address mapping and mcconfig"
D=testbench/dram/data/dramsys
"$vp" dram --memspec $D/JEDEC_4Gb_DDR4-2400_8bit_A.json --mapping $D/am_ddr4_8x4Gbx8_dimm_p1KB_brc.json \
  --mcconfig $D/fr_fcfs.json --trace out/run/dram/ddr4-2400-sequential.stl \
  --json out/run/dram/dramsys-ddr4-sequential.json

# The engines: bit-parallel, tensor-core, Loom and Laconic on posenet and emotion with real
# photos (outputs verified against the int reference executor), and the comparisons of
# docs/engines.md; JSON reports in out/run/engines/.
stage "engines: bit-parallel, tensor-core, Loom, Laconic on posenet (astronaut.png)"
"$vp" engines compare $W/models/posenet.json --input $W/images/astronaut.png
stage "engines: the comparisons of docs/engines.md"
bash scripts/engines_results.sh build out/run/engines

stage "paper scenarios (scenarios/paper/): measured beside the published figures"
bash scripts/paper_scenarios.sh build out/paper

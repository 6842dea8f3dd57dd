#!/usr/bin/env bash
# fuzz.sh BUILD_DIR SECONDS - run every libFuzzer target of a -DAPACK_FUZZ=ON build for SECONDS,
# seeded from the repository's test data (containers are made with the build's own apack
# binary when it has one); the platform's targets (platform/fuzz/) are seeded from
# platform/fuzz/corpus/TARGET/ and use platform/fuzz/TARGET.dict. Fails if any target finds a
# crash, leak, hang or sanitizer report.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS}
seconds=${2:?usage: fuzz.sh BUILD_DIR SECONDS}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Seeds: every .npy of the test data, and for the container target those files compressed
# (prefixed by the byte that selects the CRC-checked or unchecked decoding path) and their
# values (prefixed by a byte that selects the encoding path).
mkdir -p "$work/npy" "$work/container"
cp "$repo_root"/testbench/data/npy/*.npy "$repo_root"/testbench/data/vectors/*.npy "$work/npy/"
apack="$repo_root/build/codec/apack"
if [[ -x $apack ]]; then
  i=0
  for f in "$repo_root"/testbench/data/vectors/*.npy "$repo_root"/testbench/data/npy/{i8,u8}_*.npy; do
    for chunk in 64 4096; do
      "$apack" compress "$f" -o "$work/c.apk" --chunk "$chunk" 2>/dev/null || continue
      { printf '\000'; cat "$work/c.apk"; } >"$work/container/u$i"
      { printf '\001'; cat "$work/c.apk"; } >"$work/container/c$i"
      { printf '\201'; tail -c +129 "$f"; } >"$work/container/e$i"  # encode mode: raw values
      i=$((i + 1))
    done
  done
fi

# Targets that need files (fuzz_onnx) make their folder under TMPDIR: inside $work, so even a
# crashed run leaves nothing behind.
mkdir -p "$work/tmp"
status=0
for target in "$build"/codec/fuzz_* "$build"/platform/fuzz/fuzz_*; do
  [[ -x $target ]] || continue
  name=$(basename "$target")
  corpus="$work/corpus-$name"
  mkdir -p "$corpus"
  case $name in
    fuzz_container) seeds="$work/container" ;;
    fuzz_npy | fuzz_compare) seeds="$work/npy" ;;
    *) seeds="$repo_root/platform/fuzz/corpus/$name" ;;
  esac
  options=()
  dict="$repo_root/platform/fuzz/$name.dict"
  [[ -f $dict ]] && options+=(-dict="$dict")
  if TMPDIR="$work/tmp" "$target" "$corpus" "$seeds" -max_total_time="$seconds" \
      -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "${options[@]}" \
      >"$work/$name.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name.log" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz: $name: ok, $runs executions in ${seconds}s"
  else
    echo "fuzz: $name: FAILED" >&2
    tail -n 40 "$work/$name.log" >&2
    status=1
  fi
done
exit $status

#!/usr/bin/env bash
# quantize_all.sh [CACHE] [OUT] - fetch the real workloads and quantize the filters of all
# three models to int8 .npy files.
#
#   CACHE  workload cache, passed to fetch_workloads.sh (default <repo>/workloads-cache)
#   OUT    output root (default <repo>/out/weights); layout OUT/<model>/<scheme>/*.npy with
#          <scheme> = per-tensor and per-channel, plus a manifest.json per scheme directory
#
# Environment: APACK_PYTHON (default /usr/bin/python3; must have numpy), and the
# APACK_WORKLOADS_* variables of fetch_workloads.sh.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)

case "${1:-}" in
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "quantize_all: error: unknown option '$1' (usage: $0 [CACHE] [OUT])" >&2; exit 1 ;;
esac
[[ $# -le 2 ]] || { echo "quantize_all: error: usage: $0 [CACHE] [OUT]" >&2; exit 1; }

cache=${1:-"$repo_root/workloads-cache"}
out=${2:-"$repo_root/out/weights"}
python=${APACK_PYTHON:-/usr/bin/python3}
models=(posenet emotion blazeface)

if ! "$python" -c 'import numpy' >/dev/null 2>&1; then
    echo "quantize_all: error: $python cannot import numpy (Debian: apt-get install python3-numpy," \
         "or set APACK_PYTHON)" >&2
    exit 1
fi

"$script_dir/fetch_workloads.sh" "$cache"

mkdir -p -- "$out"
for m in "${models[@]}"; do
    "$python" "$script_dir/quantize_weights.py" "$cache/models/$m.json" "$out/$m" --scheme both
done
echo "quantize_all: done: ${models[*]} -> $out/<model>/{per-tensor,per-channel}/*.npy"

#!/usr/bin/env bash
# build.sh [BUILD_DIR] [cmake options...] - configure (once) and build with Ninja.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-"$repo_root/build"}
shift || true
cmake -S "$repo_root" -B "$build" -G Ninja "$@" >/dev/null
cmake --build "$build"

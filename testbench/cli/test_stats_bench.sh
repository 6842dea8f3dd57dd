#!/bin/sh
# test_stats_bench.sh APACK_BINARY - end-to-end tests of `apack stats` and `apack bench`.
#
# Writes small .npy files with printf (numpy's exact format 1.0 header, so nothing but a POSIX
# shell is needed to make them), runs the commands and checks properties of their output: an
# all-zero tensor has entropy 0 and codes to a small fraction of raw, totals are the sums of the
# per-tensor figures, output does not depend on --threads, and bad inputs fail naming the file.
# JSON is checked with plain python3 (no numpy); set PYTHON to use another interpreter.
# Prints one line per check and "N passed, M failed" last; exits non-zero on any failure.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 APACK_BINARY" >&2
    exit 2
fi
apack=$1
python=${PYTHON:-python3}
if ! [ -x "$apack" ]; then
    echo "test_stats_bench: $apack is not an executable" >&2
    exit 2
fi
if ! "$python" -c 'import json' >/dev/null 2>&1; then
    echo "test_stats_bench: $python cannot run (needed to check JSON output)" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/apack-cli-test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }
# check DESCRIPTION COMMAND...: passes when COMMAND exits 0.
check() {
    desc=$1
    shift
    if "$@"; then ok "$desc"; else bad "$desc"; fi
}

# byte N: writes the byte with value N (0..255). The octal escape has to be in printf's format:
# POSIX printf has no other way to write an arbitrary byte.
# shellcheck disable=SC2059
byte() { printf "\\$(printf '%03o' "$1")"; }

# write_npy OUT DESCR SHAPE DATA_FILE: a .npy file as numpy.save writes it (format 1.0). SHAPE
# is the Python tuple text, e.g. "(4096,)" or "(16, 16)"; FIRST_DIM is needed for the padding
# numpy >= 1.23 leaves so the first axis can grow to 21 digits.
write_npy() {
    out=$1 descr=$2 shape=$3 first=$4 data=$5
    dict="{'descr': '$descr', 'fortran_order': False, 'shape': $shape, }"
    grow=$((21 - ${#first}))
    while [ "$grow" -gt 0 ]; do dict="$dict "; grow=$((grow - 1)); done
    # 10 bytes of magic, version and length, then the dict, spaces and '\n' end on a multiple of
    # 64; an aligned length still gets 64 spaces, as numpy does.
    pad=$((64 - (10 + ${#dict} + 1) % 64))
    while [ "$pad" -gt 0 ]; do dict="$dict "; pad=$((pad - 1)); done
    hlen=$((${#dict} + 1))
    {
        printf '\223NUMPY\001\000'
        byte $((hlen % 256))
        byte $((hlen / 256))
        printf '%s\n' "$dict"
        cat "$data"
    } >"$out"
}

# Test data. zeros: 4096 int8 zeros. peaked: an 8-value pattern around zero (-2..2) repeated
# to 4096 int8 values. ramp: uint8 0..255 once each, shape (16, 16), entropy exactly 8 bits.
mkdir -p "$tmp/dir/sub" "$tmp/data"
dd if=/dev/zero of="$tmp/data/zeros" bs=4096 count=1 2>/dev/null
printf '\000\001\377\000\002\376\000\001' >"$tmp/data/peaked"
i=0
while [ $i -lt 9 ]; do
    cat "$tmp/data/peaked" "$tmp/data/peaked" >"$tmp/data/p2" && mv "$tmp/data/p2" "$tmp/data/peaked"
    i=$((i + 1))
done
i=0
while [ $i -lt 256 ]; do byte $i; i=$((i + 1)); done >"$tmp/data/ramp"
dd if=/dev/zero of="$tmp/data/f32" bs=16 count=1 2>/dev/null

write_npy "$tmp/dir/zeros.npy" '|i1' '(4096,)' 4096 "$tmp/data/zeros"
write_npy "$tmp/dir/peaked.npy" '|i1' '(4096,)' 4096 "$tmp/data/peaked"
write_npy "$tmp/dir/sub/ramp.npy" '|u1' '(16, 16)' 16 "$tmp/data/ramp"
write_npy "$tmp/dir/f32.npy" '<f4' '(4,)' 4 "$tmp/data/f32"
echo "not a tensor" >"$tmp/dir/notes.txt"
# A .npy whose header promises 100 values but holds 10: malformed, so an error even in a folder.
dd if=/dev/zero of="$tmp/data/short" bs=10 count=1 2>/dev/null
mkdir -p "$tmp/broken" "$tmp/empty"
write_npy "$tmp/broken/short.npy" '|i1' '(100,)' 100 "$tmp/data/short"

check "the header written here is 128 bytes" [ "$(wc -c <"$tmp/dir/zeros.npy")" -eq $((128 + 4096)) ]

# json_checks FILE: runs the checks given on stdin, one per line as "DESCRIPTION @@ EXPRESSION",
# on the JSON in FILE in one python process (starting python once per check would dominate the
# run time). An expression sees the object as j, its tensors by name as t, its totals as tot.
cat >"$tmp/check_json.py" <<'PYEOF'
import json, math, sys
try:
    j = json.load(open(sys.argv[1]))
except Exception as e:
    print("FAIL: %s holds valid JSON (%r)" % (sys.argv[1], e))
    sys.exit(0)
print("ok: %s holds valid JSON" % sys.argv[1].rsplit("/", 1)[-1])
t = {x["name"]: x for x in j["tensors"]} if isinstance(j.get("tensors"), list) else {}
tot = j.get("totals", {})
for line in sys.stdin:
    if not line.strip():
        continue
    desc, expr = line.split(" @@ ", 1)
    try:
        good = eval(expr)
    except Exception as e:
        good = False
        desc += " (%r)" % e
    print(("ok: " if good else "FAIL: ") + desc + ("" if good else "\n  assertion: " + expr.strip()))
PYEOF
json_checks() {
    "$python" "$tmp/check_json.py" "$1" >"$tmp/checks.out" 2>&1
    cat "$tmp/checks.out"
    n_ok=$(grep -c '^ok: ' "$tmp/checks.out")
    n_bad=$(grep -c '^FAIL: ' "$tmp/checks.out")
    passed=$((passed + n_ok))
    failed=$((failed + n_bad))
    if [ "$n_ok" -eq 0 ] && [ "$n_bad" -eq 0 ]; then bad "JSON checks on $1 ran"; fi
}

# The entropy of the peaked pattern: 0 three times in 8, 1 twice, -1, 2 and -2 once each.
peaked_entropy='4096 * -sum(p * math.log2(p) for p in (3/8, 2/8, 1/8, 1/8, 1/8))'

# --- stats on a folder, JSON -------------------------------------------------------------------
"$apack" stats --json "$tmp/dir" >"$tmp/stats.json" 2>"$tmp/stats.err"
check "stats --json on a folder exits 0" [ $? -eq 0 ]
check "the float32 .npy in the folder is skipped with a warning naming it" \
    grep -q "warning: skipping .*f32.npy" "$tmp/stats.err"
json_checks "$tmp/stats.json" <<EOF
tensors are listed in sorted path order, skipped file excluded @@ [x["name"] for x in j["tensors"]] == ["peaked.npy", "sub/ramp.npy", "zeros.npy"]
the skipped file is reported with its reason @@ len(j["skipped"]) == 1 and j["skipped"][0]["path"].endswith("f32.npy") and "float32" in j["skipped"][0]["reason"]
all-zero tensor: entropy 0 @@ t["zeros.npy"]["entropy_bits"] == 0
all-zero tensor: APack under 1/20 of raw @@ t["zeros.npy"]["bytes"]["apack"] * 8 * 20 < t["zeros.npy"]["raw_bits"]
all-zero tensor: zeros counted, gap null @@ t["zeros.npy"]["zeros"] == 4096 and t["zeros.npy"]["apack_gap_pct"] is None
ramp: entropy exactly 8 bits per value, dtype uint8, shape kept @@ abs(t["sub/ramp.npy"]["entropy_bits"] - 2048) < 1e-6 and t["sub/ramp.npy"]["dtype"] == "uint8" and t["sub/ramp.npy"]["shape"] == [16, 16]
peaked: entropy as computed here @@ abs(t["peaked.npy"]["entropy_bits"] - $peaked_entropy) < 1e-6
peaked: APack between the entropy bound and raw @@ t["peaked.npy"]["entropy_bits"] <= 8 * t["peaked.npy"]["bytes"]["apack"] < t["peaked.npy"]["raw_bits"]
every codec is reported for every tensor @@ all(set(x["bytes"]) == {"apack", "apack_sweep", "apack_uniform", "zrle", "shapeshifter", "zstd3", "zstd19", "deflate9"} for x in j["tensors"])
raw_bits = 8 n @@ all(x["raw_bits"] == 8 * x["n"] for x in j["tensors"])
totals: n, raw bits, zeros are the sums @@ all(tot[k] == sum(x[k] for x in j["tensors"]) for k in ("n", "raw_bits", "zeros")) and tot["tensors"] == 3
totals: entropy is the sum @@ abs(tot["entropy_bits"] - sum(x["entropy_bits"] for x in j["tensors"])) < 1e-6
totals: every codec size is the sum @@ all(tot["bytes"][k] == sum(x["bytes"][k] for x in j["tensors"]) for k in j["tensors"][0]["bytes"])
totals: whole-model zstd -19 is reported @@ 0 < tot["bytes"]["zstd19_whole_model"] < tot["n"]
zstd19_beats_apack lists exactly the tensors where it does @@ j["zstd19_beats_apack"] == [x["name"] for x in j["tensors"] if x["bytes"]["zstd19"] < x["bytes"]["apack"]]
EOF

"$apack" stats --json --threads 1 "$tmp/dir" >"$tmp/stats1.json" 2>/dev/null
"$apack" stats --json --threads 3 "$tmp/dir" >"$tmp/stats3.json" 2>/dev/null
check "stats output does not depend on --threads" cmp -s "$tmp/stats1.json" "$tmp/stats3.json"

"$apack" stats --json --bits 4 "$tmp/dir/peaked.npy" >"$tmp/bits4.json" 2>"$tmp/bits4.err"
check "stats --bits 4 on 4-bit data exits 0" [ $? -eq 0 ]
json_checks "$tmp/bits4.json" <<EOF
--bits 4: raw bits are 4 n; entropy unchanged @@ j["bits"] == 4 and j["tensors"][0]["raw_bits"] == 4 * 4096 and abs(j["tensors"][0]["entropy_bits"] - $peaked_entropy) < 1e-6
EOF

# --- stats, human output -----------------------------------------------------------------------
"$apack" stats "$tmp/dir/zeros.npy" "$tmp/dir/sub/ramp.npy" >"$tmp/stats.txt" 2>/dev/null
check "stats (table) on two files exits 0" [ $? -eq 0 ]
check "table names each tensor" grep -q "ramp.npy" "$tmp/stats.txt"
check "table has a total row" grep -q "^total " "$tmp/stats.txt"
check "table reports whole-model zstd -19" grep -q "whole-model zstd -19" "$tmp/stats.txt"
check "table reports APack against the entropy bound" grep -q "entropy bound" "$tmp/stats.txt"
check "table says where zstd -19 beats APack" grep -q "zstd -19 per tensor beats APack" \
    "$tmp/stats.txt"

# --- stats, errors -------------------------------------------------------------------------------
"$apack" stats "$tmp/dir/f32.npy" >/dev/null 2>"$tmp/err1"
check "a float32 .npy named explicitly fails" [ $? -ne 0 ]
check "... naming the file and the dtype" grep -q "f32.npy.*float32" "$tmp/err1"
"$apack" stats "$tmp/missing.npy" >/dev/null 2>"$tmp/err2"
check "a missing file fails" [ $? -ne 0 ]
check "... naming the file" grep -q "missing.npy" "$tmp/err2"
"$apack" stats "$tmp/broken" >/dev/null 2>"$tmp/err3"
check "a truncated .npy in a folder fails (not skipped)" [ $? -ne 0 ]
check "... naming the file" grep -q "short.npy" "$tmp/err3"
"$apack" stats "$tmp/empty" >/dev/null 2>"$tmp/err4"
check "a folder without tensors fails" [ $? -ne 0 ]
"$apack" stats --bits 2 "$tmp/dir/sub/ramp.npy" >/dev/null 2>"$tmp/err5"
check "values that do not fit --bits fail" [ $? -ne 0 ]
check "... naming the file" grep -q "ramp.npy" "$tmp/err5"
"$apack" stats --json "$tmp/dir/f32.npy" >"$tmp/err6.out" 2>/dev/null
check "an error writes nothing to stdout" [ ! -s "$tmp/err6.out" ]

# --- bench ---------------------------------------------------------------------------------------
"$apack" bench --repeat 1 --threads 2 --json "$tmp/dir/peaked.npy" >"$tmp/bench.json" \
    2>"$tmp/bench.err"
check "bench --repeat 1 --json exits 0" [ $? -eq 0 ]
json_checks "$tmp/bench.json" <<'EOF'
bench reports CPU, CRC-32C and the thread count @@ isinstance(j["cpu"], str) and isinstance(j["crc32c_hardware"], bool) and j["threads"] == 2 and j["values"] == 4096
bench has every measurement, each with one run @@ sorted((r["name"], r["threads"]) for r in j["results"]) == sorted([("apack_encode", 1), ("apack_encode", 2), ("apack_decode", 1), ("apack_decode", 2), ("zstd3_compress", 1), ("zstd3_decompress", 1), ("zstd19_compress", 1), ("zstd19_decompress", 1)]) and all(r["runs"] == 1 and r["mb_per_s_median"] > 0 for r in j["results"])
bench states the targets @@ {(r["name"], r["target_mb_per_s"]) for r in j["results"] if "target_mb_per_s" in r} == {("apack_encode", 50), ("apack_decode", 100)}
bench reports the decompress command's speedup @@ j["decompress_command"]["speedup"] > 0 and j["decompress_command"]["target_speedup"] == 1.6 and j["decompress_command"]["values"] == 4096
EOF
"$apack" bench --repeat 1 "$tmp/dir" >"$tmp/bench.txt" 2>/dev/null
check "bench (table) on a folder exits 0" [ $? -eq 0 ]
check "bench table shows the speedup and its target" grep -q "speedup .*target >= 1.6x" \
    "$tmp/bench.txt"
"$apack" bench --repeat 1 "$tmp/dir/f32.npy" >/dev/null 2>&1
check "bench on a float32 .npy named explicitly fails" [ $? -ne 0 ]

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

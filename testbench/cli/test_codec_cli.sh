#!/usr/bin/env bash
# test_codec_cli.sh APACK DATA_DIR - the `apack` command as a user runs it: byte-for-byte restore of
# numpy-written files, stdin/stdout, atomic outputs, and clear errors for bad input.
set -u
apack=$(realpath "${1:?usage: test_codec_cli.sh APACK DATA_DIR}")
data=$(realpath "${2:?usage: test_codec_cli.sh APACK DATA_DIR}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() {  # check NAME COMMAND...: the command must succeed
  local name=$1
  shift
  if "$@" >"$work/out.log" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name"
    sed 's/^/  | /' "$work/out.log"
  fi
}
fails_with() {  # fails_with NAME PATTERN COMMAND...: must fail, stderr must contain PATTERN
  local name=$1 pattern=$2
  shift 2
  if "$@" >"$work/stdout.log" 2>"$work/stderr.log"; then
    failed=$((failed + 1))
    echo "FAIL: $name (succeeded, expected an error)"
  elif ! grep -q -- "$pattern" "$work/stderr.log"; then
    failed=$((failed + 1))
    echo "FAIL: $name (error does not mention '$pattern'):"
    sed 's/^/  | /' "$work/stderr.log"
  elif [[ -s $work/stdout.log ]]; then
    failed=$((failed + 1))
    echo "FAIL: $name (wrote to stdout on error)"
  else
    passed=$((passed + 1))
  fi
}

# Every int8/uint8 file numpy wrote comes back byte for byte, whatever the options.
for f in "$data"/npy/i8_*.npy "$data"/npy/u8_*.npy "$data"/vectors/*.npy; do
  name=$(basename "$f" .npy)
  [[ $name == *fortran* ]] && continue
  for opts in "" "--search sweep --map raw" "--chunk 5 --threads 2" "--map zigzag"; do
    [[ $opts == *zigzag* && $name != i8_* ]] && continue  # zigzag is for signed data
    check "round trip $name [$opts]" bash -c \
      "'$apack' compress '$f' -o '$work/$name.apk' $opts && \
       '$apack' decompress '$work/$name.apk' -o '$work/$name.npy' && cmp '$f' '$work/$name.npy'"
  done
done

# Default output names, stdin and stdout.
cp "$data/vectors/tensor_4.npy" "$work/t.npy"
check "default names" bash -c "cd '$work' && '$apack' compress t.npy && test -s t.npy.apk && \
  mv t.npy t.orig.npy && '$apack' decompress t.npy.apk && cmp t.npy t.orig.npy"
check "stdin to stdout" bash -c "'$apack' compress - < '$work/t.orig.npy' | \
  '$apack' decompress - -o - | cmp - '$work/t.orig.npy'"

# The table command prints exactly the documented JSON keys.
check "table --json" bash -c "'$apack' table '$data/vectors/tensor_4.npy' --search sweep --map raw --json | \
  python3 -c 'import json,sys; j=json.load(sys.stdin); assert list(j)==[\"n\",\"bits\",\"estimate_bits\",\"rows\"]; \
assert j[\"estimate_bits\"]==46911 and len(j[\"rows\"])==16 and j[\"rows\"][1][\"vmin\"]==2'"

# Bad input: clear errors naming the file, nothing on stdout, no output file left behind.
fails_with "float32 refused" "float32" "$apack" compress "$data/npy/f4_2.npy" -o "$work/f.apk"
check "no output after refusal" test ! -e "$work/f.apk"
fails_with "fortran refused" "Fortran" "$apack" compress "$data/npy/i8_fortran_3x100.npy" -o "$work/f.apk"
fails_with "missing file" "nope.npy" "$apack" compress "$work/nope.npy"
head -c 100 "$data/vectors/tensor_4.npy" >"$work/trunc.npy"
fails_with "truncated npy" "trunc.npy" "$apack" compress "$work/trunc.npy"
"$apack" compress "$data/vectors/tensor_4.npy" -o "$work/good.apk"
head -c 300 "$work/good.apk" >"$work/cut.apk"
fails_with "truncated container" "cut.apk" "$apack" decompress "$work/cut.apk" -o "$work/cut.npy"
check "no output after failed decode" test ! -e "$work/cut.npy"
cp "$work/good.apk" "$work/flip.apk"
printf '\xff' | dd of="$work/flip.apk" bs=1 seek=200 conv=notrunc status=none
fails_with "corrupt container" "CRC" "$apack" decompress "$work/flip.apk" -o "$work/flip.npy"
echo "old" >"$work/keep.npy"
fails_with "existing output kept on failure" "CRC" "$apack" decompress "$work/flip.apk" -o "$work/keep.npy"
check "old file intact" grep -q old "$work/keep.npy"
check "no temporary files left" bash -c "! ls '$work' | grep -q '\.tmp\.'"
fails_with "bits out of range" "bits" "$apack" compress "$work/t.orig.npy" --bits 9
fails_with "value does not fit bits" "index" "$apack" compress "$data/vectors/tensor_4.npy" --bits 3 -o "$work/x.apk"
fails_with "unknown option" "--frobnicate" "$apack" compress "$work/t.orig.npy" --frobnicate
check "help" bash -c "'$apack' --help | grep -q compress && '$apack' compress --help | grep -q -- --search"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

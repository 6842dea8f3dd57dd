# checks.sh - the check helpers the apack-vp command-line tests share (sourced, not run).
# Needs $tmp, a scratch folder of the sourcing script. Each check prints "ok: ..." or
# "FAIL: ..."; `report` prints the totals and returns non-zero when any check failed.
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
# fails DESCRIPTION PATTERN COMMAND...: passes when COMMAND exits 1 and stderr matches PATTERN
# (an extended regular expression) and starts with "apack-vp: error:".
fails() {
    desc=$1
    pattern=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc -eq 1 ] && grep -qE -- "$pattern" "$tmp/err" && grep -q "^apack-vp: error:" "$tmp/err"; then
        ok "$desc"
    else
        bad "$desc (exit $rc, stderr: $(head -c 300 "$tmp/err"))"
    fi
}
report() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

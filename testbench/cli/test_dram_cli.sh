#!/bin/bash
# test_dram_cli.sh APACK_VP SOURCE_DIR - `apack-vp dram` and `apack-vp dram gen` as users run
# them: generated traces (line counts, determinism), replays on the three presets and on the
# DRAMSys DDR4 memspec with its address mapping and mcconfig (testbench/dram/data/dramsys/),
# the JSON report's keys and plausibility (sequential bandwidth near peak, LT and AT within 2%,
# energy adding up, counts matching the trace), the policy options, and clear errors naming
# the file and line, with an existing --json output left intact when a run fails. Numbers are
# checked with /usr/bin/python3. Prints one line per check and "N passed, M failed" last;
# exits non-zero on any failure.
cli_args="APACK_VP SOURCE_DIR"
cli_workloads=0
# shellcheck source=preamble.sh
. "$(dirname "$0")/preamble.sh"
D=$src/testbench/dram/data/dramsys
# pycheck DESCRIPTION JSON_FILE CODE: runs CODE with j = the parsed file.
pycheck() {
    desc=$1
    file=$2
    code=$3
    if $py -c "import json, sys
j = json.load(open('$file'))
$code" 2>"$tmp/pyerr"; then
        ok "$desc"
    else
        bad "$desc ($(tail -n 2 "$tmp/pyerr" | tr '\n' ' '))"
    fi
}
requests() { grep -vc '^#' "$1"; }

N=20000

# --- help
check "apack-vp --help lists dram" sh -c "'$vp' --help | grep -q dram"
check "dram --help explains the trace clock, policies and the protocol check" \
    sh -c "'$vp' dram --help > '$tmp/help' && grep -q -- --trace-clock-mhz '$tmp/help' && grep -q -- '--policy' '$tmp/help' && grep -q -- --check-protocol '$tmp/help' && grep -q 'MHz' '$tmp/help'"
check "dram gen --help explains every option" \
    sh -c "'$vp' dram gen --help > '$tmp/ghelp' && for o in --pattern --requests --stride --burst-bytes --memspec --spacing --write-fraction --seed --base --span; do grep -q -- \"\$o\" '$tmp/ghelp' || exit 1; done"

# --- gen
"$vp" dram gen --pattern sequential --requests $N --memspec ddr4-2400 -o "$tmp/ddr4-seq.stl" >"$tmp/out"
check "gen writes the requested number of lines" test "$(requests "$tmp/ddr4-seq.stl")" -eq $N
check "gen sequential: consecutive 64 B bursts, one per cycle" \
    sh -c "grep -v '^#' '$tmp/ddr4-seq.stl' | head -3 | tr '\t' ' ' | tr '\n' '|' | grep -qx '0: read 0x0|1: read 0x40|2: read 0x80|'"
"$vp" dram gen --pattern random --requests 1000 --seed 7 --write-fraction 0.5 -o "$tmp/a.stl" >/dev/null
"$vp" dram gen --pattern random --requests 1000 --seed 7 --write-fraction 0.5 -o "$tmp/b.stl" >/dev/null
"$vp" dram gen --pattern random --requests 1000 --seed 8 --write-fraction 0.5 -o "$tmp/c.stl" >/dev/null
check "gen is deterministic for a seed" cmp -s "$tmp/a.stl" "$tmp/b.stl"
check "gen differs for another seed" sh -c "! cmp -s '$tmp/a.stl' '$tmp/c.stl'"
check "gen random: burst-aligned addresses inside 1 GiB, about half writes" $py -c "
lines = [l.split() for l in open('$tmp/a.stl') if not l.startswith('#')]
addr = [int(l[2], 16) for l in lines]
assert len(lines) == 1000 and all(a % 64 == 0 and a < 1 << 30 for a in addr)
w = sum(l[1] == 'write' for l in lines)
assert 400 < w < 600, w"
"$vp" dram gen --pattern strided --stride 4K --requests 4 --base 0x100000 --span 8K --spacing 10 \
    --burst-bytes 32 -o "$tmp/s.stl" >/dev/null
check "gen strided: stride, base, span wrap and spacing" \
    sh -c "grep -v '^#' '$tmp/s.stl' | tr '\t' ' ' | tr '\n' '|' | grep -qx '0: read 0x100000|10: read 0x101000|20: read 0x100000|30: read 0x101000|'"
fails "gen refuses an unaligned base, naming the option" "--base: 48 is not a multiple" \
    "$vp" dram gen --requests 4 --base 48 -o "$tmp/x.stl"
check "a refused gen writes nothing" test ! -e "$tmp/x.stl"
fails "gen names a folder that does not exist" "nope/x.stl" \
    "$vp" dram gen --requests 4 -o "$tmp/nope/x.stl"

# --- replay on the presets, LT and AT
for m in ddr4-2400 lpddr4-3200 hbm2; do
    "$vp" dram gen --pattern sequential --requests $N --memspec $m -o "$tmp/$m-seq.stl" >/dev/null
    for mode in lt at; do
        "$vp" dram --memspec $m --trace "$tmp/$m-seq.stl" --mode $mode --json "$tmp/$m-$mode.json" \
            >"$tmp/$m-$mode.txt" 2>"$tmp/$m-$mode.err"
        check "$m $mode: runs" test $? -eq 0
    done
    pycheck "$m: the JSON report has every key, with plausible values" "$tmp/$m-lt.json" "
for k in ['total_time_ps', 'requests', 'reads', 'writes', 'bandwidth_GBps', 'peak_GBps',
          'avg_latency_ns', 'p99_latency_ns', 'max_latency_ns', 'row_hit_rate', 'commands',
          'energy_pJ', 'residency_cycles', 'wall_seconds', 'requests_per_second',
          'configuration']:
    assert k in j, k
c = j['configuration']
for k in ['memspec', 'standard', 'clock_MHz', 'data_rate_MTps', 'bus_bits', 'channels', 'mode',
          'policies', 'trace', 'peak_GBps', 'burst_bytes']:
    assert k in c, k
assert c['memspec'] == '$m' and c['mode'] == 'lt' and c['trace'].endswith('$m-seq.stl')
assert j['requests'] == j['reads'] == $N and j['writes'] == 0
assert j['commands']['RD'] + j['commands']['RDA'] == $N
assert abs(j['peak_GBps'] - c['peak_GBps']) < 1e-6 * c['peak_GBps']
assert 0 < j['avg_latency_ns'] <= j['max_latency_ns'] and j['p99_latency_ns'] <= j['max_latency_ns']
assert 0.9 < j['row_hit_rate'] <= 1
e = j['energy_pJ']
parts = sum(v for k, v in e.items() if k != 'total')
assert e['total'] > 0 and abs(parts - e['total']) <= 1e-9 * e['total'], (parts, e['total'])
assert j['total_time_ps'] > 0 and j['requests_per_second'] > 0
"
    check "$m: the text report states the configuration and the results" \
        sh -c "for w in standard 'clock ' 'data rate' 'bus width' burst 'peak bandwidth' mapping controller refresh 'bandwidth ' latency 'row buffer' commands energy residency 'wall time'; do grep -q \"\$w\" '$tmp/$m-lt.txt' || { echo \"missing \$w\"; exit 1; }; done"
    pycheck "$m: LT and AT bandwidth within 2%" "$tmp/$m-lt.json" "
at = json.load(open('$tmp/$m-at.json'))
assert at['configuration']['mode'] == 'at' and at['requests'] == j['requests']
r = at['bandwidth_GBps'] / j['bandwidth_GBps']
assert 0.98 <= r <= 1.02, r"
done
pycheck "ddr4-2400 sequential: at least 90% of the 19.2 GB/s peak" "$tmp/ddr4-2400-lt.json" "
assert abs(j['peak_GBps'] - 19.2) < 1e-9
assert j['bandwidth_GBps'] >= 0.9 * j['peak_GBps'], j['bandwidth_GBps']
assert j['configuration']['standard'] == 'DDR4' and j['configuration']['data_rate_MTps'] == 2400"
pycheck "lpddr4-3200 and hbm2 sequential: at least 85% of peak" "$tmp/lpddr4-3200-lt.json" "
h = json.load(open('$tmp/hbm2-lt.json'))
for x in (j, h):
    assert x['bandwidth_GBps'] >= 0.85 * x['peak_GBps'], x['bandwidth_GBps']"

# --- random traffic, writes, policies
"$vp" dram gen --pattern random --requests $N --memspec ddr4-2400 --write-fraction 0.3 \
    -o "$tmp/ddr4-rnd.stl" >/dev/null
"$vp" dram --memspec ddr4-2400 --trace "$tmp/ddr4-rnd.stl" --json "$tmp/rnd.json" >/dev/null
pycheck "random DDR4: mostly row misses, slower than sequential, writes counted" "$tmp/rnd.json" "
s = json.load(open('$tmp/ddr4-2400-lt.json'))
assert j['row_hit_rate'] < 0.2, j['row_hit_rate']
assert j['bandwidth_GBps'] < 0.8 * s['bandwidth_GBps']
assert j['reads'] + j['writes'] == $N and 0.25 * $N < j['writes'] < 0.35 * $N
assert j['commands']['WR'] + j['commands']['WRA'] == j['writes']
assert j['commands']['ACT'] >= j['row_misses'] + j['row_conflicts']"
"$vp" dram --memspec ddr4-2400 --trace "$tmp/ddr4-rnd.stl" --policy closed --json "$tmp/closed.json" >/dev/null
"$vp" dram --memspec ddr4-2400 --trace "$tmp/ddr4-rnd.stl" --policy closed --refresh off \
    --json "$tmp/closed-noref.json" >/dev/null
pycheck "--policy closed: every access auto-precharges; one ACT each without refresh" \
    "$tmp/closed-noref.json" "
assert j['configuration']['policies']['page'] == 'closed'
c = j['commands']
assert c['RDA'] + c['WRA'] == $N and c['RD'] + c['WR'] == 0 and c['ACT'] == $N, c
# With refresh, a refresh may close banks opened for requests not yet served: they reopen.
r = json.load(open('$tmp/closed.json'))['commands']
assert r['RDA'] + r['WRA'] == $N and $N <= r['ACT'] <= $N + 16 * r['REF'], r"
"$vp" dram --memspec ddr4-2400 --trace "$tmp/ddr4-rnd.stl" --policy open,fcfs --refresh off \
    --json "$tmp/fcfs.json" >/dev/null
pycheck "--policy open,fcfs and --refresh off" "$tmp/fcfs.json" "
p = j['configuration']['policies']
assert p['page'] == 'open' and p['scheduler'] == 'fcfs' and p['refresh'] == 'off', p
assert j['commands']['REF'] == 0"
fails "--policy contradicting --page-policy is refused" "contradicts" \
    "$vp" dram --memspec ddr4-2400 --trace "$tmp/ddr4-rnd.stl" --page-policy open --policy closed
"$vp" dram gen --pattern random --requests 2000 --memspec lpddr4-3200 --spacing 500 \
    -o "$tmp/sparse.stl" >/dev/null
"$vp" dram --memspec lpddr4-3200 --trace "$tmp/sparse.stl" --power-down on --check-protocol \
    --json "$tmp/pd.json" >/dev/null
pycheck "--power-down on: a sparse trace powers down; --check-protocol finds no violation" \
    "$tmp/pd.json" "
assert j['configuration']['policies']['power_down'] == 'on'
assert j['commands']['PDE'] > 0 and j['commands']['PDX'] > 0
r = j['residency_cycles']
assert r['active_power_down'] + r['precharge_power_down'] > 0
assert j['energy_pJ']['power_down'] > 0
assert j['protocol_violations'] == 0"
pycheck "the trace clock scales arrival times: 2000 requests 500 cycles apart at 1000 MHz" \
    "$tmp/pd.json" "
assert j['total_time_ps'] >= 1999 * 500 * 1000, j['total_time_ps']"
"$vp" dram --memspec lpddr4-3200 --trace "$tmp/sparse.stl" --trace-clock-mhz 250 \
    --json "$tmp/slow.json" >/dev/null
pycheck "--trace-clock-mhz 250: the same trace takes four times as long" "$tmp/slow.json" "
f = json.load(open('$tmp/pd.json'))
r = j['total_time_ps'] / f['total_time_ps']
assert 3.9 < r < 4.1, r
assert j['configuration']['trace_clock_MHz'] == 250"
"$vp" dram --memspec hbm2 --channels 2 --trace "$tmp/hbm2-seq.stl" --json "$tmp/hbm2x2.json" >/dev/null
pycheck "--channels 2 doubles the peak" "$tmp/hbm2x2.json" "
one = json.load(open('$tmp/hbm2-lt.json'))
assert j['configuration']['channels'] == 2
assert abs(j['peak_GBps'] - 2 * one['peak_GBps']) < 1e-6 * one['peak_GBps']"

# --- DRAMSys files: memspec, address mapping and mcconfig as DRAMSys users have them
"$vp" dram --memspec "$D/JEDEC_4Gb_DDR4-2400_8bit_A.json" --mapping "$D/am_ddr4_8x4Gbx8_dimm_p1KB_brc.json" \
    --mcconfig "$D/fr_fcfs.json" --trace "$tmp/ddr4-2400-seq.stl" --json "$tmp/dramsys.json" \
    >"$tmp/dramsys.txt" 2>"$tmp/dramsys.err"
check "DRAMSys memspec + mapping + mcconfig: runs" test $? -eq 0
pycheck "DRAMSys files: stated in the configuration, sequential bandwidth in range" "$tmp/dramsys.json" "
c = j['configuration']
assert c['standard'] == 'DDR4' and c['memspec_kind'] == 'file'
assert c['mapping'].endswith('am_ddr4_8x4Gbx8_dimm_p1KB_brc.json')
assert c['mcconfig'].endswith('fr_fcfs.json')
assert c['policies']['page'] == 'open' and c['policies']['scheduler'] == 'fr-fcfs'
assert c['clock_MHz'] > 1195 and c['bus_bits'] == 64
# The brc mapping puts the bank bits at the top: sequential bursts stay in one bank
# (docs/dram.md measured 61% of peak), well below the default mapping's.
assert 0.4 < j['bandwidth_GBps'] / j['peak_GBps'] < 0.8, j['bandwidth_GBps'] / j['peak_GBps']
assert j['requests'] == $N"

# --- errors
printf '# two good lines, then a bad one\n0:\tread\t0x0\n1:\tfetch\t0x40\n' >"$tmp/bad.stl"
fails "a malformed trace line is reported with file:line" "bad.stl:3: unknown command 'fetch'" \
    "$vp" dram --memspec ddr4-2400 --trace "$tmp/bad.stl"
printf '0:\tread\t0x0\n5:\tread\t0x100000000\n' >"$tmp/far.stl"
fails "an address beyond the capacity is reported with file:line" "far.stl:2" \
    "$vp" dram --memspec ddr4-2400 --trace "$tmp/far.stl"
fails "an unknown preset is refused, listing the presets" "ddr5-6400.*ddr4-2400" \
    "$vp" dram --memspec ddr5-6400 --trace "$tmp/ddr4-seq.stl"
fails "a missing trace is named" "missing.stl: cannot open the trace" \
    "$vp" dram --memspec ddr4-2400 --trace "$tmp/missing.stl"
printf '{"memspec": {"memoryType": "DDR4"}}\n' >"$tmp/broken-memspec.json"
fails "a broken memspec file is named" "broken-memspec.json" \
    "$vp" dram --memspec "$tmp/broken-memspec.json" --trace "$tmp/ddr4-seq.stl"
fails "a relative (.rstl) trace is refused with the reason" "relative traces" \
    "$vp" dram --memspec ddr4-2400 --trace "$tmp/t.rstl"
"$vp" dram --memspec ddr4-2400 --trace "$tmp/ddr4-seq.stl" --mode xx >/dev/null 2>"$tmp/err"
check "a bad option value is refused by the option parser" sh -c "[ $? -ne 0 ] && grep -q -- '--mode' '$tmp/err'"
"$vp" dram --trace "$tmp/ddr4-seq.stl" >/dev/null 2>"$tmp/err"
check "--memspec is required" sh -c "[ $? -ne 0 ] && grep -q -- '--memspec is required' '$tmp/err'"
echo '{"previous": true}' >"$tmp/keep.json"
fails "a failing run ..." "bad.stl:3" \
    "$vp" dram --memspec ddr4-2400 --trace "$tmp/bad.stl" --json "$tmp/keep.json"
check "... leaves an existing --json file intact" grep -q '"previous": true' "$tmp/keep.json"
check "... and no temporary file next to it" \
    sh -c "[ -z \"\$(ls '$tmp' | grep 'keep.json.tmp')\" ]"
"$vp" dram --memspec ddr4-2400 --trace "$tmp/ddr4-seq.stl" --json "$tmp/keep.json" >/dev/null
pycheck "a successful run replaces it" "$tmp/keep.json" "assert 'previous' not in j and j['requests'] == $N"

report

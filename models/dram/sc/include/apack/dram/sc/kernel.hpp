// The SystemC kernel as this library uses it: no sc_main required (the apack-vp command has
// its own main), no copyright banner on the command's output, and times in integer
// picoseconds (the default 1 ps resolution, which prepare_kernel checks), converted to and
// from DRAM cycles only through the exact ClockPeriod.
#pragma once

#include <cstdint>
#include <systemc>

namespace apack::dram::sc {

// Call before the first SystemC object is made (play_trace and every module constructor do;
// a test building modules itself calls it first). Sets SC_COPYRIGHT_MESSAGE=DISABLE unless
// the environment already sets it, silences the kernel's "Simulation stopped by user" info,
// and throws apack::Error when the time resolution is not 1 ps. Idempotent.
void prepare_kernel();

inline int64_t ps_of(const sc_core::sc_time& t) { return int64_t(t.value()); }
inline sc_core::sc_time ps_time(int64_t ps) { return sc_core::sc_time::from_value(uint64_t(ps)); }
inline int64_t now_ps() { return ps_of(sc_core::sc_time_stamp()); }

}  // namespace apack::dram::sc

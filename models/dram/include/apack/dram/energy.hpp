// DRAM energy from statistics, by the IDD method (Micron TN-40-07; Chandrasekar et al. 2011,
// the DRAMPower model) for DDR4 and LPDDR4, and from per-event energies for HBM2. Per rank and
// device, summed over supply rails (see docs/dram.md for the equations):
//   ACT  = V (IDD0 - IDD3N) tRAS            per activation
//   PRE  = V (IDD0 - IDD2N) tRP             per bank precharged (ACT + PRE = the one-term
//                                           V (IDD0 tRC - IDD3N tRAS - IDD2N tRP) form)
//   RD   = V (IDD4R - IDD3N) BL/2 tCK       per burst (WR likewise with IDD4W)
//   REF  = V (IDD5 - IDD3N) tRFC            per all-bank refresh
//   background = V IDD3N / IDD2N / IDD3P / IDD2P x time in that state
//   I/O  = an I/O rail's read/write current above standby (LPDDR4 VDDQ), or a documented
//          energy per transferred bit
// Arithmetic is exact in integers (millivolts x nanoamps x cycles, femtojoules) up to the
// final conversion to picojoules.
#pragma once

#include <array>
#include <string>

#include "apack/dram/memspec.hpp"
#include "apack/dram/stats.hpp"

namespace apack::dram {

enum class EnergyKind { ACT, PRE, RD, WR, REF, Background, PowerDown, IO };
constexpr int kEnergyKinds = 8;
const char* name(EnergyKind k);

struct EnergyBreakdown {
  bool modelled = false;  // false: the memspec has no power data; all zero
  std::array<double, kEnergyKinds> pj{};
  double operator[](EnergyKind k) const { return pj[size_t(k)]; }
  double total_pj() const;
};

// The energy of single events for one whole rank (all its devices), picojoules; background
// and power-down per cycle in each state.
struct EventEnergies {
  double act = 0, pre = 0, rd = 0, wr = 0, ref = 0;
  double io_rd = 0, io_wr = 0;  // per burst
  std::array<double, kBackgroundCount> per_cycle{};
};
EventEnergies event_energies(const MemSpec& spec);

// The energy of the whole channel, and of one rank (all its devices; a device's share is
// that divided by Architecture::devices, as the devices of a rank do the same work).
EnergyBreakdown energy(const MemSpec& spec, const Statistics& stats);
EnergyBreakdown rank_energy(const MemSpec& spec, const RankCounters& rank);

}  // namespace apack::dram

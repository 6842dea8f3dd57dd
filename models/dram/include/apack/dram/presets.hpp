// The built-in memories: ddr4-2400, lpddr4-3200 and hbm2, with the figures of
// /work/shared/spec/memory-energy.md (which follow the DRAMSys memspec files of the same
// names); docs/dram.md lists every constant with its source.
#pragma once

#include <string>
#include <vector>

#include "apack/dram/memspec.hpp"

namespace apack::dram {

std::vector<std::string> preset_names();
// Throws apack::Error naming the known presets when `name` is not one.
MemSpec preset(const std::string& name);

// Energy figures a DRAMSys memspec cannot carry: the per-bit HBM2 model (O'Connor et al.,
// MICRO 2017) and the DDR4 I/O energy per bit. Applied to presets and to loaded files alike.
void apply_energy_defaults(MemSpec& spec);

}  // namespace apack::dram

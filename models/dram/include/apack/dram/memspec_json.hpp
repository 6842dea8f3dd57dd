// DRAMSys memspec JSON files ({"memspec": {"memoryType", "memoryId", "memarchitecturespec",
// "memtimingspec", "mempowerspec"}}, field names as DRAMSys 5.1 writes them) for DDR4, LPDDR4
// and HBM2. Every problem is an apack::FormatError naming the file and the field. Timings are
// read as the file gives them, including its integer tCK in ps (DDR4-2400: 833, where the
// preset uses the exact 2500/3).
#pragma once

#include <string>

#include "apack/dram/memspec.hpp"

namespace apack::dram {

MemSpec load_memspec(const std::string& path);
// `source` names the text in error messages.
MemSpec parse_memspec(const std::string& json_text, const std::string& source);

}  // namespace apack::dram

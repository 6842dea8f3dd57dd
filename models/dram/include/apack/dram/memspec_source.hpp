// One entry point for "which memory": a preset name (ddr4-2400, lpddr4-3200, hbm2), a DRAMSys
// memspec JSON file (.json) or one of our YAML memspecs (.yaml, .yml). The CLI's --memspec
// option and scenario files take this string.
#pragma once

#include <string>

#include "apack/dram/memspec.hpp"

namespace apack::dram {

// Throws apack::Error listing the presets and the accepted file types when `preset_or_path`
// is none of them, and the reader's apack::FormatError when the file is broken.
MemSpec load_memspec_source(const std::string& preset_or_path);

}  // namespace apack::dram

// Our own YAML memspec for custom DRAM parts (schema: docs/dram-memspec.md). Timings use
// DRAMSys's memtimingspec names, in cycles (`RCD: 16`) or in nanoseconds rounded up to whole
// cycles (`RCD: {ns: 13.32}`); `base: ddr4-2400` starts from a preset so a custom part states
// only what differs. Every problem (syntax, missing or unknown key, wrong type, impossible
// value) is an apack::FormatError naming the file, the line and the key.
#pragma once

#include <string>

#include "apack/dram/memspec.hpp"

namespace apack::dram {

MemSpec load_memspec_yaml(const std::string& path);
// `source` names the text in error messages.
MemSpec parse_memspec_yaml(const std::string& yaml_text, const std::string& source);

}  // namespace apack::dram

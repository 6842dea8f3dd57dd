// The technology tables of models/engines/tech/*.yaml as compiled into the library: CMake reads
// every file at configure time into a generated source (build dir, tech_tables.cpp), so a binary
// never looks for them on disk. Editing a table re-runs CMake.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace apack::engines::detail {

// (technology, YAML text) for each file, the technology being the file name without .yaml,
// sorted by technology.
const std::vector<std::pair<std::string, std::string>>& embedded_tech_tables();

}  // namespace apack::engines::detail

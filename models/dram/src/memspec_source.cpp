#include "apack/dram/memspec_source.hpp"

#include <algorithm>
#include <cctype>

#include "apack/dram/memspec_json.hpp"
#include "apack/dram/memspec_yaml.hpp"
#include "apack/dram/presets.hpp"
#include "apack/error.hpp"

namespace apack::dram {

namespace {

// The file's extension, lower case, with its dot ("" when it has none).
std::string extension(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string e = path.substr(dot);
  std::transform(e.begin(), e.end(), e.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return e;
}

}  // namespace

MemSpec load_memspec_source(const std::string& s) {
  const std::vector<std::string> presets = preset_names();
  if (std::find(presets.begin(), presets.end(), s) != presets.end()) return preset(s);
  const std::string e = extension(s);
  if (e == ".json") return load_memspec(s);
  if (e == ".yaml" || e == ".yml") return load_memspec_yaml(s);
  std::string known;
  for (const std::string& p : presets) known += (known.empty() ? "" : ", ") + p;
  throw apack::Error("dram: memspec '" + s + "' is neither a preset (" + known +
                     ") nor a file of an accepted type (.json: DRAMSys memspec; .yaml or .yml: "
                     "our memspec, docs/dram-memspec.md)");
}

}  // namespace apack::dram

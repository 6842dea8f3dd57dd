// The readers of the scenario's sections (read_*.cpp), shared with the top-level reader.
#pragma once

#include <string>

#include "apack/scenario/scenario.hpp"
#include "apack/scenario/yaml_reader.hpp"

namespace apack::scenario::detail {

// What the section readers need besides the YAML: the folder paths are relative to, and whether
// referenced files are read or only checked to exist.
struct Context {
  std::string base_dir;  // absolute: the scenario file's folder
  std::string work_dir;  // absolute: the working directory, for paths given by --set
  bool read_files = true;

  // Paths in the file are relative to its folder; paths typed on the command line (--set) to
  // the working directory, as every other command-line path.
  const std::string& base_for(const Place& p) const {
    return p.from_override() ? work_dir : base_dir;
  }
};

// A path from the scenario, absolute and normalised: relative ones are taken from `base_dir`.
std::string resolve_path(const std::string& base_dir, const std::string& path);
// The resolved path of `v`, which must name an existing file (not a folder); `what` says what
// kind of file in the message.
std::string existing_file(const Value& v, const Context& cx, const std::string& what);

// Each reads its section; `section` is nullopt when the key is absent (all defaults), `at` is
// the place a missing section's errors point to.
EngineSection read_engine(const std::optional<Value>& section, const Place& at);
BuffersSection read_buffers(const std::optional<Value>& section);
CodecSection read_codec(const std::optional<Value>& section);
DramSection read_dram(const std::optional<Value>& section, const Context& cx);
NetworkSection read_network(const Value& section, const Context& cx);

}  // namespace apack::scenario::detail

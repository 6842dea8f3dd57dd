// libFuzzer target for scenario files (platform/scenario, docs/scenario.md): the parser, the
// --set overrides and the validator. One input is the scenario's YAML text, then optionally
// (after the part separator) --set overrides, one per line.
//
// Paths are resolved against a per-process scratch folder holding a few empty files the corpus
// names (m.json, a.png, p.yaml, trace/trace.json), and checked only for existence
// (ReadOptions::read_files = false): the target never reads a file the input names.
// apack::Error (FormatError among them) is how a bad scenario is refused. A scenario that
// validates must keep the reader's promises and read back equal from its own resolved YAML.
// Anything else, a crash or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "apack/error.hpp"
#include "apack/scenario/scenario.hpp"
#include "fuzz_parts.hpp"

namespace {

using namespace apack::scenario;

const std::string& base_dir() {
  static const std::string dir = [] {
    const auto& d = apack::fuzz::scratch_dir();
    std::filesystem::create_directories(d / "trace");
    for (const char* f : {"m.json", "a.png", "p.yaml", "trace/trace.json"})
      std::ofstream(d / f) << "x";
    return d.string();
  }();
  return dir;
}

std::vector<std::string> lines(const apack::fuzz::Part& p) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < p.size; ++i) {
    const char c = char(p.data[i]);
    if (c == '\n') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

void check_promises(const Scenario& s) {
  const bool ok =
      s.clock_ghz > 0 && s.clock_ghz <= 10 && s.batch >= 1 && s.codec.units >= 1 &&
      s.codec.chunk >= 1 && s.dram.channels >= 1 &&
      (s.dram.channels & (s.dram.channels - 1)) == 0 && !s.network.model.empty() &&
      s.network.quantization.weight_bits >= 2 && s.network.quantization.weight_bits <= 16 &&
      s.network.quantization.percentile > 0 && s.network.quantization.percentile <= 100 &&
      !s.engine.description.empty() && !s.name.empty() && !s.outputs.dir.empty();
  if (!ok) std::abort();
  // Inputs are required for imported models, never given for a trace.
  if ((s.network.kind == ModelKind::tfjs || s.network.kind == ModelKind::onnx) &&
      s.network.inputs.empty())
    std::abort();
  if (s.network.kind == ModelKind::trace && !s.network.inputs.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parts = apack::fuzz::split_parts(data, size, 2);
  const std::string text(reinterpret_cast<const char*>(parts[0].data), parts[0].size);
  const std::vector<std::string> overrides =
      parts.size() > 1 ? lines(parts[1]) : std::vector<std::string>{};
  const ReadOptions options{base_dir(), false};
  Scenario s;
  try {
    s = parse_scenario(text, "fuzz.yaml", overrides, options);
  } catch (const apack::Error& e) {
    apack::fuzz::explain(e);
    return 0;
  }
  check_promises(s);
  // The resolved scenario reads back equal (its paths are absolute now).
  const std::string yaml = to_yaml(s);
  try {
    if (parse_scenario(yaml, "fuzz.yaml", {}, options) != s) std::abort();
  } catch (const apack::Error&) {
    std::abort();
  }
  (void)to_json_text(s);
  return 0;
}

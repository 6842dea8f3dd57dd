// libFuzzer target for run summaries (OUT/summary.json, platform/report, docs/reports.md), the
// file `apack-vp compare` reads back. apack::Error (FormatError among them) is how a bad file is
// refused. A summary that parses must write back to text that parses to the same figures.
// Anything else, a crash or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "apack/error.hpp"
#include "apack/report/summary_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  apack::report::RunResult r;
  try {
    r = apack::report::parse_summary_json(text, "fuzz");
  } catch (const apack::Error&) {
    return 0;
  }
  std::string again;
  try {
    again = apack::report::summary_json_text(r);
  } catch (const apack::Error&) {
    return 0;  // e.g. numbers JSON cannot hold
  }
  const apack::report::RunResult b = apack::report::parse_summary_json(again, "round trip");
  if (b.layers.size() != r.layers.size() || b.energy.size() != r.energy.size() ||
      b.verified != r.verified || b.scenario_name != r.scenario_name ||
      b.dram_read_bytes != r.dram_read_bytes || b.mismatches != r.mismatches)
    std::abort();
  return 0;
}

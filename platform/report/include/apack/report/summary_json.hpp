// OUT/summary.json: every field of a RunResult except the timeline, as one JSON object with a
// format header, so `apack-vp compare` (and scripts) can read a run back without re-running it.
// Layout and keys: docs/reports.md.
#pragma once

#include <string>

#include "apack/report/run_result.hpp"

namespace apack::report {

inline constexpr const char* kSummaryFormat = "apack-vp-summary";
inline constexpr int kSummaryVersion = 1;

// The summary as JSON text (2-space indent, trailing newline). scenario_json is embedded as an
// object; an empty one becomes null. Throws apack::Error when scenario_json is not JSON.
std::string summary_json_text(const RunResult& r);

// Writes summary_json_text(r) atomically; errors name `path`.
void write_summary_json(const RunResult& r, const std::string& path);

// Parses a summary; `origin` (the file) prefixes every error. Throws apack::FormatError naming
// origin and the key (e.g. "layers[2].cycles") for invalid JSON, a wrong header, a missing key
// or a value of the wrong type. The timeline is not stored, so it comes back empty.
RunResult parse_summary_json(const std::string& text, const std::string& origin);

// Reads and parses `path`; a missing or unreadable file is an apack::FormatError naming it.
RunResult read_summary_json(const std::string& path);

// What `apack-vp compare` accepts for a run: a run's output folder (its summary.json) or the
// summary file itself. Throws apack::Error naming `path` when it is neither.
std::string summary_path_for(const std::string& path);

}  // namespace apack::report

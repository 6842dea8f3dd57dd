// The optional timeline as a Chrome trace-event file (opens in ui.perfetto.dev and
// chrome://tracing): one thread per track, named by "thread_name" metadata, "X" complete events
// with microsecond timestamps, plus a "layers" track with one event per layer.
#pragma once

#include <string>
#include <vector>

#include "apack/report/run_result.hpp"

namespace apack::report {

// Tracks in thread-id order: "layers" (tid 1) first, then the timeline's tracks sorted by name
// (tids 2, 3, ...).
std::vector<std::string> trace_tracks(const RunResult& r);

std::string trace_json_text(const RunResult& r);

// Atomic write; errors name `path`.
void write_trace_json(const RunResult& r, const std::string& path);

}  // namespace apack::report

// Chrome trace-event JSON ("JSON Object Format" of the Trace Event Format document): Perfetto
// and chrome://tracing both read it. Timestamps are microseconds (the format's unit) as
// fractional numbers, so nanosecond spans keep their resolution.
#include "apack/report/trace.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "apack/atomic_file.hpp"

namespace apack::report {

using Json = nlohmann::ordered_json;

namespace {
constexpr int kPid = 1;
constexpr const char* kLayersTrack = "layers";
}  // namespace

std::vector<std::string> trace_tracks(const RunResult& r) {
  std::set<std::string> names;
  for (const TimelineSpan& s : r.timeline)
    if (s.track != kLayersTrack) names.insert(s.track);
  std::vector<std::string> tracks{kLayersTrack};
  tracks.insert(tracks.end(), names.begin(), names.end());
  return tracks;
}

std::string trace_json_text(const RunResult& r) {
  const std::vector<std::string> tracks = trace_tracks(r);
  std::map<std::string, int> tid;
  for (size_t i = 0; i < tracks.size(); ++i) tid[tracks[i]] = int(i) + 1;

  Json events = Json::array();
  events.push_back({{"name", "process_name"},
                    {"ph", "M"},
                    {"pid", kPid},
                    {"args", {{"name", "apack-vp " + r.scenario_name}}}});
  for (const std::string& t : tracks) {
    events.push_back({{"name", "thread_name"},
                      {"ph", "M"},
                      {"pid", kPid},
                      {"tid", tid[t]},
                      {"args", {{"name", t}}}});
    // Keeps the tracks in tid order instead of the viewer's own (by activity).
    events.push_back({{"name", "thread_sort_index"},
                      {"ph", "M"},
                      {"pid", kPid},
                      {"tid", tid[t]},
                      {"args", {{"sort_index", tid[t]}}}});
  }
  for (const LayerRecord& l : r.layers) {
    events.push_back({{"name", l.name},
                      {"cat", kLayersTrack},
                      {"ph", "X"},
                      {"ts", l.start_ns / 1e3},
                      {"dur", (l.end_ns - l.start_ns) / 1e3},
                      {"pid", kPid},
                      {"tid", tid[kLayersTrack]},
                      {"args",
                       {{"index", l.index},
                        {"kind", l.kind},
                        {"unit", l.unit},
                        {"bound", l.bound},
                        {"macs", l.macs},
                        {"cycles", l.cycles},
                        {"compute_cycles", l.compute_cycles},
                        {"dram_read_bytes", l.dram_read_bytes},
                        {"dram_write_bytes", l.dram_write_bytes},
                        {"energy_uJ", l.energy_total_j * 1e6}}}});
  }
  for (const TimelineSpan& s : r.timeline) {
    events.push_back({{"name", s.name},
                      {"cat", s.track},
                      {"ph", "X"},
                      {"ts", s.start_ns / 1e3},
                      {"dur", s.dur_ns / 1e3},
                      {"pid", kPid},
                      {"tid", tid[s.track == kLayersTrack ? kLayersTrack : s.track]}});
  }
  Json doc;
  doc["traceEvents"] = std::move(events);
  doc["displayTimeUnit"] = "ns";
  doc["otherData"] = {{"scenario", r.scenario_name},
                      {"engine", r.engine},
                      {"codec", r.codec},
                      {"dram", r.dram},
                      {"verified", r.verified},
                      {"sim_time_ns", r.sim_time_ns}};
  // Compact: a trace can hold millions of events.
  return doc.dump() + "\n";
}

void write_trace_json(const RunResult& r, const std::string& path) {
  write_file_atomic(path, trace_json_text(r));
}

}  // namespace apack::report

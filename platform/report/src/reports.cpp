// The run's output folder: every report in one call, so `apack-vp run` and tests write the same
// set of files the same way.
#include "apack/report/reports.hpp"

#include <filesystem>

#include "apack/error.hpp"

namespace apack::report {

std::vector<std::string> write_reports(const RunResult& r, const std::string& dir, bool trace,
                                       bool plots) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(dir + ": cannot create the output folder: " + ec.message());
  if (!fs::is_directory(dir, ec))
    throw Error(dir + ": cannot create the output folder: a file of that name exists");

  std::vector<std::string> written;
  const auto out = [&](const char* name, void (*writer)(const RunResult&, const std::string&)) {
    const std::string path = (fs::path(dir) / name).string();
    writer(r, path);
    written.push_back(path);
  };
  out("summary.json", write_summary_json);
  out("layers.csv", write_layers_csv);
  out("energy.csv", write_energy_csv);
  if (trace) out("trace.json", write_trace_json);
  if (plots) {
    out("energy.svg", write_energy_svg);
    out("layers.svg", write_layers_svg);
  }
  return written;
}

}  // namespace apack::report

// layers.csv and energy.csv. Numbers are printed with enough digits to round-trip doubles
// that matter (%.9g: well below a picojoule at microjoule scale), integers exactly.
#include "apack/report/tables.hpp"

#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "apack/atomic_file.hpp"

namespace apack::report {

namespace {

std::string num(double v) {
  if (!std::isfinite(v)) return "";  // empty field: no value (spreadsheets read it as blank)
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

std::string csv_field(const std::string& s) {
  const bool quote = s.find_first_of(",\"\r\n") != std::string::npos ||
                     (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::vector<std::string> layer_energy_components(const RunResult& r) {
  std::set<std::string> names;
  for (const LayerRecord& l : r.layers)
    for (const auto& kv : l.energy_j) names.insert(kv.first);
  return {names.begin(), names.end()};
}

std::string layers_csv_text(const RunResult& r) {
  const std::vector<std::string> comps = layer_energy_components(r);
  std::ostringstream o;
  o << "index,name,kind,unit,tiles,macs,start_ns,end_ns,time_ns,cycles,compute_cycles,bound,"
       "dram_read_bytes,dram_write_bytes,dram_read_bursts,dram_write_bursts,raw_read_bytes,"
       "raw_write_bytes,compression_ratio";
  for (const std::string& c : comps) o << "," << csv_field("energy_" + c + "_uJ");
  o << ",energy_total_uJ\r\n";
  for (const LayerRecord& l : r.layers) {
    o << l.index << "," << csv_field(l.name) << "," << csv_field(l.kind) << "," << csv_field(l.unit)
      << "," << l.tiles << "," << l.macs << "," << num(l.start_ns) << "," << num(l.end_ns) << ","
      << num(l.end_ns - l.start_ns) << "," << l.cycles << "," << l.compute_cycles << ","
      << csv_field(l.bound) << "," << l.dram_read_bytes << "," << l.dram_write_bytes << ","
      << l.dram_read_bursts << "," << l.dram_write_bursts << "," << l.raw_read_bytes << ","
      << l.raw_write_bytes << "," << num(l.compression_ratio);
    for (const std::string& c : comps) {
      const auto it = l.energy_j.find(c);
      // A component absent from this layer spent nothing on it.
      o << "," << num(it == l.energy_j.end() ? 0.0 : it->second * 1e6);
    }
    o << "," << num(l.energy_total_j * 1e6) << "\r\n";
  }
  return o.str();
}

std::string energy_csv_text(const RunResult& r) {
  double total = 0;
  for (const EnergyItem& e : r.energy) total += e.joules;
  std::ostringstream o;
  o << "component,event,count,pJ_each,energy_uJ,share_percent,derived,source\r\n";
  for (const EnergyItem& e : r.energy) {
    o << csv_field(e.component) << "," << csv_field(e.event) << "," << num(e.count) << ","
      << num(e.pJ) << "," << num(e.joules * 1e6) << ","
      << (total > 0 ? num(100.0 * e.joules / total) : "") << "," << (e.derived ? "yes" : "no")
      << "," << csv_field(e.source) << "\r\n";
  }
  // The total of the rows above (not RunResult::energy_total_j), so the file checks itself.
  o << "TOTAL,,,," << num(total * 1e6) << "," << (total > 0 ? "100" : "") << ",,\r\n";
  return o.str();
}

void write_layers_csv(const RunResult& r, const std::string& path) {
  write_file_atomic(path, layers_csv_text(r));
}

void write_energy_csv(const RunResult& r, const std::string& path) {
  write_file_atomic(path, energy_csv_text(r));
}

}  // namespace apack::report

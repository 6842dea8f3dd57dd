// The terminal summary. Units adapt to the magnitude so a 3 ms run and a 3 s run both read
// naturally; exact figures are in summary.json.
#include "apack/report/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace apack::report {

namespace {

std::string fmt(const char* format, double v, const char* unit) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v, unit);
  return buf;
}

// Three significant digits for scaled values ("1.23", "12.3", "123").
std::string three_digits(double v, const char* unit) {
  const double a = std::fabs(v);
  if (a >= 100 || a == 0) return fmt("%.0f %s", v, unit);
  if (a >= 10) return fmt("%.1f %s", v, unit);
  return fmt("%.2f %s", v, unit);
}

std::string percent(double part, double whole) {
  if (!(whole > 0)) return "n/a";
  return fixed(100.0 * part / whole, 1) + "%";
}

}  // namespace

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string human_bytes(double b) {
  if (!std::isfinite(b)) return "n/a";
  const double a = std::fabs(b);
  if (a < 1024) return fmt("%.0f %s", b, "B");
  if (a < 1024.0 * 1024) return three_digits(b / 1024, "KiB");
  if (a < 1024.0 * 1024 * 1024) return three_digits(b / (1024.0 * 1024), "MiB");
  return three_digits(b / (1024.0 * 1024 * 1024), "GiB");
}

std::string human_time_ns(double ns) {
  if (!std::isfinite(ns)) return "n/a";
  const double a = std::fabs(ns);
  if (a < 1e3) return three_digits(ns, "ns");
  if (a < 1e6) return three_digits(ns / 1e3, "us");
  if (a < 1e9) return three_digits(ns / 1e6, "ms");
  return three_digits(ns / 1e9, "s");
}

std::string human_energy_j(double j) {
  if (!std::isfinite(j)) return "n/a";
  const double a = std::fabs(j);
  if (a == 0) return "0 J";
  if (a < 1e-12) return three_digits(j * 1e15, "fJ");
  if (a < 1e-9) return three_digits(j * 1e12, "pJ");
  if (a < 1e-6) return three_digits(j * 1e9, "nJ");
  if (a < 1e-3) return three_digits(j * 1e6, "uJ");
  if (a < 1) return three_digits(j * 1e3, "mJ");
  return three_digits(j, "J");
}

std::string human_count(double n) {
  if (!std::isfinite(n)) return "n/a";
  const double a = std::fabs(n);
  if (a < 1e3) return fmt("%.0f%s", n, "");
  if (a < 1e6) return three_digits(n / 1e3, "k");
  if (a < 1e9) return three_digits(n / 1e6, "M");
  if (a < 1e12) return three_digits(n / 1e9, "G");
  return three_digits(n / 1e12, "T");
}

std::string format_summary(const RunResult& r) {
  std::ostringstream o;
  const auto line = [&o](const std::string& label, const std::string& value) {
    o << "  " << label << std::string(label.size() < 15 ? 15 - label.size() : 1, ' ') << value
      << "\n";
  };

  o << "apack-vp run: scenario '" << r.scenario_name << "'";
  if (!r.scenario_file.empty()) o << " (" << r.scenario_file << ")";
  o << "\n";
  line("engine", r.engine + (r.engine_description.empty() ? "" : " - " + r.engine_description) +
                     ", " + fixed(r.clock_ghz, 2) + " GHz");
  line("codec", r.codec + (r.table_source.empty() ? "" : " (tables: " + r.table_source + ")"));
  line("DRAM", r.dram + (r.tlm_mode.empty() ? "" : ", TLM " + r.tlm_mode));
  std::string inputs;
  for (const std::string& in : r.inputs) inputs += (inputs.empty() ? "" : ", ") + in;
  line("model", r.model + (r.synthetic ? " (synthetic values)" : ""));
  if (!inputs.empty()) line("inputs", inputs);
  if (!r.technology.empty()) line("technology", r.technology);

  o << "\n";
  if (r.verified) {
    line("verified", "yes - " + r.verification);
  } else {
    // Loud on purpose: every other figure of an unverified run is suspect.
    o << "  " << std::string(72, '!') << "\n"
      << "  NOT VERIFIED: the platform's outputs do not match the reference executor\n"
      << "  " << r.verification << "\n"
      << "  outputs checked " << r.outputs_checked << ", mismatches " << r.mismatches << "\n"
      << "  " << std::string(72, '!') << "\n";
  }

  o << "\nperformance\n";
  line("time", human_time_ns(r.sim_time_ns) + " simulated (" + human_count(double(r.cycles)) +
                   " cycles at " + fixed(r.clock_ghz, 2) + " GHz)");
  line(
      "MACs",
      human_count(double(r.macs)) +
          (r.cycles > 0 ? ", " + fixed(double(r.macs) / double(r.cycles), 1) + " MACs/cycle" : ""));
  const auto ratio = [](uint64_t stored, uint64_t raw) {
    return raw == 0 ? std::string("n/a") : fixed(double(stored) / double(raw), 3);
  };
  line("DRAM read", human_bytes(double(r.dram_read_bytes)) + " in " +
                        human_count(double(r.dram_read_bursts)) + " bursts (raw " +
                        human_bytes(double(r.raw_read_bytes)) + ", ratio " +
                        ratio(r.dram_read_bytes, r.raw_read_bytes) + ")");
  line("DRAM written", human_bytes(double(r.dram_write_bytes)) + " in " +
                           human_count(double(r.dram_write_bursts)) + " bursts (raw " +
                           human_bytes(double(r.raw_write_bytes)) + ", ratio " +
                           ratio(r.dram_write_bytes, r.raw_write_bytes) + ")");
  const auto footprint = [&](const char* name, const Footprint& f) {
    line(name,
         human_bytes(double(f.stored_bytes)) + " stored / " + human_bytes(double(f.raw_bytes)) +
             " raw = " + (f.raw_bytes ? fixed(100.0 * f.ratio(), 1) + "%" : std::string("n/a")) +
             " (" + std::to_string(f.tensors) + " tensors)");
  };
  footprint("weights", r.weights);
  footprint("activations", r.activations);

  o << "\nenergy " << human_energy_j(r.energy_total_j) << "\n";
  std::vector<std::pair<std::string, double>> comps(r.energy_by_component.begin(),
                                                    r.energy_by_component.end());
  std::stable_sort(comps.begin(), comps.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [name, j] : comps)
    line(name, human_energy_j(j) + "  " + percent(j, r.energy_total_j));
  if (r.macs > 0 && r.energy_total_j > 0)
    line("per MAC", human_energy_j(r.energy_total_j / double(r.macs)) + " (everything included)");

  o << "\nsimulator\n";
  line("wall", fixed(r.wall_seconds, 2) + " s (reference " + fixed(r.reference_seconds, 2) +
                   " s, simulation " + fixed(r.sim_wall_seconds, 2) + " s)");
  line("DRAM requests", human_count(double(r.dram_requests)) + ", " +
                            human_count(r.dram_requests_per_second) + " per second");
  char ratio_text[64];
  std::snprintf(ratio_text, sizeof ratio_text, "%.3g simulated s per wall s", r.sim_to_wall);
  line("sim/wall", ratio_text);
  line("peak memory", human_bytes(double(r.peak_rss_bytes)));

  if (!r.notes.empty()) {
    o << "\nnotes\n";
    for (const std::string& n : r.notes) o << "  - " << n << "\n";
  }
  if (!r.verified) o << "\nNOT VERIFIED - see above.\n";
  return o.str();
}

}  // namespace apack::report

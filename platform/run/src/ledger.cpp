#include "apack/run/ledger.hpp"

namespace apack::run {

std::string Ledger::component_of(const std::string& event) {
  const std::string c = engines::energy_component(event);
  if (c == "abuf" || c == "wbuf" || c == "obuf") return "buffers";
  if (c == "apack") return "codec";
  if (c == "dram") return "dram";
  return "engine";
}

std::map<std::string, double> Ledger::add(const engines::EventCounts& counts) {
  const engines::EnergyBreakdown e = engines::energy(counts, table_);
  counts_ += counts;
  std::map<std::string, double> out;
  for (const auto& [event, v] : e.events) out[component_of(event)] += v.joules;
  return out;
}

void Ledger::add_dram(const std::string& event, double count, double pJ_total,
                      const std::string& source) {
  report::EnergyItem it;
  it.component = "dram";
  it.event = event;
  it.count = count;
  it.pJ = count > 0 ? pJ_total / count : 0;
  it.joules = pJ_total * 1e-12;
  it.source = source;
  it.derived = true;
  dram_.push_back(it);
}

std::vector<report::EnergyItem> Ledger::items() const {
  std::vector<report::EnergyItem> out;
  const engines::EnergyBreakdown e = engines::energy(counts_, table_);
  for (const auto& [event, v] : e.events) {
    report::EnergyItem it;
    it.component = component_of(event);
    it.event = event;
    it.count = v.count;
    it.pJ = v.pJ;
    it.joules = v.joules;
    const auto& src = table_.events.at(event);
    it.source = src.source;
    it.derived = src.derived;
    out.push_back(it);
  }
  out.insert(out.end(), dram_.begin(), dram_.end());
  return out;
}

double Ledger::total_joules() const {
  double t = 0;
  for (const auto& it : items()) t += it.joules;
  return t;
}

std::map<std::string, double> Ledger::by_component() const {
  std::map<std::string, double> out;
  for (const auto& it : items()) out[it.component] += it.joules;
  return out;
}

}  // namespace apack::run

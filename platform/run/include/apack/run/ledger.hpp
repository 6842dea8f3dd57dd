// The energy ledger: every module's event counts priced by the technology table, grouped by the
// report's components - "engine" (multipliers, term units, accumulators), "buffers" (abuf, wbuf,
// obuf accesses), "codec" (apack.*) - plus "dram", whose energies come from the DRAM model
// (IDD method on the memspec's currents, docs/dram.md) rather than from the table.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "apack/engines/energy.hpp"
#include "apack/report/run_result.hpp"

namespace apack::run {

class Ledger {
 public:
  explicit Ledger(engines::EnergyTable table) : table_(std::move(table)) {}

  // The report component of an event name ("abuf.read_bits" -> "buffers").
  static std::string component_of(const std::string& event);

  // Adds counts to the totals and returns their joules by component (an event missing from
  // the table is an apack::Error naming it and the table).
  std::map<std::string, double> add(const engines::EventCounts& counts);
  // A DRAM energy (one kind, "dram.ACT"), picojoules, with where it comes from.
  void add_dram(const std::string& event, double count, double pJ_total, const std::string& source);

  std::vector<report::EnergyItem> items() const;
  double total_joules() const;
  std::map<std::string, double> by_component() const;
  const engines::EnergyTable& table() const { return table_; }

 private:
  engines::EnergyTable table_;
  engines::EventCounts counts_;
  std::vector<report::EnergyItem> dram_;
};

}  // namespace apack::run

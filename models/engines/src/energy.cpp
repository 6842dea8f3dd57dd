// Energy of a run from its event counts (engines.md §6): count x pJ per event, grouped by
// component. An event the table lacks is an error: a missing energy must not read as zero.
#include "apack/engines/energy.hpp"

#include <cmath>

#include "apack/error.hpp"

namespace apack::engines {

std::string energy_component(const std::string& event) { return event.substr(0, event.find('.')); }

EnergyBreakdown energy(const EventCounts& counts, const EnergyTable& table) {
  EnergyBreakdown b;
  b.table = table.name;
  b.technology = table.technology;
  for (const auto& [name, count] : counts.all()) {
    const auto it = table.events.find(name);
    if (it == table.events.end())
      throw Error("event '" + name + "' has no energy in the table " + table.name +
                  " (technology " + table.technology + "): add it to the table");
    if (!std::isfinite(count) || count < 0)
      throw Error("event '" + name + "': count " + std::to_string(count) +
                  " is not a finite number >= 0");
    EventEnergy e;
    e.count = count;
    e.pJ = it->second.pJ;
    e.joules = count * e.pJ * 1e-12;
    if (!std::isfinite(e.joules))
      throw Error("event '" + name + "': energy out of range (" + std::to_string(count) + " x " +
                  std::to_string(e.pJ) + " pJ)");
    b.events[name] = e;
    b.components[energy_component(name)] += e.joules;
    b.total_joules += e.joules;
  }
  return b;
}

}  // namespace apack::engines

// The engines' energy model (engines.md §6, docs/engine-energy.md): a technology table gives the
// energy of one event of each name in events.hpp, in pJ, with the source of every number; the
// energy of a run is the sum over its event counts of count x energy per event, grouped by
// component (the part of an event name before its first '.'). Static power is not modelled.
//
// Tables are YAML files (models/engines/tech/*.yaml, compiled into the library so a binary
// finds them from any directory). Every problem in a table is an apack::FormatError naming the
// file, the line and the key; an event the table does not know is an apack::Error, never zero.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "apack/engines/events.hpp"

namespace apack::engines {

struct EventEnergySource {
  double pJ = 0;         // energy of one event, picojoules, finite and >= 0
  std::string source;    // where the number comes from (and its derivation when derived)
  bool derived = false;  // computed by us from published figures rather than read off one
};

struct EnergyTable {
  std::string name;            // the file (or "built-in 65nm") that error messages name
  std::string technology;      // "65nm", "28nm", ...
  std::string description;     // free text, may be empty
  std::string offchip_memory;  // the memory the offchip.* energies stand for, may be empty
  std::map<std::string, EventEnergySource> events;
};

// `name_for_messages` names the text in error messages (usually its file).
EnergyTable parse_energy_table(const std::string& yaml_text, const std::string& name_for_messages);
EnergyTable load_energy_table(const std::string& path);

// The tables shipped in models/engines/tech/, by technology name ("28nm", "45nm", "65nm"),
// sorted. builtin_energy_table throws apack::Error listing them for an unknown name.
std::vector<std::string> list_technologies();
EnergyTable builtin_energy_table(const std::string& technology);
// The YAML text of a built-in table exactly as shipped (for `--tech` listings and tests).
const std::string& builtin_energy_table_text(const std::string& technology);
// A built-in technology name, or else the path of a table file.
EnergyTable resolve_energy_table(const std::string& technology_or_path);

// "offchip.weight_bits" -> "offchip"; a name without '.' is its own component.
std::string energy_component(const std::string& event);

struct EventEnergy {
  double count = 0;
  double pJ = 0;  // per event, from the table
  double joules = 0;
};

struct EnergyBreakdown {
  std::string table;       // the table's name
  std::string technology;  // the table's technology
  std::map<std::string, EventEnergy> events;
  std::map<std::string, double> components;  // joules per component
  double total_joules = 0;
};

// Every event of `counts` must be in `table` (an apack::Error names the event and the table
// otherwise, whatever its count); counts must be finite and >= 0.
EnergyBreakdown energy(const EventCounts& counts, const EnergyTable& table);

}  // namespace apack::engines

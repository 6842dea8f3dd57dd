// libFuzzer target for the engines' energy-table reader (models/engines, parse_energy_table):
// the input is the table's YAML text. apack::Error (FormatError among them) is how a bad table is
// refused. A table the reader accepts must keep its promises: a technology, at least one event,
// every event named component.event with a finite energy in [0, 1e6] pJ and a source; energy()
// over its events gives finite joules whose components add up to the total, and refuses an
// event the table lacks with apack::Error. Anything else, a crash or a sanitizer report is a
// finding.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "apack/engines/energy.hpp"
#include "apack/error.hpp"
#include "fuzz_parts.hpp"

namespace {

using namespace apack::engines;

void use_table(const EnergyTable& t) {
  if (t.technology.empty() || t.events.empty()) std::abort();
  EventCounts counts;
  double count = 1;
  for (const auto& [name, e] : t.events) {
    const size_t dot = name.find('.');
    if (dot == 0 || dot == std::string::npos || name.back() == '.') std::abort();
    if (!std::isfinite(e.pJ) || e.pJ < 0 || e.pJ > 1e6 || e.source.empty()) std::abort();
    counts.add(name, count);
    count *= 1000;  // up to large counts: 1e6 pJ x 1e18 events is still finite
    if (count > 1e18) count = 1;
  }
  const EnergyBreakdown b = energy(counts, t);
  if (!std::isfinite(b.total_joules) || b.total_joules < 0) std::abort();
  if (b.events.size() != t.events.size()) std::abort();
  double sum = 0;
  for (const auto& [component, joules] : b.components) sum += joules;
  if (std::abs(sum - b.total_joules) > 1e-9 * b.total_joules) std::abort();
  // An event the table does not have is refused, never costed at zero.
  EventCounts unknown = counts;
  unknown.add("no such component.event", 1);
  try {
    energy(unknown, t);
  } catch (const apack::Error&) {
    return;
  }
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    use_table(parse_energy_table(text, "fuzz.yaml"));
  } catch (const apack::Error& e) {
    apack::fuzz::explain(e);
  }
  return 0;
}

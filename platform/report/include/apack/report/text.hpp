// The terminal summary of a run, and the human-friendly units it (and compare) prints with.
#pragma once

#include <cstdint>
#include <string>

#include "apack/report/run_result.hpp"

namespace apack::report {

std::string human_bytes(double bytes);      // "812 B", "1.50 KiB", "23.4 MiB", "1.20 GiB"
std::string human_time_ns(double ns);       // "850 ns", "12.3 us", "4.56 ms", "1.23 s"
std::string human_energy_j(double joules);  // "5.0 fJ", "12.0 pJ", "3.40 nJ", "56.7 uJ", "1.23 mJ"
std::string human_count(double n);          // "950", "12.3 k", "4.56 M", "7.89 G"
std::string fixed(double v, int decimals);  // printf("%.*f"); "n/a" when not finite

// Multi-line summary (ends with a newline): what ran, verification (a loud banner when not
// verified), time, MACs, DRAM traffic and footprints, energy by component, simulator speed,
// notes.
std::string format_summary(const RunResult& r);

}  // namespace apack::report

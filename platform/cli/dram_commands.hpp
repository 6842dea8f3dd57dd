// The `dram` command: play a DRAMSys-format trace through the SystemC DRAM subsystem
// (cmd_dram_play.cpp), generate traces (`dram gen`, cmd_dram_gen.cpp), and the shared pieces:
// memspec and size arguments (cmd_dram.cpp), the configuration and result reports
// (cmd_dram_report.cpp).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "apack/dram/address_mapping.hpp"
#include "apack/dram/controller_config.hpp"
#include "apack/dram/memspec.hpp"
#include "apack/dram/sc/play.hpp"
#include "apack/dram/units.hpp"

namespace apack::vp {

// Registers the play options on `dram` itself (apack-vp dram --memspec ... --trace ...).
void register_dram_play(CLI::App* dram);
void register_dram_gen(CLI::App* dram);

// A memory from --memspec (preset name, DRAMSys .json or our .yaml), with --channels applied
// when non-zero.
dram::MemSpec load_memspec_arg(const std::string& arg, uint32_t channels);
bool is_preset_name(const std::string& arg);

// A byte count or address from the command line: decimal or 0x-hexadecimal, optionally with
// a binary suffix K, M, G, T (or KiB, MiB, GiB, TiB). Throws apack::Error naming `option`.
uint64_t parse_size_arg(const std::string& text, const std::string& option);

// Everything a trace run is configured with, as the reports state it.
struct DramRun {
  std::string memspec_arg;  // as given
  dram::MemSpec spec;
  std::string mapping_source;  // "default" or the file
  dram::AddressMapping mapping;
  std::string mcconfig_source;  // "built-in defaults" or the file
  dram::ControllerConfig config;
  dram::sc::Mode mode = dram::sc::Mode::LT;
  bool check_protocol = false;
  std::string trace;
  double trace_mhz = 1000;
  dram::ClockPeriod trace_period;
};

// Derived figures of the configuration.
double clock_mhz(const dram::MemSpec& s);
double peak_gbps(const dram::MemSpec& s);  // all channels

void print_configuration(const DramRun& run);
void print_results(const DramRun& run, const dram::sc::PlayReport& r, double wall_seconds,
                   double peak_rss_bytes);
nlohmann::json configuration_json(const DramRun& run);
nlohmann::json results_json(const DramRun& run, const dram::sc::PlayReport& r, double wall_seconds,
                            double peak_rss_bytes);

}  // namespace apack::vp

// The reports of apack-vp dram: the configuration stated explicitly (so a reader of the output
// knows exactly which memory, clock, mapping and policies produced the numbers), then the
// results, as text on stdout and as JSON.
#include <cmath>
#include <cstdio>
#include <string>

#include "apack/dram/command.hpp"
#include "apack/dram/stats.hpp"
#include "commands.hpp"
#include "dram_commands.hpp"

namespace apack::vp {

using namespace apack::dram;
using nlohmann::json;

namespace {

std::string format(const char* fmt, double v, const char* unit) {
  char b[64];
  std::snprintf(b, sizeof b, fmt, v);
  return std::string(b) + " " + unit;
}

std::string time_text(double ps) {
  if (ps < 1e3) return format("%.0f", ps, "ps");
  if (ps < 1e6) return format("%.3f", ps / 1e3, "ns");
  if (ps < 1e9) return format("%.3f", ps / 1e6, "us");
  if (ps < 1e12) return format("%.3f", ps / 1e9, "ms");
  return format("%.3f", ps / 1e12, "s");
}

std::string energy_text(double pj) {
  if (pj < 1e3) return format("%.1f", pj, "pJ");
  if (pj < 1e6) return format("%.3f", pj / 1e3, "nJ");
  if (pj < 1e9) return format("%.3f", pj / 1e6, "uJ");
  return format("%.3f", pj / 1e9, "mJ");
}

std::string bytes_text(double b) {
  if (b < 1024) return format("%.0f", b, "B");
  if (b < 1048576) return format("%.1f", b / 1024, "KiB");
  if (b < 1073741824.0) return format("%.1f", b / 1048576, "MiB");
  return format("%.2f", b / 1073741824.0, "GiB");
}

const char* page_name(PagePolicy p) { return p == PagePolicy::Open ? "open" : "closed"; }
const char* scheduler_name(SchedulerPolicy p) {
  return p == SchedulerPolicy::FrFcfs ? "fr-fcfs" : "fcfs";
}
const char* buffer_name(BufferPolicy b) {
  switch (b) {
    case BufferPolicy::Shared:
      return "shared";
    case BufferPolicy::Bankwise:
      return "bankwise";
    case BufferPolicy::ReadWrite:
      return "read-write";
  }
  return "?";
}
const char* refresh_name(RefreshPolicy r) {
  return r == RefreshPolicy::AllBank ? "all-bank" : "off";
}
const char* power_down_name(PowerDownPolicy p) {
  return p == PowerDownPolicy::Staggered ? "on" : "off";
}
// JSON keys for the energy kinds and background states (name() gives display names).
const char* const kEnergyKeys[kEnergyKinds] = {"ACT", "PRE",        "RD",         "WR",
                                               "REF", "background", "power_down", "IO"};
const char* const kResidencyKeys[kBackgroundCount] = {"active_standby", "precharge_standby",
                                                      "active_power_down", "precharge_power_down"};

std::string buffer_text(const ControllerConfig& c) {
  if (c.buffer == BufferPolicy::ReadWrite)
    return "read-write (" + std::to_string(c.buffer_size_read) + " reads, " +
           std::to_string(c.buffer_size_write) + " writes)";
  return std::string(buffer_name(c.buffer)) + " (" + std::to_string(c.buffer_size) +
         (c.buffer == BufferPolicy::Bankwise ? " per bank)" : ")");
}

// "2 pseudo channels" for HBM2, "1 rank" otherwise.
std::string ranks_text(const MemSpec& s) {
  const uint32_t n = s.arch.ranks;
  if (s.standard == Standard::HBM2) return std::to_string(n) + " pseudo channel(s)";
  return std::to_string(n) + " rank(s)";
}

uint64_t capacity_bytes(const MemSpec& s) { return s.arch.channel_bytes() * s.arch.channels; }

}  // namespace

double clock_mhz(const MemSpec& s) { return 1e6 / s.tck.ps(); }

double peak_gbps(const MemSpec& s) {
  // bytes per tCK over tCK in ps is bytes per ps, i.e. 1000 GB/s.
  return s.peak_bytes_per_cycle() * s.arch.channels / s.tck.ps() * 1e3;
}

void print_configuration(const DramRun& run) {
  const MemSpec& s = run.spec;
  const Architecture& a = s.arch;
  const bool preset = is_preset_name(run.memspec_arg);
  std::printf("configuration\n");
  std::printf("  standard        %s\n", name(s.standard));
  std::printf("  part            %s (%s %s)\n", s.id.c_str(), preset ? "preset" : "file",
              run.memspec_arg.c_str());
  std::printf("  clock           %.3f MHz, tCK %s\n", clock_mhz(s), s.tck.to_string().c_str());
  std::printf("  data rate       %.0f MT/s\n", clock_mhz(s) * a.data_rate);
  std::printf("  bus width       %u bits per %s\n", a.bus_bits(),
              s.standard == Standard::HBM2 ? "pseudo channel" : "channel");
  std::printf("  burst           %u B (BL%u)\n", a.burst_bytes(), a.burst_length);
  std::printf(
      "  organisation    %u channel(s) x %s x %u bank groups x %u banks, %u rows x %u "
      "columns; %s\n",
      a.channels, ranks_text(s).c_str(), a.bank_groups, a.banks_per_group(), a.rows, a.columns,
      bytes_text(double(capacity_bytes(s))).c_str());
  std::printf("  peak bandwidth  %.3f GB/s (all channels)\n", peak_gbps(s));
  std::printf("  mapping         %s: %s\n", run.mapping_source.c_str(),
              run.mapping.to_string().c_str());
  const ControllerConfig& c = run.config;
  std::printf("  controller      %s; page %s, scheduler %s, buffer %s, max active %u\n",
              run.mcconfig_source.c_str(), page_name(c.page), scheduler_name(c.scheduler),
              buffer_text(c).c_str(), c.max_active);
  if (c.refresh == RefreshPolicy::AllBank)
    std::printf("  refresh         all-bank, every %lld cycles (tREFI), %lld cycles each (tRFC)\n",
                static_cast<long long>(s.refresh_interval()),
                static_cast<long long>(s.refresh_cycle()));
  else
    std::printf("  refresh         off\n");
  if (c.power_down == PowerDownPolicy::Staggered)
    std::printf("  power-down      after %lld idle cycles\n",
                static_cast<long long>(c.power_down_timeout));
  else
    std::printf("  power-down      off\n");
  std::printf("  mode            %s%s\n",
              run.mode == sc::Mode::LT ? "LT (b_transport)" : "AT (nb_transport, 4 phases)",
              run.check_protocol ? ", protocol checked" : "");
  std::printf("  trace           %s, trace clock %g MHz\n", run.trace.c_str(), run.trace_mhz);
}

void print_results(const DramRun& run, const sc::PlayReport& r, double wall, double rss) {
  std::printf("results\n");
  std::printf("  requests        %llu (%llu reads, %llu writes), %s moved\n",
              static_cast<unsigned long long>(r.requests), static_cast<unsigned long long>(r.reads),
              static_cast<unsigned long long>(r.writes), bytes_text(double(r.bytes)).c_str());
  std::printf("  simulated time  %s\n", time_text(double(r.total_time_ps)).c_str());
  const double pct = r.peak_GBps > 0 ? 100 * r.bandwidth_GBps / r.peak_GBps : 0;
  std::printf("  bandwidth       %.3f GB/s, %.1f%% of the %.3f GB/s peak\n", r.bandwidth_GBps, pct,
              r.peak_GBps);
  std::printf("  latency         avg %.1f ns, p99 %.1f ns, max %.1f ns (offer to last data beat)\n",
              r.avg_latency_ns, r.p99_latency_ns, r.max_latency_ns);
  std::printf("  row buffer      hit rate %.1f%%: %llu hits, %llu misses, %llu conflicts\n",
              100 * r.row_hit_rate, static_cast<unsigned long long>(r.row_hits),
              static_cast<unsigned long long>(r.row_misses),
              static_cast<unsigned long long>(r.row_conflicts));
  std::printf("  commands       ");
  for (int c = 0; c < kCmdCount; ++c)
    std::printf(" %s %llu%s", name(Cmd(c)), static_cast<unsigned long long>(r.commands[size_t(c)]),
                c + 1 < kCmdCount ? "," : "\n");
  const double total = r.energy.total_pj();
  if (!r.energy.modelled) {
    std::printf("  energy          not modelled (the memspec has no power data)\n");
  } else {
    const double bits = double(r.bytes) * 8;
    std::printf("  energy          %s total, %.2f pJ/bit (%s)\n", energy_text(total).c_str(),
                bits > 0 ? total / bits : 0.0, run.spec.power.source.c_str());
    for (int k = 0; k < kEnergyKinds; ++k) {
      const double v = r.energy.pj[size_t(k)];
      std::printf("    %-12s %12s %6.2f%%\n", name(EnergyKind(k)), energy_text(v).c_str(),
                  total > 0 ? 100 * v / total : 0.0);
    }
  }
  double rank_cycles = 0;
  for (uint64_t v : r.residency_cycles) rank_cycles += double(v);
  std::printf("  residency      ");
  for (int b = 0; b < kBackgroundCount; ++b)
    std::printf(" %s %.1f%%%s", name(Background(b)),
                rank_cycles > 0 ? 100 * double(r.residency_cycles[size_t(b)]) / rank_cycles : 0.0,
                b + 1 < kBackgroundCount ? "," : "\n");
  if (run.check_protocol)
    std::printf("  protocol check  %llu violation(s)\n",
                static_cast<unsigned long long>(r.protocol_violations));
  std::printf("  wall time       %.3f s, %.0f requests/s, peak memory %.1f MiB\n", wall,
              wall > 0 ? double(r.requests) / wall : 0.0, rss / 1048576.0);
}

json configuration_json(const DramRun& run) {
  const MemSpec& s = run.spec;
  const Architecture& a = s.arch;
  const ControllerConfig& c = run.config;
  json j;
  j["memspec"] = run.memspec_arg;
  j["memspec_kind"] = is_preset_name(run.memspec_arg) ? "preset" : "file";
  j["part"] = s.id;
  j["standard"] = name(s.standard);
  j["clock_MHz"] = clock_mhz(s);
  j["tCK_ps"] = s.tck.ps();
  j["data_rate_MTps"] = clock_mhz(s) * a.data_rate;
  j["bus_bits"] = a.bus_bits();
  j["burst_bytes"] = a.burst_bytes();
  j["burst_length"] = a.burst_length;
  j["channels"] = a.channels;
  j["ranks"] = a.ranks;
  j["bank_groups"] = a.bank_groups;
  j["banks"] = a.banks;
  j["rows"] = a.rows;
  j["columns"] = a.columns;
  j["capacity_bytes"] = capacity_bytes(s);
  j["peak_GBps"] = peak_gbps(s);
  j["mapping"] = run.mapping_source;
  j["mapping_bits"] = run.mapping.to_string();
  j["mcconfig"] = run.mcconfig_source;
  j["mode"] = run.mode == sc::Mode::LT ? "lt" : "at";
  j["policies"] = {{"page", page_name(c.page)},
                   {"scheduler", scheduler_name(c.scheduler)},
                   {"buffer", buffer_name(c.buffer)},
                   {"buffer_size", c.buffer_size},
                   {"buffer_size_read", c.buffer_size_read},
                   {"buffer_size_write", c.buffer_size_write},
                   {"max_active", c.max_active},
                   {"refresh", refresh_name(c.refresh)},
                   {"power_down", power_down_name(c.power_down)},
                   {"power_down_timeout_cycles", c.power_down_timeout}};
  j["check_protocol"] = run.check_protocol;
  j["trace"] = run.trace;
  j["trace_clock_MHz"] = run.trace_mhz;
  j["energy_source"] = s.power.source;
  return j;
}

json results_json(const DramRun& run, const sc::PlayReport& r, double wall, double rss) {
  json j;
  j["total_time_ps"] = r.total_time_ps;
  j["requests"] = r.requests;
  j["reads"] = r.reads;
  j["writes"] = r.writes;
  j["bytes"] = r.bytes;
  j["bandwidth_GBps"] = r.bandwidth_GBps;
  j["peak_GBps"] = r.peak_GBps;
  j["bandwidth_fraction_of_peak"] = r.peak_GBps > 0 ? r.bandwidth_GBps / r.peak_GBps : 0.0;
  j["avg_latency_ns"] = r.avg_latency_ns;
  j["p99_latency_ns"] = r.p99_latency_ns;
  j["max_latency_ns"] = r.max_latency_ns;
  j["row_hit_rate"] = r.row_hit_rate;
  j["row_hits"] = r.row_hits;
  j["row_misses"] = r.row_misses;
  j["row_conflicts"] = r.row_conflicts;
  json cmds = json::object();
  for (int c = 0; c < kCmdCount; ++c) cmds[name(Cmd(c))] = r.commands[size_t(c)];
  j["commands"] = cmds;
  json e = json::object();
  for (int k = 0; k < kEnergyKinds; ++k) e[kEnergyKeys[k]] = r.energy.pj[size_t(k)];
  e["total"] = r.energy.total_pj();
  j["energy_pJ"] = e;
  j["energy_modelled"] = r.energy.modelled;
  j["energy_pJ_per_bit"] = r.bytes > 0 ? r.energy.total_pj() / (double(r.bytes) * 8) : 0.0;
  json res = json::object();
  for (int b = 0; b < kBackgroundCount; ++b) res[kResidencyKeys[b]] = r.residency_cycles[size_t(b)];
  j["residency_cycles"] = res;
  if (run.check_protocol) j["protocol_violations"] = r.protocol_violations;
  j["wall_seconds"] = wall;
  j["requests_per_second"] = wall > 0 ? double(r.requests) / wall : 0.0;
  j["peak_rss_bytes"] = rss;
  return j;
}

}  // namespace apack::vp

// apack-vp dram --memspec PRESET|FILE --trace FILE: replays a DRAMSys .stl trace through the
// SystemC DRAM subsystem (player -> router -> one controller per channel) and reports the
// configuration, bandwidth, latency, row-buffer behaviour, commands, energy and residency.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "apack/atomic_file.hpp"
#include "apack/dram/trace_file.hpp"
#include "apack/error.hpp"
#include "commands.hpp"
#include "dram_commands.hpp"
#include "progress.hpp"

namespace apack::vp {

using namespace apack::dram;
namespace fs = std::filesystem;

namespace {

struct PlayArgs {
  std::string memspec, mapping, mcconfig, trace, json, mode = "lt";
  double trace_mhz = 1000;
  uint32_t channels = 0;
  std::string page, scheduler, refresh, power_down;
  std::vector<std::string> policy;
  int64_t power_down_timeout = -1;
  bool check_protocol = false, progress = false;
};

// --policy takes page and scheduler policies by name, so `--policy closed`, `--policy fcfs`
// and `--policy closed,fcfs` all work; it must not contradict --page-policy / --scheduler.
void apply_policy_list(const PlayArgs& a, std::string& page, std::string& scheduler) {
  for (const std::string& item : a.policy) {
    std::stringstream list(item);
    std::string p;
    while (std::getline(list, p, ',')) {
      if (p.empty()) continue;
      const bool is_page = p == "open" || p == "closed";
      const bool is_sched = p == "fr-fcfs" || p == "fcfs" || p == "fifo";
      if (!is_page && !is_sched)
        throw Error("--policy: unknown policy '" + p +
                    "' (page: open, closed; scheduler: fr-fcfs, fcfs)");
      std::string& slot = is_page ? page : scheduler;
      const std::string v = p == "fifo" ? "fcfs" : p;
      if (!slot.empty() && slot != v)
        throw Error("--policy " + p + " contradicts the " +
                    (is_page ? "page policy '" : "scheduler '") + slot + "' given elsewhere");
      slot = v;
    }
  }
}

ClockPeriod period_of_mhz(double mhz) {
  // The period is 10^12 / (mhz x 10^6) ps exactly for any frequency given to the Hz.
  const double hz = std::round(mhz * 1e6);
  if (!(hz >= 1 && hz <= 1e12)) throw Error("--trace-clock-mhz: must be between 1e-6 and 1e6");
  return ClockPeriod::picoseconds(1000000000000, int64_t(hz));
}

DramRun configure(const PlayArgs& a) {
  DramRun run;
  run.memspec_arg = a.memspec;
  run.spec = load_memspec_arg(a.memspec, a.channels);
  if (a.mapping.empty()) {
    run.mapping = default_mapping(run.spec);
    run.mapping_source = "default";
  } else {
    run.mapping = load_address_mapping(a.mapping);
    run.mapping_source = a.mapping;
  }
  run.mapping.validate(run.spec, run.mapping_source == "default" ? "default mapping" : a.mapping);
  if (a.mcconfig.empty()) {
    run.mcconfig_source = "built-in defaults";
  } else {
    run.config = load_mcconfig(a.mcconfig);
    run.mcconfig_source = a.mcconfig;
  }
  std::string page = a.page, scheduler = a.scheduler == "fifo" ? "fcfs" : a.scheduler;
  apply_policy_list(a, page, scheduler);
  if (!page.empty()) run.config.page = page == "open" ? PagePolicy::Open : PagePolicy::Closed;
  if (!scheduler.empty())
    run.config.scheduler = scheduler == "fr-fcfs" ? SchedulerPolicy::FrFcfs : SchedulerPolicy::Fcfs;
  if (!a.refresh.empty())
    run.config.refresh = a.refresh == "on" ? RefreshPolicy::AllBank : RefreshPolicy::NoRefresh;
  if (!a.power_down.empty())
    run.config.power_down =
        a.power_down == "on" ? PowerDownPolicy::Staggered : PowerDownPolicy::NoPowerDown;
  if (a.power_down_timeout >= 0) run.config.power_down_timeout = a.power_down_timeout;
  // The command log grows with the trace; the player checks the protocol as it goes instead.
  run.config.record_log = false;
  run.mode = a.mode == "at" ? sc::Mode::AT : sc::Mode::LT;
  run.check_protocol = a.check_protocol;
  run.trace = a.trace;
  run.trace_mhz = a.trace_mhz;
  run.trace_period = period_of_mhz(a.trace_mhz);
  return run;
}

// A progress line on stderr, rewritten in place a few times a second.
class ProgressLine {
 public:
  ProgressLine(bool on, const TraceSource& source) : on_(on), source_(source) {}
  ~ProgressLine() { finish(); }
  void update(uint64_t requests) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    if (shown_ && now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    shown_ = true;
    const double f = source_.progress();
    if (f >= 0)
      std::fprintf(stderr, "\rapack-vp dram: %llu requests, %.0f%% of the trace ",
                   static_cast<unsigned long long>(requests), 100 * f);
    else
      std::fprintf(stderr, "\rapack-vp dram: %llu requests ",
                   static_cast<unsigned long long>(requests));
    std::fflush(stderr);
    progress_line_open = true;
  }
  void finish() {
    if (shown_ && progress_line_open) std::fprintf(stderr, "\n");
    progress_line_open = false;
    shown_ = false;
  }

 private:
  bool on_;
  const TraceSource& source_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_;
};

void check_output_folder(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::is_directory(parent, ec))
    throw Error(path + ": cannot write the file: the folder " + parent.string() +
                " does not exist");
}

void play(const PlayArgs& a) {
  if (fs::path(a.trace).extension() == ".rstl")
    throw Error(a.trace +
                ": relative traces (.rstl) time each request from the previous one's completion, "
                "which this player does not model; use an absolute .stl trace");
  if (!a.json.empty()) check_output_folder(a.json);
  const DramRun run = configure(a);
  TraceReaderOptions ro;
  ro.burst_bytes = run.spec.arch.burst_bytes();
  TraceFileReader source(run.trace, ro);
  print_configuration(run);
  std::fflush(stdout);

  sc::PlayOptions po;
  po.spec = run.spec;
  po.mapping = run.mapping;
  po.config = run.config;
  po.mode = run.mode;
  po.trace_period = run.trace_period;
  po.check_protocol = run.check_protocol;
  ProgressLine progress(a.progress || ::isatty(STDERR_FILENO), source);
  po.progress = [&progress](uint64_t n) { progress.update(n); };
  const auto t0 = std::chrono::steady_clock::now();
  const sc::PlayReport report = sc::play_trace(po, source);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  progress.finish();
  const double rss = peak_rss_bytes();
  print_results(run, report, wall, rss);
  if (!a.json.empty()) {
    nlohmann::json j = results_json(run, report, wall, rss);
    j["configuration"] = configuration_json(run);
    write_file_atomic(a.json, j.dump(1) + "\n");
    std::printf("report written to %s\n", a.json.c_str());
  }
  if (run.check_protocol && report.protocol_violations != 0)
    throw Error("the protocol check found " + std::to_string(report.protocol_violations) +
                " violation(s)");
}

}  // namespace

void register_dram_play(CLI::App* dram) {
  auto a = std::make_shared<PlayArgs>();
  dram->add_option("--memspec", a->memspec,
                   "the memory: a preset (ddr4-2400, lpddr4-3200, hbm2), a DRAMSys memspec "
                   ".json or a YAML memspec (.yaml/.yml, docs/dram-memspec.md); required");
  dram->add_option("--trace", a->trace,
                   "the request trace, DRAMSys .stl text (\"CYCLE:<tab>read|write<tab>0xADDR"
                   "[<tab>0xDATA]\"); required");
  dram->add_option("--mapping", a->mapping,
                   "DRAMSys address-mapping JSON; default: the memspec's default mapping "
                   "(bank groups interleaved per burst, row-bank-column, docs/dram.md)");
  dram->add_option("--mcconfig", a->mcconfig,
                   "DRAMSys mcconfig JSON (page policy, scheduler, buffers, refresh, power-down); "
                   "default: open page, FR-FCFS, bank-wise buffers of 8, all-bank refresh, no "
                   "power-down. The policy options below override it");
  dram->add_option("--trace-clock-mhz", a->trace_mhz,
                   "clock of the trace's cycle numbers, MHz (DRAMSys's clkMhz): cycle C is "
                   "offered at C / F microseconds")
      ->capture_default_str()
      ->check(CLI::Range(1e-6, 1e6));
  dram->add_option("--mode", a->mode,
                   "TLM-2.0 coding style: lt (b_transport, blocking, annotated delays) or at "
                   "(nb_transport, 4 phases with back-pressure)")
      ->check(CLI::IsMember({"lt", "at"}))
      ->capture_default_str();
  dram->add_option("--channels", a->channels,
                   "channels (independent controllers, interleaved by the mapping's CHANNEL "
                   "bits); default: the memspec's")
      ->check(CLI::Range(1u, 64u));
  dram->add_option("--page-policy", a->page,
                   "open: rows stay open after an access; closed: every access auto-precharges "
                   "(RDA/WRA). Overrides the mcconfig")
      ->check(CLI::IsMember({"open", "closed"}));
  dram->add_option("--scheduler", a->scheduler,
                   "fr-fcfs: row hits first, then oldest; fcfs (alias fifo, DRAMSys \"Fifo\"): "
                   "oldest first, per bank. Overrides the mcconfig")
      ->check(CLI::IsMember({"fr-fcfs", "fcfs", "fifo"}));
  dram->add_option("--policy", a->policy,
                   "page and/or scheduler policy by name: open, closed, fr-fcfs, fcfs; "
                   "repeatable or comma-separated (--policy closed,fcfs)")
      ->delimiter(',');
  dram->add_option("--refresh", a->refresh,
                   "on: all-bank refresh every tREFI (never postponed); off: no refresh. "
                   "Overrides the mcconfig")
      ->check(CLI::IsMember({"on", "off"}));
  dram->add_option("--power-down", a->power_down,
                   "on: a rank idle for --power-down-timeout cycles enters power-down "
                   "(DRAMSys \"Staggered\"); off: never. Overrides the mcconfig")
      ->check(CLI::IsMember({"on", "off"}));
  dram->add_option("--power-down-timeout", a->power_down_timeout,
                   "idle DRAM clock cycles before power-down entry (default 3, or the mcconfig's "
                   "PowerDownTimeout)")
      ->check(CLI::Range(int64_t(0), int64_t(1) << 30));
  dram->add_flag("--check-protocol", a->check_protocol,
                 "check every command against the standard's constraint table as it issues; "
                 "violations are reported and make the command exit with an error");
  dram->add_option("--json", a->json,
                   "also write the configuration and results as JSON to this file (replaced "
                   "atomically at the end of a successful run)");
  dram->add_flag("--progress", a->progress, "progress on stderr even when it is not a terminal");
  dram->footer(
      "Trace grammar, output fields and DRAMSys compatibility: docs/dram-command.md.\n"
      "Examples:\n"
      "  apack-vp dram gen --pattern random --requests 100000 --memspec ddr4-2400 -o r.stl\n"
      "  apack-vp dram --memspec ddr4-2400 --trace r.stl --mode at --json r.json\n"
      "  apack-vp dram --memspec JEDEC_4Gb_DDR4-2400_8bit_A.json --mapping "
      "am_ddr4_8x4Gbx8_dimm_p1KB_brc.json --mcconfig fr_fcfs.json --trace t.stl");
  dram->callback([a, dram] {
    if (dram->got_subcommand("gen")) return;
    if (a->memspec.empty()) throw CLI::RequiredError("--memspec");
    if (a->trace.empty()) throw CLI::RequiredError("--trace");
    play(*a);
  });
}

}  // namespace apack::vp

// apack-vp run: one scenario through the whole platform (docs/platform.md). Progress on stderr,
// the summary on stdout, OUT/summary.json, layers.csv, energy.csv (and trace.json, energy.svg,
// layers.svg when asked) written atomically. A run whose outputs do not equal the reference
// executor's says so loudly and exits with status 2.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "apack/report/reports.hpp"
#include "apack/report/text.hpp"
#include "apack/run/run.hpp"
#include "apack/scenario/scenario.hpp"
#include "commands.hpp"
#include "progress.hpp"
#include "scenario_commands.hpp"

namespace apack::vp {

namespace {

struct RunArgs {
  std::string file, out;
  std::vector<std::string> sets;
  bool trace = false, plots = false, quiet = false;
  std::string inject_fault;
};

int run_command(const RunArgs& a) {
  const scenario::Scenario s = scenario::load_scenario(a.file, a.sets);
  const std::string dir = a.out.empty() ? s.outputs.dir : a.out;
  const bool trace = a.trace || s.outputs.trace, plots = a.plots || s.outputs.plots;
  Progress progress{a.quiet, {}};
  bool open = false;
  run::RunCallbacks cb;
  cb.timeline = trace;
  cb.inject_fault = a.inject_fault;
  cb.step = [&](const std::string& what) {
    if (open) progress.end();
    progress.begin(s.name + ": " + what);
    open = true;
  };
  size_t last_shown = 0;
  cb.layer = [&](size_t done, size_t total) {
    if (a.quiet) return;
    // A few updates per run, not one per layer.
    if (done == total || done * 10 / total != last_shown * 10 / total) {
      std::fprintf(stderr, " %zu/%zu", done, total);
      std::fflush(stderr);
    }
    last_shown = done;
  };
  report::RunResult r = run::run_scenario(s, cb);
  if (open) progress.end();
  r.peak_rss_bytes = uint64_t(peak_rss_bytes());
  const std::vector<std::string> files = report::write_reports(r, dir, trace, plots);
  std::cout << report::format_summary(r);
  if (!a.quiet) {
    std::cerr << "apack-vp: wrote";
    for (const auto& f : files) std::cerr << " " << f;
    std::cerr << "\n";
  }
  if (!r.verified) {
    std::cerr << "apack-vp: VERIFICATION FAILED: " << r.verification << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

void register_run(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "run a scenario: the network on the engine, its traffic through the codec and DRAM; "
      "verified outputs, cycles, traffic and energy");
  cmd->add_option("scenario", a->file, "scenario file (YAML, docs/scenario.md)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out,-o", a->out, "output folder (default: the scenario's outputs.dir)");
  cmd->add_option("--set", a->sets, "override a scenario key: --set codec.enabled=false")
      ->type_name("KEY=VALUE");
  cmd->add_flag("--trace", a->trace, "also write trace.json (Chrome trace events, Perfetto)");
  cmd->add_flag("--plots", a->plots, "also write energy.svg and layers.svg");
  cmd->add_flag("--quiet,-q", a->quiet, "no progress on stderr");
  cmd->add_option("--inject-fault", a->inject_fault,
                  "testing the checks: invert one stored byte of this layer's output on its way "
                  "to DRAM (the run must then fail verification)")
      ->type_name("LAYER")
      ->group("Testing");
  cmd->footer(
      "Examples:\n"
      "  apack-vp run scenarios/default.yaml\n"
      "  apack-vp run scenarios/default.yaml --set codec.enabled=false --out out/codec-off\n"
      "  apack-vp compare out/codec-off out/default\n"
      "Exit status: 0 verified, 1 error, 2 the outputs did not verify.");
  cmd->callback([a] { command_status = run_command(*a); });
}

}  // namespace apack::vp

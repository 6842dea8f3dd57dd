// apack-vp compare OUT_A OUT_B: the ratios between two finished runs (speedup, energy
// efficiency, DRAM traffic, energy by component, per layer), read from their summary.json files.
// A is the baseline: speedup = time A / time B. Errors name the folder or file and exit with
// status 1 through main().
#include <iostream>
#include <memory>
#include <string>

#include "apack/report/compare.hpp"
#include "apack/report/summary_json.hpp"
#include "scenario_commands.hpp"

namespace apack::vp {

namespace {

struct CompareRunsArgs {
  std::string base, other;
  bool json = false, layers = false;
};

void run_compare(const CompareRunsArgs& a) {
  const report::RunResult base = report::read_summary_json(report::summary_path_for(a.base));
  const report::RunResult other = report::read_summary_json(report::summary_path_for(a.other));
  const report::Comparison c = report::compare_runs(base, other, a.base, a.other);
  if (a.json)
    std::cout << report::comparison_json_text(c);
  else
    std::cout << report::format_comparison(c, a.layers) << std::flush;
}

}  // namespace

void register_compare(CLI::App& app) {
  auto args = std::make_shared<CompareRunsArgs>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "compare two runs: speedup, energy efficiency and DRAM traffic of B relative to A "
      "(docs/reports.md)");
  cmd->add_option("OUT_A", args->base,
                  "the baseline run: its output folder (apack-vp run --out) or its summary.json")
      ->required();
  cmd->add_option("OUT_B", args->other, "the run compared with it: folder or summary.json")
      ->required();
  cmd->add_flag("--json", args->json,
                "print the comparison as JSON (per-layer entries included) instead of text");
  cmd->add_flag("--layers", args->layers,
                "also print per-layer speedups (when both runs have the same layers by name)");
  cmd->footer(
      "Examples:\n"
      "  apack-vp compare out/codec-off out/codec-on\n"
      "  apack-vp compare out/bit-parallel/summary.json out/loom-2b --layers\n"
      "  apack-vp compare out/a out/b --json > ratios.json\n"
      "Speedup and energy efficiency are A/B (above 1: B is better); traffic, footprint and\n"
      "per-component energy ratios are B/A (below 1: B moves, stores or spends less).\n"
      "Warnings come first when the runs differ in model or inputs, or either is not verified.");
  cmd->callback([args] { run_compare(*args); });
}

}  // namespace apack::vp

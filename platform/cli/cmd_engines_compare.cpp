// apack-vp engines compare MODEL --input IMAGE: every selected engine on every Conv/FC layer of a
// network, driven by the values of one int8 reference run, with the outputs verified against
// the reference executor and cycles, speedups and energy reported per layer and in total.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "apack/atomic_file.hpp"
#include "apack/engines/compare.hpp"
#include "apack/engines/energy.hpp"
#include "apack/engines/network_layers.hpp"
#include "apack/error.hpp"
#include "apack/network/builtin.hpp"
#include "apack/network/model_source.hpp"
#include "apack/network/precision_profile.hpp"
#include "apack/network/quantize.hpp"
#include "apack/run/network_inputs.hpp"
#include "engines_commands.hpp"
#include "progress.hpp"

namespace apack::vp {

using namespace apack::network;
using namespace apack::engines;
using nlohmann::json;

namespace {

struct CompareArgs {
  std::string model, input, preprocess = "auto", profile, tech = "65nm", precisions = "auto";
  std::string engines = "bit-parallel,tensor-core,loom,laconic";
  std::string json_out, csv_out;
  std::vector<std::string> calibrate;
  int weight_bits = 8, activation_bits = 8;
  int baseline_width = 0, baseline_tiles = 4, baseline_rows = 16;
  double clock_ghz = 1.0;
  unsigned threads = 0;
  uint64_t seed = 1;
  bool no_verify = false, quiet = false, per_layer = true;
};

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

std::string si(double v) {
  char buf[32];
  if (v >= 1e9)
    std::snprintf(buf, sizeof buf, "%.2fG", v / 1e9);
  else if (v >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
  else if (v >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

std::string short_name(const std::string& name, size_t width) {
  if (name.size() <= width) return name;
  return "..." + name.substr(name.size() - (width - 3));
}

json events_json(const EventCounts& e) {
  json j = json::object();
  for (const auto& [k, v] : e.all()) j[k] = v;
  return j;
}

// Laconic's potential over the network: bit-products of a datapath as wide as each layer's data
// (64 per MAC for 8-bit data, 256 for 16-bit; engines.md §4) over the term pairs. 0 for an
// engine that reports no term pairs.
double network_potential(const EngineRun& r) {
  double pairs = 0, ideal = 0;
  for (const auto& lr : r.layers) {
    const auto& m = lr.result.metrics;
    if (m.count("term_pairs")) pairs += m.at("term_pairs");
    if (m.count("potential_bit_products")) ideal += m.at("potential_bit_products");
  }
  return pairs > 0 ? ideal / pairs : 0.0;
}

json energy_json(const EnergyBreakdown& b) {
  json j;
  j["total_J"] = b.total_joules;
  j["by_component_J"] = json::object();
  for (const auto& [k, v] : b.components) j["by_component_J"][k] = v;
  j["by_event"] = json::object();
  for (const auto& [k, v] : b.events)
    j["by_event"][k] = {{"count", v.count}, {"pJ", v.pJ}, {"J", v.joules}};
  return j;
}

void run_compare(const CompareArgs& a) {
  Progress progress{a.quiet, {}};
  const unsigned threads =
      a.threads ? a.threads : std::max(1u, std::thread::hardware_concurrency());
  const std::vector<std::string> names = split_list(a.engines);
  if (names.empty())
    throw Error(
        "--engines: no engine named (choose from bit-parallel, "
        "tensor-core, loom, laconic)");
  std::vector<EngineSpec> specs;
  for (const auto& n : names) specs.push_back(EngineSpec::parse(n));
  const EnergyTable table = resolve_energy_table(a.tech);  // fails early on a bad --tech

  progress.begin("loading " + a.model);
  ModelOptions mo;
  mo.seed = a.seed;
  const Graph g = load_model(a.model, mo);
  progress.end();
  if (a.input.empty() && !g.synthetic_values)
    throw Error("--input is required for " + a.model + " (an image or a .npy tensor)");
  const image::Preprocess pre = choose_preprocess(g, a.preprocess);
  const FloatTensor x =
      a.input.empty() ? synthetic_input(g, a.seed) : load_input(a.input, g, pre, std::nullopt);

  QuantConfig qc;
  qc.weight_bits = a.weight_bits;
  qc.activation_bits = a.activation_bits;
  std::optional<PrecisionProfile> profile;
  std::vector<std::string> conflicts;
  if (!a.profile.empty()) {
    profile = load_precision_profile(a.profile, g);
    AppliedProfile applied = apply_precision_profile(g, *profile, qc);
    qc = applied.config;
    conflicts = applied.conflicts;
  }
  check_config(qc);

  progress.begin("fp32 inference and calibration");
  Calibration cal;
  add_calibration_run(cal, g, run_fp32(g, {x}, threads), qc.percentile);
  for (const auto& path : a.calibrate)
    add_calibration_run(cal, g, run_fp32(g, {load_input(path, g, pre, std::nullopt)}, threads),
                        qc.percentile);
  progress.end();
  const QuantizedGraph qg = quantize(g, cal, qc);
  progress.begin("int reference inference");
  const IntRun ref = run_int(qg, {x}, true, threads);
  progress.end();

  const PrecisionSource src = a.precisions == "data" || (a.precisions == "auto" && !profile)
                                  ? PrecisionSource::Data
                                  : PrecisionSource::Quantization;
  const std::vector<NetworkLayer> layers = network_layers(qg, ref, src);
  if (layers.empty()) throw Error(g.name + ": no Conv or FullyConnected layer to run engines on");

  // The baseline compares at the widest data width the network uses (8 or 16 bits).
  Baseline base;
  int widest = 0;
  for (const auto& l : layers) widest = std::max({widest, l.work.act.bits, l.work.weight.bits});
  base.width = a.baseline_width ? a.baseline_width : (widest > 8 ? 16 : 8);
  if (base.width != 8 && base.width != 16) throw Error("--baseline-width must be 8 or 16");
  if (widest > base.width)
    throw Error("--baseline-width " + std::to_string(base.width) + " is narrower than the " +
                std::to_string(widest) + "-bit data");
  base.tiles = a.baseline_tiles;
  base.rows = a.baseline_rows;

  // The baseline runs first (speedups are over it); a listed engine equal to it is not re-run.
  std::vector<NamedEngine> engines;
  EngineSpec base_spec{"bit-parallel", {}};
  engines.push_back({base_spec, make_engine(base_spec, base)});
  std::vector<size_t> shown;  // indices into engines of the listed engines, in the listed order
  for (const auto& s : specs) {
    if (s.name == "bit-parallel" && s.params.empty()) {
      shown.push_back(0);
      continue;
    }
    engines.push_back({s, make_engine(s, base)});
    shown.push_back(engines.size() - 1);
  }

  int64_t macs = 0;
  for (const auto& l : layers) macs += l.work.macs();
  CompareOptions co;
  co.threads = threads;
  co.verify = !a.no_verify;
  if (!a.quiet)
    co.progress = [&](size_t done, size_t total) {
      std::fprintf(stderr, "\rapack-vp: engines on %zu layers: %zu/%zu tasks", layers.size(), done,
                   total);
      progress_line_open = done < total;
      if (done == total) std::fprintf(stderr, "\n");
    };
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<EngineRun> runs = run_engines(layers, engines, co);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const EngineRun& baseline_run = runs[0];
  std::vector<EnergyBreakdown> energy;
  for (const auto& r : runs) energy.push_back(apack::engines::energy(r.events, table));

  // ---- JSON
  json report;
  report["model"] = g.name;
  report["format"] = g.format;
  report["source"] = g.source;
  report["synthetic_values"] = g.synthetic_values;
  if (g.synthetic_values) report["synthetic_note"] = g.synthetic_note;
  report["input"] = a.input.empty() ? json("synthetic (seeded)") : json(a.input);
  report["quantization"] = {{"weight_bits", qc.weight_bits},
                            {"activation_bits", qc.activation_bits},
                            {"profile", a.profile.empty() ? json(nullptr) : json(a.profile)}};
  report["precisions"] = precision_source_name(src);
  report["profile_conflicts"] = conflicts;
  report["technology"] = table.technology;
  report["clock_ghz"] = a.clock_ghz;
  report["macs"] = macs;
  report["baseline"] = {{"engine", baseline_run.info.description},
                        {"width", base.width},
                        {"peak_bit_products", base.peak_bit_products()}};
  report["verified"] = !a.no_verify;
  report["wall_s"] = wall;
  report["threads"] = threads;
  bool all_equal = true;
  for (size_t e = 0; e < runs.size(); ++e) {
    const EngineRun& r = runs[e];
    json j;
    j["spec"] = r.spec.str();
    j["name"] = r.info.name;
    j["description"] = r.info.description;
    j["peak_vs_baseline"] = r.info.peak_bit_products / base.peak_bit_products();
    j["cycles"] = r.cycles;
    j["compute_cycles"] = r.compute_cycles;
    j["bandwidth_cycles"] = r.bandwidth_cycles;
    j["time_s"] = double(r.cycles) / (a.clock_ghz * 1e9);
    j["speedup"] = double(baseline_run.cycles) / double(r.cycles);
    j["energy"] = energy_json(energy[e]);
    j["energy_efficiency"] = energy[0].total_joules / energy[e].total_joules;
    j["offchip_bits"] = {{"weights", r.weight_bits},
                         {"activations_in", r.act_in_bits},
                         {"activations_out", r.act_out_bits}};
    j["events"] = events_json(r.events);
    j["layers_equal"] = r.layers_equal;
    if (const double p = network_potential(r); p > 0) j["potential"] = p;
    j["model_seconds"] = r.seconds;
    j["value_pairs_per_s"] = r.seconds > 0 ? double(r.macs) / r.seconds : 0.0;
    j["layers"] = json::array();
    for (size_t l = 0; l < layers.size(); ++l) {
      const EngineLayerRun& lr = r.layers[l];
      json jl = {
          {"cycles", lr.result.cycles},
          {"compute_cycles", lr.result.compute_cycles},
          {"bandwidth_cycles", lr.result.bandwidth_cycles},
          {"speedup", double(baseline_run.layers[l].result.cycles) / double(lr.result.cycles)},
          {"metrics", lr.result.metrics},
          {"model_seconds", lr.seconds}};
      const EnergyBreakdown le = apack::engines::energy(lr.result.events, table);
      jl["energy"] = {{"total_J", le.total_joules}, {"by_component_J", le.components}};
      if (lr.check.ran) {
        jl["outputs_equal"] = lr.check.equal();
        if (!lr.check.equal())
          jl["mismatch"] = {{"count", lr.check.mismatches},
                            {"first", lr.check.first},
                            {"expected", lr.check.expected},
                            {"got", lr.check.got}};
      }
      j["layers"].push_back(jl);
    }
    if (!a.no_verify && r.layers_equal != int64_t(layers.size())) all_equal = false;
    report["engines"].push_back(j);
  }
  report["layers"] = json::array();
  for (const auto& l : layers) {
    const LayerWork& w = l.work;
    report["layers"].push_back({{"name", w.name},
                                {"kind", l.kind},
                                {"macs", w.macs()},
                                {"pa", w.act.precision},
                                {"pw", w.weight.precision},
                                {"act_bits", w.act.bits},
                                {"weight_bits", w.weight.bits},
                                {"act_signed", w.act.is_signed}});
  }
  report["all_outputs_equal"] = all_equal;
  if (!a.json_out.empty()) write_file_atomic(a.json_out, report.dump(1) + "\n");
  if (!a.csv_out.empty()) {
    std::ostringstream csv;
    csv << "layer,macs,pa,pw,engine,cycles,compute_cycles,bandwidth_cycles,speedup,energy_J,"
           "outputs_equal\n";
    for (size_t e = 0; e < runs.size(); ++e)
      for (size_t l = 0; l < layers.size(); ++l) {
        const auto& lr = runs[e].layers[l];
        csv << '"' << layers[l].work.name << "\"," << layers[l].work.macs() << ','
            << layers[l].work.act.precision << ',' << layers[l].work.weight.precision << ','
            << runs[e].spec.str() << ',' << lr.result.cycles << ',' << lr.result.compute_cycles
            << ',' << lr.result.bandwidth_cycles << ','
            << double(baseline_run.layers[l].result.cycles) / double(lr.result.cycles) << ','
            << apack::engines::energy(lr.result.events, table).total_joules << ','
            << (lr.check.ran ? (lr.check.equal() ? "yes" : "no") : "not checked") << "\n";
      }
    write_file_atomic(a.csv_out, csv.str());
  }

  // ---- Human summary
  std::printf("model %s (%s): %zu Conv/FC layers, %.3f GMAC; input %s\n", g.name.c_str(),
              g.format.c_str(), layers.size(), double(macs) / 1e9,
              a.input.empty() ? "synthetic (seeded uniform noise)" : a.input.c_str());
  if (g.synthetic_values)
    std::printf(
        "SYNTHETIC VALUES: %s; cycles of value-driven engines are not those of a "
        "trained network\n",
        g.synthetic_note.c_str());
  std::printf("quantization: weights %d-bit, activations %d-bit%s; precisions Pa/Pw %s\n",
              qc.weight_bits, qc.activation_bits,
              a.profile.empty() ? "" : (", profile " + a.profile).c_str(),
              src == PrecisionSource::Data ? "from the data (smallest widths holding the values)"
                                           : "= the quantization widths");
  for (const auto& c : conflicts) std::printf("profile: %s\n", c.c_str());
  std::printf(
      "baseline (speedups and energy ratios are over it): bit-parallel, %s; compared "
      "at %d-bit data\n",
      baseline_run.info.description.c_str(), base.width);
  std::printf("energy: %s technology table (%s)\n", table.technology.c_str(),
              table.description.c_str());
  std::printf("engines:\n");
  for (size_t idx : shown) {
    const EngineRun& r = runs[idx];
    const double peak = r.info.peak_bit_products / base.peak_bit_products();
    std::printf("  %-14s %s%s\n", r.info.name.c_str(), r.info.description.c_str(),
                std::fabs(peak - 1.0) < 1e-9
                    ? " [equal peak]"
                    : (" [peak " + std::to_string(peak).substr(0, 5) + "x the baseline]").c_str());
  }
  if (a.per_layer) {
    // Laconic's potential per layer, from the first Laconic engine shown.
    const EngineRun* laconic = nullptr;
    for (size_t idx : shown)
      if (!laconic && runs[idx].info.name == "laconic") laconic = &runs[idx];
    std::printf("\nper layer: cycles (speedup over the baseline)%s\n",
                laconic ? "; Laconic's potential (ideal work reduction)" : "");
    std::printf("  %3s %-36s %8s %5s", "#", "layer", "MACs", "Pa/Pw");
    for (size_t idx : shown) std::printf(" %20s", runs[idx].info.name.c_str());
    if (laconic) std::printf(" %9s", "potential");
    std::printf("\n");
    for (size_t l = 0; l < layers.size(); ++l) {
      const LayerWork& w = layers[l].work;
      std::printf("  %3d %-36s %8s %2d/%-2d", layers[l].index, short_name(w.name, 36).c_str(),
                  si(double(w.macs())).c_str(), w.act.precision, w.weight.precision);
      for (size_t idx : shown) {
        const auto& lr = runs[idx].layers[l];
        const double sp = double(baseline_run.layers[l].result.cycles) / double(lr.result.cycles);
        char cell[40];
        std::snprintf(cell, sizeof cell, "%s (%.2fx)%s", si(double(lr.result.cycles)).c_str(), sp,
                      lr.check.ran && !lr.check.equal() ? "!" : "");
        std::printf(" %20s", cell);
      }
      if (laconic) {
        const auto& m = laconic->layers[l].result.metrics;
        const auto it = m.find("potential");
        if (it != m.end())
          std::printf(" %8.1fx", it->second);
        else
          std::printf(" %9s", "-");
      }
      std::printf("\n");
    }
  }
  std::printf("\ntotals at %.2f GHz:\n", a.clock_ghz);
  std::printf("  %-14s %12s %10s %8s %12s %8s %10s %14s\n", "engine", "cycles", "time ms",
              "speedup", "energy uJ", "eff.", "verified", "value pairs/s");
  for (size_t idx : shown) {
    const EngineRun& r = runs[idx];
    std::printf(
        "  %-14s %12lld %10.3f %7.2fx %12.2f %7.2fx %10s %14s\n", r.info.name.c_str(),
        (long long)r.cycles, double(r.cycles) / (a.clock_ghz * 1e6),
        double(baseline_run.cycles) / double(r.cycles), energy[idx].total_joules * 1e6,
        energy[0].total_joules / energy[idx].total_joules,
        a.no_verify
            ? "off"
            : (std::to_string(r.layers_equal) + "/" + std::to_string(layers.size())).c_str(),
        (si(r.seconds > 0 ? double(r.macs) / r.seconds : 0.0)).c_str());
  }
  for (size_t idx : shown) {
    const EngineRun& r = runs[idx];
    if (const double p = network_potential(r); p > 0)
      std::printf(
          "%s potential (ideal work reduction: bit-products at the data width / term "
          "pairs): %.1fx\n",
          r.spec.str().c_str(), p);
  }
  std::printf("\nenergy by component (uJ):\n");
  for (size_t idx : shown) {
    std::printf("  %-14s", runs[idx].info.name.c_str());
    for (const auto& [k, v] : energy[idx].components) std::printf(" %s %.2f", k.c_str(), v * 1e6);
    std::printf("\n");
  }
  if (a.no_verify) {
    std::printf("\nchecks: outputs not verified (--no-verify)\n");
  } else if (all_equal) {
    std::printf(
        "\nchecks: every engine's output sums equal the int reference executor's on "
        "every layer (%zu engines x %zu layers)\n",
        runs.size(), layers.size());
  } else {
    std::printf("\nchecks FAILED: outputs that differ from the int reference executor:\n");
    for (const auto& r : runs)
      for (size_t l = 0; l < layers.size(); ++l) {
        const auto& c = r.layers[l].check;
        if (c.ran && !c.equal())
          std::printf(
              "  %s, layer %s: %lld of %lld outputs differ (first at %lld: %lld, "
              "reference %lld)\n",
              r.info.name.c_str(), layers[l].work.name.c_str(), (long long)c.mismatches,
              (long long)layers[l].work.outputs(), (long long)c.first, (long long)c.got,
              (long long)c.expected);
      }
  }
  std::printf("engine models: %.2f s wall on %u thread(s)\n", wall, threads);
  std::fflush(stdout);
  if (!all_equal)
    throw Error(
        "engine outputs differ from the reference executor (see above); a precision "
        "narrower than the data truncates values");
}

}  // namespace

void add_engines_compare(CLI::App& engines) {
  auto a = std::make_shared<CompareArgs>();
  CLI::App* cmd = engines.add_subcommand(
      "compare",
      "run engines over a network's layers with real values, verify their outputs, "
      "report cycles, speedups and energy");
  cmd->add_option("model", a->model, "TF.js model.json, .onnx file, or a built-in topology name")
      ->required();
  cmd->add_option("--input", a->input,
                  "photo (PNG/JPEG) or .npy tensor; built-in topologies may omit it (a seeded "
                  "synthetic input, labelled)");
  cmd->add_option("--engines", a->engines,
                  "comma-separated engines, each NAME[:key=value...], e.g. "
                  "bit-parallel,loom:k=2,laconic:sync=column")
      ->capture_default_str();
  cmd->add_option("--profile", a->profile,
                  "precision profile (YAML): per-layer Pa/Pw quantization widths "
                  "(docs/precision-profiles.md)");
  cmd->add_option("--precisions", a->precisions,
                  "static Pa/Pw per layer: data (smallest widths holding the values), "
                  "quantization (the quantization widths), auto (quantization with --profile, "
                  "else data)")
      ->check(CLI::IsMember({"auto", "data", "quantization"}))
      ->capture_default_str();
  cmd->add_option("--tech", a->tech, "energy table: 65nm, 28nm or a YAML file")
      ->capture_default_str();
  cmd->add_option("--weight-bits", a->weight_bits, "weight quantization width (2..16)")
      ->capture_default_str();
  cmd->add_option("--activation-bits", a->activation_bits, "activation quantization width (2..16)")
      ->capture_default_str();
  cmd->add_option("--calibrate", a->calibrate,
                  "more photos to calibrate activation ranges on (the input is always used)");
  cmd->add_option("--preprocess", a->preprocess, "input preprocessing preset (auto: by model)")
      ->capture_default_str();
  cmd->add_option("--baseline-width", a->baseline_width,
                  "bit-parallel baseline multiplier width, 8 or 16 (default: the data width)");
  cmd->add_option("--baseline-tiles", a->baseline_tiles, "bit-parallel baseline tiles")
      ->capture_default_str();
  cmd->add_option("--baseline-rows", a->baseline_rows, "filters per baseline tile")
      ->capture_default_str();
  cmd->add_option("--clock-ghz", a->clock_ghz, "clock for the time column")->capture_default_str();
  cmd->add_option("--json", a->json_out, "write the full report as JSON to this file");
  cmd->add_option("--csv", a->csv_out, "write per-layer, per-engine rows as CSV to this file");
  cmd->add_option("--threads", a->threads, "worker threads (0 = all)")->capture_default_str();
  cmd->add_option("--seed", a->seed, "seed of built-in topologies' synthetic values")
      ->capture_default_str();
  cmd->add_flag("--no-verify", a->no_verify, "skip the functional check of the outputs (faster)");
  cmd->add_flag("--totals-only{false}", a->per_layer, "print totals only, not the per-layer table");
  cmd->add_flag("-q,--quiet", a->quiet, "no progress on stderr");
  cmd->footer(
      "Every engine is sized to the peak of the bit-parallel baseline (equal bit-products per\n"
      "cycle) unless its parameters say otherwise; the table marks engines of another peak.\n"
      "Outputs of every engine are compared bit for bit with the int reference executor's sums;\n"
      "a mismatch makes the command fail (status 1).\n\n"
      "Examples:\n"
      "  apack-vp engines compare posenet.json --input photo.jpg\n"
      "  apack-vp engines compare alexnet --engines loom:k=1,loom:k=2:precision=static\n"
      "  apack-vp engines compare posenet.json --input photo.jpg --profile prof.yaml \\\n"
      "      --engines laconic:sync=pe,laconic:sync=engine --tech 28nm --json out.json\n"
      "Engine parameters: docs/engines.md.");
  cmd->callback([a] { run_compare(*a); });
}

}  // namespace apack::vp

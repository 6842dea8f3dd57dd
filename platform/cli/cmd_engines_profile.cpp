// apack-vp engines profile MODEL --input IMAGE --out PROFILE.yaml: the smallest per-layer
// precisions (Pa, Pw) keeping the network's outputs within a tolerance of the int8 model
// (docs/precision-profiles.md), written as a precision profile.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "apack/atomic_file.hpp"
#include "apack/error.hpp"
#include "apack/network/model_source.hpp"
#include "apack/network/precision_profile.hpp"
#include "apack/network/profiler.hpp"
#include "apack/run/network_inputs.hpp"
#include "engines_commands.hpp"
#include "progress.hpp"

namespace apack::vp {

using namespace apack::network;
using nlohmann::json;

namespace {

struct ProfileArgs {
  std::string model, out, json_out, preprocess = "auto", weights = "per-channel";
  std::vector<std::string> inputs, calibrate;
  double sqnr_db = 20.0, percentile = 100.0;
  bool top1 = false, sqnr_given = false, activations_only = false, weights_too = false;
  bool quiet = false;
  unsigned threads = 0;
  uint64_t seed = 1;
};

std::string describe_tolerance(const ProfileArgs& a) {
  std::ostringstream s;
  if (a.top1)
    s << "top-1 agreement (argmax of every output equal to the int8 model's on every input)";
  else
    s << "output SQNR >= " << a.sqnr_db << " dB against the int8 model (every output, every input)";
  return s.str();
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string db(double v) {
  if (std::isinf(v)) return "inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

void run(const ProfileArgs& a) {
  if (a.top1 && a.sqnr_given)
    throw Error("--sqnr and --top1 choose the tolerance: give one of them");
  if (a.activations_only && a.weights_too)
    throw Error("--weights-too and --activations-only exclude each other");
  const bool quiet = a.quiet || a.json_out == "-";
  Progress progress{quiet, {}};
  const auto t0 = std::chrono::steady_clock::now();

  progress.begin("loading " + a.model);
  ModelOptions mo;
  mo.seed = a.seed;
  const Graph g = load_model(a.model, mo);
  progress.end();
  if (g.inputs.size() != 1)
    throw Error(g.name + ": the profiler feeds one input tensor; the model takes " +
                std::to_string(g.inputs.size()));
  const image::Preprocess pre = choose_preprocess(g, a.preprocess);
  std::vector<std::vector<FloatTensor>> inputs, calibration;
  for (const auto& p : a.inputs) inputs.push_back({load_input(p, g, pre, std::nullopt)});
  for (const auto& p : a.calibrate) calibration.push_back({load_input(p, g, pre, std::nullopt)});

  ProfilerOptions o;
  o.tolerance = a.top1 ? Tolerance::Top1 : Tolerance::Sqnr;
  o.min_sqnr_db = a.sqnr_db;
  o.weights_too = !a.activations_only;
  o.reference.per_channel = a.weights == "per-channel";
  o.reference.percentile = a.percentile;
  o.threads = a.threads;
  if (!quiet)
    o.progress = [](const std::string& line) { std::cerr << "apack-vp: " << line << "\n"; };
  const ProfileResult r = profile_precisions(g, calibration, inputs, o);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  char avg[96];
  std::snprintf(avg, sizeof avg, "MAC-weighted average Pa %.2f, Pw %.2f bits", r.mac_avg_pa,
                r.mac_avg_pw);
  const std::string quality = "final: SQNR " + db(r.quality.min_sqnr_db) + " dB, top-1 " +
                              (r.quality.top1_agrees ? "agrees" : "differs");
  const std::vector<std::string> header = {
      "precision profile of " + g.name + " made by apack-vp engines profile",
      "tolerance: " + describe_tolerance(a),
      "inputs: " + join(a.inputs),
      "calibration: " + (a.calibrate.empty() ? std::string("the inputs") : join(a.calibrate)),
      std::string(o.weights_too ? "Pa and Pw searched" : "Pa searched, Pw at 8") + ", widths " +
          std::to_string(o.min_bits) + "..8; " + avg,
      quality + (r.locally_minimal ? "; no single layer can lose one bit" : ""),
      "format and meaning: docs/precision-profiles.md"};
  write_precision_profile(a.out, r.profile, header);

  json report;
  report["model"] = g.name;
  report["synthetic_values"] = g.synthetic_values;
  report["inputs"] = a.inputs;
  report["calibration"] = a.calibrate.empty() ? json("the inputs") : json(a.calibrate);
  report["tolerance"] =
      a.top1 ? json({{"kind", "top1"}}) : json({{"kind", "sqnr"}, {"min_db", a.sqnr_db}});
  report["weights_searched"] = o.weights_too;
  report["profile"] = a.out;
  report["layers"] = json::array();
  for (const auto& l : r.layers)
    report["layers"].push_back({{"index", l.index},
                                {"name", l.name},
                                {"macs", l.macs},
                                {"pa", l.pa},
                                {"pw", l.pw},
                                {"pa_alone", l.pa_alone},
                                {"pw_alone", l.pw_alone}});
  report["mac_weighted_pa"] = r.mac_avg_pa;
  report["mac_weighted_pw"] = r.mac_avg_pw;
  auto quality_json = [](const Quality& q) {
    return json{{"min_sqnr_db", std::isinf(q.min_sqnr_db) ? json("inf") : json(q.min_sqnr_db)},
                {"top1_agrees", q.top1_agrees},
                {"meets", q.meets}};
  };
  report["final"] = quality_json(r.quality);
  report["alone_widths_combined"] = quality_json(r.combined_alone);
  report["raises"] = r.raises;
  report["trims"] = r.trims;
  report["locally_minimal"] = r.locally_minimal;
  report["runs"] = r.runs;
  report["seconds"] = seconds;
  report["conflicts"] = r.conflicts;
  if (a.json_out == "-") {
    std::cout << report.dump(1) << "\n";
    return;
  }
  if (!a.json_out.empty()) write_file_atomic(a.json_out, report.dump(1) + "\n");

  std::printf("precision profile of %s; tolerance: %s\n", g.name.c_str(),
              describe_tolerance(a).c_str());
  if (g.synthetic_values) std::printf("SYNTHETIC VALUES: %s\n", g.synthetic_note.c_str());
  std::printf("%4s  %-56s %10s %4s %4s %9s\n", "#", "layer", "MACs", "Pa", "Pw", "alone");
  for (const auto& l : r.layers) {
    std::string name = l.name.size() > 56 ? "..." + l.name.substr(l.name.size() - 53) : l.name;
    std::printf("%4d  %-56s %10lld %4d %4d %4d/%-4d\n", l.index, name.c_str(),
                static_cast<long long>(l.macs), l.pa, l.pw, l.pa_alone, l.pw_alone);
  }
  std::printf("%s\n", avg);
  std::printf("%s (all layers at their alone widths: SQNR %s dB, top-1 %s)\n", quality.c_str(),
              db(r.combined_alone.min_sqnr_db).c_str(),
              r.combined_alone.top1_agrees ? "agrees" : "differs");
  std::printf("%d bit(s) added when combining, %d removed by trimming; %s\n", r.raises, r.trims,
              r.locally_minimal ? "no single layer can lose one bit and meet the tolerance"
                                : "trim passes stopped before certifying a local minimum");
  for (const auto& c : r.conflicts) std::printf("conflict: %s\n", c.c_str());
  std::printf("%d int runs in %.1f s; profile written to %s\n", r.runs, seconds, a.out.c_str());
  if (!a.json_out.empty()) std::printf("report written to %s\n", a.json_out.c_str());
}

}  // namespace

void add_engines_profile(CLI::App& engines) {
  auto a = std::make_shared<ProfileArgs>();
  CLI::App* cmd = engines.add_subcommand(
      "profile", "find the smallest per-layer precisions (Pa, Pw) within a tolerance");
  cmd->add_option("model", a->model, "TF.js model.json, .onnx file, or built-in topology name")
      ->required();
  cmd->add_option("--input", a->inputs,
                  "photo (or float32 .npy) the tolerance is checked on; repeat for more")
      ->required()
      ->expected(1, 1 << 20);
  cmd->add_option("--calibrate", a->calibrate,
                  "photos (or .npy) to calibrate activation ranges on; default: the inputs")
      ->expected(1, 1 << 20);
  cmd->add_option("--sqnr", a->sqnr_db,
                  "tolerance: output SQNR against the int8 model, in dB, on every output and input")
      ->capture_default_str();
  cmd->add_flag("--top1", a->top1,
                "tolerance: the argmax of every output equals the int8 model's on every input");
  cmd->add_flag("--weights-too", a->weights_too, "search Pw as well as Pa (the default)");
  cmd->add_flag("--activations-only", a->activations_only, "search Pa only; Pw stays 8");
  cmd->add_option("--out", a->out, "the precision profile to write (YAML)")->required();
  cmd->add_option("--json", a->json_out, "also write the report as JSON to this file (- = stdout)");
  cmd->add_option("--weights", a->weights, "weight scales: per-channel or per-tensor")
      ->check(CLI::IsMember({"per-channel", "per-tensor"}))
      ->capture_default_str();
  cmd->add_option("--percentile", a->percentile,
                  "calibration range: this percentile of |x| (100 = maximum)")
      ->capture_default_str();
  cmd->add_option("--preprocess", a->preprocess,
                  "photo preprocessing: auto, generic, posenet, emotion, blazeface")
      ->capture_default_str();
  cmd->add_option("--threads", a->threads, "worker threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--seed", a->seed, "seed of the synthetic values (built-in topologies)")
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", a->quiet, "no progress messages on stderr");
  cmd->footer(
      "Pa is the width of a layer's input activations (set on the layer producing them), Pw of\n"
      "its weights. Each layer is searched alone (others at 8), then all are combined, raising\n"
      "the noisiest layer one bit at a time until the tolerance holds, and finally each width is\n"
      "lowered while it still holds. See docs/precision-profiles.md.\n"
      "Example:\n"
      "  apack-vp engines profile posenet.json --input photo.jpg --sqnr 20 --out posenet.yaml\n"
      "  apack-vp engines compare posenet.json --input photo.jpg --profile posenet.yaml\n");
  cmd->callback([a, cmd] {
    a->sqnr_given = cmd->count("--sqnr") > 0;
    run(*a);
  });
}

}  // namespace apack::vp

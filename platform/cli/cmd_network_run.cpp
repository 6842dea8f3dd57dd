// apack-vp network run MODEL --input IMAGE|TENSOR.npy: fp32 and int8 reference inference.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "apack/atomic_file.hpp"
#include "apack/error.hpp"
#include "apack/network/model_source.hpp"
#include "apack/network/quantize.hpp"
#include "apack/network/readout.hpp"
#include "apack/network/trace.hpp"
#include "apack/npy.hpp"
#include "apack/run/network_inputs.hpp"
#include "commands.hpp"
#include "network_commands.hpp"
#include "progress.hpp"

namespace apack::vp {

using namespace apack::network;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct RunArgs {
  std::string model, input, crop, precision = "int8", weights = "per-channel";
  std::string preprocess = "auto", save_outputs, dump_layers;
  std::vector<std::string> calibrate;
  int weight_bits = 8, activation_bits = 8;
  double percentile = 100.0;
  unsigned threads = 0;
  uint64_t seed = 1;
  bool json = false, quiet = false;
};

// "MobilenetV1/heatmap_2/BiasAdd:0" -> "MobilenetV1_heatmap_2_BiasAdd"
std::string output_file_name(std::string name) {
  if (name.size() > 2 && name.compare(name.size() - 2, 2, ":0") == 0) name.resize(name.size() - 2);
  for (char& c : name)
    if (c == '/' || c == ':') c = '_';
  return name + ".npy";
}

// NHWC -> NCHW for outputs the source graph holds as NCHW.
FloatTensor as_source_layout(const FloatTensor& t, bool nchw) {
  if (!nchw || t.shape.size() != 4) return t;
  const int64_t H = t.shape[1], W = t.shape[2], C = t.shape[3];
  FloatTensor o{{t.shape[0], C, H, W}, std::vector<float>(t.data.size())};
  for (int64_t p = 0; p < H * W; ++p)
    for (int64_t c = 0; c < C; ++c) o.data[size_t(c * H * W + p)] = t.data[size_t(p * C + c)];
  return o;
}

void save_outputs(const Graph& g, const std::vector<FloatTensor>& outs, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir)) throw Error(dir + ": cannot create the output folder");
  for (size_t i = 0; i < g.outputs.size(); ++i) {
    const FloatTensor t = as_source_layout(outs[i], g.outputs[i].source_nchw);
    std::vector<uint64_t> shape(t.shape.begin(), t.shape.end());
    const auto bytes = npy_file(npy_header("<f4", false, shape),
                                reinterpret_cast<const uint8_t*>(t.data.data()), t.data.size() * 4);
    write_file_atomic((fs::path(dir) / output_file_name(g.outputs[i].name)).string(), bytes);
  }
}

json readout_json(const Readout& r) {
  json j = {{"model", r.model}, {"summary", r.lines}};
  if (!r.keypoints.empty()) {
    j["keypoints"] = json::array();
    for (const auto& k : r.keypoints)
      j["keypoints"].push_back({{"name", k.name}, {"y", k.y}, {"x", k.x}, {"score", k.score}});
  }
  if (r.emotion)
    j["class"] = {{"label", r.emotion->label},
                  {"index", r.emotion->index},
                  {"probability", r.emotion->probability}};
  if (r.face_score) {
    j["face_score"] = *r.face_score;
    j["face_found"] = *r.face_score >= kBlazefaceThreshold;
  }
  return j;
}

std::vector<FloatTensor> pick_outputs(const Graph& g, const std::vector<FloatTensor>& values) {
  std::vector<FloatTensor> out;
  for (const auto& o : g.outputs) out.push_back(values[size_t(o.layer)]);
  return out;
}

void run(const RunArgs& a) {
  Progress progress{a.quiet || a.json, {}};
  json report;
  const unsigned threads =
      a.threads ? a.threads : std::max(1u, std::thread::hardware_concurrency());
  const bool int8 = a.precision == "int8";
  QuantConfig qc;
  qc.weight_bits = a.weight_bits;
  qc.activation_bits = a.activation_bits;
  qc.per_channel = a.weights == "per-channel";
  qc.percentile = a.percentile;
  check_config(qc);
  if (!a.dump_layers.empty()) {
    if (!int8) throw Error("--dump-layers writes integer traces: use it with --precision int8");
    check_trace_target(a.dump_layers);
  }

  progress.begin("loading " + a.model);
  ModelOptions mo;
  mo.seed = a.seed;
  const Graph g = load_model(a.model, mo);
  report["timings_s"]["load"] = progress.end();
  const image::Preprocess pre = choose_preprocess(g, a.preprocess);
  std::optional<image::Crop> crop;
  if (!a.crop.empty()) crop = parse_crop(a.crop);
  const FloatTensor x = load_input(a.input, g, pre, crop);
  const double macs = double(g.macs());

  progress.begin("fp32 inference");
  const auto fp = run_fp32(g, {x}, threads);
  const double t_fp = progress.end();
  report["timings_s"]["fp32"] = t_fp;
  const std::vector<FloatTensor> fp_out = pick_outputs(g, fp);
  const Readout fp_read = read_outputs(g, fp_out);

  std::vector<FloatTensor> final_out = fp_out;
  std::optional<Readout> q_read;
  std::vector<double> sqnr;
  std::optional<QuantizedGraph> qg;
  std::optional<IntRun> irun;
  double t_int = 0.0;
  if (int8) {
    Calibration cal;
    if (a.calibrate.empty()) {
      add_calibration_run(cal, g, fp, qc.percentile);
    } else {
      progress.begin("calibrating on " + std::to_string(a.calibrate.size()) + " input(s)");
      for (const auto& path : a.calibrate)
        add_calibration_run(cal, g, run_fp32(g, {load_input(path, g, pre, std::nullopt)}, threads),
                            qc.percentile);
      report["timings_s"]["calibrate"] = progress.end();
    }
    qg = quantize(g, cal, qc);
    progress.begin("int" + std::to_string(qc.activation_bits) + " inference");
    irun = run_int(*qg, {x}, false, threads);
    t_int = progress.end();
    report["timings_s"]["int"] = t_int;
    final_out.clear();
    for (const auto& o : g.outputs) {
      const IntTensor& t = irun->values[size_t(o.layer)];
      final_out.push_back({t.shape, t.dequantized()});
    }
    q_read = read_outputs(g, final_out);
    for (size_t i = 0; i < final_out.size(); ++i)
      sqnr.push_back(sqnr_db(fp_out[i].data, final_out[i].data));
  }
  if (!a.save_outputs.empty()) save_outputs(g, final_out, a.save_outputs);
  size_t dumped = 0;
  if (!a.dump_layers.empty()) {
    progress.begin("writing layer traces to " + a.dump_layers);
    dumped = dump_traces(*qg, *irun, a.dump_layers);
    progress.end();
  }

  // Face keypoints (nose, eyes, ears) between fp32 and int8, in input pixels.
  std::vector<double> shift;
  if (q_read && !fp_read.keypoints.empty())
    for (size_t k = 0; k < 5; ++k)
      shift.push_back(std::hypot(fp_read.keypoints[k].y - q_read->keypoints[k].y,
                                 fp_read.keypoints[k].x - q_read->keypoints[k].x));
  const double rss = peak_rss_bytes();

  report["model"] = g.name;
  report["format"] = g.format;
  report["source"] = g.source;
  report["synthetic_values"] = g.synthetic_values;
  if (g.synthetic_values) report["synthetic_note"] = g.synthetic_note;
  report["input"] = a.input;
  report["preprocess"] = pre.name;
  if (crop) report["crop"] = {crop->x, crop->y, crop->w, crop->h};
  report["precision"] = a.precision;
  report["macs"] = g.macs();
  report["threads"] = threads;
  report["peak_rss_bytes"] = rss;
  report["fp32_macs_per_s"] = macs / t_fp;
  report["readout"]["fp32"] = readout_json(fp_read);
  report["outputs"] = json::array();
  for (size_t i = 0; i < g.outputs.size(); ++i) {
    json o = {{"name", g.outputs[i].name}, {"shape", g.layers[size_t(g.outputs[i].layer)].shape}};
    if (int8) o["sqnr_db"] = std::isfinite(sqnr[i]) ? json(sqnr[i]) : json("inf");
    report["outputs"].push_back(o);
  }
  if (int8) {
    report["quantization"] = {
        {"weight_bits", qc.weight_bits},
        {"weights", a.weights},
        {"activation_bits", qc.activation_bits},
        {"percentile", qc.percentile},
        {"calibration", a.calibrate.empty() ? json("the run's input") : json(a.calibrate)}};
    report["int_macs_per_s"] = macs / t_int;
    report["readout"]["int"] = readout_json(*q_read);
    if (!shift.empty()) report["face_keypoint_shift_px"] = shift;
  }
  if (dumped) report["dumped_layers"] = dumped;
  if (a.json) {
    std::cout << report.dump(1) << "\n";
    return;
  }
  std::printf("model %s (%s): %zu layers, %.3f GMAC; input %s (%s preprocessing)\n", g.name.c_str(),
              g.format.c_str(), g.layers.size(), macs / 1e9, a.input.c_str(), pre.name.c_str());
  if (g.synthetic_values) std::printf("SYNTHETIC VALUES: %s\n", g.synthetic_note.c_str());
  std::printf("fp32 inference: %.3f s, %.2f GMAC/s on %u thread(s)\n", t_fp, macs / t_fp / 1e9,
              threads);
  for (const auto& line : fp_read.lines) std::printf("  fp32 %s\n", line.c_str());
  if (int8) {
    std::printf(
        "int%d inference: %.3f s, %.2f GMAC/s; weights %s int%d, activations per tensor, "
        "calibrated on %s\n",
        qc.activation_bits, t_int, macs / t_int / 1e9, a.weights.c_str(), qc.weight_bits,
        a.calibrate.empty() ? "the run's input"
                            : (std::to_string(a.calibrate.size()) + " input(s)").c_str());
    for (const auto& line : q_read->lines) std::printf("  int  %s\n", line.c_str());
    std::printf("output SQNR int vs fp32:");
    for (size_t i = 0; i < sqnr.size(); ++i)
      std::printf("%s %s %.1f dB", i ? "," : "", g.outputs[i].name.c_str(), sqnr[i]);
    std::printf("\n");
    if (!shift.empty()) {
      std::printf("face keypoint shift fp32 -> int (px):");
      for (size_t k = 0; k < shift.size(); ++k)
        std::printf(" %s %.2f", kPosenetKeypoints[k].c_str(), shift[k]);
      std::printf("\n");
    }
  }
  if (!a.save_outputs.empty()) std::printf("outputs saved in %s\n", a.save_outputs.c_str());
  if (dumped) std::printf("%zu layer traces written to %s\n", dumped, a.dump_layers.c_str());
  std::printf("peak memory %.0f MiB\n", rss / 1048576.0);
}

}  // namespace

void register_network_run(CLI::App* network) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* cmd = network->add_subcommand("run", "run a model in fp32 and int8 on one input");
  cmd->add_option("model", a->model, "TF.js model.json, .onnx file, or built-in topology name")
      ->required();
  cmd->add_option("--input", a->input,
                  "PNG/JPEG photo, or a preprocessed float32 NHWC .npy fed as is")
      ->required();
  cmd->add_option("--crop", a->crop, "X,Y,W,H box of the photo to use (original pixels)");
  cmd->add_option("--precision", a->precision, "fp32, or int8 (also runs fp32 and compares)")
      ->check(CLI::IsMember({"fp32", "int8"}))
      ->capture_default_str();
  cmd->add_option("--weights", a->weights, "weight scales: per-channel or per-tensor")
      ->check(CLI::IsMember({"per-channel", "per-tensor"}))
      ->capture_default_str();
  cmd->add_option("--weight-bits", a->weight_bits, "weight width: 2..16")->capture_default_str();
  cmd->add_option("--activation-bits", a->activation_bits, "activation width: 2..16")
      ->capture_default_str();
  cmd->add_option("--calibrate", a->calibrate,
                  "photos (or .npy tensors) to calibrate activation ranges on; default: the input")
      ->expected(1, 1 << 20);
  cmd->add_option("--percentile", a->percentile,
                  "calibration range: this percentile of |x| (100 = maximum)")
      ->capture_default_str();
  cmd->add_option("--preprocess", a->preprocess,
                  "photo preprocessing: auto (preset named as the model, else generic), generic, "
                  "posenet, emotion, blazeface")
      ->capture_default_str();
  cmd->add_option("--save-outputs", a->save_outputs,
                  "folder for the graph outputs as float32 .npy (dequantized for int8)");
  cmd->add_option("--dump-layers", a->dump_layers,
                  "folder for per-layer integer traces (weights, inputs, outputs, trace.json)");
  cmd->add_option("--threads", a->threads, "worker threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--seed", a->seed, "seed of the synthetic values (built-in topologies)")
      ->capture_default_str();
  cmd->add_flag("--json", a->json, "print one JSON object to stdout instead of the summary");
  cmd->add_flag("--quiet", a->quiet, "no progress messages on stderr");
  cmd->footer(
      "Without --calibrate the activation ranges come from the run's own input. The int8 model\n"
      "and its rounding rules are described in docs/quantization.md; trace files in\n"
      "docs/traces.md; per-model preprocessing in docs/image-input.md.");
  cmd->callback([a] { run(*a); });
}

}  // namespace apack::vp

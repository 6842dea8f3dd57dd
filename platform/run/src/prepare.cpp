#include "apack/run/prepare.hpp"

#include <algorithm>
#include <optional>

#include "apack/error.hpp"
#include "apack/network/model_source.hpp"
#include "apack/network/precision_profile.hpp"
#include "apack/run/network_inputs.hpp"

namespace apack::run {

using namespace network;

ElementFormat output_format(const QuantizedGraph& qg, int layer) {
  const TensorQuant& q = qg.layers[size_t(layer)].out;
  return ElementFormat{q.is_signed, q.bits};
}

namespace {

// Adds every layer's output bytes of one int run to the per-layer histograms.
void add_profiles(std::vector<pipeline::TableProfile>& profiles, const QuantizedGraph& qg,
                  const IntRun& run) {
  for (size_t i = 0; i < run.values.size(); ++i) {
    const ElementFormat f = output_format(qg, int(i));
    if (f.bits > 8) continue;
    pipeline::TableProfile& p = profiles[i];
    p.format = f;
    std::vector<uint8_t> bytes(run.values[i].data.size());
    for (size_t k = 0; k < bytes.size(); ++k) bytes[k] = uint8_t(int8_t(run.values[i].data[k]));
    p.add(bytes.data(), bytes.size(), qg.graph->layers[i].name);
  }
}

}  // namespace

PreparedNetwork prepare_network(const scenario::Scenario& s,
                                const std::function<void(const std::string&)>& progress) {
  const scenario::NetworkSection& n = s.network;
  if (n.kind == scenario::ModelKind::trace)
    throw Error(s.source +
                ": network.model: trace folders are not supported by `run` yet; use "
                "a model file or a built-in topology");
  PreparedNetwork p;
  progress("loading " + n.model);
  ModelOptions mo;
  mo.seed = n.seed;
  p.graph = std::make_unique<Graph>(load_model(n.model, mo));
  const Graph& g = *p.graph;
  p.synthetic = g.synthetic_values;
  if (g.inputs.size() != 1)
    throw Error(n.model + ": the platform runs models with one input; this one has " +
                std::to_string(g.inputs.size()));
  if (n.inputs.empty() && !g.synthetic_values)
    throw Error(s.source + ": network.inputs: an image is required for " + n.model);
  const image::Preprocess pre = vp::choose_preprocess(g, n.preprocess);
  std::vector<FloatTensor> batch;
  for (int b = 0; b < s.batch; ++b)
    batch.push_back(n.inputs.empty() ? vp::synthetic_input(g, n.seed + uint64_t(b))
                                     : vp::load_input(n.inputs[size_t(b) % n.inputs.size()], g, pre,
                                                      std::nullopt));
  if (n.inputs.size() > size_t(s.batch))
    p.notes.push_back("only the first " + std::to_string(s.batch) + " of " +
                      std::to_string(n.inputs.size()) + " inputs run (batch " +
                      std::to_string(s.batch) + ")");

  QuantConfig qc;
  qc.weight_bits = n.quantization.weight_bits;
  qc.activation_bits = n.quantization.activation_bits;
  qc.per_channel = n.quantization.per_channel;
  qc.percentile = n.quantization.percentile;
  bool profiled = false;
  if (!n.profile.empty()) {
    const PrecisionProfile prof = load_precision_profile(n.profile, g);
    AppliedProfile applied = apply_precision_profile(g, prof, qc);
    qc = applied.config;
    for (const auto& c : applied.conflicts) p.notes.push_back("profile: " + c);
    profiled = true;
  }
  check_config(qc);

  progress("fp32 inference and calibration");
  std::vector<FloatTensor> calibration;
  for (const auto& path : n.calibrate) calibration.push_back(vp::load_input(path, g, pre, {}));
  Calibration cal;
  for (const auto& x : batch) add_calibration_run(cal, g, run_fp32(g, {x}), qc.percentile);
  for (const auto& c : calibration) add_calibration_run(cal, g, run_fp32(g, {c}), qc.percentile);
  p.qg = quantize(g, cal, qc);

  progress("int8 reference inference");
  for (const auto& x : batch) p.references.push_back(run_int(p.qg, {x}, true));
  const auto source =
      profiled ? engines::PrecisionSource::Quantization : engines::PrecisionSource::Data;
  p.layers = engines::network_layers(p.qg, p.references.front(), source);
  for (size_t b = 1; b < p.references.size(); ++b) {
    const auto other = engines::network_layers(p.qg, p.references[b], source);
    for (size_t i = 0; i < p.layers.size(); ++i) {
      engines::LayerWork& w = p.layers[i].work;
      w.act.precision = std::max(w.act.precision, other[i].work.act.precision);
      w.weight.precision = std::max(w.weight.precision, other[i].work.weight.precision);
    }
  }

  // Table profiles: the calibration inputs' activations (the input itself when none is given).
  p.profiles.assign(g.layers.size(), pipeline::TableProfile{});
  if (calibration.empty()) {
    for (const auto& ref : p.references) add_profiles(p.profiles, p.qg, ref);
    p.notes.push_back(
        "APack activation tables profiled on the inputs themselves (no "
        "calibration images in the scenario)");
  } else {
    for (const auto& c : calibration) add_profiles(p.profiles, p.qg, run_int(p.qg, {c}));
  }
  return p;
}

}  // namespace apack::run

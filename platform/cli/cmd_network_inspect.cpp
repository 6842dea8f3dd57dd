// apack-vp network inspect MODEL: layers, shapes, parameters, MACs and op coverage.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "apack/error.hpp"
#include "apack/network/model_source.hpp"
#include "apack/network/trace.hpp"
#include "network_commands.hpp"

namespace apack::vp {

using namespace apack::network;
using nlohmann::json;

namespace {

struct InspectArgs {
  std::string model;
  bool json = false;
  uint64_t seed = 1;
};

std::string layer_geometry(const Layer& l) {
  char buf[96] = "";
  if (l.kind == LayerKind::Conv || l.kind == LayerKind::MaxPool || l.kind == LayerKind::AvgPool)
    std::snprintf(buf, sizeof buf, "%ldx%ld/%ld%s%s", long(l.kernel_h), long(l.kernel_w),
                  long(l.stride_h), l.groups > 1 ? " g" : "",
                  l.groups > 1 ? std::to_string(l.groups).c_str() : "");
  return buf;
}

json layer_json(const Graph& g, size_t i) {
  const Layer& l = g.layers[i];
  json j = {{"index", i},
            {"name", l.name},
            {"kind", layer_kind_name(l.kind)},
            {"inputs", l.inputs},
            {"shape", l.shape},
            {"parameters", l.parameter_count()},
            {"macs", l.macs(g.layers)},
            {"sources", l.sources}};
  if (l.act != Act::None) j["activation"] = act_name(l.act);
  if (l.kind == LayerKind::Conv || l.kind == LayerKind::MaxPool || l.kind == LayerKind::AvgPool) {
    j["kernel"] = {l.kernel_h, l.kernel_w};
    j["stride"] = {l.stride_h, l.stride_w};
    j["pads"] = {l.pad_top, l.pad_bottom, l.pad_left, l.pad_right};
  }
  if (l.kind == LayerKind::Conv) {
    j["groups"] = l.groups;
    j["filters"] = l.out_channels;
    j["dilation"] = {l.dilation_h, l.dilation_w};
  }
  if (l.kind == LayerKind::FullyConnected) j["outputs"] = l.out_channels;
  return j;
}

void print_coverage(const std::vector<OpCoverage>& ops) {
  std::cout << "source ops:\n";
  for (const auto& o : ops) {
    std::cout << "  " << o.op << " x" << o.nodes.size() << (o.supported ? "" : "  UNSUPPORTED");
    if (!o.supported) {
      std::cout << " (used by ";
      for (size_t k = 0; k < o.nodes.size() && k < 5; ++k)
        std::cout << (k ? ", " : "") << o.nodes[k];
      if (o.nodes.size() > 5) std::cout << ", ... " << o.nodes.size() - 5 << " more";
      std::cout << ")";
    }
    std::cout << "\n";
  }
}

// A trace folder (trace.json + .npy): its layers as recorded, after every file was checked.
void inspect_trace(const InspectArgs& a) {
  const Trace t = load_trace(a.model);
  int64_t macs = 0;
  for (const auto& l : t.layers) macs += l.macs;
  if (a.json) {
    json j = {{"trace", t.dir},
              {"model", t.model},
              {"synthetic_values", t.synthetic_values},
              {"macs", macs},
              {"layers", json::array()}};
    for (const auto& l : t.layers)
      j["layers"].push_back({{"name", l.layer.name},
                             {"kind", l.layer.kind == LayerKind::Conv ? "conv" : "fc"},
                             {"input_shape", l.input_shape},
                             {"output_shape", l.layer.shape},
                             {"weights_shape", l.weights.shape},
                             {"has_output", bool(l.output)},
                             {"macs", l.macs}});
    std::cout << j.dump(1) << "\n";
    return;
  }
  std::cout << "trace " << t.dir << " of model " << (t.model.empty() ? "?" : t.model)
            << (t.synthetic_values ? " (SYNTHETIC VALUES)" : "") << "\n";
  std::printf("%4s  %-44s %-5s %-16s %-16s %-16s %14s\n", "#", "layer", "kind", "input", "weights",
              "output", "MACs");
  for (size_t i = 0; i < t.layers.size(); ++i) {
    const auto& l = t.layers[i];
    std::string name = l.layer.name.size() > 44
                           ? "..." + l.layer.name.substr(l.layer.name.size() - 41)
                           : l.layer.name;
    std::printf("%4zu  %-44s %-5s %-16s %-16s %-16s %14lld\n", i, name.c_str(),
                l.layer.kind == LayerKind::Conv ? "conv" : "fc", shape_str(l.input_shape).c_str(),
                shape_str(l.weights.shape).c_str(), shape_str(l.layer.shape).c_str(),
                (long long)l.macs);
  }
  std::printf("total: %zu layers, %lld MACs\n", t.layers.size(), (long long)macs);
}

void inspect(const InspectArgs& a) {
  if (std::filesystem::is_directory(a.model)) {
    inspect_trace(a);
    return;
  }
  const std::vector<OpCoverage> ops = model_op_coverage(a.model);
  size_t unsupported = 0;
  for (const auto& o : ops) unsupported += o.supported ? 0 : 1;
  if (unsupported) {
    if (a.json) {
      json j = {{"model", a.model}, {"importable", false}, {"ops", json::array()}};
      for (const auto& o : ops)
        j["ops"].push_back({{"op", o.op}, {"supported", o.supported}, {"nodes", o.nodes}});
      std::cout << j.dump(1) << "\n";
    } else {
      print_coverage(ops);
    }
    throw Error(a.model + ": " + std::to_string(unsupported) +
                " op type(s) are not supported (listed above); the model cannot be imported");
  }
  ModelOptions mo;
  mo.seed = a.seed;
  const Graph g = load_model(a.model, mo);
  if (a.json) {
    json j = {{"model", g.name},
              {"format", g.format},
              {"source", g.source},
              {"importable", true},
              {"synthetic_values", g.synthetic_values},
              {"parameters", g.parameter_count()},
              {"macs", g.macs()},
              {"inputs", json::array()},
              {"outputs", json::array()},
              {"layers", json::array()},
              {"ops", json::array()}};
    if (g.synthetic_values) j["synthetic_note"] = g.synthetic_note;
    for (int i : g.inputs)
      j["inputs"].push_back(
          {{"name", g.layers[size_t(i)].name}, {"shape", g.layers[size_t(i)].shape}});
    for (const auto& o : g.outputs)
      j["outputs"].push_back({{"name", o.name},
                              {"layer", g.layers[size_t(o.layer)].name},
                              {"shape", g.layers[size_t(o.layer)].shape}});
    for (size_t i = 0; i < g.layers.size(); ++i) j["layers"].push_back(layer_json(g, i));
    for (const auto& o : ops)
      j["ops"].push_back({{"op", o.op}, {"supported", o.supported}, {"count", o.nodes.size()}});
    std::cout << j.dump(1) << "\n";
    return;
  }
  std::cout << "model " << g.name << " (" << g.format << ", " << g.source << ")\n";
  if (g.synthetic_values) std::cout << "SYNTHETIC VALUES: " << g.synthetic_note << "\n";
  for (int i : g.inputs)
    std::cout << "input  " << g.layers[size_t(i)].name << " "
              << shape_str(g.layers[size_t(i)].shape) << "\n";
  for (const auto& o : g.outputs)
    std::cout << "output " << o.name << " " << shape_str(g.layers[size_t(o.layer)].shape) << "\n";
  std::printf("%4s  %-44s %-15s %-16s %-10s %-6s %10s %14s\n", "#", "layer", "kind", "output",
              "window", "act", "params", "MACs");
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const Layer& l = g.layers[i];
    std::string name = l.name.size() > 44 ? "..." + l.name.substr(l.name.size() - 41) : l.name;
    std::printf("%4zu  %-44s %-15s %-16s %-10s %-6s %10lld %14lld\n", i, name.c_str(),
                layer_kind_name(l.kind), shape_str(l.shape).c_str(), layer_geometry(l).c_str(),
                l.act == Act::None ? "" : act_name(l.act), (long long)l.parameter_count(),
                (long long)l.macs(g.layers));
  }
  std::printf("total: %zu layers, %lld parameters, %lld MACs (%.3f GMAC)\n", g.layers.size(),
              (long long)g.parameter_count(), (long long)g.macs(), double(g.macs()) / 1e9);
  std::fflush(stdout);
  if (!ops.empty()) print_coverage(ops);
}

}  // namespace

void register_network_inspect(CLI::App* network) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = network->add_subcommand(
      "inspect", "layers, shapes, parameters, MACs and op coverage of a model");
  cmd->add_option("model", args->model,
                  "TF.js model.json, .onnx file, built-in topology name, or a trace folder")
      ->required();
  cmd->add_flag("--json", args->json, "print one JSON object to stdout");
  cmd->add_option("--seed", args->seed, "seed of the synthetic values (built-in topologies)")
      ->capture_default_str();
  cmd->footer(
      "Exits with status 1, after listing them with the nodes using them, when the model uses\n"
      "ops the importer does not support.");
  cmd->callback([args] { inspect(*args); });
}

}  // namespace apack::vp

// The network section: which model, its inputs and calibration photos, quantization, profile.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>

#include "apack/error.hpp"
#include "apack/image/image.hpp"
#include "apack/network/builtin.hpp"
#include "read_sections.hpp"

namespace apack::scenario::detail {

namespace fs = std::filesystem;

namespace {

std::string builtin_list() {
  std::string list;
  for (const std::string& n : network::builtin_names()) list += (list.empty() ? "" : ", ") + n;
  return list;
}

void read_model(const Value& v, const Context& cx, NetworkSection& n) {
  const std::string text = v.text();
  if (network::is_builtin(text)) {
    n.model = text;
    n.kind = ModelKind::builtin;
    return;
  }
  const std::string path = resolve_path(cx.base_for(v.place()), text);
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st))
    v.fail("no such file or folder: " + path +
           " (a model is a TF.js model.json, an .onnx file, a trace folder, or a built-in "
           "topology: " +
           builtin_list() + ")");
  n.model = path;
  if (fs::is_directory(st)) {
    // A trace folder (docs/traces.md) is recognised by its trace.json.
    if (!fs::exists(fs::path(path) / "trace.json", ec))
      v.fail("the folder " + path + " holds no trace.json, so it is not a trace folder");
    n.kind = ModelKind::trace;
    return;
  }
  std::string ext = fs::path(path).extension().string();
  for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".json") {
    n.kind = ModelKind::tfjs;
  } else if (ext == ".onnx") {
    n.kind = ModelKind::onnx;
  } else {
    v.fail("a model file must be a TF.js model.json or an .onnx file, got " + path);
  }
}

std::vector<std::string> read_images(const Value& v, const Context& cx) {
  std::vector<std::string> out;
  for (const Value& e : v.list()) out.push_back(existing_file(e, cx, "image"));
  return out;
}

QuantizationSection read_quantization(const Value& v) {
  QuantizationSection q;
  const Map m = v.map();
  m.allow_only({"weight_bits", "activation_bits", "per_channel", "percentile"});
  // Widths 2..16 as the quantizer takes them (docs/quantization.md).
  if (auto x = m.find("weight_bits")) q.weight_bits = int(x->integer(2, 16));
  if (auto x = m.find("activation_bits")) q.activation_bits = int(x->integer(2, 16));
  if (auto x = m.find("per_channel")) q.per_channel = x->boolean();
  if (auto x = m.find("percentile")) q.percentile = x->number(0, 100, true);
  return q;
}

}  // namespace

NetworkSection read_network(const Value& section, const Context& cx) {
  NetworkSection n;
  const Map m = section.map();
  m.allow_only({"model", "inputs", "calibrate", "preprocess", "quantization", "profile", "seed"});
  const Value model = m.get("model");
  read_model(model, cx, n);
  const auto inputs = m.find("inputs");
  const auto calibrate = m.find("calibrate");
  if (n.kind == ModelKind::trace) {
    // A trace already holds every layer's values: there is nothing to feed or quantize.
    for (const char* key : {"inputs", "calibrate", "preprocess", "quantization", "profile"})
      if (auto v = m.find(key))
        v->fail(
            "not used with a trace folder (network.model), which already holds the layer "
            "values and their quantization");
  }
  if (inputs) n.inputs = read_images(*inputs, cx);
  if (n.inputs.empty() && (n.kind == ModelKind::tfjs || n.kind == ModelKind::onnx)) {
    if (inputs) inputs->fail("needs at least one image for the model " + n.model);
    m.place()
        .child("inputs", m.place().line)
        .fail("missing: the model " + n.model +
              " needs input images (only built-in topologies run without: a seeded synthetic "
              "input)");
  }
  if (calibrate) n.calibrate = read_images(*calibrate, cx);
  if (auto v = m.find("preprocess")) {
    std::vector<std::string> allowed = {"auto", "generic"};
    for (const std::string& p : image::preset_names()) allowed.push_back(p);
    n.preprocess = v->choice(allowed);
  }
  if (auto v = m.find("quantization")) n.quantization = read_quantization(*v);
  if (auto v = m.find("profile")) n.profile = existing_file(*v, cx, "precision profile");
  if (auto v = m.find("seed")) n.seed = uint64_t(v->integer(0, INT64_MAX));
  return n;
}

}  // namespace apack::scenario::detail

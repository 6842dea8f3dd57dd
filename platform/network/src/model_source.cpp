#include "apack/network/model_source.hpp"

#include "apack/error.hpp"
#include "apack/network/builtin.hpp"
#include "apack/network/onnx_import.hpp"
#include "apack/network/tfjs.hpp"
#include "apack/network/tfjs_import.hpp"

namespace apack::network {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

const char* model_kind_name(ModelKind k) {
  switch (k) {
    case ModelKind::Tfjs:
      return "tfjs";
    case ModelKind::Onnx:
      return "onnx";
    case ModelKind::Builtin:
      return "builtin";
  }
  return "?";
}

ModelKind model_kind(const std::string& model) {
  if (is_builtin(model)) return ModelKind::Builtin;
  if (ends_with(model, ".onnx")) return ModelKind::Onnx;
  if (ends_with(model, ".json")) return ModelKind::Tfjs;
  std::string names;
  for (const auto& n : builtin_names()) names += (names.empty() ? "" : ", ") + n;
  throw Error(model +
              ": not a model: give a TF.js model.json, an .onnx file or a built-in "
              "topology (" +
              names + ")");
}

Graph load_model(const std::string& model, const ModelOptions& options) {
  switch (model_kind(model)) {
    case ModelKind::Builtin:
      return builtin_graph(model, options.seed);
    case ModelKind::Onnx:
      return load_onnx_graph(model, options.input_shapes);
    case ModelKind::Tfjs:
      return load_tfjs_graph(model, options.input_shapes);
  }
  throw Error(model + ": unknown model kind");
}

std::vector<OpCoverage> model_op_coverage(const std::string& model) {
  std::vector<OpCoverage> out;
  switch (model_kind(model)) {
    case ModelKind::Builtin:
      break;
    case ModelKind::Onnx:
      for (const auto& u : onnx_op_coverage(model)) out.push_back({u.op, u.nodes, u.supported});
      break;
    case ModelKind::Tfjs:
      for (const auto& u : op_coverage(load_tfjs_model(model)))
        out.push_back({u.op, u.nodes, tfjs_op_supported(u.op)});
      break;
  }
  return out;
}

}  // namespace apack::network

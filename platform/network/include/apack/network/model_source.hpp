// One entry point for every way a user names a model: a TF.js `model.json`, an `.onnx` file, or
// a built-in topology name. `network inspect` and `network run` use it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apack/network/graph.hpp"

namespace apack::network {

enum class ModelKind { Tfjs, Onnx, Builtin };
const char* model_kind_name(ModelKind k);

// Which importer a model name goes to: a built-in name, a path ending in .onnx, or a path ending
// in .json. Throws apack::Error saying what is accepted otherwise (and listing the built-ins).
ModelKind model_kind(const std::string& model);

struct ModelOptions {
  std::vector<Shape> input_shapes;  // overrides for inputs of unknown size (imports)
  uint64_t seed = 1;                // synthetic values of built-in topologies
};

Graph load_model(const std::string& model, const ModelOptions& options = {});

// The ops of the model's source format, with the nodes using each and whether the importer
// supports it (built-in topologies: empty).
struct OpCoverage {
  std::string op;
  std::vector<std::string> nodes;
  bool supported = true;
};
std::vector<OpCoverage> model_op_coverage(const std::string& model);

}  // namespace apack::network

// ONNX importer: reads an .onnx model (protobuf ModelProto, opset 6 and later) into the layer IR
// (graph.hpp). See docs/onnx-import.md for the supported ops, the NCHW -> NHWC conversion and
// what is folded at import.
#pragma once

#include <string>
#include <vector>

#include "apack/network/graph.hpp"

namespace apack::network {

// Loads `path` into a validated Graph (format "onnx", name = file stem, source = path).
// `input_shapes`, when given, holds one shape per graph input (the inputs that are not
// initializers, in file order) in ONNX layout (e.g. {1, 3, 224, 224}); it replaces the shapes
// the file declares, which is needed when they are symbolic (a symbolic batch dimension alone is
// taken as 1). Throws apack::FormatError naming the file (and the node) on anything it cannot
// represent: an unsupported op (every one is listed with its nodes), a corrupt or truncated file,
// attributes outside what the IR expresses.
Graph load_onnx_graph(const std::string& path, const std::vector<Shape>& input_shapes = {});

// One op type of a model and the nodes using it, in order of first use. Ops outside the default
// domain are spelled "domain:Op" (e.g. "com.microsoft:FusedConv").
struct OnnxOpUse {
  std::string op;
  std::vector<std::string> nodes;  // node names (a node without a name: its first output)
  bool supported = false;          // the importer knows the op type
};

// Every op type of the model at `path` (for `network inspect`). Parses the file only: it throws
// apack::FormatError for a file that is not an ONNX model, never for unsupported ops.
std::vector<OnnxOpUse> onnx_op_coverage(const std::string& path);

// The op types of onnx_op_coverage(path) that load_onnx_graph refuses; empty when all are known.
std::vector<OnnxOpUse> unsupported_onnx_ops(const std::string& path);

// True when the importer knows `op` (default-domain op type, e.g. "Conv").
bool onnx_op_supported(const std::string& op);

}  // namespace apack::network

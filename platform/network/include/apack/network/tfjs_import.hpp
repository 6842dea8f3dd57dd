// TF.js graph model -> the platform's layer IR (graph.hpp).
//
// load_tfjs_model (tfjs.hpp) gives the graph as the converter wrote it; this step gives it
// meaning: each supported op becomes a layer (or is folded into one), weights are converted to
// the IR's layouts, TF's SAME padding is resolved to explicit pads, and every shape is inferred
// and checked as layers are added (validate() runs last).
//
// Ops: Placeholder (-> Input), Const, Identity (skipped: its consumers read its input),
// Conv2D / _FusedConv2D (filters HWIO -> OHWI; Ci < C gives a grouped conv), DepthwiseConv2dNative
// / FusedDepthwiseConv2dNative (filters HWCM -> OHWI, groups = C, F = C*M, filter c*M+m reads
// channel c), MatMul / _FusedMatMul (transpose_a/_b; weights [C][F] -> [F][C]), BiasAdd, Add,
// AddV2, Sub, Mul, Maximum, Minimum, Relu, Relu6, Prelu, Sigmoid, Tanh, Softmax, MaxPool, AvgPool
// (SAME, VALID, EXPLICIT), Mean over axes 1,2 (-> GlobalAvgPool, keep_dims from the attribute),
// Pad, PadV2 (constant paddings, not on the batch), ConcatV2 (axis may be negative), Reshape
// (one -1 resolved), Squeeze (-> Reshape; without squeeze_dims every size-1 dimension but the
// batch). The fused ops read are BiasAdd, then optionally Relu, Relu6 or Prelu (num_args must
// agree); data_format must be NHWC.
//
// Folding, only when the intermediate value has exactly one consumer and is not a graph output:
// - BiasAdd, and Add/AddV2/Sub/Mul with a constant that is one value or one per output channel,
//   into a preceding Conv/FullyConnected without activation (Mul scales the filter's weights and
//   the bias; batch norm written as Mul then Add folds completely);
// - Relu, Relu6, Prelu into a preceding Conv/FullyConnected/Add/Sub/Mul without activation;
// - Minimum(x, hi) then Maximum(., lo), or the other order, with one-value constants: Relu6 when
//   [lo, hi] = [0, 6], else Clip, fused into the producer when it can take it, else a stand-alone
//   Activation layer.
// A layer is named after the last node folded into it; Layer::sources lists the folded nodes in
// order. Constants that do not fold become Const layers (one per Const node) named after the
// node. Only nodes the graph outputs depend on are imported.
//
// Graph inputs are the signature's inputs (else every Placeholder), in that order; graph outputs
// the signature's outputs named as spelled (e.g. "MobilenetV1/heatmap_2/BiasAdd:0"), else the
// nodes nobody consumes ("node:0").

#pragma once

#include <string>
#include <vector>

#include "apack/network/graph.hpp"
#include "apack/network/tfjs.hpp"

namespace apack::network {

// Builds the IR graph of a loaded model. `input_shapes`, when not empty, gives one shape per
// graph input (the order of model.inputs, i.e. of Graph::inputs) and replaces the declared
// shape (e.g. to run a fully convolutional model at another resolution, or to fix dimensions
// the model leaves unknown). Without it an unknown batch dimension (-1) becomes 1 and any other
// unknown dimension is an error naming the Placeholder.
// Throws apack::FormatError naming the model file and the node: unsupported ops (all of them,
// with the first nodes using each), unsupported attributes, shape mismatches.
Graph import_tfjs(const TfjsModel& model, const std::vector<Shape>& input_shapes = {});

// load_tfjs_model + import_tfjs.
Graph load_tfjs_graph(const std::string& model_json_path,
                      const std::vector<Shape>& input_shapes = {});

// Whether import_tfjs understands an op type.
bool tfjs_op_supported(const std::string& op);

// The ops of the model import_tfjs does not support, in order of first use, with the nodes
// using each (empty when the model can be imported as far as ops go).
std::vector<OpUsage> unsupported_tfjs_ops(const TfjsModel& model);

}  // namespace apack::network

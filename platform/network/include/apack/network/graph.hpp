// The platform's network representation: a topologically ordered list of layers, each producing
// exactly one tensor. Importers (TF.js, ONNX, built-in topologies) build it; the fp32 and int8
// reference executors, quantization, traces and later the engines and the mapper consume it.
//
// Conventions (every importer converts to these):
// - Activations are batch-1 tensors; spatial tensors are NHWC with shape {1, H, W, C}. Other
//   ranks (e.g. {1, C} after a fully connected layer, {1, 512, 1} after a reshape) are allowed;
//   layers that need NHWC check for it.
// - Convolution weights are OHWI: [F][Kh][Kw][C/groups]. Depthwise is groups == C with F a
//   multiple of C (filter f reads input channel f / (F/C)). Fully connected weights are [F][C].
// - Padding is explicit (top, bottom, left, right); importers resolve TF's SAME rule.
// - Values are float32; quantization (quantize.hpp) turns them into integers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace apack::network {

using Shape = std::vector<int64_t>;
int64_t element_count(const Shape& s);
std::string shape_str(const Shape& s);  // "1x385x385x3"

enum class LayerKind {
  Input,  // graph input (no inputs)
  Const,  // a constant tensor used as an operand of an element-wise layer
  Conv,   // 2-D convolution incl. grouped/depthwise, fused bias and activation
  // Input flattened in the IR's row-major order (NHWC: h, w, c) to C; fused bias and activation.
  // Importers of NCHW Flatten+Gemm permute the weight columns to this order.
  FullyConnected,
  MaxPool,        // padding cells never win the maximum (treated as -inf)
  AvgPool,        // padding cells are excluded from the average (TF and ONNX default)
  GlobalAvgPool,  // mean over H and W; output {1,1,1,C} (keep_dims) or {1,C}
  Add,            // element-wise with broadcasting (numpy rules); fused activation allowed
  Sub,
  Mul,
  Maximum,
  Minimum,
  Concat,      // along `axis`
  Pad,         // constant padding per dimension (`pads`), value `pad_value`
  Activation,  // stand-alone activation `act`
  Softmax,     // over the last axis
  Reshape,     // to the preset `shape` (also Squeeze and Flatten); element count unchanged
};
const char* layer_kind_name(LayerKind k);

enum class Act { None, Relu, Relu6, Clip, PRelu, Sigmoid, Tanh };
const char* act_name(Act a);

struct Layer {
  std::string name;  // unique; for imported graphs the name of the node producing the value
  LayerKind kind = LayerKind::Input;
  std::vector<int> inputs;  // indices of earlier layers
  Shape shape;              // output shape

  // Conv / FullyConnected
  int64_t out_channels = 0;  // F
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t groups = 1;
  std::vector<float> weights;  // OHWI (conv) or [F][C] (fully connected)
  std::vector<float> bias;     // F values (zeros when the source had none)
  bool has_bias = true;        // false when `bias` is zeros the source model did not have
  // Conv / MaxPool / AvgPool
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  // Fused (Conv, FullyConnected, Add, Sub, Mul) or stand-alone (Activation) activation.
  Act act = Act::None;
  // Act::Clip bounds. Act::Relu6 means 0..6 whatever these hold (importers may fill them).
  float clip_min = 0.0f, clip_max = 0.0f;
  std::vector<float> alpha;  // Act::PRelu: one slope per channel (or one)
  // GlobalAvgPool: {1,1,1,C} when true, {1,C} when false
  bool keep_dims = true;
  // Concat
  int axis = -1;
  // Pad: before/after for every dimension of the input, {b0, a0, b1, a1, ...}
  std::vector<int64_t> pads;
  float pad_value = 0.0f;
  // Const
  std::vector<float> values;

  // The source nodes folded into this layer, in order (for messages, inspect and traces).
  std::vector<std::string> sources;

  bool has_weights() const { return kind == LayerKind::Conv || kind == LayerKind::FullyConnected; }
  int64_t in_channels() const;  // Conv/FullyConnected: C (total, not per group)
  // Weights, bias (when the source had one) and PReLU slopes; Const values are not counted.
  int64_t parameter_count() const;
  // Conv and FullyConnected multiply-accumulates per inference; 0 for every other kind.
  int64_t macs(const std::vector<Layer>& all) const;
};

struct GraphOutput {
  std::string name;  // as the source spells it, e.g. "MobilenetV1/heatmap_2/BiasAdd:0"
  int layer = -1;
  // The source graph holds this output as NCHW (ONNX): saved outputs are transposed back from
  // the IR's NHWC so users get the shape they know.
  bool source_nchw = false;
};

struct Graph {
  std::string name;    // model name (file stem or topology name)
  std::string source;  // file path, or "built-in"
  std::string format;  // "tfjs", "onnx", "builtin", "trace"
  // True when the weights are synthetic (built-in topologies): every report says so.
  bool synthetic_values = false;
  std::string synthetic_note;  // how the values were made (distribution, seed)
  std::vector<Layer> layers;   // topological order
  std::vector<int> inputs;     // Input layers
  std::vector<GraphOutput> outputs;

  int find(const std::string& layer_name) const;  // -1 when absent
  int64_t parameter_count() const;
  int64_t macs() const;
};

// Sizes no real model reaches; importers refuse larger ones as corrupt before shape arithmetic
// (which would overflow int64) or allocation depends on them.
constexpr int64_t kMaxLayerSize = int64_t(1) << 31;     // a dimension, kernel, stride, pad...
constexpr int64_t kMaxTensorValues = int64_t(1) << 31;  // values of one tensor

// What of a new layer's sizes (filters, kernel, groups, strides, dilations, paddings, weight
// count, and its shape when every dimension is known) exceeds those limits, e.g. "the weight
// count"; empty when nothing does. Importers call it before infer_shape.
std::string oversized_part(const Layer& layer);

// Checks the graph's structure and recomputes every output shape from the inputs' shapes and the
// layer parameters, throwing apack::FormatError naming the graph and the layer on the first
// inconsistency (bad input index, weight size, channel mismatch, broadcast failure...).
// Importers call it last; the executors rely on it.
void validate(Graph& graph);

// Output shape of one layer from its inputs' shapes (used by importers and validate()).
Shape infer_shape(const Graph& graph, const Layer& layer);

// The operation of an Add/Sub/Mul/Maximum/Minimum layer on two values (any arithmetic type).
template <typename T>
T elementwise_op(LayerKind kind, T x, T y) {
  switch (kind) {
    case LayerKind::Add:
      return x + y;
    case LayerKind::Sub:
      return x - y;
    case LayerKind::Mul:
      return x * y;
    case LayerKind::Maximum:
      return x > y ? x : y;
    default:
      return x < y ? x : y;  // Minimum
  }
}

// TF's SAME padding for one spatial dimension: total = max((ceil(in/stride)-1)*stride +
// (k-1)*dilation + 1 - in, 0), split with the smaller half first.
void same_padding(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, int64_t& before,
                  int64_t& after);

}  // namespace apack::network

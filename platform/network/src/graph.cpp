#include "apack/network/graph.hpp"

#include <algorithm>
#include <sstream>
#include <unordered_set>

#include "apack/error.hpp"

namespace apack::network {

int64_t element_count(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

std::string shape_str(const Shape& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += 'x';
    out += std::to_string(s[i]);
  }
  return out.empty() ? "scalar" : out;
}

const char* layer_kind_name(LayerKind k) {
  switch (k) {
    case LayerKind::Input:
      return "Input";
    case LayerKind::Const:
      return "Const";
    case LayerKind::Conv:
      return "Conv";
    case LayerKind::FullyConnected:
      return "FullyConnected";
    case LayerKind::MaxPool:
      return "MaxPool";
    case LayerKind::AvgPool:
      return "AvgPool";
    case LayerKind::GlobalAvgPool:
      return "GlobalAvgPool";
    case LayerKind::Add:
      return "Add";
    case LayerKind::Sub:
      return "Sub";
    case LayerKind::Mul:
      return "Mul";
    case LayerKind::Maximum:
      return "Maximum";
    case LayerKind::Minimum:
      return "Minimum";
    case LayerKind::Concat:
      return "Concat";
    case LayerKind::Pad:
      return "Pad";
    case LayerKind::Activation:
      return "Activation";
    case LayerKind::Softmax:
      return "Softmax";
    case LayerKind::Reshape:
      return "Reshape";
  }
  return "?";
}

const char* act_name(Act a) {
  switch (a) {
    case Act::None:
      return "none";
    case Act::Relu:
      return "relu";
    case Act::Relu6:
      return "relu6";
    case Act::Clip:
      return "clip";
    case Act::PRelu:
      return "prelu";
    case Act::Sigmoid:
      return "sigmoid";
    case Act::Tanh:
      return "tanh";
  }
  return "?";
}

int64_t Layer::in_channels() const {
  if (kind == LayerKind::Conv) {
    int64_t per_group = out_channels && kernel_h && kernel_w
                            ? int64_t(weights.size()) / (out_channels * kernel_h * kernel_w)
                            : 0;
    return per_group * groups;
  }
  if (kind == LayerKind::FullyConnected)
    return out_channels ? int64_t(weights.size()) / out_channels : 0;
  return 0;
}

int64_t Layer::parameter_count() const {
  return int64_t(weights.size() + (has_bias ? bias.size() : 0) + alpha.size());
}

int64_t Layer::macs(const std::vector<Layer>& /*all*/) const {
  if (kind == LayerKind::Conv) {
    if (shape.size() != 4) return 0;
    return shape[1] * shape[2] * int64_t(weights.size());
  }
  if (kind == LayerKind::FullyConnected) return int64_t(weights.size());
  return 0;
}

int Graph::find(const std::string& layer_name) const {
  for (size_t i = 0; i < layers.size(); ++i)
    if (layers[i].name == layer_name) return int(i);
  return -1;
}

int64_t Graph::parameter_count() const {
  int64_t n = 0;
  for (const auto& l : layers) n += l.parameter_count();
  return n;
}

int64_t Graph::macs() const {
  int64_t n = 0;
  for (const auto& l : layers) n += l.macs(layers);
  return n;
}

std::string oversized_part(const Layer& l) {
  for (int64_t v : {l.out_channels, l.kernel_h, l.kernel_w, l.groups, l.stride_h, l.stride_w,
                    l.dilation_h, l.dilation_w, l.pad_top, l.pad_bottom, l.pad_left, l.pad_right})
    if (v > kMaxLayerSize) return "a filter count, kernel size, stride, dilation or padding";
  for (int64_t v : l.pads)
    if (v > kMaxLayerSize) return "a padding";
  if (int64_t(l.weights.size()) > kMaxTensorValues) return "the weight count";
  int64_t n = 1;
  for (int64_t d : l.shape) {
    if (d <= 0) return {};  // not known yet: infer_shape computes it
    if (n > kMaxTensorValues / d) return "the shape " + shape_str(l.shape);
    n *= d;
  }
  return {};
}

void same_padding(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, int64_t& before,
                  int64_t& after) {
  int64_t out = (in + stride - 1) / stride;
  int64_t effective = (kernel - 1) * dilation + 1;
  int64_t total = std::max<int64_t>((out - 1) * stride + effective - in, 0);
  before = total / 2;
  after = total - before;
}

namespace {

[[noreturn]] void fail(const Graph& g, const Layer& l, const std::string& what) {
  std::ostringstream msg;
  msg << (g.source.empty() ? g.name : g.source) << ": layer '" << l.name << "' ("
      << layer_kind_name(l.kind) << "): " << what;
  throw FormatError(msg.str());
}

const Shape& input_shape(const Graph& g, const Layer& l, size_t i) {
  if (i >= l.inputs.size()) fail(g, l, "missing input " + std::to_string(i));
  return g.layers[size_t(l.inputs[i])].shape;
}

void require_nhwc(const Graph& g, const Layer& l, const Shape& s) {
  if (s.size() != 4 || s[0] != 1) fail(g, l, "needs a 1xHxWxC input, got " + shape_str(s));
}

void require_inputs(const Graph& g, const Layer& l, size_t n) {
  if (l.inputs.size() != n)
    fail(g, l, "takes " + std::to_string(n) + " input(s), has " + std::to_string(l.inputs.size()));
}

int64_t window_out(const Graph& g, const Layer& l, int64_t in, int64_t k, int64_t stride,
                   int64_t dil, int64_t before, int64_t after, const char* dim) {
  if (k < 1 || stride < 1 || dil < 1 || before < 0 || after < 0)
    fail(g, l, std::string("bad window along ") + dim);
  int64_t span = (k - 1) * dil + 1;
  int64_t padded = in + before + after;
  if (padded < span)
    fail(g, l,
         std::string("window of ") + std::to_string(span) + " does not fit the padded " + dim +
             " of " + std::to_string(padded));
  return (padded - span) / stride + 1;
}

Shape broadcast(const Graph& g, const Layer& l, const Shape& a, const Shape& b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      fail(g, l, "cannot broadcast " + shape_str(a) + " with " + shape_str(b));
    out[i] = std::max(da, db);
  }
  return out;
}

void check_activation(const Graph& g, const Layer& l, int64_t channels) {
  if (l.act == Act::PRelu) {
    if (l.alpha.size() != 1 && int64_t(l.alpha.size()) != channels)
      fail(g, l,
           "PReLU has " + std::to_string(l.alpha.size()) + " slopes for " +
               std::to_string(channels) + " channels");
  } else if (!l.alpha.empty()) {
    fail(g, l, "slopes given without PReLU");
  }
  if (l.act == Act::Clip && !(l.clip_min <= l.clip_max)) fail(g, l, "clip range is empty");
}

}  // namespace

Shape infer_shape(const Graph& g, const Layer& l) {
  switch (l.kind) {
    case LayerKind::Input:
    case LayerKind::Const: {
      require_inputs(g, l, 0);
      if (l.shape.empty()) fail(g, l, "has no shape");
      for (int64_t d : l.shape)
        if (d <= 0) fail(g, l, "has a non-positive dimension in " + shape_str(l.shape));
      if (l.kind == LayerKind::Const && int64_t(l.values.size()) != element_count(l.shape))
        fail(
            g, l,
            "holds " + std::to_string(l.values.size()) + " values for shape " + shape_str(l.shape));
      return l.shape;
    }
    case LayerKind::Conv: {
      require_inputs(g, l, 1);
      const Shape& in = input_shape(g, l, 0);
      require_nhwc(g, l, in);
      int64_t c = in[3], f = l.out_channels;
      if (l.groups < 1 || c % l.groups || f < 1 || f % l.groups)
        fail(g, l,
             "groups " + std::to_string(l.groups) + " do not divide " + std::to_string(c) +
                 " input and " + std::to_string(f) + " output channels");
      int64_t expect = f * l.kernel_h * l.kernel_w * (c / l.groups);
      if (int64_t(l.weights.size()) != expect)
        fail(g, l,
             "has " + std::to_string(l.weights.size()) + " weights, expected " +
                 std::to_string(expect) + " (" + std::to_string(f) + "x" +
                 std::to_string(l.kernel_h) + "x" + std::to_string(l.kernel_w) + "x" +
                 std::to_string(c / l.groups) + " for input " + shape_str(in) + ")");
      if (int64_t(l.bias.size()) != f) fail(g, l, "bias size differs from the filter count");
      check_activation(g, l, f);
      int64_t oh = window_out(g, l, in[1], l.kernel_h, l.stride_h, l.dilation_h, l.pad_top,
                              l.pad_bottom, "height");
      int64_t ow = window_out(g, l, in[2], l.kernel_w, l.stride_w, l.dilation_w, l.pad_left,
                              l.pad_right, "width");
      return {1, oh, ow, f};
    }
    case LayerKind::FullyConnected: {
      require_inputs(g, l, 1);
      const Shape& in = input_shape(g, l, 0);
      if (in.empty() || in[0] != 1) fail(g, l, "needs a batch-1 input, got " + shape_str(in));
      int64_t c = element_count(in), f = l.out_channels;
      if (f < 1 || int64_t(l.weights.size()) != f * c)
        fail(g, l,
             "has " + std::to_string(l.weights.size()) + " weights, expected " + std::to_string(f) +
                 "x" + std::to_string(c) + " for input " + shape_str(in));
      if (int64_t(l.bias.size()) != f) fail(g, l, "bias size differs from the output count");
      check_activation(g, l, f);
      return {1, f};
    }
    case LayerKind::MaxPool:
    case LayerKind::AvgPool: {
      require_inputs(g, l, 1);
      const Shape& in = input_shape(g, l, 0);
      require_nhwc(g, l, in);
      int64_t oh =
          window_out(g, l, in[1], l.kernel_h, l.stride_h, 1, l.pad_top, l.pad_bottom, "height");
      int64_t ow =
          window_out(g, l, in[2], l.kernel_w, l.stride_w, 1, l.pad_left, l.pad_right, "width");
      if (l.pad_top >= l.kernel_h || l.pad_bottom >= l.kernel_h || l.pad_left >= l.kernel_w ||
          l.pad_right >= l.kernel_w)
        fail(g, l, "padding as large as the window leaves windows without input");
      return {1, oh, ow, in[3]};
    }
    case LayerKind::GlobalAvgPool: {
      require_inputs(g, l, 1);
      const Shape& in = input_shape(g, l, 0);
      require_nhwc(g, l, in);
      return l.keep_dims ? Shape{1, 1, 1, in[3]} : Shape{1, in[3]};
    }
    case LayerKind::Add:
    case LayerKind::Sub:
    case LayerKind::Mul:
    case LayerKind::Maximum:
    case LayerKind::Minimum: {
      require_inputs(g, l, 2);
      Shape out = broadcast(g, l, input_shape(g, l, 0), input_shape(g, l, 1));
      check_activation(g, l, out.empty() ? 1 : out.back());
      return out;
    }
    case LayerKind::Concat: {
      if (l.inputs.empty()) fail(g, l, "has no inputs");
      Shape out = input_shape(g, l, 0);
      int rank = int(out.size());
      int axis = l.axis < 0 ? l.axis + rank : l.axis;
      if (axis < 0 || axis >= rank)
        fail(g, l, "axis " + std::to_string(l.axis) + " is out of range");
      for (size_t i = 1; i < l.inputs.size(); ++i) {
        const Shape& s = input_shape(g, l, i);
        bool ok = int(s.size()) == rank;
        for (int d = 0; ok && d < rank; ++d) ok = d == axis || s[size_t(d)] == out[size_t(d)];
        if (!ok)
          fail(g, l,
               "cannot concatenate " + shape_str(out) + " and " + shape_str(s) + " along axis " +
                   std::to_string(axis));
        out[size_t(axis)] += s[size_t(axis)];
      }
      return out;
    }
    case LayerKind::Pad: {
      require_inputs(g, l, 1);
      const Shape& in = input_shape(g, l, 0);
      if (l.pads.size() != 2 * in.size())
        fail(g, l,
             "needs " + std::to_string(2 * in.size()) + " pad amounts for input " + shape_str(in));
      Shape out = in;
      for (size_t d = 0; d < in.size(); ++d) {
        if (l.pads[2 * d] < 0 || l.pads[2 * d + 1] < 0) fail(g, l, "negative padding");
        out[d] += l.pads[2 * d] + l.pads[2 * d + 1];
      }
      return out;
    }
    case LayerKind::Activation: {
      require_inputs(g, l, 1);
      const Shape& in = input_shape(g, l, 0);
      if (l.act == Act::None) fail(g, l, "has no activation");
      check_activation(g, l, in.empty() ? 1 : in.back());
      return in;
    }
    case LayerKind::Softmax:
      require_inputs(g, l, 1);
      return input_shape(g, l, 0);
    case LayerKind::Reshape: {
      require_inputs(g, l, 1);
      const Shape& in = input_shape(g, l, 0);
      for (int64_t d : l.shape)
        if (d <= 0) fail(g, l, "target shape " + shape_str(l.shape) + " is not resolved");
      if (element_count(in) != element_count(l.shape))
        fail(g, l, "cannot reshape " + shape_str(in) + " to " + shape_str(l.shape));
      return l.shape;
    }
  }
  fail(g, l, "unknown layer kind");
}

void validate(Graph& g) {
  std::unordered_set<std::string> names;
  for (size_t i = 0; i < g.layers.size(); ++i) {
    Layer& l = g.layers[i];
    if (l.name.empty()) fail(g, l, "layer " + std::to_string(i) + " has no name");
    if (!names.insert(l.name).second) fail(g, l, "the name is used twice");
    for (int in : l.inputs)
      if (in < 0 || size_t(in) >= i)
        fail(g, l, "input index " + std::to_string(in) + " is not an earlier layer");
    if ((l.kind == LayerKind::Conv || l.kind == LayerKind::FullyConnected ||
         l.kind == LayerKind::Add || l.kind == LayerKind::Sub || l.kind == LayerKind::Mul ||
         l.kind == LayerKind::Activation) == false &&
        l.act != Act::None)
      fail(g, l, "cannot carry a fused activation");
    l.shape = infer_shape(g, l);
  }
  for (int in : g.inputs)
    if (in < 0 || size_t(in) >= g.layers.size() || g.layers[size_t(in)].kind != LayerKind::Input)
      throw FormatError((g.source.empty() ? g.name : g.source) + ": graph input index " +
                        std::to_string(in) + " is not an Input layer");
  for (size_t i = 0; i < g.layers.size(); ++i)
    if (g.layers[i].kind == LayerKind::Input &&
        std::find(g.inputs.begin(), g.inputs.end(), int(i)) == g.inputs.end())
      fail(g, g.layers[i], "is an Input layer but not listed as a graph input");
  std::unordered_set<std::string> output_names;
  for (const auto& o : g.outputs)
    if (!output_names.insert(o.name).second)
      throw FormatError((g.source.empty() ? g.name : g.source) + ": output name '" + o.name +
                        "' is used twice");
  if (g.outputs.empty())
    throw FormatError((g.source.empty() ? g.name : g.source) + ": the graph has no outputs");
  for (const auto& o : g.outputs)
    if (o.layer < 0 || size_t(o.layer) >= g.layers.size())
      throw FormatError((g.source.empty() ? g.name : g.source) + ": output '" + o.name +
                        "' refers to no layer");
}

}  // namespace apack::network

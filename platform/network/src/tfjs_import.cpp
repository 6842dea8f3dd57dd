// TF.js graph model -> layer IR. The op list and the folding rules are in tfjs_import.hpp.
#include "apack/network/tfjs_import.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <queue>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "apack/error.hpp"

namespace apack::network {

namespace {

// clang-format off
const std::set<std::string>& supported_ops() {
  static const std::set<std::string> ops = {
      "Placeholder", "Const", "Identity",
      "_FusedConv2D", "Conv2D", "FusedDepthwiseConv2dNative", "DepthwiseConv2dNative",
      "MatMul", "_FusedMatMul",
      "BiasAdd", "Add", "AddV2", "Sub", "Mul", "Maximum", "Minimum",
      "Relu", "Relu6", "Prelu", "Sigmoid", "Tanh", "Softmax",
      "MaxPool", "AvgPool", "Mean",
      "Pad", "PadV2", "ConcatV2", "Reshape", "Squeeze"};
  return ops;
}
// clang-format on

std::string quote(const std::string& s) { return "'" + s + "'"; }

std::string ints_str(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

std::string dims_str(const std::vector<int64_t>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? "x" : "") + (v[i] < 0 ? "?" : std::to_string(v[i]));
  return s.empty() ? "scalar" : s;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// Sizes no real model reaches. Larger ones (a Placeholder of 2^62 rows, a dilation of 2^62) are
// refused before the shape rules multiply them, which would overflow int64.
constexpr int64_t kMaxSize = kMaxLayerSize;         // a dimension, kernel, stride, dilation, pad
constexpr int64_t kMaxElements = kMaxTensorValues;  // values of one tensor

// The element count of a shape of non-negative sizes, or -1 when it exceeds kMaxElements.
int64_t bounded_count(const std::vector<int64_t>& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0 || (d > 0 && n > kMaxElements / d)) return -1;
    n *= d;
  }
  return n;
}

// A Minimum/Maximum pair with scalar constants that clips its input to [lo, hi].
struct ClipPair {
  std::string first;  // the node applied first (consumes the clipped value's producer)
  float lo = 0.0f, hi = 0.0f;
};

class Importer {
 public:
  Importer(const TfjsModel& model, const std::vector<Shape>& input_shapes)
      : m_(model), overrides_(input_shapes) {}

  Graph run() {
    g_.name = std::filesystem::path(m_.path).stem().string();
    g_.source = m_.path;
    g_.format = "tfjs";
    check_ops();
    analyse();
    make_inputs();
    for (const Node* n : order_) {
      try {
        process(*n);
      } catch (const FormatError& e) {
        // Node accessors (tfjs.cpp) name the node but not the file.
        const std::string what = e.what();
        if (starts_with(what, m_.path + ":")) throw;
        throw FormatError(m_.path + ": " + what);
      }
    }
    make_outputs();
    validate(g_);
    return std::move(g_);
  }

 private:
  const TfjsModel& m_;
  std::vector<Shape> overrides_;
  Graph g_;

  std::unordered_set<std::string> live_;
  std::vector<const Node*> order_;                  // live compute nodes, topological
  std::unordered_map<std::string, int> consumers_;  // resolved node -> live data uses
  std::unordered_map<std::string, std::vector<const Node*>> users_;
  std::unordered_set<std::string> outputs_;                // resolved nodes that are graph outputs
  std::unordered_map<std::string, int> value_;             // node -> layer producing its value
  std::unordered_map<std::string, int> const_layer_;       // Const node -> its Const layer
  std::unordered_map<std::string, ClipPair> clip_second_;  // second node of a pair -> pair
  std::unordered_set<std::string> clip_first_;

  [[noreturn]] void fail(const Node& n, const std::string& what) const {
    throw FormatError(m_.path + ": node " + quote(n.name) + " (" + n.op + "): " + what);
  }

  // ---- graph analysis -----------------------------------------------------------------

  void check_ops() const {
    std::vector<OpUsage> bad = unsupported_tfjs_ops(m_);
    if (bad.empty()) return;
    std::ostringstream msg;
    msg << m_.path << ": " << bad.size() << " unsupported op" << (bad.size() == 1 ? "" : "s")
        << ": ";
    for (size_t i = 0; i < bad.size(); ++i) {
      const OpUsage& u = bad[i];
      msg << (i ? "; " : "") << u.op << " (" << u.count << " node" << (u.count == 1 ? "" : "s")
          << ": ";
      const size_t shown = std::min<size_t>(u.nodes.size(), 3);
      for (size_t k = 0; k < shown; ++k) msg << (k ? ", " : "") << quote(u.nodes[k]);
      if (u.nodes.size() > shown) msg << ", ...";
      msg << ")";
    }
    throw FormatError(msg.str());
  }

  const Node& node(const std::string& name) const { return m_.nodes[m_.index.at(name)]; }

  // Follows Identity nodes to the node that produces the value.
  std::string resolve(const std::string& name) const {
    std::string cur = name;
    for (size_t hops = 0; hops <= m_.nodes.size(); ++hops) {
      const Node& n = node(cur);
      if (n.op != "Identity") return cur;
      if (n.inputs.size() != 1) fail(n, "takes " + std::to_string(n.inputs.size()) + " inputs");
      if (n.inputs[0].output != 0)
        fail(n, "reads output " + std::to_string(n.inputs[0].output) + " of " +
                    quote(n.inputs[0].node) + "; only single-output ops are supported");
      cur = n.inputs[0].node;
    }
    fail(node(name), "is part of a cycle of Identity nodes");
  }

  void analyse() {
    // Live nodes: everything the outputs depend on (data inputs only), plus the Placeholders.
    std::vector<std::string> stack;
    for (const GraphPort& p : m_.outputs) stack.push_back(p.tensor.node);
    while (!stack.empty()) {
      std::string name = stack.back();
      stack.pop_back();
      if (!live_.insert(name).second) continue;
      for (const TensorRef& r : node(name).inputs) stack.push_back(r.node);
    }
    for (const Node& n : m_.nodes)
      if (n.op == "Placeholder") live_.insert(n.name);

    for (const Node& n : m_.nodes) {
      if (!live_.count(n.name) || n.op == "Identity") continue;
      for (const TensorRef& r : n.inputs) {
        if (r.output != 0)
          fail(n, "reads output " + std::to_string(r.output) + " of " + quote(r.node) +
                      "; only single-output ops are supported");
        const std::string src = resolve(r.node);
        consumers_[src]++;
        users_[src].push_back(&n);
      }
    }
    for (const GraphPort& p : m_.outputs) {
      if (p.tensor.output != 0)
        throw FormatError(m_.path + ": graph output " + quote(p.name) + " is output " +
                          std::to_string(p.tensor.output) + " of node " + quote(p.tensor.node) +
                          "; only single-output ops are supported");
      outputs_.insert(resolve(p.tensor.node));
    }

    // Topological order of the live nodes, file order where the file allows it.
    std::unordered_map<std::string, int> pending;
    std::unordered_map<std::string, std::vector<size_t>> next;
    std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
    for (size_t i = 0; i < m_.nodes.size(); ++i) {
      const Node& n = m_.nodes[i];
      if (!live_.count(n.name)) continue;
      pending[n.name] = int(n.inputs.size());
      for (const TensorRef& r : n.inputs) next[r.node].push_back(i);
      if (n.inputs.empty()) ready.push(i);
    }
    size_t done = 0;
    while (!ready.empty()) {
      const Node& n = m_.nodes[ready.top()];
      ready.pop();
      ++done;
      if (n.op != "Const" && n.op != "Identity" && n.op != "Placeholder") order_.push_back(&n);
      for (size_t k : next[n.name])
        if (--pending[m_.nodes[k].name] == 0) ready.push(k);
    }
    if (done != live_.size()) {
      for (const Node& n : m_.nodes)
        if (live_.count(n.name) && pending[n.name] > 0) fail(n, "is part of a cycle");
    }

    find_clip_pairs();
  }

  bool is_const(const TensorRef& r) const { return node(resolve(r.node)).op == "Const"; }

  const Tensor& const_tensor(const Node& user, size_t i, const char* what) const {
    if (i >= user.inputs.size())
      fail(user, std::string("has no ") + what + " input (input " + std::to_string(i) + ")");
    const std::string src = resolve(user.inputs[i].node);
    if (node(src).op != "Const")
      fail(user, std::string("the ") + what + " (" + quote(src) +
                     ") must be a constant; computed ones are not supported");
    auto it = m_.weights.find(src);
    if (it == m_.weights.end()) fail(user, "constant " + quote(src) + " has no weight");
    return it->second;
  }

  const Tensor& const_float(const Node& user, size_t i, const char* what) const {
    const Tensor& t = const_tensor(user, i, what);
    if (t.dtype != "float32")
      fail(user, std::string("the ") + what + " " + quote(t.name) + " is " + t.dtype +
                     ", expected float32");
    return t;
  }

  std::vector<int64_t> const_ints(const Node& user, size_t i, const char* what) const {
    const Tensor& t = const_tensor(user, i, what);
    if (t.dtype != "int32")
      fail(user, std::string("the ") + what + " " + quote(t.name) + " is " + t.dtype +
                     ", expected int32");
    return std::vector<int64_t>(t.i32.begin(), t.i32.end());
  }

  static bool single(const Tensor& t) { return t.dtype == "float32" && t.f32.size() == 1; }

  // Minimum(x, hi) then Maximum(., lo) (or the other way round) with one-element constants.
  void find_clip_pairs() {
    std::unordered_set<std::string> used;
    for (const Node* a : order_) {
      if ((a->op != "Minimum" && a->op != "Maximum") || used.count(a->name)) continue;
      const Node* b = nullptr;
      float ca = 0, cb = 0;
      if (!clip_operand(*a, nullptr, &ca)) continue;
      if (consumers_[a->name] != 1 || outputs_.count(a->name)) continue;
      b = users_[a->name].front();
      const std::string other = a->op == "Minimum" ? "Maximum" : "Minimum";
      if (b->op != other || used.count(b->name) || !clip_operand(*b, a, &cb)) continue;
      const float lo = a->op == "Maximum" ? ca : cb;
      const float hi = a->op == "Minimum" ? ca : cb;
      if (!(lo <= hi)) continue;
      used.insert(a->name);
      used.insert(b->name);
      clip_first_.insert(a->name);
      clip_second_[b->name] = ClipPair{a->name, lo, hi};
    }
  }

  // True when n has one single-element float constant operand and one other operand (which
  // must resolve to `from` when given); the constant goes to *c.
  bool clip_operand(const Node& n, const Node* from, float* c) const {
    if (n.inputs.size() != 2) return false;
    for (int k = 0; k < 2; ++k) {
      const TensorRef& cr = n.inputs[size_t(k)];
      const TensorRef& xr = n.inputs[size_t(1 - k)];
      if (!is_const(cr) || is_const(xr)) continue;
      if (from && resolve(xr.node) != from->name) continue;
      auto it = m_.weights.find(resolve(cr.node));
      if (it == m_.weights.end() || !single(it->second)) continue;
      *c = it->second.f32[0];
      return true;
    }
    return false;
  }

  // ---- layers ---------------------------------------------------------------------------

  Layer make(const Node& n, LayerKind kind, std::vector<int> inputs) const {
    Layer l;
    l.name = n.name;
    l.kind = kind;
    l.inputs = std::move(inputs);
    l.sources = {n.name};
    return l;
  }

  int add(Layer l) {
    check_sizes(l);
    g_.layers.push_back(std::move(l));
    Layer& b = g_.layers.back();
    b.shape = infer_shape(g_, b);
    if (bounded_count(b.shape) < 0)
      throw FormatError(m_.path + ": node " + quote(b.name) + ": its output " + shape_str(b.shape) +
                        " has more than 2^31 values");
    const int idx = int(g_.layers.size() - 1);
    value_[b.name] = idx;
    return idx;
  }

  const Shape& shape_of(int layer) const { return g_.layers[size_t(layer)].shape; }

  // Every size of a new layer within kMaxSize / kMaxElements before infer_shape computes with
  // them (its inputs' shapes were checked when they were added).
  void check_sizes(const Layer& l) const {
    const std::string part = oversized_part(l);
    if (!part.empty())
      throw FormatError(m_.path + ": node " + quote(l.name) + ": " + part +
                        " is too large (more than 2^31)");
  }

  // A filter or weight matrix: values to read (a tensor with a 0 dimension may claim any other
  // size, from which the layer would size its bias) and no more than kMaxElements.
  void check_weight_count(const Node& n, const Tensor& w, const char* what) const {
    if (w.f32.empty() || int64_t(w.f32.size()) > kMaxElements)
      fail(n, std::string(what) + " of shape " + dims_str(w.shape) +
                  (w.f32.empty() ? " holds no values" : " has more than 2^31 values"));
  }

  // The layer holding the value of a data input; constants become Const layers (once each).
  int operand(const Node& user, size_t i) {
    if (i >= user.inputs.size()) fail(user, "has no input " + std::to_string(i));
    const std::string src = resolve(user.inputs[i].node);
    const Node& s = node(src);
    if (s.op == "Const") return const_layer(user, src);
    auto it = value_.find(src);
    if (it == value_.end()) fail(user, "input " + quote(src) + " has no value yet");
    return it->second;
  }

  int const_layer(const Node& user, const std::string& src) {
    auto it = const_layer_.find(src);
    if (it != const_layer_.end()) return it->second;
    auto w = m_.weights.find(src);
    if (w == m_.weights.end()) fail(user, "constant " + quote(src) + " has no weight");
    const Tensor& t = w->second;
    if (t.dtype != "float32")
      fail(user, "constant operand " + quote(src) + " is " + t.dtype + ", expected float32");
    Layer l = make(node(src), LayerKind::Const, {});
    l.shape = t.shape.empty() ? Shape{1} : Shape(t.shape.begin(), t.shape.end());
    l.values = t.f32;
    const int idx = add(std::move(l));
    const_layer_[src] = idx;
    return idx;
  }

  // The value `layer` (named after the node that produced it) may absorb its only consumer.
  bool foldable(int layer) const {
    const Layer& l = g_.layers[size_t(layer)];
    auto it = consumers_.find(l.name);
    return it != consumers_.end() && it->second == 1 && !outputs_.count(l.name) &&
           l.kind != LayerKind::Input && l.kind != LayerKind::Const;
  }

  void fold_into(int layer, const Node& n) {
    Layer& l = g_.layers[size_t(layer)];
    l.name = n.name;
    l.sources.push_back(n.name);
    value_[n.name] = layer;
  }

  static bool takes_activation(LayerKind k) {
    return k == LayerKind::Conv || k == LayerKind::FullyConnected || k == LayerKind::Add ||
           k == LayerKind::Sub || k == LayerKind::Mul;
  }

  // A constant that broadcasts over a Conv/FC output as one value per output channel (or one
  // value for all): element count 1 or F, every dimension but the last 1, rank <= output rank.
  static bool channel_constant(const Tensor& t, int64_t f, size_t out_rank) {
    if (t.dtype != "float32" || t.shape.size() > out_rank) return false;
    const int64_t n = int64_t(t.f32.size());
    if (n == 1) return true;
    if (n != f || t.shape.empty() || t.shape.back() != f) return false;
    for (size_t d = 0; d + 1 < t.shape.size(); ++d)
      if (t.shape[d] != 1) return false;
    return true;
  }

  void set_act(const Node& n, Layer& l, Act act, std::vector<float> alpha, int64_t channels,
               float lo = 0.0f, float hi = 0.0f) const {
    l.act = act;
    l.alpha = std::move(alpha);
    l.clip_min = lo;
    l.clip_max = hi;
    if (act == Act::Relu6) {
      l.clip_min = 0.0f;
      l.clip_max = 6.0f;
    }
    if (act == Act::PRelu && l.alpha.size() != 1 && int64_t(l.alpha.size()) != channels)
      fail(n, "PReLU has " + std::to_string(l.alpha.size()) + " slopes for " +
                  std::to_string(channels) + " channels");
  }

  // PReLU slopes: one value, or one per channel (all dimensions but the last 1).
  std::vector<float> prelu_alpha(const Node& n, size_t i) const {
    const Tensor& t = const_float(n, i, "PReLU slopes");
    bool per_channel = true;
    for (size_t d = 0; d + 1 < t.shape.size(); ++d) per_channel = per_channel && t.shape[d] == 1;
    if (t.f32.size() != 1 && !per_channel)
      fail(n, "PReLU slopes of shape " + dims_str(t.shape) +
                  " are not supported (one slope, or one per channel)");
    return t.f32;
  }

  // ---- attributes -------------------------------------------------------------------------

  void check_nhwc(const Node& n) const {
    if (n.has_attr("data_format")) {
      const std::string f = n.get_string("data_format");
      if (f != "NHWC") fail(n, "data_format " + quote(f) + " is not supported (NHWC only)");
    }
  }

  std::pair<int64_t, int64_t> hw_attr(const Node& n, const std::string& key) const {
    if (!n.has_attr(key)) return {1, 1};
    const std::vector<int64_t> v = n.get_ints(key);
    if (v.size() != 4 || v[0] != 1 || v[3] != 1 || v[1] < 1 || v[2] < 1 || v[1] > kMaxSize ||
        v[2] > kMaxSize)
      fail(n, key + " " + ints_str(v) + " is not supported (expected [1, h, w, 1], h and w " +
                  "from 1 to 2^31)");
    return {v[1], v[2]};
  }

  // Strides, dilations and padding of a window over the NHWC input `in`.
  void window(const Node& n, Layer& l, const Shape& in, bool dilations) const {
    if (in.size() != 4 || in[0] != 1) fail(n, "needs a 1xHxWxC input, got " + shape_str(in));
    std::tie(l.stride_h, l.stride_w) = hw_attr(n, "strides");
    if (dilations) std::tie(l.dilation_h, l.dilation_w) = hw_attr(n, "dilations");
    const std::string pad = n.get_string("padding");
    if (pad == "SAME") {
      same_padding(in[1], l.kernel_h, l.stride_h, l.dilation_h, l.pad_top, l.pad_bottom);
      same_padding(in[2], l.kernel_w, l.stride_w, l.dilation_w, l.pad_left, l.pad_right);
    } else if (pad == "EXPLICIT") {
      const std::vector<int64_t> p = n.get_ints("explicit_paddings");
      bool ok = p.size() == 8 && p[0] == 0 && p[1] == 0 && p[6] == 0 && p[7] == 0;
      for (int64_t v : p) ok = ok && v >= 0 && v <= kMaxSize;
      if (!ok)
        fail(n, "explicit_paddings " + ints_str(p) +
                    " are not supported (8 non-negative values, none on N or C)");
      l.pad_top = p[2];
      l.pad_bottom = p[3];
      l.pad_left = p[4];
      l.pad_right = p[5];
    } else if (pad != "VALID") {
      fail(n, "padding " + quote(pad) + " is not supported (SAME, VALID, EXPLICIT)");
    }
  }

  // fused_ops of _FusedConv2D, FusedDepthwiseConv2dNative, _FusedMatMul: BiasAdd, then
  // optionally Relu, Relu6 or Prelu; the bias (and slopes) follow the first `first_arg` inputs.
  void fused(const Node& n, Layer& l, size_t first_arg) const {
    const std::vector<std::string> ops = n.get_strings("fused_ops");
    std::string list;
    for (size_t i = 0; i < ops.size(); ++i) list += (i ? ", " : "") + ops[i];
    if (ops.empty() || ops[0] != "BiasAdd" || ops.size() > 2 ||
        (ops.size() == 2 && ops[1] != "Relu" && ops[1] != "Relu6" && ops[1] != "Prelu"))
      fail(n, "fused_ops [" + list +
                  "] are not supported (BiasAdd, then optionally Relu, Relu6 or Prelu)");
    const bool prelu = ops.size() == 2 && ops[1] == "Prelu";
    const int64_t need = prelu ? 2 : 1;
    const int64_t num_args = n.has_attr("num_args") ? n.get_int("num_args") : need;
    if (num_args != need)
      fail(n, "num_args is " + std::to_string(num_args) + " but fused_ops [" + list + "] take " +
                  std::to_string(need));
    if (int64_t(n.inputs.size()) != int64_t(first_arg) + num_args)
      fail(n, "has " + std::to_string(n.inputs.size()) + " inputs, expected " +
                  std::to_string(int64_t(first_arg) + num_args));
    const Tensor& b = const_float(n, first_arg, "bias");
    if (int64_t(b.f32.size()) != l.out_channels || b.shape.size() != 1)
      fail(n, "bias of shape " + dims_str(b.shape) + " for " + std::to_string(l.out_channels) +
                  " output channels");
    l.bias = b.f32;
    l.has_bias = true;
    if (ops.size() == 2) {
      if (ops[1] == "Relu") set_act(n, l, Act::Relu, {}, l.out_channels);
      if (ops[1] == "Relu6") set_act(n, l, Act::Relu6, {}, l.out_channels);
      if (prelu) set_act(n, l, Act::PRelu, prelu_alpha(n, first_arg + 1), l.out_channels);
    }
  }

  // ---- inputs and outputs -----------------------------------------------------------------

  void make_inputs() {
    std::vector<const GraphPort*> ports;
    std::set<std::string> seen;
    for (const GraphPort& p : m_.inputs) {
      const Node& n = node(p.tensor.node);
      if (n.op != "Placeholder" || p.tensor.output != 0)
        throw FormatError(m_.path + ": graph input " + quote(p.name) +
                          " is not a Placeholder's value; only Placeholders can be inputs");
      if (seen.insert(n.name).second) ports.push_back(&p);
    }
    std::vector<GraphPort> extra;  // Placeholders the signature does not list
    for (const Node& n : m_.nodes)
      if (n.op == "Placeholder" && !seen.count(n.name)) {
        GraphPort p;
        p.name = n.name + ":0";
        p.tensor = {n.name, 0};
        if (n.has_attr("shape") && n.attr("shape").kind == AttrValue::Kind::Shape &&
            !n.attr("shape").unknown_rank) {
          p.shape = n.attr("shape").shape;
          p.has_shape = true;
        }
        extra.push_back(p);
      }
    for (const GraphPort& p : extra) ports.push_back(&p);

    if (!overrides_.empty() && overrides_.size() != ports.size()) {
      std::string names;
      for (size_t i = 0; i < ports.size(); ++i) names += (i ? ", " : "") + quote(ports[i]->name);
      throw FormatError(m_.path + ": " + std::to_string(overrides_.size()) +
                        " input shape(s) given for " + std::to_string(ports.size()) +
                        " graph input(s) (" + names + ")");
    }
    for (size_t i = 0; i < ports.size(); ++i) {
      const GraphPort& p = *ports[i];
      const Node& n = node(p.tensor.node);
      if (n.has_attr("dtype") && n.attr("dtype").kind == AttrValue::Kind::Type &&
          n.attr("dtype").s != "DT_FLOAT")
        fail(n, "input type " + n.attr("dtype").s + " is not supported (DT_FLOAT only)");
      Shape s;
      if (!overrides_.empty()) {
        s = overrides_[i];
        if (p.has_shape && p.shape.size() != s.size())
          fail(n, "input shape " + dims_str(s) + " given for an input declared " +
                      dims_str(p.shape) + " (rank " + std::to_string(p.shape.size()) + ")");
        if (!s.empty() && s[0] == -1) s[0] = 1;
        for (int64_t d : s)
          if (d <= 0) fail(n, "input shape " + dims_str(s) + " given has an unknown dimension");
      } else {
        if (!p.has_shape) fail(n, "the input's shape is unknown; pass its shape (input_shapes)");
        s = p.shape;
        if (!s.empty() && s[0] == -1) s[0] = 1;  // the batch
        for (size_t d = 0; d < s.size(); ++d)
          if (s[d] <= 0)
            fail(n, "dimension " + std::to_string(d) + " of the input shape " + dims_str(p.shape) +
                        " is unknown; pass the input's shape (input_shapes)");
      }
      if (s.empty() || s[0] != 1)
        fail(n, "input shape " + dims_str(s) + " is not batch 1 (the platform runs batch 1)");
      Layer l = make(n, LayerKind::Input, {});
      l.shape = s;
      g_.inputs.push_back(add(std::move(l)));
    }
  }

  void make_outputs() {
    for (const GraphPort& p : m_.outputs) {
      const std::string src = resolve(p.tensor.node);
      int layer = -1;
      if (node(src).op == "Const") {
        layer = const_layer(node(src), src);
      } else {
        auto it = value_.find(src);
        if (it == value_.end())
          throw FormatError(m_.path + ": graph output " + quote(p.name) + " has no value");
        layer = it->second;
      }
      GraphOutput o;
      o.name = p.name;
      o.layer = layer;
      g_.outputs.push_back(o);
    }
  }

  // ---- ops ------------------------------------------------------------------------------

  void process(const Node& n) {
    const std::string& op = n.op;
    if (op == "_FusedConv2D" || op == "Conv2D") return conv(n, op == "_FusedConv2D");
    if (op == "FusedDepthwiseConv2dNative" || op == "DepthwiseConv2dNative")
      return depthwise(n, op == "FusedDepthwiseConv2dNative");
    if (op == "MatMul" || op == "_FusedMatMul") return matmul(n, op == "_FusedMatMul");
    if (op == "BiasAdd") return bias_add(n);
    if (op == "Add" || op == "AddV2" || op == "Sub" || op == "Mul") return arithmetic(n);
    if (op == "Maximum" || op == "Minimum") return min_max(n);
    if (op == "Relu" || op == "Relu6" || op == "Prelu" || op == "Sigmoid" || op == "Tanh")
      return activation(n);
    if (op == "Softmax") return unary(n, LayerKind::Softmax);
    if (op == "MaxPool" || op == "AvgPool") return pool(n);
    if (op == "Mean") return mean(n);
    if (op == "Pad" || op == "PadV2") return pad(n);
    if (op == "ConcatV2") return concat(n);
    if (op == "Reshape" || op == "Squeeze") return reshape(n);
    fail(n, "op is not supported");
  }

  void require_inputs(const Node& n, size_t count) const {
    if (n.inputs.size() != count)
      fail(n,
           "has " + std::to_string(n.inputs.size()) + " inputs, expected " + std::to_string(count));
  }

  // A data input that must be a computed value (not a constant).
  int activation_input(const Node& n, size_t i) {
    if (is_const(n.inputs[i]))
      fail(n, "input " + std::to_string(i) + " is a constant; a computed value is expected");
    return operand(n, i);
  }

  void conv(const Node& n, bool is_fused) {
    if (!is_fused) require_inputs(n, 2);
    if (n.inputs.size() < 2) fail(n, "needs an input and a filter");
    check_nhwc(n);
    const int x = activation_input(n, 0);
    const Shape in = shape_of(x);
    const Tensor& w = const_float(n, 1, "filter");
    if (w.shape.size() != 4) fail(n, "filter of shape " + dims_str(w.shape) + " is not HWIO");
    check_weight_count(n, w, "filter");
    const int64_t kh = w.shape[0], kw = w.shape[1], ci = w.shape[2], f = w.shape[3];
    Layer l = make(n, LayerKind::Conv, {x});
    l.kernel_h = kh;
    l.kernel_w = kw;
    l.out_channels = f;
    window(n, l, in, true);
    const int64_t c = in[3];
    if (ci < 1 || c % ci != 0 || f % (c / ci) != 0)
      fail(n, "filter " + dims_str(w.shape) + " (HWIO) does not fit the input " + shape_str(in) +
                  ": " + std::to_string(c) + " input channels");
    l.groups = c / ci;
    l.weights.resize(w.f32.size());
    for (int64_t o = 0; o < f; ++o)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t xx = 0; xx < kw; ++xx)
          for (int64_t i = 0; i < ci; ++i)
            l.weights[size_t(((o * kh + y) * kw + xx) * ci + i)] =
                w.f32[size_t(((y * kw + xx) * ci + i) * f + o)];
    l.bias.assign(size_t(f), 0.0f);
    l.has_bias = false;  // until a fused or following BiasAdd gives one
    if (is_fused) fused(n, l, 2);
    add(std::move(l));
  }

  void depthwise(const Node& n, bool is_fused) {
    if (!is_fused) require_inputs(n, 2);
    if (n.inputs.size() < 2) fail(n, "needs an input and a filter");
    check_nhwc(n);
    const int x = activation_input(n, 0);
    const Shape in = shape_of(x);
    const Tensor& w = const_float(n, 1, "filter");
    if (w.shape.size() != 4) fail(n, "filter of shape " + dims_str(w.shape) + " is not HWCM");
    check_weight_count(n, w, "filter");
    const int64_t kh = w.shape[0], kw = w.shape[1], c = w.shape[2], mult = w.shape[3];
    Layer l = make(n, LayerKind::Conv, {x});
    l.kernel_h = kh;
    l.kernel_w = kw;
    window(n, l, in, true);
    if (in[3] != c)
      fail(n, "depthwise filter " + dims_str(w.shape) + " (HWCM) is for " + std::to_string(c) +
                  " channels but the input is " + shape_str(in));
    l.groups = c;
    l.out_channels = c * mult;
    // HWCM -> OHWI with I = 1: filter f = ch * M + m reads channel ch.
    l.weights.resize(w.f32.size());
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t m = 0; m < mult; ++m)
        for (int64_t y = 0; y < kh; ++y)
          for (int64_t xx = 0; xx < kw; ++xx)
            l.weights[size_t(((ch * mult + m) * kh + y) * kw + xx)] =
                w.f32[size_t(((y * kw + xx) * c + ch) * mult + m)];
    l.bias.assign(size_t(l.out_channels), 0.0f);
    l.has_bias = false;  // until a fused or following BiasAdd gives one
    if (is_fused) fused(n, l, 2);
    add(std::move(l));
  }

  void matmul(const Node& n, bool is_fused) {
    if (!is_fused) require_inputs(n, 2);
    if (n.inputs.size() < 2) fail(n, "needs two inputs");
    const bool ta = n.has_attr("transpose_a") && n.get_bool("transpose_a");
    const bool tb = n.has_attr("transpose_b") && n.get_bool("transpose_b");
    const int x = activation_input(n, 0);
    const Shape in = shape_of(x);
    const Tensor& w = const_float(n, 1, "weight matrix (input 1)");
    if (in.size() != 2 || (ta ? in[1] : in[0]) != 1)
      fail(n, "input " + shape_str(in) + (ta ? " (transposed)" : "") +
                  " is not one row (a batch-1 [1, C] matrix)");
    if (w.shape.size() != 2) fail(n, "weight matrix of shape " + dims_str(w.shape));
    check_weight_count(n, w, "weight matrix");
    const int64_t c = ta ? in[0] : in[1];
    const int64_t wc = tb ? w.shape[1] : w.shape[0], f = tb ? w.shape[0] : w.shape[1];
    if (wc != c)
      fail(n, "weight matrix " + dims_str(w.shape) + (tb ? " (transposed)" : "") + " needs " +
                  std::to_string(wc) + " inputs but the input " + shape_str(in) + " has " +
                  std::to_string(c));
    Layer l = make(n, LayerKind::FullyConnected, {x});
    l.out_channels = f;
    l.weights.resize(size_t(f * c));
    for (int64_t o = 0; o < f; ++o)
      for (int64_t i = 0; i < c; ++i)
        l.weights[size_t(o * c + i)] = tb ? w.f32[size_t(o * c + i)] : w.f32[size_t(i * f + o)];
    l.bias.assign(size_t(f), 0.0f);
    l.has_bias = false;  // until a fused or following BiasAdd gives one
    if (is_fused) fused(n, l, 2);
    add(std::move(l));
  }

  // Conv/FC without activation whose value only `n` reads: it can absorb a per-channel
  // constant (bias, batch-norm scale and offset).
  bool weight_foldable(int layer, const Tensor& c) const {
    const Layer& l = g_.layers[size_t(layer)];
    return l.has_weights() && l.act == Act::None && foldable(layer) &&
           channel_constant(c, l.out_channels, l.shape.size());
  }

  void bias_add(const Node& n) {
    require_inputs(n, 2);
    check_nhwc(n);
    const int x = activation_input(n, 0);
    if (is_const(n.inputs[1])) {
      const Tensor& b = const_float(n, 1, "bias");
      if (b.shape.size() != 1 || shape_of(x).empty() || b.shape[0] != shape_of(x).back())
        fail(n, "bias of shape " + dims_str(b.shape) + " does not match the input " +
                    shape_str(shape_of(x)));
      if (weight_foldable(x, b)) {
        Layer& l = g_.layers[size_t(x)];
        for (size_t f = 0; f < l.bias.size(); ++f) l.bias[f] += b.f32[f];
        l.has_bias = true;
        fold_into(x, n);
        return;
      }
    }
    add(make(n, LayerKind::Add, {x, operand(n, 1)}));
  }

  void arithmetic(const Node& n) {
    require_inputs(n, 2);
    const bool is_mul = n.op == "Mul", is_sub = n.op == "Sub";
    const bool c0 = is_const(n.inputs[0]), c1 = is_const(n.inputs[1]);
    // x (op) constant, or constant (op) x for the commutative ops.
    if (c0 != c1 && (c1 || !is_sub)) {
      const size_t xi = c1 ? 0 : 1;
      const int x = operand(n, xi);
      const Tensor& c = const_tensor(n, 1 - xi, "constant operand");
      if (weight_foldable(x, c)) {
        Layer& l = g_.layers[size_t(x)];
        const size_t f_count = l.bias.size(), per = l.weights.size() / f_count;
        auto at = [&](size_t f) { return c.f32.size() == 1 ? c.f32[0] : c.f32[f]; };
        for (size_t f = 0; f < f_count; ++f) {
          if (is_mul) {
            for (size_t k = 0; k < per; ++k) l.weights[f * per + k] *= at(f);
            l.bias[f] *= at(f);
          } else if (is_sub) {
            l.bias[f] -= at(f);
          } else {
            l.bias[f] += at(f);
          }
        }
        if (!is_mul) l.has_bias = true;
        fold_into(x, n);
        return;
      }
    }
    const LayerKind kind = is_mul ? LayerKind::Mul : is_sub ? LayerKind::Sub : LayerKind::Add;
    const int a = operand(n, 0);
    const int b = operand(n, 1);
    add(make(n, kind, {a, b}));
  }

  void min_max(const Node& n) {
    require_inputs(n, 2);
    if (clip_first_.count(n.name)) {
      // The first half of a clip: the pair's second node applies it.
      for (size_t k = 0; k < 2; ++k)
        if (!is_const(n.inputs[k])) value_[n.name] = operand(n, k);
      return;
    }
    auto pair = clip_second_.find(n.name);
    if (pair != clip_second_.end()) {
      const ClipPair& p = pair->second;
      const int x = value_.at(p.first);
      const Act act = p.lo == 0.0f && p.hi == 6.0f ? Act::Relu6 : Act::Clip;
      Layer& src = g_.layers[size_t(x)];
      if (takes_activation(src.kind) && src.act == Act::None && foldable(x)) {
        set_act(n, src, act, {}, 0, p.lo, p.hi);
        src.sources.push_back(p.first);  // the pair's first node, then this one
        fold_into(x, n);
        return;
      }
      Layer l = make(n, LayerKind::Activation, {x});
      l.sources = {p.first, n.name};
      set_act(n, l, act, {}, 0, p.lo, p.hi);
      add(std::move(l));
      return;
    }
    const int a = operand(n, 0);
    const int b = operand(n, 1);
    add(make(n, n.op == "Maximum" ? LayerKind::Maximum : LayerKind::Minimum, {a, b}));
  }

  void activation(const Node& n) {
    const bool prelu = n.op == "Prelu";
    require_inputs(n, prelu ? 2 : 1);
    const int x = activation_input(n, 0);
    const Shape& s = shape_of(x);
    const int64_t channels = s.empty() ? 1 : s.back();
    Act act = Act::Relu;
    if (n.op == "Relu6") act = Act::Relu6;
    if (prelu) act = Act::PRelu;
    if (n.op == "Sigmoid") act = Act::Sigmoid;
    if (n.op == "Tanh") act = Act::Tanh;
    std::vector<float> alpha = prelu ? prelu_alpha(n, 1) : std::vector<float>{};
    Layer& src = g_.layers[size_t(x)];
    if ((act == Act::Relu || act == Act::Relu6 || act == Act::PRelu) &&
        takes_activation(src.kind) && src.act == Act::None && foldable(x)) {
      set_act(n, src, act, alpha, channels);
      fold_into(x, n);
      return;
    }
    Layer l = make(n, LayerKind::Activation, {x});
    set_act(n, l, act, alpha, channels);
    add(std::move(l));
  }

  void unary(const Node& n, LayerKind kind) {
    require_inputs(n, 1);
    add(make(n, kind, {activation_input(n, 0)}));
  }

  void pool(const Node& n) {
    require_inputs(n, 1);
    check_nhwc(n);
    const int x = activation_input(n, 0);
    Layer l = make(n, n.op == "MaxPool" ? LayerKind::MaxPool : LayerKind::AvgPool, {x});
    std::tie(l.kernel_h, l.kernel_w) = hw_attr(n, "ksize");
    window(n, l, shape_of(x), false);
    add(std::move(l));
  }

  void mean(const Node& n) {
    require_inputs(n, 2);
    const int x = activation_input(n, 0);
    const Shape in = shape_of(x);
    std::vector<int64_t> axes = const_ints(n, 1, "reduction axes");
    for (int64_t& a : axes)
      if (a < 0) a += int64_t(in.size());
    std::sort(axes.begin(), axes.end());
    if (in.size() != 4 || axes != std::vector<int64_t>{1, 2})
      fail(n, "Mean over axes " + ints_str(const_ints(n, 1, "reduction axes")) + " of " +
                  shape_str(in) + " is not supported (only axes 1 and 2 of NHWC)");
    Layer l = make(n, LayerKind::GlobalAvgPool, {x});
    l.keep_dims = n.has_attr("keep_dims") && n.get_bool("keep_dims");
    add(std::move(l));
  }

  void pad(const Node& n) {
    const bool v2 = n.op == "PadV2";
    require_inputs(n, v2 ? 3 : 2);
    const int x = activation_input(n, 0);
    const Shape in = shape_of(x);
    const Tensor& t = const_tensor(n, 1, "paddings");
    const std::vector<int64_t> p = const_ints(n, 1, "paddings");
    if (t.shape != std::vector<int64_t>{int64_t(in.size()), 2})
      fail(n, "paddings of shape " + dims_str(t.shape) + " for the input " + shape_str(in));
    if (p[0] != 0 || p[1] != 0) fail(n, "padding the batch dimension is not supported");
    Layer l = make(n, LayerKind::Pad, {x});
    l.pads = p;
    if (v2) {
      const Tensor& v = const_float(n, 2, "padding value");
      if (v.f32.size() != 1) fail(n, "the padding value is not a single number");
      l.pad_value = v.f32[0];
    }
    add(std::move(l));
  }

  void concat(const Node& n) {
    if (n.inputs.size() < 2) fail(n, "needs values and an axis");
    const size_t count = n.inputs.size() - 1;
    if (n.has_attr("N") && n.get_int("N") != int64_t(count))
      fail(n, "N is " + std::to_string(n.get_int("N")) + " but " + std::to_string(count) +
                  " values are given");
    const std::vector<int64_t> axis = const_ints(n, count, "axis");
    if (axis.size() != 1) fail(n, "the axis is not a single integer");
    std::vector<int> ins;
    for (size_t i = 0; i < count; ++i) ins.push_back(operand(n, i));
    const int64_t rank = int64_t(shape_of(ins[0]).size());
    int64_t a = axis[0] < 0 ? axis[0] + rank : axis[0];
    if (a < 0 || a >= rank)
      fail(n,
           "axis " + std::to_string(axis[0]) + " is out of range for rank " + std::to_string(rank));
    Layer l = make(n, LayerKind::Concat, ins);
    l.axis = int(a);
    add(std::move(l));
  }

  void reshape(const Node& n) {
    const bool squeeze = n.op == "Squeeze";
    require_inputs(n, squeeze ? 1 : 2);
    const int x = activation_input(n, 0);
    const Shape in = shape_of(x);
    Shape out;
    if (squeeze) {
      std::vector<int64_t> dims =
          n.has_attr("squeeze_dims") ? n.get_ints("squeeze_dims") : std::vector<int64_t>{};
      std::set<int64_t> drop;
      for (int64_t d : dims) {
        const int64_t a = d < 0 ? d + int64_t(in.size()) : d;
        if (a < 0 || a >= int64_t(in.size()) || in[size_t(a)] != 1)
          fail(n, "cannot squeeze dimension " + std::to_string(d) + " of " + shape_str(in));
        drop.insert(a);
      }
      // No dimensions listed: every size-1 dimension but the batch (which TF leaves unknown).
      for (size_t d = 0; d < in.size(); ++d) {
        const bool dropped = dims.empty() ? d > 0 && in[d] == 1 : drop.count(int64_t(d)) != 0;
        if (!dropped) out.push_back(in[d]);
      }
    } else {
      out = const_ints(n, 1, "shape");
      int64_t known = 1, unknown = -1;
      for (size_t d = 0; d < out.size(); ++d) {
        if (out[d] == -1 && unknown < 0) {
          unknown = int64_t(d);
        } else if (out[d] < 0 || (out[d] == -1 && unknown >= 0)) {
          fail(n, "target shape " + ints_str(out) + " is not supported");
        } else {
          if (out[d] > 0 && known > kMaxElements / out[d])
            fail(n, "target shape " + ints_str(out) + " has more than 2^31 values");
          known *= out[d];
        }
      }
      const int64_t total = element_count(in);
      if (unknown >= 0) {
        if (known <= 0 || total % known != 0)
          fail(n, "cannot reshape " + shape_str(in) + " to " + ints_str(out));
        out[size_t(unknown)] = total / known;
      }
      if (element_count(out) != total)
        fail(n, "cannot reshape " + shape_str(in) + " (" + std::to_string(total) + " values) to " +
                    ints_str(out));
    }
    Layer l = make(n, LayerKind::Reshape, {x});
    l.shape = out;
    add(std::move(l));
  }
};

}  // namespace

bool tfjs_op_supported(const std::string& op) { return supported_ops().count(op) != 0; }

std::vector<OpUsage> unsupported_tfjs_ops(const TfjsModel& model) {
  std::vector<OpUsage> out;
  for (OpUsage& u : op_coverage(model))
    if (!tfjs_op_supported(u.op)) out.push_back(std::move(u));
  return out;
}

Graph import_tfjs(const TfjsModel& model, const std::vector<Shape>& input_shapes) {
  return Importer(model, input_shapes).run();
}

Graph load_tfjs_graph(const std::string& model_json_path, const std::vector<Shape>& input_shapes) {
  return import_tfjs(load_tfjs_model(model_json_path), input_shapes);
}

}  // namespace apack::network

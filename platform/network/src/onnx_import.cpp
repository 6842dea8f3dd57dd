// ONNX importer: ModelProto -> the layer IR. See docs/onnx-import.md for what is accepted.
//
// ONNX tensors are NCHW; the IR is NHWC. Every rank-4 ONNX value [1,C,H,W] lives in the IR as
// {1,H,W,C}; values of other ranks keep their ONNX shape and element order. A Flatten/Reshape of
// a rank-4 value to [1, C*H*W] keeps the NHWC element order in the IR and records the
// permutation (IR element j = ONNX element perm[j]); the Gemm/MatMul that consumes it permutes
// its weight columns so the result equals the NCHW model's.
#include "apack/network/onnx_import.hpp"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "apack/error.hpp"

namespace apack::network {

namespace fs = std::filesystem;

namespace {

// Op types of the default domain the importer converts (or folds at import).
const std::set<std::string>& supported_set() {
  static const std::set<std::string> ops = {"Add",
                                            "AveragePool",
                                            "BatchNormalization",
                                            "Cast",
                                            "Clip",
                                            "Concat",
                                            "Constant",
                                            "Conv",
                                            "Div",
                                            "Dropout",
                                            "Flatten",
                                            "Gather",
                                            "Gemm",
                                            "GlobalAveragePool",
                                            "GlobalMaxPool",
                                            "Identity",
                                            "LeakyRelu",
                                            "MatMul",
                                            "Max",
                                            "MaxPool",
                                            "Min",
                                            "Mul",
                                            "Pad",
                                            "PRelu",
                                            "ReduceMean",
                                            "Relu",
                                            "Reshape",
                                            "Shape",
                                            "Sigmoid",
                                            "Softmax",
                                            "Squeeze",
                                            "Sub",
                                            "Tanh",
                                            "Unsqueeze"};
  return ops;
}

bool default_domain(const std::string& d) { return d.empty() || d == "ai.onnx"; }

std::string op_key(const onnx::NodeProto& n) {
  return default_domain(n.domain()) ? n.op_type() : n.domain() + ":" + n.op_type();
}

bool node_supported(const onnx::NodeProto& n) {
  return default_domain(n.domain()) && supported_set().count(n.op_type()) > 0;
}

// A node's name for messages and Layer::sources: its name, else its first output.
std::string node_label(const onnx::NodeProto& n) {
  if (!n.name().empty()) return n.name();
  if (n.output_size() > 0 && !n.output(0).empty()) return n.output(0);
  return n.op_type();
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

onnx::ModelProto parse_model(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw FormatError(path + ": cannot open the file");
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) throw FormatError(path + ": read error");
  if (bytes.empty()) throw FormatError(path + ": the file is empty, not an ONNX model");
  if (bytes.size() > size_t(INT_MAX))
    throw FormatError(path + ": the file is larger than protobuf's 2 GiB limit (models this " +
                      "large keep their weights as external data)");
  onnx::ModelProto m;
  if (!m.ParseFromArray(bytes.data(), int(bytes.size())))
    throw FormatError(path + ": not a valid ONNX model: the protobuf data of " +
                      std::to_string(bytes.size()) + " bytes is corrupt or truncated");
  if (!m.has_graph() || m.graph().node_size() == 0)
    throw FormatError(path + ": not an ONNX model: no graph with nodes (" +
                      std::to_string(bytes.size()) +
                      " bytes; a corrupt or truncated file, or another kind of file)");
  return m;
}

// ---------------------------------------------------------------------------------------------
// Constants

struct Tensor {
  Shape dims;             // ONNX shape ({} for a scalar)
  std::vector<double> v;  // row-major (ONNX order)
  bool integer = false;   // from an integer or bool element type
};

float half_to_float(uint16_t h) {
  const uint32_t sign = uint32_t(h >> 15) << 31;
  const uint32_t exp = (h >> 10) & 0x1f;
  const uint32_t mant = h & 0x3ff;
  float f;
  if (exp == 0) {
    f = std::ldexp(float(mant), -24);  // zero or subnormal
  } else if (exp == 31) {
    f = mant ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  } else {
    f = std::ldexp(float(mant | 0x400), int(exp) - 25);
  }
  uint32_t u;
  std::memcpy(&u, &f, 4);
  u |= sign;
  std::memcpy(&f, &u, 4);
  return f;
}

// Sizes no real model reaches. Larger ones (an input of 2^62 rows, a stride of 2^40, a pad of
// 2^50, a constant of size 0 x 2^62) are refused before shape arithmetic, which would overflow
// int64, or allocation depends on them.
constexpr int64_t kMaxSize = kMaxLayerSize;         // a dimension, kernel, stride, dilation, pad
constexpr int64_t kMaxElements = kMaxTensorValues;  // values of a runtime tensor or weight tensor
constexpr int64_t kMaxStored = int64_t(1) << 40;    // values of a constant stored in the file
constexpr int64_t kMaxFolded = int64_t(1) << 27;    // values of a constant computed at import

// The product of the non-zero sizes of `s` (its element count when none is 0), or -1 when a
// size is negative or the product exceeds `limit`.
int64_t size_product(const Shape& s, int64_t limit) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0 || (d > 0 && n > limit / d)) return -1;
    if (d > 0) n *= d;
  }
  return n;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, bool* ok) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  *ok = true;
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) *ok = false;
    out[i] = std::max(da, db);
  }
  return out;
}

// Index into a tensor of shape `dims` (right-aligned against `out`) for the multi-index `idx`
// of the broadcast result.
size_t broadcast_index(const Shape& dims, const Shape& out, const std::vector<int64_t>& idx) {
  size_t flat = 0;
  const size_t off = out.size() - dims.size();
  for (size_t d = 0; d < dims.size(); ++d) {
    const int64_t i = dims[d] == 1 ? 0 : idx[d + off];
    flat = flat * size_t(dims[d]) + size_t(i);
  }
  return flat;
}

template <class F>
void for_each_index(const Shape& shape, F&& f) {
  const int64_t n = element_count(shape);
  std::vector<int64_t> idx(shape.size(), 0);
  for (int64_t k = 0; k < n; ++k) {
    f(idx);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

// The IR's shape of an ONNX shape: rank 4 is NCHW -> NHWC, other ranks are unchanged.
Shape ir_shape(const Shape& s) {
  if (s.size() == 4) return {s[0], s[2], s[3], s[1]};
  return s;
}
Shape onnx_shape_of_ir(const Shape& s) {
  if (s.size() == 4) return {s[0], s[3], s[1], s[2]};
  return s;
}
// IR axis of an ONNX axis of a value of `rank`.
int ir_axis(int axis, size_t rank) {
  static const int map4[4] = {0, 3, 1, 2};
  return rank == 4 ? map4[axis] : axis;
}
// True when the NHWC layout of a rank-4 shape holds its elements in NCHW order.
bool same_order(const Shape& s) { return s.size() != 4 || s[1] == 1 || s[2] * s[3] == 1; }

// Values of an ONNX-layout rank-4 tensor in NHWC order.
std::vector<double> nchw_to_nhwc(const std::vector<double>& v, const Shape& s) {
  const int64_t N = s[0], C = s[1], H = s[2], W = s[3];
  std::vector<double> out(v.size());
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t w = 0; w < W; ++w)
          out[size_t(((n * H + h) * W + w) * C + c)] = v[size_t(((n * C + c) * H + h) * W + w)];
  return out;
}

std::vector<float> to_float(const std::vector<double>& v) {
  return std::vector<float>(v.begin(), v.end());
}

// ---------------------------------------------------------------------------------------------

struct Value {
  bool is_const = false;
  // Constant: an initializer decoded on use (proto) or a tensor computed at import (c).
  const onnx::TensorProto* proto = nullptr;
  Tensor c;
  std::string const_name;  // initializer / Constant output name (names its Const layer)
  // Runtime value
  int layer = -1;
  Shape onnx;                 // the ONNX shape (also for constants)
  std::vector<int64_t> perm;  // flattened NCHW value held in NHWC order (see the file comment)
};

class Importer {
 public:
  Importer(const std::string& path, const onnx::ModelProto& model,
           const std::vector<Shape>& input_shapes)
      : path_(path), model_(model), input_shapes_(input_shapes) {}

  Graph run();

 private:
  const std::string& path_;
  const onnx::ModelProto& model_;
  const std::vector<Shape>& input_shapes_;
  Graph g_;
  int64_t opset_ = 1;
  std::unordered_map<std::string, Value> values_;
  std::unordered_map<std::string, int> uses_;  // node inputs + graph outputs naming a tensor
  std::vector<int> layer_uses_;                // uses of every ONNX name bound to a layer
  std::unordered_set<std::string> reserved_;   // every ONNX tensor name
  std::unordered_set<std::string> layer_names_;
  std::map<std::string, std::vector<int>> const_layers_;  // const name -> Const layers made
  const onnx::NodeProto* node_ = nullptr;

  // --- messages
  [[noreturn]] void fail(const std::string& what) const {
    if (node_)
      throw FormatError(path_ + ": node " + quote(node_label(*node_)) + " (" + node_->op_type() +
                        "): " + what);
    throw FormatError(path_ + ": " + what);
  }
  std::string label() const { return node_label(*node_); }

  // --- attributes
  const onnx::AttributeProto* attr(const std::string& name) const {
    for (const auto& a : node_->attribute())
      if (a.name() == name) return &a;
    return nullptr;
  }
  int64_t attr_int(const std::string& name, int64_t def) const {
    const auto* a = attr(name);
    if (!a) return def;
    if (a->type() != onnx::AttributeProto_AttributeType_INT && a->has_type())
      fail("attribute " + quote(name) + " is not an integer");
    return a->i();
  }
  float attr_float(const std::string& name, float def) const {
    const auto* a = attr(name);
    if (!a) return def;
    if (a->type() != onnx::AttributeProto_AttributeType_FLOAT && a->has_type())
      fail("attribute " + quote(name) + " is not a float");
    return a->f();
  }
  std::string attr_string(const std::string& name, const std::string& def) const {
    const auto* a = attr(name);
    if (!a) return def;
    if (a->type() != onnx::AttributeProto_AttributeType_STRING && a->has_type())
      fail("attribute " + quote(name) + " is not a string");
    return a->s();
  }
  std::vector<int64_t> attr_ints(const std::string& name, std::vector<int64_t> def) const {
    const auto* a = attr(name);
    if (!a) return def;
    if (a->type() != onnx::AttributeProto_AttributeType_INTS && a->has_type())
      fail("attribute " + quote(name) + " is not a list of integers");
    return std::vector<int64_t>(a->ints().begin(), a->ints().end());
  }

  // --- inputs and outputs of the current node
  bool has_input(int i) const { return i < node_->input_size() && !node_->input(i).empty(); }
  const std::string& out_name() const {
    if (node_->output_size() < 1 || node_->output(0).empty()) fail("has no output");
    return node_->output(0);
  }
  Value& input(int i) {
    if (!has_input(i)) fail("input " + std::to_string(i) + " is missing");
    auto it = values_.find(node_->input(i));
    if (it == values_.end())
      fail("input " + quote(node_->input(i)) +
           " is produced by no earlier node (is the graph topologically sorted?)");
    return it->second;
  }
  Value& runtime_input(int i, const char* what) {
    Value& v = input(i);
    if (v.is_const)
      fail(std::string(what) + " " + quote(node_->input(i)) +
           " is a constant; only runtime tensors are supported here");
    return v;
  }
  Tensor tensor_of(const Value& v) const { return v.proto ? decode(*v.proto, v.const_name) : v.c; }
  Tensor const_input(int i, const std::string& what) {
    Value& v = input(i);
    if (!v.is_const)
      fail(what + " " + quote(node_->input(i)) +
           " must be a constant (an initializer or a Constant node)");
    return tensor_of(v);
  }
  Value& rank4_input(int i) {
    Value& v = runtime_input(i, "input");
    if (v.onnx.size() != 4 || v.onnx[0] != 1)
      fail("needs a 1xCxHxW input, got " + shape_str(v.onnx) +
           " (only 2-D spatial tensors with batch 1 are supported)");
    return v;
  }
  std::vector<int64_t> ints_of(const Tensor& t, const std::string& what) const {
    std::vector<int64_t> out;
    for (double d : t.v) {
      if (d != std::floor(d)) fail(what + " holds a non-integer value");
      out.push_back(int64_t(d));
    }
    return out;
  }
  // The single used output: other outputs (MaxPool indices, Dropout mask, BN statistics) must
  // not be consumed by anything.
  void check_extra_outputs() const {
    for (int k = 1; k < node_->output_size(); ++k) {
      const std::string& o = node_->output(k);
      if (o.empty()) continue;
      auto it = uses_.find(o);
      if (it != uses_.end() && it->second > 0)
        fail("output " + std::to_string(k) + " (" + quote(o) +
             ") is used; only the first output of this op is supported");
    }
  }

  // --- constants
  Tensor decode(const onnx::TensorProto& t, const std::string& name) const;
  void bind_const(const std::string& name, Tensor t) {
    Value v;
    v.is_const = true;
    v.onnx = t.dims;
    v.c = std::move(t);
    v.const_name = name;
    values_[name] = std::move(v);
  }

  // --- layers
  std::string unique_name(const std::string& base) {
    std::string n = base;
    for (int k = 1; reserved_.count(n) || layer_names_.count(n); ++k)
      n = base + "_" + std::to_string(k);
    return n;
  }
  int add_layer(Layer l) {
    if (layer_names_.count(l.name)) l.name = unique_name(l.name);
    check_sizes(l);
    l.shape = infer_shape(g_, l);
    if (size_product(l.shape, kMaxElements) < 0)
      fail("the output " + shape_str(l.shape) + " has more than 2^31 values");
    layer_names_.insert(l.name);
    g_.layers.push_back(std::move(l));
    layer_uses_.push_back(0);
    return int(g_.layers.size()) - 1;
  }
  // Every size of a new layer within kMaxSize / kMaxElements before infer_shape computes with
  // them (its inputs' shapes were checked when they were added).
  void check_sizes(const Layer& l) const {
    const std::string part = oversized_part(l);
    if (!part.empty()) fail(part + " is too large (more than 2^31)");
  }

  // Attribute or constant sizes that feed the shape rules: none above kMaxSize.
  void check_attr_sizes(const std::vector<int64_t>& v, const std::string& what) const {
    for (int64_t x : v)
      if (x > kMaxSize) fail(what + " holds " + std::to_string(x) + ", more than 2^31");
  }
  // A constant computed at import (folding) of shape `dims`: at most kMaxFolded values.
  void check_folded(const Shape& dims) const {
    if (size_product(dims, kMaxFolded) < 0)
      fail("the constant computed here, of shape " + shape_str(dims) +
           ", would hold more than 2^27 values");
  }
  // Binds ONNX tensor `name` to layer `idx`, whose IR shape must be the IR form of `onnx`.
  void bind(const std::string& name, int idx, const Shape& onnx, std::vector<int64_t> perm = {}) {
    if (g_.layers[size_t(idx)].shape != ir_shape(onnx))
      fail("internal error: layer shape " + shape_str(g_.layers[size_t(idx)].shape) +
           " differs from the expected " + shape_str(ir_shape(onnx)));
    Value v;
    v.layer = idx;
    v.onnx = onnx;
    v.perm = std::move(perm);
    values_[name] = std::move(v);
    layer_uses_[size_t(idx)] += uses_[name];
  }
  // A new layer for the node's first output (named after it, sourced from the node).
  int emit(Layer l, const Shape& onnx, std::vector<int64_t> perm = {}) {
    l.name = out_name();
    if (l.sources.empty()) l.sources = {label()};
    const int idx = add_layer(std::move(l));
    bind(out_name(), idx, onnx, std::move(perm));
    return idx;
  }
  // The value's layer has the current node as its only consumer (so the node can be folded
  // into it).
  bool sole_consumer(const Value& v) const {
    return !v.is_const && v.layer >= 0 && layer_uses_[size_t(v.layer)] == 1 &&
           g_.layers[size_t(v.layer)].kind != LayerKind::Input;
  }
  // The current node is folded into layer `idx`: the layer now produces the node's output.
  void absorb(int idx, const Shape& onnx, std::vector<int64_t> perm = {}) {
    Layer& l = g_.layers[size_t(idx)];
    layer_names_.erase(l.name);
    l.name = out_name();
    layer_names_.insert(l.name);
    l.sources.push_back(label());
    layer_uses_[size_t(idx)] = 0;
    bind(out_name(), idx, onnx, std::move(perm));
  }
  // Output = input, no layer (Identity, Dropout, a no-op reshape or cast).
  void alias(const Value& x) {
    const std::string& y = out_name();
    if (x.is_const) {
      Value v = x;
      values_[y] = v;
      return;
    }
    const Layer& l = g_.layers[size_t(x.layer)];
    if (sole_consumer(x) && l.kind != LayerKind::Const) {
      absorb(x.layer, x.onnx, x.perm);
      return;
    }
    Value v = x;
    values_[y] = v;
    layer_uses_[size_t(x.layer)] += uses_[y] - 1;
  }
  // A Const layer holding `t` (already in IR layout); reused when the same constant with the
  // same IR shape was made before.
  int const_layer(const Tensor& t, const std::string& const_name) {
    Shape shape = t.dims.empty() ? Shape{1} : t.dims;
    std::vector<float> vals = to_float(t.v);
    for (int idx : const_layers_[const_name]) {
      const Layer& l = g_.layers[size_t(idx)];
      if (l.shape == shape && l.values == vals) return idx;
    }
    Layer l;
    l.kind = LayerKind::Const;
    l.name = layer_names_.count(const_name) || const_name.empty()
                 ? unique_name(const_name.empty() ? out_name() + "/const" : const_name)
                 : const_name;
    l.shape = shape;
    l.values = std::move(vals);
    const int idx = add_layer(std::move(l));
    const_layers_[const_name].push_back(idx);
    return idx;
  }
  // Constant `c` (ONNX layout) as an operand of an element-wise op with runtime value `x`:
  // the tensor in the IR layout, leading 1s dropped where that keeps the result's rank
  // ([C,1,1] against a rank-4 value becomes [C]).
  Tensor const_operand(const Tensor& c, const Value& x, bool strip = true) const {
    Tensor t = c;
    const size_t rx = x.onnx.size(), rc = c.dims.size();
    if (!x.perm.empty()) {
      const int64_t n = x.onnx.back();
      if (element_count(c.dims) == 1) {
        t.dims = {1};
        return t;
      }
      Shape d = c.dims;
      while (d.size() > 1 && d.front() == 1) d.erase(d.begin());
      if (d.size() != 1 || d[0] != n || rc > rx)
        fail("constant of shape " + shape_str(c.dims) + " cannot be applied to " +
             shape_str(x.onnx) +
             " flattened from an NCHW tensor (only scalars and per-element vectors can)");
      for (size_t j = 0; j < x.perm.size(); ++j) t.v[j] = c.v[size_t(x.perm[j])];
      t.dims = Shape(rx - 1, 1);
      t.dims.push_back(n);
      if (strip) t.dims = {n};
      return t;
    }
    if (rx == 4 || rc == 4) {
      if (rc > 4 || rx < 4)
        fail("cannot broadcast " + shape_str(x.onnx) + " with a constant of shape " +
             shape_str(c.dims) + " (a rank-4 NCHW operand needs a rank-4 partner)");
      Shape d(4 - rc, 1);
      d.insert(d.end(), c.dims.begin(), c.dims.end());
      t.v = nchw_to_nhwc(c.v, d);
      t.dims = ir_shape(d);
    }
    if (strip && t.dims.size() <= rx)
      while (t.dims.size() > 1 && t.dims.front() == 1) t.dims.erase(t.dims.begin());
    if (t.dims.empty()) t.dims = {1};
    return t;
  }
  // Per-channel values (channel axis 1) of constant `c` broadcast against the output of a
  // Conv (rank 4) or FullyConnected (rank 2) with `f` channels; false when `c` varies along
  // another axis.
  bool per_channel(const Tensor& c, const Value& x, int64_t f, std::vector<double>& out) const {
    if (c.dims.size() > x.onnx.size() || x.onnx.size() < 2) return false;
    Shape d(x.onnx.size() - c.dims.size(), 1);
    d.insert(d.end(), c.dims.begin(), c.dims.end());
    for (size_t i = 0; i < d.size(); ++i)
      if (i != 1 && d[i] != 1) return false;
    if (d[1] != 1 && d[1] != f) return false;
    out.resize(size_t(f));
    for (int64_t k = 0; k < f; ++k) out[size_t(k)] = c.v[d[1] == 1 ? 0 : size_t(k)];
    return true;
  }

  // --- ops
  void resolve_pads(Layer& l, const Shape& in, bool pool);
  void op_input(const onnx::ValueInfoProto& vi, size_t index);
  void op_node();
  void op_conv();
  void op_gemm(bool matmul);
  void op_batchnorm();
  void op_activation(Act act, float lo, float hi, std::vector<float> alpha);
  void op_clip();
  void op_prelu();
  void op_softmax();
  void op_pool(bool max);
  void op_global_pool(bool max);
  void op_reduce_mean();
  void op_binary(LayerKind kind, bool div);
  void op_concat();
  void op_reshape_family();
  void reshape_to(const Value& x, Shape target);
  void op_pad();
  void op_constant();
  void op_shape();
  void op_gather();
  void op_cast();
  void op_dropout();
  void compact();
};

Tensor Importer::decode(const onnx::TensorProto& t, const std::string& name) const {
  const std::string what = "tensor " + quote(name);
  Tensor out;
  int64_t n = 1;
  for (int64_t d : t.dims()) out.dims.push_back(d);
  // The non-zero sizes too: an empty tensor of 0 x 2^62 would overflow later shape arithmetic.
  if (size_product(out.dims, kMaxStored) < 0) fail(what + " has a bad shape");
  for (int64_t d : out.dims) n *= d;
  const int type = t.data_type();
  size_t esize = 0;
  switch (type) {
    case onnx::TensorProto_DataType_FLOAT:
    case onnx::TensorProto_DataType_INT32:
    case onnx::TensorProto_DataType_UINT32:
      esize = 4;
      break;
    case onnx::TensorProto_DataType_DOUBLE:
    case onnx::TensorProto_DataType_INT64:
    case onnx::TensorProto_DataType_UINT64:
      esize = 8;
      break;
    case onnx::TensorProto_DataType_FLOAT16:
    case onnx::TensorProto_DataType_BFLOAT16:
    case onnx::TensorProto_DataType_INT16:
    case onnx::TensorProto_DataType_UINT16:
      esize = 2;
      break;
    case onnx::TensorProto_DataType_INT8:
    case onnx::TensorProto_DataType_UINT8:
    case onnx::TensorProto_DataType_BOOL:
      esize = 1;
      break;
    default:
      fail(what + " has element type " + std::to_string(type) +
           ", which is not supported (float, double, float16, bfloat16, integers, bool)");
  }
  out.integer =
      type != onnx::TensorProto_DataType_FLOAT && type != onnx::TensorProto_DataType_DOUBLE &&
      type != onnx::TensorProto_DataType_FLOAT16 && type != onnx::TensorProto_DataType_BFLOAT16;
  std::string external;
  const std::string* raw = nullptr;
  if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto& kv : t.external_data()) {
      try {
        if (kv.key() == "location") location = kv.value();
        if (kv.key() == "offset") offset = std::stoll(kv.value());
        if (kv.key() == "length") length = std::stoll(kv.value());
      } catch (const std::exception&) {
        fail(what + ": bad external_data entry " + quote(kv.key()));
      }
    }
    if (location.empty() || fs::path(location).is_absolute())
      fail(what + ": external data needs a relative location, found " + quote(location));
    const fs::path file = fs::path(path_).parent_path() / location;
    std::ifstream f(file, std::ios::binary);
    if (!f) fail(what + ": cannot open its external data file " + file.string());
    const int64_t want = length >= 0 ? length : n * int64_t(esize);
    std::error_code ec;
    const uintmax_t have = fs::file_size(file, ec);
    if (ec || offset < 0 || want != n * int64_t(esize) || uintmax_t(offset) > have ||
        uintmax_t(want) > have - uintmax_t(offset))
      fail(what + ": its external data (" + std::to_string(want) + " bytes at offset " +
           std::to_string(offset) + " for " + std::to_string(n) + " elements) is not in " +
           file.string() + " (" + (ec ? std::string("unreadable") : std::to_string(have)) +
           " bytes)");
    external.resize(size_t(want));
    f.seekg(offset);
    f.read(external.data(), want);
    if (f.gcount() != want) fail(what + ": read error in external data file " + file.string());
    raw = &external;
  } else if (t.has_raw_data()) {
    raw = &t.raw_data();
  }

  if (raw) {
    if (raw->size() != size_t(n) * esize)
      fail(what + " holds " + std::to_string(raw->size()) + " bytes for " + std::to_string(n) +
           " elements of " + std::to_string(esize) + " bytes (shape " + shape_str(out.dims) + ")");
    out.v.resize(size_t(n));
    const unsigned char* p = reinterpret_cast<const unsigned char*>(raw->data());
    for (int64_t i = 0; i < n; ++i, p += esize) {
      uint64_t u = 0;
      for (size_t b = 0; b < esize; ++b) u |= uint64_t(p[b]) << (8 * b);  // little-endian
      double v = 0;
      switch (type) {
        case onnx::TensorProto_DataType_FLOAT: {
          uint32_t w = uint32_t(u);
          float f;
          std::memcpy(&f, &w, 4);
          v = f;
          break;
        }
        case onnx::TensorProto_DataType_DOUBLE:
          std::memcpy(&v, &u, 8);
          break;
        case onnx::TensorProto_DataType_FLOAT16:
          v = half_to_float(uint16_t(u));
          break;
        case onnx::TensorProto_DataType_BFLOAT16: {
          uint32_t w = uint32_t(u) << 16;
          float f;
          std::memcpy(&f, &w, 4);
          v = f;
          break;
        }
        case onnx::TensorProto_DataType_INT8:
          v = double(int8_t(uint8_t(u)));
          break;
        case onnx::TensorProto_DataType_INT16:
          v = double(int16_t(uint16_t(u)));
          break;
        case onnx::TensorProto_DataType_INT32:
          v = double(int32_t(uint32_t(u)));
          break;
        case onnx::TensorProto_DataType_INT64:
          v = double(int64_t(u));
          break;
        default:  // unsigned, bool
          v = double(u);
          break;
      }
      out.v[size_t(i)] = v;
    }
    return out;
  }

  auto check_count = [&](int count) {
    if (int64_t(count) != n)
      fail(what + " holds " + std::to_string(count) + " values for shape " + shape_str(out.dims) +
           " (" + std::to_string(n) + " elements)");
    out.v.resize(size_t(n));
  };
  switch (type) {
    case onnx::TensorProto_DataType_FLOAT:
      check_count(t.float_data_size());
      for (int64_t i = 0; i < n; ++i) out.v[size_t(i)] = t.float_data(int(i));
      break;
    case onnx::TensorProto_DataType_DOUBLE:
      check_count(t.double_data_size());
      for (int64_t i = 0; i < n; ++i) out.v[size_t(i)] = t.double_data(int(i));
      break;
    case onnx::TensorProto_DataType_INT64:
      check_count(t.int64_data_size());
      for (int64_t i = 0; i < n; ++i) out.v[size_t(i)] = double(t.int64_data(int(i)));
      break;
    case onnx::TensorProto_DataType_UINT32:
    case onnx::TensorProto_DataType_UINT64:
      check_count(t.uint64_data_size());
      for (int64_t i = 0; i < n; ++i) out.v[size_t(i)] = double(t.uint64_data(int(i)));
      break;
    case onnx::TensorProto_DataType_FLOAT16:
      check_count(t.int32_data_size());
      for (int64_t i = 0; i < n; ++i)
        out.v[size_t(i)] = half_to_float(uint16_t(t.int32_data(int(i))));
      break;
    case onnx::TensorProto_DataType_BFLOAT16:
      check_count(t.int32_data_size());
      for (int64_t i = 0; i < n; ++i) {
        uint32_t w = uint32_t(uint16_t(t.int32_data(int(i)))) << 16;
        float f;
        std::memcpy(&f, &w, 4);
        out.v[size_t(i)] = f;
      }
      break;
    default:  // int32, int16, int8, uint16, uint8, bool
      check_count(t.int32_data_size());
      for (int64_t i = 0; i < n; ++i) out.v[size_t(i)] = t.int32_data(int(i));
      break;
  }
  return out;
}

// Explicit padding of a Conv or pool from `pads` / `auto_pad` (and `ceil_mode` for pools).
void Importer::resolve_pads(Layer& l, const Shape& in, bool pool) {
  const int64_t H = in[2], W = in[3];
  const std::string auto_pad = attr_string("auto_pad", "NOTSET");
  if (auto_pad == "NOTSET") {
    std::vector<int64_t> p = attr_ints("pads", {0, 0, 0, 0});
    if (p.size() != 4) fail("pads has " + std::to_string(p.size()) + " values, expected 4");
    for (int64_t v : p)
      if (v < 0) fail("negative pads are not supported");
    check_attr_sizes(p, "pads");
    l.pad_top = p[0];
    l.pad_left = p[1];
    l.pad_bottom = p[2];
    l.pad_right = p[3];
  } else if (auto_pad == "VALID") {
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = 0;
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    // Output ceil(in / stride); the odd cell goes at the end (UPPER) or the start (LOWER).
    same_padding(H, l.kernel_h, l.stride_h, l.dilation_h, l.pad_top, l.pad_bottom);
    same_padding(W, l.kernel_w, l.stride_w, l.dilation_w, l.pad_left, l.pad_right);
    if (auto_pad == "SAME_LOWER") {
      std::swap(l.pad_top, l.pad_bottom);
      std::swap(l.pad_left, l.pad_right);
    }
  } else {
    fail("auto_pad " + quote(auto_pad) + " is not supported");
  }
  if (pool && attr_int("ceil_mode", 0) != 0) {
    // ceil_mode: extra cells at the end, as many as the last (partial) window needs; a window
    // that would start in the end padding is dropped (PyTorch's rule).
    auto extra = [&](int64_t n, int64_t k, int64_t s, int64_t before, int64_t after) {
      const int64_t span = n + before + after - k;
      if (span < 0) return int64_t(0);
      int64_t out = (span + s - 1) / s + 1;
      if ((out - 1) * s >= n + before) --out;
      return std::max<int64_t>((out - 1) * s + k - (n + before + after), 0);
    };
    l.pad_bottom += extra(H, l.kernel_h, l.stride_h, l.pad_top, l.pad_bottom);
    l.pad_right += extra(W, l.kernel_w, l.stride_w, l.pad_left, l.pad_right);
  }
}

void Importer::op_input(const onnx::ValueInfoProto& vi, size_t index) {
  const std::string& name = vi.name();
  Shape shape;
  if (!input_shapes_.empty()) {
    shape = input_shapes_[index];
  } else {
    if (!vi.type().has_tensor_type() || !vi.type().tensor_type().has_shape())
      fail("graph input " + quote(name) + " declares no shape; pass its shape");
    const auto& dims = vi.type().tensor_type().shape().dim();
    for (int d = 0; d < dims.size(); ++d) {
      if (dims[d].has_dim_value() && dims[d].dim_value() > 0) {
        shape.push_back(dims[d].dim_value());
      } else if (d == 0) {
        shape.push_back(1);  // a symbolic batch
      } else {
        fail("graph input " + quote(name) + " has " +
             (dims[d].has_dim_value() ? "size " + std::to_string(dims[d].dim_value()) + " in"
                                      : std::string("an unknown")) +
             " dimension " + std::to_string(d) +
             (dims[d].has_dim_param() ? " (" + quote(dims[d].dim_param()) + ")" : std::string()) +
             "; pass its shape");
      }
    }
  }
  if (vi.type().has_tensor_type() && vi.type().tensor_type().has_elem_type() &&
      vi.type().tensor_type().elem_type() != onnx::TensorProto_DataType_FLOAT)
    fail("graph input " + quote(name) + " has element type " +
         std::to_string(vi.type().tensor_type().elem_type()) + "; only float inputs are supported");
  if (shape.empty() || shape[0] != 1)
    fail("graph input " + quote(name) + " has shape " + shape_str(shape) +
         "; the platform runs batch 1 (first dimension 1)");
  for (int64_t d : shape)
    if (d <= 0) fail("graph input " + quote(name) + " has shape " + shape_str(shape));
  if (size_product(shape, kMaxElements) < 0)
    fail("graph input " + quote(name) + " has shape " + shape_str(shape) +
         ", more than 2^31 values");
  Layer l;
  l.kind = LayerKind::Input;
  l.name = name;
  l.shape = ir_shape(shape);
  const int idx = add_layer(std::move(l));
  g_.inputs.push_back(idx);
  bind(name, idx, shape);
}

void Importer::op_conv() {
  Value& x = rank4_input(0);
  const Tensor w = const_input(1, "weights");
  if (w.dims.size() != 4)
    fail("weights have shape " + shape_str(w.dims) + "; only 2-D convolutions are supported");
  if (w.v.empty() || int64_t(w.v.size()) > kMaxElements)
    fail("weights of shape " + shape_str(w.dims) +
         (w.v.empty() ? " hold no values" : " hold more than 2^31 values"));
  const int64_t M = w.dims[0], Cg = w.dims[1], kH = w.dims[2], kW = w.dims[3];
  const int64_t C = x.onnx[1];
  const int64_t group = attr_int("group", 1);
  if (group < 1 || Cg * group != C || M % group)
    fail("weights " + shape_str(w.dims) + " with group " + std::to_string(group) +
         " do not fit an input of " + std::to_string(C) + " channels");
  const auto ks = attr_ints("kernel_shape", {kH, kW});
  if (ks.size() != 2 || ks[0] != kH || ks[1] != kW)
    fail("kernel_shape differs from the weights' " + std::to_string(kH) + "x" + std::to_string(kW));
  const auto strides = attr_ints("strides", {1, 1});
  const auto dil = attr_ints("dilations", {1, 1});
  if (strides.size() != 2 || dil.size() != 2) fail("strides and dilations need 2 values");
  for (int k = 0; k < 2; ++k)
    if (strides[size_t(k)] < 1 || dil[size_t(k)] < 1) fail("strides and dilations must be >= 1");
  check_attr_sizes(strides, "strides");
  check_attr_sizes(dil, "dilations");

  Layer l;
  l.kind = LayerKind::Conv;
  l.inputs = {x.layer};
  l.out_channels = M;
  l.kernel_h = kH;
  l.kernel_w = kW;
  l.groups = group;
  l.stride_h = strides[0];
  l.stride_w = strides[1];
  l.dilation_h = dil[0];
  l.dilation_w = dil[1];
  resolve_pads(l, x.onnx, false);
  // OIHW -> OHWI
  l.weights.resize(w.v.size());
  for (int64_t m = 0; m < M; ++m)
    for (int64_t c = 0; c < Cg; ++c)
      for (int64_t y = 0; y < kH; ++y)
        for (int64_t xx = 0; xx < kW; ++xx)
          l.weights[size_t(((m * kH + y) * kW + xx) * Cg + c)] =
              float(w.v[size_t(((m * Cg + c) * kH + y) * kW + xx)]);
  if (has_input(2)) {
    const Tensor b = const_input(2, "bias");
    if (int64_t(b.v.size()) != M)
      fail("bias has " + std::to_string(b.v.size()) + " values for " + std::to_string(M) +
           " filters");
    l.bias = to_float(b.v);
  } else {
    l.bias.assign(size_t(M), 0.0f);
    l.has_bias = false;
  }
  l.sources = {label()};
  // A zero Pad of H and W feeding only this Conv is folded into the Conv's padding.
  const Layer& prev = g_.layers[size_t(x.layer)];
  if (prev.kind == LayerKind::Pad && prev.pad_value == 0.0f && sole_consumer(x) &&
      prev.pads.size() == 8 && prev.pads[0] == 0 && prev.pads[1] == 0 && prev.pads[6] == 0 &&
      prev.pads[7] == 0 && attr_string("auto_pad", "NOTSET") == "NOTSET") {
    l.inputs = prev.inputs;
    l.pad_top += prev.pads[2];
    l.pad_bottom += prev.pads[3];
    l.pad_left += prev.pads[4];
    l.pad_right += prev.pads[5];
    l.sources = prev.sources;
    l.sources.push_back(label());
    layer_uses_[size_t(x.layer)] = 0;
  }
  l.name = out_name();
  const int idx = add_layer(std::move(l));
  bind(out_name(), idx, onnx_shape_of_ir(g_.layers[size_t(idx)].shape));
}

void Importer::op_gemm(bool matmul) {
  Value& a = runtime_input(0, "input A");
  if (a.onnx.size() != 2 || a.onnx[0] != 1)
    fail("input A has shape " + shape_str(a.onnx) + "; only [1, K] inputs are supported");
  if (!matmul && attr_int("transA", 0) != 0) fail("transA = 1 is not supported");
  if (!input(1).is_const)
    fail("input B " + quote(node_->input(1)) +
         " is a runtime tensor; only products with a constant (initializer) are supported");
  const Tensor b = const_input(1, "input B");
  const bool transB = !matmul && attr_int("transB", 0) != 0;
  const float alpha = matmul ? 1.0f : attr_float("alpha", 1.0f);
  const float beta = matmul ? 1.0f : attr_float("beta", 1.0f);
  const int64_t K = a.onnx[1];
  if (b.dims.size() != 2 || b.dims[transB ? 1 : 0] != K)
    fail("input B has shape " + shape_str(b.dims) + ", which does not fit A " + shape_str(a.onnx) +
         (transB ? " with transB" : ""));
  const int64_t N = b.dims[transB ? 0 : 1];
  if (b.v.empty() || int64_t(b.v.size()) > kMaxElements)
    fail("input B of shape " + shape_str(b.dims) +
         (b.v.empty() ? " holds no values" : " holds more than 2^31 values"));
  Layer l;
  l.kind = LayerKind::FullyConnected;
  l.inputs = {a.layer};
  l.out_channels = N;
  l.weights.resize(size_t(N * K));
  for (int64_t n = 0; n < N; ++n)
    for (int64_t j = 0; j < K; ++j) {
      const int64_t k = a.perm.empty() ? j : a.perm[size_t(j)];
      const double v = transB ? b.v[size_t(n * K + k)] : b.v[size_t(k * N + n)];
      l.weights[size_t(n * K + j)] = float(double(alpha) * v);
    }
  l.bias.assign(size_t(N), 0.0f);
  l.has_bias = !matmul && has_input(2);
  if (!matmul && has_input(2)) {
    const Tensor c = const_input(2, "input C");
    const int64_t cn = element_count(c.dims);
    const bool ok = cn == 1 || (cn == N && c.dims.back() == N &&
                                (c.dims.size() == 1 || (c.dims.size() == 2 && c.dims[0] == 1)));
    if (!ok) fail("input C has shape " + shape_str(c.dims) + "; expected [N], [1, N] or one value");
    for (int64_t n = 0; n < N; ++n)
      l.bias[size_t(n)] = float(double(beta) * c.v[cn == 1 ? 0 : size_t(n)]);
  }
  emit(std::move(l), {1, N});
}

void Importer::op_batchnorm() {
  check_extra_outputs();
  if (attr_int("training_mode", 0) != 0) fail("training_mode = 1 is not supported");
  if (attr_int("spatial", 1) != 1) fail("spatial = 0 is not supported");
  Value& x = runtime_input(0, "input");
  if (x.onnx.size() < 2) fail("input has shape " + shape_str(x.onnx) + "; needs a channel axis");
  const int64_t C = x.onnx[1];
  const double eps = attr_float("epsilon", 1e-5f);
  const char* names[4] = {"scale", "B", "mean", "var"};
  Tensor p[4];
  for (int i = 0; i < 4; ++i) {
    p[i] = const_input(i + 1, names[i]);
    if (int64_t(p[i].v.size()) != C)
      fail(std::string(names[i]) + " has " + std::to_string(p[i].v.size()) + " values for " +
           std::to_string(C) + " channels");
  }
  std::vector<double> s(static_cast<size_t>(C)), t(static_cast<size_t>(C));
  for (int64_t c = 0; c < C; ++c) {
    s[size_t(c)] = p[0].v[size_t(c)] / std::sqrt(p[3].v[size_t(c)] + eps);
    t[size_t(c)] = p[1].v[size_t(c)] - p[2].v[size_t(c)] * s[size_t(c)];
  }
  if (sole_consumer(x)) {
    Layer& l = g_.layers[size_t(x.layer)];
    if ((l.kind == LayerKind::Conv || l.kind == LayerKind::FullyConnected) && l.act == Act::None &&
        l.out_channels == C && x.perm.empty()) {
      const size_t per = l.weights.size() / size_t(C);
      for (int64_t f = 0; f < C; ++f) {
        for (size_t k = 0; k < per; ++k)
          l.weights[size_t(f) * per + k] =
              float(double(l.weights[size_t(f) * per + k]) * s[size_t(f)]);
        l.bias[size_t(f)] = float(double(l.bias[size_t(f)]) * s[size_t(f)] + t[size_t(f)]);
        l.has_bias = true;
      }
      absorb(x.layer, x.onnx);
      return;
    }
  }
  // Not after a Conv/Gemm: y = x * s + t with per-channel constants.
  if (!x.perm.empty()) fail("input is flattened from an NCHW tensor; not supported");
  Tensor ts, tt;
  ts.dims = Shape(x.onnx.size() - 1, 1);
  ts.dims[0] = C;
  tt.dims = ts.dims;
  ts.v = s;
  tt.v = t;
  const int cs = const_layer(const_operand(ts, x), unique_name(out_name() + "/scale"));
  const int ct = const_layer(const_operand(tt, x), unique_name(out_name() + "/shift"));
  Layer mul;
  mul.kind = LayerKind::Mul;
  mul.name = unique_name(out_name() + "/mul");
  mul.inputs = {x.layer, cs};
  mul.sources = {label()};
  const int mi = add_layer(std::move(mul));
  Layer add;
  add.kind = LayerKind::Add;
  add.inputs = {mi, ct};
  emit(std::move(add), x.onnx);
}

void Importer::op_activation(Act act, float lo, float hi, std::vector<float> alpha) {
  Value& x = input(0);
  if (x.is_const) {
    Tensor t = tensor_of(x);
    for (size_t i = 0; i < t.v.size(); ++i) {
      double& v = t.v[i];
      switch (act) {
        case Act::Relu:
          v = std::max(v, 0.0);
          break;
        case Act::Relu6:
          v = std::min(std::max(v, 0.0), 6.0);
          break;
        case Act::Clip:
          v = std::min(std::max(v, double(lo)), double(hi));
          break;
        case Act::Sigmoid:
          v = 1.0 / (1.0 + std::exp(-v));
          break;
        case Act::Tanh:
          v = std::tanh(v);
          break;
        default:
          fail("activation of a constant is not supported");
      }
    }
    bind_const(out_name(), std::move(t));
    return;
  }
  // Fused into a Conv / Gemm / element-wise producer that feeds only this node.
  const bool fusable = act == Act::Relu || act == Act::Relu6 || act == Act::Clip ||
                       (act == Act::PRelu && x.perm.empty());
  if (fusable && sole_consumer(x)) {
    Layer& l = g_.layers[size_t(x.layer)];
    if ((l.kind == LayerKind::Conv || l.kind == LayerKind::FullyConnected ||
         l.kind == LayerKind::Add || l.kind == LayerKind::Sub || l.kind == LayerKind::Mul) &&
        l.act == Act::None) {
      l.act = act;
      l.clip_min = lo;
      l.clip_max = hi;
      l.alpha = alpha;
      absorb(x.layer, x.onnx, x.perm);
      return;
    }
  }
  Layer l;
  l.kind = LayerKind::Activation;
  l.inputs = {x.layer};
  l.act = act;
  l.clip_min = lo;
  l.clip_max = hi;
  l.alpha = std::move(alpha);
  emit(std::move(l), x.onnx, x.perm);
}

void Importer::op_clip() {
  const float inf = std::numeric_limits<float>::infinity();
  float lo = -inf, hi = inf;
  if (opset_ < 11) {
    lo = attr_float("min", -inf);
    hi = attr_float("max", inf);
  } else {
    if (has_input(1)) {
      const Tensor t = const_input(1, "min");
      if (t.v.size() != 1) fail("min must be a single value");
      lo = float(t.v[0]);
    }
    if (has_input(2)) {
      const Tensor t = const_input(2, "max");
      if (t.v.size() != 1) fail("max must be a single value");
      hi = float(t.v[0]);
    }
  }
  // Opset 6 writes "no bound" as +-3.4028234e38.
  const float big = std::numeric_limits<float>::max();
  const bool no_lo = lo <= -big, no_hi = hi >= big;
  if (!(lo <= hi)) fail("min " + std::to_string(lo) + " exceeds max " + std::to_string(hi));
  if (lo == 0.0f && hi == 6.0f) return op_activation(Act::Relu6, 0.0f, 6.0f, {});
  if (lo == 0.0f && no_hi) return op_activation(Act::Relu, 0.0f, 0.0f, {});
  op_activation(Act::Clip, no_lo ? -big : lo, no_hi ? big : hi, {});
}

void Importer::op_prelu() {
  Value& x = runtime_input(0, "input");
  const Tensor s = const_input(1, "slope");
  std::vector<float> alpha;
  if (element_count(s.dims) == 1) {
    alpha = {float(s.v[0])};
  } else if (!x.perm.empty()) {
    Tensor t = const_operand(s, x);
    alpha = to_float(t.v);
  } else {
    // Per channel: channel axis 1 (rank >= 3, the IR's last axis for rank 4) or the last axis
    // of a [1, N] value.
    std::vector<double> per;
    const int64_t ch = x.onnx.size() == 2 ? x.onnx[1] : x.onnx.size() == 4 ? x.onnx[1] : -1;
    if (ch < 0 || !per_channel(s, x, ch, per))
      fail("slope of shape " + shape_str(s.dims) + " is not one value per channel of " +
           shape_str(x.onnx));
    alpha = to_float(per);
  }
  op_activation(Act::PRelu, 0.0f, 0.0f, std::move(alpha));
}

void Importer::op_softmax() {
  Value& x = runtime_input(0, "input");
  const int rank = int(x.onnx.size());
  if (rank == 0) fail("softmax of a scalar is not supported");
  int64_t axis = attr_int("axis", opset_ >= 13 ? -1 : 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) fail("axis is out of range for " + shape_str(x.onnx));
  // The ONNX axes normalized over (one axis from opset 13, all axes from `axis` before) that are
  // longer than 1 must be exactly the IR's last axis.
  std::set<int> reduced;
  for (int a = int(axis); a < (opset_ >= 13 ? int(axis) + 1 : rank); ++a)
    if (x.onnx[size_t(a)] > 1) reduced.insert(ir_axis(a, size_t(rank)));
  const int64_t last = g_.layers[size_t(x.layer)].shape.back();
  const bool ok = reduced.empty() ? last == 1 : reduced == std::set<int>{rank - 1};
  if (!ok)
    fail("softmax over axis " + std::to_string(axis) + " of " + shape_str(x.onnx) +
         " is not over the IR's last (channel) axis; not supported");
  Layer l;
  l.kind = LayerKind::Softmax;
  l.inputs = {x.layer};
  emit(std::move(l), x.onnx, x.perm);
}

void Importer::op_pool(bool max) {
  if (max) check_extra_outputs();
  Value& x = rank4_input(0);
  const auto ks = attr_ints("kernel_shape", {});
  if (ks.size() != 2 || ks[0] < 1 || ks[1] < 1) fail("needs a kernel_shape of 2 values >= 1");
  const auto strides = attr_ints("strides", {1, 1});
  if (strides.size() != 2 || strides[0] < 1 || strides[1] < 1) fail("strides needs 2 values >= 1");
  const auto dil = attr_ints("dilations", {1, 1});
  if (dil.size() != 2 || dil[0] != 1 || dil[1] != 1) fail("dilated pooling is not supported");
  check_attr_sizes(ks, "kernel_shape");
  check_attr_sizes(strides, "strides");
  Layer l;
  l.kind = max ? LayerKind::MaxPool : LayerKind::AvgPool;
  l.inputs = {x.layer};
  l.kernel_h = ks[0];
  l.kernel_w = ks[1];
  l.stride_h = strides[0];
  l.stride_w = strides[1];
  resolve_pads(l, x.onnx, true);
  if (!max && attr_int("count_include_pad", 0) != 0 &&
      (l.pad_top || l.pad_bottom || l.pad_left || l.pad_right))
    fail(
        "count_include_pad = 1 with padding is not supported (the IR's AvgPool averages over "
        "the input cells only)");
  l.sources = {label()};
  l.name = out_name();
  const int idx = add_layer(std::move(l));
  bind(out_name(), idx, onnx_shape_of_ir(g_.layers[size_t(idx)].shape));
}

void Importer::op_global_pool(bool max) {
  Value& x = rank4_input(0);
  Layer l;
  l.inputs = {x.layer};
  if (max) {
    l.kind = LayerKind::MaxPool;
    l.kernel_h = x.onnx[2];
    l.kernel_w = x.onnx[3];
  } else {
    l.kind = LayerKind::GlobalAvgPool;
    l.keep_dims = true;
  }
  emit(std::move(l), {1, x.onnx[1], 1, 1});
}

void Importer::op_reduce_mean() {
  Value& x = rank4_input(0);
  std::vector<int64_t> axes = attr_ints("axes", {});
  if (has_input(1)) axes = ints_of(const_input(1, "axes"), "axes");
  for (auto& a : axes)
    if (a < 0) a += 4;
  std::sort(axes.begin(), axes.end());
  if (axes != std::vector<int64_t>{2, 3})
    fail("only a mean over H and W (axes 2, 3) of an NCHW tensor is supported");
  const bool keep = attr_int("keepdims", 1) != 0;
  Layer l;
  l.kind = LayerKind::GlobalAvgPool;
  l.inputs = {x.layer};
  l.keep_dims = keep;
  emit(std::move(l), keep ? Shape{1, x.onnx[1], 1, 1} : Shape{1, x.onnx[1]});
}

void Importer::op_binary(LayerKind kind, bool div) {
  if (node_->input_size() == 1 && (kind == LayerKind::Maximum || kind == LayerKind::Minimum))
    return alias(input(0));
  if (node_->input_size() != 2)
    fail("takes 2 inputs here, has " + std::to_string(node_->input_size()));
  Value& a = input(0);
  Value& b = input(1);
  bool ok = true;
  const Shape out = broadcast_shapes(a.onnx, b.onnx, &ok);
  if (!ok) fail("cannot broadcast " + shape_str(a.onnx) + " with " + shape_str(b.onnx));

  if (a.is_const && b.is_const) {  // folded
    const Tensor ta = tensor_of(a), tb = tensor_of(b);
    check_folded(out);
    Tensor t;
    t.dims = out;
    t.integer = ta.integer && tb.integer;
    t.v.resize(size_t(element_count(out)));
    size_t k = 0;
    for_each_index(out, [&](const std::vector<int64_t>& idx) {
      const double x = ta.v[broadcast_index(ta.dims, out, idx)];
      const double y = tb.v[broadcast_index(tb.dims, out, idx)];
      const double r = div ? (t.integer ? std::trunc(x / y) : x / y) : elementwise_op(kind, x, y);
      t.v[k++] = r;
    });
    return bind_const(out_name(), std::move(t));
  }

  if (div && !b.is_const) fail("division by a runtime tensor is not supported");

  if (a.is_const || b.is_const) {
    const bool const_first = a.is_const;
    Value& x = const_first ? b : a;
    Tensor c = tensor_of(const_first ? a : b);
    if (div)
      for (double& v : c.v) v = 1.0 / v;
    // Folded into the bias / weights of a Conv or Gemm without activation that feeds only
    // this node, when the constant is one value per output channel.
    if (sole_consumer(x) && (kind == LayerKind::Add || kind == LayerKind::Mul ||
                             (kind == LayerKind::Sub && !const_first))) {
      Layer& l = g_.layers[size_t(x.layer)];
      std::vector<double> per;
      if ((l.kind == LayerKind::Conv || l.kind == LayerKind::FullyConnected) &&
          l.act == Act::None && out == x.onnx && per_channel(c, x, l.out_channels, per)) {
        const size_t F = size_t(l.out_channels), K = l.weights.size() / F;
        for (size_t f = 0; f < F; ++f) {
          if (kind == LayerKind::Add || kind == LayerKind::Sub) l.has_bias = true;
          if (kind == LayerKind::Add) l.bias[f] = float(double(l.bias[f]) + per[f]);
          if (kind == LayerKind::Sub) l.bias[f] = float(double(l.bias[f]) - per[f]);
          if (kind == LayerKind::Mul) {
            l.bias[f] = float(double(l.bias[f]) * per[f]);
            for (size_t k = 0; k < K; ++k)
              l.weights[f * K + k] = float(double(l.weights[f * K + k]) * per[f]);
          }
        }
        return absorb(x.layer, x.onnx);
      }
    }
    // A Const layer in the IR layout.
    const std::string cname = (const_first ? a : b).const_name.empty()
                                  ? out_name() + "/const"
                                  : (const_first ? a : b).const_name;
    const int ci =
        const_layer(const_operand(c, x), div ? unique_name(cname + "/reciprocal") : cname);
    Layer l;
    l.kind = kind;
    l.inputs = const_first ? std::vector<int>{ci, x.layer} : std::vector<int>{x.layer, ci};
    return (void)emit(std::move(l), out, x.perm);
  }

  // Two runtime tensors: same layout needed.
  if (a.perm != b.perm)
    fail("operands " + shape_str(a.onnx) + " and " + shape_str(b.onnx) +
         " are held in different element orders (one is flattened from NCHW); not supported");
  if ((a.onnx.size() == 4) != (b.onnx.size() == 4))
    fail("operands " + shape_str(a.onnx) + " and " + shape_str(b.onnx) +
         " have different ranks with one of rank 4; not supported");
  Layer l;
  l.kind = kind;
  l.inputs = {a.layer, b.layer};
  emit(std::move(l), out, a.perm);
}

void Importer::op_concat() {
  const int n = node_->input_size();
  if (n < 1) fail("has no inputs");
  bool all_const = true;
  int rank = -1;
  for (int i = 0; i < n; ++i) {
    const Value& v = input(i);
    all_const = all_const && v.is_const;
    if (rank < 0) rank = int(v.onnx.size());
    if (int(v.onnx.size()) != rank) fail("inputs have different ranks");
  }
  int64_t axis = attr_int("axis", opset_ < 4 ? 1 : 0);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) fail("axis is out of range");
  Shape out = input(0).onnx;
  for (int i = 1; i < n; ++i) {
    const Shape& s = input(i).onnx;
    for (int d = 0; d < rank; ++d)
      if (d != axis && s[size_t(d)] != out[size_t(d)])
        fail("cannot concatenate " + shape_str(out) + " and " + shape_str(s) + " along axis " +
             std::to_string(axis));
    out[size_t(axis)] += s[size_t(axis)];
  }
  if (all_const) {
    check_folded(out);
    Tensor t;
    t.dims = out;
    t.integer = true;
    std::vector<Tensor> parts;
    for (int i = 0; i < n; ++i) {
      parts.push_back(tensor_of(input(i)));
      t.integer = t.integer && parts.back().integer;
    }
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= out[size_t(d)];
    for (int d = int(axis) + 1; d < rank; ++d) inner *= out[size_t(d)];
    for (int64_t o = 0; o < outer; ++o)
      for (const Tensor& p : parts) {
        const int64_t len = p.dims[size_t(axis)] * inner;
        t.v.insert(t.v.end(), p.v.begin() + o * len, p.v.begin() + (o + 1) * len);
      }
    return bind_const(out_name(), std::move(t));
  }
  Layer l;
  l.kind = LayerKind::Concat;
  l.axis = ir_axis(int(axis), size_t(rank));
  const Value* ref = nullptr;
  for (int i = 0; i < n; ++i)
    if (!input(i).is_const) ref = &input(i);
  for (int i = 0; i < n; ++i) {
    const Value& v = input(i);
    if (!v.perm.empty())
      fail("input " + quote(node_->input(i)) + " is flattened from NCHW; not supported");
    if (v.is_const) {
      l.inputs.push_back(const_layer(const_operand(tensor_of(v), *ref, false), v.const_name));
    } else {
      l.inputs.push_back(v.layer);
    }
  }
  emit(std::move(l), out);
}

// Output of shape `target` (ONNX) holding x's elements in order.
void Importer::reshape_to(const Value& x, Shape target) {
  if (size_product(target, kMaxStored) < 0 || element_count(target) != element_count(x.onnx))
    fail("cannot reshape " + shape_str(x.onnx) + " to " + shape_str(target));
  if (x.is_const) {
    Tensor t = tensor_of(x);
    t.dims = target;
    return bind_const(out_name(), std::move(t));
  }
  std::vector<int64_t> perm;
  if (!x.perm.empty()) {
    if (target.size() != 2 || target[0] != 1)
      fail("a tensor flattened from NCHW can only stay [1, N], not become " + shape_str(target));
    perm = x.perm;
  } else if (!same_order(x.onnx)) {
    // NHWC holds the elements in another order than NCHW: only a flatten to [1, N] is
    // possible, recording the order for the consumer.
    if (target.size() != 2 || target[0] != 1)
      fail("reshaping " + shape_str(x.onnx) + " to " + shape_str(target) +
           " would need a transpose to NCHW order; only [1, N] is supported");
    const int64_t C = x.onnx[1], H = x.onnx[2], W = x.onnx[3];
    perm.resize(size_t(C * H * W));
    for (int64_t h = 0; h < H; ++h)
      for (int64_t w = 0; w < W; ++w)
        for (int64_t c = 0; c < C; ++c) perm[size_t((h * W + w) * C + c)] = (c * H + h) * W + w;
  } else if (!same_order(target) || (target.size() == 4 && target[0] != 1)) {
    fail("reshaping " + shape_str(x.onnx) + " to " + shape_str(target) +
         " would need a transpose to NHWC order; not supported");
  }
  if (ir_shape(target) == g_.layers[size_t(x.layer)].shape && perm == x.perm) {
    Value v = x;
    v.onnx = target;
    alias(v);
    values_[out_name()].onnx = target;
    return;
  }
  Layer l;
  l.kind = LayerKind::Reshape;
  l.inputs = {x.layer};
  l.shape = ir_shape(target);
  emit(std::move(l), target, std::move(perm));
}

void Importer::op_reshape_family() {
  const std::string& op = node_->op_type();
  const Value x = input(0);
  const Shape& s = x.onnx;
  const int64_t r = int64_t(s.size());
  Shape target;
  if (op == "Flatten") {
    int64_t axis = attr_int("axis", 1);
    if (axis < 0) axis += r;
    if (axis < 0 || axis > r) fail("axis is out of range");
    int64_t a = 1, b = 1;
    for (int64_t d = 0; d < r; ++d) (d < axis ? a : b) *= s[size_t(d)];
    target = {a, b};
  } else if (op == "Reshape") {
    std::vector<int64_t> spec =
        opset_ < 5 ? attr_ints("shape", {}) : ints_of(const_input(1, "shape"), "shape");
    const bool allowzero = attr_int("allowzero", 0) != 0;
    int infer = -1;
    int64_t known = 1;
    for (size_t i = 0; i < spec.size(); ++i) {
      int64_t d = spec[i];
      if (d == 0 && !allowzero) {
        if (int64_t(i) >= r) fail("shape copies a dimension the input does not have");
        d = s[i];
      }
      if (d == -1) {
        if (infer >= 0) fail("shape has two -1 dimensions");
        infer = int(i);
      } else if (d <= 0) {
        fail("shape holds " + std::to_string(d) + "; empty tensors are not supported");
      } else {
        if (known > kMaxStored / d) fail("shape " + shape_str(spec) + " is too large");
        known *= d;
      }
      target.push_back(d);
    }
    if (infer >= 0) {
      if (known == 0 || element_count(s) % known) fail("cannot infer the -1 dimension");
      target[size_t(infer)] = element_count(s) / known;
    }
  } else if (op == "Squeeze" || op == "Unsqueeze") {
    std::vector<int64_t> axes = attr_ints("axes", {});
    if (has_input(1)) axes = ints_of(const_input(1, "axes"), "axes");
    if (op == "Squeeze") {
      std::set<int64_t> drop;
      for (int64_t a : axes) {
        if (a < -r || a >= r) fail("axis " + std::to_string(a) + " is out of range");
        drop.insert(a < 0 ? a + r : a);
      }
      for (int64_t d = 0; d < r; ++d) {
        const bool gone = axes.empty() ? s[size_t(d)] == 1 : drop.count(d) > 0;
        if (gone && s[size_t(d)] != 1)
          fail("cannot squeeze a dimension of size " + std::to_string(s[size_t(d)]));
        if (!gone) target.push_back(s[size_t(d)]);
      }
    } else {
      const int64_t out_rank = r + int64_t(axes.size());
      std::set<int64_t> add;
      for (int64_t a : axes) {
        if (a < -out_rank || a >= out_rank) fail("axis " + std::to_string(a) + " is out of range");
        add.insert(a < 0 ? a + out_rank : a);
      }
      if (int64_t(add.size()) != int64_t(axes.size())) fail("axes repeat");
      size_t k = 0;
      for (int64_t d = 0; d < out_rank; ++d) target.push_back(add.count(d) ? 1 : s[k++]);
    }
  }
  reshape_to(x, target);
}

void Importer::op_pad() {
  const std::string mode = attr_string("mode", "constant");
  if (mode != "constant") fail("mode " + quote(mode) + " is not supported (constant only)");
  Value& x = runtime_input(0, "input");
  std::vector<int64_t> pads;
  float value = 0.0f;
  if (opset_ < 11) {
    pads = attr_ints("pads", {});
    value = attr_float("value", 0.0f);
  } else {
    pads = ints_of(const_input(1, "pads"), "pads");
    if (has_input(2)) {
      const Tensor v = const_input(2, "constant_value");
      if (v.v.size() != 1) fail("constant_value must be one value");
      value = float(v.v[0]);
    }
    if (has_input(3)) fail("the axes input is not supported");
  }
  check_attr_sizes(pads, "pads");
  const size_t r = x.onnx.size();
  if (pads.size() != 2 * r)
    fail("pads has " + std::to_string(pads.size()) + " values for a rank-" + std::to_string(r) +
         " input");
  bool any = false;
  Shape out = x.onnx;
  for (size_t d = 0; d < r; ++d) {
    if (pads[d] < 0 || pads[d + r] < 0) fail("negative pads (cropping) are not supported");
    any = any || pads[d] || pads[d + r];
    out[d] += pads[d] + pads[d + r];
  }
  if (!any) return alias(x);
  if (!x.perm.empty()) fail("input is flattened from NCHW; not supported");
  Layer l;
  l.kind = LayerKind::Pad;
  l.inputs = {x.layer};
  l.pad_value = value;
  l.pads.resize(2 * r);
  static const int onnx_of_ir4[4] = {0, 2, 3, 1};
  for (size_t d = 0; d < r; ++d) {
    const size_t od = r == 4 ? size_t(onnx_of_ir4[d]) : d;
    l.pads[2 * d] = pads[od];
    l.pads[2 * d + 1] = pads[od + r];
  }
  emit(std::move(l), out);
}

void Importer::op_constant() {
  Tensor t;
  if (const auto* a = attr("value")) {
    t = decode(a->t(), out_name());
  } else if (const auto* f = attr("value_float")) {
    t.v = {f->f()};
  } else if (const auto* fs_ = attr("value_floats")) {
    t.dims = {int64_t(fs_->floats_size())};
    t.v.assign(fs_->floats().begin(), fs_->floats().end());
  } else if (const auto* i = attr("value_int")) {
    t.v = {double(i->i())};
    t.integer = true;
  } else if (const auto* is = attr("value_ints")) {
    t.dims = {int64_t(is->ints_size())};
    for (int64_t v : is->ints()) t.v.push_back(double(v));
    t.integer = true;
  } else {
    fail("only value, value_float(s) and value_int(s) are supported");
  }
  bind_const(out_name(), std::move(t));
}

void Importer::op_shape() {
  const Value& x = input(0);
  const int64_t r = int64_t(x.onnx.size());
  int64_t start = attr_int("start", 0), end = attr_int("end", r);
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = std::clamp<int64_t>(start, 0, r);
  end = std::clamp<int64_t>(end, start, r);
  Tensor t;
  t.integer = true;
  for (int64_t d = start; d < end; ++d) t.v.push_back(double(x.onnx[size_t(d)]));
  t.dims = {int64_t(t.v.size())};
  bind_const(out_name(), std::move(t));
}

void Importer::op_gather() {
  if (!input(0).is_const) fail("gathering from a runtime tensor is not supported");
  const Tensor data = const_input(0, "data");
  const Tensor idx = const_input(1, "indices");
  const int64_t r = int64_t(data.dims.size());
  int64_t axis = attr_int("axis", 0);
  if (axis < 0) axis += r;
  if (axis < 0 || axis >= r) fail("axis is out of range");
  Tensor t;
  t.integer = data.integer;
  for (int64_t d = 0; d < axis; ++d) t.dims.push_back(data.dims[size_t(d)]);
  t.dims.insert(t.dims.end(), idx.dims.begin(), idx.dims.end());
  for (int64_t d = axis + 1; d < r; ++d) t.dims.push_back(data.dims[size_t(d)]);
  check_folded(t.dims);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= data.dims[size_t(d)];
  for (int64_t d = axis + 1; d < r; ++d) inner *= data.dims[size_t(d)];
  const int64_t n = data.dims[size_t(axis)];
  for (int64_t o = 0; o < outer; ++o)
    for (double dv : idx.v) {
      int64_t i = int64_t(dv);
      if (i < 0) i += n;
      if (i < 0 || i >= n) fail("index " + std::to_string(int64_t(dv)) + " is out of range");
      for (int64_t k = 0; k < inner; ++k) t.v.push_back(data.v[size_t((o * n + i) * inner + k)]);
    }
  bind_const(out_name(), std::move(t));
}

void Importer::op_cast() {
  const int64_t to = attr_int("to", onnx::TensorProto_DataType_FLOAT);
  const bool to_float = to == onnx::TensorProto_DataType_FLOAT ||
                        to == onnx::TensorProto_DataType_DOUBLE ||
                        to == onnx::TensorProto_DataType_FLOAT16;
  const Value& x = input(0);
  if (!x.is_const) {
    if (to != onnx::TensorProto_DataType_FLOAT)
      fail("casting a runtime tensor to another type than float is not supported");
    return alias(x);
  }
  Tensor t = tensor_of(x);
  t.integer = !to_float;
  if (to == onnx::TensorProto_DataType_BOOL)
    for (double& v : t.v) v = v != 0.0;
  else if (!to_float)
    for (double& v : t.v) v = std::trunc(v);
  else if (to == onnx::TensorProto_DataType_FLOAT)
    for (double& v : t.v) v = double(float(v));
  bind_const(out_name(), std::move(t));
}

void Importer::op_dropout() {
  check_extra_outputs();
  if (has_input(2)) {
    const Tensor m = const_input(2, "training_mode");
    if (!m.v.empty() && m.v[0] != 0.0) fail("training_mode = true is not supported");
  }
  alias(input(0));
}

void Importer::op_node() {
  const std::string& op = node_->op_type();
  if (op != "Dropout" && op != "BatchNormalization" && op != "MaxPool") check_extra_outputs();
  if (op == "Conv") return op_conv();
  if (op == "Gemm") return op_gemm(false);
  if (op == "MatMul") return op_gemm(true);
  if (op == "BatchNormalization") return op_batchnorm();
  if (op == "Relu") return op_activation(Act::Relu, 0.0f, 0.0f, {});
  if (op == "Sigmoid") return op_activation(Act::Sigmoid, 0.0f, 0.0f, {});
  if (op == "Tanh") return op_activation(Act::Tanh, 0.0f, 0.0f, {});
  if (op == "LeakyRelu") return op_activation(Act::PRelu, 0.0f, 0.0f, {attr_float("alpha", 0.01f)});
  if (op == "PRelu") return op_prelu();
  if (op == "Clip") return op_clip();
  if (op == "Softmax") return op_softmax();
  if (op == "MaxPool") return op_pool(true);
  if (op == "AveragePool") return op_pool(false);
  if (op == "GlobalAveragePool") return op_global_pool(false);
  if (op == "GlobalMaxPool") return op_global_pool(true);
  if (op == "ReduceMean") return op_reduce_mean();
  if (op == "Add") return op_binary(LayerKind::Add, false);
  if (op == "Sub") return op_binary(LayerKind::Sub, false);
  if (op == "Mul") return op_binary(LayerKind::Mul, false);
  if (op == "Div") return op_binary(LayerKind::Mul, true);
  if (op == "Max") return op_binary(LayerKind::Maximum, false);
  if (op == "Min") return op_binary(LayerKind::Minimum, false);
  if (op == "Concat") return op_concat();
  if (op == "Flatten" || op == "Reshape" || op == "Squeeze" || op == "Unsqueeze")
    return op_reshape_family();
  if (op == "Pad") return op_pad();
  if (op == "Identity") return alias(input(0));
  if (op == "Dropout") return op_dropout();
  if (op == "Constant") return op_constant();
  if (op == "Shape") return op_shape();
  if (op == "Gather") return op_gather();
  if (op == "Cast") return op_cast();
  fail("op is not supported");
}

// Drops layers no output depends on (folded Pads, unused branches); keeps every Input.
void Importer::compact() {
  const size_t n = g_.layers.size();
  std::vector<char> live(n, 0);
  for (const auto& o : g_.outputs) live[size_t(o.layer)] = 1;
  for (int i : g_.inputs) live[size_t(i)] = 1;
  for (size_t i = n; i-- > 0;)
    if (live[i])
      for (int in : g_.layers[i].inputs) live[size_t(in)] = 1;
  std::vector<int> remap(n, -1);
  std::vector<Layer> kept;
  for (size_t i = 0; i < n; ++i)
    if (live[i]) {
      remap[i] = int(kept.size());
      kept.push_back(std::move(g_.layers[i]));
    }
  for (Layer& l : kept)
    for (int& in : l.inputs) in = remap[size_t(in)];
  for (int& i : g_.inputs) i = remap[size_t(i)];
  for (auto& o : g_.outputs) o.layer = remap[size_t(o.layer)];
  g_.layers = std::move(kept);
}

Graph Importer::run() {
  g_.source = path_;
  g_.format = "onnx";
  g_.name = fs::path(path_).stem().string();
  for (const auto& o : model_.opset_import())
    if (default_domain(o.domain())) opset_ = o.version();
  const onnx::GraphProto& graph = model_.graph();

  for (const auto& t : graph.initializer()) reserved_.insert(t.name());
  for (const auto& i : graph.input()) reserved_.insert(i.name());
  for (const auto& n : graph.node())
    for (const auto& o : n.output()) reserved_.insert(o);
  for (const auto& n : graph.node())
    for (const auto& i : n.input())
      if (!i.empty()) ++uses_[i];
  for (const auto& o : graph.output()) ++uses_[o.name()];

  // Initializers are constants, decoded when a node uses them.
  std::unordered_set<std::string> init_names;
  for (const auto& t : graph.initializer()) {
    Value v;
    v.is_const = true;
    v.proto = &t;
    v.const_name = t.name();
    v.onnx.assign(t.dims().begin(), t.dims().end());
    for (int64_t d : v.onnx)
      if (d < 0) fail("initializer " + quote(t.name()) + " has a negative dimension");
    if (size_product(v.onnx, kMaxStored) < 0)
      fail("initializer " + quote(t.name()) + " has a shape of more than 2^40 values");
    values_[t.name()] = std::move(v);
    init_names.insert(t.name());
  }
  // Graph inputs: those that are not initializers (older exporters list both).
  std::vector<const onnx::ValueInfoProto*> inputs;
  for (const auto& i : graph.input())
    if (!init_names.count(i.name())) inputs.push_back(&i);
  if (!input_shapes_.empty() && input_shapes_.size() != inputs.size())
    fail(std::to_string(input_shapes_.size()) + " input shapes given for " +
         std::to_string(inputs.size()) + " graph inputs");
  if (inputs.empty()) fail("the graph has no inputs");
  for (size_t k = 0; k < inputs.size(); ++k) op_input(*inputs[k], k);

  for (const auto& n : graph.node()) {
    node_ = &n;
    op_node();
    node_ = nullptr;
  }

  if (graph.output_size() == 0) fail("the graph has no outputs");
  for (const auto& o : graph.output()) {
    auto it = values_.find(o.name());
    if (it == values_.end()) fail("graph output " + quote(o.name()) + " is produced by no node");
    const Value& v = it->second;
    GraphOutput go;
    go.name = o.name();
    if (v.is_const) {
      // A constant output: a Const layer (rank 4 in NHWC like every other rank-4 value).
      Tensor t = tensor_of(v);
      if (t.dims.size() == 4) {
        t.v = nchw_to_nhwc(t.v, t.dims);
        t.dims = ir_shape(t.dims);
      }
      go.layer = const_layer(t, v.const_name);
      go.source_nchw = v.onnx.size() == 4;
    } else {
      if (!v.perm.empty())
        fail("graph output " + quote(o.name()) + " (" + shape_str(v.onnx) +
             ") is flattened from an NCHW tensor; the NHWC IR holds it in another element "
             "order (it can only feed a Gemm/MatMul)");
      go.layer = v.layer;
      go.source_nchw = v.onnx.size() == 4;
    }
    g_.outputs.push_back(go);
  }
  compact();
  validate(g_);
  return g_;
}

}  // namespace

bool onnx_op_supported(const std::string& op) { return supported_set().count(op) > 0; }

std::vector<OnnxOpUse> onnx_op_coverage(const std::string& path) {
  const onnx::ModelProto m = parse_model(path);
  std::vector<OnnxOpUse> out;
  std::map<std::string, size_t> index;
  for (const auto& n : m.graph().node()) {
    const std::string key = op_key(n);
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, out.size()).first;
      OnnxOpUse u;
      u.op = key;
      u.supported = node_supported(n);
      out.push_back(u);
    }
    out[it->second].nodes.push_back(node_label(n));
  }
  return out;
}

std::vector<OnnxOpUse> unsupported_onnx_ops(const std::string& path) {
  std::vector<OnnxOpUse> out;
  for (auto& u : onnx_op_coverage(path))
    if (!u.supported) out.push_back(std::move(u));
  return out;
}

Graph load_onnx_graph(const std::string& path, const std::vector<Shape>& input_shapes) {
  const onnx::ModelProto m = parse_model(path);
  // Every unsupported op, with its nodes, before anything else.
  std::vector<std::pair<std::string, std::vector<std::string>>> bad;
  for (const auto& n : m.graph().node()) {
    if (node_supported(n)) continue;
    const std::string key = op_key(n);
    auto it = std::find_if(bad.begin(), bad.end(), [&](const auto& b) { return b.first == key; });
    if (it == bad.end()) {
      bad.push_back({key, {}});
      it = bad.end() - 1;
    }
    it->second.push_back(node_label(n));
  }
  if (!bad.empty()) {
    std::ostringstream msg;
    msg << path << ": unsupported ONNX op" << (bad.size() > 1 ? "s" : "") << ": ";
    for (size_t i = 0; i < bad.size(); ++i) {
      msg << (i ? "; " : "") << bad[i].first << " (node" << (bad[i].second.size() > 1 ? "s" : "")
          << " ";
      for (size_t k = 0; k < bad[i].second.size(); ++k)
        msg << (k ? ", " : "") << quote(bad[i].second[k]);
      msg << ")";
    }
    throw FormatError(msg.str());
  }
  Importer imp(path, m, input_shapes);
  return imp.run();
}

}  // namespace apack::network

#include "apack/engines/network_layers.hpp"

#include <algorithm>

#include "apack/error.hpp"
#include "apack/network/precision_profile.hpp"

namespace apack::engines {

using namespace apack::network;

const char* precision_source_name(PrecisionSource s) {
  return s == PrecisionSource::Data ? "data" : "quantization";
}

int weight_width(const QuantizedGraph& qg, int layer) {
  const int b = qg.layers[size_t(layer)].weight_bits;
  return b ? b : qg.config.weight_bits;
}

namespace {

OperandFormat format(int bits, bool is_signed, const int32_t* v, int64_t n, PrecisionSource src) {
  OperandFormat f;
  f.bits = bits;
  f.is_signed = is_signed;
  f.precision =
      src == PrecisionSource::Data ? std::min(bits, data_width(v, size_t(n), is_signed)) : bits;
  return f;
}

}  // namespace

std::vector<NetworkLayer> network_layers(const QuantizedGraph& qg, const IntRun& run,
                                         PrecisionSource src) {
  const Graph& g = *qg.graph;
  std::vector<NetworkLayer> out;
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const Layer& l = g.layers[i];
    if (!l.has_weights()) continue;
    if (run.accumulators.size() <= i || run.accumulators[i].empty())
      throw Error(g.name + ": layer '" + l.name + "': the reference run kept no accumulators");
    const IntTensor& x = run.values[size_t(l.inputs[0])];
    const QuantLayer& ql = qg.layers[i];
    NetworkLayer nl;
    nl.index = int(i);
    nl.kind = layer_kind_name(l.kind);
    LayerWork& w = nl.work;
    w.name = l.name;
    w.fully_connected = l.kind == LayerKind::FullyConnected;
    if (w.fully_connected) {
      w.C = int64_t(x.data.size());
    } else {
      w.H = x.shape[1];
      w.W = x.shape[2];
      w.C = x.shape[3];
      w.Kh = l.kernel_h;
      w.Kw = l.kernel_w;
      w.groups = l.groups;
      w.stride_h = l.stride_h;
      w.stride_w = l.stride_w;
      w.dilation_h = l.dilation_h;
      w.dilation_w = l.dilation_w;
      w.pad_top = l.pad_top;
      w.pad_left = l.pad_left;
      w.Oy = l.shape[1];
      w.Ox = l.shape[2];
    }
    w.F = l.out_channels;
    w.activations = x.data.data();
    w.weights = ql.weights.data();
    const int64_t n_w = w.F * w.reduction();
    w.act = format(x.q.bits, x.q.is_signed, x.data.data(), int64_t(x.data.size()), src);
    w.weight = format(weight_width(qg, int(i)), true, ql.weights.data(), n_w, src);
    const IntTensor& y = run.values[i];
    w.out = format(y.q.bits, y.q.is_signed, y.data.data(), int64_t(y.data.size()), src);
    check_layer(w);
    // The executor's accumulators include the bias; engines produce the sums of products.
    const std::vector<int64_t>& acc = run.accumulators[i];
    nl.reference.resize(acc.size());
    for (size_t k = 0; k < acc.size(); ++k) nl.reference[k] = acc[k] - ql.bias[k % size_t(w.F)];
    out.push_back(std::move(nl));
  }
  return out;
}

}  // namespace apack::engines

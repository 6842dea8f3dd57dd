#include "apack/network/executor.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include "apack/error.hpp"
#include "kernels.hpp"

namespace apack::network {
namespace {

using namespace detail;

float activate(const Layer& l, float v, int64_t channel) {
  switch (l.act) {
    case Act::None:
      return v;
    case Act::Relu:
      return v > 0.0f ? v : 0.0f;
    case Act::Relu6:
      return std::min(std::max(v, 0.0f), 6.0f);
    case Act::Clip:
      return std::min(std::max(v, l.clip_min), l.clip_max);
    case Act::PRelu:
      return v >= 0.0f ? v : v * l.alpha[l.alpha.size() == 1 ? 0 : size_t(channel)];
    case Act::Sigmoid:
      return 1.0f / (1.0f + std::exp(-v));
    case Act::Tanh:
      return std::tanh(v);
  }
  return v;
}

// Applies the layer's activation in place; the channel is the index along the last axis.
void activate_all(const Layer& l, FloatTensor& t) {
  if (l.act == Act::None) return;
  const int64_t C = t.shape.empty() ? 1 : t.shape.back();
  for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = activate(l, t.data[i], int64_t(i) % C);
}

FloatTensor run_layer(const Graph& g, const Layer& l, const std::vector<FloatTensor>& v,
                      unsigned threads) {
  FloatTensor out;
  out.shape = l.shape;
  out.data.assign(size_t(element_count(l.shape)), 0.0f);
  auto in = [&](size_t i) -> const FloatTensor& { return v[size_t(l.inputs[i])]; };
  switch (l.kind) {
    case LayerKind::Input:
    case LayerKind::Const:
      break;  // filled by the caller
    case LayerKind::Conv: {
      conv_sums<float>(l, in(0).shape, in(0).data.data(), l.weights.data(), out.data.data(),
                       threads);
      const int64_t F = l.out_channels;
      for (size_t i = 0; i < out.data.size(); ++i) out.data[i] += l.bias[i % size_t(F)];
      activate_all(l, out);
      break;
    }
    case LayerKind::FullyConnected: {
      fc_sums<float>(l, element_count(in(0).shape), in(0).data.data(), l.weights.data(),
                     out.data.data(), threads);
      for (size_t i = 0; i < out.data.size(); ++i) out.data[i] += l.bias[i];
      activate_all(l, out);
      break;
    }
    case LayerKind::MaxPool:
    case LayerKind::AvgPool: {
      const float* x = in(0).data.data();
      const bool is_max = l.kind == LayerKind::MaxPool;
      pool_windows(l, in(0).shape, threads,
                   [&](int64_t o, const std::vector<int64_t>& cells, int64_t C) {
                     for (int64_t c = 0; c < C; ++c) {
                       float acc = is_max ? -std::numeric_limits<float>::infinity() : 0.0f;
                       for (int64_t cell : cells)
                         acc = is_max ? std::max(acc, x[cell + c]) : acc + x[cell + c];
                       out.data[size_t(o + c)] = is_max ? acc : acc / float(cells.size());
                     }
                   });
      break;
    }
    case LayerKind::GlobalAvgPool: {
      const Shape& s = in(0).shape;
      const int64_t HW = s[1] * s[2], C = s[3];
      std::vector<double> sum(size_t(C), 0.0);
      for (int64_t p = 0; p < HW; ++p)
        for (int64_t c = 0; c < C; ++c) sum[size_t(c)] += in(0).data[size_t(p * C + c)];
      for (int64_t c = 0; c < C; ++c) out.data[size_t(c)] = float(sum[size_t(c)] / double(HW));
      break;
    }
    case LayerKind::Add:
    case LayerKind::Sub:
    case LayerKind::Mul:
    case LayerKind::Maximum:
    case LayerKind::Minimum: {
      const float* a = in(0).data.data();
      const float* b = in(1).data.data();
      const LayerKind k = l.kind;
      broadcast_each(in(0).shape, in(1).shape, l.shape, [&](int64_t i, int64_t ia, int64_t ib) {
        const float r = elementwise_op(k, a[ia], b[ib]);
        out.data[size_t(i)] = r;
      });
      activate_all(l, out);
      break;
    }
    case LayerKind::Concat: {
      std::vector<Shape> shapes;
      for (size_t i = 0; i < l.inputs.size(); ++i) shapes.push_back(in(i).shape);
      concat_blocks(shapes, normalized_axis(l.axis, l.shape.size()), l.shape,
                    [&](size_t i, int64_t src, int64_t dst, int64_t n) {
                      std::copy_n(in(i).data.data() + src, n, out.data.data() + dst);
                    });
      break;
    }
    case LayerKind::Pad:
      pad_copy(in(0).shape, l.pads, in(0).data.data(), l.pad_value, l.shape, out.data.data());
      break;
    case LayerKind::Activation:
      out.data = in(0).data;
      activate_all(l, out);
      break;
    case LayerKind::Softmax: {
      const int64_t C = l.shape.empty() ? 1 : l.shape.back();
      const float* x = in(0).data.data();
      for (int64_t r = 0; r < element_count(l.shape) / C; ++r) {
        const float* xr = x + r * C;
        float m = *std::max_element(xr, xr + C);
        double sum = 0.0;
        for (int64_t c = 0; c < C; ++c) sum += std::exp(double(xr[c] - m));
        for (int64_t c = 0; c < C; ++c)
          out.data[size_t(r * C + c)] = float(std::exp(double(xr[c] - m)) / sum);
      }
      break;
    }
    case LayerKind::Reshape:
      out.data = in(0).data;
      break;
  }
  (void)g;
  return out;
}

}  // namespace

std::vector<FloatTensor> run_fp32(const Graph& graph, const std::vector<FloatTensor>& inputs,
                                  unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  if (inputs.size() != graph.inputs.size())
    throw Error(graph.name + ": the graph takes " + std::to_string(graph.inputs.size()) +
                " input(s), " + std::to_string(inputs.size()) + " given");
  std::vector<FloatTensor> values(graph.layers.size());
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    const Layer& l = graph.layers[size_t(graph.inputs[i])];
    if (element_count(inputs[i].shape) != element_count(l.shape) ||
        inputs[i].data.size() != size_t(element_count(l.shape)))
      throw Error(graph.name + ": input '" + l.name + "' expects " + shape_str(l.shape) +
                  ", given " + shape_str(inputs[i].shape));
    values[size_t(graph.inputs[i])] = FloatTensor{l.shape, inputs[i].data};
  }
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    const Layer& l = graph.layers[i];
    if (l.kind == LayerKind::Input) {
      if (values[i].data.empty())
        throw Error(graph.name + ": input layer '" + l.name + "' is not a graph input");
      continue;
    }
    if (l.kind == LayerKind::Const) {
      values[i] = FloatTensor{l.shape, l.values};
      continue;
    }
    values[i] = run_layer(graph, l, values, threads);
  }
  return values;
}

}  // namespace apack::network

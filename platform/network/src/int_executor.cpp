// Integer inference over a QuantizedGraph: the golden model. Everything after the input
// quantization is integer arithmetic with the rules documented in quantize.hpp.
#include <algorithm>
#include <memory>
#include <thread>

#include "apack/error.hpp"
#include "apack/network/quantize.hpp"
#include "kernels.hpp"

namespace apack::network {
namespace {

using namespace detail;

[[noreturn]] void fail(const Graph& g, const Layer& l, const std::string& what) {
  throw Error(g.name + ": layer '" + l.name + "' (" + layer_kind_name(l.kind) + "): " + what);
}

int32_t clamp_to(int64_t v, int32_t lo, int32_t hi) {
  return int32_t(std::min<int64_t>(hi, std::max<int64_t>(lo, v)));
}

// Bias, requantization per output channel and clamp of the sums of products, in parallel over
// output pixels. `keep` receives the accumulators (sum + bias) when given.
template <typename TSum>
void finish_weighted(const Graph& g, const Layer& l, const QuantLayer& ql, const TSum* sums,
                     IntTensor& out, std::vector<int64_t>* keep, unsigned threads) {
  const int64_t F = l.out_channels, n = element_count(l.shape);
  const bool narrow = !ql.wide_accumulator;
  const bool prelu = l.act == Act::PRelu;
  if (keep) keep->resize(size_t(n));
  parallel_blocks(size_t(n / F), threads, 256, [&](size_t begin, size_t end) {
    for (int64_t i = int64_t(begin) * F; i < int64_t(end) * F; ++i) {
      const size_t f = size_t(i % F);
      const int64_t a = int64_t(sums[i]) + ql.bias[f];
      if (narrow && a != int64_t(int32_t(a)))
        fail(g, l, "int32 accumulator overflow (bias too large for the scales)");
      const Requant& r = prelu && a < 0 ? ql.requant_neg[f] : ql.requant[f];
      out.data[size_t(i)] = clamp_to(r.apply(a), ql.lo, ql.hi);
      if (keep) (*keep)[size_t(i)] = a;
    }
  });
}

// Conv/FC: sums of products (int16 operands and int32 sums when both widths are <= 8 and the
// sum cannot overflow, else int32 operands and int64 sums), then finish_weighted.
void weighted_layer(const Graph& g, const Layer& l, const QuantLayer& ql, const IntTensor& x,
                    IntTensor& out, std::vector<int64_t>* keep, unsigned threads) {
  const int64_t n = element_count(l.shape), n_in = element_count(x.shape);
  const bool conv = l.kind == LayerKind::Conv;
  if (!ql.wide_accumulator) {
    // Scratch without zero-filling: every element is written before it is read.
    std::unique_ptr<int16_t[]> x16(new int16_t[size_t(n_in)]);
    std::copy(x.data.begin(), x.data.end(), x16.get());
    std::unique_ptr<int32_t[]> sums(new int32_t[size_t(n)]);
    if (conv)
      conv_sums<int32_t>(l, x.shape, x16.get(), ql.weights16.data(), sums.get(), threads);
    else
      fc_sums<int32_t>(l, n_in, x16.get(), ql.weights16.data(), sums.get(), threads);
    finish_weighted(g, l, ql, sums.get(), out, keep, threads);
  } else {
    std::unique_ptr<int64_t[]> sums(new int64_t[size_t(n)]);
    if (conv)
      conv_sums<int64_t>(l, x.shape, x.data.data(), ql.weights.data(), sums.get(), threads);
    else
      fc_sums<int64_t>(l, n_in, x.data.data(), ql.weights.data(), sums.get(), threads);
    finish_weighted(g, l, ql, sums.get(), out, keep, threads);
  }
}

// Add/Sub/Maximum/Minimum/Mul with broadcasting.
void elementwise(const Layer& l, const QuantLayer& ql, const IntTensor& a, const IntTensor& b,
                 IntTensor& out) {
  const LayerKind k = l.kind;
  const int64_t fa = k == LayerKind::Mul ? 1 : ql.factor[0];
  const int64_t fb = k == LayerKind::Mul ? 1 : ql.factor[1];
  const Requant& r = ql.requant[0];
  const bool prelu = l.act == Act::PRelu;
  const int64_t C = l.shape.empty() ? 1 : l.shape.back();
  broadcast_each(a.shape, b.shape, l.shape, [&](int64_t i, int64_t ia, int64_t ib) {
    const int64_t x = int64_t(a.data[size_t(ia)]) * fa, y = int64_t(b.data[size_t(ib)]) * fb;
    const int64_t v = elementwise_op(k, x, y);
    int64_t q = r.apply(v);
    if (prelu && q < 0) {
      // Slope applied on the output grid: round(q * alpha) with the alpha as a requantizer.
      q = ql.requant_neg[ql.requant_neg.size() == 1 ? 0 : size_t(i % C)].apply(q);
    }
    out.data[size_t(i)] = clamp_to(q, ql.lo, ql.hi);
  });
}

}  // namespace

IntTensor run_int_layer(const QuantizedGraph& qg, size_t index, const std::vector<IntTensor>& v,
                        std::vector<int64_t>* keep, unsigned threads) {
  const Graph& g = *qg.graph;
  const Layer& l = g.layers[index];
  const QuantLayer& ql = qg.layers[index];
  IntTensor out;
  out.shape = l.shape;
  out.q = ql.out;
  out.data.assign(size_t(element_count(l.shape)), 0);
  auto in = [&](size_t i) -> const IntTensor& { return v[size_t(l.inputs[i])]; };
  switch (l.kind) {
    case LayerKind::Input:
      break;
    case LayerKind::Const:
      out.data = ql.const_values;
      break;
    case LayerKind::Conv:
    case LayerKind::FullyConnected:
      weighted_layer(g, l, ql, in(0), out, keep, threads);
      break;
    case LayerKind::MaxPool:
    case LayerKind::AvgPool: {
      const int32_t* x = in(0).data.data();
      const bool is_max = l.kind == LayerKind::MaxPool;
      pool_windows(l, in(0).shape, threads,
                   [&](int64_t o, const std::vector<int64_t>& cells, int64_t C) {
                     for (int64_t c = 0; c < C; ++c) {
                       if (is_max) {
                         int32_t m = x[cells[0] + c];
                         for (int64_t cell : cells) m = std::max(m, x[cell + c]);
                         out.data[size_t(o + c)] = m;
                       } else {
                         int64_t s = 0;
                         for (int64_t cell : cells) s += x[cell + c];
                         out.data[size_t(o + c)] =
                             clamp_to(ql.pool_requant[cells.size()].apply(s), ql.lo, ql.hi);
                       }
                     }
                   });
      break;
    }
    case LayerKind::GlobalAvgPool: {
      const Shape& s = in(0).shape;
      const int64_t HW = s[1] * s[2], C = s[3];
      std::vector<int64_t> sum(size_t(C), 0);
      for (int64_t p = 0; p < HW; ++p)
        for (int64_t c = 0; c < C; ++c) sum[size_t(c)] += in(0).data[size_t(p * C + c)];
      for (int64_t c = 0; c < C; ++c)
        out.data[size_t(c)] = clamp_to(ql.requant[0].apply(sum[size_t(c)]), ql.lo, ql.hi);
      break;
    }
    case LayerKind::Add:
    case LayerKind::Sub:
    case LayerKind::Mul:
    case LayerKind::Maximum:
    case LayerKind::Minimum:
      elementwise(l, ql, in(0), in(1), out);
      break;
    case LayerKind::Concat: {
      std::vector<Shape> shapes;
      for (size_t i = 0; i < l.inputs.size(); ++i) shapes.push_back(in(i).shape);
      concat_blocks(shapes, normalized_axis(l.axis, l.shape.size()), l.shape,
                    [&](size_t i, int64_t src, int64_t dst, int64_t n) {
                      const Requant& r = ql.requant[i];
                      for (int64_t k = 0; k < n; ++k)
                        out.data[size_t(dst + k)] =
                            clamp_to(r.apply(in(i).data[size_t(src + k)]), ql.lo, ql.hi);
                    });
      break;
    }
    case LayerKind::Pad:
      pad_copy(in(0).shape, l.pads, in(0).data.data(), ql.const_values[0], l.shape,
               out.data.data());
      break;
    case LayerKind::Activation: {
      const IntTensor& x = in(0);
      const int64_t C = l.shape.empty() ? 1 : l.shape.back();
      for (size_t i = 0; i < x.data.size(); ++i) {
        const int32_t q = x.data[i];
        if (!ql.table.empty()) {
          out.data[i] = int32_t(ql.table[size_t(q - x.q.qmin)]);
          continue;
        }
        const Requant& r = l.act == Act::PRelu && q < 0
                               ? ql.requant_neg[ql.requant_neg.size() == 1 ? 0 : i % size_t(C)]
                               : ql.requant[0];
        out.data[i] = clamp_to(r.apply(q), ql.lo, ql.hi);
      }
      break;
    }
    case LayerKind::Softmax: {
      const IntTensor& x = in(0);
      const int64_t C = l.shape.empty() ? 1 : l.shape.back();
      const int64_t qmax = ql.out.qmax;
      for (int64_t r = 0; r < element_count(l.shape) / C; ++r) {
        const int32_t* xr = x.data.data() + r * C;
        const int32_t m = *std::max_element(xr, xr + C);
        int64_t sum = 0;
        for (int64_t c = 0; c < C; ++c) sum += ql.table[size_t(m - xr[c])];
        for (int64_t c = 0; c < C; ++c) {
          const int64_t t = ql.table[size_t(m - xr[c])];
          out.data[size_t(r * C + c)] = int32_t((2 * t * qmax + sum) / (2 * sum));
        }
      }
      break;
    }
    case LayerKind::Reshape:
      out.data = in(0).data;
      break;
  }
  return out;
}

int32_t finish_weighted_sum(const QuantizedGraph& qg, size_t index, int64_t f, int64_t sum) {
  const Graph& g = *qg.graph;
  const Layer& l = g.layers[index];
  const QuantLayer& ql = qg.layers[index];
  if (!l.has_weights()) fail(g, l, "finish_weighted_sum on a layer without weights");
  if (f < 0 || f >= l.out_channels) fail(g, l, "output channel out of range");
  const int64_t a = sum + ql.bias[size_t(f)];
  if (!ql.wide_accumulator && a != int64_t(int32_t(a)))
    fail(g, l, "int32 accumulator overflow (bias too large for the scales)");
  const Requant& r =
      l.act == Act::PRelu && a < 0 ? ql.requant_neg[size_t(f)] : ql.requant[size_t(f)];
  return clamp_to(r.apply(a), ql.lo, ql.hi);
}

IntRun run_int(const QuantizedGraph& qg, const std::vector<FloatTensor>& inputs,
               bool keep_accumulators, unsigned threads) {
  if (!qg.graph) throw Error("run_int: the quantized graph has no graph");
  const Graph& g = *qg.graph;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  if (inputs.size() != g.inputs.size())
    throw Error(g.name + ": the graph takes " + std::to_string(g.inputs.size()) + " input(s), " +
                std::to_string(inputs.size()) + " given");
  IntRun run;
  run.values.resize(g.layers.size());
  if (keep_accumulators) run.accumulators.resize(g.layers.size());
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    const size_t li = size_t(g.inputs[i]);
    const Layer& l = g.layers[li];
    if (inputs[i].data.size() != size_t(element_count(l.shape)))
      throw Error(g.name + ": input '" + l.name + "' expects " + shape_str(l.shape) + ", given " +
                  shape_str(inputs[i].shape));
    IntTensor& t = run.values[li];
    t.shape = l.shape;
    t.q = qg.layers[li].out;
    t.data.resize(inputs[i].data.size());
    for (size_t k = 0; k < t.data.size(); ++k)
      t.data[k] =
          clamp_to(round_half_away(double(inputs[i].data[k]) / t.q.scale), t.q.qmin, t.q.qmax);
  }
  for (size_t i = 0; i < g.layers.size(); ++i) {
    if (g.layers[i].kind == LayerKind::Input) {
      if (run.values[i].data.empty() && element_count(g.layers[i].shape) > 0)
        throw Error(g.name + ": input layer '" + g.layers[i].name + "' is not a graph input");
      continue;
    }
    std::vector<int64_t>* keep =
        keep_accumulators && g.layers[i].has_weights() ? &run.accumulators[i] : nullptr;
    run.values[i] = run_int_layer(qg, i, run.values, keep, threads);
  }
  return run;
}

}  // namespace apack::network

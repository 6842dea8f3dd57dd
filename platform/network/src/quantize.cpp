#include "apack/network/quantize.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "apack/error.hpp"

namespace apack::network {

namespace {
constexpr int kMinBits = 2, kMaxBits = 16;
}  // namespace

void check_config(const QuantConfig& c) {
  auto width_ok = [](int b) { return b >= kMinBits && b <= kMaxBits; };
  if (!width_ok(c.weight_bits))
    throw Error("weight width " + std::to_string(c.weight_bits) + " bits: use 2..16");
  if (!width_ok(c.activation_bits))
    throw Error("activation width " + std::to_string(c.activation_bits) + " bits: use 2..16");
  if (!(c.percentile > 0.0 && c.percentile <= 100.0))
    throw Error("calibration percentile must be in (0, 100]");
  for (const auto* v : {&c.weight_bits_of, &c.activation_bits_of})
    for (size_t i = 0; i < v->size(); ++i)
      if ((*v)[i] != 0 && !width_ok((*v)[i]))
        throw Error(std::string(v == &c.weight_bits_of ? "weight" : "activation") +
                    " width of layer " + std::to_string(i) + ": " + std::to_string((*v)[i]) +
                    " bits: use 2..16 (or 0 for the global width)");
}

int64_t round_half_away(double x) {
  double r = std::round(x);  // std::round rounds halfway cases away from zero
  if (!(std::fabs(r) < 9.2e18)) throw Error("value out of the 64-bit integer range");
  return int64_t(r);
}

Requant Requant::from_real(double multiplier) {
  Requant r;
  r.real = multiplier;
  if (multiplier == 0.0 || !std::isfinite(multiplier)) {
    if (!std::isfinite(multiplier)) throw Error("requantization multiplier is not finite");
    return r;
  }
  int e = 0;
  double frac = std::frexp(std::fabs(multiplier), &e);  // |M| = frac * 2^e, frac in [0.5, 1)
  int64_t m = int64_t(std::llround(frac * 2147483648.0));
  if (m == (int64_t(1) << 31)) {
    m >>= 1;
    ++e;
  }
  int shift = 31 - e;
  if (shift < 0)
    throw Error("requantization multiplier " + std::to_string(multiplier) + " is too large");
  if (shift > 126) return r;  // below 2^-95: every product rounds to 0
  r.m0 = int32_t(multiplier < 0 ? -m : m);
  r.shift = shift;
  return r;
}

int64_t Requant::apply(int64_t v) const {
  __int128 p = static_cast<__int128>(v) * m0;
  if (shift > 0) {
    const __int128 half = static_cast<__int128>(1) << (shift - 1);
    p = p >= 0 ? (p + half) >> shift : -((-p + half) >> shift);
  }
  const __int128 lim = std::numeric_limits<int64_t>::max();
  return int64_t(std::max(-lim, std::min(lim, p)));
}

TensorQuant TensorQuant::make(double range, bool is_signed, int bits) {
  TensorQuant q;
  q.bits = bits;
  q.is_signed = is_signed;
  q.qmax = is_signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
  q.qmin = is_signed ? -q.qmax : 0;
  q.scale = range > 0.0 && std::isfinite(range) ? range / q.qmax : 1.0;
  return q;
}

std::string TensorQuant::describe() const {
  std::ostringstream s;
  s << (is_signed ? 's' : 'u') << bits << " scale=" << scale;
  return s.str();
}

void add_calibration_run(Calibration& cal, const Graph& graph,
                         const std::vector<FloatTensor>& values, double percentile) {
  const size_t n = graph.layers.size();
  if (values.size() != n) throw Error("calibration run does not match the graph");
  if (cal.samples == 0) {
    cal.min.assign(n, std::numeric_limits<double>::infinity());
    cal.max.assign(n, -std::numeric_limits<double>::infinity());
    cal.range.assign(n, 0.0);
  }
  std::vector<float> mags;
  for (size_t i = 0; i < n; ++i) {
    const auto& d = values[i].data;
    if (d.empty()) continue;
    auto [lo, hi] = std::minmax_element(d.begin(), d.end());
    cal.min[i] = std::min(cal.min[i], double(*lo));
    cal.max[i] = std::max(cal.max[i], double(*hi));
    double range = std::max(std::fabs(double(*lo)), std::fabs(double(*hi)));
    if (percentile < 100.0) {
      mags.resize(d.size());
      for (size_t k = 0; k < d.size(); ++k) mags[k] = std::fabs(d[k]);
      size_t k = size_t(std::ceil(percentile / 100.0 * double(d.size()))) - 1;
      k = std::min(k, d.size() - 1);
      std::nth_element(mags.begin(), mags.begin() + long(k), mags.end());
      range = mags[k];
    }
    cal.range[i] = std::max(cal.range[i], range);
  }
  ++cal.samples;
}

namespace {

[[noreturn]] void fail(const Graph& g, const Layer& l, const std::string& what) {
  throw Error(g.name + ": layer '" + l.name + "' (" + layer_kind_name(l.kind) + "): " + what);
}

int32_t clamp_q(int64_t v, const TensorQuant& q) {
  return int32_t(std::min<int64_t>(q.qmax, std::max<int64_t>(q.qmin, v)));
}

// Output clamp bounds: the representable range narrowed by a fused clamping activation.
void set_bounds(const Graph& g, const Layer& l, QuantLayer& ql) {
  const TensorQuant& q = ql.out;
  int64_t lo = q.qmin, hi = q.qmax;
  switch (l.act) {
    case Act::Relu:
      lo = std::max<int64_t>(lo, 0);
      break;
    case Act::Relu6:
      lo = std::max<int64_t>(lo, 0);
      hi = std::min<int64_t>(hi, round_half_away(6.0 / q.scale));
      break;
    case Act::Clip:
      lo = std::max<int64_t>(lo, round_half_away(l.clip_min / q.scale));
      hi = std::min<int64_t>(hi, round_half_away(l.clip_max / q.scale));
      break;
    case Act::None:
    case Act::PRelu:
      break;
    case Act::Sigmoid:
    case Act::Tanh:
      if (l.kind != LayerKind::Activation)
        fail(g, l, "a fused sigmoid/tanh cannot be quantized; import it as its own layer");
      break;
  }
  ql.lo = int32_t(lo);
  ql.hi = int32_t(std::max(lo, hi));
}

// The bias is held at scale s_x * s_w[f] and must leave the int32 accumulator room for the sum
// of products: a channel whose weights are tiny next to its bias (a dead filter) gets a coarser
// weight scale, so that |bias| <= 2^30 in accumulator units.
constexpr double kBiasLimit = 1073741824.0;  // 2^30

void quantize_weights(const Layer& l, const QuantConfig& c, double input_scale, QuantLayer& ql) {
  const int64_t F = l.out_channels, per = int64_t(l.weights.size()) / F;
  const int32_t wmax = (1 << (ql.weight_bits - 1)) - 1;
  ql.weight_scale.assign(size_t(F), 1.0);
  double tensor_max = 0.0;
  for (float w : l.weights) tensor_max = std::max(tensor_max, std::fabs(double(w)));
  for (int64_t f = 0; f < F; ++f) {
    double m = tensor_max;
    if (c.per_channel) {
      m = 0.0;
      for (int64_t k = 0; k < per; ++k)
        m = std::max(m, std::fabs(double(l.weights[size_t(f * per + k)])));
    }
    double sw = m / wmax;
    sw = std::max(sw, std::fabs(double(l.bias[size_t(f)])) / (input_scale * kBiasLimit));
    ql.weight_scale[size_t(f)] = sw > 0.0 ? sw : 1.0;
  }
  ql.weights.resize(l.weights.size());
  for (size_t i = 0; i < l.weights.size(); ++i) {
    int64_t q = round_half_away(l.weights[i] / ql.weight_scale[i / size_t(per)]);
    ql.weights[i] = int32_t(std::min<int64_t>(wmax, std::max<int64_t>(-wmax, q)));
  }
}

// The per-layer overrides of `c` must fit the graph: one entry per layer, weight widths only on
// layers with weights, activation widths not on layers that keep their input's quantization.
void check_overrides(const Graph& g, const QuantConfig& c) {
  const size_t n = g.layers.size();
  if (!c.weight_bits_of.empty() && c.weight_bits_of.size() != n)
    throw Error(g.name + ": per-layer weight widths for " +
                std::to_string(c.weight_bits_of.size()) + " layers, the graph has " +
                std::to_string(n));
  if (!c.activation_bits_of.empty() && c.activation_bits_of.size() != n)
    throw Error(g.name + ": per-layer activation widths for " +
                std::to_string(c.activation_bits_of.size()) + " layers, the graph has " +
                std::to_string(n));
  for (size_t i = 0; i < n; ++i) {
    const Layer& l = g.layers[i];
    if (!c.weight_bits_of.empty() && c.weight_bits_of[i] != 0 && !l.has_weights())
      fail(g, l, "a weight width is given but the layer has no weights");
    const bool keeps_input =
        l.kind == LayerKind::MaxPool || l.kind == LayerKind::Pad || l.kind == LayerKind::Reshape;
    if (!c.activation_bits_of.empty() && c.activation_bits_of[i] != 0 && keeps_input)
      fail(g, l, "an output width is given but the layer keeps its input's quantization");
  }
}

}  // namespace

QuantizedGraph quantize(const Graph& g, const Calibration& cal, const QuantConfig& c) {
  check_config(c);
  check_overrides(g, c);
  if (cal.samples == 0 || cal.range.size() != g.layers.size())
    throw Error(g.name + ": quantization needs a calibration of this graph");
  QuantizedGraph qg;
  qg.graph = &g;
  qg.config = c;
  qg.layers.resize(g.layers.size());
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const Layer& l = g.layers[i];
    QuantLayer& ql = qg.layers[i];
    const int ab = c.activation_bits_of.empty() || c.activation_bits_of[i] == 0
                       ? c.activation_bits
                       : c.activation_bits_of[i];
    auto in_q = [&](size_t k) -> const TensorQuant& { return qg.layers[size_t(l.inputs[k])].out; };
    switch (l.kind) {
      case LayerKind::MaxPool:
      case LayerKind::Pad:
      case LayerKind::Reshape:
        ql.out = in_q(0);
        break;
      case LayerKind::Softmax:
        ql.out = TensorQuant::make(1.0, false, ab);
        break;
      default:
        ql.out = TensorQuant::make(cal.range[i], cal.min[i] < 0.0, ab);
        break;
    }
    const double s_out = ql.out.scale;
    ql.lo = ql.out.qmin;
    ql.hi = ql.out.qmax;
    switch (l.kind) {
      case LayerKind::Input:
      case LayerKind::MaxPool:
      case LayerKind::Reshape:
        break;
      case LayerKind::Pad:
        ql.const_values = {clamp_q(round_half_away(l.pad_value / s_out), ql.out)};
        break;
      case LayerKind::Const:
        for (float v : l.values)
          ql.const_values.push_back(clamp_q(round_half_away(v / s_out), ql.out));
        break;
      case LayerKind::Conv:
      case LayerKind::FullyConnected: {
        const TensorQuant& x = in_q(0);
        ql.weight_bits = c.weight_bits_of.empty() || c.weight_bits_of[i] == 0 ? c.weight_bits
                                                                              : c.weight_bits_of[i];
        quantize_weights(l, c, x.scale, ql);
        const int64_t F = l.out_channels;
        for (int64_t f = 0; f < F; ++f) {
          const double s_acc = x.scale * ql.weight_scale[size_t(f)];
          ql.bias.push_back(round_half_away(l.bias[size_t(f)] / s_acc));
          ql.requant.push_back(Requant::from_real(s_acc / s_out));
          if (l.act == Act::PRelu) {
            double a = l.alpha[l.alpha.size() == 1 ? 0 : size_t(f)];
            ql.requant_neg.push_back(Requant::from_real(s_acc * a / s_out));
          }
        }
        // Widest possible sum of products: K * max|x| * max|w|. The int16/int32 fast path holds
        // operands of at most 8 bits (unsigned 8-bit codes reach 255); wider ones take int32
        // operands and int64 sums, exact for every width up to 16 (|x w| < 2^32, so more than
        // 2^31 products fit).
        const int64_t K = int64_t(l.weights.size()) / F;
        const double bound = double(K) * std::max(std::abs(x.qmin), x.qmax) *
                             double((1 << (ql.weight_bits - 1)) - 1);
        ql.wide_accumulator = !(bound < 2147483647.0) || x.bits > 8 || ql.weight_bits > 8;
        if (!ql.wide_accumulator) ql.weights16.assign(ql.weights.begin(), ql.weights.end());
        set_bounds(g, l, ql);
        break;
      }
      case LayerKind::AvgPool: {
        const double s_in = in_q(0).scale;
        ql.pool_requant.resize(size_t(l.kernel_h * l.kernel_w + 1));
        for (int64_t n = 1; n <= l.kernel_h * l.kernel_w; ++n)
          ql.pool_requant[size_t(n)] = Requant::from_real(s_in / (double(n) * s_out));
        break;
      }
      case LayerKind::GlobalAvgPool: {
        const Shape& s = g.layers[size_t(l.inputs[0])].shape;
        ql.requant = {Requant::from_real(in_q(0).scale / (double(s[1] * s[2]) * s_out))};
        break;
      }
      case LayerKind::Add:
      case LayerKind::Sub:
      case LayerKind::Maximum:
      case LayerKind::Minimum: {
        // Common scale s_out * 2^-n with integer factors round(s_k / s_out * 2^n) of 30 bits.
        const double ra = in_q(0).scale / s_out, rb = in_q(1).scale / s_out;
        int e = 0;
        std::frexp(std::max(ra, rb), &e);
        const int n = std::min(62, std::max(0, 30 - e));
        ql.factor = {round_half_away(std::ldexp(ra, n)), round_half_away(std::ldexp(rb, n))};
        Requant r;
        r.m0 = 1;
        r.shift = n;
        r.real = std::ldexp(1.0, -n);
        ql.requant = {r};
        set_bounds(g, l, ql);
        break;
      }
      case LayerKind::Mul:
        ql.requant = {Requant::from_real(in_q(0).scale * in_q(1).scale / s_out)};
        set_bounds(g, l, ql);
        break;

      case LayerKind::Concat:
        for (size_t k = 0; k < l.inputs.size(); ++k)
          ql.requant.push_back(Requant::from_real(in_q(k).scale / s_out));
        break;
      case LayerKind::Activation: {
        const TensorQuant& x = in_q(0);
        if (l.act == Act::Sigmoid || l.act == Act::Tanh) {
          for (int64_t q = x.qmin; q <= x.qmax; ++q) {
            double v = double(q) * x.scale;
            double y = l.act == Act::Sigmoid ? 1.0 / (1.0 + std::exp(-v)) : std::tanh(v);
            ql.table.push_back(clamp_q(round_half_away(y / s_out), ql.out));
          }
        } else {
          ql.requant = {Requant::from_real(x.scale / s_out)};
          if (l.act == Act::PRelu)
            for (float a : l.alpha)
              ql.requant_neg.push_back(Requant::from_real(x.scale * a / s_out));
          set_bounds(g, l, ql);
        }
        break;
      }
      case LayerKind::Softmax: {
        // exp(s_in * (q - max)) in 2^24 fixed point for every possible difference.
        const TensorQuant& x = in_q(0);
        for (int64_t d = 0; d <= int64_t(x.qmax) - x.qmin; ++d)
          ql.table.push_back(int64_t(std::llround(std::ldexp(std::exp(-x.scale * double(d)), 24))));
        break;
      }
    }
    // A PReLU fused into an element-wise layer scales negative outputs on the output grid.
    if (l.act == Act::PRelu && !l.has_weights() && l.kind != LayerKind::Activation)
      for (float a : l.alpha) ql.requant_neg.push_back(Requant::from_real(a));
  }
  return qg;
}

std::vector<float> IntTensor::dequantized() const {
  std::vector<float> out(data.size());
  for (size_t i = 0; i < data.size(); ++i) out[i] = float(double(data[i]) * q.scale);
  return out;
}

double sqnr_db(const std::vector<float>& reference, const std::vector<float>& test) {
  if (reference.size() != test.size()) throw Error("SQNR of tensors of different sizes");
  double signal = 0.0, noise = 0.0;
  for (size_t i = 0; i < reference.size(); ++i) {
    signal += double(reference[i]) * reference[i];
    double d = double(reference[i]) - test[i];
    noise += d * d;
  }
  if (noise == 0.0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal / noise);
}

}  // namespace apack::network

// Quantization and the int8 reference executor: the golden model of the platform.
//
// Semantics (docs/quantization.md has the full description; engines reproduce them bit for bit):
// - Weights: symmetric, per output channel (default) or per tensor, `weight_bits` in 2..16:
//   scale s = max|w| / (2^(b-1) - 1), q = clamp(round_half_away(w / s), -(2^(b-1)-1), 2^(b-1)-1);
//   s is raised to |bias| / (s_x * 2^30) where that is larger, so the bias fits the accumulator.
// - Activations: one scale per tensor, zero point always 0. A tensor whose calibrated minimum is
//   >= 0 is unsigned, q in [0, 2^b - 1], s = max / (2^b - 1); otherwise signed symmetric,
//   q in [-(2^(b-1)-1), 2^(b-1)-1], s = max|x| / (2^(b-1) - 1). MaxPool, Pad and Reshape keep
//   their input's quantization; Softmax outputs are unsigned with s = 1 / (2^b - 1).
// - Conv / FullyConnected: acc = sum(q_x * q_w) + q_bias (int32 for widths <= 8, int64 above;
//   q_bias = round_half_away(b / (s_x * s_w))), then requantized.
// - Requantization of an integer v by a real multiplier M: M is stored as a signed 32-bit m0 and
//   a right shift n (M ~= m0 * 2^-n, |m0| in [2^30, 2^31)); the result is
//   round_half_away(v * m0 / 2^n), computed exactly in 128-bit integers, then clamped to the
//   output range (and to the fused activation's bounds, which are round_half_away(bound / s)).
// Non-linear functions (sigmoid, tanh, softmax) use tables computed at quantization time, so
// inference itself is integer only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apack/network/executor.hpp"
#include "apack/network/graph.hpp"

namespace apack::network {

struct QuantConfig {
  int weight_bits = 8;      // 2..16
  bool per_channel = true;  // weights: one scale per output channel, else one per tensor
  int activation_bits = 8;  // 2..16
  // Calibration: the range of a tensor is its maximum magnitude (100) or this percentile of the
  // magnitudes of its elements, taken per calibration input and then the largest over inputs.
  double percentile = 100.0;
  // Per-layer widths (precision profiles, docs/precision-profiles.md). Each is empty (no
  // overrides) or holds one entry per graph layer; 0 means the global width above.
  // weight_bits_of[i]: the weight width of Conv/FullyConnected layer i (0 on other kinds).
  // activation_bits_of[i]: the width of the tensor layer i produces; 0 on MaxPool, Pad and
  // Reshape, whose output keeps its input's quantization (set the producer's width instead).
  std::vector<int> weight_bits_of;
  std::vector<int> activation_bits_of;
};
// Throws apack::Error on bad global widths, percentile or override values (the per-layer rules
// that need the graph are checked by quantize()).
void check_config(const QuantConfig& config);

// Round half away from zero, the one rounding rule of the quantized model.
int64_t round_half_away(double x);

struct Requant {
  int32_t m0 = 0;  // signed
  int shift = 0;   // right shift, >= 0
  double real = 0.0;
  static Requant from_real(double multiplier);
  int64_t apply(int64_t v) const;  // round_half_away(v * m0 / 2^shift)
};

struct TensorQuant {
  double scale = 1.0;
  bool is_signed = true;
  int bits = 8;
  int32_t qmin = -127, qmax = 127;
  static TensorQuant make(double range, bool is_signed, int bits);
  std::string describe() const;  // "u8 s=0.0235"
};

// The calibrated float range of every layer's output.
struct Calibration {
  std::vector<double> min, max, range;  // per layer; range = max |x| or its percentile
  size_t samples = 0;                   // inputs seen
};
// Adds one fp32 run (run_fp32's result) to the statistics.
void add_calibration_run(Calibration& cal, const Graph& graph,
                         const std::vector<FloatTensor>& values, double percentile);

struct QuantLayer {
  TensorQuant out;
  // Conv / FullyConnected
  int weight_bits = 0;               // the width the weights were quantized at
  std::vector<int32_t> weights;      // same layout as Layer::weights
  std::vector<int16_t> weights16;    // the same values when both widths are <= 8 (fast path)
  bool wide_accumulator = false;     // sums may exceed int32: accumulate in int64
  std::vector<double> weight_scale;  // per output channel (all equal when per tensor)
  std::vector<int64_t> bias;         // scale s_x * s_w[f]
  std::vector<Requant> requant;      // per output channel (Conv/FC), per input (Concat, Add...)
  std::vector<Requant> requant_neg;  // PReLU: the multiplier times the slope, per channel
  int32_t lo = 0, hi = 0;            // output clamp (range and fused activation)
  // Add/Sub/Maximum/Minimum: the inputs are brought to a common fine scale by exact integer
  // factors, v = q_a * factor[0] (op) q_b * factor[1], then requant[0] maps v to the output.
  std::vector<int64_t> factor;
  // Sigmoid/Tanh: output for input q at table[q - input qmin]; Softmax: exp table by q - max.
  std::vector<int64_t> table;
  std::vector<Requant> pool_requant;  // AvgPool: by number of valid cells (index = count)
  std::vector<int32_t> const_values;  // Const
};

struct QuantizedGraph {
  const Graph* graph = nullptr;  // not owned; must outlive this
  QuantConfig config;
  std::vector<QuantLayer> layers;
};

QuantizedGraph quantize(const Graph& graph, const Calibration& cal, const QuantConfig& config);

struct IntTensor {
  Shape shape;
  std::vector<int32_t> data;
  TensorQuant q;
  std::vector<float> dequantized() const;
};

struct IntRun {
  std::vector<IntTensor> values;  // per layer
  // Conv / FullyConnected accumulators (sum plus bias, before requantization), when asked for.
  std::vector<std::vector<int64_t>> accumulators;
};

// Quantizes the float inputs with the Input layers' quantization and runs integer inference.
IntRun run_int(const QuantizedGraph& qg, const std::vector<FloatTensor>& inputs,
               bool keep_accumulators = false, unsigned threads = 0);

// One layer of run_int: `values` holds the tensors of the layers before it (index = layer index;
// only the layer's inputs are read). `keep` receives a Conv/FC layer's accumulators when given.
// The platform runs the layers that are not on the engine this way, on the tensors it read back.
IntTensor run_int_layer(const QuantizedGraph& qg, size_t index,
                        const std::vector<IntTensor>& values, std::vector<int64_t>* keep = nullptr,
                        unsigned threads = 1);

// The output value of a Conv/FC layer for output channel `f` from an engine's sum of products
// (without bias): bias, requantization and clamp exactly as run_int does them.
int32_t finish_weighted_sum(const QuantizedGraph& qg, size_t index, int64_t f, int64_t sum);

// Output SQNR in dB of `test` against `reference` (10 log10(sum ref^2 / sum (ref-test)^2)).
double sqnr_db(const std::vector<float>& reference, const std::vector<float>& test);

}  // namespace apack::network

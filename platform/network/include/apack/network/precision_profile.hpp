// Precision profiles: per Conv/FullyConnected layer, the width Pa of its input activations and
// the width Pw of its weights (docs/precision-profiles.md). A profile is applied by quantizing
// the network at those widths, so the int executor (the golden model) runs exactly the values an
// engine with these precisions sees.
//
// Pa is a quantization width of the tensor the layer reads, so it is set on the layer that
// PRODUCES that tensor (walking back through MaxPool, Pad and Reshape, which keep their input's
// grid). When consumers of one tensor ask for different widths, the tensor gets the largest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "apack/network/graph.hpp"
#include "apack/network/quantize.hpp"

namespace apack::network {

constexpr int kProfileMinBits = 2, kProfileMaxBits = 16;

struct LayerPrecision {
  std::string layer;  // the IR layer name (apack-vp network inspect lists them)
  int pa = 0;         // input activation width, 2..16
  int pw = 0;         // weight width, 2..16
};

struct PrecisionProfile {
  std::string network;                 // graph name; empty = not checked
  int default_pa = 8, default_pw = 8;  // layers not listed, and every other tensor (pa)
  std::vector<LayerPrecision> layers;  // in file order; each a Conv/FC layer, at most once
};

// Parses a profile (YAML, format in docs/precision-profiles.md) and checks it against `graph`.
// Every error is an apack::FormatError "SOURCE:LINE: KEY: problem".
PrecisionProfile parse_precision_profile(const std::string& text, const std::string& source,
                                         const Graph& graph);
// Reads the file `path` and parses it (a missing file is an apack::Error).
PrecisionProfile load_precision_profile(const std::string& path, const Graph& graph);

// The YAML text of `profile`, `header` lines first as comments (how the profile was made).
std::string precision_profile_yaml(const PrecisionProfile& profile,
                                   const std::vector<std::string>& header);
// Writes precision_profile_yaml() to `path` atomically.
void write_precision_profile(const std::string& path, const PrecisionProfile& profile,
                             const std::vector<std::string>& header);

struct AppliedProfile {
  QuantConfig config;  // the base config with the profile's widths
  // One line per tensor whose consumers asked for different widths ("tensor X: 6 bits asked by
  // a, 8 by b; quantized at 8").
  std::vector<std::string> conflicts;
};
// `base` with global widths default_pa/default_pw and per-layer overrides from `profile` (whose
// layer names must be in `graph`, as the parser checks). Throws apack::Error otherwise.
AppliedProfile apply_precision_profile(const Graph& graph, const PrecisionProfile& profile,
                                       const QuantConfig& base);

// The layer whose output a Conv/FC layer reads, through MaxPool, Pad and Reshape: the layer
// whose output width is the consumer's Pa.
int activation_producer(const Graph& graph, int layer);

// Bits that hold every value of values[0..count): the smallest p with -2^(p-1) <= v < 2^(p-1)
// (signed, two's complement) or 0 <= v < 2^p (unsigned); at least 1 (an all-zero tensor still
// takes one bit). Throws apack::Error for a negative value in an unsigned tensor.
int data_width(const int32_t* values, size_t count, bool is_signed);

// Per Conv/FC layer: Pa = data_width of the int input activations of `run` (signedness from the
// input tensor's TensorQuant), Pw = data_width of the quantized weights (signed), each raised to
// kProfileMinBits when smaller so the result is a valid profile (data_width gives the raw
// figure); `network` is set from the graph and the defaults from qg.config.
PrecisionProfile data_precisions(const QuantizedGraph& qg, const IntRun& run);

}  // namespace apack::network

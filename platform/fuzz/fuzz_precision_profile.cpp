// libFuzzer target for the precision-profile reader (parse_precision_profile) against a small
// built graph (an input, a conv, a max pool, two convs reading it, an add, a reshape and a
// fully connected layer, with names the fuzzer can hit from the dictionary-free corpus too).
// apack::Error (FormatError among them) is how a bad profile is refused; anything else, a
// crash or a sanitizer report is a finding. A profile that parses is also applied, and its
// widths must be what the reader promises.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "apack/error.hpp"
#include "apack/network/graph.hpp"
#include "apack/network/precision_profile.hpp"
#include "fuzz_parts.hpp"

namespace {

using namespace apack::network;

Layer conv(const std::string& name, int in, int64_t f, int64_t c) {
  Layer l;
  l.name = name;
  l.kind = LayerKind::Conv;
  l.inputs = {in};
  l.out_channels = f;
  l.kernel_h = l.kernel_w = 1;
  l.weights.assign(size_t(f * c), 0.5f);
  l.bias.assign(size_t(f), 0.0f);
  return l;
}

Graph small_graph() {
  Graph g;
  g.name = "g";
  Layer x;
  x.name = "x";
  x.kind = LayerKind::Input;
  x.shape = {1, 4, 4, 2};
  g.layers.push_back(x);
  g.layers.push_back(conv("a", 0, 2, 2));
  Layer p;
  p.name = "p";
  p.kind = LayerKind::MaxPool;
  p.inputs = {1};
  p.kernel_h = p.kernel_w = p.stride_h = p.stride_w = 2;
  g.layers.push_back(p);
  g.layers.push_back(conv("b", 2, 2, 2));
  g.layers.push_back(conv("c", 2, 2, 2));
  Layer add;
  add.name = "add";
  add.kind = LayerKind::Add;
  add.inputs = {3, 4};
  g.layers.push_back(add);
  Layer r;
  r.name = "r";
  r.kind = LayerKind::Reshape;
  r.inputs = {5};
  r.shape = {1, 8};
  g.layers.push_back(r);
  Layer fc = conv("fc", 6, 3, 8);
  fc.kind = LayerKind::FullyConnected;
  fc.kernel_h = fc.kernel_w = 1;
  g.layers.push_back(fc);
  g.inputs = {0};
  g.outputs = {{"fc", 7}};
  validate(g);
  return g;
}

bool width_ok(int b) { return b >= kProfileMinBits && b <= kProfileMaxBits; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Graph g = small_graph();
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const PrecisionProfile p = parse_precision_profile(text, "fuzz.yaml", g);
    if (!width_ok(p.default_pa) || !width_ok(p.default_pw)) std::abort();
    for (const auto& l : p.layers) {
      const int i = g.find(l.layer);
      if (i < 0 || !g.layers[size_t(i)].has_weights()) std::abort();
      if (!width_ok(l.pa) || !width_ok(l.pw)) std::abort();
    }
    const AppliedProfile a = apply_precision_profile(g, p, QuantConfig{});
    for (int b : a.config.activation_bits_of)
      if (b != 0 && !width_ok(b)) std::abort();
    // What the writer makes of it reads back the same.
    const PrecisionProfile q = parse_precision_profile(precision_profile_yaml(p, {text}), "w", g);
    if (q.layers.size() != p.layers.size() || q.default_pa != p.default_pa) std::abort();
    for (size_t k = 0; k < q.layers.size(); ++k)
      if (q.layers[k].layer != p.layers[k].layer || q.layers[k].pa != p.layers[k].pa ||
          q.layers[k].pw != p.layers[k].pw)
        std::abort();
  } catch (const apack::Error& e) {
    apack::fuzz::explain(e);
  }
  return 0;
}

// Tensor-core-like dense engine (engines.md §2, [ours]): `units` units, each an M x N x K int8
// matrix-multiply-accumulate per cycle with int32 accumulation; convolutions are mapped by
// im2col to a (windows x R) by (R x F/g) product per group. Cycles do not depend on the values.
#include <algorithm>

#include "apack/engines/functional.hpp"
#include "apack/engines/mapping.hpp"
#include "apack/engines/precision.hpp"
#include "apack/error.hpp"
#include "common.hpp"
#include "factories.hpp"

namespace apack::engines::detail {
namespace {

class TensorCore final : public Engine {
 public:
  TensorCore(int64_t units, int64_t m, int64_t n, int64_t k, Interfaces io)
      : units_(units), m_(m), n_(n), k_(k), io_(io) {}

  EngineInfo info() const override {
    EngineInfo i;
    i.name = "tensor-core";
    const int64_t macs = units_ * m_ * n_ * k_;
    i.description = std::to_string(units_) + " units of " + std::to_string(m_) + "x" +
                    std::to_string(n_) + "x" + std::to_string(k_) +
                    " int8 multiply-accumulate, int32 accumulators (" + std::to_string(macs) +
                    " MACs/cycle)" + io_.describe();
    i.peak_bit_products = double(macs) * 64.0;
    return i;
  }

  LayerResult run(const LayerWork& l, const RunOptions& options) const override {
    check_layer(l);
    if (l.act.bits > 8 || l.weight.bits > 8)
      throw Error("layer '" + l.name + "': " + std::to_string(std::max(l.act.bits, l.weight.bits)) +
                  "-bit data on the int8 tensor-core engine");
    const int64_t R = l.reduction();
    // Tile operations: every group is a (windows x R) x (R x Fg) matrix product.
    const int64_t ops =
        l.groups * ceil_div(l.windows(), m_) * ceil_div(l.Fg(), n_) * ceil_div(R, k_);
    LayerResult r;
    r.compute_cycles = ceil_div(ops, units_);
    r.events.add("tc_mac8.active", double(l.macs()));
    r.events.add("tc_mac8.idle",
                 double(r.compute_cycles * units_ * m_ * n_ * k_) - double(l.macs()));
    r.metrics["utilisation"] = double(l.macs()) / double(r.compute_cycles * units_ * m_ * n_ * k_);
    // Each operation reads an M x K activation tile and a K x N weight tile and updates M x N
    // accumulators.
    r.events.add("abuf.read_bits", double(ops) * double(m_ * k_) * 8);
    r.events.add("wbuf.read_bits", double(ops) * double(k_ * n_) * 8);
    r.events.add("acc.updates", double(ops) * double(m_ * n_));
    r.events.add("obuf.write_bits", double(l.outputs()) * 8);
    count_offchip(l, 8, 8, 8, r);
    finish_cycles(r, io_);
    if (options.outputs) {
      // Each lane multiplies the values as its 8-bit datapath holds them (signed or unsigned
      // operands, as the tensor's quantization says).
      r.outputs =
          layer_sums(l, l.activations, l.weights, {8, l.act.is_signed}, {8, l.weight.is_signed});
    }
    return r;
  }

 private:
  int64_t units_, m_, n_, k_;
  Interfaces io_;
};

}  // namespace

std::unique_ptr<Engine> make_tensor_core(ParamReader& p, const Baseline& b) {
  const int64_t m = p.integer("m", 4, 1, 256), n = p.integer("n", 4, 1, 256),
                k = p.integer("k", 4, 1, 256);
  // Default: as many units as give the baseline's 8-bit MACs per cycle (16 for 1024).
  const int64_t fallback =
      std::max<int64_t>(1, int64_t(b.peak_bit_products() / 64.0) / (m * n * k));
  const int64_t units = p.integer("units", fallback, 1, 1 << 20);
  return std::make_unique<TensorCore>(units, m, n, k, Interfaces::read(p));
}

}  // namespace apack::engines::detail

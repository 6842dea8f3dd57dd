// Bit-parallel baseline (DaDianNao-like, engines.md §1): tiles of `rows` filters x 16 lanes of
// `width`-bit multipliers with adder trees, one window per cycle per tile. Dense: cycles do not
// depend on the values; values are stored and moved at the full width.
#include <algorithm>

#include "apack/engines/functional.hpp"
#include "apack/engines/mapping.hpp"
#include "apack/engines/precision.hpp"
#include "apack/error.hpp"
#include "common.hpp"
#include "factories.hpp"

namespace apack::engines::detail {
namespace {

class BitParallel final : public Engine {
 public:
  BitParallel(int64_t tiles, int64_t rows, int width, Interfaces io)
      : tiles_(tiles), rows_(rows), width_(width), io_(io) {}

  EngineInfo info() const override {
    EngineInfo i;
    i.name = "bit-parallel";
    const int64_t macs = tiles_ * rows_ * kLanes;
    i.description = std::to_string(tiles_) + " tiles x " + std::to_string(rows_) + " filters x " +
                    std::to_string(kLanes) + " lanes of " + std::to_string(width_) + "-bit MACs (" +
                    std::to_string(macs) + " MACs/cycle)" + io_.describe();
    i.peak_bit_products = double(macs) * width_ * width_;
    return i;
  }

  LayerResult run(const LayerWork& l, const RunOptions& options) const override {
    check_layer(l);
    if (l.act.bits > width_ || l.weight.bits > width_)
      throw Error("layer '" + l.name + "': " + std::to_string(std::max(l.act.bits, l.weight.bits)) +
                  "-bit data on the " + std::to_string(width_) +
                  "-bit bit-parallel engine: use width=16");
    const Mapping m(l);
    const int64_t filters_per_pass = rows_ * tiles_;
    LayerResult r;
    if (l.fully_connected)
      r.compute_cycles = m.bricks * ceil_div(l.F, filters_per_pass);
    else
      r.compute_cycles = l.groups * l.windows() * m.bricks * ceil_div(l.Fg(), filters_per_pass);
    const double lane_cycles = double(r.compute_cycles) * double(filters_per_pass * kLanes);
    const std::string mac = "mac" + std::to_string(width_);
    r.events.add(mac + ".active", double(l.macs()));
    r.events.add(mac + ".idle", lane_cycles - double(l.macs()));
    // One activation brick per cycle, broadcast to every tile; each filter reads its brick of
    // weights once per window; one accumulator update per filter per brick.
    r.events.add("abuf.read_bits", double(r.compute_cycles) * kLanes * width_);
    r.events.add("wbuf.read_bits", double(l.outputs() * m.bricks) * kLanes * width_);
    r.events.add("acc.updates", double(l.outputs() * m.bricks));
    r.events.add("obuf.write_bits", double(l.outputs()) * width_);
    count_offchip(l, width_, width_, width_, r);
    finish_cycles(r, io_);
    if (options.outputs) {
      // Each lane multiplies the values as its width-bit datapath holds them (signed or unsigned
      // operands, as the tensor's quantization says).
      r.outputs = layer_sums(l, l.activations, l.weights, {width_, l.act.is_signed},
                             {width_, l.weight.is_signed});
    }
    return r;
  }

 private:
  int64_t tiles_, rows_;
  int width_;
  Interfaces io_;
};

}  // namespace

std::unique_ptr<Engine> make_bit_parallel(ParamReader& p, const Baseline& b) {
  const int64_t tiles = p.integer("tiles", b.tiles, 1, 4096);
  const int64_t rows = p.integer("rows", b.rows, 1, 4096);
  const int width = int(p.integer("width", b.width, 8, 16));
  if (width != 8 && width != 16) throw Error("engine bit-parallel: width must be 8 or 16");
  return std::make_unique<BitParallel>(tiles, rows, width, Interfaces::read(p));
}

}  // namespace apack::engines::detail

// Loom, LM-kb (Sharify et al., DAC 2018; engines.md §3): NC window columns x NR filter rows of
// serial inner-product units (SIPs) of 16 lanes. Each cycle a SIP ANDs one bit of 16 weights with
// k bits of 16 activations, so a step (NC windows x NR filters x one brick) takes
// max(1, ceil(Pa/k)) * Pw cycles; activation precision Pa is the layer's static one or, dynamic,
// the step's (leading one of the OR of its magnitudes, capped at the static Pa). Weights may use
// the same dynamic rule per filter brick. Fully connected layers use the column schedule of
// loom_schedule.hpp. The cycle model never visits a product: it ORs each value into its brick
// once, then works per (column block, brick) and per (row block, brick).
#include <algorithm>
#include <cmath>

#include "apack/engines/functional.hpp"
#include "apack/engines/mapping.hpp"
#include "apack/engines/precision.hpp"
#include "apack/error.hpp"
#include "common.hpp"
#include "factories.hpp"
#include "loom_block_or.hpp"
#include "loom_model.hpp"
#include "loom_schedule.hpp"

namespace apack::engines::detail {
namespace {

// Sums of the run that become events and metrics.
struct Tally {
  int64_t cycles = 0;
  double active = 0;   // lane-cycles with a real product
  double abuf = 0;     // activation bits read
  double wbuf = 0;     // weight bits read
  double pa_macs = 0;  // sum over products of the activation precision their step used
  double pw_macs = 0;  // the same for the weight precision
};

// Products in brick b (the last brick of a reduction may be short; its tail lanes are padding).
inline int64_t brick_products(const Mapping& m, int64_t b) {
  return std::min<int64_t>(kLanes, m.R - b * kLanes);
}

class Loom final : public Engine {
 public:
  Loom(LoomConfig c, Interfaces io) : c_(c), io_(io) {}

  EngineInfo info() const override {
    EngineInfo i;
    i.name = "loom-" + std::to_string(c_.k) + "b";
    const int64_t sips = c_.columns * c_.rows;
    i.description = "k=" + std::to_string(c_.k) + " columns=" + std::to_string(c_.columns) +
                    " rows=" + std::to_string(c_.rows) +
                    " precision=" + (c_.dynamic_act ? "dynamic" : "static") +
                    " group=" + std::to_string(c_.group) +
                    " dynamic_weights=" + (c_.dynamic_weights ? "true" : "false") + ": " +
                    std::to_string(c_.columns) + " window columns x " + std::to_string(c_.rows) +
                    " filter rows of 16-lane SIPs (" + std::to_string(sips) + " SIPs), " +
                    std::to_string(c_.k) + " activation bit(s) x 1 weight bit per cycle" +
                    io_.describe();
    i.peak_bit_products = double(sips) * kLanes * c_.k;
    i.value_driven = c_.dynamic_act || c_.dynamic_weights;
    return i;
  }

  LayerResult run(const LayerWork& l, const RunOptions& options) const override {
    check_layer(l);
    const Mapping m(l);
    const int64_t n_act = l.H * l.W * l.C;
    // What the precision detectors see (only needed when a precision is dynamic).
    std::vector<int32_t> amag, wmag;
    if (c_.dynamic_act) amag = loom_magnitudes(l.activations, n_act, l.act);
    if (c_.dynamic_weights) wmag = loom_magnitudes(l.weights, l.F * m.R, l.weight);
    const std::vector<uint32_t> wor = weight_brick_or(l, m, wmag);

    LayerResult r;
    const Tally t = l.fully_connected ? run_fc(l, m, amag, wor) : run_conv(l, m, amag, wor);
    r.compute_cycles = t.cycles;
    const std::string sip = "sip_k" + std::to_string(c_.k);
    const double lanes = double(c_.columns * c_.rows * kLanes);
    r.events.add(sip + ".active", t.active);
    r.events.add(sip + ".idle", double(t.cycles) * lanes - t.active);
    r.events.add("abuf.read_bits", t.abuf);
    r.events.add("wbuf.read_bits", t.wbuf);
    // One accumulator update per output per brick: the SIP shifts and adds every cycle inside
    // its own register (part of the SIP lane-cycle energy) and hands the brick's sum on once.
    r.events.add("acc.updates", double(l.outputs() * m.bricks));
    r.events.add("obuf.write_bits", double(l.outputs()) * l.out.bits);
    count_offchip(l, act_storage_bits(l, amag) / double(n_act), l.weight.precision, l.out.precision,
                  r);
    // MAC-weighted precisions the steps ran at (before rounding up to k bits and the one-pass
    // floor; an all-zero step counts 0), so pa_avg compares across k.
    const double macs = double(l.macs());
    r.metrics["pa_avg"] = t.pa_macs / macs;
    r.metrics["pw"] = t.pw_macs / macs;
    finish_cycles(r, io_);

    if (options.outputs) {
      // Each operand as its Pa- or Pw-bit datapath holds it; the dynamic precision never drops
      // a bit of that (it is at least the width of every value in its group, capped at Pa), so
      // static and dynamic runs compute the same sums. loom_reference.cpp checks this bit by bit.
      r.outputs = layer_sums(l, l.activations, l.weights, {l.act.precision, l.act.is_signed},
                             {l.weight.precision, l.weight.is_signed});
    }
    return r;
  }

 private:
  // OR of the weight magnitudes per (filter, brick); empty with static weight precision.
  std::vector<uint32_t> weight_brick_or(const LayerWork& l, const Mapping& m,
                                        const std::vector<int32_t>& wmag) const {
    std::vector<uint32_t> out;
    if (!c_.dynamic_weights) return out;
    out.assign(size_t(l.F * m.bricks), 0);
    for (int64_t f = 0; f < l.F; ++f)
      for (int64_t p = 0; p < m.R; ++p)
        out[size_t(f * m.bricks + p / kLanes)] |= uint32_t(wmag[size_t(f * m.R + p)]);
    return out;
  }

  // Weight precision of the step of filters [f0, f1) (absolute indices) and brick b.
  int weight_precision(const LayerWork& l, const Mapping& m, const std::vector<uint32_t>& wor,
                       int64_t f0, int64_t f1, int64_t b) const {
    if (!c_.dynamic_weights) return l.weight.precision;
    uint32_t o = 0;
    for (int64_t f = f0; f < f1; ++f) o |= wor[size_t(f * m.bricks + b)];
    return dynamic_precision(o, l.weight.is_signed, l.weight.precision);
  }

  // Convolutions: steps = g * ceil(windows/NC) * ceil(Fg/NR) * bricks, a step costs
  // max(1, ceil(pa/k)) * max(1, pw) cycles (engines.md §3: pa, pw of the step; static = Pa, Pw).
  // The cost factors into an activation part per (column block, brick) and a weight part per
  // (row block, brick), so per group the weight part is summed over row blocks once per brick.
  Tally run_conv(const LayerWork& l, const Mapping& m, const std::vector<int32_t>& amag,
                 const std::vector<uint32_t>& wor) const {
    const int64_t Fg = l.Fg(), nwin = l.windows(), B = m.bricks;
    const int64_t row_blocks = ceil_div(Fg, c_.rows), col_blocks = ceil_div(nwin, c_.columns);
    const int Pa = l.act.precision;
    std::vector<uint32_t> aor;  // per (group, column block, brick), dynamic only
    if (c_.dynamic_act) aor = loom_block_or(l, m, amag.data(), c_.columns);
    // Per brick, summed over the row blocks of a group: ws = sum max(1, pw) (cycle factor),
    // wf = sum filters * max(1, pw) (lane-cycles), wp = sum filters * pw (weight bits, metric).
    std::vector<int64_t> ws(static_cast<size_t>(B));
    std::vector<double> wf(static_cast<size_t>(B)), wp(static_cast<size_t>(B));
    Tally t;
    for (int64_t g = 0; g < l.groups; ++g) {
      std::fill(ws.begin(), ws.end(), 0);
      std::fill(wf.begin(), wf.end(), 0.0);
      std::fill(wp.begin(), wp.end(), 0.0);
      for (int64_t rb = 0; rb < row_blocks; ++rb) {
        const int64_t f0 = g * Fg + rb * c_.rows, f1 = g * Fg + std::min(Fg, (rb + 1) * c_.rows);
        for (int64_t b = 0; b < B; ++b) {
          const int pw = weight_precision(l, m, wor, f0, f1, b);
          ws[size_t(b)] += std::max(1, pw);
          wf[size_t(b)] += double(f1 - f0) * std::max(1, pw);
          wp[size_t(b)] += double(f1 - f0) * pw;
        }
      }
      for (int64_t cb = 0; cb < col_blocks; ++cb) {
        const int64_t w0 = cb * c_.columns, w1 = std::min(nwin, w0 + c_.columns);
        const double windows = double(w1 - w0);
        for (int64_t b = 0; b < B; ++b) {
          const int pa = c_.dynamic_act
                             ? dynamic_precision(aor[size_t((g * col_blocks + cb) * B + b)],
                                                 l.act.is_signed, Pa)
                             : Pa;
          const int64_t passes = loom_act_passes(pa, c_.k);
          const double products = double(brick_products(m, b));
          t.cycles += passes * ws[size_t(b)];
          t.active += windows * products * double(passes) * wf[size_t(b)];
          t.pa_macs += windows * products * double(Fg) * pa;
          t.pw_macs += windows * products * wp[size_t(b)];
          // Every step reads its activations (once per row block) at the step's precision and
          // its filters' weights at theirs; padding lanes of a short brick are not read.
          t.abuf += double(row_blocks) * windows * products * pa;
          t.wbuf += products * wp[size_t(b)];
        }
      }
    }
    return t;
  }

  // Fully connected: units of one brick x one block of NR filters on the column schedule of
  // loom_schedule.hpp; every weight is read once, every unit reads its activation brick.
  Tally run_fc(const LayerWork& l, const Mapping& m, const std::vector<int32_t>& amag,
               const std::vector<uint32_t>& wor) const {
    const int64_t B = m.bricks, row_blocks = ceil_div(l.F, c_.rows);
    const int Pa = l.act.precision;
    std::vector<int> pa(size_t(B), Pa);
    if (c_.dynamic_act) {
      const std::vector<uint32_t> aor = loom_block_or(l, m, amag.data(), 1);
      for (int64_t b = 0; b < B; ++b)
        pa[size_t(b)] = dynamic_precision(aor[size_t(b)], l.act.is_signed, Pa);
    }
    Tally t;
    std::vector<int64_t> durations;
    durations.reserve(size_t(row_blocks * B));
    for (int64_t rb = 0; rb < row_blocks; ++rb) {
      const int64_t f0 = rb * c_.rows, f1 = std::min(l.F, f0 + c_.rows);
      for (int64_t b = 0; b < B; ++b) {
        const int pw = weight_precision(l, m, wor, f0, f1, b);
        const int64_t d = loom_act_passes(pa[size_t(b)], c_.k) * std::max(1, pw);
        durations.push_back(d);
        const double products = double(brick_products(m, b));
        t.active += double(f1 - f0) * products * double(d);
        t.pa_macs += double(f1 - f0) * products * pa[size_t(b)];
        t.pw_macs += double(f1 - f0) * products * pw;
        t.abuf += products * pa[size_t(b)];
        t.wbuf += double(f1 - f0) * products * pw;
      }
    }
    t.cycles = loom_fc_schedule(durations, c_.columns);
    return t;
  }

  // Off-chip bits of the input activations. Static: Pa bits per value. Dynamic: the tensor is
  // stored in groups of `group` consecutive values (HWC order, so a group of 16 is one pixel's
  // 16 channels when C is a multiple of 16), each at its own dynamic precision plus a header
  // of loom_header_bits(Pa) bits naming it [ours: the spec fixes no storage format].
  double act_storage_bits(const LayerWork& l, const std::vector<int32_t>& amag) const {
    const int64_t n = l.H * l.W * l.C;
    if (!c_.dynamic_act) return double(n) * l.act.precision;
    const int header = loom_header_bits(l.act.precision);
    double bits = 0;
    for (int64_t i = 0; i < n; i += c_.group) {
      const int64_t e = std::min(n, i + c_.group);
      uint32_t o = 0;
      for (int64_t j = i; j < e; ++j) o |= uint32_t(amag[size_t(j)]);
      bits += double(e - i) * dynamic_precision(o, l.act.is_signed, l.act.precision) + header;
    }
    return bits;
  }

  LoomConfig c_;
  Interfaces io_;
};

}  // namespace

std::unique_ptr<Engine> make_loom(ParamReader& p, const Baseline& b) {
  LoomConfig c;
  c.k = int(p.integer("k", 1, 1, 16));
  if (c.k != 1 && c.k != 2 && c.k != 4)
    throw Error("engine loom: k=" + std::to_string(c.k) +
                " activation bits per cycle: Loom processes 1, 2 or 4 (engines.md §3)");
  c.columns = p.integer("columns", 16, 1, 4096);
  if (p.has("rows")) {
    c.rows = p.integer("rows", 0, 1, 1 << 20);
  } else {
    // Equal peak (engines.md, mapping): NC * NR * 16 * k bit-products per cycle = the
    // baseline's M * P * P.
    const double per_row = double(kLanes) * c.k * double(c.columns);
    const double rows = b.peak_bit_products() / per_row;
    if (rows < 1 || rows != std::floor(rows))
      throw Error("engine loom: equal-peak rows = baseline peak " +
                  std::to_string(int64_t(b.peak_bit_products())) +
                  " bit-products/cycle / (16 lanes x k=" + std::to_string(c.k) +
                  " x columns=" + std::to_string(c.columns) + ") = " + std::to_string(rows) +
                  " is not an integer >= 1: choose other columns or give rows=");
    c.rows = int64_t(rows);
  }
  c.dynamic_act = p.choice("precision", "dynamic", {"static", "dynamic"}) == "dynamic";
  c.group = int(p.integer("group", 16, 1, 256));
  if (c.group != 16 && c.group != 256)
    throw Error("engine loom: group=" + std::to_string(c.group) +
                " activations per precision group: use 16 (one SIP's lanes) or 256 (a 16 x 16 "
                "brick)");
  c.dynamic_weights = p.boolean("dynamic_weights", false);
  return std::make_unique<Loom>(c, Interfaces::read(p));
}

}  // namespace apack::engines::detail

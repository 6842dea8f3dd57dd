// Laconic (engines.md §4; Sharify et al., arXiv 1805.04513): processing elements of 16 lanes,
// each lane processing one term pair (a signed power of two of the activation times one of the
// weight) per cycle, so a product costs t(a) * t(w) lane-cycles and zero terms cost nothing.
// Lanes synchronise per domain at the end of each step (laconic_schedule.hpp). Values are stored
// and moved as plain integers at their storage width; the recoding into terms happens on chip.
#include <algorithm>

#include "apack/engines/mapping.hpp"
#include "apack/engines/precision.hpp"
#include "apack/engines/terms.hpp"
#include "apack/error.hpp"
#include "common.hpp"
#include "factories.hpp"
#include "laconic_functional.hpp"
#include "laconic_schedule.hpp"

namespace apack::engines::detail {
namespace {

// Throws unless every value fits the tensor's storage format (the term encodings take 16-bit
// values; a value that does not fit its declared width is an error of the layer, not something
// Laconic can compute with).
void check_values(const LayerWork& l, const int32_t* v, int64_t n, const OperandFormat& f,
                  const char* what) {
  if (n == 0) return;
  const auto [lo, hi] = std::minmax_element(v, v + n);
  for (const int32_t x : {*lo, *hi})
    if (bits_needed(x, f.is_signed) > f.bits)
      throw Error("layer '" + l.name + "': " + what + " value " + std::to_string(x) +
                  " does not fit its " + std::to_string(f.bits) + "-bit " +
                  (f.is_signed ? "signed" : "unsigned") + " format (laconic)");
}

class Laconic final : public Engine {
 public:
  Laconic(LaconicGeometry geo, SyncDomain sync, const TermEncoding& enc, Interfaces io)
      : geo_(geo), sync_(sync), enc_(enc), io_(io) {}

  EngineInfo info() const override {
    EngineInfo i;
    i.name = "laconic";
    const int64_t pairs = geo_.pes() * kLanes;
    i.description =
        std::to_string(geo_.tiles) + " tiles x " + std::to_string(geo_.columns) +
        " window columns x " + std::to_string(geo_.rows) + " filter rows of " +
        std::to_string(kLanes) + "-lane term PEs (" + std::to_string(pairs) +
        " term pairs/cycle), sync=" + sync_name(sync_) +
        (sync_ == SyncDomain::engine ? " (whole engine each step, as the authors' 2020 simulator)"
                                     : "") +
        ", encoding " + enc_.description() + io_.describe() +
        (io_.weight_bits ? "" : ", weight interface unlimited") +
        (io_.act_bits ? "" : ", activation interface unlimited");
    // One term pair (a 1-bit x 1-bit product) per lane per cycle (engine.hpp, equal peak).
    i.peak_bit_products = double(pairs);
    i.value_driven = true;
    return i;
  }

  LayerResult run(const LayerWork& l, const RunOptions& options) const override {
    check_layer(l);
    const int64_t n_act = l.H * l.W * l.C, n_w = l.F * l.reduction();
    check_values(l, l.activations, n_act, l.act, "activation");
    check_values(l, l.weights, n_w, l.weight, "weight");
    const Mapping m(l);
    const LaconicSchedule s = laconic_schedule(l, geo_, enc_.count_table());

    LayerResult r;
    r.compute_cycles = s.cycles(sync_);
    r.metrics["cycles_pe"] = double(s.cycles_pe);
    r.metrics["cycles_column"] = double(s.cycles_column);
    r.metrics["cycles_tile"] = double(s.cycles_tile);
    r.metrics["cycles_engine"] = double(s.cycles_engine);
    r.metrics["steps"] = double(s.steps);
    r.metrics["term_pairs"] = double(s.term_pairs);
    // Potential (engines.md §4): the ideal work reduction over a bit-parallel datapath of width
    // P (the data width compared: 8 or 16), P*P bit products per MAC against one per term pair.
    // Undefined (left out) when the layer has no term pair at all; potential_bit_products lets
    // a report form the ratio over a whole network.
    const int P = std::max(l.act.bits, l.weight.bits) <= 8 ? 8 : 16;
    const double ideal = double(P) * P * double(l.macs());
    r.metrics["potential_bit_products"] = ideal;
    if (s.term_pairs > 0) r.metrics["potential"] = ideal / double(s.term_pairs);

    // Lane-cycles: every lane of the array exists for the layer's compute cycles, so
    // term.active + term.idle = lanes x compute cycles, as for the other engines' units.
    // Active = one term pair processed (term_pairs in total). Idle = all the others: (1) lanes
    // of working PEs waiting for the slowest lane of their domain in a step (including the
    // one-cycle floor of a lane without term pairs), (2) lanes of PEs without a window or filter
    // in a partial step while their domain works, and (3) with a domain finer than the engine,
    // lanes of domains that finished the layer before the slowest domain; (3) alone is also
    // reported as the metric idle_lane_cycles_layer_end (0 with sync=engine).
    const double lanes = double(geo_.pes() * kLanes);
    r.events.add("term.active", double(s.term_pairs));
    r.events.add("term.idle", lanes * double(r.compute_cycles) - double(s.term_pairs));
    r.metrics["idle_lane_cycles_layer_end"] =
        double(kLanes) * double(geo_.pes() * r.compute_cycles - s.pe_cycles_in_steps(sync_, geo_));
    // Buffers, values at their storage bits per step: each working column reads its window's
    // brick of 16 activations (broadcast along its rows); each working row reads its filter's
    // brick of 16 weights (broadcast to every column and tile); each working PE updates its
    // accumulator once per step (term-level additions happen inside the PE).
    const int64_t window_chunks = ceil_div(l.windows(), geo_.columns * geo_.tiles);
    const int64_t filter_chunks = ceil_div(l.Fg(), geo_.rows);
    r.events.add("abuf.read_bits", double(l.groups * filter_chunks * m.bricks) *
                                       double(l.windows()) * kLanes * l.act.bits);
    r.events.add("wbuf.read_bits", double(l.groups * window_chunks * m.bricks) * double(l.Fg()) *
                                       kLanes * l.weight.bits);
    r.events.add("acc.updates", double(l.outputs() * m.bricks));
    r.events.add("obuf.write_bits", double(l.outputs()) * l.out.bits);
    count_offchip(l, l.act.bits, l.weight.bits, l.out.bits, r);
    finish_cycles(r, io_);  // fully connected layers: bound by the weight interface
    if (options.outputs) r.outputs = laconic_sums(l, enc_);
    return r;
  }

 private:
  LaconicGeometry geo_;
  SyncDomain sync_;
  const TermEncoding& enc_;
  Interfaces io_;
};

}  // namespace

// Parameters (engines.md §4):
//   columns  window columns per tile (default 16)
//   tiles    tiles, each of columns x rows PEs on different windows (default 1: one tile of
//            16 columns, the published engine's organisation as a single array)
//   rows     filter rows (default: equal peak with the baseline, one term pair per lane per
//            cycle: 16 * columns * rows * tiles = baseline.peak_bit_products(); 256 against
//            the default 1024 8-bit MACs; rounded down when it does not divide)
//   sync     pe | column | tile | engine (default engine: the authors' 2020 simulator
//            synchronises the whole engine every step, the most pessimistic choice)
//   encoding naf | binary (default naf, terms.hpp)
//   weight_if (alias wires), act_if  interface widths in bits per cycle (common.hpp); the
//            published configurations use 128 and 1K weight wires (the conventional engine 2K)
std::unique_ptr<Engine> make_laconic(ParamReader& p, const Baseline& b) {
  LaconicGeometry geo;
  geo.columns = p.integer("columns", 16, 1, 4096);
  geo.tiles = p.integer("tiles", 1, 1, 4096);
  const int64_t equal_peak =
      std::max<int64_t>(1, int64_t(b.peak_bit_products()) / (kLanes * geo.columns * geo.tiles));
  geo.rows = p.integer("rows", equal_peak, 1, 65536);
  // Bounds the per-PE accumulators of the schedule (8 bytes each).
  constexpr int64_t kMaxPes = int64_t(1) << 22;
  if (geo.pes() > kMaxPes)
    throw Error("engine laconic: columns x rows x tiles = " + std::to_string(geo.pes()) +
                " PEs; at most " + std::to_string(kMaxPes));
  const SyncDomain sync =
      parse_sync(p.choice("sync", "engine", {"pe", "column", "tile", "engine"}));
  const TermEncoding& enc = term_encoding(p.choice("encoding", "naf", term_encoding_names()));
  const bool wires = p.has("wires");
  if (wires && p.has("weight_if"))
    throw Error("engine laconic: give wires or weight_if, not both (wires is weight_if's alias)");
  Interfaces io = Interfaces::read(p);
  io.weight_bits = p.integer("wires", io.weight_bits, 0, int64_t(1) << 24);
  return std::make_unique<Laconic>(geo, sync, enc, io);
}

}  // namespace apack::engines::detail

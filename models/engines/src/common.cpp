#include "common.hpp"

#include <algorithm>

#include "apack/engines/mapping.hpp"

namespace apack::engines::detail {

void count_offchip(const LayerWork& l, double act_bits_per_value, double weight_bits_per_value,
                   double out_bits_per_value, LayerResult& r) {
  r.act_in_bits = int64_t(double(l.H * l.W * l.C) * act_bits_per_value + 0.5);
  r.weight_bits = int64_t(double(l.F * l.reduction()) * weight_bits_per_value + 0.5);
  r.act_out_bits = int64_t(double(l.outputs()) * out_bits_per_value + 0.5);
  r.events.add("offchip.act_in_bits", double(r.act_in_bits));
  r.events.add("offchip.weight_bits", double(r.weight_bits));
  r.events.add("offchip.act_out_bits", double(r.act_out_bits));
}

Interfaces Interfaces::read(ParamReader& p) {
  Interfaces i;
  i.weight_bits = p.integer("weight_if", 0, 0, int64_t(1) << 24);
  i.act_bits = p.integer("act_if", 0, 0, int64_t(1) << 24);
  return i;
}

std::string Interfaces::describe() const {
  std::string s;
  if (weight_bits) s += ", weight interface " + std::to_string(weight_bits) + " b/cycle";
  if (act_bits) s += ", activation interface " + std::to_string(act_bits) + " b/cycle";
  return s;
}

void finish_cycles(LayerResult& r, const Interfaces& i) {
  int64_t b = 0;
  if (i.weight_bits)
    b = std::max(b, ceil_div(int64_t(r.events.get("wbuf.read_bits")), i.weight_bits));
  if (i.act_bits) b = std::max(b, ceil_div(int64_t(r.events.get("abuf.read_bits")), i.act_bits));
  r.bandwidth_cycles = b;
  r.cycles = std::max(r.compute_cycles, b);
}

}  // namespace apack::engines::detail

#include "apack/dram/constraints.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "expression.hpp"
#include "standards_tables.hpp"

namespace apack::dram {

const char* name(Scope s) {
  switch (s) {
    case Scope::Bank:
      return "same bank";
    case Scope::BankGroup:
      return "same bank group";
    case Scope::Rank:
      return "same rank";
    case Scope::OtherRank:
      return "other rank";
    case Scope::Channel:
      return "channel";
  }
  return "?";
}

const StandardDef& standard_def(Standard s) {
  static const StandardDef ddr4 = detail::ddr4_table();
  static const StandardDef lpddr4 = detail::lpddr4_table();
  static const StandardDef hbm2 = detail::hbm2_table();
  switch (s) {
    case Standard::DDR4:
      return ddr4;
    case Standard::LPDDR4:
      return lpddr4;
    case Standard::HBM2:
      return hbm2;
  }
  throw std::logic_error("dram: unknown standard");
}

std::vector<std::string> required_timings(Standard s) {
  const StandardDef& def = standard_def(s);
  std::vector<std::string> names = {"RL", "WL", def.refresh_interval, def.refresh_cycle};
  for (const ConstraintRow& r : def.rows)
    for (std::string& n : detail::names_in(r.distance))
      if (n != "BURST") names.push_back(std::move(n));
  std::vector<std::string> unique;
  for (std::string& n : names)
    if (std::find(unique.begin(), unique.end(), n) == unique.end()) unique.push_back(std::move(n));
  return unique;
}

std::string Constraint::describe() const {
  std::ostringstream s;
  s << label << ": " << mask_to_string(from) << " -> " << mask_to_string(to) << " " << name(scope)
    << " >= " << distance;
  if (nth > 1) s << " (from the " << int(nth) << "th most recent)";
  s << " [" << expression << "]";
  return s.str();
}

namespace {

// A rank-level command (PREA, REF, PDE, PDX) has no bank: rows involving one must look at the
// whole rank or wider, and windowed rows count one command kind.
void validate(const Constraint& c) {
  const bool rank_level = (c.from | c.to) & ~cmds::kBankLevel;
  if (rank_level && (c.scope == Scope::Bank || c.scope == Scope::BankGroup))
    throw std::logic_error("dram: constraint " + c.describe() + " needs a rank-wide scope");
  if (c.nth > 1 && (c.from & (c.from - 1)) != 0)
    throw std::logic_error("dram: windowed constraint " + c.describe() + " must name one command");
  if (c.nth < 1 || c.nth > 8)
    throw std::logic_error("dram: constraint " + c.describe() + " has a bad window");
}

}  // namespace

ConstraintTable::ConstraintTable(const MemSpec& spec) {
  const std::function<int64_t(const std::string&)> lookup = [&](const std::string& n) {
    return spec.t(n);
  };
  for (const ConstraintRow& r : standard_def(spec.standard).rows) {
    Constraint c;
    c.from = r.from;
    c.to = r.to;
    c.scope = r.scope;
    c.distance = detail::evaluate(r.distance, lookup);
    c.nth = r.nth;
    c.label = r.label;
    c.expression = r.distance;
    validate(c);
    depth_ = std::max(depth_, int(c.nth));
    if (c.scope == Scope::Bank && in(c.to, Cmd::PRE)) {
      if (in(c.from, Cmd::RDA)) rd_to_pre_ = std::max(rd_to_pre_, c.distance);
      if (in(c.from, Cmd::WRA)) wr_to_pre_ = std::max(wr_to_pre_, c.distance);
    }
    rows_.push_back(std::move(c));
  }
  for (size_t i = 0; i < rows_.size(); ++i)
    for (int k = 0; k < kCmdCount; ++k)
      if (in(rows_[i].to, Cmd(k))) by_to_[size_t(k)].push_back(uint16_t(i));
}

}  // namespace apack::dram

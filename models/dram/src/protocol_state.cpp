#include "apack/dram/protocol_state.hpp"

namespace apack::dram {

ProtocolState::ProtocolState(const Architecture& arch)
    : arch_(arch), banks_(arch.total_banks()), ranks_(arch.ranks) {}

std::string ProtocolState::illegal(const Command& c) const {
  if (c.at.rank >= arch_.ranks) return "rank " + std::to_string(c.at.rank) + " does not exist";
  if (is_bank_level(c.cmd) &&
      (c.at.group >= arch_.bank_groups || c.at.bank >= arch_.banks_per_group()))
    return "bank group " + std::to_string(c.at.group) + " bank " + std::to_string(c.at.bank) +
           " does not exist";
  const Rank& r = ranks_[c.at.rank];
  if (c.cmd == Cmd::PDX) return r.powered_down ? "" : "PDX to a rank not in power-down";
  if (r.powered_down) return std::string(name(c.cmd)) + " to a rank in power-down";
  switch (c.cmd) {
    case Cmd::ACT:
      if (c.row >= arch_.rows) return "row " + std::to_string(c.row) + " does not exist";
      if (bank(c.at).open)
        return "ACT to a bank with row " + std::to_string(bank(c.at).row) + " open";
      return "";
    case Cmd::RD:
    case Cmd::RDA:
    case Cmd::WR:
    case Cmd::WRA: {
      const Bank& b = bank(c.at);
      if (!b.open) return std::string(name(c.cmd)) + " to a precharged bank";
      if (b.row != c.row)
        return std::string(name(c.cmd)) + " for row " + std::to_string(c.row) + " but row " +
               std::to_string(b.row) + " is open";
      if (c.column >= arch_.columns || c.column % arch_.burst_length != 0)
        return "column " + std::to_string(c.column) + " is not a burst start";
      return "";
    }
    case Cmd::REF:
      if (r.open) return "REF with " + std::to_string(r.open) + " bank(s) open";
      return "";
    default:
      return "";  // PRE, PREA, PDE
  }
}

void ProtocolState::close_rank(uint32_t rank) {
  for (uint32_t g = 0; g < arch_.bank_groups; ++g)
    for (uint32_t b = 0; b < arch_.banks_per_group(); ++b)
      banks_[arch_.flat_bank(rank, g, b)].open = false;
  ranks_[rank].open = 0;
}

void ProtocolState::apply(const Command& c) {
  Rank& r = ranks_[c.at.rank];
  switch (c.cmd) {
    case Cmd::ACT:
      bank(c.at) = {true, c.row};
      ++r.open;
      break;
    case Cmd::PRE:
    case Cmd::RDA:
    case Cmd::WRA:
      if (bank(c.at).open) {
        bank(c.at).open = false;
        --r.open;
      }
      break;
    case Cmd::PREA:
      close_rank(c.at.rank);
      break;
    case Cmd::PDE:
      r.powered_down = true;
      break;
    case Cmd::PDX:
      r.powered_down = false;
      break;
    default:
      break;
  }
}

}  // namespace apack::dram

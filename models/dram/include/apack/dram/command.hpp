// DRAM commands and the command log. The log is what the controller produces and what the
// protocol checker and the statistics read: one record per command on the command bus.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "apack/dram/units.hpp"

namespace apack::dram {

// RDA/WRA are RD/WR with auto-precharge; PREA precharges every bank of a rank; REF is an
// all-bank refresh; PDE/PDX enter and exit power-down (active or precharge power-down follows
// from whether a bank is open when entering).
enum class Cmd : uint8_t { ACT, PRE, PREA, RD, RDA, WR, WRA, REF, PDE, PDX };
constexpr int kCmdCount = 10;

// A set of commands, one bit per Cmd; constraint tables use sets ("any read").
using CmdMask = uint16_t;
constexpr CmdMask bit(Cmd c) { return CmdMask(1u << unsigned(c)); }

namespace cmds {
constexpr CmdMask kReads = bit(Cmd::RD) | bit(Cmd::RDA);
constexpr CmdMask kWrites = bit(Cmd::WR) | bit(Cmd::WRA);
constexpr CmdMask kColumn = kReads | kWrites;
constexpr CmdMask kPrecharges = bit(Cmd::PRE) | bit(Cmd::PREA);
constexpr CmdMask kAll = CmdMask((1u << kCmdCount) - 1);
// Commands on HBM2's row command bus (the others use its column bus).
constexpr CmdMask kRowBus = CmdMask(kAll & ~kColumn);
// Commands addressed to one bank (the others address a whole rank).
constexpr CmdMask kBankLevel = bit(Cmd::ACT) | bit(Cmd::PRE) | kColumn;
}  // namespace cmds

constexpr bool in(CmdMask m, Cmd c) { return (m & bit(c)) != 0; }
constexpr bool is_bank_level(Cmd c) { return in(cmds::kBankLevel, c); }
constexpr bool is_column(Cmd c) { return in(cmds::kColumn, c); }
constexpr bool is_read(Cmd c) { return in(cmds::kReads, c); }
constexpr bool is_write(Cmd c) { return in(cmds::kWrites, c); }
constexpr bool auto_precharges(Cmd c) { return c == Cmd::RDA || c == Cmd::WRA; }

const char* name(Cmd c);
std::optional<Cmd> parse_cmd(std::string_view s);
std::string mask_to_string(CmdMask m);  // "RD|RDA"

// A bank inside a channel: rank (an HBM2 pseudo channel), bank group, bank within the group.
struct BankAddress {
  uint32_t rank = 0;
  uint32_t group = 0;
  uint32_t bank = 0;
  bool operator==(const BankAddress& o) const {
    return rank == o.rank && group == o.group && bank == o.bank;
  }
};

// One command on the bus. `row` is meaningful for ACT and column commands (for a column
// command it names the row the controller believes open, which the checker verifies);
// `column` (the first column of the burst) for column commands.
struct Command {
  Cycle time = 0;
  Cmd cmd = Cmd::ACT;
  BankAddress at;
  uint32_t row = 0;
  uint32_t column = 0;
};

std::string to_string(const Command& c);  // "@123 RD r0 g1 b2 row 7 col 16"

}  // namespace apack::dram

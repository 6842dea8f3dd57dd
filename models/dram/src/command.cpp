#include "apack/dram/command.hpp"

#include <sstream>

namespace apack::dram {

namespace {
constexpr const char* kNames[kCmdCount] = {"ACT", "PRE", "PREA", "RD",  "RDA",
                                           "WR",  "WRA", "REF",  "PDE", "PDX"};
}

const char* name(Cmd c) { return kNames[size_t(c)]; }

std::optional<Cmd> parse_cmd(std::string_view s) {
  for (int i = 0; i < kCmdCount; ++i)
    if (s == kNames[i]) return Cmd(i);
  return std::nullopt;
}

std::string mask_to_string(CmdMask m) {
  if (m == cmds::kAll) return "any";
  std::string s;
  for (int i = 0; i < kCmdCount; ++i)
    if (m & bit(Cmd(i))) s += (s.empty() ? "" : "|") + std::string(kNames[i]);
  return s.empty() ? "none" : s;
}

std::string to_string(const Command& c) {
  std::ostringstream s;
  s << "@" << c.time << " " << name(c.cmd) << " rank " << c.at.rank;
  if (is_bank_level(c.cmd)) s << " group " << c.at.group << " bank " << c.at.bank;
  if (c.cmd == Cmd::ACT || is_column(c.cmd)) s << " row " << c.row;
  if (is_column(c.cmd)) s << " col " << c.column;
  return s.str();
}

}  // namespace apack::dram

// The per-standard tables (standards_*.cpp), gathered by constraints.cpp.
#pragma once

#include "apack/dram/constraints.hpp"

namespace apack::dram::detail {

// Single commands as masks, for the tables' rows (the groups kReads, kWrites, kColumn,
// kPrecharges and kAll come from cmds).
using namespace cmds;
constexpr CmdMask ACT = bit(Cmd::ACT), PRE = bit(Cmd::PRE), PREA = bit(Cmd::PREA),
                  RDA = bit(Cmd::RDA), WR = bit(Cmd::WR), WRA = bit(Cmd::WRA), REF = bit(Cmd::REF),
                  PDE = bit(Cmd::PDE), PDX = bit(Cmd::PDX);
// After REF only power-down entry/exit may come before tRFC (JESD79-4, JESD209-4 and JESD235
// refresh rules).
constexpr CmdMask kAfterRef = CmdMask(kAll & ~PDE & ~PDX);

StandardDef ddr4_table();
StandardDef lpddr4_table();
StandardDef hbm2_table();

}  // namespace apack::dram::detail

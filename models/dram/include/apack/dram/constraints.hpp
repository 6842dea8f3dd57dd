// Timing constraints as data. Each DRAM standard is a table of rows "command A -> command B,
// within scope S, at least D cycles apart" (standards.hpp); ConstraintTable evaluates the
// distances of one memspec. One engine (timing_engine.hpp) reads the table both to schedule
// (earliest legal time of a command) and to check a command log, so the two cannot disagree.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "apack/dram/command.hpp"
#include "apack/dram/memspec.hpp"

namespace apack::dram {

// Which earlier commands a row looks at, relative to the new command's bank:
//   Bank       the same bank
//   BankGroup  the same bank group of the same rank (the same bank included)
//   Rank       any bank of the same rank
//   OtherRank  any bank of any other rank of the channel (rank-to-rank bus switching)
//   Channel    anything on the channel (the command bus)
// Scopes nest (Bank within BankGroup within Rank), so a pair of commands in the same bank
// obeys the rows of all three scopes: the largest distance wins.
enum class Scope : uint8_t { Bank, BankGroup, Rank, OtherRank, Channel };
const char* name(Scope s);

// One row of a standard's table, as written in standards_*.cpp.
struct ConstraintRow {
  CmdMask from;
  CmdMask to;
  Scope scope;
  const char* distance;  // expression over timing names: "WL + BURST + WR", "max(8, RTP)"
  const char* label;     // what a violation is called: "tWTR_L"
  uint8_t nth = 1;       // >1 for windowed rows: tFAW counts from the 4th most recent ACT
};

// The table of one standard, plus the timing names of refresh.
struct StandardDef {
  Standard standard;
  const char* refresh_interval;  // "REFI"
  const char* refresh_cycle;     // "RFC", "RFCAB"
  std::vector<ConstraintRow> rows;
};
const StandardDef& standard_def(Standard s);

// Every timing name a standard needs: those its rows use, refresh, RL and WL.
std::vector<std::string> required_timings(Standard s);

// A row with its distance evaluated for one memspec.
struct Constraint {
  CmdMask from = 0;
  CmdMask to = 0;
  Scope scope = Scope::Bank;
  Cycle distance = 0;
  uint8_t nth = 1;
  std::string label;
  std::string expression;
  std::string describe() const;  // "tRCD: ACT -> RD|RDA same bank >= 16 (RCD)"
};

class ConstraintTable {
 public:
  // Evaluates the rows of spec.standard; throws apack::Error naming a missing timing.
  explicit ConstraintTable(const MemSpec& spec);

  const std::vector<Constraint>& rows() const { return rows_; }
  // Indices of the rows whose `to` contains c.
  const std::vector<uint16_t>& rows_to(Cmd c) const { return by_to_[size_t(c)]; }
  // How many past commands of one kind a scope must remember (4 for tFAW).
  int history_depth() const { return depth_; }
  // Cycles from a RDA (write: WRA) until its bank starts precharging: the same-bank
  // read-to-precharge (write-to-precharge) distance.
  Cycle auto_precharge_delay(bool write) const { return write ? wr_to_pre_ : rd_to_pre_; }

 private:
  std::vector<Constraint> rows_;
  std::array<std::vector<uint16_t>, kCmdCount> by_to_;
  int depth_ = 1;
  Cycle rd_to_pre_ = 0, wr_to_pre_ = 0;
};

}  // namespace apack::dram

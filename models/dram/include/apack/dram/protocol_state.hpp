// Bank and rank state as the DRAM sees it (which row each bank holds open, which ranks are in
// power-down), and which commands that state allows. Timing is the TimingEngine's; the two
// together decide whether a command is legal.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apack/dram/command.hpp"
#include "apack/dram/memspec.hpp"

namespace apack::dram {

class ProtocolState {
 public:
  explicit ProtocolState(const Architecture& arch);

  // Why `c` may not be issued in the current state, or an empty string when it may:
  // addresses in range, ACT to a precharged bank, column commands to the open row at a
  // burst-aligned column, REF with every bank of the rank precharged, nothing but PDX in
  // power-down. PRE to a precharged bank is allowed (a no-op, as JEDEC permits).
  std::string illegal(const Command& c) const;
  // Applies `c` (assumed legal).
  void apply(const Command& c);

  bool is_open(const BankAddress& b) const { return bank(b).open; }
  uint32_t open_row(const BankAddress& b) const { return bank(b).row; }
  uint32_t open_banks(uint32_t rank) const { return ranks_[rank].open; }
  bool powered_down(uint32_t rank) const { return ranks_[rank].powered_down; }

 private:
  struct Bank {
    bool open = false;
    uint32_t row = 0;
  };
  struct Rank {
    uint32_t open = 0;
    bool powered_down = false;
  };
  const Bank& bank(const BankAddress& b) const {
    return banks_[arch_.flat_bank(b.rank, b.group, b.bank)];
  }
  Bank& bank(const BankAddress& b) { return banks_[arch_.flat_bank(b.rank, b.group, b.bank)]; }
  void close_rank(uint32_t rank);

  Architecture arch_;
  std::vector<Bank> banks_;
  std::vector<Rank> ranks_;
};

}  // namespace apack::dram

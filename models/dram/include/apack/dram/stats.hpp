// Counts and state residency derived from a command log: commands per kind, banks precharged,
// and the time each rank spends in each background state. Built from the command stream alone
// (the controller feeds its commands in; a test can feed a hand-written log), so the energy
// of any log can be computed. Every counter is checked: none may wrap.
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "apack/dram/command.hpp"
#include "apack/dram/constraints.hpp"
#include "apack/dram/memspec.hpp"

namespace apack::dram {

// Background states of a rank, as the IDD method charges them: active standby (IDD3N) while any
// bank is open, and during a refresh's tRFC; precharge standby (IDD2N) otherwise; active and
// precharge power-down (IDD3P, IDD2P) between PDE and PDX. Self-refresh is not modelled.
enum class Background : uint8_t {
  ActiveStandby,
  PrechargeStandby,
  ActivePowerDown,
  PrechargePowerDown
};
constexpr int kBackgroundCount = 4;
const char* name(Background b);

struct RankCounters {
  std::array<uint64_t, kCmdCount> commands{};
  // Banks closed by PRE, PREA and auto-precharge: what precharge energy is charged for.
  uint64_t precharged_banks = 0;
  std::array<uint64_t, kBackgroundCount> residency{};  // cycles in each state
  uint64_t read_bursts() const { return commands[size_t(Cmd::RD)] + commands[size_t(Cmd::RDA)]; }
  uint64_t write_bursts() const { return commands[size_t(Cmd::WR)] + commands[size_t(Cmd::WRA)]; }
};

struct BankCounters {
  uint64_t activates = 0, reads = 0, writes = 0;
};

struct Statistics {
  Cycle end = 0;  // residency is counted from 0 to here
  std::vector<RankCounters> ranks;
  std::vector<BankCounters> banks;  // by flat bank index (Architecture::flat_bank)
  uint64_t commands(Cmd c) const;
  uint64_t residency(Background b) const;
  uint64_t read_bursts() const;
  uint64_t write_bursts() const;
};

class CommandStats {
 public:
  CommandStats(const MemSpec& spec, const ConstraintTable& table);
  // Commands in time order.
  void record(const Command& c);
  // The statistics with residency counted up to `end` (not before the last command).
  Statistics at(Cycle end) const;

 private:
  struct Track {
    Cycle since = 0;    // residency counted up to here
    uint32_t open = 0;  // banks open (an auto-precharged bank until it precharges)
    bool powered_down = false;
    bool active_power_down = false;
    Cycle refresh_until = 0;
    std::vector<std::pair<Cycle, uint32_t>> closing;  // pending auto-precharges: time, bank
  };
  Background state(const Track& t) const;
  void advance(Track& t, RankCounters& rc, std::vector<bool>& open, Cycle to) const;
  void close(Track& t, RankCounters& rc, std::vector<bool>& open, uint32_t bank) const;

  Architecture arch_;
  Cycle rd_auto_pre_, wr_auto_pre_, rfc_;
  Statistics stats_;
  std::vector<Track> tracks_;
  std::vector<bool> open_;  // per flat bank
};

}  // namespace apack::dram

// A DRAM device description ("memspec", after DRAMSys): organisation, clock, timings and
// power. Presets (presets.hpp) and DRAMSys memspec JSON files (memspec_json.hpp) both yield one.
// Timings keep DRAMSys's memtimingspec names ("RCD", "WTR_L", "RFCAB") so a constraint table
// can refer to them by name and a DRAMSys file maps onto the struct without translation.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apack/dram/units.hpp"

namespace apack::dram {

enum class Standard { DDR4, LPDDR4, HBM2 };
const char* name(Standard s);
std::optional<Standard> parse_standard(std::string_view s);  // DRAMSys memoryType spelling

// Organisation of one channel. Counts are per rank except `ranks` and `channels`.
struct Architecture {
  uint32_t channels = 1;     // channels of the memory (the controller models one)
  uint32_t ranks = 1;        // HBM2: pseudo channels, modelled as ranks of one channel (DRAMSys
                             // does the same); each has its own data bus (see constraints)
  uint32_t bank_groups = 1;  // 1 for standards without bank groups (LPDDR4)
  uint32_t banks = 1;        // banks per rank (DRAMSys nbrOfBanks), all groups together
  uint32_t rows = 1;
  uint32_t columns = 1;       // columns of one device, each device_width bits wide
  uint32_t burst_length = 1;  // columns moved by one RD/WR
  uint32_t data_rate = 2;     // transfers per clock cycle (2: double data rate)
  uint32_t device_width = 8;  // data pins of one device
  uint32_t devices = 1;       // devices side by side in a rank, sharing commands

  uint32_t banks_per_group() const { return banks / bank_groups; }
  uint32_t total_banks() const { return ranks * banks; }
  uint32_t bus_bits() const { return device_width * devices; }
  uint32_t bus_bytes() const { return bus_bits() / 8; }
  // Bytes of one burst on the channel's data bus: DDR4 x64 BL8 = 64 B, LPDDR4 x16 BL16 = 32 B,
  // HBM2 pseudo channel x64 BL4 = 32 B.
  uint32_t burst_bytes() const { return bus_bytes() * burst_length; }
  // Cycles the data bus is busy with one burst (BL / data rate).
  Cycle burst_cycles() const { return Cycle(burst_length / data_rate); }
  uint64_t rank_bytes() const { return uint64_t(banks) * rows * columns * bus_bytes(); }
  uint64_t channel_bytes() const { return rank_bytes() * ranks; }
  uint32_t flat_bank(uint32_t rank, uint32_t group, uint32_t bank) const {
    return (rank * bank_groups + group) * banks_per_group() + bank;
  }
};

// Currents of the IDD method, one value per rail (JEDEC names; DDR4 IPP0 is IDD0 of the VPP
// rail, and so on).
enum class Idd { IDD0, IDD2N, IDD3N, IDD4R, IDD4W, IDD5, IDD2P, IDD3P, IDD6 };
constexpr int kIddCount = 9;
const char* name(Idd i);

// One supply rail: voltage in millivolts and currents in nanoamps, integers so energy sums are
// exact (1.2 V = 1200 mV, 60.75 mA = 60 750 000 nA). Currents a source does not give are 0.
struct PowerRail {
  std::string name;  // "VDD", "VPP", "VDD2", "VDDQ"
  int64_t millivolts = 0;
  std::array<int64_t, kIddCount> nanoamps{};
  // An I/O rail (LPDDR4 VDDQ): its read/write current above standby is charged as I/O energy,
  // not as core read/write energy.
  bool io = false;
  int64_t na(Idd i) const { return nanoamps[size_t(i)]; }
};

struct PowerSpec {
  // Idd: JEDEC currents per rail (DDR4, LPDDR4). PerBit: energies per event and per bit from a
  // publication (HBM2: no public IDD set). None: energy is not modelled (a memspec file
  // without mempowerspec).
  enum class Model { None, Idd, PerBit };
  Model model = Model::None;
  std::vector<PowerRail> rails;  // Idd model
  // I/O energy per transferred bit, femtojoules, for standards without an I/O rail in `rails`.
  int64_t io_read_fj_per_bit = 0;
  int64_t io_write_fj_per_bit = 0;
  // PerBit model: femtojoules per activation and per bit read or written (core).
  int64_t act_fj = 0;
  int64_t read_fj_per_bit = 0;
  int64_t write_fj_per_bit = 0;
  std::string source;  // where the numbers come from (printed in reports and docs)
};

struct MemSpec {
  std::string id;  // preset name or DRAMSys memoryId
  Standard standard = Standard::DDR4;
  Architecture arch;
  ClockPeriod tck;
  // Timings in cycles of tCK, by DRAMSys memtimingspec name (tCK itself excluded).
  std::map<std::string, int64_t> timings;
  PowerSpec power;

  // The timing called `name`; throws apack::Error naming it when absent. "BURST" is derived:
  // the burst's data-bus cycles (BL / data rate).
  int64_t t(const std::string& name) const;
  bool has(const std::string& name) const;
  Cycle read_latency() const { return t("RL"); }
  Cycle write_latency() const { return t("WL"); }
  // All-bank refresh: average interval (tREFI) and duration (tRFC, LPDDR4 tRFCab).
  Cycle refresh_interval() const;
  Cycle refresh_cycle() const;
  // Peak data bandwidth of the channel in bytes per cycle: every rank with its own data bus
  // (HBM2 pseudo channels) counts, ranks sharing one bus (DDR4, LPDDR4) do not.
  double peak_bytes_per_cycle() const;
  uint32_t data_buses() const;
};

}  // namespace apack::dram

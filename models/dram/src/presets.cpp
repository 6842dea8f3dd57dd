// Preset memories as data. Sources: memory-energy.md section 1 (timings, currents, voltages,
// organisation), and for the few fields it does not list, the DRAMSys memspec files it follows
// (JEDEC_4Gb_DDR4-2400_8bit_A.json, JEDEC_8Gb_LPDDR4-3200_16bit.json, HBM2.json in
// /work/shared/dramsys-configs). Clocks are exact: 1200, 1600 and 1000 MHz.
#include "apack/dram/presets.hpp"

#include <cmath>

#include "apack/error.hpp"

namespace apack::dram {

namespace {

int64_t mv(double volts) { return std::llround(volts * 1000); }
int64_t na(double milliamps) { return std::llround(milliamps * 1e6); }

// Currents in mA in Idd order: IDD0, IDD2N, IDD3N, IDD4R, IDD4W, IDD5, IDD2P, IDD3P, IDD6.
PowerRail rail(const char* name, double volts, std::array<double, kIddCount> ma, bool io = false) {
  PowerRail r;
  r.name = name;
  r.millivolts = mv(volts);
  for (int i = 0; i < kIddCount; ++i) r.nanoamps[size_t(i)] = na(ma[size_t(i)]);
  r.io = io;
  return r;
}

MemSpec ddr4_2400() {
  MemSpec s;
  s.id = "ddr4-2400";
  s.standard = Standard::DDR4;
  // 4 Gb x8 devices, 8 per rank (64-bit channel), 1 rank, 4 bank groups x 4 banks.
  s.arch = {1, 1, 4, 16, 32768, 1024, 8, 2, 8, 8};
  s.tck = ClockPeriod::from_mhz(1200);  // 2400 MT/s
  s.timings = {// memory-energy.md. RTP is DRAMSys's 12 (JEDEC's 7.5 ns minimum would be 9 cycles).
               {"CL", 16},
               {"RL", 16},
               {"WL", 16},
               {"RCD", 16},
               {"RP", 16},
               {"RAS", 39},
               {"RC", 55},
               {"RRD_S", 4},
               {"RRD_L", 6},
               {"FAW", 26},
               {"CCD_S", 4},
               {"CCD_L", 6},
               {"WR", 18},
               {"WTR_S", 3},
               {"WTR_L", 9},
               {"RTP", 12},
               {"RFC", 312},
               {"REFI", 9360},
               {"XP", 8},
               // DRAMSys JEDEC_4Gb_DDR4-2400_8bit_A.json.
               {"AL", 0},
               {"CKE", 6},
               {"ACTPDEN", 2},
               {"PRPDEN", 2},
               {"REFPDEN", 2},
               {"RTRS", 1}};
  s.power.model = PowerSpec::Model::Idd;
  s.power.source = "memory-energy.md (Micron 4Gb DDR4-2400 x8 IDD values, as DRAMSys)";
  // VPP carries only IPP0 (as IDD0) and IPP6 (as IDD6): the wordline pump during activation.
  s.power.rails = {rail("VDD", 1.2, {60.75, 38.25, 44.0, 184.5, 168.75, 118.0, 17.0, 22.5, 20.25}),
                   rail("VPP", 2.5, {4.05, 0, 0, 0, 0, 0, 0, 0, 2.6})};
  return s;
}

MemSpec lpddr4_3200() {
  MemSpec s;
  s.id = "lpddr4-3200";
  s.standard = Standard::LPDDR4;
  // 8 Gb x16 channel, 1 rank, 8 banks.
  s.arch = {1, 1, 1, 8, 65536, 1024, 16, 2, 16, 1};
  s.tck = ClockPeriod::from_mhz(1600);  // 3200 MT/s
  s.timings = {                         // memory-energy.md.
               {"RL", 28},
               {"WL", 14},
               {"RCD", 29},
               {"RPAB", 34},
               {"RPPB", 29},
               {"RAS", 68},
               {"RCAB", 102},
               {"RCPB", 97},
               {"RRD", 16},
               {"FAW", 64},
               {"CCD", 8},
               {"WR", 29},
               {"WTR", 16},
               {"RTP", 12},
               {"RFCAB", 448},
               {"RFCPB", 224},
               {"REFI", 6246},
               {"REFIPB", 780},
               {"XP", 12},
               // DRAMSys JEDEC_8Gb_LPDDR4-3200_16bit.json.
               {"DQSCK", 6},
               {"WPRE", 2},
               {"RPST", 0},
               {"PPD", 4},
               {"CMDCKE", 3},
               {"CKE", 12},
               {"RTRS", 1}};
  s.power.model = PowerSpec::Model::Idd;
  s.power.source = "memory-energy.md (JEDEC LPDDR4-3200 8Gb x16 IDD values, as DRAMSys)";
  s.power.rails = {rail("VDD1", 1.8, {3.5, 2.0, 2.25, 2.25, 2.25, 10.0, 1.2, 1.2, 0.3}),
                   rail("VDD2", 1.1, {45.0, 27.0, 30.0, 275.0, 210.0, 90.0, 3.0, 9.0, 0.5}),
                   rail("VDDQ", 1.1, {0.75, 0.75, 0.75, 150.0, 55.0, 0.75, 0.75, 0.75, 0.1}, true)};
  return s;
}

MemSpec hbm2() {
  MemSpec s;
  s.id = "hbm2";
  s.standard = Standard::HBM2;
  // One 128-bit channel as 2 pseudo channels (ranks) of 64 bits, 4 bank groups x 4 banks each.
  s.arch = {1, 2, 4, 16, 32768, 128, 4, 2, 64, 1};
  s.tck = ClockPeriod::from_mhz(1000);  // 2 Gb/s per pin
  s.timings = {                         // memory-energy.md.
               {"RL", 17},
               {"WL", 7},
               {"RCDRD", 12},
               {"RCDWR", 6},
               {"RP", 14},
               {"RAS", 28},
               {"RC", 42},
               {"RRDS", 4},
               {"RRDL", 6},
               {"FAW", 16},
               {"CCDS", 2},
               {"CCDL", 3},
               {"WR", 14},
               {"WTRS", 4},
               {"WTRL", 9},
               {"RTP", 5},
               {"RTW", 18},
               {"RFC", 220},
               {"RFCSB", 96},
               {"REFI", 3900},
               {"REFISB", 244},
               // DRAMSys HBM2.json.
               {"XP", 8},
               {"CKE", 8},
               {"PL", 0}};
  return s;
}

}  // namespace

void apply_energy_defaults(MemSpec& s) {
  if (s.standard == Standard::HBM2) {
    // O'Connor et al., "Fine-Grained DRAM", MICRO 2017: HBM2 3.97 pJ/bit = row activation 1.21
    // + on-die data movement 2.54 + I/O 0.22. The activation share is charged per ACT for one
    // 32 B access (256 bits), so one access per activation reproduces the 3.97 pJ/bit total;
    // background and refresh energy have no public source and are not modelled.
    const int64_t bits = int64_t(s.arch.burst_bytes()) * 8;
    s.power.model = PowerSpec::Model::PerBit;
    s.power.act_fj = 1210 * bits;
    s.power.read_fj_per_bit = s.power.write_fj_per_bit = 2540;
    s.power.io_read_fj_per_bit = s.power.io_write_fj_per_bit = 220;
    s.power.source = "O'Connor et al., MICRO 2017 (per-bit HBM2 energy)";
  } else if (s.standard == Standard::DDR4 && s.power.model == PowerSpec::Model::Idd) {
    // I/O and termination energy, which IDD currents exclude: memory-energy.md gives 2-5
    // pJ/bit for off-package DDR; we take the middle, 3.5 pJ/bit (an assumption, see docs).
    s.power.io_read_fj_per_bit = s.power.io_write_fj_per_bit = 3500;
  }
}

std::vector<std::string> preset_names() { return {"ddr4-2400", "lpddr4-3200", "hbm2"}; }

MemSpec preset(const std::string& name) {
  MemSpec s;
  if (name == "ddr4-2400") {
    s = ddr4_2400();
  } else if (name == "lpddr4-3200") {
    s = lpddr4_3200();
  } else if (name == "hbm2") {
    s = hbm2();
  } else {
    throw apack::Error("dram: unknown memory preset '" + name +
                       "' (known: ddr4-2400, lpddr4-3200, hbm2)");
  }
  apply_energy_defaults(s);
  return s;
}

}  // namespace apack::dram

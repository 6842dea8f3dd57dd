// DDR4 (JEDEC JESD79-4) as a table of minimum command distances, in cycles of tCK. Names are
// DRAMSys memtimingspec fields; BURST = BL/2 = 4 data-bus cycles. The derived distances are the
// JESD79-4 ones (AL = 0, 1 tCK read/write preambles, BL8), as DRAMSys's DDR4 checker uses them.
#include "standards_tables.hpp"

namespace apack::dram::detail {

StandardDef ddr4_table() {
  return {Standard::DDR4,
          "REFI",
          "RFC",
          {
              // Activation: row cycle per bank, activate-to-activate per bank group and rank,
              // and at most four activates per rank in any tFAW window.
              {ACT, ACT, Scope::Bank, "RC", "tRC"},
              {ACT, ACT, Scope::BankGroup, "RRD_L", "tRRD_L"},
              {ACT, ACT, Scope::Rank, "RRD_S", "tRRD_S"},
              {ACT, ACT, Scope::Rank, "FAW", "tFAW", 4},
              {ACT, kColumn, Scope::Bank, "RCD", "tRCD"},
              // Precharge: the row must stay open tRAS; a precharged bank needs tRP. PREA and
              // REF are rank-wide, so they look at every bank of the rank.
              {ACT, PRE, Scope::Bank, "RAS", "tRAS"},
              {ACT, PREA, Scope::Rank, "RAS", "tRAS (PREA)"},
              {PRE, ACT, Scope::Bank, "RP", "tRP"},
              {PREA, ACT, Scope::Rank, "RP", "tRP (PREA)"},
              {kPrecharges, REF, Scope::Rank, "RP", "tRP (REF)"},
              {kReads, PRE, Scope::Bank, "RTP", "tRTP"},
              {kReads, PREA, Scope::Rank, "RTP", "tRTP (PREA)"},
              {kWrites, PRE, Scope::Bank, "WL + BURST + WR", "tWR"},
              {kWrites, PREA, Scope::Rank, "WL + BURST + WR", "tWR (PREA)"},
              // Auto-precharge starts where an explicit PRE could, then takes tRP.
              {RDA, ACT, Scope::Bank, "RTP + RP", "tRTP+tRP (RDA)"},
              {RDA, REF, Scope::Rank, "RTP + RP", "tRTP+tRP (RDA, REF)"},
              {WRA, ACT, Scope::Bank, "WL + BURST + WR + RP", "tWR+tRP (WRA)"},
              {WRA, REF, Scope::Rank, "WL + BURST + WR + RP", "tWR+tRP (WRA, REF)"},
              // Column to column: long within a bank group, short across groups.
              {kReads, kReads, Scope::BankGroup, "CCD_L", "tCCD_L"},
              {kReads, kReads, Scope::Rank, "CCD_S", "tCCD_S"},
              {kWrites, kWrites, Scope::BankGroup, "CCD_L", "tCCD_L (WR)"},
              {kWrites, kWrites, Scope::Rank, "CCD_S", "tCCD_S (WR)"},
              // Bus turnaround: read to write (RL + BL/2 - WL + 2 tCK), write to read (write
              // data, then tWTR).
              {kReads, kWrites, Scope::Rank, "RL + BURST + 2 - WL", "tRTW"},
              {kWrites, kReads, Scope::BankGroup, "WL + BURST + WTR_L", "tWTR_L"},
              {kWrites, kReads, Scope::Rank, "WL + BURST + WTR_S", "tWTR_S"},
              // Ranks share the data bus: a burst of another rank needs tRTRS of bus idle.
              {kReads, kReads, Scope::OtherRank, "BURST + RTRS", "tRTRS (RD-RD)"},
              {kWrites, kWrites, Scope::OtherRank, "BURST + RTRS", "tRTRS (WR-WR)"},
              {kReads, kWrites, Scope::OtherRank, "RL + BURST + RTRS - WL", "tRTRS (RD-WR)"},
              {kWrites, kReads, Scope::OtherRank, "WL + BURST + RTRS - RL", "tRTRS (WR-RD)"},
              {REF, kAfterRef, Scope::Rank, "RFC", "tRFC"},
              // Power-down entry after a command (JESD79-4 tRDPDEN, tWRPDEN, tWRAPDEN,
              // tACTPDEN, tPRPDEN, tREFPDEN), minimum power-down time tCKE, exit latency tXP.
              {kReads, PDE, Scope::Rank, "RL + BURST + 1", "tRDPDEN"},
              {WR, PDE, Scope::Rank, "WL + BURST + WR", "tWRPDEN"},
              {WRA, PDE, Scope::Rank, "WL + BURST + WR + 1", "tWRAPDEN"},
              {ACT, PDE, Scope::Rank, "ACTPDEN", "tACTPDEN"},
              {kPrecharges, PDE, Scope::Rank, "PRPDEN", "tPRPDEN"},
              {REF, PDE, Scope::Rank, "REFPDEN", "tREFPDEN"},
              {PDE, PDX, Scope::Rank, "CKE", "tCKE"},
              {PDX, CmdMask(kAll & ~PDX), Scope::Rank, "XP", "tXP"},
              // One command per clock on the shared command bus.
              {kAll, kAll, Scope::Channel, "1", "command bus"},
          }};
}

}  // namespace apack::dram::detail

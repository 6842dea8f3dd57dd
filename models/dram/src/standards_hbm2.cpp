// HBM2 (JEDEC JESD235) in pseudo-channel mode as a table of minimum command distances, in
// cycles of tCK. Names are DRAMSys memtimingspec fields; BURST = BL/2 = 2. Pseudo channels are
// the ranks of the channel: each has its own banks, data bus and tFAW window, so there are no
// rank-to-rank rows; they share the row and the column command buses, which are separate (a
// row and a column command may go in the same cycle).
#include "standards_tables.hpp"

namespace apack::dram::detail {

StandardDef hbm2_table() {
  return {Standard::HBM2,
          "REFI",
          "RFC",
          {
              {ACT, ACT, Scope::Bank, "RC", "tRC"},
              {ACT, ACT, Scope::BankGroup, "RRDL", "tRRDL"},
              {ACT, ACT, Scope::Rank, "RRDS", "tRRDS"},
              {ACT, ACT, Scope::Rank, "FAW", "tFAW", 4},
              // Separate activate-to-read and activate-to-write delays.
              {ACT, kReads, Scope::Bank, "RCDRD", "tRCDRD"},
              {ACT, kWrites, Scope::Bank, "RCDWR", "tRCDWR"},
              {ACT, PRE, Scope::Bank, "RAS", "tRAS"},
              {ACT, PREA, Scope::Rank, "RAS", "tRAS (PREA)"},
              {PRE, ACT, Scope::Bank, "RP", "tRP"},
              {PREA, ACT, Scope::Rank, "RP", "tRP (PREA)"},
              {kPrecharges, REF, Scope::Rank, "RP", "tRP (REF)"},
              {kReads, PRE, Scope::Bank, "RTP", "tRTP"},
              {kReads, PREA, Scope::Rank, "RTP", "tRTP (PREA)"},
              {kWrites, PRE, Scope::Bank, "WL + BURST + WR", "tWR"},
              {kWrites, PREA, Scope::Rank, "WL + BURST + WR", "tWR (PREA)"},
              {RDA, ACT, Scope::Bank, "RTP + RP", "tRTP+tRP (RDA)"},
              {RDA, REF, Scope::Rank, "RTP + RP", "tRTP+tRP (RDA, REF)"},
              {WRA, ACT, Scope::Bank, "WL + BURST + WR + RP", "tWR+tRP (WRA)"},
              {WRA, REF, Scope::Rank, "WL + BURST + WR + RP", "tWR+tRP (WRA, REF)"},
              {kReads, kReads, Scope::BankGroup, "CCDL", "tCCDL"},
              {kReads, kReads, Scope::Rank, "CCDS", "tCCDS"},
              {kWrites, kWrites, Scope::BankGroup, "CCDL", "tCCDL (WR)"},
              {kWrites, kWrites, Scope::Rank, "CCDS", "tCCDS (WR)"},
              // Read-to-write turnaround as the memspec gives it (tRTW).
              {kReads, kWrites, Scope::Rank, "RTW", "tRTW"},
              {kWrites, kReads, Scope::BankGroup, "WL + BURST + WTRL", "tWTRL"},
              {kWrites, kReads, Scope::Rank, "WL + BURST + WTRS", "tWTRS"},
              {REF, kAfterRef, Scope::Rank, "RFC", "tRFC"},
              {kReads, PDE, Scope::Rank, "RL + PL + BURST + 1", "tRDPDEN"},
              {WR, PDE, Scope::Rank, "WL + BURST + WR", "tWRPDEN"},
              {WRA, PDE, Scope::Rank, "WL + BURST + WR + 1", "tWRAPDEN"},
              {PDE, PDX, Scope::Rank, "CKE", "tCKE"},
              {PDX, CmdMask(kAll & ~PDX), Scope::Rank, "XP", "tXP"},
              {kRowBus, kRowBus, Scope::Channel, "1", "row command bus"},
              {kColumn, kColumn, Scope::Channel, "1", "column command bus"},
          }};
}

}  // namespace apack::dram::detail

// LPDDR4 (JEDEC JESD209-4) as a table of minimum command distances, in cycles of tCK. Names
// are DRAMSys memtimingspec fields; BURST = BL/2 = 8. No bank groups: every column-to-column
// distance is tCCD. Per-bank precharge (tRPpb) and all-bank precharge (tRPab) differ.
#include "standards_tables.hpp"

namespace apack::dram::detail {

// JESD209-4 read-to-precharge: BL/2 + max(8, nRTP) - 8 (BL16); write-to-precharge:
// WL + BL/2 + nWR + 1.
#define LP4_RD_PRE "BURST + max(8, RTP) - 8"
#define LP4_WR_PRE "WL + BURST + WR + 1"

StandardDef lpddr4_table() {
  return {
      Standard::LPDDR4,
      "REFI",
      "RFCAB",
      {
          {ACT, ACT, Scope::Bank, "RCPB", "tRCpb"},
          {ACT, ACT, Scope::Rank, "RRD", "tRRD"},
          {ACT, ACT, Scope::Rank, "FAW", "tFAW", 4},
          {ACT, kColumn, Scope::Bank, "RCD", "tRCD"},
          {ACT, PRE, Scope::Bank, "RAS", "tRAS"},
          {ACT, PREA, Scope::Rank, "RAS", "tRAS (PREA)"},
          {PRE, ACT, Scope::Bank, "RPPB", "tRPpb"},
          {PREA, ACT, Scope::Rank, "RPAB", "tRPab"},
          {PRE, REF, Scope::Rank, "RPPB", "tRPpb (REF)"},
          {PREA, REF, Scope::Rank, "RPAB", "tRPab (REF)"},
          // Precharge-to-precharge delay between any two precharges of a rank.
          {kPrecharges, kPrecharges, Scope::Rank, "PPD", "tPPD"},
          {kReads, PRE, Scope::Bank, LP4_RD_PRE, "tRTP"},
          {kReads, PREA, Scope::Rank, LP4_RD_PRE, "tRTP (PREA)"},
          {kWrites, PRE, Scope::Bank, LP4_WR_PRE, "tWR"},
          {kWrites, PREA, Scope::Rank, LP4_WR_PRE, "tWR (PREA)"},
          {RDA, ACT, Scope::Bank, LP4_RD_PRE " + RPPB", "tRTP+tRPpb (RDA)"},
          {RDA, REF, Scope::Rank, LP4_RD_PRE " + RPPB", "tRTP+tRPpb (RDA, REF)"},
          {WRA, ACT, Scope::Bank, LP4_WR_PRE " + RPPB", "tWR+tRPpb (WRA)"},
          {WRA, REF, Scope::Rank, LP4_WR_PRE " + RPPB", "tWR+tRPpb (WRA, REF)"},
          {kReads, kReads, Scope::Rank, "CCD", "tCCD"},
          {kWrites, kWrites, Scope::Rank, "CCD", "tCCD (WR)"},
          // Read to write: RL + tDQSCK(max) + BL/2 - WL + tWPRE + tRPST (JESD209-4).
          {kReads, kWrites, Scope::Rank, "RL + DQSCK + BURST - WL + WPRE + RPST", "tRTW"},
          {kWrites, kReads, Scope::Rank, "WL + BURST + WTR + 1", "tWTR"},
          {kReads, kReads, Scope::OtherRank, "BURST + RTRS", "tRTRS (RD-RD)"},
          {kWrites, kWrites, Scope::OtherRank, "BURST + RTRS", "tRTRS (WR-WR)"},
          {kReads, kWrites, Scope::OtherRank, "RL + DQSCK + BURST + RTRS - WL", "tRTRS (RD-WR)"},
          {kWrites, kReads, Scope::OtherRank, "WL + BURST + RTRS - RL", "tRTRS (WR-RD)"},
          {REF, kAfterRef, Scope::Rank, "RFCAB", "tRFCab"},
          // Power-down entry: tRDPDEN = RL + tDQSCK + BL/2 + 1, tWRPDEN = WL + 1 + BL/2 +
          // nWR (+1 with auto-precharge), tCMDCKE after ACT/PRE/REF; tCKE, tXP.
          {kReads, PDE, Scope::Rank, "RL + DQSCK + BURST + 1", "tRDPDEN"},
          {WR, PDE, Scope::Rank, "WL + 1 + BURST + WR", "tWRPDEN"},
          {WRA, PDE, Scope::Rank, "WL + 1 + BURST + WR + 1", "tWRAPDEN"},
          {CmdMask(ACT | kPrecharges | REF), PDE, Scope::Rank, "CMDCKE", "tCMDCKE"},
          {PDE, PDX, Scope::Rank, "CKE", "tCKE"},
          {PDX, CmdMask(kAll & ~PDX), Scope::Rank, "XP", "tXP"},
          // One command per clock. (A real LPDDR4 command takes 2 or 4 clocks of the CA
          // bus; not modelled, see docs/dram.md.)
          {kAll, kAll, Scope::Channel, "1", "command bus"},
      }};
}

}  // namespace apack::dram::detail

// The constraint tables against distances worked out by hand from the datasheet formulas (the
// derivations in the comments use the preset values), so a wrong formula, scope or command set
// in standards_*.cpp fails here even though the scheduler and the checker would agree with it.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <tuple>

#include "apack/dram/constraints.hpp"
#include "apack/dram/presets.hpp"

using namespace apack::dram;

namespace {

struct Golden {
  const char* label;
  const char* from;
  const char* to;
  Scope scope;
  Cycle distance;
};

constexpr Scope B = Scope::Bank, G = Scope::BankGroup, R = Scope::Rank, O = Scope::OtherRank,
                C = Scope::Channel;
const char* const RDs = "RD|RDA";
const char* const WRs = "WR|WRA";
const char* const Col = "RD|RDA|WR|WRA";
const char* const Pre = "PRE|PREA";
const char* const AfterRef = "ACT|PRE|PREA|RD|RDA|WR|WRA|REF";
const char* const NotPdx = "ACT|PRE|PREA|RD|RDA|WR|WRA|REF|PDE";

// DDR4-2400: RL = WL = 16, BL/2 = 4, tWR 18, tRTP 12, tRP 16, tRTRS 1.
const std::vector<Golden> kDdr4 = {
    {"tRC", "ACT", "ACT", B, 55},
    {"tRRD_L", "ACT", "ACT", G, 6},
    {"tRRD_S", "ACT", "ACT", R, 4},
    {"tFAW", "ACT", "ACT", R, 26},
    {"tRCD", "ACT", Col, B, 16},
    {"tRAS", "ACT", "PRE", B, 39},
    {"tRAS (PREA)", "ACT", "PREA", R, 39},
    {"tRP", "PRE", "ACT", B, 16},
    {"tRP (PREA)", "PREA", "ACT", R, 16},
    {"tRP (REF)", Pre, "REF", R, 16},
    {"tRTP", RDs, "PRE", B, 12},
    {"tRTP (PREA)", RDs, "PREA", R, 12},
    {"tWR", WRs, "PRE", B, 38},  // 16 + 4 + 18
    {"tWR (PREA)", WRs, "PREA", R, 38},
    {"tRTP+tRP (RDA)", "RDA", "ACT", B, 28},  // 12 + 16
    {"tRTP+tRP (RDA, REF)", "RDA", "REF", R, 28},
    {"tWR+tRP (WRA)", "WRA", "ACT", B, 54},  // 38 + 16
    {"tWR+tRP (WRA, REF)", "WRA", "REF", R, 54},
    {"tCCD_L", RDs, RDs, G, 6},
    {"tCCD_S", RDs, RDs, R, 4},
    {"tCCD_L (WR)", WRs, WRs, G, 6},
    {"tCCD_S (WR)", WRs, WRs, R, 4},
    {"tRTW", RDs, WRs, R, 6},           // 16 + 4 + 2 - 16
    {"tWTR_L", WRs, RDs, G, 29},        // 16 + 4 + 9
    {"tWTR_S", WRs, RDs, R, 23},        // 16 + 4 + 3
    {"tRTRS (RD-RD)", RDs, RDs, O, 5},  // 4 + 1
    {"tRTRS (WR-WR)", WRs, WRs, O, 5},
    {"tRTRS (RD-WR)", RDs, WRs, O, 5},  // 16 + 4 + 1 - 16
    {"tRTRS (WR-RD)", WRs, RDs, O, 5},
    {"tRFC", "REF", AfterRef, R, 312},
    {"tRDPDEN", RDs, "PDE", R, 21},   // 16 + 4 + 1
    {"tWRPDEN", "WR", "PDE", R, 38},  // 16 + 4 + 18
    {"tWRAPDEN", "WRA", "PDE", R, 39},
    {"tACTPDEN", "ACT", "PDE", R, 2},
    {"tPRPDEN", Pre, "PDE", R, 2},
    {"tREFPDEN", "REF", "PDE", R, 2},
    {"tCKE", "PDE", "PDX", R, 6},
    {"tXP", "PDX", NotPdx, R, 8},
    {"command bus", "any", "any", C, 1},
};

// LPDDR4-3200: RL 28, WL 14, BL/2 = 8, tDQSCK 6, tWPRE 2, tRPST 0, tWR 29, tRTP 12.
const std::vector<Golden> kLpddr4 = {
    {"tRCpb", "ACT", "ACT", B, 97},
    {"tRRD", "ACT", "ACT", R, 16},
    {"tFAW", "ACT", "ACT", R, 64},
    {"tRCD", "ACT", Col, B, 29},
    {"tRAS", "ACT", "PRE", B, 68},
    {"tRAS (PREA)", "ACT", "PREA", R, 68},
    {"tRPpb", "PRE", "ACT", B, 29},
    {"tRPab", "PREA", "ACT", R, 34},
    {"tRPpb (REF)", "PRE", "REF", R, 29},
    {"tRPab (REF)", "PREA", "REF", R, 34},
    {"tPPD", Pre, Pre, R, 4},
    {"tRTP", RDs, "PRE", B, 12},  // 8 + max(8, 12) - 8
    {"tRTP (PREA)", RDs, "PREA", R, 12},
    {"tWR", WRs, "PRE", B, 52},  // 14 + 8 + 29 + 1
    {"tWR (PREA)", WRs, "PREA", R, 52},
    {"tRTP+tRPpb (RDA)", "RDA", "ACT", B, 41},
    {"tRTP+tRPpb (RDA, REF)", "RDA", "REF", R, 41},
    {"tWR+tRPpb (WRA)", "WRA", "ACT", B, 81},
    {"tWR+tRPpb (WRA, REF)", "WRA", "REF", R, 81},
    {"tCCD", RDs, RDs, R, 8},
    {"tCCD (WR)", WRs, WRs, R, 8},
    {"tRTW", RDs, WRs, R, 30},  // 28 + 6 + 8 - 14 + 2 + 0
    {"tWTR", WRs, RDs, R, 39},  // 14 + 8 + 16 + 1
    {"tRTRS (RD-RD)", RDs, RDs, O, 9},
    {"tRTRS (WR-WR)", WRs, WRs, O, 9},
    {"tRTRS (RD-WR)", RDs, WRs, O, 29},  // 28 + 6 + 8 + 1 - 14
    {"tRTRS (WR-RD)", WRs, RDs, O, -5},  // 14 + 8 + 1 - 28: never binding
    {"tRFCab", "REF", AfterRef, R, 448},
    {"tRDPDEN", RDs, "PDE", R, 43},   // 28 + 6 + 8 + 1
    {"tWRPDEN", "WR", "PDE", R, 52},  // 14 + 1 + 8 + 29
    {"tWRAPDEN", "WRA", "PDE", R, 53},
    {"tCMDCKE", "ACT|PRE|PREA|REF", "PDE", R, 3},
    {"tCKE", "PDE", "PDX", R, 12},
    {"tXP", "PDX", NotPdx, R, 12},
    {"command bus", "any", "any", C, 1},
};

// HBM2: RL 17, WL 7, BL/2 = 2, tWR 14, tRTP 5, tRP 14, PL 0.
const std::vector<Golden> kHbm2 = {
    {"tRC", "ACT", "ACT", B, 42},
    {"tRRDL", "ACT", "ACT", G, 6},
    {"tRRDS", "ACT", "ACT", R, 4},
    {"tFAW", "ACT", "ACT", R, 16},
    {"tRCDRD", "ACT", RDs, B, 12},
    {"tRCDWR", "ACT", WRs, B, 6},
    {"tRAS", "ACT", "PRE", B, 28},
    {"tRAS (PREA)", "ACT", "PREA", R, 28},
    {"tRP", "PRE", "ACT", B, 14},
    {"tRP (PREA)", "PREA", "ACT", R, 14},
    {"tRP (REF)", Pre, "REF", R, 14},
    {"tRTP", RDs, "PRE", B, 5},
    {"tRTP (PREA)", RDs, "PREA", R, 5},
    {"tWR", WRs, "PRE", B, 23},  // 7 + 2 + 14
    {"tWR (PREA)", WRs, "PREA", R, 23},
    {"tRTP+tRP (RDA)", "RDA", "ACT", B, 19},
    {"tRTP+tRP (RDA, REF)", "RDA", "REF", R, 19},
    {"tWR+tRP (WRA)", "WRA", "ACT", B, 37},
    {"tWR+tRP (WRA, REF)", "WRA", "REF", R, 37},
    {"tCCDL", RDs, RDs, G, 3},
    {"tCCDS", RDs, RDs, R, 2},
    {"tCCDL (WR)", WRs, WRs, G, 3},
    {"tCCDS (WR)", WRs, WRs, R, 2},
    {"tRTW", RDs, WRs, R, 18},
    {"tWTRL", WRs, RDs, G, 18},  // 7 + 2 + 9
    {"tWTRS", WRs, RDs, R, 13},  // 7 + 2 + 4
    {"tRFC", "REF", AfterRef, R, 220},
    {"tRDPDEN", RDs, "PDE", R, 20},  // 17 + 0 + 2 + 1
    {"tWRPDEN", "WR", "PDE", R, 23},
    {"tWRAPDEN", "WRA", "PDE", R, 24},
    {"tCKE", "PDE", "PDX", R, 8},
    {"tXP", "PDX", NotPdx, R, 8},
    {"row command bus", "ACT|PRE|PREA|REF|PDE|PDX", "ACT|PRE|PREA|REF|PDE|PDX", C, 1},
    {"column command bus", Col, Col, C, 1},
};

void compare(const char* preset_name, const std::vector<Golden>& golden) {
  const ConstraintTable table(preset(preset_name));
  std::map<std::string, const Constraint*> rows;
  for (const Constraint& c : table.rows()) rows[c.label] = &c;
  CHECK(rows.size() == table.rows().size());  // labels are unique
  CHECK(rows.size() == golden.size());
  for (const Golden& g : golden) {
    INFO(preset_name << ": " << g.label);
    REQUIRE(rows.count(g.label));
    const Constraint& c = *rows[g.label];
    CHECK(mask_to_string(c.from) == g.from);
    CHECK(mask_to_string(c.to) == g.to);
    CHECK(c.scope == g.scope);
    CHECK(c.distance == g.distance);
    CHECK(c.nth == (std::string(g.label) == "tFAW" ? 4 : 1));
  }
}

}  // namespace

TEST_CASE("DDR4-2400 constraint table, distances by hand", "[dram][constraints]") {
  compare("ddr4-2400", kDdr4);
  const ConstraintTable t(preset("ddr4-2400"));
  CHECK(t.auto_precharge_delay(false) == 12);
  CHECK(t.auto_precharge_delay(true) == 38);
}

TEST_CASE("LPDDR4-3200 constraint table, distances by hand", "[dram][constraints]") {
  compare("lpddr4-3200", kLpddr4);
}

TEST_CASE("HBM2 constraint table, distances by hand", "[dram][constraints]") {
  compare("hbm2", kHbm2);
}

TEST_CASE("required timings are what the tables use", "[dram][constraints]") {
  const auto d = required_timings(Standard::DDR4);
  for (const char* n : {"RL", "WL", "REFI", "RFC", "RCD", "WTR_L", "RTRS", "XP", "ACTPDEN"})
    CHECK(std::find(d.begin(), d.end(), n) != d.end());
  CHECK(std::find(d.begin(), d.end(), "BURST") == d.end());  // derived, not read
  const auto l = required_timings(Standard::LPDDR4);
  for (const char* n : {"RFCAB", "RPPB", "RPAB", "DQSCK", "WPRE", "RPST", "PPD", "CMDCKE"})
    CHECK(std::find(l.begin(), l.end(), n) != l.end());
  const auto h = required_timings(Standard::HBM2);
  for (const char* n : {"RCDRD", "RCDWR", "RTW", "PL"})
    CHECK(std::find(h.begin(), h.end(), n) != h.end());
}

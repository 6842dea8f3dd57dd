// The apack.* entries of the shipped technology tables: present, marked derived, and equal to
// the bottom-up derivations of docs/apack-pipeline.md recomputed here from the spec's figures;
// and a transfer's events priced by a table.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>

#include "apack/engines/energy.hpp"
#include "apack/pipeline/timing.hpp"

using namespace apack::engines;
using namespace apack::pipeline;

namespace {

// Relative agreement to the 4 significant digits the tables are rounded to.
bool near(double table, double exact) { return std::abs(table - exact) <= 5e-4 * exact; }

}  // namespace

TEST_CASE("apack.* energies follow their bottom-up derivations", "[pipeline_energy]") {
  // memory-energy.md §5, Horowitz ISSCC 2014 at 45 nm.
  const double add8 = 0.03, add16 = 0.05, add32 = 0.1, mul8 = 0.2;
  const double mul_17x11 = mul8 * (17.0 * 11.0) / (8.0 * 8.0);  // r (17 b) x CUM (11 b), §6
  const double mul16 = mul8 * 4;
  // Decoder: 16 multiply-compares; 4 adds + 4 shifts + 2 leading-bit counts; shift + add.
  const double decode = 16 * (mul_17x11 + add16) + 10 * add16 + 2 * add8;
  // Encoder: 15 comparators; 2 multiplies + 3 adds; 6 renormalisation ops; offset add + shift.
  const double encode = 15 * add8 + 2 * mul_17x11 + 3 * add16 + 6 * add16 + 2 * add8;
  // Table load: 368 bits = 23 16-bit register words at one 16-bit MAC each; 15 adds for CUM.
  const double table = (16 * (8 + 4 + 11) / 16) * (mul16 + add32) + 15 * add16;
  CHECK(16 * (8 + 4 + 11) == 23 * 16);
  const std::map<std::string, double> scale = {{"65nm", 2.2}, {"45nm", 1.0}, {"28nm", 0.55}};
  // CACTI 7 2 KB, 64-bit word, per access (memory-energy.md §4), 8 values per word.
  const std::map<std::string, double> sram2k = {{"65nm", 4.5}, {"45nm", 2.7}, {"28nm", 1.1}};
  for (const auto& [tech, f] : scale) {
    INFO(tech);
    const EnergyTable t = builtin_energy_table(tech);
    for (const char* e : {"apack.decode_values", "apack.encode_values", "apack.table_loads",
                          "apack.fifo_accesses"}) {
      INFO(e);
      REQUIRE(t.events.count(e) == 1);
      CHECK(t.events.at(e).derived);
      CHECK(t.events.at(e).source.find("APack pipeline") != std::string::npos);
    }
    CHECK(near(t.events.at("apack.decode_values").pJ, decode * f));
    CHECK(near(t.events.at("apack.encode_values").pJ, encode * f));
    CHECK(near(t.events.at("apack.table_loads").pJ, table * f));
    CHECK(near(t.events.at("apack.fifo_accesses").pJ, sram2k.at(tech) / 8));
    // No static power entry: the spec sources none for logic.
    for (const auto& [name, s] : t.events)
      if (energy_component(name) == "apack") CHECK(name.find("static") == std::string::npos);
  }
  CHECK(near(decode, 10.71));
  CHECK(near(encode, 2.129));
  CHECK(near(table, 21.45));
}

TEST_CASE("a transfer's events are priced by the technology table", "[pipeline_energy]") {
  PipelineConfig c;
  c.units = 2;
  c.stages = 3;
  const TransferTiming t = time_transfer(c, {4096, 4096, 4096}, Direction::decode);
  const EnergyBreakdown b =
      energy(transfer_events(t, Direction::decode), builtin_energy_table("65nm"));
  const double expect_pj = 3 * 4096 * 23.56 + 2 * 47.19 + 2 * 3 * 4096 * 0.5625;
  CHECK(b.total_joules == Approx(expect_pj * 1e-12));
  CHECK(b.components.at("apack") == Approx(expect_pj * 1e-12));
}

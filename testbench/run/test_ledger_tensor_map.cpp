// Plain C++ cores of the platform run: the energy ledger (pricing by the technology table,
// components, DRAM items) and the tensor map (placement, alignment, errors).
#include <catch2/catch.hpp>
#include <cmath>

#include "apack/engines/energy.hpp"
#include "apack/error.hpp"
#include "apack/memory/tensor_map.hpp"
#include "apack/run/ledger.hpp"

using namespace apack;

TEST_CASE("ledger: components, prices from the table, DRAM items, totals", "[run][ledger]") {
  const engines::EnergyTable table = engines::builtin_energy_table("65nm");
  run::Ledger ledger(table);
  CHECK(run::Ledger::component_of("abuf.read_bits") == "buffers");
  CHECK(run::Ledger::component_of("obuf.read_bits") == "buffers");
  CHECK(run::Ledger::component_of("apack.decode_values") == "codec");
  CHECK(run::Ledger::component_of("tc_mac8.active") == "engine");
  CHECK(run::Ledger::component_of("acc.updates") == "engine");

  engines::EventCounts c;
  c.add("tc_mac8.active", 1000);
  c.add("abuf.write_bits", 256);
  c.add("apack.decode_values", 10);
  const auto by = ledger.add(c);
  const double pj_mac = table.events.at("tc_mac8.active").pJ;
  const double pj_abuf = table.events.at("abuf.write_bits").pJ;
  const double pj_dec = table.events.at("apack.decode_values").pJ;
  CHECK(by.at("engine") == Approx(1000 * pj_mac * 1e-12));
  CHECK(by.at("buffers") == Approx(256 * pj_abuf * 1e-12));
  CHECK(by.at("codec") == Approx(10 * pj_dec * 1e-12));

  ledger.add_dram("dram.RD", 4, 400.0, "test source");
  const auto items = ledger.items();
  REQUIRE(items.size() == 4);
  const auto& rd = items.back();
  CHECK(rd.component == "dram");
  CHECK(rd.pJ == Approx(100.0));
  CHECK(rd.joules == Approx(400e-12));
  CHECK(rd.source == "test source");
  double sum = 0;
  for (const auto& it : items) {
    sum += it.joules;
    if (it.component != "dram") CHECK_FALSE(it.source.empty());
  }
  CHECK(ledger.total_joules() == Approx(sum));
  CHECK(ledger.by_component().at("dram") == Approx(400e-12));

  engines::EventCounts unknown;
  unknown.add("nosuch.event", 1);
  CHECK_THROWS_AS(ledger.add(unknown), Error);
}

TEST_CASE("tensor map: aligned placement, write-once, a full memory is an error naming the tensor",
          "[run][tensor_map]") {
  memory::TensorMap map(4096, 64);
  pipeline::CodecChoice choice;
  const uint32_t a =
      map.declare("conv1/weights", memory::TensorRole::weights, 1, {true, 8}, 100, choice);
  const uint32_t b =
      map.declare("conv1", memory::TensorRole::activations, 1, {false, 4}, 1000, choice);
  const uint32_t c =
      map.declare("big", memory::TensorRole::activations, 2, {true, 8}, 5000, choice);
  CHECK_FALSE(map.at(a).written);
  CHECK(map.place(a, 90, 10) == 0);
  CHECK(map.place(b, 400, 0) == 128);               // 90 rounded up to the 64-byte alignment
  CHECK(map.at(b).ratio == Approx(400.0 / 500.0));  // 1000 4-bit values are 500 raw bytes
  CHECK(map.used() == 528);
  CHECK_THROWS_WITH(map.place(a, 10, 0),
                    Catch::Contains("conv1/weights") && Catch::Contains("twice"));
  CHECK_THROWS_WITH(map.place(c, 5000, 0),
                    Catch::Contains("'big'") && Catch::Contains("DRAM is full"));
  CHECK_THROWS_AS(map.at(99), Error);
  CHECK_THROWS_AS(memory::TensorMap(1024, 48), Error);  // not a power of two
}

// The backing store holds real bytes: reads return what was written, zero elsewhere, across
// page boundaries and with byte enables; it allocates only pages written; out-of-range
// accesses are errors.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "apack/dram/backing_store.hpp"
#include "apack/error.hpp"

using apack::dram::BackingStore;

TEST_CASE("backing store: reads what was written, zero elsewhere", "[dram][store]") {
  const uint64_t cap = uint64_t(4) << 30;  // a DDR4-2400 channel
  BackingStore m(cap);
  std::vector<uint8_t> buf(10000), back(10000);
  std::mt19937 rng(5);
  for (auto& b : buf) b = uint8_t(rng());
  const uint64_t at = (uint64_t(3) << 30) + 4000;  // crosses page boundaries
  m.write(at, buf.data(), buf.size());
  m.read(at, back.data(), back.size());
  CHECK(back == buf);
  CHECK(m.pages() == 4);  // 4000..14000 within 3 GiB spans pages 0..3 of that region
  std::vector<uint8_t> zeros(5000, 0xff);
  m.read(12345678, zeros.data(), zeros.size());
  CHECK(std::all_of(zeros.begin(), zeros.end(), [](uint8_t v) { return v == 0; }));
  // Partly written range: the written bytes, then zeros.
  std::vector<uint8_t> part(100);
  m.read(at + buf.size() - 50, part.data(), part.size());
  CHECK(std::equal(part.begin(), part.begin() + 50, buf.end() - 50));
  CHECK(std::all_of(part.begin() + 50, part.end(), [](uint8_t v) { return v == 0; }));
  // The last byte of the memory is reachable; one past it is not.
  const uint8_t x = 42;
  m.write(cap - 1, &x, 1);
  uint8_t y = 0;
  m.read(cap - 1, &y, 1);
  CHECK(y == 42);
  CHECK_THROWS_AS(m.write(cap, &x, 1), apack::Error);
  CHECK_THROWS_AS(m.read(cap - 1, back.data(), 2), apack::Error);
  CHECK_THROWS_AS(m.read(uint64_t(-1), back.data(), 2), apack::Error);
  CHECK_THROWS_AS(BackingStore(100, 1000), apack::Error);
}

TEST_CASE("backing store: byte enables", "[dram][store]") {
  BackingStore m(1 << 20);
  const std::vector<uint8_t> ones(16, 0x11), twos(16, 0x22);
  m.write(100, ones.data(), 16);
  const uint8_t enable[4] = {0xff, 0, 0, 0xff};  // repeats every 4 bytes, as in TLM
  m.write_masked(100, twos.data(), 16, enable, 4);
  std::vector<uint8_t> back(16);
  m.read(100, back.data(), 16);
  for (size_t i = 0; i < 16; ++i) CHECK(back[i] == ((i % 4 == 0 || i % 4 == 3) ? 0x22 : 0x11));
}

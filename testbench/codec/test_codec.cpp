// Round trips and properties of the tensor codec: every configuration is lossless, the optimal
// search is never worse than the sweep on its own objective, corrupt containers are refused.
#include <catch2/catch.hpp>
#include <random>

#include "../test_util.hpp"
#include "apack/chunk_coder.hpp"
#include "apack/codec.hpp"
#include "apack/container.hpp"
#include "apack/crc32c.hpp"
#include "apack/error.hpp"

using namespace apack;

namespace {

Tensor make_tensor(std::vector<uint8_t> data, bool is_signed) {
  Tensor t;
  t.is_signed = is_signed;
  t.shape = {data.size()};
  t.data = std::move(data);
  return t;
}

// Random values of `bits` bits, peaked near zero like real weights.
std::vector<uint8_t> peaked_values(size_t n, int bits, bool is_signed, uint32_t seed) {
  std::mt19937 rng(seed);
  std::geometric_distribution<int> mag(0.3);
  std::bernoulli_distribution neg(0.5);
  std::vector<uint8_t> v(n);
  const int max_pos = is_signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
  for (auto& x : v) {
    int m = std::min(mag(rng), max_pos);
    if (is_signed && neg(rng)) m = -m;
    x = uint8_t(int8_t(m));
  }
  return v;
}

Tensor round_trip(const Tensor& t, const EncodeOptions& o) {
  const EncodeResult r = compress(t, o, "test");
  DecodeOptions d;
  d.threads = o.threads;
  return decompress(r.container.data(), r.container.size(), d, "test");
}

}  // namespace

TEST_CASE("every bit width, map, search and chunk size round-trips", "[codec]") {
  for (int bits = 2; bits <= 8; ++bits)
    for (bool is_signed : {false, true})
      for (Search s : {Search::optimal, Search::sweep, Search::uniform})
        for (uint32_t chunk : {1u, 7u, 4096u}) {
          std::vector<MapChoice> maps = {MapChoice::raw, MapChoice::automatic};
          if (is_signed) maps.push_back(MapChoice::zigzag);
          for (MapChoice m : maps) {
            INFO("bits " << bits << " signed " << is_signed << " search " << to_string(s)
                         << " chunk " << chunk);
            const Tensor t =
                make_tensor(peaked_values(5000, bits, is_signed, bits * 7 + chunk), is_signed);
            EncodeOptions o;
            o.bits = bits;
            o.chunk = chunk;
            o.search = s;
            o.map = m;
            o.threads = 2;
            const Tensor back = round_trip(t, o);
            REQUIRE(back.data == t.data);
            REQUIRE(back.shape == t.shape);
            REQUIRE(back.is_signed == is_signed);
          }
        }
}

TEST_CASE("edge-case tensors round-trip", "[codec]") {
  EncodeOptions o;
  SECTION("empty") {
    Tensor t = make_tensor({}, true);
    t.shape = {0, 5};
    const Tensor back = round_trip(t, o);
    CHECK(back.data.empty());
    CHECK(back.shape == t.shape);
  }
  SECTION("scalar") {
    Tensor t = make_tensor({0x85}, true);
    t.shape = {};
    const Tensor back = round_trip(t, o);
    CHECK(back.data == t.data);
    CHECK(back.shape.empty());
  }
  SECTION("constant tensor codes to almost nothing") {
    const Tensor t = make_tensor(std::vector<uint8_t>(100000, 42), false);
    const EncodeResult r = compress(t, o, "test");
    CHECK(r.container.size() < 200);
    DecodeOptions d;
    CHECK(decompress(r.container.data(), r.container.size(), d, "t").data == t.data);
  }
  SECTION("every byte value, uniformly") {
    std::vector<uint8_t> v(256 * 40);
    for (size_t i = 0; i < v.size(); ++i) v[i] = uint8_t(i * 167);
    const Tensor t = make_tensor(v, true);
    const EncodeResult r = compress(t, o, "test");
    // Incompressible data costs the raw size plus the container and a few coder bits.
    CHECK(r.container.size() < v.size() + 200);
    CHECK(round_trip(t, o).data == t.data);
  }
  SECTION("the npy header is kept when it is not the canonical one") {
    Tensor t = make_tensor({1, 2, 3}, false);
    t.npy_header = "not canonical";
    CHECK(round_trip(t, o).npy_header == "not canonical");
  }
}

TEST_CASE("thread count does not change the container", "[codec]") {
  const Tensor t = make_tensor(test::laplacian_int8(100000, 5.0, 3), true);
  EncodeOptions one, many;
  one.threads = 1;
  many.threads = 3;
  CHECK(compress(t, one, "t").container == compress(t, many, "t").container);
}

TEST_CASE("values outside the declared width are refused with the index", "[codec]") {
  EncodeOptions o;
  o.bits = 4;
  const Tensor t = make_tensor({1, 2, 7, 8, 3}, true);  // 8 does not fit signed 4-bit
  REQUIRE_THROWS_WITH(compress(t, o, "x.npy"), Catch::Contains("x.npy") &&
                                                   Catch::Contains("index 3") &&
                                                   Catch::Contains("[-8, 7]"));
  const Tensor u = make_tensor({1, 16}, false);
  REQUIRE_THROWS_WITH(compress(u, o, "u.npy"), Catch::Contains("index 1"));
  o.map = MapChoice::zigzag;
  REQUIRE_THROWS_WITH(compress(make_tensor({1}, false), o, "z"), Catch::Contains("zigzag"));
}

TEST_CASE("optimal search never loses to the sweep and approaches the entropy bound",
          "[codec][search]") {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    const auto v = test::laplacian_int8(20000, 1.0 + seed, seed);
    const Histogram h = make_histogram(v.data(), v.size(), 8);
    const Table opt = search_optimal(h, 8), sw = search_sweep(h, 8);
    // The DP minimises the ideal (real-valued) cost; compare on that objective.
    auto ideal = [&](const Table& t) {
      const auto c = row_counts(t, h);
      double bits = 0;
      for (int i = 0; i < kRows; ++i)
        if (c[i] > 0)
          bits += double(c[i]) * t.ol(i) - double(c[i]) * std::log2(double(c[i]) / v.size());
      return bits;
    };
    INFO("seed " << seed);
    CHECK(ideal(opt) <= ideal(sw) + 1e-6);
    CHECK(ideal(opt) <= entropy_bits(h) * 1.03);
  }
}

TEST_CASE("optimal tables are deterministic and put empty rows last", "[codec][search]") {
  Histogram h(256, 0);
  h[0] = 10;
  h[1] = 5;
  const Table t = search_optimal(h, 8);
  // Two values: two width-1 rows (no offsets), then one row for the rest, then empty rows.
  CHECK(t.vmin[0] == 0);
  CHECK(t.vmin[1] == 1);
  CHECK(t.vmin[2] == 2);
  for (int i = 3; i < kRows; ++i) CHECK(t.vmin[i] == 256);
  CHECK(search_optimal(h, 8) == t);
}

TEST_CASE("coding counts follow section 5", "[codec][counts]") {
  std::array<uint64_t, kRows> c{};
  c[0] = 1000000;
  c[5] = 1;
  const Counts q = coding_counts(c);
  CHECK(q[5] == 1);  // never 0 for a row with values
  CHECK(q[0] == 1023);
  std::array<uint64_t, kRows> one{};
  one[3] = 7;
  CHECK(coding_counts(one)[3] == 1024);
}

TEST_CASE("corrupt containers are refused, never crash", "[codec][corrupt]") {
  const Tensor t = make_tensor(test::laplacian_int8(30000, 4.0, 9), true);
  EncodeOptions o;
  o.chunk = 1000;
  const std::vector<uint8_t> good = compress(t, o, "t").container;
  DecodeOptions d;
  SECTION("bad magic") {
    auto bad = good;
    bad[0] = 'X';
    REQUIRE_THROWS_WITH(decompress(bad.data(), bad.size(), d, "f.apk"),
                        Catch::Contains("f.apk") && Catch::Contains("magic"));
  }
  SECTION("every truncation") {
    for (size_t len = 0; len < good.size(); len += 97)
      REQUIRE_THROWS_AS(decompress(good.data(), len, d, "f"), FormatError);
  }
  SECTION("flipped bits are caught by the CRC") {
    std::mt19937 rng(5);
    for (int i = 0; i < 200; ++i) {
      auto bad = good;
      bad[rng() % bad.size()] ^= uint8_t(1u << (rng() % 8));
      REQUIRE_THROWS_AS(decompress(bad.data(), bad.size(), d, "f"), FormatError);
    }
  }
  SECTION("flipped stream bits with the CRC bypassed are caught by the decoder or checksum") {
    d.check_crc = false;
    const ContainerHeader h = read_container(good.data(), good.size(), "f");
    std::mt19937 rng(6);
    for (int i = 0; i < 300; ++i) {
      auto bad = good;
      const size_t pos = h.header_size + rng() % (bad.size() - 4 - h.header_size);
      bad[pos] ^= uint8_t(1u << (rng() % 8));
      REQUIRE_THROWS_AS(decompress(bad.data(), bad.size(), d, "f"), FormatError);
    }
  }
  SECTION("a huge declared size is refused before allocating") {
    Tensor c = make_tensor(std::vector<uint8_t>(10, 0), false);
    c.shape = {10};
    auto bytes = compress(c, o, "c").container;
    d.max_values = 5;
    REQUIRE_THROWS_WITH(decompress(bytes.data(), bytes.size(), d, "c"), Catch::Contains("limit"));
  }
}

TEST_CASE("the container stays lean", "[codec][container]") {
  // Spec section 7: about 64 bytes per tensor plus about 4 per chunk.
  const Tensor t = make_tensor(test::laplacian_int8(4096 * 20, 4.0, 2), true);
  EncodeOptions o;
  const EncodeResult r = compress(t, o, "t");
  const ContainerHeader h = read_container(r.container.data(), r.container.size(), "t");
  uint64_t streams = 0;
  for (const auto& c : h.chunks) streams += c.prefix_size + c.offset_size;
  const uint64_t overhead = r.container.size() - streams;
  CHECK(overhead <= 64 + 4 * h.chunks.size());
  // Coded size stays close to the section-3 estimate (spec: within about 0.3%).
  CHECK(double(streams * 8) <= double(r.report.estimate_bits) * 1.003 + 16 * h.chunks.size());
}

TEST_CASE("long underflow runs (more than 32 pending bits) round-trip", "[codec][coder]") {
  // Codes 0, 1, 2 with probabilities 1/4, 1/2, 1/4: coding the middle one keeps the middle half
  // of the interval, one underflow step each time and no bit emitted, so a run of 200 piles up
  // 200 pending bits (the encoder's rare path beyond 32).
  std::vector<uint8_t> v;
  for (auto [code, count] : {std::pair{1, 200}, {0, 100}, {2, 100}, {0, 100}, {2, 100}, {1, 200}})
    v.insert(v.end(), size_t(count), uint8_t(code));
  const Tensor t = make_tensor(v, false);
  EncodeOptions o;
  for (uint32_t chunk : {4096u, 150u}) {  // one chunk, and several across the coder's lanes
    o.chunk = chunk;
    const EncodeResult r = compress(t, o, "t");
    REQUIRE(r.q[1] == 512);
    DecodeOptions d;
    CHECK(decompress(r.container.data(), r.container.size(), d, "t").data == v);
  }
}

TEST_CASE("large peaked tensors round-trip under every search and map", "[codec][large]") {
  // Volume finds rare coder paths (long underflow runs, long zero offsets) that small tensors
  // do not reach.
  for (double scale : {0.3, 2.0, 12.0, 40.0}) {
    const Tensor t = make_tensor(test::laplacian_int8(400000, scale, uint32_t(scale * 10)), true);
    for (Search s : {Search::optimal, Search::sweep})
      for (MapChoice m : {MapChoice::raw, MapChoice::zigzag}) {
        EncodeOptions o;
        o.search = s;
        o.map = m;
        INFO("scale " << scale << " search " << to_string(s));
        CHECK(round_trip(t, o).data == t.data);
      }
  }
}

TEST_CASE("CRC-32C: known value, combination of slices, parallel slices", "[crc]") {
  const char* check = "123456789";
  CHECK(crc32c(0, check, 9) == 0xE3069283u);  // the standard check value of CRC-32C
  std::mt19937 rng(11);
  std::vector<uint8_t> data(3000000);
  for (auto& b : data) b = uint8_t(rng());
  const uint32_t whole = crc32c(0, data.data(), data.size());
  for (size_t split : {size_t(0), size_t(1), size_t(7), size_t(4096), size_t(1234567)}) {
    const uint32_t a = crc32c(0, data.data(), split);
    const uint32_t b = crc32c(0, data.data() + split, data.size() - split);
    CHECK(crc32c_combine(a, b, data.size() - split) == whole);
  }
  for (unsigned threads : {1u, 2u, 3u, 8u})
    CHECK(crc32c_parallel(data.data(), data.size(), threads) == whole);
}

// Comparison codecs: round trips over every value width and sign, sizes worked out by hand from
// the layouts in docs/comparison-codecs.md, and decoders refusing damaged streams.
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "apack/compare.hpp"
#include "apack/error.hpp"

using apack::ElementFormat;
using apack::FormatError;
namespace cmp = apack::compare;

namespace {

// Values of the format with roughly `zero_share` zeros; `spread` 0..1 narrows the non-zero
// magnitudes so groups get different widths, as real tensors do.
std::vector<uint8_t> random_values(std::mt19937& rng, size_t n, ElementFormat f, double zero_share,
                                   double spread) {
  const int lo = f.is_signed ? -(1 << (f.bits - 1)) : 0;
  const int hi = f.is_signed ? (1 << (f.bits - 1)) - 1 : (1 << f.bits) - 1;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<uint8_t> v(n);
  for (auto& x : v) {
    if (u(rng) < zero_share) {
      x = 0;
      continue;
    }
    const double scale = u(rng) < spread ? 1.0 : 0.1;
    int val = lo + int(u(rng) * (hi - lo + 1));
    val = int(val * scale);
    if (val < lo) val = lo;
    if (val > hi) val = hi;
    x = uint8_t(val);
  }
  return v;
}

// "0101 1" -> bytes MSB-first, zero-padded; spaces are for reading.
std::vector<uint8_t> bits_to_bytes(const std::string& s) {
  std::vector<uint8_t> out;
  int fill = 0;
  for (char c : s) {
    if (c == ' ') continue;
    if (fill == 0) out.push_back(0);
    if (c == '1') out.back() |= uint8_t(0x80 >> fill);
    fill = (fill + 1) % 8;
  }
  return out;
}

std::string fmt_name(ElementFormat f) {
  return (f.is_signed ? "int" : "uint") + std::to_string(f.bits);
}

}  // namespace

TEST_CASE("compare: bit-packed codecs round-trip every width and sign", "[compare]") {
  std::mt19937 rng(12345);
  const size_t sizes[] = {0, 1, 15, 16, 17, 4096 + 3};
  const double zero_shares[] = {0.0, 0.5, 0.95, 1.0};
  for (int bits = 2; bits <= 8; ++bits) {
    for (bool is_signed : {false, true}) {
      const ElementFormat f{is_signed, bits};
      for (size_t n : sizes) {
        for (double zs : zero_shares) {
          const auto v = random_values(rng, n, f, zs, 0.5);
          INFO(fmt_name(f) << " n=" << n << " zeros=" << zs);
          const auto z = cmp::zrle_encode(v.data(), n, f);
          CHECK(cmp::zrle_decode(z.data(), z.size(), n, f) == v);
          for (int group : {16, 1, 7, 64}) {
            INFO("group " << group);
            const auto s = cmp::shapeshifter_encode(v.data(), n, f, group);
            CHECK(cmp::shapeshifter_decode(s.data(), s.size(), n, f, group) == v);
          }
          if (n == 0) {
            CHECK(z.empty());
            CHECK(cmp::shapeshifter_encode(v.data(), n, f).empty());
          }
        }
      }
    }
  }
}

TEST_CASE("compare: general-purpose codecs round-trip", "[compare]") {
  std::mt19937 rng(777);
  for (size_t n : {size_t(0), size_t(1), size_t(17), size_t(4099), size_t(100000)}) {
    const auto v = random_values(rng, n, {true, 8}, 0.3, 0.2);
    INFO("n=" << n);
    for (int level : {3, 19}) {
      const auto c = cmp::zstd_compress(v.data(), n, level);
      CHECK(cmp::zstd_decompress(c.data(), c.size(), n) == v);
    }
    const auto d = cmp::deflate_compress(v.data(), n, 9);
    CHECK(cmp::deflate_decompress(d.data(), d.size(), n) == v);
    // zlib wrapper: a 2-byte header (CMF 0x78) and a 4-byte Adler-32 trailer around raw deflate.
    REQUIRE(d.size() >= 6);
    CHECK(d[0] == 0x78);
  }
}

TEST_CASE("compare: zrle sizes worked out by hand", "[compare]") {
  const ElementFormat u8{false, 8};
  {
    // 16 zeros: R = 4 covers them with one (15, 0) token; 3 + 4 + 8 = 15 bits.
    const std::vector<uint8_t> v(16, 0);
    CHECK(cmp::zrle_encode(v.data(), v.size(), u8) == bits_to_bytes("100 1111 00000000"));
  }
  {
    // Runs of 3 and 20 before the two non-zero values: tokens at R = 0..7 number 25, 13, 7, 4,
    // 3, 2, 2, 2, so R = 5 gives the fewest bits: 3 + 2 * (5 + 8) = 29.
    std::vector<uint8_t> v = {0, 0, 0, 5};
    v.insert(v.end(), 20, 0);
    v.push_back(7);
    const auto z = cmp::zrle_encode(v.data(), v.size(), u8);
    CHECK(z == bits_to_bytes("101 00011 00000101 10100 00000111"));
    CHECK(z.size() == 4);
  }
  {
    // No zeros at all: R = 0 is plain bit-packing behind the 3-bit header.
    std::vector<uint8_t> v(16);
    for (size_t i = 0; i < v.size(); ++i) v[i] = uint8_t(i + 1);
    CHECK(cmp::zrle_encode(v.data(), v.size(), u8).size() == (3 + 16 * 8 + 7) / 8);
  }
  {
    // Signed 4-bit: the value field is the low 4 bits of two's complement, so -3 is 1101.
    // Runs 1 and 0 plus one trailing zero: R = 1 gives 3 tokens of 5 bits, the last a (0, 0)
    // token standing for the trailing zero; R = 0 would need 4 tokens of 4 bits, 1 bit more.
    const std::vector<uint8_t> v = {0, uint8_t(-3), 2, 0};
    const auto z = cmp::zrle_encode(v.data(), v.size(), {true, 4});
    CHECK(z == bits_to_bytes("001 1 1101 0 0010 0 0000"));
    CHECK(cmp::zrle_decode(z.data(), z.size(), 4, {true, 4}) == v);
  }
  {
    // A run of exactly 2^R zeros takes one full (2^R - 1, 0) token; 200 zeros then a 1 at
    // R = 7: (127, 0) then (72, 1).
    std::vector<uint8_t> v(200, 0);
    v.push_back(1);
    CHECK(cmp::zrle_encode(v.data(), v.size(), {false, 2}) ==
          bits_to_bytes("111 1111111 00 1001000 01"));
  }
}

TEST_CASE("compare: shapeshifter sizes worked out by hand", "[compare]") {
  const ElementFormat u8{false, 8};
  {
    // All-zero group: mode 1 (widths 0..8 in 4 bits) codes it as width 0: 2 + 4 = 6 bits.
    const std::vector<uint8_t> v(16, 0);
    CHECK(cmp::shapeshifter_encode(v.data(), v.size(), u8) == bits_to_bytes("01 0000"));
  }
  {
    // 16 non-zero values needing 3 bits: mode 0 (widths 1..8 in 3 bits): 2 + 3 + 16 * 3 = 53
    // bits, 7 bytes; mode 1 would take 54 and the zero vector 69.
    std::vector<uint8_t> v(16);
    for (size_t i = 0; i < v.size(); ++i) v[i] = uint8_t(1 + i % 7);
    const auto s = cmp::shapeshifter_encode(v.data(), v.size(), u8);
    std::string bits = "00 010";
    for (uint8_t x : v) {
      for (int b = 2; b >= 0; --b) bits += char('0' + ((x >> b) & 1));
    }
    CHECK(s == bits_to_bytes(bits));
    CHECK(s.size() == 7);
  }
  {
    // Signed values in [-4, 3] also need 3 bits (two's complement): same 7 bytes.
    std::vector<uint8_t> v(16);
    for (size_t i = 0; i < v.size(); ++i) v[i] = uint8_t(int8_t(int(i % 7) - 4));
    const auto s = cmp::shapeshifter_encode(v.data(), v.size(), {true, 8});
    CHECK(s.size() == 7);
    CHECK((s[0] >> 3) == 0b00010);
  }
  {
    // 17 values: a full group of 16 at width 1 and a last group of 1 at width 8.
    // Mode 0: 2 + (3 + 16) + (3 + 8) = 32 bits; mode 1: 2 + (4 + 16) + (4 + 8) = 34.
    std::vector<uint8_t> v(17, 1);
    v[16] = 200;
    CHECK(cmp::shapeshifter_encode(v.data(), v.size(), u8) ==
          bits_to_bytes("00 000 1111111111111111 111 11001000"));
  }
  {
    // One non-zero value per group: the zero vector wins. Per group 16 bitmap bits + 3 width
    // bits + 8 value bits = 27; two groups and the mode: 56 bits.
    std::vector<uint8_t> v(32, 0);
    v[3] = 255;
    v[16] = 128;
    const auto s = cmp::shapeshifter_encode(v.data(), v.size(), u8);
    CHECK(s == bits_to_bytes("10 0001000000000000 111 11111111 1000000000000000 111 10000000"));
  }
  {
    // Widths 1..2 in 1 bit for 2-bit data; a signed group of {0, -1} has width 1.
    const std::vector<uint8_t> v = {0, uint8_t(-1), 0, uint8_t(-1)};
    CHECK(cmp::shapeshifter_encode(v.data(), v.size(), {true, 2}) == bits_to_bytes("00 0 0101"));
  }
}

TEST_CASE("compare: every mode and run width is chosen somewhere", "[compare]") {
  std::mt19937 rng(99);
  const ElementFormat f{true, 8};
  auto mode_of = [&](const std::vector<uint8_t>& v) {
    return cmp::shapeshifter_encode(v.data(), v.size(), f)[0] >> 6;
  };
  // Dense wide values: nothing to gain from zero handling.
  CHECK(mode_of(random_values(rng, 4096, f, 0.0, 1.0)) == 0);
  // Whole groups of zeros between dense groups: width 0 is worth its extra header bit.
  auto blocks = random_values(rng, 4096, f, 0.0, 1.0);
  for (size_t i = 0; i < blocks.size(); ++i)
    if ((i / 16) % 2 == 0) blocks[i] = 0;
  CHECK(mode_of(blocks) == 1);
  // Zeros scattered (ReLU-like): the zero vector.
  CHECK(mode_of(random_values(rng, 4096, f, 0.7, 1.0)) == 2);

  auto r_of = [&](double zero_share) {
    const auto v = random_values(rng, 4096, f, zero_share, 1.0);
    return cmp::zrle_encode(v.data(), v.size(), f)[0] >> 5;
  };
  CHECK(r_of(0.0) == 0);
  CHECK(r_of(0.6) >= 1);
  CHECK(r_of(0.99) >= 5);
}

TEST_CASE("compare: damaged bit-packed streams are refused", "[compare]") {
  std::mt19937 rng(4242);
  for (int bits = 2; bits <= 8; ++bits) {
    for (bool is_signed : {false, true}) {
      const ElementFormat f{is_signed, bits};
      for (double zs : {0.0, 0.6, 0.99}) {
        const size_t n = 1000;
        const auto v = random_values(rng, n, f, zs, 0.5);
        INFO(fmt_name(f) << " zeros=" << zs);
        const auto z = cmp::zrle_encode(v.data(), n, f);
        const auto s = cmp::shapeshifter_encode(v.data(), n, f);
        struct Codec {
          const char* name;
          std::vector<uint8_t> bytes;
          std::vector<uint8_t> (*decode)(const uint8_t*, size_t, size_t, ElementFormat);
        } codecs[] = {
            {"zrle", z, cmp::zrle_decode},
            {"shapeshifter", s,
             [](const uint8_t* b, size_t sz, size_t nn, ElementFormat ff) {
               return cmp::shapeshifter_decode(b, sz, nn, ff);
             }},
        };
        for (const auto& c : codecs) {
          INFO(c.name);
          auto cut = c.bytes;
          cut.pop_back();
          CHECK_THROWS_AS(c.decode(cut.data(), cut.size(), n, f), FormatError);
          CHECK_THROWS_AS(c.decode(c.bytes.data(), 0, n, f), FormatError);
          auto extra = c.bytes;
          extra.push_back(0);
          CHECK_THROWS_WITH(c.decode(extra.data(), extra.size(), n, f),
                            Catch::Contains("trailing bytes"));
          // n is not in the stream, so n - 1 or n + 1 can decode when the difference hides in a
          // zero token or a width-0 group; a much larger n cannot, nor 0.
          CHECK_THROWS_AS(c.decode(c.bytes.data(), c.bytes.size(), 2 * n, f), FormatError);
          CHECK_THROWS_AS(c.decode(c.bytes.data(), c.bytes.size(), 0, f), FormatError);
          // Random damage must never crash; whatever decodes must be n values.
          for (int k = 0; k < 50; ++k) {
            auto bad = c.bytes;
            bad[rng() % bad.size()] ^= uint8_t(1u << (rng() % 8));
            size_t got = n;
            try {
              got = c.decode(bad.data(), bad.size(), n, f).size();
            } catch (const FormatError&) {
            }
            CHECK(got == n);
          }
        }
      }
    }
  }
}

TEST_CASE("compare: specific malformed streams", "[compare]") {
  const ElementFormat u8{false, 8};
  // zrle R = 7: a run of 127 zeros before a value in a 10-value tensor.
  const auto run_past = bits_to_bytes("111 1111111 00000001");
  CHECK_THROWS_WITH(cmp::zrle_decode(run_past.data(), run_past.size(), 10, u8),
                    Catch::Contains("goes past"));
  // The padding after the last token must be zero: 3 + 8 bits, then a stray 1.
  const auto pad = bits_to_bytes("000 00000001 01");
  CHECK_THROWS_WITH(cmp::zrle_decode(pad.data(), pad.size(), 1, u8), Catch::Contains("padding"));
  const auto pad_ok = bits_to_bytes("000 00000001 00");
  CHECK(cmp::zrle_decode(pad_ok.data(), pad_ok.size(), 1, u8) == std::vector<uint8_t>{1});

  const auto mode3 = bits_to_bytes("11 000000");
  CHECK_THROWS_WITH(cmp::shapeshifter_decode(mode3.data(), mode3.size(), 1, u8),
                    Catch::Contains("unknown mode"));
  // 5-bit data, mode 0: the 3-bit field can say width 8, which 5-bit data cannot have.
  const auto wide = bits_to_bytes("00 111 00000000");
  CHECK_THROWS_WITH(cmp::shapeshifter_decode(wide.data(), wide.size(), 1, {false, 5}),
                    Catch::Contains("width 8"));
  // Mode 1 for 8-bit data: width field 9..15 is invalid.
  const auto wide1 = bits_to_bytes("01 1001 000000000");
  CHECK_THROWS_AS(cmp::shapeshifter_decode(wide1.data(), wide1.size(), 1, u8), FormatError);
  // Zero vector: a value marked non-zero must not code 0.
  const auto zero_marked = bits_to_bytes("10 1 000 0");
  CHECK_THROWS_WITH(cmp::shapeshifter_decode(zero_marked.data(), zero_marked.size(), 1, u8),
                    Catch::Contains("marked non-zero"));
  // An empty tensor has an empty stream.
  const uint8_t one = 0;
  CHECK_THROWS_AS(cmp::zrle_decode(&one, 1, 0, u8), FormatError);
  CHECK_THROWS_AS(cmp::shapeshifter_decode(&one, 1, 0, u8), FormatError);
  CHECK(cmp::zrle_decode(nullptr, 0, 0, u8).empty());
}

TEST_CASE("compare: encoders check their inputs", "[compare]") {
  const std::vector<uint8_t> v = {0, 1, 8, 0};
  // 8 does not fit unsigned 3-bit; as signed 4-bit it does not either (range -8..7).
  CHECK_THROWS_WITH(cmp::zrle_encode(v.data(), v.size(), {false, 3}),
                    Catch::Contains("value 8 at index 2 does not fit unsigned 3-bit"));
  CHECK_THROWS_AS(cmp::shapeshifter_encode(v.data(), v.size(), {true, 4}), apack::Error);
  // Codes of negative numbers are not values: 0x0F is 15, not -1, for signed 4-bit data.
  const std::vector<uint8_t> code = {0x0F};
  CHECK_THROWS_AS(cmp::zrle_encode(code.data(), 1, {true, 4}), apack::Error);
  for (int bits : {0, 1, 9}) {
    CHECK_THROWS_AS(cmp::zrle_encode(v.data(), v.size(), {false, bits}), apack::Error);
    CHECK_THROWS_AS(cmp::shapeshifter_decode(v.data(), v.size(), 4, {false, bits}), apack::Error);
  }
  CHECK_THROWS_AS(cmp::shapeshifter_encode(v.data(), v.size(), {false, 8}, 0), apack::Error);
  CHECK_THROWS_AS(cmp::zstd_compress(v.data(), v.size(), 1000), apack::Error);
  CHECK_THROWS_AS(cmp::deflate_compress(v.data(), v.size(), 10), apack::Error);
}

TEST_CASE("compare: damaged general-purpose streams are refused", "[compare]") {
  std::mt19937 rng(5);
  const auto v = random_values(rng, 5000, {false, 8}, 0.4, 0.3);
  const size_t n = v.size();
  const auto z = cmp::zstd_compress(v.data(), n, 3);
  const auto d = cmp::deflate_compress(v.data(), n, 9);
  for (const auto& pair :
       {std::make_pair(z, &cmp::zstd_decompress), std::make_pair(d, &cmp::deflate_decompress)}) {
    const auto& bytes = pair.first;
    auto dec = pair.second;
    CHECK_THROWS_AS(dec(bytes.data(), bytes.size(), n - 1), FormatError);
    CHECK_THROWS_AS(dec(bytes.data(), bytes.size(), n + 1), FormatError);
    CHECK_THROWS_AS(dec(bytes.data(), bytes.size() - 1, n), FormatError);
    CHECK_THROWS_AS(dec(bytes.data(), 0, n), FormatError);
    auto extra = bytes;
    extra.push_back(0x55);
    CHECK_THROWS_AS(dec(extra.data(), extra.size(), n), FormatError);
    for (int k = 0; k < 100; ++k) {
      auto bad = bytes;
      bad[rng() % bad.size()] ^= uint8_t(1u << (rng() % 8));
      size_t got = n;
      try {
        got = dec(bad.data(), bad.size(), n).size();
      } catch (const FormatError&) {
      }
      CHECK(got == n);
    }
  }
  // An empty input has a real (non-empty) frame that decodes to nothing.
  const auto z0 = cmp::zstd_compress(nullptr, 0, 19);
  CHECK(cmp::zstd_decompress(z0.data(), z0.size(), 0).empty());
  CHECK_THROWS_AS(cmp::zstd_decompress(z.data(), z.size(), 0), FormatError);
  const auto d0 = cmp::deflate_compress(nullptr, 0, 9);
  CHECK(cmp::deflate_decompress(d0.data(), d0.size(), 0).empty());
  CHECK_THROWS_AS(cmp::deflate_decompress(d.data(), d.size(), 0), FormatError);
}

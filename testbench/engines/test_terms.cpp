// Term encodings (terms.hpp): NAF and plain binary term counts for every 8-bit and 16-bit
// value against independent computations, exact decoding, and selection by name.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "apack/engines/terms.hpp"
#include "apack/error.hpp"

using namespace apack::engines;

namespace {

int popcount(uint64_t x) {
  int n = 0;
  for (; x; x &= x - 1) ++n;
  return n;
}

// Weight of the NAF of x >= 0 without recoding digit by digit: the NAF of x is the binary of
// 3x/2 minus that of x/2 with the common bits removed, i.e. its non-zero digits sit exactly at
// the set bits of ((3x) XOR x) >> 1 (checked for every x < 2^17 when this test was written,
// against a digit loop, and here against the implementation for the whole 16-bit range).
int naf_weight(int64_t x) {
  const uint64_t u = uint64_t(std::llabs(x));
  return popcount(((3 * u) ^ u) >> 1);
}

// The value ranges the encodings must cover: all 8-bit and 16-bit values, signed and unsigned.
struct Range {
  int32_t lo, hi;
  const char* what;
};
const Range kRanges[] = {
    {-128, 127, "int8"}, {0, 255, "uint8"}, {-32768, 32767, "int16"}, {0, 65535, "uint16"}};

}  // namespace

TEST_CASE("NAF term counts of every 8-bit and 16-bit value", "[terms]") {
  const TermEncoding& naf = term_encoding("naf");
  CHECK(naf.name() == "naf");
  const std::vector<uint8_t>& table = naf.count_table();
  REQUIRE(table.size() == size_t(kTermValueMax - kTermValueMin + 1));
  for (const Range& r : kRanges) {
    INFO(r.what);
    for (int32_t v = r.lo; v <= r.hi; ++v) {
      INFO("value " << v);
      const std::vector<Term> t = naf.terms(v);
      REQUIRE(int(t.size()) == naf_weight(v));
      REQUIRE(table[size_t(v - kTermValueMin)] == t.size());
      REQUIRE(naf.count(v) == int(t.size()));
      REQUIRE(decode_terms(t) == v);
      // Non-adjacent, increasing exponents, digits +-1: with the exact decode this is the (unique)
      // NAF of v.
      for (size_t i = 0; i < t.size(); ++i) {
        REQUIRE((t[i].sign == 1 || t[i].sign == -1));
        REQUIRE(t[i].exponent >= 0);
        REQUIRE(t[i].exponent <= 16);
        if (i > 0) REQUIRE(t[i].exponent >= t[i - 1].exponent + 2);
      }
    }
  }
}

TEST_CASE("NAF of hand-picked values", "[terms]") {
  const TermEncoding& naf = term_encoding("naf");
  CHECK(naf.count(0) == 0);
  CHECK(naf.count(1) == 1);
  CHECK(naf.count(3) == 2);    // 4 - 1
  CHECK(naf.count(7) == 2);    // 8 - 1
  CHECK(naf.count(85) == 4);   // 1010101b is already non-adjacent
  CHECK(naf.count(127) == 2);  // 128 - 1
  CHECK(naf.count(-128) == 1);
  CHECK(naf.count(255) == 2);    // 256 - 1
  CHECK(naf.count(65535) == 2);  // 2^16 - 1: the exponent 16 a 16-bit value can need
  CHECK(naf.count(-32768) == 1);
  CHECK(naf.count(0x5555) == 8);
  const auto t = naf.terms(-3);  // -3 = -4 + 1
  REQUIRE(t.size() == 2);
  CHECK((t[0].exponent == 0 && t[0].sign == 1));
  CHECK((t[1].exponent == 2 && t[1].sign == -1));
  const auto u = naf.terms(65535);
  REQUIRE(u.size() == 2);
  CHECK((u[1].exponent == 16 && u[1].sign == 1));
}

TEST_CASE("binary terms are the set bits of the magnitude with the value's sign", "[terms]") {
  const TermEncoding& bin = term_encoding("binary");
  CHECK(bin.name() == "binary");
  const std::vector<uint8_t>& table = bin.count_table();
  for (int32_t v = kTermValueMin; v <= kTermValueMax; ++v) {
    INFO("value " << v);
    const std::vector<Term> t = bin.terms(v);
    REQUIRE(int(t.size()) == popcount(uint64_t(std::llabs(v))));
    REQUIRE(table[size_t(v - kTermValueMin)] == t.size());
    REQUIRE(decode_terms(t) == v);
    for (const Term& x : t) REQUIRE(x.sign == (v < 0 ? -1 : 1));
  }
  CHECK(bin.count(7) == 3);
  CHECK(bin.count(-128) == 1);
  CHECK(bin.count(-127) == 7);
  CHECK(bin.count(65535) == 16);
}

TEST_CASE("term count tables over a value range", "[terms]") {
  const TermEncoding& naf = term_encoding("naf");
  const std::vector<uint8_t> t = term_count_table(naf, -5, 7);
  const uint8_t expect[] = {2, 1, 2, 1, 1, 0, 1, 1, 2, 1, 2, 2, 2};  // -5..7 by hand
  REQUIRE(t.size() == 13);
  for (size_t i = 0; i < t.size(); ++i) CHECK(t[i] == expect[i]);
  CHECK_THROWS_AS(term_count_table(naf, 3, 2), apack::Error);
}

TEST_CASE("term encodings by name; unknown names and out-of-range values are errors", "[terms]") {
  const auto names = term_encoding_names();
  REQUIRE(names == std::vector<std::string>{"naf", "binary"});
  for (const auto& n : names) CHECK(term_encoding(n).name() == n);
  try {
    term_encoding("booth");
    FAIL("no error");
  } catch (const apack::Error& e) {
    const std::string m = e.what();
    CHECK(m.find("booth") != std::string::npos);
    CHECK(m.find("naf") != std::string::npos);
    CHECK(m.find("binary") != std::string::npos);
  }
  Term buf[kMaxTerms];
  CHECK_THROWS_AS(term_encoding("naf").encode(65536, buf), apack::Error);
  CHECK_THROWS_AS(term_encoding("binary").encode(-32769, buf), apack::Error);
}

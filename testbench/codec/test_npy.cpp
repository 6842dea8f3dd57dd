// .npy parsing and numpy-exact header writing. The reference files in testbench/data/npy were
// written by numpy 1.24 (make_npy.py there), so reproducing them checks npy_header against numpy
// itself rather than against our reading of its source.
#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "apack/error.hpp"
#include "apack/npy.hpp"

using apack::FormatError;
using apack::NpyArray;

namespace {

std::string npy_dir() { return std::string(APACK_SOURCE_DIR) + "/testbench/data/npy/"; }

std::vector<uint8_t> read_file(const std::string& name) {
  std::ifstream in(npy_dir() + name, std::ios::binary);
  REQUIRE(in.good());
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

NpyArray parse(const std::vector<uint8_t>& b, const std::string& what = "x.npy") {
  return apack::parse_npy(b.data(), b.size(), what);
}

// A file with a hand-written header dict, for the spellings numpy does not produce itself.
std::vector<uint8_t> make_npy(const std::string& dict, const std::vector<uint8_t>& data = {},
                              int major = 1) {
  std::vector<uint8_t> b = {0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(major), 0};
  const size_t len = dict.size();
  b.push_back(uint8_t(len));
  b.push_back(uint8_t(len >> 8));
  if (major > 1) {
    b.push_back(uint8_t(len >> 16));
    b.push_back(uint8_t(len >> 24));
  }
  b.insert(b.end(), dict.begin(), dict.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

std::string message_of(const std::vector<uint8_t>& b, const std::string& what = "x.npy") {
  try {
    NpyArray a = parse(b, what);
    apack::require_codec_array(a, what);
  } catch (const FormatError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("npy: numpy's own files are reproduced byte for byte", "[npy]") {
  const char* files[] = {
      "i8_3x4.npy",    "u8_5.npy",       "i8_scalar.npy",         "u8_scalar.npy",
      "i8_empty.npy",  "u8_2x3x4x5.npy", "i8_0x123456789012.npy", "u8_4294967296x0x3.npy",
      "i8_16dims.npy", "u8_aligned.npy", "i8_fortran_3x100.npy",  "f4_2.npy",
      "i2_be_2.npy",   "b1_3.npy",
  };
  for (const char* name : files) {
    INFO(name);
    const auto bytes = read_file(name);
    const NpyArray a = parse(bytes, name);
    const std::string canonical = apack::npy_header(a.descr, a.fortran_order, a.shape);
    CHECK(canonical == a.header);
    CHECK(canonical.size() % 64 == 0);
    CHECK(a.data.size() == a.element_count() * a.item_size());
    CHECK(apack::npy_file(canonical, a.data.data(), a.data.size()) == bytes);
  }
}

TEST_CASE("npy: parsed fields of the reference files", "[npy]") {
  {
    const NpyArray a = parse(read_file("i8_3x4.npy"));
    CHECK(a.descr == "|i1");
    CHECK_FALSE(a.fortran_order);
    CHECK(a.shape == std::vector<uint64_t>{3, 4});
    CHECK(a.element_count() == 12);
    CHECK(a.header.size() == 128);
    CHECK(apack::require_codec_array(a, "i8_3x4.npy"));
  }
  {
    const NpyArray a = parse(read_file("u8_5.npy"));
    CHECK(a.descr == "|u1");
    CHECK(a.shape == std::vector<uint64_t>{5});
    CHECK_FALSE(apack::require_codec_array(a, "u8_5.npy"));
  }
  {
    const NpyArray a = parse(read_file("i8_scalar.npy"));
    CHECK(a.shape.empty());
    CHECK(a.element_count() == 1);
    REQUIRE(a.data.size() == 1);
    CHECK(int8_t(a.data[0]) == -7);
  }
  {
    const NpyArray a = parse(read_file("u8_4294967296x0x3.npy"));
    CHECK(a.shape == std::vector<uint64_t>{4294967296ull, 0, 3});
    CHECK(a.element_count() == 0);
    CHECK(a.data.empty());
  }
  {
    // The header length is a multiple of 64 before padding, so numpy pads a whole 64 bytes.
    const NpyArray a = parse(read_file("u8_aligned.npy"));
    CHECK(a.header.size() == 192);
    CHECK(a.header.substr(a.header.size() - 65) == std::string(64, ' ') + "\n");
  }
  {
    const NpyArray a = parse(read_file("i8_fortran_3x100.npy"));
    CHECK(a.fortran_order);
    // numpy leaves growth room after the last axis of a Fortran array, the first otherwise.
    CHECK(apack::npy_header("|i1", true, {3, 100}) != apack::npy_header("|i1", false, {3, 100}));
  }
}

TEST_CASE("npy: format 2.0 and 3.0 files are read", "[npy]") {
  {
    const auto bytes = read_file("i8_v2_2x2.npy");
    const NpyArray a = parse(bytes);
    CHECK(a.shape == std::vector<uint64_t>{2, 2});
    CHECK(a.data == std::vector<uint8_t>{1, 0xFE, 3, 0xFC});
    CHECK(a.header.size() % 64 == 0);
    CHECK(a.header[6] == 2);
    CHECK(apack::npy_file(a.header, a.data.data(), a.data.size()) == bytes);
    // The canonical header is the format 1.0 one, which is not this file's.
    CHECK(apack::npy_header(a.descr, a.fortran_order, a.shape) != a.header);
    CHECK(apack::require_codec_array(a, "v2"));
  }
  {
    const auto bytes = read_file("u8_v3_3.npy");
    const NpyArray a = parse(bytes);
    CHECK(a.header[6] == 3);
    CHECK(a.data == std::vector<uint8_t>{1, 2, 3});
    CHECK(apack::npy_file(a.header, a.data.data(), a.data.size()) == bytes);
  }
}

TEST_CASE("npy: unsupported arrays are refused with what was found", "[npy]") {
  CHECK(message_of(read_file("f4_2.npy"), "x.npy") ==
        "x.npy: dtype float32 ('<f4') is not supported; apack accepts int8 or uint8 arrays (C "
        "order)");
  CHECK(message_of(read_file("i2_be_2.npy"), "a.npy") ==
        "a.npy: dtype big-endian int16 ('>i2') is not supported; apack accepts int8 or uint8 "
        "arrays (C order)");
  CHECK(message_of(read_file("b1_3.npy"), "b.npy") ==
        "b.npy: dtype bool ('|b1') is not supported; apack accepts int8 or uint8 arrays (C order)");
  CHECK(message_of(read_file("obj_2.npy"), "o.npy") ==
        "o.npy: dtype object ('|O') is not supported; apack accepts int8 or uint8 arrays (C "
        "order)");
  CHECK(message_of(read_file("i8_fortran_3x100.npy"), "x.npy") ==
        "x.npy: Fortran-ordered arrays are not supported; save it with np.ascontiguousarray");
  const std::string s = message_of(read_file("structured_2.npy"), "s.npy");
  CHECK(s.rfind("s.npy: structured dtype", 0) == 0);
  CHECK(s.find("not supported") != std::string::npos);

  CHECK_THAT(message_of(make_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                                 std::vector<uint8_t>(8))),
             Catch::Contains("dtype float64 ('<f8')"));
  CHECK_THAT(message_of(make_npy("{'descr': '<u2', 'fortran_order': False, 'shape': (1,), }",
                                 std::vector<uint8_t>(2))),
             Catch::Contains("dtype uint16 ('<u2')"));
}

TEST_CASE("npy: one-byte integer spellings are accepted", "[npy]") {
  for (const char* d : {"|i1", "<i1", ">i1", "|u1", "<u1", ">u1", "i1", "u1"}) {
    INFO(d);
    const auto b = make_npy(
        std::string("{'descr': '") + d + "', 'fortran_order': False, 'shape': (2,), }\n", {1, 2});
    const NpyArray a = parse(b);
    CHECK(apack::require_codec_array(a, "x") == (std::string(d).find('i') != std::string::npos));
  }
}

TEST_CASE("npy: truncated and overlong data are errors naming the counts", "[npy]") {
  auto bytes = read_file("i8_3x4.npy");
  auto shorter = bytes;
  shorter.pop_back();
  const std::string t = message_of(shorter, "t.npy");
  CHECK_THAT(t, Catch::StartsWith("t.npy: truncated"));
  CHECK_THAT(t, Catch::Contains("needs 12 data bytes, found 11"));

  auto longer = bytes;
  longer.push_back(0);
  longer.push_back(0);
  const std::string l = message_of(longer, "l.npy");
  CHECK_THAT(l, Catch::StartsWith("l.npy: 2 trailing bytes"));
  CHECK_THAT(l, Catch::Contains("needs 12 data bytes, found 14"));
}

TEST_CASE("npy: every strict prefix of a file is refused", "[npy]") {
  for (const char* name : {"i8_3x4.npy", "i8_empty.npy", "i8_v2_2x2.npy", "u8_scalar.npy"}) {
    const auto bytes = read_file(name);
    for (size_t k = 0; k < bytes.size(); ++k) {
      INFO(name << " prefix " << k);
      CHECK_THROWS_AS(apack::parse_npy(bytes.data(), k, name), FormatError);
    }
  }
}

TEST_CASE("npy: header spellings Python accepts", "[npy]") {
  const std::vector<uint8_t> d6 = {1, 2, 3, 4, 5, 6};
  const char* dicts[] = {
      "{'shape': (2, 3), 'descr': '|i1', 'fortran_order': False}",
      "{ 'fortran_order' :False ,'shape':(2,3,),'descr':'|i1' , }   \n",
      "{\"descr\": \"|i1\",\n\t\"fortran_order\": False,\n\t\"shape\": (\n2 ,\n 3 ) }",
      "{'descr': '|i1', 'fortran_order': False, 'shape': (2L, 3L), }",
  };
  for (const char* dict : dicts) {
    INFO(dict);
    const NpyArray a = parse(make_npy(dict, d6));
    CHECK(a.descr == "|i1");
    CHECK_FALSE(a.fortran_order);
    CHECK(a.shape == std::vector<uint64_t>{2, 3});
    CHECK(a.data == d6);
  }
  CHECK(parse(make_npy("{'descr':'|u1','fortran_order':False,'shape':()}", {9})).shape.empty());
  CHECK(parse(make_npy("{'descr':'|u1','fortran_order':False,'shape':( )}", {9})).shape.empty());
  CHECK(parse(make_npy("{'descr':'|u1','fortran_order':False,'shape':(1,)}", {9}, 2)).shape ==
        std::vector<uint64_t>{1});
}

TEST_CASE("npy: malformed headers are refused", "[npy]") {
  const std::vector<uint8_t> one = {7};
  struct Case {
    std::string dict;
    std::string expect;
  } cases[] = {
      {"{'descr': '|i1', 'fortran_order': False}", "missing key 'shape'"},
      {"{'descr': '|i1', 'shape': (1,), 'fortran_order': False, 'x': 1}", "unexpected key 'x'"},
      {"{'descr': '|i1', 'descr': '|i1', 'fortran_order': False, 'shape': (1,)}", "twice"},
      {"{'descr': '|i1', 'fortran_order': False, 'shape': (1)}", "a 1-D shape is (n,)"},
      {"{'descr': '|i1', 'fortran_order': False, 'shape': [1]}", "a tuple for 'shape'"},
      {"{'descr': '|i1', 'fortran_order': False, 'shape': (-1,)}", "non-negative integer"},
      {"{'descr': '|i1', 'fortran_order': False, 'shape': (01,)}", "leading zeros"},
      {"{'descr': '|i1', 'fortran_order': 0, 'shape': (1,)}", "True or False"},
      {"{'descr': '|i1', 'fortran_order': Falsey, 'shape': (1,)}", "True or False"},
      {"{'descr': '<i3', 'fortran_order': False, 'shape': (1,)}", "unrecognised dtype descr"},
      {"{'descr': '|i1', 'fortran_order': False, 'shape': (1,)} x", "only whitespace"},
      {"{'descr': '|i1', 'fortran_order': False, 'shape': (1,)", "',' or '}'"},
      {"{'descr': '|i1 , 'fortran_order': False, 'shape': (1,)}", "expected"},
      {"{'descr': '|i1", "unterminated"},
      {"{'descr: '|i1'", "':' after the key"},
      {"['descr']", "'{'"},
      {"", "'{'"},
      {"{'descr': '|i1', 'fortran_order': False, 'shape': (9223372036854775808,)}", "2^63-1"},
      {"{'descr': '|i1', 'fortran_order': False, 'shape': (4294967296, 4294967296, 2)}",
       "too large"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}", "too large"},
      {"{'descr': ('|i1', (2,)), 'fortran_order': False, 'shape': (1,)}", "subarray dtype"},
  };
  for (const auto& c : cases) {
    INFO(c.dict);
    CHECK_THAT(message_of(make_npy(c.dict, one)), Catch::Contains(c.expect));
  }
  std::string many = "{'descr': '|i1', 'fortran_order': False, 'shape': (";
  for (int i = 0; i < 65; ++i) many += "1, ";
  CHECK_THAT(message_of(make_npy(many + ")}", one)), Catch::Contains("more than 64 dimensions"));
}

TEST_CASE("npy: bad prefixes are refused", "[npy]") {
  const std::string dict = "{'descr': '|i1', 'fortran_order': False, 'shape': (1,)}";
  auto good = make_npy(dict, {7});
  REQUIRE_NOTHROW(parse(good));

  auto bad_magic = good;
  bad_magic[1] = 'n';
  CHECK_THAT(message_of(bad_magic, "m.npy"), Catch::StartsWith("m.npy: not a .npy file"));
  auto v4 = good;
  v4[6] = 4;
  CHECK_THAT(message_of(v4), Catch::Contains("unsupported .npy format version 4.0"));
  auto v11 = good;
  v11[7] = 1;
  CHECK_THAT(message_of(v11), Catch::Contains("version 1.1"));
  auto long_header = good;
  long_header[8] = 0xFF;
  CHECK_THAT(message_of(long_header), Catch::Contains("truncated"));
  // A format 2.0 length of 4 GiB must not be trusted.
  auto huge = make_npy(dict, {7}, 2);
  huge[11] = 0xFF;
  CHECK_THAT(message_of(huge), Catch::Contains("truncated"));
  CHECK_THROWS_AS(apack::parse_npy(nullptr, 0, "empty"), FormatError);
}

TEST_CASE("npy: item sizes from descr", "[npy]") {
  struct Case {
    const char* descr;
    size_t size;
  } cases[] = {{"|i1", 1}, {"|u1", 1},  {"<f4", 4},     {">i2", 2},   {"<f8", 8},
               {"|b1", 1}, {"<U3", 12}, {"|S5", 5},     {"|V16", 16}, {"<c16", 16},
               {"|O", 8},  {"<f2", 2},  {"<M8[ns]", 8}, {"<m8", 8},   {"<u8", 8}};
  for (const auto& c : cases) {
    INFO(c.descr);
    NpyArray a;
    a.descr = c.descr;
    CHECK(a.item_size() == c.size);
  }
  for (const char* bad : {"", "<", "<i", "<i3", "<f1", "|b2", "<x4", "<M8[", "<i4[ns]", "<O9"}) {
    INFO(bad);
    NpyArray a;
    a.descr = bad;
    CHECK_THROWS_AS(a.item_size(), FormatError);
  }
}

TEST_CASE("npy: numpy's header layout", "[npy]") {
  const std::string h = apack::npy_header("|i1", false, {3, 4});
  const std::string dict = "{'descr': '|i1', 'fortran_order': False, 'shape': (3, 4), }";
  REQUIRE(h.size() == 128);
  CHECK(h.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  CHECK(uint8_t(h[8]) == 118);
  CHECK(h[9] == 0);
  CHECK(h.substr(10, dict.size()) == dict);
  CHECK(h.substr(10 + dict.size()) == std::string(117 - dict.size(), ' ') + "\n");

  CHECK(apack::npy_header("|u1", false, {}).find("'shape': (), }") != std::string::npos);
  CHECK(apack::npy_header("|u1", false, {5}).find("'shape': (5,), }") != std::string::npos);
  CHECK_THROWS_AS(apack::npy_header("|i1'", false, {1}), apack::Error);
  CHECK_THROWS_AS(apack::npy_header("|i1", false, std::vector<uint64_t>(65, 1)), apack::Error);
  // Near the largest header: 64 dimensions of 19 digits still fit format 1.0's 16-bit length.
  std::vector<uint64_t> dims(64, 9223372036854775807ull);
  dims[0] = 0;
  const std::string big = apack::npy_header("|i1", false, dims);
  CHECK(big.size() % 64 == 0);
  CHECK(size_t(uint8_t(big[8]) | uint8_t(big[9]) << 8) == big.size() - 10);
  const NpyArray back = parse(std::vector<uint8_t>(big.begin(), big.end()));
  CHECK(back.shape == dims);
  CHECK(back.header == big);
}

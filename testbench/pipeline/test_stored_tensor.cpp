// Stored forms: round trips for every codec choice on peaked int8/uint8 data, the byte
// accounting (header + index + payload), re-opening stored bytes, APack profile and oracle
// tables, and errors.
#include <catch2/catch.hpp>
#include <string>

#include "apack/codec.hpp"
#include "apack/error.hpp"
#include "apack/pipeline/stored_tensor.hpp"
#include "pipeline_test_util.hpp"

using namespace apack;
using namespace apack::pipeline;
using apack::pipeline::test::peaked_int8;
using apack::pipeline::test::peaked_uint8;

namespace {

CodecChoice choice(Codec c, uint32_t chunk) {
  CodecChoice ch;
  ch.codec = c;
  ch.chunk = chunk;
  return ch;
}

// The checks every stored form must pass.
void check_round_trip(const std::vector<uint8_t>& v, ElementFormat f, const CodecChoice& c) {
  const StoredTensor s = encode_tensor(v, f, c, "t");
  CHECK(s.n == v.size());
  CHECK(decode_tensor(s, "t") == v);
  // Bytes add up, and the chunks tile the values and the payload in order.
  CHECK(s.header_bytes + s.index_bytes + s.payload_bytes == s.bytes.size());
  const uint64_t chunks = v.empty() ? 0 : (v.size() - 1) / c.chunk + 1;
  REQUIRE(s.chunks.size() == chunks);
  uint64_t payload = 0;
  for (size_t i = 0; i < s.chunks.size(); ++i) {
    CHECK(s.chunks[i].first_value == i * c.chunk);
    CHECK(s.chunks[i].values == (i + 1 < chunks ? c.chunk : v.size() - i * c.chunk));
    CHECK(s.chunks[i].byte_offset + s.chunks[i].byte_size <= s.bytes.size());
    if (i > 0 && c.codec != Codec::bypass)
      CHECK(s.chunks[i].byte_offset == s.chunks[i - 1].byte_offset + s.chunks[i - 1].byte_size);
    payload += s.chunks[i].byte_size;
  }
  if (c.codec != Codec::bypass) CHECK(payload == s.payload_bytes);
  // Re-opened from the bytes alone (plus n and chunk), the index is the same.
  const StoredTensor o =
      open_stored(s.bytes, c.codec, f, v.size(), c.chunk, c.shapeshifter_group, "t");
  CHECK(o.header_bytes == s.header_bytes);
  CHECK(o.index_bytes == s.index_bytes);
  CHECK(o.payload_bytes == s.payload_bytes);
  REQUIRE(o.chunks.size() == s.chunks.size());
  for (size_t i = 0; i < o.chunks.size(); ++i) {
    CHECK(o.chunks[i].byte_offset == s.chunks[i].byte_offset);
    CHECK(o.chunks[i].byte_size == s.chunks[i].byte_size);
    CHECK(o.chunks[i].prefix_size == s.chunks[i].prefix_size);
  }
  CHECK(decode_tensor(o, "t") == v);
}

}  // namespace

TEST_CASE("every codec choice round-trips peaked int8 and uint8 tensors", "[stored]") {
  const std::vector<uint8_t> w = peaked_int8(20011, 3.0, 1), a = peaked_uint8(20011, 6.0, 2);
  const std::vector<uint8_t> w4 = peaked_int8(5003, 1.5, 3, 4), a4 = peaked_uint8(5003, 2.0, 4, 4);
  for (Codec c : {Codec::apack, Codec::bypass, Codec::zrle, Codec::shapeshifter}) {
    for (uint32_t chunk : {1000u, 4096u, 30000u}) {
      INFO(to_string(c) << " chunk " << chunk);
      check_round_trip(w, {true, 8}, choice(c, chunk));
      check_round_trip(a, {false, 8}, choice(c, chunk));
      check_round_trip(w4, {true, 4}, choice(c, chunk));
      check_round_trip(a4, {false, 4}, choice(c, chunk));
    }
    INFO(to_string(c));
    check_round_trip({}, {true, 8}, choice(c, 64));  // an empty tensor has no chunks
    check_round_trip({5}, {false, 8}, choice(c, 64));
  }
}

TEST_CASE("APack with the oracle table is the codec's own container, byte for byte", "[stored]") {
  const std::vector<uint8_t> w = peaked_int8(30000, 4.0, 5);
  for (Search search : {Search::optimal, Search::sweep}) {
    for (MapChoice map : {MapChoice::raw, MapChoice::zigzag, MapChoice::automatic}) {
      CodecChoice c = choice(Codec::apack, 4096);
      c.search = search;
      c.map = map;
      const StoredTensor s = encode_tensor(w, {true, 8}, c, "w");
      Tensor t;
      t.is_signed = true;
      t.shape = {w.size()};
      t.data = w;
      EncodeOptions o;
      o.chunk = 4096;
      o.search = search;
      o.map = map;
      const EncodeResult r = compress(t, o, "w");
      CHECK(s.bytes == r.container);
      CHECK(s.table == r.table);
      CHECK(s.q == r.q);
      CHECK(s.map == r.map);
      CHECK(s.table_source == TableSource::oracle);
    }
  }
}

TEST_CASE("APack byte accounting: index of two varints per chunk, lean header", "[stored]") {
  // 8 chunks of 4096 peaked values: every stream is 128..16383 bytes, so each of the two
  // varints per chunk takes 2 bytes.
  const std::vector<uint8_t> w = peaked_int8(8 * 4096, 6.0, 6);
  const StoredTensor s = encode_tensor(w, {true, 8}, choice(Codec::apack, 4096), "w");
  REQUIRE(s.chunks.size() == 8);
  for (const StoredChunk& c : s.chunks) {
    const uint64_t offset_size = c.byte_size - c.prefix_size;
    REQUIRE(c.prefix_size >= 128);
    REQUIRE(c.prefix_size < 16384);
    REQUIRE(offset_size >= 128);
    REQUIRE(offset_size < 16384);
  }
  CHECK(s.index_bytes == 8 * 4);
  // Magic, version, flags (5) + shape (1 + 3) + chunk (2) + table (<= 53) + two CRC-32C (8).
  CHECK(s.header_bytes >= 5 + 4 + 2 + 8);
  CHECK(s.header_bytes <= 5 + 4 + 2 + 53 + 8);
  CHECK(s.ratio() == double(s.bytes.size()) / double(w.size()));
  CHECK(s.ratio() < 0.7);  // peaked data compresses (about 5 bits of entropy per value)
  CHECK(s.raw_bytes() == w.size());
}

TEST_CASE("zrle and shapeshifter index: one varint per chunk before the payloads", "[stored]") {
  const std::vector<uint8_t> a = peaked_uint8(3 * 1000 + 17, 5.0, 7);
  for (Codec c : {Codec::zrle, Codec::shapeshifter}) {
    INFO(to_string(c));
    const StoredTensor s = encode_tensor(a, {false, 8}, choice(c, 1000), "a");
    REQUIRE(s.chunks.size() == 4);
    uint64_t index = 0;
    for (const StoredChunk& ch : s.chunks) index += ch.byte_size < 128 ? 1 : 2;
    CHECK(s.header_bytes == 0);
    CHECK(s.index_bytes == index);
    CHECK(s.chunks[0].byte_offset == index);
  }
}

TEST_CASE("bypass packs values at the storage width, MSB first", "[stored]") {
  // Signed 4-bit 1, -2, 7, -8, 3 are the nibbles 1, E, 7, 8, 3: bytes 0x1E 0x78 0x30.
  const std::vector<uint8_t> v = {1, uint8_t(-2), 7, uint8_t(-8), 3};
  const StoredTensor s = encode_tensor(v, {true, 4}, choice(Codec::bypass, 2), "v");
  CHECK(s.bytes == std::vector<uint8_t>{0x1E, 0x78, 0x30});
  CHECK(s.header_bytes + s.index_bytes == 0);
  CHECK(s.ratio() == 1.0);
  REQUIRE(s.chunks.size() == 3);
  CHECK(s.chunks[1].byte_offset == 1);  // values 2..3 are byte 1
  CHECK(s.chunks[1].byte_size == 1);
  CHECK(s.chunks[2].byte_offset == 2);
  CHECK(decode_tensor(s, "v") == v);
  // 3-bit values: chunk boundaries fall inside bytes, neighbouring chunks share a byte.
  const std::vector<uint8_t> u = peaked_uint8(101, 1.0, 8, 3);
  const StoredTensor t = encode_tensor(u, {false, 3}, choice(Codec::bypass, 5), "u");
  CHECK(t.bytes.size() == (101 * 3 + 7) / 8);
  CHECK(t.chunks[1].byte_offset == 15 / 8);
  CHECK(t.chunks[1].byte_size == (30 + 7) / 8 - 15 / 8);
  CHECK(decode_tensor(t, "u") == u);
}

TEST_CASE("range decodes read and decode only the chunks they overlap", "[stored]") {
  const std::vector<uint8_t> w = peaked_int8(10 * 1000 + 333, 3.0, 9);
  const std::vector<std::pair<uint64_t, uint64_t>> ranges = {
      {0, 1}, {999, 2}, {1000, 1000}, {1500, 3000}, {10000, 333}, {10332, 1}, {0, 10333}, {42, 0}};
  for (Codec c : {Codec::apack, Codec::bypass, Codec::zrle, Codec::shapeshifter}) {
    const StoredTensor s = encode_tensor(w, {true, 8}, choice(c, 1000), "w");
    for (auto [first, count] : ranges) {
      INFO(to_string(c) << " [" << first << ", +" << count << ")");
      const RangeDecode r = decode_range(s, first, count, "w");
      CHECK(r.values == std::vector<uint8_t>(w.begin() + first, w.begin() + first + count));
      if (count == 0) {
        CHECK(r.span.byte_size == 0);
        continue;
      }
      const size_t c0 = first / 1000, c1 = (first + count - 1) / 1000 + 1;
      CHECK(r.span.first_chunk == c0);
      CHECK(r.span.end_chunk == c1);
      uint64_t bytes = 0;
      for (size_t i = c0; i < c1; ++i) bytes += s.chunks[i].byte_size;
      CHECK(r.span.byte_size == bytes);
      CHECK(r.span.byte_offset == s.chunks[c0].byte_offset);
      CHECK(r.span.first_value == c0 * 1000);
      CHECK(r.span.values == std::min<uint64_t>(c1 * 1000, w.size()) - c0 * 1000);
    }
    CHECK_THROWS_AS(decode_range(s, 10000, 334, "w"), Error);
    CHECK_THROWS_AS(decode_range(s, 10334, 0, "w"), Error);
  }
}

TEST_CASE("a range decode never touches the bytes of other chunks", "[stored]") {
  const std::vector<uint8_t> w = peaked_int8(5000, 3.0, 10);
  for (Codec c : {Codec::apack, Codec::zrle, Codec::shapeshifter}) {
    INFO(to_string(c));
    StoredTensor s = encode_tensor(w, {true, 8}, choice(c, 1000), "w");
    // Scramble chunks 0, 1 and 3: decoding chunk 2 must still give its values.
    for (size_t i : {0, 1, 3})
      for (uint64_t b = 0; b < s.chunks[i].byte_size; ++b)
        s.bytes[s.chunks[i].byte_offset + b] ^= 0x5A;
    const RangeDecode r = decode_range(s, 2000, 1000, "w");
    CHECK(r.values == std::vector<uint8_t>(w.begin() + 2000, w.begin() + 3000));
  }
}

TEST_CASE("APack profile tables come from calibration data, oracle from the tensor", "[stored]") {
  const std::vector<uint8_t> calib = peaked_int8(50000, 3.0, 11), w = peaked_int8(20000, 3.0, 12);
  TableProfile prof;
  prof.format = {true, 8};
  prof.add(calib.data(), calib.size(), "calibration");
  CHECK(prof.total() == calib.size());
  CodecChoice c = choice(Codec::apack, 4096);
  c.table_source = TableSource::profile;
  c.profile = &prof;
  const StoredTensor p = encode_tensor(w, {true, 8}, c, "w");
  CHECK(p.table_source == TableSource::profile);
  CHECK(decode_tensor(p, "w") == w);
  c.table_source = TableSource::oracle;
  const StoredTensor o = encode_tensor(w, {true, 8}, c, "w");
  // The same distribution: the profile's table costs little over the tensor's own.
  CHECK(double(p.payload_bytes) <= 1.03 * double(o.payload_bytes));
  // The table in the container is the calibration's, not the tensor's.
  c.table_source = TableSource::oracle;
  const StoredTensor calib_oracle = encode_tensor(calib, {true, 8}, c, "calibration");
  CHECK(p.table == calib_oracle.table);
  CHECK(p.map == calib_oracle.map);
}

TEST_CASE("a profile that saw every row gives the codec's counts exactly", "[stored]") {
  // Every uint8 value occurs, so every row of the table holds calibration values and no count
  // needs the q >= 1 floor: profiling the tensor itself is the oracle.
  std::vector<uint8_t> a = peaked_uint8(20000, 8.0, 13);
  for (unsigned b = 0; b < 256; ++b) a.push_back(uint8_t(b));
  TableProfile prof;
  prof.format = {false, 8};
  prof.add(a.data(), a.size(), "a");
  CodecChoice c = choice(Codec::apack, 4096);
  c.table_source = TableSource::profile;
  c.profile = &prof;
  const StoredTensor p = encode_tensor(a, {false, 8}, c, "a");
  c.table_source = TableSource::oracle;
  const StoredTensor o = encode_tensor(a, {false, 8}, c, "a");
  CHECK(p.bytes == o.bytes);
}

TEST_CASE("values the calibration never saw still code: every row has q >= 1", "[stored]") {
  // Calibration within [-3, 3]; the tensor spans the whole int8 range.
  std::vector<uint8_t> calib;
  for (int i = 0; i < 7000; ++i) calib.push_back(uint8_t(int8_t(i % 7 - 3)));
  std::vector<uint8_t> w = peaked_int8(9000, 20.0, 14);
  w.push_back(uint8_t(-128));
  w.push_back(127);
  for (MapChoice map : {MapChoice::raw, MapChoice::zigzag, MapChoice::automatic}) {
    for (Search search : {Search::optimal, Search::sweep}) {
      TableProfile prof;
      prof.format = {true, 8};
      prof.add(calib.data(), calib.size(), "calibration");
      CodecChoice c = choice(Codec::apack, 1024);
      c.table_source = TableSource::profile;
      c.profile = &prof;
      c.map = map;
      c.search = search;
      const StoredTensor s = encode_tensor(w, {true, 8}, c, "w");
      CHECK(decode_tensor(s, "w") == w);
      for (int i = 0; i < kRows; ++i) CHECK((s.table.width(i) == 0) == (s.q[i] == 0));
    }
  }
}

TEST_CASE("stored forms refuse bad input with errors naming it", "[stored]") {
  const std::vector<uint8_t> w = peaked_int8(3000, 3.0, 15);
  CodecChoice c = choice(Codec::apack, 1000);
  c.table_source = TableSource::profile;
  CHECK_THROWS_WITH(encode_tensor(w, {true, 8}, c, "w"),
                    Catch::Contains("w") && Catch::Contains("calibration"));
  TableProfile empty;
  empty.format = {true, 8};
  c.profile = &empty;
  CHECK_THROWS_WITH(encode_tensor(w, {true, 8}, c, "w"), Catch::Contains("empty"));
  TableProfile other;
  other.format = {false, 8};
  other.byte_counts[3] = 10;
  c.profile = &other;
  CHECK_THROWS_WITH(encode_tensor(w, {true, 8}, c, "w"), Catch::Contains("unsigned"));
  // Values that do not fit the width, for every codec.
  for (Codec k : {Codec::apack, Codec::bypass, Codec::zrle, Codec::shapeshifter}) {
    INFO(to_string(k));
    CHECK_THROWS_WITH(encode_tensor(w, {true, 4}, choice(k, 1000), "w4"),
                      Catch::Contains("w4") && Catch::Contains("does not fit"));
    CHECK_THROWS_AS(encode_tensor(w, {true, 8}, choice(k, 0), "w"), Error);
  }
  CHECK_THROWS_AS(parse_codec("lz4", "scenario.yaml"), Error);
  CHECK(parse_codec("shapeshifter", "s") == Codec::shapeshifter);
  CHECK(parse_table_source("profile", "s") == TableSource::profile);
  CHECK_THROWS_WITH(parse_table_source("best", "scenario.yaml"), Catch::Contains("scenario.yaml"));
}

TEST_CASE("re-opened stored bytes that are truncated or corrupt are format errors", "[stored]") {
  const std::vector<uint8_t> w = peaked_int8(3000, 3.0, 16);
  for (Codec k : {Codec::apack, Codec::bypass, Codec::zrle, Codec::shapeshifter}) {
    INFO(to_string(k));
    const StoredTensor s = encode_tensor(w, {true, 8}, choice(k, 1000), "w");
    std::vector<uint8_t> cut(s.bytes.begin(), s.bytes.end() - 1);
    CHECK_THROWS_AS(open_stored(cut, k, {true, 8}, 3000, 1000, 16, "dram"), FormatError);
    // A length no bytes could hold is refused before anything is allocated.
    CHECK_THROWS_AS(open_stored(s.bytes, k, {true, 8}, uint64_t(1) << 62, 1, 16, "dram"),
                    FormatError);
  }
  // APack: its header must agree with what the mapping expects, and its CRC with its bytes.
  const StoredTensor s = encode_tensor(w, {true, 8}, choice(Codec::apack, 1000), "w");
  CHECK_THROWS_WITH(open_stored(s.bytes, Codec::apack, {true, 8}, 3000, 500, 16, "dram"),
                    Catch::Contains("dram") && Catch::Contains("chunks hold 1000"));
  CHECK_THROWS_AS(open_stored(s.bytes, Codec::apack, {false, 8}, 3000, 1000, 16, "dram"),
                  FormatError);
  std::vector<uint8_t> bad = s.bytes;
  bad[bad.size() / 2] ^= 1;
  CHECK_THROWS_AS(open_stored(bad, Codec::apack, {true, 8}, 3000, 1000, 16, "dram"), FormatError);
  // A corrupt chunk found by a range decode (no CRC on that path) is a format error, not a crash.
  StoredTensor t = s;
  for (uint64_t b = 0; b < t.chunks[1].byte_size; ++b) t.bytes[t.chunks[1].byte_offset + b] = 0xFF;
  try {
    const RangeDecode r = decode_range(t, 1000, 1000, "dram");
    CHECK(r.values.size() == 1000);  // some byte patterns decode; they must not overrun
  } catch (const FormatError& e) {
    CHECK_THAT(e.what(), Catch::Contains("chunk 1"));
  }
  // zrle: trailing bytes after the last chunk.
  const StoredTensor z = encode_tensor(w, {true, 8}, choice(Codec::zrle, 1000), "w");
  std::vector<uint8_t> longer = z.bytes;
  longer.push_back(0);
  CHECK_THROWS_WITH(open_stored(longer, Codec::zrle, {true, 8}, 3000, 1000, 16, "dram"),
                    Catch::Contains("follow the last chunk"));
}

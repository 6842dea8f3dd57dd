// The three published test vectors of spec section 8 must be reproduced exactly: the sweep table,
// its estimate, the coding counts, and the streams of the tensor coded as one chunk.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../test_util.hpp"
#include "apack/chunk_coder.hpp"
#include "apack/codec.hpp"
#include "apack/npy.hpp"

using namespace apack;

namespace {

std::string local_name(const std::string& file) {
  // The JSON names two files by their original paths; the copies here are flattened.
  if (file == "mobilenet_v2/weight_0_flat.npy") return "mobilenet_v2_weight_0.npy";
  if (file == "mobilenet_v2/weight_43_flat.npy") return "mobilenet_v2_weight_43.npy";
  return file;
}

}  // namespace

TEST_CASE("spec test vectors are reproduced bit for bit", "[vectors]") {
  const std::string dir = APACK_VECTORS_DIR;
  const auto vectors = nlohmann::json::parse(test::read_file(dir + "/apack_vectors.json"));
  REQUIRE(vectors.size() == 3);
  for (const auto& v : vectors) {
    const std::string file = v["file"];
    SECTION(file) {
      const auto bytes = test::read_file(dir + "/" + local_name(file));
      const NpyArray a = parse_npy(bytes.data(), bytes.size(), file);
      REQUIRE(a.descr == "|u1");
      REQUIRE(a.data.size() == v["n"].get<size_t>());
      CHECK(test::sha256_hex(a.data) == v["input_sha256"].get<std::string>());

      const Histogram h = make_histogram(a.data.data(), a.data.size(), 8);
      const Table t = search_sweep(h, 8);
      const TableReport rep = describe_table(t, h);
      for (int i = 0; i < kRows; ++i) {
        const auto& row = v["table"][i];
        INFO("row " << i);
        CHECK(rep.rows[i].vmin == row["vmin"].get<uint32_t>());
        CHECK(rep.rows[i].ol == row["ol"].get<int>());
        CHECK(rep.rows[i].abits == row["abits"].get<uint64_t>());
        CHECK(rep.rows[i].obits == row["obits"].get<uint64_t>());
        CHECK(rep.rows[i].vcnt == row["vcnt"].get<uint64_t>());
      }
      CHECK(rep.estimate_bits == v["estimate_bits"].get<uint64_t>());

      std::array<uint64_t, kRows> c{};
      for (int i = 0; i < kRows; ++i) c[i] = rep.rows[i].vcnt;
      const Counts q = coding_counts(c);
      for (int i = 0; i < kRows; ++i) CHECK(q[i] == v["q"][i].get<uint32_t>());

      const CodingModel model(t, q);
      const CodedChunk coded = encode_chunk(model, a.data.data(), a.data.size());
      CHECK(coded.prefix_bits == v["prefix_bits"].get<uint64_t>());
      CHECK(coded.offset_bits == v["offset_bits"].get<uint64_t>());
      CHECK(test::sha256_hex(coded.prefix) == v["prefix_sha256"].get<std::string>());
      CHECK(test::sha256_hex(coded.offset) == v["offset_sha256"].get<std::string>());

      std::vector<uint8_t> back(a.data.size());
      decode_chunk(model, coded.prefix.data(), coded.prefix.size(), coded.offset.data(),
                   coded.offset.size(), back.data(), back.size());
      CHECK(back == a.data);
    }
  }
}

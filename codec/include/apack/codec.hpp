// The tensor-level codec: an array in, an APack container out, and back. Chunks are coded on
// several threads; the container layout is documented in docs/container-format.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "apack/chunk_coder.hpp"
#include "apack/container.hpp"
#include "apack/table.hpp"
#include "apack/value_map.hpp"

namespace apack {

constexpr uint32_t kDefaultChunk = 4096;

struct EncodeOptions {
  int bits = 8;                    // 2..8
  uint32_t chunk = kDefaultChunk;  // values per chunk
  Search search = Search::optimal;
  MapChoice map = MapChoice::automatic;
  unsigned threads = 0;  // 0 = all cores
};

// An int8/uint8 array as the codec sees it.
struct Tensor {
  bool is_signed = false;
  std::vector<uint64_t> shape;
  std::vector<uint8_t> data;
  // The .npy header to restore. Empty means the canonical numpy.save header for dtype and shape,
  // which the container then does not store.
  std::string npy_header;
};

struct EncodeResult {
  std::vector<uint8_t> container;
  Table table;
  ValueMap map = ValueMap::raw;
  Counts q{};
  TableReport report;        // section-3 estimate of the chosen table
  uint64_t prefix_bits = 0;  // sums over chunks
  uint64_t offset_bits = 0;
  size_t chunks = 0;
};

// The table, map and counts compress() would use, without coding anything.
struct TablePlan {
  ValueMap map = ValueMap::raw;
  Table table;
  Counts q{};
  TableReport report;         // section-3 estimate of `table`
  double predicted_bits = 0;  // prefixes at the q probabilities, plus offsets
};
TablePlan plan_table(const Tensor& t, const EncodeOptions& o, const std::string& what);

EncodeResult compress(const Tensor& t, const EncodeOptions& o, const std::string& what);

struct DecodeOptions {
  unsigned threads = 0;  // 0 = all cores
  // A container of a constant tensor is a few bytes whatever its length, so the decoder refuses
  // to allocate more than this many values instead of exhausting memory.
  uint64_t max_values = uint64_t(1) << 36;
  bool check_crc = true;  // fuzzing turns it off to reach the decoder
};

// Decodes and checks a container (CRC-32C of the bytes, checksum of the decoded values).
Tensor decompress(const uint8_t* bytes, size_t size, const DecodeOptions& o,
                  const std::string& what);

// The same in two steps, for callers that place the values themselves (the CLI decodes straight
// behind the .npy header, with no copy and no zero-fill): the parsed, checked header (CRC and the
// value limit of `o`), then decoding into a buffer of h.n bytes.
ContainerHeader open_container(const uint8_t* bytes, size_t size, const DecodeOptions& o,
                               const std::string& what);
void decompress_into(const uint8_t* bytes, const ContainerHeader& h, const DecodeOptions& o,
                     uint8_t* out, const std::string& what);

// 0 -> the number of cores.
unsigned resolve_threads(unsigned requested);

}  // namespace apack

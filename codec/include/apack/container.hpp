// The APack container: one tensor's table, chunk index and streams in a lean byte layout
// (documented in docs/container-format.md). Parsing validates everything it reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "apack/counts.hpp"
#include "apack/table.hpp"
#include "apack/value_map.hpp"

namespace apack {

constexpr uint8_t kContainerVersion = 1;

struct ChunkRef {
  uint64_t prefix_pos = 0, prefix_size = 0;  // byte positions within the container
  uint64_t offset_pos = 0, offset_size = 0;
  uint64_t first_value = 0, values = 0;
};

struct ContainerHeader {
  ElementFormat format;
  ValueMap map = ValueMap::raw;
  Search search = Search::optimal;
  std::vector<uint64_t> shape;
  uint64_t n = 0;  // product of shape
  uint32_t chunk = 0;
  std::string npy_header;  // empty: the canonical numpy.save header
  Table table;
  Counts q{};
  uint32_t data_crc = 0;  // CRC-32C of the decoded array bytes
  std::vector<ChunkRef> chunks;
  uint64_t header_size = 0;  // bytes before the first stream
};

// Serialises header and streams; `streams` holds per chunk the prefix then the offset bytes.
std::vector<uint8_t> write_container(const ContainerHeader& h,
                                     const std::vector<std::vector<uint8_t>>& prefix,
                                     const std::vector<std::vector<uint8_t>>& offset);

// Parses and validates; `what` names the input in messages. Checks the CRC-32C of the bytes
// (on `threads` threads) unless `check_crc` is false (fuzzing, to reach the decoder).
ContainerHeader read_container(const uint8_t* bytes, size_t size, const std::string& what,
                               bool check_crc = true, unsigned threads = 1);

}  // namespace apack

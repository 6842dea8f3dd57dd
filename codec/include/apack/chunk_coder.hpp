// Coding one chunk of codes (spec section 6): an arithmetic-coded prefix stream of row indices
// and a separate raw offset stream. Chunks are independent: each starts a fresh coder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "apack/counts.hpp"
#include "apack/error.hpp"
#include "apack/table.hpp"
#include "apack/value_map.hpp"

namespace apack {

struct CodedChunk {
  std::vector<uint8_t> prefix;  // MSB-first, zero-padded
  std::vector<uint8_t> offset;  // MSB-first, zero-padded
  uint64_t prefix_bits = 0;
  uint64_t offset_bits = 0;
};

// Everything both sides derive once per tensor from the table and the coding counts. The hot
// loops index one packed entry per value (by code when encoding, by cumulative count when
// decoding) instead of five separate arrays.
struct CodingModel {
  struct Row {
    uint16_t cum_lo = 0, cum_hi = 0;  // CUM[s], CUM[s+1] (at most 1024)
    uint16_t width = 0;               // vmin[s+1] - vmin[s]
    uint8_t vmin = 0;                 // only rows that hold values are looked up, so < 256
    uint8_t ol = 0;
    uint8_t index = 0;  // s
  };
  Table table;
  Counts q{};
  Cumulative cum{};
  std::array<Row, kRows> rows{};
  std::array<Row, kCountTotal> row_of_count{};  // cumulative count -> its row (decoder)
  // The coder reads and writes stored bytes; the value map is folded into these tables.
  std::array<uint8_t, 256> row_of_byte{};     // stored byte -> row of its code
  std::array<uint8_t, 256> offset_of_byte{};  // stored byte -> offset of its code in that row
  std::array<uint8_t, 256> byte_of_code{};    // code -> stored byte

  // Without a map, bytes are the codes themselves.
  CodingModel(const Table& t, const Counts& counts, const CodeMap* map = nullptr);
};

CodedChunk encode_chunk(const CodingModel& m, const uint8_t* values, size_t n);

// Several chunks coded in lockstep by one thread. Each chunk's coder is a serial chain of
// dependent operations; interleaving independent chunks lets the CPU overlap them, as the
// hardware's P-stage pipeline does. The results equal coding each chunk alone.
struct EncodeJob {
  const uint8_t* values = nullptr;  // stored bytes (codes when the model has no map)
  size_t n = 0;
  CodedChunk* result = nullptr;
};
void encode_chunks(const CodingModel& m, const EncodeJob* jobs, size_t count);

struct DecodeJob {
  const uint8_t* prefix = nullptr;
  size_t prefix_size = 0;
  const uint8_t* offset = nullptr;
  size_t offset_size = 0;
  uint8_t* out = nullptr;
  size_t n = 0;
};
// Raised by decode_chunks: the position in `jobs` of the chunk that failed, and why.
class ChunkError : public FormatError {
 public:
  ChunkError(size_t job_index, const std::string& why) : FormatError(why), job(job_index) {}
  size_t job;
};
void decode_chunks(const CodingModel& m, const DecodeJob* jobs, size_t count);

// Decodes n codes into out. Throws FormatError when the streams cannot be what an encoder wrote
// (an offset outside its row, an offset stream that runs out).
void decode_chunk(const CodingModel& m, const uint8_t* prefix, size_t prefix_size,
                  const uint8_t* offset, size_t offset_size, uint8_t* out, size_t n);

}  // namespace apack

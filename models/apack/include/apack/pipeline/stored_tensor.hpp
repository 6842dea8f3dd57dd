// A tensor in its stored form, the bytes the platform keeps in DRAM (docs/apack-pipeline.md):
// an APack container (table from a calibration profile or from the tensor itself), raw values
// at the storage width (bypass), or a comparison codec (zero run-length, ShapeShifter-style)
// coded chunk by chunk. Every form is chunk-aligned: a tile fetch reads and decodes only the
// chunks it overlaps, and the header, table and chunk index bytes count as stored bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "apack/codec.hpp"
#include "apack/counts.hpp"
#include "apack/table.hpp"
#include "apack/value_map.hpp"

namespace apack::pipeline {

enum class Codec { apack, bypass, zrle, shapeshifter };
const char* to_string(Codec c);
// "apack", "bypass", "zrle", "shapeshifter"; anything else is an apack::Error naming `what`.
Codec parse_codec(const std::string& name, const std::string& what);

// Where an APack table comes from: `profile`, a table computed from calibration data (what
// hardware would load ahead of a run), or `oracle`, the table of the tensor itself (an upper
// bound on what any loaded table achieves).
enum class TableSource { profile, oracle };
const char* to_string(TableSource s);
TableSource parse_table_source(const std::string& name, const std::string& what);

// Calibration data for `profile` tables: how often each stored byte occurred in the tensors
// profiled (for example the activations of one layer on the calibration inputs).
struct TableProfile {
  ElementFormat format;
  std::vector<uint64_t> byte_counts = std::vector<uint64_t>(256, 0);
  // Adds values (stored bytes of `format`); refuses values the format cannot hold.
  void add(const uint8_t* values, size_t n, const std::string& what);
  uint64_t total() const;
};

struct CodecChoice {
  Codec codec = Codec::apack;
  uint32_t chunk = kDefaultChunk;  // values per chunk, every codec
  // APack only.
  Search search = Search::optimal;
  MapChoice map = MapChoice::automatic;
  TableSource table_source = TableSource::oracle;
  const TableProfile* profile = nullptr;  // required when table_source is profile
  // ShapeShifter only: values per group (compare.hpp).
  int shapeshifter_group = 16;
  unsigned threads = 0;  // 0 = all cores; the stored bytes do not depend on it
};

// One chunk's bytes within StoredTensor::bytes and the values it holds.
struct StoredChunk {
  uint64_t byte_offset = 0, byte_size = 0;
  uint64_t first_value = 0, values = 0;
  // APack: the chunk's bytes are its prefix stream (this many bytes) then its offset stream.
  uint64_t prefix_size = 0;
};

struct StoredTensor {
  Codec codec = Codec::apack;
  ElementFormat format;
  uint64_t n = 0;      // values
  uint32_t chunk = 0;  // values per chunk
  std::vector<uint8_t> bytes;
  std::vector<StoredChunk> chunks;
  // bytes.size() = header_bytes + index_bytes + payload_bytes. Header: the container's header,
  // table and checksums (APack only); index: the chunk index; payload: the chunks' streams.
  uint64_t header_bytes = 0, index_bytes = 0, payload_bytes = 0;

  // APack only: the table the container holds and where it came from.
  TableSource table_source = TableSource::oracle;
  ValueMap map = ValueMap::raw;
  Table table;
  Counts q{};
  int shapeshifter_group = 16;

  uint64_t stored_bytes() const { return bytes.size(); }
  // The values packed at the storage width, ceil(n * bits / 8): what bypass stores.
  uint64_t raw_bytes() const;
  // stored / raw (1 for an empty tensor): below 1 is a saving.
  double ratio() const;
};

// `values` are stored bytes of `format` (int8 as its two's-complement byte). `what` names the
// tensor in error messages.
StoredTensor encode_tensor(const uint8_t* values, size_t n, ElementFormat format,
                           const CodecChoice& choice, const std::string& what);
inline StoredTensor encode_tensor(const std::vector<uint8_t>& values, ElementFormat format,
                                  const CodecChoice& choice, const std::string& what) {
  return encode_tensor(values.data(), values.size(), format, choice, what);
}

// Rebuilds the chunk index of stored bytes read back (from DRAM): the container's own header
// for APack; n and chunk, which the platform's mapping knows, for the other codecs. Everything is
// validated; inconsistent bytes are an apack::FormatError naming `what`. `check_checksum` false
// skips the CRC-32C over the whole APack container: a codec that has fetched only the header and
// chunk index (the payload bytes arrive later, per tile) opens the tensor that way.
StoredTensor open_stored(std::vector<uint8_t> bytes, Codec codec, ElementFormat format, uint64_t n,
                         uint32_t chunk, int shapeshifter_group, const std::string& what,
                         bool check_checksum = true);

// Every value, checked (APack: both CRC-32Cs of the container).
std::vector<uint8_t> decode_tensor(const StoredTensor& s, const std::string& what);

// The chunks [first_chunk, end_chunk) holding values [first, first + count) and their bytes,
// which are contiguous in every form (bypass chunks of a width that is not a whole number of
// bytes may share their boundary byte with a neighbour).
struct ChunkSpan {
  size_t first_chunk = 0, end_chunk = 0;
  uint64_t byte_offset = 0, byte_size = 0;
  uint64_t first_value = 0, values = 0;  // the values those chunks decode to
};
ChunkSpan chunks_for_range(const StoredTensor& s, uint64_t first, uint64_t count,
                           const std::string& what);

struct RangeDecode {
  std::vector<uint8_t> values;  // exactly the `count` values asked for
  ChunkSpan span;               // what was read and decoded to produce them
};
// Decodes only the chunks overlapping [first, first + count). The data checksum of an APack
// container covers the whole tensor, so a range decode cannot check it; the streams' own
// consistency checks still apply.
RangeDecode decode_range(const StoredTensor& s, uint64_t first, uint64_t count,
                         const std::string& what);

}  // namespace apack::pipeline

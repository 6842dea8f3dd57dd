// The stored forms' common entry points: dispatch by codec, the chunk layout, and range
// decoding of just the chunks a tile needs.
#include "apack/pipeline/stored_tensor.hpp"

#include <algorithm>

#include "apack/error.hpp"
#include "stored_detail.hpp"

namespace apack::pipeline {

namespace detail {

std::vector<StoredChunk> chunk_layout(uint64_t n, uint32_t chunk, const std::string& what) {
  if (chunk == 0) throw Error(what + ": the chunk size must be at least 1 value");
  const uint64_t count = n == 0 ? 0 : (n - 1) / chunk + 1;
  std::vector<StoredChunk> out(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    out[i].first_value = i * chunk;
    out[i].values = std::min<uint64_t>(chunk, n - i * chunk);
  }
  return out;
}

uint64_t varint_size(uint64_t v) {
  uint64_t b = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++b;
  }
  return b;
}

}  // namespace detail

uint64_t StoredTensor::raw_bytes() const { return (n * uint64_t(format.bits) + 7) / 8; }

double StoredTensor::ratio() const {
  const uint64_t raw = raw_bytes();
  return raw == 0 ? 1.0 : double(bytes.size()) / double(raw);
}

StoredTensor encode_tensor(const uint8_t* values, size_t n, ElementFormat format,
                           const CodecChoice& choice, const std::string& what) {
  if (choice.codec == Codec::apack) return detail::encode_apack(values, n, format, choice, what);
  return detail::encode_simple(values, n, format, choice, what);
}

StoredTensor open_stored(std::vector<uint8_t> bytes, Codec codec, ElementFormat format, uint64_t n,
                         uint32_t chunk, int shapeshifter_group, const std::string& what,
                         bool check_checksum) {
  if (codec == Codec::apack)
    return detail::open_apack(std::move(bytes), format, n, chunk, what, check_checksum);
  return detail::open_simple(std::move(bytes), codec, format, n, chunk, shapeshifter_group, what);
}

std::vector<uint8_t> decode_tensor(const StoredTensor& s, const std::string& what) {
  if (s.codec == Codec::apack) return detail::decode_apack(s, what);
  std::vector<uint8_t> out(size_t(s.n));
  detail::decode_simple_chunks(s, 0, s.chunks.size(), out.data(), what);
  return out;
}

ChunkSpan chunks_for_range(const StoredTensor& s, uint64_t first, uint64_t count,
                           const std::string& what) {
  if (first > s.n || count > s.n - first)
    throw Error(what + ": values [" + std::to_string(first) + ", " + std::to_string(first) + " + " +
                std::to_string(count) + ") lie outside the tensor's " + std::to_string(s.n) +
                " values");
  ChunkSpan span;
  if (count == 0) return span;
  span.first_chunk = size_t(first / s.chunk);
  span.end_chunk = size_t((first + count - 1) / s.chunk + 1);
  const StoredChunk& a = s.chunks.at(span.first_chunk);
  const StoredChunk& b = s.chunks.at(span.end_chunk - 1);
  span.byte_offset = a.byte_offset;
  span.byte_size = b.byte_offset + b.byte_size - a.byte_offset;
  span.first_value = a.first_value;
  span.values = b.first_value + b.values - a.first_value;
  return span;
}

RangeDecode decode_range(const StoredTensor& s, uint64_t first, uint64_t count,
                         const std::string& what) {
  RangeDecode r;
  r.span = chunks_for_range(s, first, count, what);
  if (count == 0) return r;
  std::vector<uint8_t> all(size_t(r.span.values));
  if (s.codec == Codec::apack)
    detail::decode_apack_chunks(s, r.span.first_chunk, r.span.end_chunk, all.data(), what);
  else
    detail::decode_simple_chunks(s, r.span.first_chunk, r.span.end_chunk, all.data(), what);
  const uint64_t skip = first - r.span.first_value;
  r.values.assign(all.begin() + skip, all.begin() + skip + count);
  return r;
}

}  // namespace apack::pipeline

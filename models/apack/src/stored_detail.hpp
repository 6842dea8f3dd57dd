// Internal pieces of the stored forms, one file per codec family.
#pragma once

#include <string>

#include "apack/pipeline/stored_tensor.hpp"

namespace apack::pipeline::detail {

// APack (stored_apack.cpp).
StoredTensor encode_apack(const uint8_t* values, size_t n, ElementFormat f, const CodecChoice& c,
                          const std::string& what);
StoredTensor open_apack(std::vector<uint8_t> bytes, ElementFormat f, uint64_t n, uint32_t chunk,
                        const std::string& what, bool check_checksum);
std::vector<uint8_t> decode_apack(const StoredTensor& s, const std::string& what);
// Decodes chunks [first, end) into `out` (their values, in order).
void decode_apack_chunks(const StoredTensor& s, size_t first, size_t end, uint8_t* out,
                         const std::string& what);

// Bypass, zrle and shapeshifter (stored_simple.cpp).
StoredTensor encode_simple(const uint8_t* values, size_t n, ElementFormat f, const CodecChoice& c,
                           const std::string& what);
StoredTensor open_simple(std::vector<uint8_t> bytes, Codec codec, ElementFormat f, uint64_t n,
                         uint32_t chunk, int group, const std::string& what);
void decode_simple_chunks(const StoredTensor& s, size_t first, size_t end, uint8_t* out,
                          const std::string& what);

// Chunk value ranges of n values in chunks of `chunk` (the last shorter).
std::vector<StoredChunk> chunk_layout(uint64_t n, uint32_t chunk, const std::string& what);
// Bytes of an unsigned LEB128 varint (the container's and our index's integer format).
uint64_t varint_size(uint64_t v);

}  // namespace apack::pipeline::detail

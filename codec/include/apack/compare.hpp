// Comparison codecs for `apack stats`: what APack is measured against. Each is a real encoder
// with a decoder, so its size is a size someone could store and read back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "apack/value_map.hpp"

namespace apack::compare {

// Zero run-length coding of `bits`-bit codes (layout in docs/comparison-codecs.md).
std::vector<uint8_t> zrle_encode(const uint8_t* values, size_t n, ElementFormat f);
std::vector<uint8_t> zrle_decode(const uint8_t* bytes, size_t size, size_t n, ElementFormat f);

// ShapeShifter-style per-group precision: groups of `group` values, each with a width header.
std::vector<uint8_t> shapeshifter_encode(const uint8_t* values, size_t n, ElementFormat f,
                                         int group = 16);
std::vector<uint8_t> shapeshifter_decode(const uint8_t* bytes, size_t size, size_t n,
                                         ElementFormat f, int group = 16);

// General-purpose codecs through their libraries.
std::vector<uint8_t> zstd_compress(const uint8_t* data, size_t n, int level);
std::vector<uint8_t> zstd_decompress(const uint8_t* bytes, size_t size, size_t n);
std::vector<uint8_t> deflate_compress(const uint8_t* data, size_t n, int level);
std::vector<uint8_t> deflate_decompress(const uint8_t* bytes, size_t size, size_t n);

}  // namespace apack::compare

// Stored forms without a table: bypass (values bit-packed at the storage width, no index: a
// chunk's bytes follow from its position) and the comparison codecs of compare.hpp coded chunk
// by chunk behind an index of one varint per chunk (its byte size), so that a tile fetch can
// decode just its chunks as with APack. N and the chunk size come from the platform's mapping,
// as the raw form's shape does, and are not stored.
#include <algorithm>

#include "apack/compare.hpp"
#include "apack/error.hpp"
#include "stored_detail.hpp"

namespace apack::pipeline::detail {

namespace {

void put_varint(std::vector<uint8_t>& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(uint8_t(v | 0x80));
    v >>= 7;
  }
  out.push_back(uint8_t(v));
}

// Bit-packs n values MSB-first at `bits` bits (the value's low bits; signed values are
// two's complement), the last byte zero-padded.
std::vector<uint8_t> pack(const uint8_t* values, size_t n, int bits) {
  if (bits == 8) return std::vector<uint8_t>(values, values + n);
  std::vector<uint8_t> out((uint64_t(n) * bits + 7) / 8, 0);
  const unsigned mask = (1u << bits) - 1;
  uint64_t pos = 0;
  for (size_t i = 0; i < n; ++i, pos += bits) {
    const unsigned v = values[i] & mask;
    // A field of at most 8 bits spans at most two bytes.
    const unsigned shift = unsigned(pos % 8);
    const uint32_t field = uint32_t(v) << (16 - bits - shift);
    out[pos / 8] |= uint8_t(field >> 8);
    if (shift + bits > 8) out[pos / 8 + 1] |= uint8_t(field);
  }
  return out;
}

// Values [first, first + n) of a packed array, sign-extended where signed.
void unpack(const uint8_t* bytes, size_t size, uint64_t first, size_t n, ElementFormat f,
            uint8_t* out, const std::string& what) {
  const uint64_t need = ((first + n) * uint64_t(f.bits) + 7) / 8;
  if (need > size)
    throw FormatError(what + ": the raw values need " + std::to_string(need) + " bytes, " +
                      std::to_string(size) + " are stored");
  if (f.bits == 8) {
    std::copy(bytes + first, bytes + first + n, out);
    return;
  }
  const unsigned mask = (1u << f.bits) - 1, sign = 1u << (f.bits - 1);
  uint64_t pos = first * uint64_t(f.bits);
  for (size_t i = 0; i < n; ++i, pos += f.bits) {
    const unsigned shift = unsigned(pos % 8);
    uint32_t two = uint32_t(bytes[pos / 8]) << 8;
    if (shift + f.bits > 8) two |= bytes[pos / 8 + 1];
    const unsigned v = (two >> (16 - f.bits - shift)) & mask;
    out[i] = f.is_signed && (v & sign) ? uint8_t(v | ~mask) : uint8_t(v);
  }
}

std::vector<uint8_t> encode_chunk(Codec codec, const uint8_t* v, size_t n, ElementFormat f,
                                  int group) {
  return codec == Codec::zrle ? compare::zrle_encode(v, n, f)
                              : compare::shapeshifter_encode(v, n, f, group);
}

}  // namespace

StoredTensor encode_simple(const uint8_t* values, size_t n, ElementFormat f, const CodecChoice& c,
                           const std::string& what) {
  if (f.bits < 2 || f.bits > 8)
    throw Error(what + ": values must be 2 to 8 bits wide, got " + std::to_string(f.bits));
  check_values(values, n, f, what);
  StoredTensor s;
  s.codec = c.codec;
  s.format = f;
  s.n = n;
  s.chunk = c.chunk;
  s.shapeshifter_group = c.shapeshifter_group;
  s.chunks = chunk_layout(n, c.chunk, what);
  if (c.codec == Codec::bypass) {
    s.bytes = pack(values, n, f.bits);
    for (StoredChunk& ch : s.chunks) {
      ch.byte_offset = ch.first_value * f.bits / 8;
      ch.byte_size = ((ch.first_value + ch.values) * f.bits + 7) / 8 - ch.byte_offset;
    }
    s.payload_bytes = s.bytes.size();
    return s;
  }
  if (c.codec == Codec::shapeshifter && c.shapeshifter_group < 1)
    throw Error(what + ": the ShapeShifter group must hold at least 1 value, got " +
                std::to_string(c.shapeshifter_group));
  std::vector<std::vector<uint8_t>> coded(s.chunks.size());
  for (size_t i = 0; i < s.chunks.size(); ++i)
    coded[i] = encode_chunk(c.codec, values + s.chunks[i].first_value, size_t(s.chunks[i].values),
                            f, c.shapeshifter_group);
  for (const auto& b : coded) put_varint(s.bytes, b.size());
  s.index_bytes = s.bytes.size();
  for (size_t i = 0; i < s.chunks.size(); ++i) {
    s.chunks[i].byte_offset = s.bytes.size();
    s.chunks[i].byte_size = coded[i].size();
    s.bytes.insert(s.bytes.end(), coded[i].begin(), coded[i].end());
  }
  s.payload_bytes = s.bytes.size() - s.index_bytes;
  return s;
}

StoredTensor open_simple(std::vector<uint8_t> bytes, Codec codec, ElementFormat f, uint64_t n,
                         uint32_t chunk, int group, const std::string& what) {
  if (f.bits < 2 || f.bits > 8)
    throw Error(what + ": values must be 2 to 8 bits wide, got " + std::to_string(f.bits));
  if (chunk == 0) throw Error(what + ": the chunk size must be at least 1 value");
  // Checked before the index is allocated: every chunk takes at least one stored byte (raw
  // values) or one index byte (the others), so n cannot exceed what the bytes could hold.
  const uint64_t chunks = n == 0 ? 0 : (n - 1) / chunk + 1;
  if (chunks > bytes.size() || (codec == Codec::bypass && n / 8 > bytes.size()))
    throw FormatError(what + ": " + std::to_string(bytes.size()) + " stored bytes cannot hold " +
                      std::to_string(n) + " values in " + std::to_string(chunks) + " chunks");
  StoredTensor s;
  s.codec = codec;
  s.format = f;
  s.n = n;
  s.chunk = chunk;
  s.shapeshifter_group = group;
  s.chunks = chunk_layout(n, chunk, what);
  if (codec == Codec::bypass) {
    const uint64_t need = (n * uint64_t(f.bits) + 7) / 8;
    if (bytes.size() != need)
      throw FormatError(what + ": " + std::to_string(n) + " raw " + std::to_string(f.bits) +
                        "-bit values take " + std::to_string(need) + " bytes, " +
                        std::to_string(bytes.size()) + " are stored");
    for (StoredChunk& ch : s.chunks) {
      ch.byte_offset = ch.first_value * f.bits / 8;
      ch.byte_size = ((ch.first_value + ch.values) * f.bits + 7) / 8 - ch.byte_offset;
    }
    s.bytes = std::move(bytes);
    s.payload_bytes = s.bytes.size();
    return s;
  }
  // The index: one varint per chunk, each checked against what is left.
  size_t pos = 0;
  std::vector<uint64_t> sizes;
  sizes.reserve(s.chunks.size());
  for (size_t i = 0; i < s.chunks.size(); ++i) {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      if (pos >= bytes.size())
        throw FormatError(what + ": the chunk index ends inside chunk " + std::to_string(i) +
                          "'s size");
      if (shift > 63)
        throw FormatError(what + ": chunk " + std::to_string(i) + "'s size overflows");
      const uint8_t b = bytes[pos++];
      v |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
    }
    sizes.push_back(v);
  }
  s.index_bytes = pos;
  uint64_t at = pos;
  for (size_t i = 0; i < s.chunks.size(); ++i) {
    if (sizes[i] > bytes.size() - at)
      throw FormatError(what + ": chunk " + std::to_string(i) + " (" + std::to_string(sizes[i]) +
                        " bytes) runs past the " + std::to_string(bytes.size()) + " stored bytes");
    s.chunks[i].byte_offset = at;
    s.chunks[i].byte_size = sizes[i];
    at += sizes[i];
  }
  if (at != bytes.size())
    throw FormatError(what + ": " + std::to_string(bytes.size() - at) +
                      " bytes follow the last chunk");
  s.bytes = std::move(bytes);
  s.payload_bytes = s.bytes.size() - s.index_bytes;
  return s;
}

void decode_simple_chunks(const StoredTensor& s, size_t first, size_t end, uint8_t* out,
                          const std::string& what) {
  if (first >= end) return;
  if (s.codec == Codec::bypass) {
    const uint64_t v0 = s.chunks[first].first_value;
    const uint64_t n = s.chunks[end - 1].first_value + s.chunks[end - 1].values - v0;
    unpack(s.bytes.data(), s.bytes.size(), v0, size_t(n), s.format, out, what);
    return;
  }
  for (size_t i = first; i < end; ++i) {
    const StoredChunk& c = s.chunks[i];
    if (c.byte_offset + c.byte_size > s.bytes.size())
      throw FormatError(what + ": chunk " + std::to_string(i) + " lies past the stored bytes");
    try {
      const std::vector<uint8_t> v =
          s.codec == Codec::zrle
              ? compare::zrle_decode(s.bytes.data() + c.byte_offset, size_t(c.byte_size),
                                     size_t(c.values), s.format)
              : compare::shapeshifter_decode(s.bytes.data() + c.byte_offset, size_t(c.byte_size),
                                             size_t(c.values), s.format, s.shapeshifter_group);
      if (v.size() != c.values)
        throw FormatError("decoded " + std::to_string(v.size()) + " values, expected " +
                          std::to_string(c.values));
      std::copy(v.begin(), v.end(), out);
    } catch (const FormatError& e) {
      throw FormatError(what + ": chunk " + std::to_string(i) + ": " + e.what());
    }
    out += c.values;
  }
}

}  // namespace apack::pipeline::detail

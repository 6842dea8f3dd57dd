// Container layout (all integers little-endian; varint = unsigned LEB128):
//   "APK" version | flags | varint ndim, dims | varint chunk | [varint len, npy header]
//   | table (bit-packed) | u32 data CRC | chunk index (varint prefix bytes, varint offset bytes)
//   | streams (prefix then offset, chunk after chunk, no padding) | u32 CRC-32C of all before.
// What can be derived is not stored: N from the shape, OL from the boundaries, the last q from
// the sum, chunk value counts from N and the chunk size. docs/container-format.md has the details.
#include "apack/container.hpp"

#include <algorithm>
#include <cstring>

#include "apack/bitio.hpp"
#include "apack/crc32c.hpp"
#include "apack/error.hpp"

namespace apack {

namespace {

constexpr uint8_t kMagic[3] = {'A', 'P', 'K'};
constexpr int kCountWidthBits = 4;  // the width of the stored q fields, 1..11 (q <= 1024)
// The table's largest encoding: 15 Exp-Golomb widths of at most 17 bits, the count width, and
// 15 counts of at most 11 bits (424 bits); buffers add 16 bytes for the bit readers and
// writers, which load and store whole words (a reader loads at most 12 bytes past what it used).
constexpr size_t kMaxTableBytes = 53;
constexpr uint64_t kMaxDims = 64;  // numpy's own limit
constexpr uint64_t kMaxHeader = 1 << 20;

void put_varint(std::vector<uint8_t>& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(uint8_t(v | 0x80));
    v >>= 7;
  }
  out.push_back(uint8_t(v));
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
}

// Rows whose q is stored: those with a non-zero width, except the last of them (derived).
std::vector<int> stored_count_rows(const Table& t) {
  std::vector<int> rows;
  for (int i = 0; i < kRows; ++i)
    if (t.width(i) > 0) rows.push_back(i);
  if (!rows.empty()) rows.pop_back();
  return rows;
}

int bit_length(uint32_t v) { return v == 0 ? 0 : 32 - __builtin_clz(v); }

// Order-0 Exp-Golomb code of v: bit_length(v + 1) - 1 zeros, then v + 1. Small widths, the
// common case near the peak of a distribution, take 1 to 7 bits instead of 9.
void put_exp_golomb(BitWriter& w, uint32_t v) {
  const int n = bit_length(v + 1);
  w.put(0, n - 1);
  w.put(v + 1, n);
}

int last_wide_row(const Table& t) {
  for (int i = kRows - 1; i >= 0; --i)
    if (t.width(i) > 0) return i;
  return -1;
}

// A bounds-checked reader over the container bytes.
class Cursor {
 public:
  Cursor(const uint8_t* p, size_t size, const std::string& what)
      : p_(p), size_(size), what_(what) {}
  [[noreturn]] void fail(const std::string& msg) const {
    throw FormatError(what_ + ": not a valid APack container: " + msg + " (at byte " +
                      std::to_string(pos_) + ")");
  }
  uint8_t byte() {
    need(1, "header");
    return p_[pos_++];
  }
  uint32_t u32() {
    need(4, "checksum");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(p_[pos_ + i]) << (8 * i);
    pos_ += 4;
    return v;
  }
  uint64_t varint(const char* field) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(1, field);
      const uint8_t b = p_[pos_++];
      if (shift == 63 && (b & 0x7E)) fail(std::string(field) + " overflows 64 bits");
      v |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    fail(std::string(field) + " overflows 64 bits");
  }
  const uint8_t* take(uint64_t n, const char* field) {
    need(n, field);
    const uint8_t* at = p_ + pos_;
    pos_ += n;
    return at;
  }
  void need(uint64_t n, const char* field) const {
    if (n > size_ - pos_) fail(std::string("truncated in ") + field);
  }
  size_t pos() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }

 private:
  const uint8_t* p_;
  size_t size_;
  size_t pos_ = 0;
  const std::string& what_;
};

}  // namespace

std::vector<uint8_t> write_container(const ContainerHeader& h,
                                     const std::vector<std::vector<uint8_t>>& prefix,
                                     const std::vector<std::vector<uint8_t>>& offset) {
  size_t payload = 0;
  for (size_t c = 0; c < prefix.size(); ++c) payload += prefix[c].size() + offset[c].size();
  std::vector<uint8_t> out;
  out.reserve(payload + 10 * prefix.size() + h.npy_header.size() + 256);
  for (uint8_t b : kMagic) out.push_back(b);
  out.push_back(kContainerVersion);
  out.push_back(uint8_t((h.format.bits - 1) | (h.format.is_signed << 3) |
                        ((h.map == ValueMap::zigzag) << 4) | (int(h.search) << 5) |
                        ((!h.npy_header.empty()) << 7)));
  put_varint(out, h.shape.size());
  for (auto d : h.shape) put_varint(out, d);
  put_varint(out, h.chunk);
  if (!h.npy_header.empty()) {
    put_varint(out, h.npy_header.size());
    out.insert(out.end(), h.npy_header.begin(), h.npy_header.end());
  }
  if (h.n > 0) {
    uint8_t bytes[kMaxTableBytes + 16];
    BitWriter table(bytes);
    for (int i = 0; i < kRows - 1; ++i) put_exp_golomb(table, h.table.width(i));
    const auto rows = stored_count_rows(h.table);
    uint32_t largest = 1;
    for (int row : rows) largest = std::max(largest, h.q[row]);
    const int count_bits = bit_length(largest);
    table.put(uint32_t(count_bits - 1), kCountWidthBits);
    for (int row : rows) table.put(h.q[row], count_bits);
    const size_t used = table.finish();
    out.insert(out.end(), bytes, bytes + used);
  }
  put_u32(out, h.data_crc);
  for (size_t c = 0; c < prefix.size(); ++c) {
    put_varint(out, prefix[c].size());
    put_varint(out, offset[c].size());
  }
  for (size_t c = 0; c < prefix.size(); ++c) {
    out.insert(out.end(), prefix[c].begin(), prefix[c].end());
    out.insert(out.end(), offset[c].begin(), offset[c].end());
  }
  put_u32(out, crc32c(0, out.data(), out.size()));
  return out;
}

ContainerHeader read_container(const uint8_t* bytes, size_t size, const std::string& what,
                               bool check_crc, unsigned threads) {
  Cursor in(bytes, size, what);
  if (size < 4 || std::memcmp(bytes, kMagic, 3) != 0) in.fail("bad magic (expected \"APK\")");
  in.take(3, "magic");
  const uint8_t version = in.byte();
  if (version != kContainerVersion)
    in.fail("format version " + std::to_string(version) + " is not supported (this build reads " +
            std::to_string(kContainerVersion) + ")");
  if (size < 9) in.fail("truncated");
  if (check_crc) {
    uint32_t stored = 0;
    for (int i = 0; i < 4; ++i) stored |= uint32_t(bytes[size - 4 + i]) << (8 * i);
    if (crc32c_parallel(bytes, size - 4, threads) != stored)
      in.fail("CRC-32C mismatch: the file is corrupt");
  }
  Cursor body(bytes, size - 4, what);  // everything but the trailing CRC
  body.take(4, "magic");

  ContainerHeader h;
  const uint8_t flags = body.byte();
  h.format.bits = (flags & 7) + 1;
  h.format.is_signed = (flags >> 3) & 1;
  h.map = ((flags >> 4) & 1) ? ValueMap::zigzag : ValueMap::raw;
  const int search = (flags >> 5) & 3;
  const bool has_header = (flags >> 7) & 1;
  if (h.format.bits < 2) body.fail("value width of 1 bit");
  if (search > int(Search::uniform)) body.fail("unknown search variant");
  h.search = Search(search);
  if (h.map == ValueMap::zigzag && !h.format.is_signed) body.fail("zigzag map on unsigned data");

  const uint64_t ndim = body.varint("shape");
  if (ndim > kMaxDims) body.fail("too many dimensions (" + std::to_string(ndim) + ")");
  h.n = 1;
  for (uint64_t i = 0; i < ndim; ++i) {
    const uint64_t d = body.varint("shape");
    if (d != 0 && h.n > (uint64_t(1) << 62) / d) body.fail("shape too large");
    h.shape.push_back(d);
    h.n *= d;
  }
  const uint64_t chunk = body.varint("chunk size");
  if (chunk == 0 || chunk > 0xFFFFFFFFu) body.fail("chunk size " + std::to_string(chunk));
  h.chunk = uint32_t(chunk);
  if (has_header) {
    const uint64_t len = body.varint("npy header");
    if (len == 0 || len > kMaxHeader) body.fail("npy header length " + std::to_string(len));
    const uint8_t* p = body.take(len, "npy header");
    h.npy_header.assign(reinterpret_cast<const char*>(p), len);
  }

  h.table = uniform_table(h.format.bits);
  if (h.n > 0) {
    const uint32_t m = uint32_t(1) << h.format.bits;
    // The table is parsed from a zero-padded copy of at most its largest size; the take()
    // below then rejects a table that does not fit the container.
    uint8_t table_bytes[kMaxTableBytes + 16] = {};
    std::memcpy(table_bytes, bytes + body.pos(), std::min(kMaxTableBytes, body.remaining()));
    PaddedBitReader vr(table_bytes);
    Table t;
    t.bits = h.format.bits;
    t.vmin[0] = 0;
    for (int i = 0; i < kRows - 1; ++i) {
      int zeros = 0;
      while (vr.get(1) == 0)
        if (++zeros > 8) body.fail("table row width out of range");
      const uint32_t width = ((uint32_t(1) << zeros) | vr.get(zeros)) - 1;
      t.vmin[i + 1] = t.vmin[i] + width;
      if (t.vmin[i + 1] > m) body.fail("table boundaries do not partition the code space");
    }
    t.vmin[kRows] = m;  // the last row takes the rest
    const int count_bits = int(vr.get(kCountWidthBits)) + 1;
    if (count_bits > 11) body.fail("coding counts wider than 11 bits");
    const auto rows = stored_count_rows(t);
    const uint64_t table_bits = vr.consumed_bits() + rows.size() * uint64_t(count_bits);
    body.take((table_bits + 7) / 8, "table");
    uint32_t sum = 0;
    for (int row : rows) {
      h.q[row] = vr.get(count_bits);
      sum += h.q[row];
    }
    if (sum > kCountTotal) body.fail("coding counts sum past 1024");
    h.q[last_wide_row(t)] = kCountTotal - sum;
    h.table = t;
  }
  h.data_crc = body.u32();

  const uint64_t nchunks = h.n == 0 ? 0 : (h.n - 1) / h.chunk + 1;
  if (nchunks > body.remaining() / 2) body.fail("chunk index larger than the file");
  h.chunks.resize(nchunks);
  for (uint64_t c = 0; c < nchunks; ++c) {
    ChunkRef& r = h.chunks[c];
    r.prefix_size = body.varint("chunk index");
    r.offset_size = body.varint("chunk index");
    r.first_value = c * h.chunk;
    r.values = std::min<uint64_t>(h.chunk, h.n - r.first_value);
  }
  h.header_size = body.pos();
  for (auto& r : h.chunks) {
    r.prefix_pos = body.pos();
    body.take(r.prefix_size, "chunk streams");
    r.offset_pos = body.pos();
    body.take(r.offset_size, "chunk streams");
  }
  if (body.remaining() != 0)
    body.fail(std::to_string(body.remaining()) + " unexpected bytes after the last chunk");
  return h;
}

}  // namespace apack

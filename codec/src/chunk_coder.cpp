// The per-chunk coder of spec section 6. Renormalisation is done several bits at a time: the
// bit-by-bit loop of the spec first shifts out the leading bits LO and HI share (the "emit 0" and
// "emit 1" cases), then applies the underflow case as long as LO = 01.. and HI = 10..; it can
// never return to the first two cases after that (LO < HALF <= HI holds throughout), so both
// phases reduce to a count of leading bits and one shift each. The emitted bits are identical.
#include "apack/chunk_coder.hpp"

#include <algorithm>
#include <cstring>

#include "apack/bitio.hpp"
#include "apack/error.hpp"

namespace apack {

namespace {

constexpr uint32_t kTop = 0xFFFF, kHalf = 0x8000, kQ1 = 0x4000;
// Chunks interleaved per thread. Two keep both coders' state in registers; measured on the
// project's machine (AMD EPYC, posenet weights), decoding ran at 108 MB/s with 2 lanes, 100 with
// 3, 87 with 4 (spilling) and 94 with 8. Override with -DAPACK_LANES=N to measure again.
#ifndef APACK_LANES
#define APACK_LANES 2
#endif
constexpr size_t kLanes = APACK_LANES;

// Number of leading bits LO and HI share (both 16-bit, LO < HI): 0 to 15.
inline int shared_bits(uint32_t lo, uint32_t hi) { return __builtin_clz(((lo ^ hi) << 16) | 1); }

// Number of underflow steps once LO < HALF <= HI: the run, from bit 14 down, of positions where
// LO has 1 and HI 0 (0 when LO < Q1 or HI >= Q3). A coded symbol leaves HI - LO >= 15, so the
// run never reaches bit 0 and the `| 1` guard does not change a result.
inline int underflow_steps(uint32_t lo, uint32_t hi) {
  return __builtin_clz((~(lo & ~hi) & 0x7FFF) | 1) - 17;
}

// Worst-case stream sizes, so the writers need no bounds checks: every coded symbol leaves a range
// of at least 16, so renormalisation shifts at most 12 bits per value (plus 2 at the flush);
// an offset has at most 8 bits. The 8 spare bytes cover the writers' 4-byte stores.
size_t prefix_capacity(size_t n) { return 2 * n + 8; }
size_t offset_capacity(size_t n) { return n + 8; }

// A chunk is coded in two passes: the offsets (a plain bit-packing loop), and the prefixes (the
// arithmetic coder, a serial chain per chunk). Only the second is interleaved across chunks, so
// the interleaved loop carries just the coder state, which stays in registers.

// One chunk's prefix-coder state, in a plain local struct: stores through a uint8_t* could alias
// anything whose address escapes, so the state never has its address taken. It keeps LO and the
// range R = HI - LO + 1 (see DecodeState).
struct EncodeState {
  BitWriter prefix{nullptr};
  uint32_t lo = 0, range = kTop + 1;
  uint64_t pending = 0;
};

// "emit b": b, then the pending opposite bits.
__attribute__((always_inline)) inline void emit(EncodeState& e, uint32_t bit) {
  e.prefix.put(bit, 1);
  if (e.pending > 0) e.prefix.put_run(bit ^ 1, e.pending);
  e.pending = 0;
}

__attribute__((always_inline)) inline void encode_prefix(const CodingModel& m, EncodeState& e,
                                                         uint32_t v) {
  const CodingModel::Row& row = m.rows[m.row_of_byte[v]];
  const uint32_t r = e.range;
  const uint32_t below = (r * row.cum_lo) >> kCountShift;
  const uint32_t lo = e.lo + below;
  const uint32_t range = ((r * row.cum_hi) >> kCountShift) - below;
  const uint32_t hi = lo + range - 1;
  const int k = shared_bits(lo, hi);
  const uint32_t shared = hi >> (16 - k);  // the k bits LO and HI share (0 when k = 0)
  if (e.pending + uint64_t(k) <= 32) {
    // Branch-free emission of "first shared bit, `pending` opposite bits, the other k - 1 shared
    // bits" as one field of pending + k bits: the first bit and the run are 2^p - 1 + first,
    // so the field is ((2^p - 1) << (k - 1)) + shared. With k = 0 the field is empty and
    // pending stays.
    const uint32_t p = uint32_t(e.pending);
    const uint32_t field = uint32_t((((uint64_t(1) << p) - 1) << k) >> 1) + shared;
    e.prefix.put(field, k != 0 ? int(p) + k : 0);
    e.pending = k != 0 ? 0 : p;
  } else if (k > 0) {  // more than 32 pending bits: rare; with k = 0 nothing is emitted
    emit(e, shared >> (k - 1));
    e.prefix.put(shared, k - 1);
  }
  // The k shared-bit shifts and the u underflow steps (x -> 2(x - Q1)) fold into one shift by
  // t = k + u; LO gets the underflow offset (mod 2^16: its true value lies in [0, 0xFFFF]), and
  // the range just doubles t times.
  const int u = underflow_steps(lo << k, (hi << k) | ((1u << k) - 1));
  const int t = k + u;
  e.pending += uint64_t(u);
  e.lo = ((lo << t) - ((kHalf << u) - kHalf)) & kTop;
  e.range = range << t;
}

size_t encode_offsets(const CodingModel& m, const uint8_t* values, size_t n, uint8_t* out,
                      uint64_t& bits) {
  BitWriter w(out);
  // Per stored byte: its offset and length, in local tables the byte stores cannot alias.
  uint8_t off[256], len[256];
  for (unsigned v = 0; v < 256; ++v) {
    off[v] = m.offset_of_byte[v];
    len[v] = m.rows[m.row_of_byte[v]].ol;
  }
  for (size_t i = 0; i < n; ++i) w.put(off[values[i]], len[values[i]]);
  bits = w.bit_count();
  return w.finish();
}

template <size_t L>
void encode_group(const CodingModel& m, const EncodeJob* jobs) {
  // Worst-case scratch, reused across calls on this thread; the exact bytes are then copied
  // out. Sizing each result for the worst case would zero-fill and page-fault 3x the data.
  thread_local std::vector<uint8_t> scratch;
  size_t common = SIZE_MAX, need = 0;
  for (size_t l = 0; l < L; ++l) {
    common = std::min(common, jobs[l].n);
    need = std::max(need, offset_capacity(jobs[l].n));
    need += prefix_capacity(jobs[l].n);
  }
  if (scratch.size() < need) scratch.resize(need);
  EncodeState st[L];
  const uint8_t* codes[L];  // local: the byte stores could otherwise alias `jobs`
  uint8_t* p = scratch.data();
  for (size_t l = 0; l < L; ++l) {
    st[l].prefix = BitWriter(p);
    codes[l] = jobs[l].values;
    p += prefix_capacity(jobs[l].n);
  }
  for (size_t i = 0; i < common; ++i) {
#pragma GCC unroll 8
    for (size_t l = 0; l < L; ++l) encode_prefix(m, st[l], codes[l][i]);
  }
  uint8_t* offsets = p;  // after the prefix areas
  p = scratch.data();
  for (size_t l = 0; l < L; ++l) {
    EncodeState& e = st[l];
    const EncodeJob& job = jobs[l];
    for (size_t i = common; i < job.n; ++i) encode_prefix(m, e, job.values[i]);
    if (job.n > 0) {
      ++e.pending;
      emit(e, e.lo < kQ1 ? 0 : 1);
    }
    CodedChunk& out = *job.result;
    out.prefix_bits = e.prefix.bit_count();
    out.prefix.assign(p, p + e.prefix.finish());
    p += prefix_capacity(job.n);
    const size_t used = encode_offsets(m, job.values, job.n, offsets, out.offset_bits);
    out.offset.assign(offsets, offsets + used);
  }
}

// Zero-padded copies of a chunk's streams, large enough for whatever the decoder can read:
// at most 12 bits per value plus 16 to prime CODE for prefixes, 8 bits per value for offsets
// (the same bounds as the encoder's capacities). Bits past a stream's end read as zeros, as the
// spec requires, and the readers need no end checks.
size_t padded_size(size_t stream_size, size_t capacity) {
  return std::max(stream_size, capacity) + 16;
}
const uint8_t* padded_copy(const uint8_t* data, size_t size, size_t capacity, uint8_t* scratch) {
  const size_t total = padded_size(size, capacity);
  if (size > 0) std::memcpy(scratch, data, size);
  std::memset(scratch + size, 0, total - size);
  return scratch;
}

// One chunk's prefix-decoder state (see EncodeState on why it is a plain local struct). Instead
// of the spec's LO, HI and CODE it keeps LO, the range R = HI - LO + 1 and X = CODE - LO: the
// same interval, but renormalisation then doubles R and shifts X without the underflow offset,
// which saves work in the loop that bounds decoding speed.
struct DecodeState {
  PaddedBitReader prefix;
  uint32_t lo = 0, range = kTop + 1, x = 0;
};

// Decodes one row index.
__attribute__((always_inline)) inline uint8_t decode_prefix(const CodingModel& m, DecodeState& d) {
  // 0 <= X < R holds for any input bits, so the count is always below 1024.
  const uint32_t r = d.range;
  const uint32_t count = (((d.x + 1) << kCountShift) - 1) / r;
  const CodingModel::Row& row = m.row_of_count[count];
  const uint32_t below = (r * row.cum_lo) >> kCountShift;
  const uint32_t lo = d.lo + below;
  const uint32_t range = ((r * row.cum_hi) >> kCountShift) - below;
  const uint32_t hi = lo + range - 1;
  // Branch-free (the cases depend on the data, so branches would mispredict): both step counts
  // are 0 when their case does not apply; t = k + u bits are shifted in at once.
  const int k = shared_bits(lo, hi);
  const int u = underflow_steps(lo << k, (hi << k) | ((1u << k) - 1));
  const int t = k + u;
  // LO as in the spec (mod 2^16, its true value lies in [0, 0xFFFF]); R and X just shift.
  d.lo = ((lo << t) - ((kHalf << u) - kHalf)) & kTop;
  d.range = range << t;
  d.x = (((d.x - below) << t) | d.prefix.get(t)) & kTop;
  return row.index;
}

// Second pass: row indices in `out` become values; checks the offset stream's length.
void decode_offsets(const CodingModel& m, const DecodeJob& job, size_t job_index,
                    uint8_t* scratch) {
  PaddedBitReader offset(padded_copy(job.offset, job.offset_size, offset_capacity(job.n), scratch));
  // Local copies: the byte stores below could otherwise alias the model and the job.
  const std::array<CodingModel::Row, kRows> rows = m.rows;
  const std::array<uint8_t, 256> byte_of_code = m.byte_of_code;
  uint8_t* const out = job.out;
  const size_t n = job.n;
  uint32_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    const CodingModel::Row& row = rows[out[i] & (kRows - 1)];
    const uint32_t off = offset.get(row.ol);
    bad |= off >= row.width;
    out[i] = byte_of_code[uint8_t(row.vmin + off)];
  }
  if (bad) throw ChunkError(job_index, "an offset lies outside its row");
  if (offset.consumed_bits() > uint64_t(job.offset_size) * 8)
    throw ChunkError(job_index, "offset stream ends before the last value");
  if ((offset.consumed_bits() + 7) / 8 != job.offset_size)
    throw ChunkError(job_index, "offset stream is longer than its values need");
}

template <size_t L>
void decode_group(const CodingModel& m, const DecodeJob* jobs, size_t first_index) {
  thread_local std::vector<uint8_t> scratch;
  // Layout: each lane's padded prefix stream, then one area for the offset streams, which are
  // decoded one chunk at a time.
  size_t prefix_area = 0, offset_area = 0;
  for (size_t l = 0; l < L; ++l) {
    prefix_area += padded_size(jobs[l].prefix_size, prefix_capacity(jobs[l].n));
    offset_area =
        std::max(offset_area, padded_size(jobs[l].offset_size, offset_capacity(jobs[l].n)));
  }
  if (scratch.size() < prefix_area + offset_area) scratch.resize(prefix_area + offset_area);
  DecodeState st[L];
  uint8_t* out[L];  // local: the byte stores could otherwise alias `jobs`
  size_t common = SIZE_MAX;
  uint8_t* p = scratch.data();
  for (size_t l = 0; l < L; ++l) {
    st[l].prefix = PaddedBitReader(
        padded_copy(jobs[l].prefix, jobs[l].prefix_size, prefix_capacity(jobs[l].n), p));
    p += padded_size(jobs[l].prefix_size, prefix_capacity(jobs[l].n));
    st[l].x = jobs[l].n > 0 ? st[l].prefix.get(16) : 0;
    out[l] = jobs[l].out;
    common = std::min(common, jobs[l].n);
  }
  for (size_t i = 0; i < common; ++i) {
#pragma GCC unroll 8
    for (size_t l = 0; l < L; ++l) out[l][i] = decode_prefix(m, st[l]);
  }
  for (size_t l = 0; l < L; ++l) {
    const DecodeJob& job = jobs[l];
    for (size_t i = common; i < job.n; ++i) job.out[i] = decode_prefix(m, st[l]);
    // The decoder reads 16 bits to prime CODE and one per shift; the encoder emits one bit per
    // shift plus two at the flush (the final bit and its one extra pending copy). So the stored
    // length is exactly what the values need, and anything else is corrupt.
    if (job.n > 0 && (st[l].prefix.consumed_bits() - 14 + 7) / 8 != job.prefix_size)
      throw ChunkError(first_index + l, "prefix stream length does not match its values");
    decode_offsets(m, job, first_index + l, scratch.data() + prefix_area);
  }
}

}  // namespace

CodingModel::CodingModel(const Table& t, const Counts& counts, const CodeMap* map)
    : table(t), q(counts), cum(cumulative(counts)) {
  const uint32_t m = uint32_t(1) << t.bits;
  std::array<uint8_t, 256> row_of_code{};
  for (int i = 0; i < kRows; ++i) {
    rows[i] = Row{uint16_t(cum[i]),   uint16_t(cum[i + 1]), uint16_t(t.width(i)),
                  uint8_t(t.vmin[i]), uint8_t(t.ol(i)),     uint8_t(i)};
    for (uint32_t v = t.vmin[i]; v < t.vmin[i + 1] && v < m; ++v) row_of_code[v] = uint8_t(i);
  }
  for (unsigned b = 0; b < 256; ++b) {
    const uint8_t code = map ? map->code_of_byte[b] : uint8_t(b);
    row_of_byte[b] = row_of_code[code];
    offset_of_byte[b] = uint8_t(code - t.vmin[row_of_code[code]]);
    byte_of_code[b] = map ? map->byte_of_code[b] : uint8_t(b);
  }
  for (int i = 0; i < kRows; ++i)
    for (uint32_t c = cum[i]; c < cum[i + 1] && c < kCountTotal; ++c) row_of_count[c] = rows[i];
}

void encode_chunks(const CodingModel& m, const EncodeJob* jobs, size_t count) {
  size_t base = 0;
  for (; base + kLanes <= count; base += kLanes) encode_group<kLanes>(m, jobs + base);
  for (; base < count; ++base) encode_group<1>(m, jobs + base);
}

CodedChunk encode_chunk(const CodingModel& m, const uint8_t* values, size_t n) {
  CodedChunk out;
  const EncodeJob job{values, n, &out};
  encode_chunks(m, &job, 1);
  return out;
}

void decode_chunks(const CodingModel& m, const DecodeJob* jobs, size_t count) {
  size_t base = 0;
  for (; base + kLanes <= count; base += kLanes) decode_group<kLanes>(m, jobs + base, base);
  for (; base < count; ++base) decode_group<1>(m, jobs + base, base);
}

void decode_chunk(const CodingModel& m, const uint8_t* prefix, size_t prefix_size,
                  const uint8_t* offset, size_t offset_size, uint8_t* out, size_t n) {
  const DecodeJob job{prefix, prefix_size, offset, offset_size, out, n};
  decode_chunks(m, &job, 1);
}

}  // namespace apack

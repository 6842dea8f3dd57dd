// The per-chunk coder of spec section 6. Renormalisation is done several bits at a time: the
// bit-by-bit loop of the spec first shifts out the leading bits LO and HI share (the "emit 0" and
// "emit 1" cases), then applies the underflow case as long as LO = 01.. and HI = 10..; it can
// never return to the first two cases after that (LO < HALF <= HI holds throughout), so both
// phases reduce to a count of leading bits and one shift each. The emitted bits are identical.
#include "apack/chunk_coder.hpp"

#include <algorithm>

#include "apack/bitio.hpp"
#include "apack/error.hpp"

namespace apack {

namespace {

constexpr uint32_t kTop = 0xFFFF, kHalf = 0x8000, kQ1 = 0x4000;
#ifndef APACK_LANES
#define APACK_LANES 4
#endif
constexpr size_t kLanes = APACK_LANES;  // chunks interleaved per thread

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
// anything whose address escapes, so the state never has its address taken.
struct EncodeState {
  BitWriter prefix{nullptr};
  uint32_t lo = 0, hi = kTop;
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
  const CodingModel::Row& row = m.rows[m.row_of_code[v]];
  const uint32_t r = e.hi - e.lo + 1;
  const uint32_t hi = e.lo + ((r * row.cum_hi) >> kCountShift) - 1;
  const uint32_t lo = e.lo + ((r * row.cum_lo) >> kCountShift);
  const int k = shared_bits(lo, hi);
  const uint32_t shared = hi >> (16 - k);  // the k bits LO and HI share (0 when k = 0)
  if (e.pending + uint64_t(k) <= 32) {
    // Branch-free emission of "first shared bit, `pending` opposite bits, the other k - 1 shared
    // bits" as one field of pending + k bits; with k = 0 the field is empty and pending stays.
    const uint32_t p = uint32_t(e.pending);
    const uint32_t first = (shared << 1 >> k) & 1;
    const uint32_t rest = shared & (((1u << k) >> 1) - 1);
    const uint32_t run = first ? uint32_t((uint64_t(1) << (p + k)) >> 1)
                               : (((uint32_t((uint64_t(1) << p) - 1)) << k) >> 1);
    const int len = k != 0 ? int(p) + k : 0;
    e.prefix.put(run | rest, len);
    e.pending = k != 0 ? 0 : p;
  } else {  // a long underflow run: rare
    emit(e, shared >> (k - 1));
    e.prefix.put(shared, k - 1);
  }
  // The k shared-bit shifts and the u underflow steps (x -> 2(x - Q1)) fold into one shift by
  // t = k + u and an offset, computed mod 2^16 (the true results lie in [0, 0xFFFF]).
  const int u = underflow_steps(lo << k, (hi << k) | ((1u << k) - 1));
  const int t = k + u;
  const uint32_t h = (kHalf << u) - kHalf;
  e.pending += uint64_t(u);
  e.lo = ((lo << t) - h) & kTop;
  e.hi = (((hi << t) | ((1u << t) - 1)) - h) & kTop;
}

size_t encode_offsets(const CodingModel& m, const uint8_t* codes, size_t n, uint8_t* out,
                      uint64_t& bits) {
  BitWriter w(out);
  // Per code: its offset and length, in a local table the byte stores cannot alias.
  uint8_t off[256], len[256];
  for (unsigned v = 0; v < 256; ++v) {
    const CodingModel::Row& row = m.rows[m.row_of_code[v]];
    off[v] = uint8_t(v - row.vmin);
    len[v] = row.ol;
  }
  for (size_t i = 0; i < n; ++i) w.put(off[codes[i]], len[codes[i]]);
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
    codes[l] = jobs[l].codes;
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
    for (size_t i = common; i < job.n; ++i) encode_prefix(m, e, job.codes[i]);
    if (job.n > 0) {
      ++e.pending;
      emit(e, e.lo < kQ1 ? 0 : 1);
    }
    CodedChunk& out = *job.result;
    out.prefix_bits = e.prefix.bit_count();
    out.prefix.assign(p, p + e.prefix.finish());
    p += prefix_capacity(job.n);
    const size_t used = encode_offsets(m, job.codes, job.n, offsets, out.offset_bits);
    out.offset.assign(offsets, offsets + used);
  }
}

// One chunk's prefix-decoder state (see EncodeState on why it is a plain local struct).
struct DecodeState {
  BitReader prefix{nullptr, 0};
  uint32_t lo = 0, hi = kTop, code = 0;
};

// Decodes one row index.
__attribute__((always_inline)) inline uint8_t decode_prefix(const CodingModel& m, DecodeState& d) {
  // LO <= CODE <= HI holds for any input bits, so the count is always below 1024.
  const uint32_t r = d.hi - d.lo + 1;
  const uint32_t count = (((d.code - d.lo + 1) << kCountShift) - 1) / r;
  const CodingModel::Row& row = m.row_of_count[count];
  const uint32_t hi = d.lo + ((r * row.cum_hi) >> kCountShift) - 1;
  const uint32_t lo = d.lo + ((r * row.cum_lo) >> kCountShift);
  // Branch-free (the cases depend on the data, so branches would mispredict): both step counts
  // are 0 when their case does not apply, and CODE takes its t new bits in one read.
  const int k = shared_bits(lo, hi);
  const int u = underflow_steps(lo << k, (hi << k) | ((1u << k) - 1));
  const int t = k + u;
  const uint32_t h = (kHalf << u) - kHalf;
  d.lo = ((lo << t) - h) & kTop;
  d.hi = (((hi << t) | ((1u << t) - 1)) - h) & kTop;
  d.code = (((d.code << t) | d.prefix.get(t)) - h) & kTop;
  return row.index;
}

// Second pass: row indices in `out` become values; checks the offset stream's length.
void decode_offsets(const CodingModel& m, const DecodeJob& job, size_t job_index) {
  BitReader offset(job.offset, job.offset_size);
  // Local copies: the byte stores below could otherwise alias the model and the job.
  const std::array<CodingModel::Row, kRows> rows = m.rows;
  uint8_t* const out = job.out;
  const size_t n = job.n;
  uint32_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    const CodingModel::Row& row = rows[out[i] & (kRows - 1)];
    const uint32_t off = offset.get(row.ol);
    bad |= off >= row.width;
    out[i] = uint8_t(row.vmin + off);
  }
  if (bad) throw ChunkError(job_index, "an offset lies outside its row");
  if (offset.overran()) throw ChunkError(job_index, "offset stream ends before the last value");
  if ((offset.consumed_bits() + 7) / 8 != job.offset_size)
    throw ChunkError(job_index, "offset stream is longer than its values need");
}

template <size_t L>
void decode_group(const CodingModel& m, const DecodeJob* jobs, size_t first_index) {
  DecodeState st[L];
  uint8_t* out[L];  // local: the byte stores could otherwise alias `jobs`
  size_t common = SIZE_MAX;
  for (size_t l = 0; l < L; ++l) {
    st[l].prefix = BitReader(jobs[l].prefix, jobs[l].prefix_size);
    st[l].code = jobs[l].n > 0 ? st[l].prefix.get(16) : 0;
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
    decode_offsets(m, job, first_index + l);
  }
}

}  // namespace

CodingModel::CodingModel(const Table& t, const Counts& counts)
    : table(t), q(counts), cum(cumulative(counts)) {
  const uint32_t m = uint32_t(1) << t.bits;
  for (int i = 0; i < kRows; ++i) {
    rows[i] = Row{uint16_t(cum[i]),       uint16_t(cum[i + 1]), uint16_t(t.width(i)),
                  uint8_t(t.vmin[i]),     uint8_t(t.ol(i)),     uint8_t(i)};
    for (uint32_t v = t.vmin[i]; v < t.vmin[i + 1] && v < m; ++v) row_of_code[v] = uint8_t(i);
  }
  for (int i = 0; i < kRows; ++i)
    for (uint32_t c = cum[i]; c < cum[i + 1] && c < kCountTotal; ++c) row_of_count[c] = rows[i];
}

void encode_chunks(const CodingModel& m, const EncodeJob* jobs, size_t count) {
  size_t base = 0;
  for (; base + kLanes <= count; base += kLanes) encode_group<kLanes>(m, jobs + base);
  for (; base < count; ++base) encode_group<1>(m, jobs + base);
}

CodedChunk encode_chunk(const CodingModel& m, const uint8_t* codes, size_t n) {
  CodedChunk out;
  const EncodeJob job{codes, n, &out};
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

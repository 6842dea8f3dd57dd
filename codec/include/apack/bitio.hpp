// MSB-first bit streams (spec section 6: both streams MSB-first within bytes, last byte
// zero-padded). Both sides move 32 or 64 bits at a time through an accumulator, and neither
// touches memory the coder's state could live in, so the coder loops keep that state in
// registers: the coder's throughput is bounded by these two classes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace apack {

// Writes into a buffer the caller sized for the worst case (no checks in the hot path).
class BitWriter {
 public:
  explicit BitWriter(uint8_t* out) : begin_(out), p_(out) {}

  // Appends the low `n` bits of `v` (0 <= n <= 32), most significant first.
  __attribute__((always_inline)) void put(uint32_t v, int n) {
    acc_ = (acc_ << n) | (uint64_t(v) & ((uint64_t(1) << n) - 1));
    fill_ += n;
    if (fill_ >= 32) {
      fill_ -= 32;
      const uint32_t w = uint32_t(acc_ >> fill_);
      const uint8_t b[4] = {uint8_t(w >> 24), uint8_t(w >> 16), uint8_t(w >> 8), uint8_t(w)};
      std::memcpy(p_, b, 4);
      p_ += 4;
    }
  }
  // Appends `count` copies of bit b.
  void put_run(uint32_t b, uint64_t count) {
    const uint32_t word = b ? 0xFFFFFFFFu : 0u;
    while (count >= 32) {
      put(word, 32);
      count -= 32;
    }
    put(word, int(count));
  }
  uint64_t bit_count() const { return uint64_t(p_ - begin_) * 8 + uint64_t(fill_); }
  // Pads the last byte with zeros; returns the number of bytes written.
  size_t finish() {
    while (fill_ >= 8) {
      fill_ -= 8;
      *p_++ = uint8_t(acc_ >> fill_);
    }
    if (fill_ > 0) *p_++ = uint8_t(acc_ << (8 - fill_));
    fill_ = 0;
    return size_t(p_ - begin_);
  }

 private:
  uint8_t* begin_;
  uint8_t* p_;
  uint64_t acc_ = 0;
  int fill_ = 0;
};

// Reads MSB-first from a buffer the caller padded with zeros so that every position the reader
// can reach, plus 8 bytes, is readable: no end checks, so a decoder's hot loop carries only
// three registers of reader state.
class PaddedBitReader {
 public:
  explicit PaddedBitReader(const uint8_t* data = nullptr) : begin_(data), p_(data) {
    if (data) refill();
  }

  // Returns the next n bits, 0 <= n <= 32.
  __attribute__((always_inline)) uint32_t get(int n) {
    if (avail_ < n) refill();
    const uint32_t v = uint32_t((buf_ >> 32) >> (32 - n));
    buf_ <<= n;
    avail_ -= n;
    return v;
  }
  uint64_t consumed_bits() const { return uint64_t(p_ - begin_) * 8 - uint64_t(avail_); }

 private:
  __attribute__((always_inline)) void refill() {
    uint64_t w;
    std::memcpy(&w, p_, 8);
    buf_ |= __builtin_bswap64(w) >> avail_;
    p_ += (63 - avail_) >> 3;
    avail_ |= 56;
  }

  const uint8_t* begin_;
  const uint8_t* p_;
  uint64_t buf_ = 0;
  int avail_ = 0;
};

}  // namespace apack

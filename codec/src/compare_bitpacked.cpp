// The two bit-packed comparison codecs, zero run-length coding and ShapeShifter-style per-group
// widths. Both are what a hardware unit beside the memory controller could do with a shifter and
// a few counters; their exact layouts are in docs/comparison-codecs.md.
#include <algorithm>
#include <string>

#include "apack/compare.hpp"
#include "apack/error.hpp"

namespace apack::compare {
namespace {

void check_format(ElementFormat f, const char* codec) {
  if (f.bits < 2 || f.bits > 8) {
    throw Error(std::string(codec) + ": value width " + std::to_string(f.bits) +
                " is out of range (2..8)");
  }
}

int value_of(uint8_t b, bool is_signed) { return is_signed ? int(int8_t(b)) : int(b); }

// Encoders take values, not codes, so a caller handing over codes of negative numbers is told
// rather than getting a stream that decodes to different bytes.
void check_fits(const uint8_t* values, size_t n, ElementFormat f, const char* codec) {
  const int lo = f.is_signed ? -(1 << (f.bits - 1)) : 0;
  const int hi = f.is_signed ? (1 << (f.bits - 1)) - 1 : (1 << f.bits) - 1;
  for (size_t i = 0; i < n; ++i) {
    const int v = value_of(values[i], f.is_signed);
    if (v < lo || v > hi) {
      throw Error(std::string(codec) + ": value " + std::to_string(v) + " at index " +
                  std::to_string(i) + " does not fit " + (f.is_signed ? "signed " : "unsigned ") +
                  std::to_string(f.bits) + "-bit");
    }
  }
}

uint32_t low_bits(uint8_t b, int width) { return uint32_t(b) & ((1u << width) - 1); }

// A `width`-bit field back to the stored byte: sign-extended for signed data, as the arrays hold
// narrow signed values.
uint8_t from_field(uint32_t x, int width, bool is_signed) {
  if (is_signed && width > 0 && ((x >> (width - 1)) & 1)) x |= ~0u << width;
  return uint8_t(x);
}

int bit_length(uint32_t v) {
  int n = 0;
  while (v) {
    ++n;
    v >>= 1;
  }
  return n;
}

// Fewest bits holding v: plain binary when unsigned, two's complement when signed. Zero needs no
// bits, so a group's width (the max over its values) is 0 only when the whole group is zero.
int min_width(uint8_t b, bool is_signed) {
  if (!is_signed) return bit_length(b);
  const int v = int8_t(b);
  if (v == 0) return 0;
  return 1 + bit_length(uint32_t(v < 0 ? ~v : v));
}

int ceil_log2(int v) {
  int n = 0;
  while ((1 << n) < v) ++n;
  return n;
}

// Bit I/O of their own: these codecs are not on a hot path, and keeping them off the APack
// coder's tuned bitio.hpp leaves that free to change. MSB first, as APack's streams.
class PackWriter {
 public:
  explicit PackWriter(uint64_t expected_bits) : expected_(expected_bits) {
    out_.reserve(size_t((expected_bits + 7) / 8));
  }
  // Appends the low n bits of v (0 <= n <= 32).
  void put(uint32_t v, int n) {
    acc_ = (acc_ << n) | (uint64_t(v) & ((uint64_t(1) << n) - 1));
    fill_ += n;
    while (fill_ >= 8) {
      fill_ -= 8;
      out_.push_back(uint8_t(acc_ >> fill_));
    }
  }
  // The encoders choose their parameters from a size model; a stream of a different size would
  // mean the model and the layout disagree, so that is checked rather than trusted.
  std::vector<uint8_t> finish() {
    if (fill_ > 0) out_.push_back(uint8_t(acc_ << (8 - fill_)));
    fill_ = 0;
    if (out_.size() != (expected_ + 7) / 8)
      throw Error("internal error: comparison stream size differs from its model");
    return std::move(out_);
  }

 private:
  uint64_t expected_;
  std::vector<uint8_t> out_;
  uint64_t acc_ = 0;
  int fill_ = 0;
};

// Past the end it reads zeros and counts them, so one check after a field tells a short stream
// from a complete one without a bounds test on every byte access.
class PackReader {
 public:
  PackReader(const uint8_t* data, size_t size) : p_(data), size_(size) {}
  // Returns the next n bits (0 <= n <= 32).
  uint32_t get(int n) {
    uint32_t v = 0;
    while (n > 0) {
      const uint64_t at = pos_ >> 3;
      const int off = int(pos_ & 7);
      const int take = std::min(n, 8 - off);
      const uint32_t byte = at < size_ ? p_[at] : 0;
      v = (v << take) | ((byte >> (8 - off - take)) & ((1u << take) - 1));
      pos_ += uint64_t(take);
      n -= take;
    }
    return v;
  }
  uint64_t consumed_bits() const { return pos_; }
  uint64_t available_bits() const { return uint64_t(size_) * 8; }
  bool overran() const { return pos_ > available_bits(); }

 private:
  const uint8_t* p_;
  size_t size_;
  uint64_t pos_ = 0;
};

// After the last value only the zero padding of the final byte may remain.
void check_tail(PackReader& r, size_t size, const char* codec) {
  if (r.overran()) throw FormatError(std::string(codec) + " stream: truncated");
  const uint64_t left = r.available_bits() - r.consumed_bits();
  if (left >= 8) {
    throw FormatError(std::string(codec) + " stream: " + std::to_string(left / 8) +
                      " trailing bytes after the last value (stream is " + std::to_string(size) +
                      " bytes)");
  }
  if (r.get(int(left)) != 0) {
    throw FormatError(std::string(codec) + " stream: non-zero padding bits after the last value");
  }
}

void check_empty(size_t size, const char* codec) {
  if (size != 0) {
    throw FormatError(std::string(codec) + " stream: " + std::to_string(size) +
                      " bytes for an empty tensor (expected none)");
  }
}

constexpr int kRunFieldBits = 3;  // the per-stream header holding R
constexpr int kMaxRunBits = 7;

constexpr int kModeBits = 2;
enum Mode { kWidth1 = 0, kWidth0 = 1, kZeroVector = 2 };

}  // namespace

std::vector<uint8_t> zrle_encode(const uint8_t* values, size_t n, ElementFormat f) {
  check_format(f, "zrle");
  check_fits(values, n, f, "zrle");
  if (n == 0) return {};

  // Run lengths of zeros in front of each non-zero value, and the run after the last one; from
  // them the size for every R follows without encoding.
  std::vector<uint64_t> runs;
  uint64_t run = 0;
  for (size_t i = 0; i < n; ++i) {
    if (values[i] == 0) {
      ++run;
    } else {
      runs.push_back(run);
      run = 0;
    }
  }
  const uint64_t trailing = run;

  int best_r = 0;
  uint64_t best_bits = ~uint64_t(0);
  for (int r = 0; r <= kMaxRunBits; ++r) {
    uint64_t tokens = runs.size() + ((trailing + (uint64_t(1) << r) - 1) >> r);
    for (uint64_t z : runs) tokens += z >> r;
    const uint64_t bits = kRunFieldBits + tokens * uint64_t(r + f.bits);
    if (bits < best_bits) {
      best_bits = bits;
      best_r = r;
    }
  }

  const int r = best_r;
  const uint64_t span = uint64_t(1) << r;  // zeros covered by a full-run token with value 0
  const uint32_t max_run = uint32_t(span - 1);
  PackWriter w(best_bits);
  w.put(uint32_t(r), kRunFieldBits);
  auto put_token = [&](uint32_t zeros, uint32_t code) {
    w.put(zeros, r);
    w.put(code, f.bits);
  };
  run = 0;
  for (size_t i = 0; i < n; ++i) {
    if (values[i] == 0) {
      ++run;
      continue;
    }
    for (; run >= span; run -= span) put_token(max_run, 0);
    put_token(uint32_t(run), low_bits(values[i], f.bits));
    run = 0;
  }
  // Trailing zeros are coded, not implied by n, so every stream is self-delimiting and a
  // truncated one is always detected.
  for (; run >= span; run -= span) put_token(max_run, 0);
  if (run > 0) put_token(uint32_t(run - 1), 0);
  return w.finish();
}

std::vector<uint8_t> zrle_decode(const uint8_t* bytes, size_t size, size_t n, ElementFormat f) {
  check_format(f, "zrle");
  if (n == 0) {
    check_empty(size, "zrle");
    return {};
  }
  PackReader rd(bytes, size);
  const int r = int(rd.get(kRunFieldBits));
  std::vector<uint8_t> out(n, 0);
  size_t pos = 0;
  while (pos < n) {
    const uint32_t zeros = rd.get(r);
    const uint32_t code = rd.get(f.bits);
    if (rd.overran()) {
      throw FormatError("zrle stream: truncated after " + std::to_string(pos) + " of " +
                        std::to_string(n) + " values");
    }
    if (uint64_t(zeros) >= uint64_t(n - pos)) {
      throw FormatError("zrle stream: a run of " + std::to_string(zeros) + " zeros at value " +
                        std::to_string(pos) + " goes past the " + std::to_string(n) +
                        " values of the tensor");
    }
    pos += zeros;
    out[pos++] = from_field(code, f.bits, f.is_signed);
  }
  check_tail(rd, size, "zrle");
  return out;
}

std::vector<uint8_t> shapeshifter_encode(const uint8_t* values, size_t n, ElementFormat f,
                                         int group) {
  check_format(f, "shapeshifter");
  if (group < 1) throw Error("shapeshifter: group size " + std::to_string(group) + " (need >= 1)");
  check_fits(values, n, f, "shapeshifter");
  if (n == 0) return {};

  const int fw1 = ceil_log2(f.bits);      // width field coding 1..bits
  const int fw0 = ceil_log2(f.bits + 1);  // width field coding 0..bits
  const size_t g = size_t(group);

  uint64_t cost[3] = {kModeBits, kModeBits, kModeBits};
  for (size_t start = 0; start < n; start += g) {
    const size_t len = std::min(g, n - start);
    int w_all = 0;
    size_t nonzero = 0;
    for (size_t i = start; i < start + len; ++i) {
      w_all = std::max(w_all, min_width(values[i], f.is_signed));
      nonzero += values[i] != 0;
    }
    cost[kWidth1] += uint64_t(fw1) + len * uint64_t(std::max(w_all, 1));
    cost[kWidth0] += uint64_t(fw0) + len * uint64_t(w_all);
    // Zeros do not widen a group, so the non-zero values' width is the group's width.
    cost[kZeroVector] += len + (nonzero ? uint64_t(fw1) + nonzero * uint64_t(w_all) : 0);
  }
  Mode mode = kWidth1;
  for (Mode m : {kWidth0, kZeroVector})
    if (cost[m] < cost[mode]) mode = m;

  PackWriter w(cost[mode]);
  w.put(uint32_t(mode), kModeBits);
  for (size_t start = 0; start < n; start += g) {
    const size_t len = std::min(g, n - start);
    const uint8_t* v = values + start;
    int width = 0;
    bool any = false;
    for (size_t i = 0; i < len; ++i) {
      width = std::max(width, min_width(v[i], f.is_signed));
      any = any || v[i] != 0;
    }
    switch (mode) {
      case kWidth1:
        width = std::max(width, 1);
        w.put(uint32_t(width - 1), fw1);
        for (size_t i = 0; i < len; ++i) w.put(low_bits(v[i], width), width);
        break;
      case kWidth0:
        w.put(uint32_t(width), fw0);
        for (size_t i = 0; i < len; ++i) w.put(low_bits(v[i], width), width);
        break;
      case kZeroVector:
        for (size_t i = 0; i < len; ++i) w.put(v[i] != 0, 1);
        if (any) {
          w.put(uint32_t(width - 1), fw1);
          for (size_t i = 0; i < len; ++i)
            if (v[i] != 0) w.put(low_bits(v[i], width), width);
        }
        break;
    }
  }
  return w.finish();
}

std::vector<uint8_t> shapeshifter_decode(const uint8_t* bytes, size_t size, size_t n,
                                         ElementFormat f, int group) {
  check_format(f, "shapeshifter");
  if (group < 1) throw Error("shapeshifter: group size " + std::to_string(group) + " (need >= 1)");
  if (n == 0) {
    check_empty(size, "shapeshifter");
    return {};
  }
  const int fw1 = ceil_log2(f.bits);
  const int fw0 = ceil_log2(f.bits + 1);
  const size_t g = size_t(group);

  PackReader rd(bytes, size);
  const uint32_t mode = rd.get(kModeBits);
  if (mode > kZeroVector) {
    throw FormatError("shapeshifter stream: unknown mode " + std::to_string(mode));
  }
  auto truncated = [&](size_t at) {
    return FormatError("shapeshifter stream: truncated at value " + std::to_string(at) + " of " +
                       std::to_string(n));
  };
  auto check_width = [&](int width, size_t start) {
    if (width > f.bits) {
      throw FormatError("shapeshifter stream: group at value " + std::to_string(start) +
                        " has width " + std::to_string(width) + ", more than " +
                        std::to_string(f.bits) + " bits");
    }
  };

  std::vector<uint8_t> out(n, 0);
  std::vector<uint8_t> nonzero(mode == kZeroVector ? std::min(g, n) : 0);
  for (size_t start = 0; start < n; start += g) {
    const size_t len = std::min(g, n - start);
    uint8_t* v = out.data() + start;
    if (mode == kZeroVector) {
      bool any = false;
      for (size_t i = 0; i < len; ++i) {
        nonzero[i] = uint8_t(rd.get(1));
        any = any || nonzero[i];
        if (rd.overran()) throw truncated(start + i);
      }
      if (!any) continue;
      const int width = int(rd.get(fw1)) + 1;
      check_width(width, start);
      for (size_t i = 0; i < len; ++i) {
        if (!nonzero[i]) continue;
        v[i] = from_field(rd.get(width), width, f.is_signed);
        if (rd.overran()) throw truncated(start + i);
        if (v[i] == 0) {
          throw FormatError("shapeshifter stream: value " + std::to_string(start + i) +
                            " is marked non-zero but codes 0");
        }
      }
    } else {
      const int width = mode == kWidth1 ? int(rd.get(fw1)) + 1 : int(rd.get(fw0));
      check_width(width, start);
      if (rd.overran()) throw truncated(start);
      for (size_t i = 0; i < len && width > 0; ++i) {
        v[i] = from_field(rd.get(width), width, f.is_signed);
        if (rd.overran()) throw truncated(start + i);
      }
    }
  }
  check_tail(rd, size, "shapeshifter");
  return out;
}

}  // namespace apack::compare

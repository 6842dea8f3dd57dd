// A fixed-size latency histogram for percentiles over runs of any length: memory stays the same
// (58 KiB) however many requests are recorded. Log-linear buckets: values below 256 exact,
// above that 128 buckets per power of two, so a percentile is within 1/128 (0.8%) of the
// true value (reported as its bucket's upper edge, never above the largest value recorded).
#pragma once

#include <array>
#include <cstdint>

namespace apack::dram::sc {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 7;
  static constexpr int kBuckets = (64 - kSubBits + 1) << kSubBits;

  void add(uint64_t v);
  void merge(const LatencyHistogram& o);
  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  // The smallest bucket edge at or above the q-th quantile (q in [0, 1]); 0 when empty.
  uint64_t quantile(double q) const;

  static int bucket(uint64_t v);
  static uint64_t upper_edge(int bucket);  // the largest value the bucket holds

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

}  // namespace apack::dram::sc

#include "apack/dram/sc/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace apack::dram::sc {

// Bucket of v: with s = max(0, msb(v) - kSubBits), bucket s * 2^kSubBits + (v >> s). For
// s = 0 that is v itself (v < 2^(kSubBits+1)); for s > 0, v >> s lies in
// [2^kSubBits, 2^(kSubBits+1)), so each s adds 2^kSubBits buckets after the previous ones.
int LatencyHistogram::bucket(uint64_t v) {
  const int msb = v ? 63 - __builtin_clzll(v) : 0;
  const int s = std::max(0, msb - kSubBits);
  return (s << kSubBits) + int(v >> s);
}

uint64_t LatencyHistogram::upper_edge(int b) {
  if (b < (2 << kSubBits)) return uint64_t(b);
  const int s = (b >> kSubBits) - 1;
  const uint64_t m = uint64_t(b & ((1 << kSubBits) - 1)) + (uint64_t(1) << kSubBits);
  const uint64_t top = ((m + 1) << s) - 1;
  return top < (m << s) ? ~uint64_t(0) : top;  // the last bucket ends at 2^64 - 1
}

void LatencyHistogram::add(uint64_t v) {
  ++counts_[size_t(bucket(v))];
  ++count_;
  max_ = std::max(max_, v);
}

void LatencyHistogram::merge(const LatencyHistogram& o) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
  count_ += o.count_;
  max_ = std::max(max_, o.max_);
}

uint64_t LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::min(1.0, std::max(0.0, q));
  // The rank of the quantile: at least one value, at most all of them.
  const uint64_t rank = std::max<uint64_t>(1, uint64_t(std::ceil(q * double(count_))));
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += counts_[size_t(b)];
    if (seen >= rank) return std::min(upper_edge(b), max_);
  }
  return max_;
}

}  // namespace apack::dram::sc

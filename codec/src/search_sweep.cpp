// The published table search (spec section 3): repeated sweeps that move each boundary over its
// whole range, keeping every strict improvement, until a sweep gains less than 1%.
#include <cmath>

#include "apack/table.hpp"
#include "cost_model.hpp"

namespace apack {

namespace {

// Scores candidates quickly from a cumulative histogram; the float32 steps match
// describe_table exactly (same operations in the same order).
class SweepScorer {
 public:
  explicit SweepScorer(const Histogram& h) : cum_(h.size() + 1, 0) {
    for (size_t v = 0; v < h.size(); ++v) cum_[v + 1] = cum_[v] + h[v];
    n_ = float(cum_.back());
  }
  float score(const Table& t) const {
    float b = 0.0f;
    uint64_t obits = 0;
    for (int i = 0; i < kRows; ++i) {
      const uint64_t c = cum_[t.vmin[i + 1]] - cum_[t.vmin[i]];
      obits += c * uint64_t(t.ol(i));
      const float prod = detail::prefix_term_f32(c, n_);
      b = b + prod;
    }
    return float(obits) - b;
  }

 private:
  std::vector<uint64_t> cum_;
  float n_ = 0.0f;
};

}  // namespace

Table search_sweep(const Histogram& h, int bits) {
  const SweepScorer scorer(h);
  Table best = uniform_table(bits);
  float best_score = scorer.score(best);
  for (;;) {
    const float prev = best_score;
    Table t = best;  // scratch copy, not reset between boundaries
    auto consider = [&] {
      const float s = scorer.score(t);
      if (s < best_score) {
        best_score = s;
        best = t;
      }
    };
    for (int c = 1; c < kRows; ++c) {
      while (t.vmin[c] > t.vmin[c - 1]) {
        --t.vmin[c];
        consider();
      }
      while (t.vmin[c] < t.vmin[c + 1]) {
        ++t.vmin[c];
        consider();
      }
    }
    if (prev == 0.0f) break;
    const double ratio = double(float(best_score / prev));
    if (std::isnan(ratio) || ratio > 0.99) break;
  }
  return best;
}

}  // namespace apack

// The precision profiler on a tiny hand-made network: the profile it returns meets the tolerance
// and is locally minimal (one bit less on any layer's Pa or Pw breaks it, or the width is
// already 2), both checked here by quantizing and running independently of the profiler.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "apack/error.hpp"
#include "apack/network/executor.hpp"
#include "apack/network/precision_profile.hpp"
#include "apack/network/profiler.hpp"
#include "apack/network/quantize.hpp"
#include "tiny_graphs.hpp"

using namespace apack::network;
using namespace apack::test;

namespace {

// x (6x6x3) -> c1 3x3 -> c2 3x3 -> c3 1x1 -> reshape -> fc (10 classes).
Graph tiny_net() {
  std::mt19937 rng(3);
  Graph g = start_graph("tiny", {1, 6, 6, 3});
  g.layers.push_back(random_conv_layer("c1", 0, 6, 3, 3, rng, 0.4f, Act::Relu));
  g.layers.push_back(random_conv_layer("c2", 1, 6, 3, 6, rng, 0.4f, Act::Relu));
  g.layers.push_back(random_conv_layer("c3", 2, 4, 1, 6, rng, 0.4f, Act::Relu));
  g.layers.push_back(reshape_layer("r", 3, {1, 144}));
  g.layers.push_back(random_fc_layer("fc", 4, 10, 144, rng, 0.1f, 0.0f));
  finish_graph(g, "fc");
  return g;
}

// n inputs of the tiny net, drawn one after the other from one generator seeded `seed`.
std::vector<std::vector<FloatTensor>> inputs(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::vector<FloatTensor>> out;
  for (int k = 0; k < n; ++k) out.push_back({random_input({1, 6, 6, 3}, rng)});
  return out;
}

// The outputs of `profile` (nullptr: the 8-bit reference) on every input, dequantized.
std::vector<std::vector<double>> outputs(const Graph& g, const Calibration& cal,
                                         const PrecisionProfile* profile,
                                         const std::vector<std::vector<FloatTensor>>& xs) {
  QuantConfig c;
  if (profile) c = apply_precision_profile(g, *profile, QuantConfig{}).config;
  const QuantizedGraph qg = quantize(g, cal, c);
  std::vector<std::vector<double>> out;
  for (const auto& x : xs) {
    const IntRun run = run_int(qg, x);
    const IntTensor& y = run.values[5];
    std::vector<double> v;
    for (int32_t q : y.data) v.push_back(double(q) * y.q.scale);
    out.push_back(v);
  }
  return out;
}

// The worst SQNR over the inputs, in dB, computed here from its definition.
double worst_sqnr(const std::vector<std::vector<double>>& ref,
                  const std::vector<std::vector<double>>& test) {
  double worst = INFINITY;
  for (size_t n = 0; n < ref.size(); ++n) {
    double s = 0.0, e = 0.0;
    for (size_t i = 0; i < ref[n].size(); ++i) {
      s += ref[n][i] * ref[n][i];
      e += (ref[n][i] - test[n][i]) * (ref[n][i] - test[n][i]);
    }
    worst = std::min(worst, e == 0.0 ? INFINITY : 10.0 * std::log10(s / e));
  }
  return worst;
}

bool same_top1(const std::vector<std::vector<double>>& ref,
               const std::vector<std::vector<double>>& test) {
  for (size_t n = 0; n < ref.size(); ++n)
    if (std::max_element(ref[n].begin(), ref[n].end()) - ref[n].begin() !=
        std::max_element(test[n].begin(), test[n].end()) - test[n].begin())
      return false;
  return true;
}

// Checks that `r` meets the tolerance and that one bit less on any operand breaks it.
void check_minimal(const Graph& g, const std::vector<std::vector<FloatTensor>>& xs,
                   const ProfileResult& r, const ProfilerOptions& o) {
  Calibration cal;
  for (const auto& x : xs) add_calibration_run(cal, g, run_fp32(g, x), 100.0);
  const auto ref = outputs(g, cal, nullptr, xs);
  auto meets = [&](const PrecisionProfile& p) {
    const auto test = outputs(g, cal, &p, xs);
    return o.tolerance == Tolerance::Sqnr ? worst_sqnr(ref, test) >= o.min_sqnr_db
                                          : same_top1(ref, test);
  };
  REQUIRE(r.profile.layers.size() == 4);
  CHECK(meets(r.profile));
  CHECK(r.quality.meets);
  if (o.tolerance == Tolerance::Sqnr)
    CHECK(r.quality.min_sqnr_db == Approx(worst_sqnr(ref, outputs(g, cal, &r.profile, xs))));
  for (size_t k = 0; k < r.profile.layers.size(); ++k)
    for (int op = 0; op < 2; ++op) {
      PrecisionProfile lower = r.profile;
      int& width = op == 0 ? lower.layers[k].pa : lower.layers[k].pw;
      CAPTURE(lower.layers[k].layer, op, width);
      if (op == 1 && !o.weights_too) {
        CHECK(width == 8);
        continue;
      }
      CHECK(width >= 2);
      CHECK(width <= 8);
      if (width == 2) continue;
      --width;
      CHECK_FALSE(meets(lower));
    }
  CHECK(r.locally_minimal);
}

}  // namespace

TEST_CASE("the profiler's SQNR profile meets the tolerance and no layer can lose a bit") {
  const Graph g = tiny_net();
  const auto xs = inputs(2, 1);
  ProfilerOptions o;
  o.min_sqnr_db = 30.0;
  o.threads = 1;
  int lines = 0;
  o.progress = [&](const std::string&) { ++lines; };
  const ProfileResult r = profile_precisions(g, {}, xs, o);
  check_minimal(g, xs, r, o);
  CHECK(lines >= 6);  // a line per layer, the combination, the trim passes
  // Below 8 bits somewhere, or the test would not exercise the search.
  double macs = 0, pa = 0, pw = 0;
  bool narrower = false;
  for (const auto& l : r.layers) {
    macs += double(l.macs);
    pa += double(l.macs) * l.pa;
    pw += double(l.macs) * l.pw;
    narrower = narrower || l.pa < 8 || l.pw < 8;
    CHECK(l.macs == g.layers[size_t(l.index)].macs(g.layers));
  }
  CHECK(narrower);
  CHECK(r.mac_avg_pa == Approx(pa / macs));
  CHECK(r.mac_avg_pw == Approx(pw / macs));
  CHECK(r.layers[0].macs == 6 * 6 * 6 * 27);  // c1: every output pixel, 3x3x3 per filter
}

TEST_CASE("the profiler's top-1 and activations-only profiles are locally minimal") {
  const Graph g = tiny_net();
  const auto xs = inputs(3, 2);
  ProfilerOptions o;
  o.tolerance = Tolerance::Top1;
  o.threads = 1;
  check_minimal(g, xs, profile_precisions(g, {}, xs, o), o);
  o.tolerance = Tolerance::Sqnr;
  o.min_sqnr_db = 35.0;
  o.weights_too = false;
  check_minimal(g, xs, profile_precisions(g, {}, xs, o), o);
}

TEST_CASE("the profiler refuses options it cannot honour") {
  const Graph g = tiny_net();
  const auto xs = inputs(1, 3);
  ProfilerOptions o;
  CHECK_THROWS_AS(profile_precisions(g, {}, {}, o), apack::Error);
  o.min_sqnr_db = -1.0;
  CHECK_THROWS_AS(profile_precisions(g, {}, xs, o), apack::Error);
  o = ProfilerOptions{};
  o.min_bits = 1;
  CHECK_THROWS_AS(profile_precisions(g, {}, xs, o), apack::Error);
  o = ProfilerOptions{};
  o.reference.weight_bits_of.assign(g.layers.size(), 0);
  CHECK_THROWS_AS(profile_precisions(g, {}, xs, o), apack::Error);
}

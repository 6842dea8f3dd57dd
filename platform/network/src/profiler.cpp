// The precision profiler (docs/precision-profiles.md): per-layer search, combination guided by
// an additive noise model, then trim passes that certify the result is locally minimal.
#include "apack/network/profiler.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "apack/error.hpp"

namespace apack::network {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// The trim passes stop after this many even when the last one still lowered a width (each pass
// is one run per layer and operand; the result then is not certified locally minimal).
constexpr int kMaxTrimPasses = 4;

std::string fixed(double v, int digits = 1) {
  if (std::isinf(v)) return "inf";
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(digits);
  s << v;
  return s.str();
}

size_t argmax(const std::vector<float>& v) {
  return size_t(std::max_element(v.begin(), v.end()) - v.begin());
}

// Operand of a layer: 0 = activations (Pa), 1 = weights (Pw).
enum Operand { kPa = 0, kPw = 1 };
const char* operand_name(int o) { return o == kPa ? "Pa" : "Pw"; }

// The layer whose values stand for an output in the tolerance: a Softmax output's input (the
// logits), since probabilities saturate - a confident prediction keeps a near one-hot output,
// and so a high SQNR, under noise that changes the logits a lot. argmax is the same on both.
int scored_layer(const Graph& g, int output_layer) {
  const Layer& l = g.layers[size_t(output_layer)];
  return l.kind == LayerKind::Softmax ? l.inputs[0] : output_layer;
}

class Search {
 public:
  Search(const Graph& g, const std::vector<std::vector<FloatTensor>>& inputs,
         const Calibration& cal, const ProfilerOptions& o)
      : g_(g), inputs_(inputs), cal_(cal), o_(o) {
    for (size_t i = 0; i < g.layers.size(); ++i)
      if (g.layers[i].has_weights()) convs_.push_back(int(i));
    const QuantizedGraph ref = quantize(g, cal, o.reference);
    for (const auto& x : inputs) {
      const IntRun r = run_int(ref, x, false, o.threads);
      std::vector<std::vector<float>> outs;
      for (const auto& out : g.outputs)
        outs.push_back(r.values[size_t(scored_layer(g, out.layer))].dequantized());
      ref_out_.push_back(std::move(outs));
    }
  }

  const std::vector<int>& convs() const { return convs_; }
  int runs() const { return runs_; }

  // widths[k][operand] for convs_[k].
  using Widths = std::vector<std::array<int, 2>>;

  PrecisionProfile profile_of(const Widths& w) const {
    PrecisionProfile p;
    p.network = g_.name;
    p.default_pa = o_.reference.activation_bits;
    p.default_pw = o_.reference.weight_bits;
    for (size_t k = 0; k < convs_.size(); ++k)
      p.layers.push_back({g_.layers[size_t(convs_[k])].name, w[k][kPa], w[k][kPw]});
    return p;
  }

  Quality evaluate(const Widths& w) {
    auto it = cache_.find(w);
    if (it != cache_.end()) return it->second;
    const AppliedProfile a = apply_precision_profile(g_, profile_of(w), o_.reference);
    const QuantizedGraph qg = quantize(g_, cal_, a.config);
    Quality q;
    q.min_sqnr_db = kInf;
    for (size_t n = 0; n < inputs_.size(); ++n) {
      const IntRun r = run_int(qg, inputs_[n], false, o_.threads);
      ++runs_;
      for (size_t k = 0; k < g_.outputs.size(); ++k) {
        const auto test = r.values[size_t(scored_layer(g_, g_.outputs[k].layer))].dequantized();
        q.min_sqnr_db = std::min(q.min_sqnr_db, sqnr_db(ref_out_[n][k], test));
        if (argmax(test) != argmax(ref_out_[n][k])) q.top1_agrees = false;
      }
    }
    q.meets = o_.tolerance == Tolerance::Sqnr ? q.min_sqnr_db >= o_.min_sqnr_db : q.top1_agrees;
    cache_.emplace(w, q);
    return q;
  }

 private:
  const Graph& g_;
  const std::vector<std::vector<FloatTensor>>& inputs_;
  const Calibration& cal_;
  const ProfilerOptions& o_;
  std::vector<int> convs_;
  std::vector<std::vector<std::vector<float>>> ref_out_;  // [input][output]
  std::map<Widths, Quality> cache_;
  int runs_ = 0;
};

// The output noise (relative to the signal) of one operand at width `w` alone, from the SQNRs
// measured during the per-layer search: measured when known, else the nearest measured width
// scaled by 4x (6.02 dB) per bit, the quantization-noise rule for one bit of width.
double noise_at(const std::map<int, double>& measured, int w, int ref) {
  if (w >= ref) return 0.0;
  auto noise = [](double sqnr) { return std::isinf(sqnr) ? 0.0 : std::pow(10.0, -sqnr / 10.0); };
  auto it = measured.find(w);
  if (it != measured.end()) return noise(it->second);
  int best = -1;
  for (const auto& [width, sqnr] : measured)
    if (!std::isinf(sqnr) && (best < 0 || std::abs(width - w) < std::abs(best - w))) best = width;
  if (best < 0) return 0.0;
  return noise(measured.at(best)) * std::pow(4.0, double(best - w));
}

}  // namespace

ProfileResult profile_precisions(const Graph& g,
                                 const std::vector<std::vector<FloatTensor>>& calibration,
                                 const std::vector<std::vector<FloatTensor>>& inputs,
                                 const ProfilerOptions& o) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  auto say = [&](const std::string& s) {
    if (o.progress)
      o.progress(fixed(std::chrono::duration<double>(Clock::now() - t0).count()) + " s: " + s);
  };
  check_config(o.reference);
  if (!o.reference.weight_bits_of.empty() || !o.reference.activation_bits_of.empty())
    throw Error("profiler: the reference must not have per-layer widths");
  const int ref[2] = {o.reference.activation_bits, o.reference.weight_bits};
  if (o.min_bits < kProfileMinBits || o.min_bits > std::min(ref[0], ref[1]))
    throw Error("profiler: the smallest width must be in 2..the reference width");
  if (inputs.empty()) throw Error("profiler: no inputs to evaluate on");
  if (o.tolerance == Tolerance::Sqnr && !(o.min_sqnr_db > 0.0 && std::isfinite(o.min_sqnr_db)))
    throw Error("profiler: the SQNR tolerance must be a positive number of dB");

  Calibration cal;
  for (const auto& x : calibration.empty() ? inputs : calibration)
    add_calibration_run(cal, g, run_fp32(g, x, o.threads), o.reference.percentile);
  Search s(g, inputs, cal, o);
  const auto& convs = s.convs();
  if (convs.empty()) throw Error(g.name + ": no Conv or FullyConnected layer to profile");
  say("reference int model ready; " + std::to_string(convs.size()) + " Conv/FC layers, " +
      std::to_string(inputs.size()) + " input(s)");

  // The search variables: one Pa per tensor read by Conv/FC layers (its consumers share it, so
  // a tensor read by several layers is one variable, not a conflict) and one Pw per layer.
  struct Var {
    int op;                    // kPa or kPw
    std::vector<size_t> uses;  // indices into convs
    std::string name;
    int64_t macs = 0;
  };
  std::vector<Var> vars;
  std::map<int, size_t> pa_var_of_producer;
  for (size_t k = 0; k < convs.size(); ++k) {
    const int producer = activation_producer(g, convs[k]);
    auto it = pa_var_of_producer.find(producer);
    if (it == pa_var_of_producer.end()) {
      it = pa_var_of_producer.emplace(producer, vars.size()).first;
      vars.push_back({kPa, {}, g.layers[size_t(producer)].name, 0});
    }
    vars[it->second].uses.push_back(k);
    vars[it->second].macs += g.layers[size_t(convs[k])].macs(g.layers);
  }
  if (o.weights_too)
    for (size_t k = 0; k < convs.size(); ++k)
      vars.push_back(
          {kPw, {k}, g.layers[size_t(convs[k])].name, g.layers[size_t(convs[k])].macs(g.layers)});
  auto widths_of = [&](const std::vector<int>& v) {
    Search::Widths w(convs.size(), {ref[0], ref[1]});
    for (size_t i = 0; i < vars.size(); ++i)
      for (size_t k : vars[i].uses) w[k][size_t(vars[i].op)] = v[i];
    return w;
  };
  auto label = [&](size_t i) {
    return std::string(operand_name(vars[i].op)) +
           (vars[i].op == kPa ? " of the layers reading " : " of ") + vars[i].name;
  };

  ProfileResult res;
  const std::vector<int> all_ref = [&] {
    std::vector<int> v;
    for (const auto& var : vars) v.push_back(ref[var.op]);
    return v;
  }();
  std::vector<std::map<int, double>> alone(vars.size());  // SQNR measured alone, by width

  // 1. Each variable alone, the others at the reference: binary search for the smallest width
  // meeting the tolerance (the reference width always does: it is the reference).
  std::vector<int> w = all_ref;
  for (size_t i = 0; i < vars.size(); ++i) {
    int lo = o.min_bits, hi = ref[vars[i].op];
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      std::vector<int> t = all_ref;
      t[i] = mid;
      const Quality q = s.evaluate(widths_of(t));
      alone[i][mid] = q.min_sqnr_db;
      if (q.meets)
        hi = mid;
      else
        lo = mid + 1;
    }
    w[i] = lo;
    std::string tried;
    for (const auto& [width, sqnr] : alone[i])
      tried += (tried.empty() ? "" : ", ") + std::to_string(width) + " bits " + fixed(sqnr) + " dB";
    say("[" + std::to_string(i + 1) + "/" + std::to_string(vars.size()) + "] " + label(i) +
        ": alone " + std::to_string(lo) + " (" + tried + ")");
  }
  const std::vector<int> alone_w = w;

  // 2. All variables at their alone widths. While the tolerance is missed, add one bit to the
  // variable whose estimated output noise is largest: if the noises add up, that bit lowers the
  // total most. A variable whose noise estimate is 0 is raised only when every one is (then the
  // narrowest first), so the loop always ends: at the reference widths the model is the
  // reference.
  Quality q = s.evaluate(widths_of(w));
  res.combined_alone = q;
  say("all at their alone widths: SQNR " + fixed(q.min_sqnr_db) + " dB, top-1 " +
      (q.top1_agrees ? "agrees" : "differs"));
  while (!q.meets) {
    int best = -1;
    double best_noise = -1.0;
    for (size_t i = 0; i < vars.size(); ++i) {
      if (w[i] >= ref[vars[i].op]) continue;
      const double n = noise_at(alone[i], w[i], ref[vars[i].op]);
      if (n > best_noise || (n == 0.0 && best_noise == 0.0 && w[i] < w[size_t(best)])) {
        best_noise = n;
        best = int(i);
      }
    }
    if (best < 0) throw Error("profiler: the reference widths miss the tolerance");  // unreachable
    ++w[size_t(best)];
    ++res.raises;
    q = s.evaluate(widths_of(w));
    say("raised " + label(size_t(best)) + " to " + std::to_string(w[size_t(best)]) + ": SQNR " +
        fixed(q.min_sqnr_db) + " dB" + (q.meets ? ", tolerance met" : ""));
  }

  // 3. Trim: try one bit less on every variable, largest MACs first, keeping each lowering that
  // still meets the tolerance. A pass that lowers nothing certifies that no single one-bit
  // lowering of the result meets it.
  std::vector<size_t> order(vars.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return vars[a].macs > vars[b].macs; });
  for (int pass = 0; pass < kMaxTrimPasses; ++pass) {
    int lowered = 0;
    for (size_t i : order)
      while (w[i] > o.min_bits) {
        std::vector<int> t = w;
        --t[i];
        const Quality tq = s.evaluate(widths_of(t));
        if (!tq.meets) break;
        w = t;
        q = tq;
        ++lowered;
      }
    res.trims += lowered;
    say("trim pass " + std::to_string(pass + 1) + ": " + std::to_string(lowered) +
        " bit(s) removed; SQNR " + fixed(q.min_sqnr_db) + " dB");
    if (lowered == 0) {
      res.locally_minimal = true;
      break;
    }
  }
  const Search::Widths final_w = widths_of(w), alone_layer_w = widths_of(alone_w);

  res.quality = q;
  res.profile = s.profile_of(final_w);
  res.conflicts = apply_precision_profile(g, res.profile, o.reference).conflicts;
  double macs = 0.0, pa = 0.0, pw = 0.0;
  for (size_t k = 0; k < convs.size(); ++k) {
    const Layer& l = g.layers[size_t(convs[k])];
    ProfiledLayer p;
    p.index = convs[k];
    p.name = l.name;
    p.macs = l.macs(g.layers);
    p.pa = final_w[k][kPa];
    p.pw = final_w[k][kPw];
    p.pa_alone = alone_layer_w[k][kPa];
    p.pw_alone = alone_layer_w[k][kPw];
    macs += double(p.macs);
    pa += double(p.macs) * p.pa;
    pw += double(p.macs) * p.pw;
    res.layers.push_back(p);
  }
  res.mac_avg_pa = macs > 0 ? pa / macs : 0.0;
  res.mac_avg_pw = macs > 0 ? pw / macs : 0.0;
  res.runs = s.runs();
  return res;
}

}  // namespace apack::network

// The precision profiler: the smallest per-layer (Pa, Pw) of the Conv/FC layers that keep a
// network's output within a tolerance of the 8-bit int model, on real inputs
// (docs/precision-profiles.md describes the search and its result on posenet).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "apack/network/executor.hpp"
#include "apack/network/graph.hpp"
#include "apack/network/precision_profile.hpp"
#include "apack/network/quantize.hpp"

namespace apack::network {

enum class Tolerance {
  Sqnr,  // every graph output (a Softmax output: its logits) on every input within
         // `min_sqnr_db` of the reference
  Top1,  // the argmax of every graph output on every input equal to the reference's
};

struct ProfilerOptions {
  Tolerance tolerance = Tolerance::Sqnr;
  double min_sqnr_db = 20.0;
  bool weights_too = true;  // false: Pw stays at the reference width, only Pa is searched
  // The reference: every width `reference_bits` (8), weights per channel or per tensor and
  // calibration percentile as here; the search runs from `min_bits` to `reference_bits`.
  QuantConfig reference;
  int min_bits = kProfileMinBits;
  unsigned threads = 0;  // of the int executor (0 = all cores)
  // Called with one line per finished step (for stderr progress); may be empty.
  std::function<void(const std::string&)> progress;
};

// One evaluation of a profile against the reference.
struct Quality {
  double min_sqnr_db = 0.0;  // the worst output over the inputs (inf when identical)
  bool top1_agrees = true;   // argmax equal for every output on every input
  bool meets = false;        // the chosen tolerance holds
};

struct ProfiledLayer {
  int index = -1;
  std::string name;
  int64_t macs = 0;
  int pa = 0, pw = 0;              // the final profile
  int pa_alone = 0, pw_alone = 0;  // the smallest widths meeting the tolerance on their own
};

struct ProfileResult {
  std::vector<ProfiledLayer> layers;  // the Conv/FC layers in graph order
  PrecisionProfile profile;
  Quality quality;                            // of the final profile
  Quality combined_alone;                     // of all layers at their alone widths together
  double mac_avg_pa = 0.0, mac_avg_pw = 0.0;  // sum(MACs * width) / sum(MACs)
  int raises = 0;                             // bits added in the combining step
  int trims = 0;                              // bits removed by the final trim passes
  // True when the last trim pass lowered nothing: no single operand of the result can lose one
  // bit and still meet the tolerance (checked by a run each).
  bool locally_minimal = false;
  int runs = 0;                        // int inferences (over all inputs) made
  std::vector<std::string> conflicts;  // of the final profile (see AppliedProfile)
};

// `calibration` and `inputs`: each entry is one set of graph inputs (one tensor per Input
// layer). Throws apack::Error on bad options or inputs.
ProfileResult profile_precisions(const Graph& graph,
                                 const std::vector<std::vector<FloatTensor>>& calibration,
                                 const std::vector<std::vector<FloatTensor>>& inputs,
                                 const ProfilerOptions& options);

}  // namespace apack::network

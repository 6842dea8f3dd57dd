// What the outputs of the shipped real models mean (../shared/workloads/README.md): posenet
// keypoints, the emotion class, blazeface's face score. `network run` prints these; the tests
// check them. A model none of these recognise gets a generic summary (argmax of vectors).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "apack/network/executor.hpp"
#include "apack/network/graph.hpp"

namespace apack::network {

// PoseNet keypoint in input-tensor pixels: 16 * (argmax cell) + offset; score = sigmoid(logit).
struct Keypoint {
  std::string name;
  double y = 0.0, x = 0.0, score = 0.0;
};
extern const std::vector<std::string> kPosenetKeypoints;  // nose, leftEye, ... rightAnkle
// heatmap 1xHxWx17 logits, offsets 1xHxWx34 (17 y offsets, then 17 x offsets).
std::vector<Keypoint> posenet_keypoints(const FloatTensor& heatmap, const FloatTensor& offsets,
                                        int output_stride = 16);

extern const std::vector<std::string> kEmotionLabels;  // angry, disgust, fear, happy, ...
struct ClassResult {
  int index = -1;
  std::string label;
  double probability = 0.0;
};
ClassResult top_class(const std::vector<float>& probabilities,
                      const std::vector<std::string>& labels = {});

// The largest sigmoid score over all anchors of blazeface's score outputs (1xNx1 logits).
double blazeface_face_score(const std::vector<const FloatTensor*>& score_logits);
constexpr double kBlazefaceThreshold = 0.75;  // workloads README: face present at >= 0.75

// Output values by graph output (graph.outputs order).
struct Readout {
  std::string model;  // "posenet", "emotion", "blazeface" or "generic"
  std::vector<Keypoint> keypoints;
  std::optional<ClassResult> emotion;
  std::optional<double> face_score;
  std::vector<std::string> lines;  // the human summary
};
Readout read_outputs(const Graph& graph, const std::vector<FloatTensor>& outputs);

}  // namespace apack::network

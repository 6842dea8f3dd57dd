#include "apack/network/readout.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "apack/error.hpp"

namespace apack::network {

const std::vector<std::string> kPosenetKeypoints = {
    "nose",          "leftEye",   "rightEye",   "leftEar",   "rightEar",   "leftShoulder",
    "rightShoulder", "leftElbow", "rightElbow", "leftWrist", "rightWrist", "leftHip",
    "rightHip",      "leftKnee",  "rightKnee",  "leftAnkle", "rightAnkle"};

const std::vector<std::string> kEmotionLabels = {"angry", "disgust",  "fear",   "happy",
                                                 "sad",   "surprise", "neutral"};

namespace {

double sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

std::string format(const char* fmt, double a, double b = 0, double c = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, fmt, a, b, c);
  return buf;
}

}  // namespace

std::vector<Keypoint> posenet_keypoints(const FloatTensor& heatmap, const FloatTensor& offsets,
                                        int output_stride) {
  const Shape& h = heatmap.shape;
  if (h.size() != 4 || h[3] != 17 || offsets.shape.size() != 4 || offsets.shape[3] != 34 ||
      offsets.shape[1] != h[1] || offsets.shape[2] != h[2])
    throw Error("posenet outputs: expected heatmap 1xHxWx17 and offsets 1xHxWx34, got " +
                shape_str(h) + " and " + shape_str(offsets.shape));
  const int64_t H = h[1], W = h[2];
  std::vector<Keypoint> out;
  for (int64_t k = 0; k < 17; ++k) {
    int64_t best = 0;
    for (int64_t p = 1; p < H * W; ++p)
      if (heatmap.data[size_t(p * 17 + k)] > heatmap.data[size_t(best * 17 + k)]) best = p;
    const int64_t cy = best / W, cx = best % W;
    Keypoint kp;
    kp.name = kPosenetKeypoints[size_t(k)];
    kp.y = double(cy * output_stride) + offsets.data[size_t(best * 34 + k)];
    kp.x = double(cx * output_stride) + offsets.data[size_t(best * 34 + 17 + k)];
    kp.score = sigmoid(heatmap.data[size_t(best * 17 + k)]);
    out.push_back(kp);
  }
  return out;
}

ClassResult top_class(const std::vector<float>& p, const std::vector<std::string>& labels) {
  ClassResult r;
  if (p.empty()) return r;
  r.index = int(std::max_element(p.begin(), p.end()) - p.begin());
  r.probability = p[size_t(r.index)];
  r.label =
      size_t(r.index) < labels.size() ? labels[size_t(r.index)] : "#" + std::to_string(r.index);
  return r;
}

double blazeface_face_score(const std::vector<const FloatTensor*>& scores) {
  double best = -INFINITY;
  for (const FloatTensor* t : scores)
    for (float v : t->data) best = std::max(best, double(v));
  return sigmoid(best);
}

Readout read_outputs(const Graph& g, const std::vector<FloatTensor>& outs) {
  Readout r;
  r.model = "generic";
  const FloatTensor *heatmap = nullptr, *offsets = nullptr;
  std::vector<const FloatTensor*> face_scores;
  bool face_boxes = false;
  for (size_t i = 0; i < g.outputs.size() && i < outs.size(); ++i) {
    const std::string& n = g.outputs[i].name;
    const Shape& s = outs[i].shape;
    if (contains(n, "heatmap") && s.size() == 4 && s[3] == 17) heatmap = &outs[i];
    if (contains(n, "offset") && s.size() == 4 && s[3] == 34) offsets = &outs[i];
    if (s.size() == 3 && s[2] == 1) face_scores.push_back(&outs[i]);
    if (s.size() == 3 && s[2] == 16) face_boxes = true;
  }
  if (heatmap && offsets) {
    r.model = "posenet";
    r.keypoints = posenet_keypoints(*heatmap, *offsets);
    std::vector<Keypoint> sorted = r.keypoints;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Keypoint& a, const Keypoint& b) { return a.score > b.score; });
    r.lines.push_back("strongest keypoints (input pixels y, x; score):");
    for (size_t k = 0; k < 5 && k < sorted.size(); ++k)
      r.lines.push_back(
          "  " + sorted[k].name +
          format(" at (%.1f, %.1f) score %.3f", sorted[k].y, sorted[k].x, sorted[k].score));
    return r;
  }
  if (!face_scores.empty() && face_boxes) {
    r.model = "blazeface";
    r.face_score = blazeface_face_score(face_scores);
    r.lines.push_back(format("face score %.3f: ", *r.face_score) +
                      (*r.face_score >= kBlazefaceThreshold ? "face found" : "no face") +
                      format(" (threshold %.2f)", kBlazefaceThreshold));
    return r;
  }
  if (outs.size() == 1 && element_count(outs[0].shape) == 7 && g.outputs.size() == 1 &&
      !g.layers.empty() && g.layers[size_t(g.outputs[0].layer)].kind == LayerKind::Softmax) {
    r.model = "emotion";
    r.emotion = top_class(outs[0].data, kEmotionLabels);
    r.lines.push_back("emotion: " + r.emotion->label +
                      format(" (p = %.3f)", r.emotion->probability));
    return r;
  }
  for (size_t i = 0; i < g.outputs.size() && i < outs.size(); ++i) {
    const auto& t = outs[i];
    std::string line = g.outputs[i].name + " " + shape_str(t.shape);
    if (!t.data.empty()) {
      auto c = top_class(t.data);
      line += ": argmax " + std::to_string(c.index) + format(" value %.4g", c.probability);
    }
    r.lines.push_back(line);
  }
  return r;
}

}  // namespace apack::network

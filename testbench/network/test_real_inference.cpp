// The reference executors on the real models and photos: the checks of the networks issue
// (fp32 vs int8 agreement, the models' documented answers, bit-for-bit reproducibility).
#include <catch2/catch.hpp>
#include <cmath>
#include <iostream>

#include "apack/image/image.hpp"
#include "apack/network/quantize.hpp"
#include "apack/network/readout.hpp"
#include "apack/network/tfjs_import.hpp"
#include "real_workloads.hpp"

using namespace apack::network;
using apack::test::model_json;
using apack::test::photo;

namespace {

FloatTensor photo_input(const Graph& g, const std::string& preset, const std::string& file,
                        std::optional<apack::image::Crop> crop = std::nullopt) {
  const auto img = apack::image::decode_file(photo(file));
  auto t = apack::image::preprocess(img, apack::image::preset(preset), crop, file);
  return {g.layers[size_t(g.inputs[0])].shape, std::move(t.data)};
}

std::vector<FloatTensor> outputs_of(const Graph& g, const std::vector<FloatTensor>& v) {
  std::vector<FloatTensor> o;
  for (const auto& out : g.outputs) o.push_back(v[size_t(out.layer)]);
  return o;
}

struct BothRuns {
  std::vector<FloatTensor> fp32, int8;  // graph outputs (int8 dequantized)
};

BothRuns run_both(const Graph& g, const FloatTensor& x, const QuantConfig& qc = {}) {
  const auto fp = run_fp32(g, {x});
  Calibration cal;
  add_calibration_run(cal, g, fp, qc.percentile);
  const auto qg = quantize(g, cal, qc);
  const auto r = run_int(qg, {x});
  BothRuns b{outputs_of(g, fp), {}};
  for (const auto& o : g.outputs) {
    const IntTensor& t = r.values[size_t(o.layer)];
    b.int8.push_back({t.shape, t.dequantized()});
  }
  for (size_t i = 0; i < g.outputs.size(); ++i)
    std::cout << g.name << " output " << g.outputs[i].name << " SQNR int8 vs fp32 "
              << sqnr_db(b.fp32[i].data, b.int8[i].data) << " dB\n";
  return b;
}

}  // namespace

TEST_CASE("posenet on astronaut: face keypoints move under 3 px from fp32 to int8",
          "[network][real]") {
  const Graph g = load_tfjs_graph(model_json("posenet"));
  const auto b = run_both(g, photo_input(g, "posenet", "astronaut.png"));
  const Readout f = read_outputs(g, b.fp32), q = read_outputs(g, b.int8);
  REQUIRE(f.model == "posenet");
  REQUIRE(q.keypoints.size() == 17);
  for (size_t k = 0; k < 5; ++k) {  // nose, eyes, ears
    const double d =
        std::hypot(f.keypoints[k].y - q.keypoints[k].y, f.keypoints[k].x - q.keypoints[k].x);
    INFO(f.keypoints[k].name << " fp32 (" << f.keypoints[k].y << ", " << f.keypoints[k].x
                             << ") int8 (" << q.keypoints[k].y << ", " << q.keypoints[k].x << ")");
    CHECK(d < 3.0);
    CHECK(f.keypoints[k].score > 0.5);
  }
  // The face is in the upper middle of the 385x385 input: a sanity check of the readout.
  CHECK(f.keypoints[0].y < 150);
  CHECK(f.keypoints[1].x > f.keypoints[2].x);  // her left eye is on the image's right
}

TEST_CASE("emotion on the astronaut face crop is happy in fp32 and int8", "[network][real]") {
  const Graph g = load_tfjs_graph(model_json("emotion"));
  const auto b = run_both(
      g, photo_input(g, "emotion", "astronaut.png", apack::image::Crop{150, 50, 150, 150}));
  CHECK(read_outputs(g, b.fp32).emotion->label == "happy");
  CHECK(read_outputs(g, b.int8).emotion->label == "happy");
  double sum = 0;
  for (float p : b.fp32[0].data) sum += p;
  CHECK(sum == Approx(1.0).epsilon(1e-5));
}

TEST_CASE("blazeface finds faces in the portraits and none in the coffee cup (fp32)",
          "[network][real]") {
  const Graph g = load_tfjs_graph(model_json("blazeface"));
  auto score = [&](const std::string& file) {
    const auto fp = run_fp32(g, {photo_input(g, "blazeface", file)});
    const Readout r = read_outputs(g, outputs_of(g, fp));
    REQUIRE(r.face_score);
    std::cout << "blazeface fp32 face score " << file << " " << *r.face_score << "\n";
    return *r.face_score;
  };
  CHECK(score("astronaut.png") >= kBlazefaceThreshold);
  CHECK(score("grace_hopper.jpg") >= kBlazefaceThreshold);
  CHECK(score("coffee.png") < kBlazefaceThreshold);
}

TEST_CASE("int8 layer outputs are bit-for-bit reproducible run to run and across threads",
          "[network][real]") {
  const Graph g = load_tfjs_graph(model_json("blazeface"));
  const FloatTensor x = photo_input(g, "blazeface", "grace_hopper.jpg");
  Calibration cal;
  add_calibration_run(cal, g, run_fp32(g, {x}), 100.0);
  const auto qg = quantize(g, cal, QuantConfig{});
  const auto a = run_int(qg, {x}, true, 1);
  const auto b = run_int(qg, {x}, true, 2);
  const auto c = run_int(qg, {x}, true, 2);
  for (size_t i = 0; i < g.layers.size(); ++i) {
    INFO("layer " << g.layers[i].name);
    REQUIRE(a.values[i].data == b.values[i].data);
    REQUIRE(b.values[i].data == c.values[i].data);
    REQUIRE(a.accumulators[i] == c.accumulators[i]);
  }
}

// The TF.js loader on the three real models of ../shared/workloads (see its README for the
// facts asserted here; the counts below were read from the model files themselves).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "apack/network/tfjs.hpp"
#include "real_workloads.hpp"

namespace fs = std::filesystem;
using namespace apack::network;

namespace {

std::set<std::string> op_set(const TfjsModel& m) {
  std::set<std::string> ops;
  for (const OpUsage& u : op_coverage(m)) ops.insert(u.op);
  return ops;
}

size_t op_count(const TfjsModel& m, const std::string& op) {
  for (const OpUsage& u : op_coverage(m))
    if (u.op == op) return u.count;
  return 0;
}

// The workloads README quotes parameters in millions with two decimals, so the exact count
// must lie within half a unit of the last digit (0.005 M) of the quoted figure.
void require_params_near(const TfjsModel& m, double millions) {
  const double got = static_cast<double>(m.float_parameter_count());
  INFO("float parameters " << got);
  REQUIRE(std::abs(got - millions * 1e6) <= 0.005e6);
}

}  // namespace

TEST_CASE("posenet: MobileNetV1 graph, weights and signature", "[network][tfjs][real]") {
  const TfjsModel m = load_tfjs_model(apack::test::model_json("posenet"));
  CHECK(m.format == "graph-model");
  CHECK(m.nodes.size() == 94);
  CHECK(op_set(m) == std::set<std::string>{"Placeholder", "Const", "_FusedConv2D",
                                           "FusedDepthwiseConv2dNative"});
  CHECK(op_count(m, "Const") == 62);
  CHECK(op_count(m, "_FusedConv2D") == 18);
  CHECK(op_count(m, "FusedDepthwiseConv2dNative") == 13);
  CHECK(m.weights.size() == 62);

  CHECK(m.float_parameter_count() == 1258195);
  require_params_near(m, 1.26);

  REQUIRE(m.has_signature);
  REQUIRE(m.inputs.size() == 1);
  CHECK(m.inputs[0].name == "image:0");
  CHECK(m.inputs[0].tensor.node == "image");
  CHECK(m.inputs[0].shape == std::vector<int64_t>{1, 385, 385, 3});
  CHECK(m.node("image").get_shape("shape") == std::vector<int64_t>{1, 385, 385, 3});

  std::set<std::string> outs;
  for (const GraphPort& p : m.outputs) {
    outs.insert(p.tensor.node);
    CHECK(p.tensor.output == 0);
    CHECK(m.find(p.tensor.node) != nullptr);
  }
  CHECK(outs == std::set<std::string>{"MobilenetV1/heatmap_2/BiasAdd",
                                      "MobilenetV1/offset_2/BiasAdd",
                                      "MobilenetV1/displacement_fwd_2/BiasAdd",
                                      "MobilenetV1/displacement_bwd_2/BiasAdd"});
  for (const GraphPort& p : m.outputs) {
    if (p.tensor.node == "MobilenetV1/heatmap_2/BiasAdd")
      CHECK(p.shape == std::vector<int64_t>{1, 25, 25, 17});
    if (p.tensor.node == "MobilenetV1/offset_2/BiasAdd")
      CHECK(p.shape == std::vector<int64_t>{1, 25, 25, 34});
  }

  // Attributes decoded from base64 and protobuf's string-encoded integers.
  const Node& c0 = m.node("MobilenetV1/MobilenetV1/Conv2d_0/Relu6");
  CHECK(c0.op == "_FusedConv2D");
  CHECK(c0.get_string("padding") == "SAME");
  CHECK(c0.get_string("data_format") == "NHWC");
  CHECK(c0.get_strings("fused_ops") == std::vector<std::string>{"BiasAdd", "Relu6"});
  CHECK(c0.get_ints("strides") == std::vector<int64_t>{1, 2, 2, 1});
  CHECK(c0.get_ints("explicit_paddings").empty());
  CHECK(c0.get_int("num_args") == 1);
  CHECK(c0.get_bool("use_cudnn_on_gpu"));
  CHECK(c0.get_float("epsilon") == 0.0);
  CHECK(c0.get_type("T") == "DT_FLOAT");
  REQUIRE(c0.inputs.size() == 3);
  CHECK(c0.inputs[0].node == "image");
  // Conv filters are HWIO: 3x3, 3 input channels, 24 (= 32 * 0.75) output channels.
  CHECK(m.constant(c0.inputs[1].node).shape == std::vector<int64_t>{3, 3, 3, 24});

  // The heads have no activation: only the bias is fused.
  CHECK(m.node("MobilenetV1/heatmap_2/BiasAdd").get_strings("fused_ops") ==
        std::vector<std::string>{"BiasAdd"});

  // The first bytes of the shard, as read independently with Python's struct module.
  const Tensor& t = m.constant("Const_61");
  CHECK(t.shape == std::vector<int64_t>{1, 1, 384, 32});
  CHECK(t.stored_as == StoredAs::Float32);
  CHECK(t.f32[0] == 0.042992331087589264f);
  CHECK(t.f32[1] == -0.03502923250198364f);
}

TEST_CASE("emotion: mini-Xception graph, signature in userDefinedMetadata",
          "[network][tfjs][real]") {
  const TfjsModel m = load_tfjs_model(apack::test::model_json("emotion"));
  CHECK(m.nodes.size() == 45);
  CHECK(op_set(m) == std::set<std::string>{"Placeholder", "Const", "Identity", "_FusedConv2D",
                                           "DepthwiseConv2dNative", "MaxPool", "AddV2", "Relu",
                                           "Mean", "Softmax"});
  CHECK(op_count(m, "Const") == 23);
  CHECK(op_count(m, "_FusedConv2D") == 9);
  CHECK(op_count(m, "DepthwiseConv2dNative") == 4);
  CHECK(op_count(m, "MaxPool") == 2);
  CHECK(op_count(m, "AddV2") == 2);

  CHECK(m.float_parameter_count() == 205127);
  require_params_near(m, 0.21);

  REQUIRE(m.has_signature);
  REQUIRE(m.inputs.size() == 1);
  CHECK(m.inputs[0].tensor.node == "input_1");
  CHECK(m.inputs[0].shape == std::vector<int64_t>{-1, 64, 64, 1});
  REQUIRE(m.outputs.size() == 1);
  CHECK(m.outputs[0].tensor.node == "Identity");
  CHECK(m.outputs[0].shape == std::vector<int64_t>{-1, 7});

  const Node& pool = m.node("StatefulPartitionedCall/model_1/max_pooling2d_1/MaxPool");
  CHECK(pool.get_ints("ksize") == std::vector<int64_t>{1, 3, 3, 1});
  CHECK(pool.get_string("padding") == "SAME");
  const Node& mean = m.node("StatefulPartitionedCall/model_1/global_average_pooling2d_1/Mean");
  CHECK_FALSE(mean.get_bool("keep_dims"));
  const Tensor& axes = m.constant(mean.inputs[1].node);
  CHECK(axes.dtype == "int32");
  CHECK(axes.i32 == std::vector<int32_t>{1, 2});
}

TEST_CASE("blazeface: int32 shapes and channel paddings", "[network][tfjs][real]") {
  const TfjsModel m = load_tfjs_model(apack::test::model_json("blazeface"));
  CHECK(m.nodes.size() == 257);
  CHECK(op_set(m) == std::set<std::string>{"Placeholder", "Const", "Identity", "_FusedConv2D",
                                           "DepthwiseConv2dNative", "AddV2", "Relu", "MaxPool",
                                           "Pad", "Reshape"});
  CHECK(op_count(m, "Const") == 112);
  CHECK(op_count(m, "_FusedConv2D") == 37);
  CHECK(op_count(m, "DepthwiseConv2dNative") == 32);
  CHECK(op_count(m, "AddV2") == 31);
  CHECK(op_count(m, "Relu") == 31);
  CHECK(op_count(m, "Pad") == 2);
  CHECK(op_count(m, "Reshape") == 4);

  // 6 int32 tensors (4 Reshape shapes, 2 Pad paddings, 28 elements) are not parameters.
  int int32_tensors = 0;
  for (const auto& kv : m.weights) int32_tensors += kv.second.dtype == "int32";
  CHECK(int32_tensors == 6);
  CHECK(m.float_parameter_count() == 134704);
  require_params_near(m, 0.13);

  // Channel zero-extension for the BlazeBlock shortcuts: pad C by 24, then by 48.
  const Tensor& pad0 =
      m.constant("StatefulPartitionedCall/functional_1/tf_op_layer_Pad/Pad/paddings");
  CHECK(pad0.shape == std::vector<int64_t>{4, 2});
  CHECK(pad0.i32 == std::vector<int32_t>{0, 0, 0, 0, 0, 0, 0, 24});
  const Tensor& pad1 =
      m.constant("StatefulPartitionedCall/functional_1/tf_op_layer_Pad_1/Pad_1/paddings");
  CHECK(pad1.i32 == std::vector<int32_t>{0, 0, 0, 0, 0, 0, 0, 48});

  REQUIRE(m.inputs.size() == 1);
  CHECK(m.inputs[0].tensor.node == "input");
  CHECK(m.inputs[0].shape == std::vector<int64_t>{1, 256, 256, 3});
  std::set<std::string> outs;
  for (const GraphPort& p : m.outputs) outs.insert(p.tensor.node);
  CHECK(outs == std::set<std::string>{"Identity", "Identity_1", "Identity_2", "Identity_3"});
}

TEST_CASE("op coverage lists every node once", "[network][tfjs][real]") {
  const TfjsModel m = load_tfjs_model(apack::test::model_json("blazeface"));
  size_t total = 0;
  for (const OpUsage& u : op_coverage(m)) {
    CHECK(u.nodes.size() == u.count);
    for (const std::string& n : u.nodes) CHECK(m.node(n).op == u.op);
    total += u.count;
  }
  CHECK(total == m.nodes.size());
  // File order: blazeface starts with constants.
  CHECK(op_coverage(m).front().op == "Const");
}

// The TF.js loader on small models written here, byte by byte, so each decoding rule and each
// error path is checked against values computed by hand.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "apack/error.hpp"
#include "apack/network/tfjs.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using apack::network::load_tfjs_model;
using apack::network::StoredAs;
using apack::network::TfjsModel;
using apack::test::TempDir;
using Catch::Matchers::Contains;

namespace {

void put_f32(std::vector<uint8_t>& b, float v) {
  uint32_t u;
  std::memcpy(&u, &v, 4);
  for (int k = 0; k < 4; ++k) b.push_back(static_cast<uint8_t>(u >> (8 * k)));
}
void put_i32(std::vector<uint8_t>& b, int32_t v) {
  const uint32_t u = static_cast<uint32_t>(v);
  for (int k = 0; k < 4; ++k) b.push_back(static_cast<uint8_t>(u >> (8 * k)));
}
void put_u16(std::vector<uint8_t>& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v));
  b.push_back(static_cast<uint8_t>(v >> 8));
}

json node(const std::string& name, const std::string& op, std::vector<std::string> inputs = {},
          json attr = json::object()) {
  json n = {{"name", name}, {"op", op}, {"attr", attr}};
  if (!inputs.empty()) n["input"] = inputs;
  return n;
}

json const_node(const std::string& name, const std::string& dtype = "DT_FLOAT") {
  return node(name, "Const", {}, {{"dtype", {{"type", dtype}}}});
}

json model_json(json nodes, json manifest) {
  return {{"format", "graph-model"},
          {"generatedBy", "test"},
          {"convertedBy", "hand"},
          {"modelTopology", {{"node", nodes}}},
          {"weightsManifest", manifest}};
}

// The graph used by the error tests: x -> Mul(x, a) -> AddV2(., b). a is float32 [2] (8 bytes),
// b is int32 [3] (12 bytes) and straddles the two 10-byte shards.
struct SplitModel {
  TempDir dir;
  std::string json_path, shard1, shard2;
  std::vector<uint8_t> bytes;
  explicit SplitModel(std::vector<std::string> extra_input = {}) {
    put_f32(bytes, 1.5f);
    put_f32(bytes, -2.25f);
    put_i32(bytes, 7);
    put_i32(bytes, -8);
    put_i32(bytes, 123456789);
    std::vector<std::string> mul_in = {"x", "a"};
    for (auto& s : extra_input) mul_in.push_back(s);
    json nodes =
        json::array({node("x", "Placeholder"), const_node("a"), const_node("b", "DT_INT32"),
                     node("mul", "Mul", mul_in), node("add", "AddV2", {"mul", "b"})});
    json manifest = json::array({{{"paths", {"group1-shard1of2.bin", "group1-shard2of2.bin"}},
                                  {"weights",
                                   {{{"name", "a"}, {"shape", {2}}, {"dtype", "float32"}},
                                    {{"name", "b"}, {"shape", {3}}, {"dtype", "int32"}}}}}});
    json_path = dir.write("model.json", model_json(nodes, manifest).dump());
    shard1 =
        dir.write("group1-shard1of2.bin", std::vector<uint8_t>(bytes.begin(), bytes.begin() + 10));
    shard2 =
        dir.write("group1-shard2of2.bin", std::vector<uint8_t>(bytes.begin() + 10, bytes.end()));
  }
};

// Runs f, requires it to throw apack::FormatError, and returns the message.
template <typename F>
std::string format_error(F f) {
  try {
    f();
  } catch (const apack::FormatError& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("expected apack::FormatError, got another exception: " << e.what());
  }
  FAIL("expected apack::FormatError, nothing was thrown");
  return "";
}

}  // namespace

TEST_CASE("a tensor split across two shards is read back exactly", "[network][tfjs]") {
  SplitModel s;
  const TfjsModel m = load_tfjs_model(s.json_path);
  REQUIRE(m.weights.size() == 2);
  CHECK(m.constant("a").f32 == std::vector<float>{1.5f, -2.25f});
  CHECK(m.constant("b").dtype == "int32");
  CHECK(m.constant("b").i32 == std::vector<int32_t>{7, -8, 123456789});
  CHECK(m.float_parameter_count() == 2);
  // No signature: the Placeholder is the input, the node nobody consumes the output.
  CHECK_FALSE(m.has_signature);
  REQUIRE(m.inputs.size() == 1);
  CHECK(m.inputs[0].tensor.node == "x");
  REQUIRE(m.outputs.size() == 1);
  CHECK(m.outputs[0].tensor.node == "add");
  CHECK(m.outputs[0].name == "add:0");
}

TEST_CASE("float16 and uint8/uint16 affine weights decode to hand-computed values",
          "[network][tfjs]") {
  TempDir dir;
  std::vector<uint8_t> bin;
  // float16: 1, -2, max normal, smallest subnormal, largest subnormal, 1/3 rounded, -0, inf,
  // -inf, nan.
  for (uint16_t h :
       {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x3555, 0x8000, 0x7C00, 0xFC00, 0x7E00})
    put_u16(bin, h);
  // uint8, scale 0.5, min -1: q = 0, 1, 2, 255.
  for (uint8_t q : {0, 1, 2, 255}) bin.push_back(q);
  // uint16, scale 0.25, min 10: q = 0, 4, 65535.
  for (uint16_t q : {0, 4, 65535}) put_u16(bin, q);
  // uint8 quantization of an int32 tensor: rounded to the nearest integer, as tfjs does;
  // scale 0.4, min -3: q = 0 -> -3, 5 -> -1, 9 -> 0.6 -> 1.
  for (uint8_t q : {0, 5, 9}) bin.push_back(q);
  json manifest =
      json::array({{{"paths", {"w.bin"}},
                    {"weights",
                     {{{"name", "h"},
                       {"shape", {2, 5}},
                       {"dtype", "float32"},
                       {"quantization", {{"dtype", "float16"}}}},
                      {{"name", "q8"},
                       {"shape", {4}},
                       {"dtype", "float32"},
                       {"quantization", {{"dtype", "uint8"}, {"scale", 0.5}, {"min", -1.0}}}},
                      {{"name", "q16"},
                       {"shape", {3}},
                       {"dtype", "float32"},
                       {"quantization", {{"dtype", "uint16"}, {"scale", 0.25}, {"min", 10.0}}}},
                      {{"name", "qi"},
                       {"shape", {3}},
                       {"dtype", "int32"},
                       {"quantization", {{"dtype", "uint8"}, {"scale", 0.4}, {"min", -3.0}}}}}}}});
  json nodes = json::array(
      {const_node("h"), const_node("q8"), const_node("q16"), const_node("qi", "DT_INT32")});
  dir.write("w.bin", bin);
  const TfjsModel m = load_tfjs_model(dir.write("model.json", model_json(nodes, manifest).dump()));

  const auto& h = m.constant("h");
  CHECK(h.stored_as == StoredAs::Float16);
  CHECK(h.shape == std::vector<int64_t>{2, 5});
  REQUIRE(h.f32.size() == 10);
  CHECK(h.f32[0] == 1.0f);
  CHECK(h.f32[1] == -2.0f);
  CHECK(h.f32[2] == 65504.0f);
  CHECK(h.f32[3] == std::ldexp(1.0f, -24));
  CHECK(h.f32[4] == 1023 * std::ldexp(1.0f, -24));
  CHECK(h.f32[5] == 0.333251953125f);  // 0x3555 = (1 + 341/1024) / 4
  CHECK(h.f32[6] == 0.0f);
  CHECK(std::signbit(h.f32[6]));
  CHECK(h.f32[7] == std::numeric_limits<float>::infinity());
  CHECK(h.f32[8] == -std::numeric_limits<float>::infinity());
  CHECK(std::isnan(h.f32[9]));

  const auto& q8 = m.constant("q8");
  CHECK(q8.stored_as == StoredAs::Uint8);
  CHECK(q8.f32 == std::vector<float>{-1.0f, -0.5f, 0.0f, 126.5f});
  const auto& q16 = m.constant("q16");
  CHECK(q16.stored_as == StoredAs::Uint16);
  CHECK(q16.f32 == std::vector<float>{10.0f, 11.0f, 16393.75f});
  CHECK(m.constant("qi").i32 == std::vector<int32_t>{-3, -1, 1});
}

TEST_CASE("half_to_float covers every normal exponent exactly", "[network][tfjs]") {
  using apack::network::half_to_float;
  for (uint32_t e = 1; e < 31; ++e)
    for (uint32_t mant : {0u, 1u, 512u, 1023u}) {
      const uint16_t h = static_cast<uint16_t>(e << 10 | mant);
      CHECK(half_to_float(h) == std::ldexp(1.0f + mant / 1024.0f, static_cast<int>(e) - 15));
    }
}

TEST_CASE("attributes, control inputs and output indices", "[network][tfjs]") {
  TempDir dir;
  json attr = {{"padding", {{"s", "VkFMSUQ="}}},
               {"fused_ops", {{"list", {{"s", {"Qmlhc0FkZA==", "UHJlbHU="}}}}}},
               {"strides", {{"list", {{"i", {"1", "2", "2", "1"}}}}}},
               {"alpha", {{"f", 0.25}}},
               {"count", {{"i", 42}}},  // a plain JSON number is accepted as well
               {"inf", {{"f", "-Infinity"}}},
               {"keep", {{"b", true}}},
               {"T", {{"type", "DT_FLOAT"}}},
               {"fn", {{"func", {{"name", "f"}}}}}};
  json nodes = json::array(
      {node("x", "Placeholder", {},
            {{"shape", {{"shape", {{"dim", {{{"size", "-1"}}, {{"size", "8"}}}}}}}}}),
       node("split", "Split", {"x"}), node("op", "_FusedConv2D", {"split:1", "^x"}, attr)});
  json doc = model_json(nodes, json::array());
  doc["signature"] = {{"inputs", {{"x:0", {{"name", "x:0"}, {"dtype", "DT_FLOAT"}}}}},
                      {"outputs", {{"op:0", {{"name", "op:0"}}}}}};
  const TfjsModel m = load_tfjs_model(dir.write("model.json", doc.dump()));
  const auto& n = m.node("op");
  REQUIRE(n.inputs.size() == 1);
  CHECK(n.inputs[0].node == "split");
  CHECK(n.inputs[0].output == 1);
  CHECK(n.control_inputs == std::vector<std::string>{"x"});
  CHECK(n.get_string("padding") == "VALID");
  CHECK(n.get_strings("fused_ops") == std::vector<std::string>{"BiasAdd", "Prelu"});
  CHECK(n.get_ints("strides") == std::vector<int64_t>{1, 2, 2, 1});
  CHECK(n.get_float("alpha") == 0.25);
  CHECK(n.get_int("count") == 42);
  CHECK(n.get_float("inf") == -std::numeric_limits<double>::infinity());
  CHECK(n.get_bool("keep"));
  CHECK(n.get_type("T") == "DT_FLOAT");
  // The signature gave no shape: the Placeholder's own shape fills it in.
  REQUIRE(m.inputs.size() == 1);
  CHECK(m.inputs[0].shape == std::vector<int64_t>{-1, 8});
  REQUIRE(m.outputs.size() == 1);
  CHECK(m.outputs[0].tensor.node == "op");

  std::string msg = format_error([&] { n.get_int("padding"); });
  CHECK_THAT(msg,
             Contains("'op'") && Contains("'padding'") && Contains("string") && Contains("int"));
  msg = format_error([&] { n.get_string("missing_attr"); });
  CHECK_THAT(msg, Contains("'op'") && Contains("'missing_attr'") && Contains("missing"));
  msg = format_error([&] { n.get_ints("fused_ops"); });
  CHECK_THAT(msg, Contains("'fused_ops'") && Contains("list(string)"));
  msg = format_error([&] { n.get_string("fn"); });
  CHECK_THAT(msg, Contains("'fn'") && Contains("func"));
}

TEST_CASE("missing, truncated and overlong shards name the file and the tensor",
          "[network][tfjs][errors]") {
  SECTION("missing shard") {
    SplitModel s;
    fs::remove(s.shard2);
    const std::string msg = format_error([&] { load_tfjs_model(s.json_path); });
    CHECK_THAT(msg, Contains("group1-shard2of2.bin") && Contains("'b'"));
  }
  SECTION("truncated shard") {
    SplitModel s;
    fs::resize_file(s.shard2, 8);
    const std::string msg = format_error([&] { load_tfjs_model(s.json_path); });
    CHECK_THAT(msg, Contains("group1-shard2of2.bin") && Contains("'b'") && Contains("truncated"));
  }
  SECTION("extra bytes at the end") {
    SplitModel s;
    std::ofstream(s.shard2, std::ios::binary | std::ios::app) << "xyz";
    const std::string msg = format_error([&] { load_tfjs_model(s.json_path); });
    CHECK_THAT(msg,
               Contains("group1-shard2of2.bin") && Contains("3 extra bytes") && Contains("'b'"));
  }
}

TEST_CASE("malformed JSON and broken graphs are reported clearly", "[network][tfjs][errors]") {
  SECTION("bad JSON names the file and the byte") {
    TempDir dir;
    const std::string p = dir.write("model.json", std::string("{\"format\": \"graph-model\", ]"));
    const std::string msg = format_error([&] { load_tfjs_model(p); });
    CHECK_THAT(msg, Contains("model.json") && Contains("byte 27"));
  }
  SECTION("dangling input names the node and the missing input") {
    SplitModel s({"ghost"});
    const std::string msg = format_error([&] { load_tfjs_model(s.json_path); });
    CHECK_THAT(msg, Contains("'mul'") && Contains("'ghost'"));
  }
  SECTION("a Const node without a weight") {
    TempDir dir;
    json doc = model_json(json::array({const_node("lonely")}), json::array());
    const std::string msg =
        format_error([&] { load_tfjs_model(dir.write("model.json", doc.dump())); });
    CHECK_THAT(msg, Contains("'lonely'"));
  }
  SECTION("a Const node disagreeing with its weight's shape or dtype") {
    TempDir dir;
    std::vector<uint8_t> bin;
    put_f32(bin, 1.0f);
    put_f32(bin, 2.0f);
    dir.write("w.bin", bin);
    json manifest =
        json::array({{{"paths", {"w.bin"}},
                      {"weights", {{{"name", "c"}, {"shape", {2}}, {"dtype", "float32"}}}}}});
    json c = const_node("c");
    c["attr"]["value"] = {
        {"tensor", {{"dtype", "DT_FLOAT"}, {"tensorShape", {{"dim", {{{"size", "3"}}}}}}}}};
    std::string msg = format_error([&] {
      load_tfjs_model(dir.write("model.json", model_json(json::array({c}), manifest).dump()));
    });
    CHECK_THAT(msg, Contains("'c'") && Contains("shape"));
    msg = format_error([&] {
      load_tfjs_model(dir.write(
          "model.json", model_json(json::array({const_node("c", "DT_INT32")}), manifest).dump()));
    });
    CHECK_THAT(msg, Contains("'c'") && Contains("DT_INT32"));
  }
  SECTION("a weight no node uses is fine") {
    TempDir dir;
    std::vector<uint8_t> bin;
    put_f32(bin, 3.0f);
    dir.write("w.bin", bin);
    json manifest = json::array(
        {{{"paths", {"w.bin"}},
          {"weights", {{{"name", "unused"}, {"shape", json::array()}, {"dtype", "float32"}}}}}});
    json doc = model_json(json::array({node("x", "Placeholder")}), manifest);
    const TfjsModel m = load_tfjs_model(dir.write("model.json", doc.dump()));
    CHECK(m.constant("unused").f32 == std::vector<float>{3.0f});
    CHECK(m.constant("unused").shape.empty());
  }
  SECTION("a missing model file") {
    CHECK_THROWS_AS(load_tfjs_model("/nonexistent/model.json"), apack::Error);
  }
  SECTION("a layers-model is refused") {
    TempDir dir;
    json doc = {{"format", "layers-model"}, {"modelTopology", {{"node", json::array()}}}};
    const std::string msg =
        format_error([&] { load_tfjs_model(dir.write("model.json", doc.dump())); });
    CHECK_THAT(msg, Contains("layers-model"));
  }
  SECTION("wrong JSON types in a well-formed file") {
    TempDir dir;
    json doc = model_json(json::array({{{"name", "x"}, {"op", 5}}}), json::array());
    const std::string msg =
        format_error([&] { load_tfjs_model(dir.write("model.json", doc.dump())); });
    CHECK_THAT(msg, Contains("model.json"));
  }
}

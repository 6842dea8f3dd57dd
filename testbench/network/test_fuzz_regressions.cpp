// Regression tests for what the platform's fuzz targets (platform/fuzz/) found in the network
// loaders: each input below once crashed, tripped a sanitizer, threw something other than
// apack::Error or asked for an absurd allocation. Each must now be refused with a FormatError
// that names the file and the problem.
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "apack/error.hpp"
#include "apack/network/onnx_import.hpp"
#include "apack/network/tfjs.hpp"
#include "apack/network/tfjs_import.hpp"
#include "apack/network/trace.hpp"
#include "temp_dir.hpp"

using namespace apack::network;
using apack::test::TempDir;
using Catch::Matchers::Contains;

namespace {

// Runs f, requires it to throw apack::FormatError (nothing else), and returns the message.
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
  return {};
}

// ---- TF.js: model.json and shards in memory ---------------------------------------------------

TfjsModel tfjs(const std::string& model_json,
               const std::map<std::string, std::vector<uint8_t>>& shards = {}) {
  return parse_tfjs_model(reinterpret_cast<const uint8_t*>(model_json.data()), model_json.size(),
                          "mem/model.json",
                          [&](const std::string& path, std::vector<uint8_t>& bytes) {
                            auto it = shards.find(path);
                            if (it == shards.end()) return false;
                            bytes = it->second;
                            return true;
                          });
}

std::string placeholder(const std::string& name, const std::string& dims) {
  std::string d;
  for (size_t start = 0; start < dims.size();) {
    size_t comma = dims.find(',', start);
    if (comma == std::string::npos) comma = dims.size();
    d += std::string(d.empty() ? "" : ",") + "{\"size\":\"" + dims.substr(start, comma - start) +
         "\"}";
    start = comma + 1;
  }
  return R"({"name":")" + name +
         R"(","op":"Placeholder","attr":{"dtype":{"type":"DT_FLOAT"},"shape":{"shape":{"dim":[)" +
         d + "]}}}}";
}

std::string graph(const std::string& nodes, const std::string& manifest = "[]") {
  return R"({"format":"graph-model","modelTopology":{"node":[)" + nodes +
         R"(]},"weightsManifest":)" + manifest + "}";
}

std::vector<uint8_t> f32_bytes(size_t count) { return std::vector<uint8_t>(4 * count, 0); }

}  // namespace

TEST_CASE("fuzz: a JSON number beyond double range in model.json is a FormatError",
          "[network][tfjs][fuzz]") {
  // nlohmann::json throws out_of_range (not parse_error) for it; it escaped the loader.
  const std::string msg = format_error([] { tfjs(R"({"format":"graph-model","x":1e99999})"); });
  CHECK_THAT(
      msg, Contains("mem/model.json") && Contains("malformed JSON") && Contains("number overflow"));
}

TEST_CASE("fuzz: extra shard bytes in a weight group without tensors are a FormatError",
          "[network][tfjs][fuzz]") {
  // The message named the group's last tensor through entries.back() on an empty list.
  const std::string manifest = R"([{"paths":["a.bin","b.bin"],"weights":[]}])";
  const std::string msg = format_error([&] {
    tfjs(graph(placeholder("x", "1,2,2,1"), manifest),
         {{"mem/a.bin", {1, 2, 3}}, {"mem/b.bin", {}}});
  });
  CHECK_THAT(msg, Contains("mem/a.bin") && Contains("3 bytes after the last tensor '(none)'"));
}

TEST_CASE("fuzz: a TF.js input of 2^96 values is refused", "[network][tfjs][fuzz]") {
  // An input of 2^32 x 2^32 x 2^32 values: flattening it overflowed int64 in element_count.
  const std::string flatten = R"(,{"name":"s","op":"Const","attr":{"dtype":{"type":"DT_INT32"}}},)"
                              R"({"name":"r","op":"Reshape","input":["x","s"]})";
  const std::string minus_one =
      R"([{"paths":["s.bin"],"weights":[{"name":"s","shape":[2],"dtype":"int32"}]}])";
  const TfjsModel huge =
      tfjs(graph(placeholder("x", "1,4294967296,4294967296,4294967296") + flatten, minus_one),
           {{"mem/s.bin", {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}}});
  CHECK_THAT(format_error([&] { import_tfjs(huge); }),
             Contains("mem/model.json") && Contains("'x'") && Contains("more than 2^31"));
}

TEST_CASE("fuzz: TF.js dilations of 2^62 are refused", "[network][tfjs][fuzz]") {
  // Dilations of 2^62 under a 3 x 3 filter: TF's SAME padding multiplied them past int64.
  const std::string conv_nodes =
      placeholder("x", "1,4,4,1") +
      R"(,{"name":"w","op":"Const","attr":{"dtype":{"type":"DT_FLOAT"}}},)"
      R"({"name":"c","op":"Conv2D","input":["x","w"],"attr":{"padding":{"s":"U0FNRQ=="},)"
      R"("dilations":{"list":{"i":["1","4611686018427387904","1","1"]}}}})";
  const std::string filter_3x3 =
      R"([{"paths":["w.bin"],"weights":[{"name":"w","shape":[3,3,1,1],"dtype":"float32"}]}])";
  const TfjsModel dilated = tfjs(graph(conv_nodes, filter_3x3), {{"mem/w.bin", f32_bytes(9)}});
  CHECK_THAT(format_error([&] { import_tfjs(dilated); }),
             Contains("mem/model.json") && Contains("'c'") && Contains("dilations"));
}

TEST_CASE("fuzz: an empty TF.js filter is refused", "[network][tfjs][fuzz]") {
  // A filter of shape 0 x 1 x 1 x 2^40 holds no values, yet its filter count sized the bias.
  const std::string empty_filter =
      R"([{"paths":["w.bin"],"weights":[{"name":"w","shape":[0,1,1,1099511627776],)"
      R"("dtype":"float32"}]}])";
  const std::string plain_conv =
      placeholder("x", "1,4,4,1") +
      R"(,{"name":"w","op":"Const","attr":{"dtype":{"type":"DT_FLOAT"}}},)"
      R"({"name":"c","op":"Conv2D","input":["x","w"],"attr":{"padding":{"s":"VkFMSUQ="}}})";
  const TfjsModel empty = tfjs(graph(plain_conv, empty_filter), {{"mem/w.bin", {}}});
  CHECK_THAT(format_error([&] { import_tfjs(empty); }),
             Contains("'c'") && Contains("holds no values"));
}

TEST_CASE("fuzz: a TF.js Reshape to 2^93 values is refused", "[network][tfjs][fuzz]") {
  // A Reshape target of three sizes of 2^31 - 1: the product of the known sizes overflowed.
  const std::string reshape_nodes =
      placeholder("x", "1,2,2,1") +
      R"(,{"name":"s","op":"Const","attr":{"dtype":{"type":"DT_INT32"}}},)"
      R"({"name":"r","op":"Reshape","input":["x","s"]})";
  const std::string shape_manifest =
      R"([{"paths":["s.bin"],"weights":[{"name":"s","shape":[3],"dtype":"int32"}]}])";
  const std::vector<uint8_t> big = {0xff, 0xff, 0xff, 0x7f, 0xff, 0xff,
                                    0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f};  // 3 x (2^31 - 1)
  const TfjsModel reshape = tfjs(graph(reshape_nodes, shape_manifest), {{"mem/s.bin", big}});
  CHECK_THAT(format_error([&] { import_tfjs(reshape); }),
             Contains("'r'") && Contains("more than 2^31"));
}

// ---- traces: trace.json and .npy files in memory ---------------------------------------------

namespace {

std::vector<uint8_t> npy_i8(const std::string& shape, size_t count) {
  std::string h = "{'descr': '|i1', 'fortran_order': False, 'shape': (" + shape + "), }";
  while ((10 + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::vector<uint8_t> out = {
      0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, uint8_t(h.size()), uint8_t(h.size() >> 8)};
  out.insert(out.end(), h.begin(), h.end());
  out.resize(out.size() + count, 1);
  return out;
}

Trace trace(const std::string& json, const std::map<std::string, std::vector<uint8_t>>& files) {
  return parse_trace("mem", reinterpret_cast<const uint8_t*>(json.data()), json.size(),
                     [&](const std::string& path) {
                       auto it = files.find(path);
                       if (it == files.end()) throw apack::Error(path + ": no such file");
                       return it->second;
                     });
}

}  // namespace

TEST_CASE("fuzz: a JSON number beyond double range in trace.json is a FormatError",
          "[network][trace][fuzz]") {
  const std::string msg = format_error([] { trace(R"({"fmat":103263e83263})", {}); });
  CHECK_THAT(msg, Contains("trace.json") && Contains("not valid JSON"));
}

TEST_CASE("fuzz: trace shapes are checked before placeholder weights are allocated",
          "[network][trace][fuzz]") {
  // The fuzzer's input: a rank-3 input of 2^32 x 4 x 1 under a 3 x 7 conv asked for 4 TiB of
  // placeholder weights before any file was read. Now 2^32 is out of range...
  const std::string wide =
      R"({"layers":[{"name":"c","kind":"conv","input_shape":[4294967296,4,1],"filters":3,)"
      R"("kernel":[3,7],"weights":"w.npy","input":"x.npy"}]})";
  CHECK_THAT(format_error([&] { trace(wide, {}); }), Contains("trace.json") && Contains("'c'") &&
                                                         Contains("'input_shape'") &&
                                                         Contains("out of range"));
  // ... and so is a shape of sizes in range but more than 2^31 values (2^33 here: 2 TiB of
  // placeholder weights).
  const std::string wider =
      R"({"layers":[{"name":"c","kind":"conv","input_shape":[65536,65536,2],"filters":3,)"
      R"("kernel":[3,7],"weights":"w.npy","input":"x.npy"}]})";
  CHECK_THAT(format_error([&] { trace(wider, {}); }),
             Contains("'input_shape'") && Contains("more than 2^31"));
}

TEST_CASE("fuzz: trace filter counts are checked before use", "[network][trace][fuzz]") {
  // Filters and kernel each within range but together 2^94 weights.
  const std::string many =
      R"({"layers":[{"name":"c","kind":"conv","input_shape":[1,1,1,2],)"
      R"("filters":2147483647,"kernel":[2147483647,2147483647],"weights":"w.npy",)"
      R"("input":"x.npy"}]})";
  CHECK_THAT(format_error([&] { trace(many, {}); }), Contains("'filters'"));
}

TEST_CASE("fuzz: trace pads beyond 2^31 are refused", "[network][trace][fuzz]") {
  // A pad of 2^63 - 1: the padded size overflowed int64.
  const std::string pads =
      R"({"layers":[{"name":"c","kind":"conv","input_shape":[1,4,4,1],"filters":1,)"
      R"("kernel":[1,1],"pads":[0,0,0,9223372036854775807],"weights":"w.npy","input":"x.npy"}]})";
  CHECK_THAT(format_error([&] { trace(pads, {}); }),
             Contains("'pads'") && Contains("out of range"));
}

TEST_CASE("fuzz: trace weights files (not claims) size the placeholder weights",
          "[network][trace][fuzz]") {
  // A filter count the weights file does not back is named with the file.
  const std::string claim =
      R"({"layers":[{"name":"c","kind":"conv","input_shape":[1,4,4,1],"filters":1000,)"
      R"("kernel":[1,1],"weights":"w.npy","input":"x.npy"}]})";
  CHECK_THAT(format_error([&] {
               trace(claim, {{"mem/w.npy", npy_i8("1, 1, 1, 1", 1)}});
             }),
             Contains("'weights'") && Contains("w.npy"));
  // And a minimal valid layer still loads.
  const std::string ok =
      R"({"layers":[{"name":"c","kind":"conv","input_shape":[1,4,4,1],"filters":2,)"
      R"("kernel":[3,3],"pads":[1,1,1,1],"weights":"w.npy","input":"x.npy"}]})";
  const Trace t =
      trace(ok, {{"mem/w.npy", npy_i8("2, 3, 3, 1", 18)}, {"mem/x.npy", npy_i8("1, 4, 4, 1", 16)}});
  REQUIRE(t.layers.size() == 1);
  CHECK(t.layers[0].layer.shape == Shape{1, 4, 4, 2});
}

TEST_CASE("fuzz: an empty .npy of 2^40 x 2^40 x 0 in a trace is a FormatError",
          "[network][trace][fuzz]") {
  // numpy's rule (and parse_npy's) makes it 0 values, but its element count in int64
  // overflowed before reaching the 0.
  const std::string fc =
      R"({"layers":[{"name":"f","kind":"fc","input_shape":[1,2],"filters":1,"weights":"w.npy",)"
      R"("input":"x.npy"}]})";
  CHECK_THAT(format_error([&] {
               trace(fc, {{"mem/w.npy", npy_i8("1099511627776, 1099511627776, 0", 0)}});
             }),
             Contains("mem/w.npy") && Contains("too large"));
}

// ---- ONNX: models written here, protobuf field by field --------------------------------------

namespace {

// Just enough of the protobuf wire format for small ONNX models.
struct Pb {
  std::string b;
  Pb& varint(uint64_t v) {
    do {
      uint8_t byte = v & 0x7f;
      v >>= 7;
      b += char(v ? byte | 0x80 : byte);
    } while (v);
    return *this;
  }
  Pb& num(int field, uint64_t v) {
    varint(uint64_t(field) << 3);
    return varint(v);
  }
  Pb& str(int field, const std::string& v) {
    varint(uint64_t(field) << 3 | 2);
    varint(v.size());
    b += v;
    return *this;
  }
  Pb& msg(int field, const Pb& m) { return str(field, m.b); }
};

// ValueInfoProto of a float tensor with fixed dimensions.
Pb value_info(const std::string& name, const std::vector<int64_t>& dims) {
  Pb shape;
  for (int64_t d : dims) shape.msg(1, Pb().num(1, uint64_t(d)));
  return Pb().str(1, name).msg(2, Pb().msg(1, Pb().num(1, 1).msg(2, shape)));
}

// ModelProto (opset 13) of one node `op` reading `inputs`, writing "y", with `extra` graph
// fields (initializers) and node attributes.
std::string onnx_model(const std::string& op, const std::vector<std::string>& inputs,
                       const std::vector<int64_t>& x_dims, const Pb& graph_extra = {},
                       const Pb& node_attrs = {}) {
  Pb node;
  for (const auto& i : inputs) node.str(1, i);
  node.str(2, "y").str(3, "n").str(4, op);
  node.b += node_attrs.b;
  Pb graph;
  graph.msg(1, node).str(2, "g");
  graph.b += graph_extra.b;
  graph.msg(11, value_info("x", x_dims)).msg(12, Pb().str(1, "y"));
  return Pb().num(1, 7).msg(8, Pb().str(1, "").num(2, 13)).msg(7, graph).b;
}

// TensorProto of int64 values (an initializer).
Pb int64_tensor(const std::string& name, const std::vector<int64_t>& values) {
  Pb t;
  t.num(1, values.size()).num(2, 7);
  for (int64_t v : values) t.num(7, uint64_t(v));
  return t.str(8, name);
}

}  // namespace

TEST_CASE("fuzz: an ONNX input of 2^62 values is refused", "[network][onnx][fuzz]") {
  TempDir dir;
  // An input of 1 x 1 x 2^62 x 1 under a 1 x 1 conv: its MAC count overflowed int64.
  Pb w;
  w.num(1, 1).num(1, 1).num(1, 1).num(1, 1).num(2, 1).str(8, "w").str(9, std::string(4, '\0'));
  const std::string conv = dir.write(
      "conv.onnx", onnx_model("Conv", {"x", "w"}, {1, 1, int64_t(1) << 62, 1}, Pb().msg(5, w)));
  CHECK_THAT(format_error([&] { load_onnx_graph(conv); }),
             Contains("conv.onnx") && Contains("'x'") && Contains("more than 2^31"));
}

TEST_CASE("fuzz: ONNX pads of 2^62 are refused", "[network][onnx][fuzz]") {
  TempDir dir;
  // Pads of 2^62 on both sides of one dimension: the padded size overflowed int64.
  const int64_t big = int64_t(1) << 62;
  const std::string pad = dir.write(
      "pad.onnx", onnx_model("Pad", {"x", "p"}, {1, 1, 2, 2},
                             Pb().msg(5, int64_tensor("p", {0, 0, big, 0, 0, 0, big, 0}))));
  CHECK_THAT(format_error([&] { load_onnx_graph(pad); }), Contains("pad.onnx") && Contains("'n'") &&
                                                              Contains("pads") &&
                                                              Contains("more than 2^31"));

  // The same graph with sane pads loads.
  const std::string ok =
      dir.write("ok.onnx", onnx_model("Pad", {"x", "p"}, {1, 1, 2, 2},
                                      Pb().msg(5, int64_tensor("p", {0, 0, 1, 0, 0, 0, 1, 0}))));
  const Graph g = load_onnx_graph(ok);
  CHECK(g.layers.back().shape == Shape{1, 4, 2, 1});
}

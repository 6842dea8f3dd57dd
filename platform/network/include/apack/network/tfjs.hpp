// Loader for TensorFlow.js graph models (`model.json` + `.bin` weight shards).
//
// This is the raw import: the graph exactly as the converter wrote it (nodes, attributes,
// constants), with every byte of the weight shards accounted for. Turning it into the
// platform's layer IR (folding, shape inference, op semantics) is a separate step, so this
// layer can be tested against the file format alone and reused by `network inspect`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace apack::network {

// A data input of a node: "name" is output 0 of node `name`, "name:1" is output 1.
struct TensorRef {
  std::string node;
  int output = 0;
};

// One TF AttrValue. `kind` says which field holds the value; lists of any element type use
// Kind::List with the matching vector filled (all empty for TF's `{"list": {}}`).
struct AttrValue {
  enum class Kind { Int, Float, Bool, String, Type, Shape, Tensor, List, Other };
  Kind kind = Kind::Other;
  int64_t i = 0;
  double f = 0.0;
  bool b = false;
  std::string s;     // String: the decoded bytes (JSON holds base64); Type: e.g. "DT_FLOAT"
  std::string type;  // Tensor: the tensor's dtype
  // Shape, Tensor: dimensions (-1 = unknown); unknown_rank when TF marks the shape so (or a
  // tensor gives no tensorShape at all).
  std::vector<int64_t> shape;
  bool unknown_rank = false;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::vector<std::string> strings;  // decoded
  std::vector<bool> bools;
  std::vector<std::string> types;
  std::string other_key;  // Other: the JSON key we did not interpret (e.g. "func")

  // For error messages: "int", "list(string)", ...
  std::string describe() const;
};

struct Node {
  std::string name;
  std::string op;
  std::string device;
  std::vector<TensorRef> inputs;            // data inputs, in order
  std::vector<std::string> control_inputs;  // "^name" inputs, without the caret
  std::map<std::string, AttrValue> attrs;

  bool has_attr(const std::string& key) const { return attrs.count(key) != 0; }
  // Typed accessors: throw apack::FormatError naming the node, its op and the attribute when
  // the attribute is missing or holds another kind of value.
  const AttrValue& attr(const std::string& key) const;
  int64_t get_int(const std::string& key) const;
  std::vector<int64_t> get_ints(const std::string& key) const;
  double get_float(const std::string& key) const;
  std::string get_string(const std::string& key) const;
  std::vector<std::string> get_strings(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  std::string get_type(const std::string& key) const;
  std::vector<int64_t> get_shape(const std::string& key) const;
};

// How a weight was stored in the shard (the decoded values are always float32 or int32).
enum class StoredAs { Float32, Int32, Uint8, Uint16, Float16 };
const char* stored_as_name(StoredAs s);

struct Tensor {
  std::string name;
  std::string dtype;  // "float32" or "int32": the type of the decoded values
  std::vector<int64_t> shape;
  std::vector<float> f32;    // dtype float32
  std::vector<int32_t> i32;  // dtype int32
  StoredAs stored_as = StoredAs::Float32;
  double scale = 1.0, min = 0.0;  // affine quantization (Uint8, Uint16), else 1 and 0

  size_t size() const { return dtype == "int32" ? i32.size() : f32.size(); }
};

// A graph input or output: `name` as the signature (or we) spell it, e.g. "image:0".
struct GraphPort {
  std::string name;
  TensorRef tensor;
  std::string dtype;           // e.g. "DT_FLOAT"; empty when unknown
  std::vector<int64_t> shape;  // -1 = unknown dimension
  bool has_shape = false;
};

struct TfjsModel {
  std::string path;  // the model.json it came from
  std::string format, generated_by, converted_by;
  std::vector<Node> nodes;  // file order
  std::unordered_map<std::string, size_t> index;
  // Every weight of the manifest by name; a Const node's value is weights.at(node name).
  std::map<std::string, Tensor> weights;
  std::vector<GraphPort> inputs;
  std::vector<GraphPort> outputs;
  bool has_signature = false;

  const Node* find(const std::string& name) const;
  const Node& node(const std::string& name) const;  // throws apack::Error when absent
  const Tensor& constant(const std::string& const_node) const;
  // Sum of the float32 weight elements (int32 tensors are shapes and paddings, not parameters).
  int64_t float_parameter_count() const;
};

TfjsModel load_tfjs_model(const std::string& model_json_path);

// Reads one weight shard: `path` is the model's folder joined with the manifest's entry, as
// load_tfjs_model opens it. Fills `bytes` and returns true, or returns false when the shard
// cannot be read (the loader then throws FormatError naming the shard and what it holds).
using ShardReader = std::function<bool(const std::string& path, std::vector<uint8_t>& bytes)>;

// load_tfjs_model on a model.json already in memory (`size` bytes of JSON text); `path` names it
// in messages and gives the folder the shard paths are joined to. load_tfjs_model is this with
// a reader of the files; fuzz targets and tests pass their own reader. Same checks and errors.
TfjsModel parse_tfjs_model(const uint8_t* model_json, size_t size, const std::string& path,
                           const ShardReader& read_shard);

// Op types in order of first use, with the nodes using each (for `network inspect`).
struct OpUsage {
  std::string op;
  size_t count = 0;
  std::vector<std::string> nodes;
};
std::vector<OpUsage> op_coverage(const TfjsModel& model);

// Helpers exposed for tests and other importers.
std::vector<uint8_t> base64_decode(const std::string& text, const std::string& what);
float half_to_float(uint16_t h);

}  // namespace apack::network

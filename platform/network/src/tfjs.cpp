// TensorFlow.js graph-model loader. See docs/network-import.md for what is accepted.
#include "apack/network/tfjs.hpp"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "apack/error.hpp"

namespace apack::network {

// ordered_json keeps the signature's outputs in file order, so "graph outputs" are listed
// as the converter wrote them rather than alphabetically.
using json = nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

std::string quote(const std::string& s) { return "'" + s + "'"; }

[[noreturn]] void fail(const std::string& file, const std::string& msg) {
  throw FormatError(file + ": " + msg);
}

// Protobuf's JSON mapping writes int64 as a string ("3") but readers must accept numbers too.
int64_t json_int(const json& v, const std::string& file, const std::string& what) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    size_t used = 0;
    long long x = 0;
    try {
      x = std::stoll(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == s.size() && !s.empty()) return x;
  }
  fail(file, what + ": expected an integer, found " + v.dump());
}

// Protobuf's JSON mapping writes non-finite floats as the strings "NaN", "Infinity".
double json_float(const json& v, const std::string& file, const std::string& what) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  fail(file, what + ": expected a number, found " + v.dump());
}

std::string json_decoded_string(const json& v, const std::string& file, const std::string& what) {
  if (!v.is_string()) fail(file, what + ": expected a base64 string, found " + v.dump());
  std::vector<uint8_t> bytes = base64_decode(v.get<std::string>(), file + ": " + what);
  return std::string(bytes.begin(), bytes.end());
}

// TensorShapeProto: {"dim": [{"size": "1"}, ...]} or {"unknownRank": true}; {} is a scalar.
std::vector<int64_t> parse_shape(const json& v, bool* unknown_rank, const std::string& file,
                                 const std::string& what) {
  if (!v.is_object()) fail(file, what + ": expected a shape object, found " + v.dump());
  if (unknown_rank) *unknown_rank = v.value("unknownRank", false);
  std::vector<int64_t> dims;
  if (v.contains("dim")) {
    for (const json& d : v.at("dim")) {
      // A dimension without "size" is protobuf's default 0 omitted from JSON.
      dims.push_back(d.contains("size") ? json_int(d.at("size"), file, what + " dim") : 0);
    }
  }
  return dims;
}

AttrValue parse_attr(const json& v, const std::string& file, const std::string& what) {
  AttrValue a;
  if (!v.is_object() || v.empty()) fail(file, what + ": expected an AttrValue, found " + v.dump());
  if (v.contains("list")) {
    a.kind = AttrValue::Kind::List;
    const json& l = v.at("list");
    if (l.contains("i"))
      for (const json& x : l.at("i")) a.ints.push_back(json_int(x, file, what));
    if (l.contains("f"))
      for (const json& x : l.at("f")) a.floats.push_back(json_float(x, file, what));
    if (l.contains("s"))
      for (const json& x : l.at("s")) a.strings.push_back(json_decoded_string(x, file, what));
    if (l.contains("b"))
      for (const json& x : l.at("b")) a.bools.push_back(x.get<bool>());
    if (l.contains("type"))
      for (const json& x : l.at("type")) a.types.push_back(x.get<std::string>());
  } else if (v.contains("i")) {
    a.kind = AttrValue::Kind::Int;
    a.i = json_int(v.at("i"), file, what);
  } else if (v.contains("f")) {
    a.kind = AttrValue::Kind::Float;
    a.f = json_float(v.at("f"), file, what);
  } else if (v.contains("b")) {
    a.kind = AttrValue::Kind::Bool;
    a.b = v.at("b").get<bool>();
  } else if (v.contains("s")) {
    a.kind = AttrValue::Kind::String;
    a.s = json_decoded_string(v.at("s"), file, what);
  } else if (v.contains("type")) {
    a.kind = AttrValue::Kind::Type;
    a.s = v.at("type").get<std::string>();
  } else if (v.contains("shape")) {
    a.kind = AttrValue::Kind::Shape;
    a.shape = parse_shape(v.at("shape"), &a.unknown_rank, file, what);
  } else if (v.contains("tensor")) {
    a.kind = AttrValue::Kind::Tensor;
    const json& t = v.at("tensor");
    a.type = t.value("dtype", "");
    // Without a tensorShape the node says nothing about the shape; treat it as unknown.
    a.unknown_rank = true;
    if (t.contains("tensorShape"))
      a.shape = parse_shape(t.at("tensorShape"), &a.unknown_rank, file, what);
  } else {
    // "func", "placeholder": kept so the node loads; an accessor reports it if anyone asks.
    a.kind = AttrValue::Kind::Other;
    a.other_key = v.begin().key();
  }
  return a;
}

TensorRef parse_ref(const std::string& text) {
  TensorRef r;
  r.node = text;
  // "name:3" names output 3; node names themselves never contain ':' in TF.
  size_t colon = text.rfind(':');
  if (colon != std::string::npos && colon + 1 < text.size()) {
    const std::string digits = text.substr(colon + 1);
    if (digits.find_first_not_of("0123456789") == std::string::npos && digits.size() < 9) {
      r.node = text.substr(0, colon);
      r.output = std::stoi(digits);
    }
  }
  return r;
}

std::vector<uint8_t> read_all(const std::string& path, bool* ok) {
  std::ifstream f(path, std::ios::binary);
  *ok = static_cast<bool>(f);
  if (!f) return {};
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) *ok = false;
  return bytes;
}

struct ManifestEntry {
  Tensor tensor;
  size_t bytes = 0;
  int64_t elements = 0;
};

size_t element_bytes(StoredAs s) {
  switch (s) {
    case StoredAs::Uint8:
      return 1;
    case StoredAs::Uint16:
    case StoredAs::Float16:
      return 2;
    default:
      return 4;
  }
}

ManifestEntry parse_manifest_weight(const json& w, const std::string& file) {
  ManifestEntry e;
  Tensor& t = e.tensor;
  if (!w.contains("name") || !w.at("name").is_string())
    fail(file, "weightsManifest entry without a name: " + w.dump());
  t.name = w.at("name").get<std::string>();
  const std::string what = "weight " + quote(t.name);
  t.dtype = w.value("dtype", "float32");
  if (t.dtype != "float32" && t.dtype != "int32")
    fail(file, what + ": dtype " + quote(t.dtype) + " is not supported (float32, int32)");
  if (!w.contains("shape") || !w.at("shape").is_array()) fail(file, what + ": no shape");
  e.elements = 1;
  for (const json& d : w.at("shape")) {
    int64_t n = json_int(d, file, what + " shape");
    if (n < 0 || (n > 0 && e.elements > (int64_t{1} << 40) / n))
      fail(file, what + ": bad shape " + w.at("shape").dump());
    t.shape.push_back(n);
    e.elements *= n;
  }
  t.stored_as = t.dtype == "int32" ? StoredAs::Int32 : StoredAs::Float32;
  if (w.contains("quantization") && !w.at("quantization").is_null()) {
    const json& q = w.at("quantization");
    const std::string qd = q.value("dtype", "");
    if (qd == "uint8" || qd == "uint16") {
      t.stored_as = qd == "uint8" ? StoredAs::Uint8 : StoredAs::Uint16;
      if (!q.contains("scale") || !q.contains("min"))
        fail(file, what + ": " + qd + " quantization without scale and min");
      t.scale = json_float(q.at("scale"), file, what + " scale");
      t.min = json_float(q.at("min"), file, what + " min");
    } else if (qd == "float16") {
      if (t.dtype != "float32") fail(file, what + ": float16 quantization of an int32 tensor");
      t.stored_as = StoredAs::Float16;
    } else {
      fail(file, what + ": quantization dtype " + quote(qd) + " is not supported");
    }
  }
  e.bytes = static_cast<size_t>(e.elements) * element_bytes(t.stored_as);
  return e;
}

void decode_weight(ManifestEntry& e, const uint8_t* p) {
  Tensor& t = e.tensor;
  const size_t n = static_cast<size_t>(e.elements);
  // Values as tfjs computes them: q * scale + min in double, stored as float32 (or rounded to
  // int32 for quantized int32 tensors), so our constants equal what the browser sees.
  std::vector<double> deq;
  if (t.stored_as == StoredAs::Uint8 || t.stored_as == StoredAs::Uint16) {
    deq.resize(n);
    for (size_t k = 0; k < n; ++k) {
      uint32_t q = t.stored_as == StoredAs::Uint8
                       ? p[k]
                       : static_cast<uint32_t>(p[2 * k] | (p[2 * k + 1] << 8));
      deq[k] = q * t.scale + t.min;
    }
  }
  auto le32 = [p](size_t k) {
    return static_cast<uint32_t>(p[4 * k]) | (static_cast<uint32_t>(p[4 * k + 1]) << 8) |
           (static_cast<uint32_t>(p[4 * k + 2]) << 16) |
           (static_cast<uint32_t>(p[4 * k + 3]) << 24);
  };
  if (t.dtype == "int32") {
    t.i32.resize(n);
    for (size_t k = 0; k < n; ++k)
      t.i32[k] =
          deq.empty() ? static_cast<int32_t>(le32(k)) : static_cast<int32_t>(std::lround(deq[k]));
    return;
  }
  t.f32.resize(n);
  for (size_t k = 0; k < n; ++k) {
    switch (t.stored_as) {
      case StoredAs::Float32: {
        uint32_t bits = le32(k);
        std::memcpy(&t.f32[k], &bits, 4);
        break;
      }
      case StoredAs::Float16:
        t.f32[k] = half_to_float(static_cast<uint16_t>(p[2 * k] | (p[2 * k + 1] << 8)));
        break;
      default:
        t.f32[k] = static_cast<float>(deq[k]);
    }
  }
}

// One weight group: its shards are one byte stream holding its tensors back to back.
void load_group(const json& group, size_t group_index, const fs::path& dir, const std::string& file,
                const ShardReader& read_shard, std::map<std::string, Tensor>& out) {
  const std::string gname = "weight group " + std::to_string(group_index);
  std::vector<ManifestEntry> entries;
  if (group.contains("weights"))
    for (const json& w : group.at("weights")) entries.push_back(parse_manifest_weight(w, file));
  std::vector<size_t> starts;  // byte offset of each tensor in the group's stream
  size_t need = 0;
  for (const ManifestEntry& e : entries) {
    starts.push_back(need);
    need += e.bytes;
  }
  // The tensor whose bytes include `offset` (for naming what a missing or short shard holds).
  auto tensor_at = [&](size_t offset) -> size_t {
    for (size_t k = 0; k < entries.size(); ++k)
      if (offset >= starts[k] && offset < starts[k] + entries[k].bytes) return k;
    return entries.size();
  };

  std::vector<uint8_t> stream;
  std::vector<std::string> shard_paths;
  if (group.contains("paths"))
    for (const json& p : group.at("paths")) shard_paths.push_back(p.get<std::string>());
  if (shard_paths.empty() && need > 0)
    fail(file, gname + " lists no shard files but holds " + std::to_string(need) + " bytes");
  for (size_t s = 0; s < shard_paths.size(); ++s) {
    const std::string shard = (dir / shard_paths[s]).string();
    std::vector<uint8_t> bytes;
    if (!read_shard(shard, bytes)) {
      const size_t k = tensor_at(stream.size());
      const std::string holds = k < entries.size() ? entries[k].tensor.name : std::string();
      throw FormatError("weight shard " + quote(shard) + " (shard " + std::to_string(s + 1) +
                        " of " + std::to_string(shard_paths.size()) + " of " + gname + " in " +
                        file + ") cannot be read" +
                        (holds.empty() ? std::string() : "; it holds tensor " + quote(holds)));
    }
    const size_t before = stream.size();
    stream.insert(stream.end(), bytes.begin(), bytes.end());
    // A shard that ends short is only detectable at the end, but an overfull stream already
    // tells which shard carries the extra bytes.
    if (before <= need && stream.size() > need && s + 1 < shard_paths.size()) {
      throw FormatError(
          "weight shard " + quote(shard) + " of " + gname + " in " + file + " carries " +
          std::to_string(stream.size() - need) + " bytes after the last tensor " +
          quote(entries.empty() ? std::string("(none)") : entries.back().tensor.name) +
          " while more shards follow");
    }
  }
  const std::string last_shard =
      shard_paths.empty() ? std::string("(none)") : (dir / shard_paths.back()).string();
  if (stream.size() < need) {
    const size_t k = tensor_at(stream.size());  // exists: the stream ends inside [0, need)
    throw FormatError("weight shard " + quote(last_shard) + " of " + gname + " in " + file +
                      " is truncated: tensor " + quote(entries[k].tensor.name) + " needs bytes " +
                      std::to_string(starts[k]) + ".." +
                      std::to_string(starts[k] + entries[k].bytes) +
                      " of the group but the shards hold only " + std::to_string(stream.size()));
  }
  if (stream.size() > need) {
    throw FormatError("weight shard " + quote(last_shard) + " of " + gname + " in " + file +
                      " has " + std::to_string(stream.size() - need) +
                      " extra bytes after the last tensor " +
                      quote(entries.empty() ? std::string("(none)") : entries.back().tensor.name));
  }
  for (size_t k = 0; k < entries.size(); ++k) {
    decode_weight(entries[k], stream.data() + starts[k]);
    const std::string name = entries[k].tensor.name;
    if (out.count(name)) fail(file, "weight " + quote(name) + " appears twice in the manifest");
    out.emplace(name, std::move(entries[k].tensor));
  }
}

GraphPort parse_port(const std::string& key, const json& v, const std::string& file) {
  GraphPort p;
  p.name = v.is_object() && v.contains("name") ? v.at("name").get<std::string>() : key;
  p.tensor = parse_ref(p.name);
  if (v.is_object()) {
    p.dtype = v.value("dtype", "");
    if (v.contains("tensorShape")) {
      bool unknown = false;
      p.shape = parse_shape(v.at("tensorShape"), &unknown, file, "signature " + quote(p.name));
      p.has_shape = !unknown;
    }
  }
  return p;
}

}  // namespace

std::string AttrValue::describe() const {
  switch (kind) {
    case Kind::Int:
      return "int";
    case Kind::Float:
      return "float";
    case Kind::Bool:
      return "bool";
    case Kind::String:
      return "string";
    case Kind::Type:
      return "type";
    case Kind::Shape:
      return "shape";
    case Kind::Tensor:
      return "tensor";
    case Kind::List:
      if (!ints.empty()) return "list(int)";
      if (!floats.empty()) return "list(float)";
      if (!strings.empty()) return "list(string)";
      if (!bools.empty()) return "list(bool)";
      if (!types.empty()) return "list(type)";
      return "list(empty)";
    case Kind::Other:
      return "unsupported kind " + quote(other_key);
  }
  return "?";
}

const AttrValue& Node::attr(const std::string& key) const {
  auto it = attrs.find(key);
  if (it == attrs.end())
    throw FormatError("node " + quote(name) + " (op " + op + "): attribute " + quote(key) +
                      " is missing");
  return it->second;
}

namespace {
[[noreturn]] void wrong_kind(const Node& n, const std::string& key, const AttrValue& a,
                             const char* wanted) {
  throw FormatError("node " + quote(n.name) + " (op " + n.op + "): attribute " + quote(key) +
                    " is " + a.describe() + ", not " + wanted);
}
// An empty list carries no element type in TF's JSON, so it satisfies any list accessor.
bool list_of(const AttrValue& a, size_t filled) {
  if (a.kind != AttrValue::Kind::List) return false;
  size_t total =
      a.ints.size() + a.floats.size() + a.strings.size() + a.bools.size() + a.types.size();
  return total == filled;
}
}  // namespace

int64_t Node::get_int(const std::string& key) const {
  const AttrValue& a = attr(key);
  if (a.kind != AttrValue::Kind::Int) wrong_kind(*this, key, a, "int");
  return a.i;
}
std::vector<int64_t> Node::get_ints(const std::string& key) const {
  const AttrValue& a = attr(key);
  if (!list_of(a, a.ints.size())) wrong_kind(*this, key, a, "list(int)");
  return a.ints;
}
double Node::get_float(const std::string& key) const {
  const AttrValue& a = attr(key);
  if (a.kind != AttrValue::Kind::Float) wrong_kind(*this, key, a, "float");
  return a.f;
}
std::string Node::get_string(const std::string& key) const {
  const AttrValue& a = attr(key);
  if (a.kind != AttrValue::Kind::String) wrong_kind(*this, key, a, "string");
  return a.s;
}
std::vector<std::string> Node::get_strings(const std::string& key) const {
  const AttrValue& a = attr(key);
  if (!list_of(a, a.strings.size())) wrong_kind(*this, key, a, "list(string)");
  return a.strings;
}
bool Node::get_bool(const std::string& key) const {
  const AttrValue& a = attr(key);
  if (a.kind != AttrValue::Kind::Bool) wrong_kind(*this, key, a, "bool");
  return a.b;
}
std::string Node::get_type(const std::string& key) const {
  const AttrValue& a = attr(key);
  if (a.kind != AttrValue::Kind::Type) wrong_kind(*this, key, a, "type");
  return a.s;
}
std::vector<int64_t> Node::get_shape(const std::string& key) const {
  const AttrValue& a = attr(key);
  if (a.kind != AttrValue::Kind::Shape) wrong_kind(*this, key, a, "shape");
  return a.shape;
}

const char* stored_as_name(StoredAs s) {
  switch (s) {
    case StoredAs::Float32:
      return "float32";
    case StoredAs::Int32:
      return "int32";
    case StoredAs::Uint8:
      return "uint8";
    case StoredAs::Uint16:
      return "uint16";
    case StoredAs::Float16:
      return "float16";
  }
  return "?";
}

const Node* TfjsModel::find(const std::string& name) const {
  auto it = index.find(name);
  return it == index.end() ? nullptr : &nodes[it->second];
}

const Node& TfjsModel::node(const std::string& name) const {
  const Node* n = find(name);
  if (!n) throw Error(path + ": no node named " + quote(name));
  return *n;
}

const Tensor& TfjsModel::constant(const std::string& const_node) const {
  auto it = weights.find(const_node);
  if (it == weights.end()) throw Error(path + ": no constant tensor named " + quote(const_node));
  return it->second;
}

int64_t TfjsModel::float_parameter_count() const {
  int64_t n = 0;
  for (const auto& kv : weights)
    if (kv.second.dtype == "float32") n += static_cast<int64_t>(kv.second.f32.size());
  return n;
}

std::vector<uint8_t> base64_decode(const std::string& text, const std::string& what) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    // Protobuf's JSON parsers accept the URL-safe alphabet as well.
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : text) {
    if (c == '=') {
      ++pad;
      continue;
    }
    int v = value(c);
    if (v < 0 || pad > 0) throw FormatError(what + ": invalid base64 string " + quote(text));
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  // 6 leftover bits can never come from whole bytes; more than 2 '=' is never valid.
  if (bits >= 6 || pad > 2) throw FormatError(what + ": invalid base64 string " + quote(text));
  return out;
}

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {
      // Subnormal half: normalise into a float32 exponent.
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400) == 0);
      bits = sign | static_cast<uint32_t>(127 - 15 - e) << 23 | (mant & 0x3ff) << 13;
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);  // inf, or nan keeping its payload
  } else {
    bits = sign | (exp + 127 - 15) << 23 | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

TfjsModel load_tfjs_model(const std::string& model_json_path) {
  bool ok = false;
  std::vector<uint8_t> text = read_all(model_json_path, &ok);
  if (!ok) throw Error(model_json_path + ": cannot read the model file");
  return parse_tfjs_model(text.data(), text.size(), model_json_path,
                          [](const std::string& shard, std::vector<uint8_t>& bytes) {
                            bool read = false;
                            bytes = read_all(shard, &read);
                            return read;
                          });
}

TfjsModel parse_tfjs_model(const uint8_t* model_json, size_t size, const std::string& path,
                           const ShardReader& read_shard) {
  const std::string& file = path;
  json doc;
  try {
    doc = json::parse(model_json, model_json + size);
  } catch (const json::parse_error& e) {
    fail(file, "malformed JSON at byte " + std::to_string(e.byte) + ": " + e.what());
  } catch (const json::exception& e) {
    // Well-formed but unreadable, e.g. a number too large for a double (out_of_range.406).
    fail(file, std::string("malformed JSON: ") + e.what());
  }

  TfjsModel m;
  m.path = file;
  try {
    if (!doc.is_object()) fail(file, "not a TF.js model (top level is not an object)");
    m.format = doc.value("format", "");
    m.generated_by = doc.value("generatedBy", "");
    m.converted_by = doc.value("convertedBy", "");
    if (!m.format.empty() && m.format != "graph-model")
      fail(file, "format " + quote(m.format) + " is not supported (only graph-model)");
    if (!doc.contains("modelTopology") || !doc.at("modelTopology").is_object() ||
        !doc.at("modelTopology").contains("node"))
      fail(file, "no modelTopology.node list (not a TF.js graph model)");

    for (const json& jn : doc.at("modelTopology").at("node")) {
      Node n;
      if (!jn.contains("name") || !jn.at("name").is_string() || !jn.contains("op"))
        fail(file, "node without a name or op: " + jn.dump().substr(0, 200));
      n.name = jn.at("name").get<std::string>();
      n.op = jn.at("op").get<std::string>();
      n.device = jn.value("device", "");
      if (jn.contains("input")) {
        for (const json& in : jn.at("input")) {
          const std::string s = in.get<std::string>();
          if (!s.empty() && s[0] == '^')
            n.control_inputs.push_back(s.substr(1));
          else
            n.inputs.push_back(parse_ref(s));
        }
      }
      if (jn.contains("attr")) {
        for (auto it = jn.at("attr").begin(); it != jn.at("attr").end(); ++it) {
          n.attrs[it.key()] = parse_attr(it.value(), file,
                                         "node " + quote(n.name) + " attribute " + quote(it.key()));
        }
      }
      if (m.index.count(n.name)) fail(file, "two nodes are named " + quote(n.name));
      m.index.emplace(n.name, m.nodes.size());
      m.nodes.push_back(std::move(n));
    }

    std::set<std::string> consumed;
    for (const Node& n : m.nodes) {
      for (const TensorRef& r : n.inputs) {
        if (!m.index.count(r.node))
          fail(file, "node " + quote(n.name) + " takes input from " + quote(r.node) +
                         ", which is not a node of the graph");
        consumed.insert(r.node);
      }
      for (const std::string& c : n.control_inputs) {
        if (!m.index.count(c))
          fail(file, "node " + quote(n.name) + " has a control input from " + quote(c) +
                         ", which is not a node of the graph");
        consumed.insert(c);
      }
    }

    const fs::path dir = fs::path(file).parent_path();
    if (doc.contains("weightsManifest")) {
      size_t g = 0;
      for (const json& group : doc.at("weightsManifest"))
        load_group(group, g++, dir, file, read_shard, m.weights);
    }
    for (const Node& n : m.nodes) {
      if (n.op != "Const") continue;
      auto it = m.weights.find(n.name);
      if (it == m.weights.end())
        fail(file, "Const node " + quote(n.name) + " has no weight in the weightsManifest");
      // The node's own description of its tensor must agree with the manifest's.
      auto va = n.attrs.find("value");
      if (va != n.attrs.end() && va->second.kind == AttrValue::Kind::Tensor &&
          !va->second.unknown_rank && va->second.shape != it->second.shape) {
        fail(file, "Const node " + quote(n.name) + " declares another shape than its weight");
      }
      auto dt = n.attrs.find("dtype");
      if (dt != n.attrs.end() && dt->second.kind == AttrValue::Kind::Type) {
        const std::string& d = dt->second.s;
        if ((d == "DT_FLOAT" && it->second.dtype != "float32") ||
            (d == "DT_INT32" && it->second.dtype != "int32"))
          fail(file, "Const node " + quote(n.name) + " is " + d + " but its weight is " +
                         it->second.dtype);
      }
    }

    // The converter writes the signature at the top level, or (newer Keras conversions) inside
    // userDefinedMetadata; both describe the same thing.
    const json* sig = nullptr;
    if (doc.contains("signature") && doc.at("signature").is_object())
      sig = &doc.at("signature");
    else if (doc.contains("userDefinedMetadata") && doc.at("userDefinedMetadata").is_object() &&
             doc.at("userDefinedMetadata").contains("signature"))
      sig = &doc.at("userDefinedMetadata").at("signature");
    if (sig) {
      m.has_signature = true;
      for (const char* part : {"inputs", "outputs"}) {
        if (!sig->contains(part)) continue;
        for (auto it = sig->at(part).begin(); it != sig->at(part).end(); ++it) {
          GraphPort p = parse_port(it.key(), it.value(), file);
          if (!m.index.count(p.tensor.node))
            fail(file, std::string("signature ") + part + " entry " + quote(p.name) +
                           " names no node of the graph");
          (std::string(part) == "inputs" ? m.inputs : m.outputs).push_back(std::move(p));
        }
      }
    }
    if (m.inputs.empty()) {
      for (const Node& n : m.nodes) {
        if (n.op != "Placeholder") continue;
        GraphPort p;
        p.name = n.name + ":0";
        p.tensor = {n.name, 0};
        m.inputs.push_back(std::move(p));
      }
    }
    // Fill what the signature left out from the Placeholder itself.
    for (GraphPort& p : m.inputs) {
      const Node& n = m.nodes[m.index.at(p.tensor.node)];
      if (p.dtype.empty() && n.attrs.count("dtype") &&
          n.attrs.at("dtype").kind == AttrValue::Kind::Type)
        p.dtype = n.attrs.at("dtype").s;
      if (!p.has_shape && n.attrs.count("shape") &&
          n.attrs.at("shape").kind == AttrValue::Kind::Shape && !n.attrs.at("shape").unknown_rank) {
        p.shape = n.attrs.at("shape").shape;
        p.has_shape = true;
      }
    }
    if (m.outputs.empty()) {
      // An unused constant is not a result of the network, so constants never become outputs.
      for (const Node& n : m.nodes) {
        if (consumed.count(n.name) || n.op == "Const") continue;
        GraphPort p;
        p.name = n.name + ":0";
        p.tensor = {n.name, 0};
        m.outputs.push_back(std::move(p));
      }
    }
  } catch (const json::exception& e) {
    // Wrong JSON types (a number where a string belongs, ...) in a well-formed file.
    fail(file, std::string("unexpected structure: ") + e.what());
  }
  return m;
}

std::vector<OpUsage> op_coverage(const TfjsModel& model) {
  std::vector<OpUsage> out;
  std::unordered_map<std::string, size_t> at;
  for (const Node& n : model.nodes) {
    auto it = at.find(n.op);
    if (it == at.end()) {
      it = at.emplace(n.op, out.size()).first;
      out.push_back(OpUsage{n.op, 0, {}});
    }
    out[it->second].count++;
    out[it->second].nodes.push_back(n.name);
  }
  return out;
}

}  // namespace apack::network

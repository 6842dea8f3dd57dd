#include "apack/network/trace.hpp"

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "apack/atomic_file.hpp"
#include "apack/error.hpp"
#include "apack/npy.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace apack::network {

namespace {

std::string file_stem_for(size_t index, const std::string& name) {
  char num[32];
  std::snprintf(num, sizeof num, "%03zu_", index);
  std::string s = num;
  for (char c : name)
    s += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  return s + ".npy";
}

std::string descr_for(const TensorQuant& q) {
  if (q.bits <= 8) return q.is_signed ? "|i1" : "|u1";
  return q.is_signed ? "<i2" : "<u2";
}

json shape_json(const Shape& s) { return json(std::vector<int64_t>(s.begin(), s.end())); }

}  // namespace

std::vector<uint8_t> int_npy_bytes(const IntTensor& t) {
  const std::string descr = descr_for(t.q);
  const size_t item = t.q.bits <= 8 ? 1 : 2;
  std::vector<uint8_t> data(t.data.size() * item);
  for (size_t i = 0; i < t.data.size(); ++i) {
    const uint32_t v = uint32_t(t.data[i]);
    data[i * item] = uint8_t(v);
    if (item == 2) data[i * item + 1] = uint8_t(v >> 8);
  }
  std::vector<uint64_t> shape(t.shape.begin(), t.shape.end());
  return npy_file(npy_header(descr, false, shape), data.data(), data.size());
}

namespace {

// A trace names sizes (shapes, kernel, pads, filters...) before its files are read. Larger
// values than these cannot describe a real layer, and products of them would overflow int64 in
// the shape rules; they are refused before any arithmetic or allocation depends on them.
constexpr int64_t kMaxSize = int64_t(1) << 31;      // any one dimension, stride, pad, count
constexpr int64_t kMaxElements = int64_t(1) << 31;  // values of any one tensor

// The element count of a shape of non-negative sizes, or -1 when it exceeds kMaxElements.
int64_t bounded_count(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0 || (d > 0 && n > kMaxElements / d)) return -1;
    n *= d;
  }
  return n;
}

std::vector<uint8_t> read_file_bytes(const std::string& path, const char* what) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(path + ": cannot open the " + what + ": " + std::strerror(errno));
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  if (f.bad()) throw Error(path + ": cannot read the " + what);
  return bytes;
}

}  // namespace

IntTensor read_int_npy(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file_bytes(path, "file");
  return parse_int_npy(bytes.data(), bytes.size(), path);
}

IntTensor parse_int_npy(const uint8_t* bytes, size_t size, const std::string& what) {
  const std::string& path = what;
  NpyArray a = parse_npy(bytes, size, path);
  if (a.fortran_order) throw FormatError(path + ": Fortran-ordered arrays are not accepted");
  for (uint64_t d : a.shape)  // an empty array may claim any other dimension; int64 needs less
    if (d > uint64_t(kMaxSize))
      throw FormatError(path + ": dimension " + std::to_string(d) + " is too large (above 2^31)");
  IntTensor t;
  t.shape.assign(a.shape.begin(), a.shape.end());
  const size_t n = size_t(a.element_count());
  t.data.resize(n);
  const uint8_t* d = a.data.data();
  if (a.descr == "|i1" || a.descr == "|u1") {
    const bool s = a.descr == "|i1";
    for (size_t i = 0; i < n; ++i) t.data[i] = s ? int32_t(int8_t(d[i])) : int32_t(d[i]);
    t.q = TensorQuant::make(1.0, s, 8);
  } else if (a.descr == "<i2" || a.descr == "<u2") {
    const bool s = a.descr == "<i2";
    for (size_t i = 0; i < n; ++i) {
      const uint16_t v = uint16_t(d[2 * i] | (d[2 * i + 1] << 8));
      t.data[i] = s ? int32_t(int16_t(v)) : int32_t(v);
    }
    t.q = TensorQuant::make(1.0, s, 16);
  } else if (a.descr == "<i4") {
    for (size_t i = 0; i < n; ++i) std::memcpy(&t.data[i], d + 4 * i, 4);
    t.q = TensorQuant::make(1.0, true, 16);
    t.q.bits = 32;
  } else {
    throw FormatError(path + ": dtype '" + a.descr +
                      "' is not an integer trace type (int8, uint8, int16, uint16, int32)");
  }
  t.q.scale = 0.0;  // unknown until the trace file says
  return t;
}

void check_trace_target(const std::string& dir) {
  const fs::path target(dir);
  std::error_code ec;
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target)) throw Error(dir + ": exists and is not a folder");
    if (!fs::is_empty(target) && !fs::exists(target / kTraceFile))
      throw Error(dir + ": refusing to overwrite a folder that is not empty and holds no " +
                  "previous trace (" + kTraceFile + ")");
  }
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, ec)) throw Error(dir + ": the parent folder does not exist");
}

size_t dump_traces(const QuantizedGraph& qg, const IntRun& run, const std::string& dir) {
  const Graph& g = *qg.graph;
  check_trace_target(dir);
  const fs::path target(dir);
  std::error_code ec;
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const fs::path tmp =
      parent / (target.filename().string() + ".partial-" + std::to_string(getpid()));
  fs::remove_all(tmp, ec);
  try {
    for (const char* sub : {"weights", "inputs", "outputs"}) fs::create_directories(tmp / sub);
    json layers = json::array();
    for (size_t i = 0; i < g.layers.size(); ++i) {
      const Layer& l = g.layers[i];
      if (!l.has_weights()) continue;
      const QuantLayer& ql = qg.layers[i];
      const IntTensor& in = run.values[size_t(l.inputs[0])];
      const IntTensor& out = run.values[i];
      IntTensor w;
      w.q = TensorQuant::make(
          1.0, true, (ql.weight_bits ? ql.weight_bits : qg.config.weight_bits) <= 8 ? 8 : 16);
      w.data = ql.weights;
      if (l.kind == LayerKind::Conv)
        w.shape = {l.out_channels, l.kernel_h, l.kernel_w, l.in_channels() / l.groups};
      else
        w.shape = {l.out_channels, l.in_channels()};
      const std::string file = file_stem_for(i, l.name);
      write_file_atomic((tmp / "weights" / file).string(), int_npy_bytes(w));
      write_file_atomic((tmp / "inputs" / file).string(), int_npy_bytes(in));
      write_file_atomic((tmp / "outputs" / file).string(), int_npy_bytes(out));
      json j = {{"index", i},
                {"name", l.name},
                {"kind", l.kind == LayerKind::Conv ? "conv" : "fc"},
                {"input_shape", shape_json(in.shape)},
                {"output_shape", shape_json(l.shape)},
                {"filters", l.out_channels},
                {"macs", l.macs(g.layers)},
                {"weights", "weights/" + file},
                {"input", "inputs/" + file},
                {"output", "outputs/" + file},
                {"input_scale", in.q.scale},
                {"input_signed", in.q.is_signed},
                {"output_scale", out.q.scale},
                {"output_signed", out.q.is_signed},
                {"activation", act_name(l.act)},
                {"weight_scales", ql.weight_scale}};
      if (l.kind == LayerKind::Conv) {
        j["kernel"] = {l.kernel_h, l.kernel_w};
        j["stride"] = {l.stride_h, l.stride_w};
        j["dilation"] = {l.dilation_h, l.dilation_w};
        j["pads"] = {l.pad_top, l.pad_bottom, l.pad_left, l.pad_right};
        j["groups"] = l.groups;
      }
      layers.push_back(j);
    }
    json top = {{"format", "apack-vp trace"},
                {"version", 1},
                {"model", g.name},
                {"source", g.source},
                {"synthetic_values", g.synthetic_values},
                {"weight_bits", qg.config.weight_bits},
                {"activation_bits", qg.config.activation_bits},
                {"weights_per_channel", qg.config.per_channel},
                {"layers", layers}};
    if (g.synthetic_values) top["synthetic_note"] = g.synthetic_note;
    write_file_atomic((tmp / kTraceFile).string(), top.dump(1) + "\n");
    // Swap in: an old trace is moved aside first and removed only once the new one is in place.
    fs::path old;
    if (fs::exists(target)) {
      old = parent / (target.filename().string() + ".old-" + std::to_string(getpid()));
      fs::rename(target, old);
    }
    fs::rename(tmp, target);
    if (!old.empty()) fs::remove_all(old, ec);
    return layers.size();
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(tmp, ec);
    throw Error(dir + ": cannot write the trace: " + e.what());
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

namespace {

struct LayerReader {
  const std::string& file;
  const json& j;
  std::string layer;

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw FormatError(file + ": layer '" + layer + "': key '" + key + "': " + what);
  }
  const json& need(const std::string& key) const {
    if (!j.contains(key)) fail(key, "missing");
    return j.at(key);
  }
  int64_t integer(const std::string& key, int64_t fallback, bool required = false) const {
    if (!j.contains(key)) {
      if (required) fail(key, "missing");
      return fallback;
    }
    if (!j.at(key).is_number_integer()) fail(key, "must be an integer");
    return in_range(key, j.at(key));
  }
  int64_t in_range(const std::string& key, const json& v) const {
    // Unsigned JSON integers above INT64_MAX wrap to negative values here, which fail below.
    const int64_t x = v.get<int64_t>();
    if (x < -kMaxSize || x > kMaxSize) fail(key, std::to_string(x) + " is out of range");
    return x;
  }
  std::vector<int64_t> ints(const std::string& key, std::vector<int64_t> fallback, size_t n,
                            bool required = false) const {
    if (!j.contains(key)) {
      if (required) fail(key, "missing");
      return fallback;
    }
    const json& v = j.at(key);
    if (!v.is_array() || (n && v.size() != n))
      fail(key, "must be a list of " + std::to_string(n) + " integers");
    std::vector<int64_t> out;
    for (const auto& e : v) {
      if (!e.is_number_integer()) fail(key, "must hold integers");
      out.push_back(in_range(key, e));
    }
    return out;
  }
  double number(const std::string& key) const {
    if (!j.contains(key)) return 0.0;
    if (!j.at(key).is_number()) fail(key, "must be a number");
    return j.at(key).get<double>();
  }
  std::string text(const std::string& key) const {
    const json& v = need(key);
    if (!v.is_string()) fail(key, "must be a string");
    return v.get<std::string>();
  }
};

}  // namespace

Trace load_trace(const std::string& dir) {
  const std::string file = (fs::path(dir) / kTraceFile).string();
  const std::vector<uint8_t> text = read_file_bytes(file, "trace file");
  return parse_trace(dir, text.data(), text.size(),
                     [](const std::string& path) { return read_file_bytes(path, "file"); });
}

Trace parse_trace(const std::string& dir, const uint8_t* trace_json, size_t size,
                  const TraceFileReader& read_file) {
  const fs::path root(dir);
  const std::string file = (root / kTraceFile).string();
  json top;
  try {
    top = json::parse(trace_json, trace_json + size);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a huge number
    throw FormatError(file + ": not valid JSON: " + e.what());
  }
  if (!top.is_object() || !top.contains("layers") || !top["layers"].is_array())
    throw FormatError(file + ": needs an object with a 'layers' list");
  Trace t;
  t.dir = dir;
  if (top.contains("model") && top["model"].is_string()) t.model = top["model"];
  if (top.contains("synthetic_values") && top["synthetic_values"].is_boolean())
    t.synthetic_values = top["synthetic_values"];
  size_t index = 0;
  for (const json& j : top["layers"]) {
    LayerReader r{file, j, "#" + std::to_string(index++)};
    if (!j.is_object()) r.fail("layers", "each layer must be an object");
    r.layer = r.text("name");
    TraceLayer tl;
    Layer& l = tl.layer;
    l.name = r.layer;
    const std::string kind = r.text("kind");
    if (kind != "conv" && kind != "fc")
      r.fail("kind", "must be 'conv' or 'fc', not '" + kind + "'");
    l.kind = kind == "conv" ? LayerKind::Conv : LayerKind::FullyConnected;
    tl.input_shape = r.ints("input_shape", {}, 0, true);
    l.out_channels = r.integer("filters", 0, true);
    if (l.kind == LayerKind::Conv) {
      auto k = r.ints("kernel", {1, 1}, 2, true);
      auto s = r.ints("stride", {1, 1}, 2);
      auto d = r.ints("dilation", {1, 1}, 2);
      auto p = r.ints("pads", {0, 0, 0, 0}, 4);
      l.kernel_h = k[0], l.kernel_w = k[1], l.stride_h = s[0], l.stride_w = s[1];
      l.dilation_h = d[0], l.dilation_w = d[1];
      l.pad_top = p[0], l.pad_bottom = p[1], l.pad_left = p[2], l.pad_right = p[3];
      l.groups = r.integer("groups", 1);
    }
    for (int64_t d : tl.input_shape)
      if (d < 1) r.fail("input_shape", "has a dimension below 1: " + shape_str(tl.input_shape));
    const int64_t in_count = bounded_count(tl.input_shape);
    if (in_count < 0)
      r.fail("input_shape", shape_str(tl.input_shape) + " has more than 2^31 values");
    if (l.kind == LayerKind::Conv && (l.kernel_h < 1 || l.kernel_w < 1))
      r.fail("kernel", "sizes must be at least 1");
    if (l.kind == LayerKind::Conv && l.groups < 1) r.fail("groups", "must be at least 1");
    const int64_t c = tl.input_shape.size() == 4 ? tl.input_shape[3] : in_count;
    const Shape wshape = l.kind == LayerKind::Conv
                             ? Shape{l.out_channels, l.kernel_h, l.kernel_w, c / l.groups}
                             : Shape{l.out_channels, in_count};
    const int64_t wcount = bounded_count(wshape);
    if (l.out_channels <= 0 || wcount == 0) r.fail("filters", "the layer has no weights");
    if (wcount < 0) r.fail("filters", "weights of " + shape_str(wshape) + " are more than 2^31");
    auto load = [&](const std::string& key, const Shape& expect) {
      const std::string path = (root / r.text(key)).string();
      const std::vector<uint8_t> bytes = read_file(path);
      IntTensor v = parse_int_npy(bytes.data(), bytes.size(), path);
      if (element_count(v.shape) != element_count(expect))
        r.fail(key, path + " has shape " + shape_str(v.shape) + ", expected " + shape_str(expect));
      v.shape = expect;
      return v;
    };
    // The weights first: the shape checks below need as many placeholder weights as the file
    // holds, and the file (not the trace's claim) is what bounds that allocation.
    tl.weights = load("weights", wshape);
    // Shape checks reuse the IR's rules on a two-layer graph with placeholder weights.
    Graph g;
    g.name = file;
    g.source = file;
    Layer in;
    in.name = "input";
    in.shape = tl.input_shape;
    Layer probe = l;
    probe.inputs = {0};
    probe.weights.assign(size_t(wcount), 0.0f);
    probe.bias.assign(size_t(l.out_channels), 0.0f);
    g.layers = {in, probe};
    g.inputs = {0};
    g.outputs = {{"out", 1}};
    try {
      validate(g);
    } catch (const FormatError& e) {
      throw FormatError(file + ": layer '" + l.name + "': " + e.what());
    }
    l.shape = g.layers[1].shape;
    if (bounded_count(l.shape) < 0)
      r.fail("output_shape",
             "the computed output " + shape_str(l.shape) + " has more than 2^31 values");
    tl.macs = g.layers[1].macs(g.layers);
    tl.input = load("input", tl.input_shape);
    if (j.contains("output")) tl.output = load("output", l.shape);
    tl.input_scale = r.number("input_scale");
    tl.output_scale = r.number("output_scale");
    tl.input.q.scale = tl.input_scale;
    if (tl.output) tl.output->q.scale = tl.output_scale;
    if (j.contains("activation") && j["activation"].is_string()) {
      const std::string a = j["activation"];
      for (Act act :
           {Act::None, Act::Relu, Act::Relu6, Act::Clip, Act::PRelu, Act::Sigmoid, Act::Tanh})
        if (a == act_name(act)) l.act = act;
    }
    t.layers.push_back(std::move(tl));
  }
  if (t.layers.empty()) throw FormatError(file + ": the trace has no layers");
  return t;
}

}  // namespace apack::network

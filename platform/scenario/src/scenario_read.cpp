// The top level of a scenario: the simple keys, the sections in order, then the checks that
// need several sections at once (can the engine run the widths, can the codec code them).
#include <filesystem>
#include <fstream>
#include <sstream>

#include "apack/engines/energy.hpp"
#include "apack/error.hpp"
#include "overrides.hpp"
#include "read_sections.hpp"

namespace apack::scenario {

namespace fs = std::filesystem;
using detail::Context;
using detail::Map;
using detail::Place;
using detail::Value;

namespace detail {

std::string resolve_path(const std::string& base_dir, const std::string& path) {
  fs::path p(path);
  if (p.is_relative()) p = fs::path(base_dir) / p;
  return p.lexically_normal().string();
}

std::string existing_file(const Value& v, const Context& cx, const std::string& what) {
  const std::string path = resolve_path(cx.base_for(v.place()), v.text());
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) v.fail("no such " + what + " file: " + path);
  if (fs::is_directory(st)) v.fail("the " + what + " " + path + " is a folder, not a file");
  return path;
}

}  // namespace detail

namespace {

constexpr size_t kMaxScenarioBytes = size_t(1) << 20;  // a scenario is a few hundred bytes

std::string read_name(const Value& v) {
  const std::string s = v.text();
  // The name becomes a folder name (out/NAME) and a label in reports.
  if (s.size() > 64) v.fail("must be at most 64 characters");
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.'))
      v.fail("must be letters, digits, '-', '_' and '.' only (it names the output folder), got " +
             v.describe());
  return s;
}

std::string read_technology(const Value& v, const Context& cx) {
  const std::string s = v.text();
  for (const std::string& t : engines::list_technologies())
    if (s == t) return s;
  const std::string path = detail::resolve_path(cx.base_for(v.place()), s);
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    std::string known;
    for (const std::string& t : engines::list_technologies())
      known += (known.empty() ? "" : ", ") + t;
    v.fail("neither a built-in technology (" + known + ") nor an existing table file: " + path);
  }
  const std::string file = detail::existing_file(v, cx, "technology table");
  if (cx.read_files) {
    try {
      engines::resolve_energy_table(file);
    } catch (const Error& e) {
      v.fail(std::string("not a usable energy table: ") + e.what());
    }
  }
  return file;
}

OutputsSection read_outputs(const std::optional<Value>& section, const Context& cx,
                            const std::string& name) {
  OutputsSection o;
  // Without a dir the run writes under the working directory, as other commands' outputs do.
  o.dir = detail::resolve_path(cx.work_dir, "out/" + name);
  if (!section) return o;
  const Map m = section->map();
  m.allow_only({"dir", "trace", "plots"});
  if (auto v = m.find("dir")) o.dir = detail::resolve_path(cx.base_for(v->place()), v->text());
  if (auto v = m.find("trace")) o.trace = v->boolean();
  if (auto v = m.find("plots")) o.plots = v->boolean();
  return o;
}

// The engine on a 1x1 layer of 16 inputs and 16 filters at the scenario's widths: an engine that
// cannot run those widths (tensor-core with 16-bit weights) refuses it here, not mid-run.
void check_engine_widths(const Scenario& s, const Place& weight_at, const Place& act_at) {
  const auto& q = s.network.quantization;
  const auto engine = engines::make_engine({s.engine.name, s.engine.parameters}, s.engine.baseline);
  std::vector<int32_t> acts(16, 0), weights(256, 0);
  engines::LayerWork l;
  l.name = "width-check";
  l.fully_connected = true;
  l.C = 16;
  l.F = 16;
  l.activations = acts.data();
  l.weights = weights.data();
  l.act = {q.activation_bits, true, q.activation_bits};
  l.weight = {q.weight_bits, true, q.weight_bits};
  l.out = {q.activation_bits, true, q.activation_bits};
  try {
    engine->run(l, engines::RunOptions{false});
  } catch (const Error& e) {
    const Place& at = q.weight_bits >= q.activation_bits ? weight_at : act_at;
    at.fail("the " + s.engine.name + " engine cannot run " + std::to_string(q.weight_bits) +
            "-bit weights with " + std::to_string(q.activation_bits) + "-bit activations (" +
            e.what() + ")");
  }
}

void check_codec_widths(const Scenario& s, const Place& weight_at, const Place& act_at) {
  if (!s.codec.enabled || s.codec.compressor == Compressor::bypass) return;
  const auto& q = s.network.quantization;
  // APack codes 2..8-bit values (codec.hpp), the comparison codecs 8-bit codes (compare.hpp).
  if (q.weight_bits > 8 || q.activation_bits > 8) {
    const Place& at = q.weight_bits > 8 ? weight_at : act_at;
    at.fail(std::to_string(std::max(q.weight_bits, q.activation_bits)) +
            "-bit values cannot go through the " + name(s.codec.compressor) +
            " codec, which codes values of at most 8 bits; use widths up to 8, or "
            "codec.enabled: false (raw tensors), or codec.compressor: bypass");
  }
}

void add_notes(Scenario& s) {
  const CodecSection& c = s.codec;
  if (!c.enabled)
    s.notes.push_back(
        "codec.enabled is false: tensors are stored raw at the engine's storage "
        "precision and the codec pipeline is not in the path; the other codec "
        "settings are not used");
  else if (c.compressor == Compressor::bypass)
    s.notes.push_back(
        "codec.compressor is bypass: the codec units stay in the path (their "
        "latency, FIFOs and static power count) but pass values through raw - no "
        "compression");
  if (c.enabled && c.compressor == Compressor::apack && c.tables == TableSource::oracle)
    s.notes.push_back(
        "codec.tables is oracle: each activation table is built from the tensor "
        "itself, an upper bound that hardware loading profiled tables cannot reach");
  if (c.enabled && (c.compressor == Compressor::zrle || c.compressor == Compressor::shapeshifter))
    s.notes.push_back(std::string("codec.compressor is ") + name(c.compressor) +
                      " (an ablation): search, map and tables apply to apack only");
  if (s.network.kind == ModelKind::builtin)
    s.notes.push_back("network.model " + s.network.model +
                      " is a built-in topology with synthetic values (seed " +
                      std::to_string(s.network.seed) + ")" +
                      (s.network.inputs.empty() ? ", run on a seeded synthetic input" : ""));
  if (!s.network.profile.empty())
    s.notes.push_back(
        "network.profile sets per-layer widths; they are checked against the "
        "model, the engine and the codec when the run loads the model");
}

}  // namespace

Scenario parse_scenario(const std::string& yaml_text, const std::string& source,
                        const std::vector<std::string>& overrides, const ReadOptions& options) {
  const std::string file = source.empty() ? "<scenario>" : source;
  if (yaml_text.size() > kMaxScenarioBytes)
    throw FormatError(file + ": larger than 1 MiB; a scenario is a short YAML file");
  Context cx;
  std::error_code ec;
  std::string base = options.base_dir;
  if (base.empty()) base = source.empty() ? "." : fs::path(source).parent_path().string();
  if (base.empty()) base = ".";
  cx.base_dir = fs::absolute(base, ec).lexically_normal().string();
  cx.work_dir = fs::current_path(ec).lexically_normal().string();
  cx.read_files = options.read_files;

  detail::Origin origin{file, {}};
  YAML::Node root = detail::parse_yaml(yaml_text, file);
  detail::apply_overrides(root, overrides, origin);
  const Place top{&origin, "", 1};
  if (!root.IsMap()) top.fail("a scenario must be a mapping of keys (see docs/scenario.md)");
  const Map m(root, top);
  m.allow_only({"name", "clock_ghz", "engine", "buffers", "codec", "batch", "dram", "network",
                "technology", "outputs"});

  Scenario s;
  s.source = source;
  s.name = source.empty() ? "scenario" : fs::path(source).stem().string();
  if (auto v = m.find("name")) s.name = read_name(*v);
  if (auto v = m.find("clock_ghz")) s.clock_ghz = v->number(0, 10, true);
  s.engine = detail::read_engine(m.find("engine"), top.child("engine", 1));
  s.buffers = detail::read_buffers(m.find("buffers"));
  s.codec = detail::read_codec(m.find("codec"));
  if (auto v = m.find("batch")) s.batch = int(v->integer(1, 4096));
  s.dram = detail::read_dram(m.find("dram"), cx);
  const Value network = m.get("network");
  s.network = detail::read_network(network, cx);
  if (auto v = m.find("technology")) s.technology = read_technology(*v, cx);
  s.outputs = read_outputs(m.find("outputs"), cx, s.name);

  // Places of the widths for the combination checks: the keys when given, else the section.
  Place weight_at = network.place().child("quantization.weight_bits", network.place().line);
  Place act_at = network.place().child("quantization.activation_bits", network.place().line);
  if (auto q = network.map().find("quantization")) {
    const Map qm = q->map();
    if (auto v = qm.find("weight_bits")) weight_at = v->place();
    if (auto v = qm.find("activation_bits")) act_at = v->place();
  }
  check_engine_widths(s, weight_at, act_at);
  check_codec_widths(s, weight_at, act_at);
  add_notes(s);
  return s;
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides,
                       const ReadOptions& options) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw Error(path + ": is a folder, not a scenario file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the scenario file");
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, size_t(in.gcount()));
    if (text.size() > kMaxScenarioBytes)
      throw FormatError(path + ": larger than 1 MiB; a scenario is a short YAML file");
  }
  return parse_scenario(text, path, overrides, options);
}

}  // namespace apack::scenario

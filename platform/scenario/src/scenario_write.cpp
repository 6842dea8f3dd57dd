// The resolved scenario written back: YAML that reads back to an equal Scenario, and JSON.
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <tuple>

#include "apack/scenario/scenario.hpp"
#include "apack/scenario/scenario_json.hpp"

namespace apack::scenario {

const char* name(Compressor c) {
  switch (c) {
    case Compressor::apack:
      return "apack";
    case Compressor::bypass:
      return "bypass";
    case Compressor::zrle:
      return "zrle";
    case Compressor::shapeshifter:
      return "shapeshifter";
  }
  return "?";
}
const char* name(TableSource t) { return t == TableSource::profile ? "profile" : "oracle"; }
const char* name(TlmMode m) { return m == TlmMode::lt ? "lt" : "at"; }
const char* name(ModelKind k) {
  switch (k) {
    case ModelKind::tfjs:
      return "tfjs";
    case ModelKind::onnx:
      return "onnx";
    case ModelKind::builtin:
      return "builtin";
    case ModelKind::trace:
      return "trace";
  }
  return "?";
}
const char* search_name(Search s) {
  return s == Search::optimal ? "optimal" : s == Search::sweep ? "sweep" : "uniform";
}
const char* map_name(MapChoice m) {
  return m == MapChoice::automatic ? "auto" : m == MapChoice::raw ? "raw" : "zigzag";
}
const char* page_policy_name(dram::PagePolicy p) {
  return p == dram::PagePolicy::Open ? "open" : "closed";
}
const char* scheduler_name(dram::SchedulerPolicy p) {
  return p == dram::SchedulerPolicy::FrFcfs ? "fr-fcfs" : "fcfs";
}

namespace {

// The shortest text that reads back to the same double.
std::string number(double v) {
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// Free text (names, paths, parameter values) plain when YAML reads it back as the same string,
// else double-quoted: "null", "yes", "a: b" or a leading '&' would mean something else plain.
void text(YAML::Emitter& out, const std::string& s) {
  bool plain = !s.empty() && s.size() < 200;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
          c == '/'))
      plain = false;
  std::string lower;
  for (char c : s) lower += char(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : {"true", "false", "null", "yes", "no", "on", "off", "y", "n"})
    if (lower == word) plain = false;
  if (plain) {
    out << s;
  } else {
    out << YAML::DoubleQuoted << s;
  }
}

void buffer(YAML::Emitter& out, const char* key, const BufferSpec& b) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "size_kib" << YAML::Value << b.size_kib;
  out << YAML::Key << "width_bits" << YAML::Value << b.width_bits;
  out << YAML::Key << "banks" << YAML::Value << b.banks << YAML::EndMap;
}

void paths(YAML::Emitter& out, const char* key, const std::vector<std::string>& list) {
  out << YAML::Key << key << YAML::Value;
  if (list.empty()) out << YAML::Flow;
  out << YAML::BeginSeq;
  for (const std::string& p : list) text(out, p);
  out << YAML::EndSeq;
}

// An optional path: null when absent.
nlohmann::ordered_json optional_text(const std::string& s) {
  return s.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s);
}

nlohmann::ordered_json buffer_json(const BufferSpec& b) {
  return {{"size_kib", b.size_kib}, {"width_bits", b.width_bits}, {"banks", b.banks}};
}

}  // namespace

std::string to_yaml(const Scenario& s) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value;
  text(out, s.name);
  out << YAML::Key << "clock_ghz" << YAML::Value << number(s.clock_ghz);

  out << YAML::Key << "engine" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << s.engine.name;
  out << YAML::Comment(s.engine.description);
  out << YAML::Key << "parameters" << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (const auto& [k, v] : s.engine.parameters) {
    out << YAML::Key << k << YAML::Value;
    text(out, v);
  }
  out << YAML::EndMap;
  out << YAML::Key << "baseline" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "width" << YAML::Value << s.engine.baseline.width;
  out << YAML::Key << "tiles" << YAML::Value << s.engine.baseline.tiles;
  out << YAML::Key << "rows" << YAML::Value << s.engine.baseline.rows << YAML::EndMap;
  out << YAML::EndMap;

  out << YAML::Key << "buffers" << YAML::Value << YAML::BeginMap;
  buffer(out, "weights", s.buffers.weights);
  buffer(out, "activations", s.buffers.activations);
  buffer(out, "outputs", s.buffers.outputs);
  out << YAML::Key << "keep_on_chip" << YAML::Value << (s.buffers.keep_on_chip ? "true" : "false");
  out << YAML::EndMap;

  const CodecSection& c = s.codec;
  out << YAML::Key << "codec" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << (c.enabled ? "true" : "false");
  out << YAML::Key << "compressor" << YAML::Value << name(c.compressor);
  out << YAML::Key << "units" << YAML::Value << c.units;
  out << YAML::Key << "pipeline_depth" << YAML::Value << c.pipeline_depth;
  out << YAML::Key << "clock_ghz" << YAML::Value << number(c.clock_ghz);
  out << YAML::Key << "fifo_depth" << YAML::Value << c.fifo_depth;
  out << YAML::Key << "chunk" << YAML::Value << c.chunk;
  out << YAML::Key << "search" << YAML::Value << search_name(c.search);
  out << YAML::Key << "map" << YAML::Value << map_name(c.map);
  out << YAML::Key << "tables" << YAML::Value << name(c.tables);
  out << YAML::EndMap;

  out << YAML::Key << "batch" << YAML::Value << s.batch;

  const DramSection& d = s.dram;
  out << YAML::Key << "dram" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "memspec" << YAML::Value;
  text(out, d.memspec);
  out << YAML::Key << "channels" << YAML::Value << d.channels;
  out << YAML::Key << "page_policy" << YAML::Value << page_policy_name(d.page_policy);
  out << YAML::Key << "scheduler" << YAML::Value << scheduler_name(d.scheduler);
  out << YAML::Key << "refresh" << YAML::Value << (d.refresh ? "true" : "false");
  out << YAML::Key << "power_down" << YAML::Value << (d.power_down ? "true" : "false");
  out << YAML::Key << "mode" << YAML::Value << name(d.mode);
  if (!d.mapping.empty()) {
    out << YAML::Key << "mapping" << YAML::Value;
    text(out, d.mapping);
  }
  if (!d.mcconfig.empty()) {
    out << YAML::Key << "mcconfig" << YAML::Value;
    text(out, d.mcconfig);
  }
  out << YAML::EndMap;

  const NetworkSection& n = s.network;
  out << YAML::Key << "network" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "model" << YAML::Value;
  text(out, n.model);
  out << YAML::Comment(std::string("kind: ") + name(n.kind));
  if (n.kind != ModelKind::trace) {
    paths(out, "inputs", n.inputs);
    paths(out, "calibrate", n.calibrate);
    out << YAML::Key << "preprocess" << YAML::Value << n.preprocess;
    out << YAML::Key << "quantization" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "weight_bits" << YAML::Value << n.quantization.weight_bits;
    out << YAML::Key << "activation_bits" << YAML::Value << n.quantization.activation_bits;
    out << YAML::Key << "per_channel" << YAML::Value
        << (n.quantization.per_channel ? "true" : "false");
    out << YAML::Key << "percentile" << YAML::Value << number(n.quantization.percentile);
    out << YAML::EndMap;
    if (!n.profile.empty()) {
      out << YAML::Key << "profile" << YAML::Value;
      text(out, n.profile);
    }
  }
  out << YAML::Key << "seed" << YAML::Value << n.seed;
  out << YAML::EndMap;

  out << YAML::Key << "technology" << YAML::Value;
  text(out, s.technology);
  out << YAML::Key << "outputs" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "dir" << YAML::Value;
  text(out, s.outputs.dir);
  out << YAML::Key << "trace" << YAML::Value << (s.outputs.trace ? "true" : "false");
  out << YAML::Key << "plots" << YAML::Value << (s.outputs.plots ? "true" : "false");
  out << YAML::EndMap << YAML::EndMap;
  std::string result =
      "# resolved scenario: every default filled in, paths absolute (docs/scenario.md)\n";
  result += out.c_str();
  for (const std::string& note : s.notes) result += "\n# note: " + note;
  return result + "\n";
}

nlohmann::ordered_json to_json(const Scenario& s) {
  nlohmann::ordered_json j;
  j["source"] = s.source;
  j["name"] = s.name;
  j["clock_ghz"] = s.clock_ghz;
  j["engine"] = {{"name", s.engine.name},
                 {"parameters", s.engine.parameters},
                 {"baseline",
                  {{"width", s.engine.baseline.width},
                   {"tiles", s.engine.baseline.tiles},
                   {"rows", s.engine.baseline.rows}}},
                 {"description", s.engine.description}};
  j["buffers"] = {{"weights", buffer_json(s.buffers.weights)},
                  {"activations", buffer_json(s.buffers.activations)},
                  {"outputs", buffer_json(s.buffers.outputs)},
                  {"keep_on_chip", s.buffers.keep_on_chip}};
  const CodecSection& c = s.codec;
  j["codec"] = {{"enabled", c.enabled},     {"compressor", name(c.compressor)},
                {"units", c.units},         {"pipeline_depth", c.pipeline_depth},
                {"clock_ghz", c.clock_ghz}, {"fifo_depth", c.fifo_depth},
                {"chunk", c.chunk},         {"search", search_name(c.search)},
                {"map", map_name(c.map)},   {"tables", name(c.tables)}};
  j["batch"] = s.batch;
  const DramSection& d = s.dram;
  j["dram"] = {{"memspec", d.memspec},
               {"preset", d.preset},
               {"channels", d.channels},
               {"page_policy", page_policy_name(d.page_policy)},
               {"scheduler", scheduler_name(d.scheduler)},
               {"refresh", d.refresh},
               {"power_down", d.power_down},
               {"mode", name(d.mode)},
               {"mapping", optional_text(d.mapping)},
               {"mcconfig", optional_text(d.mcconfig)}};
  const NetworkSection& n = s.network;
  const QuantizationSection& q = n.quantization;
  j["network"] = {{"model", n.model},
                  {"kind", name(n.kind)},
                  {"inputs", n.inputs},
                  {"calibrate", n.calibrate},
                  {"preprocess", n.preprocess},
                  {"quantization",
                   {{"weight_bits", q.weight_bits},
                    {"activation_bits", q.activation_bits},
                    {"per_channel", q.per_channel},
                    {"percentile", q.percentile}}},
                  {"profile", optional_text(n.profile)},
                  {"seed", n.seed}};
  j["technology"] = s.technology;
  j["outputs"] = {{"dir", s.outputs.dir}, {"trace", s.outputs.trace}, {"plots", s.outputs.plots}};
  j["notes"] = s.notes;
  return j;
}

// Text is valid UTF-8 (the reader checks), so the replacement handler never fires; it keeps a
// dump from throwing nlohmann's own exception whatever a caller put into a Scenario.
std::string to_json_text(const Scenario& s, int indent) {
  return to_json(s).dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

namespace {

auto tie(const BufferSpec& b) { return std::tie(b.size_kib, b.width_bits, b.banks); }

}  // namespace

bool operator==(const Scenario& a, const Scenario& b) {
  const auto& ea = a.engine;
  const auto& eb = b.engine;
  const auto& ca = a.codec;
  const auto& cb = b.codec;
  const auto& da = a.dram;
  const auto& db = b.dram;
  const auto& na = a.network;
  const auto& nb = b.network;
  const auto& qa = na.quantization;
  const auto& qb = nb.quantization;
  return std::tie(a.name, a.clock_ghz, a.batch, a.technology, a.notes) ==
             std::tie(b.name, b.clock_ghz, b.batch, b.technology, b.notes) &&
         std::tie(ea.name, ea.parameters, ea.baseline.width, ea.baseline.tiles, ea.baseline.rows,
                  ea.description) == std::tie(eb.name, eb.parameters, eb.baseline.width,
                                              eb.baseline.tiles, eb.baseline.rows,
                                              eb.description) &&
         tie(a.buffers.weights) == tie(b.buffers.weights) &&
         tie(a.buffers.activations) == tie(b.buffers.activations) &&
         tie(a.buffers.outputs) == tie(b.buffers.outputs) &&
         a.buffers.keep_on_chip == b.buffers.keep_on_chip &&
         std::tie(ca.enabled, ca.compressor, ca.units, ca.pipeline_depth, ca.clock_ghz,
                  ca.fifo_depth, ca.chunk, ca.search, ca.map, ca.tables) ==
             std::tie(cb.enabled, cb.compressor, cb.units, cb.pipeline_depth, cb.clock_ghz,
                      cb.fifo_depth, cb.chunk, cb.search, cb.map, cb.tables) &&
         std::tie(da.memspec, da.preset, da.channels, da.page_policy, da.scheduler, da.refresh,
                  da.power_down, da.mode, da.mapping, da.mcconfig) ==
             std::tie(db.memspec, db.preset, db.channels, db.page_policy, db.scheduler, db.refresh,
                      db.power_down, db.mode, db.mapping, db.mcconfig) &&
         std::tie(na.model, na.kind, na.inputs, na.calibrate, na.preprocess, na.profile, na.seed) ==
             std::tie(nb.model, nb.kind, nb.inputs, nb.calibrate, nb.preprocess, nb.profile,
                      nb.seed) &&
         std::tie(qa.weight_bits, qa.activation_bits, qa.per_channel, qa.percentile) ==
             std::tie(qb.weight_bits, qb.activation_bits, qb.per_channel, qb.percentile) &&
         std::tie(a.outputs.dir, a.outputs.trace, a.outputs.plots) ==
             std::tie(b.outputs.dir, b.outputs.trace, b.outputs.plots);
}

}  // namespace apack::scenario

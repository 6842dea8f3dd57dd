// summary.json writer and reader. The reader checks every key it needs and names the first one
// missing or of the wrong type with its path inside the file ("layers[2].cycles"), so a summary
// edited by hand or cut short by a full disk fails with a message that says where.
#include "apack/report/summary_json.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "apack/atomic_file.hpp"
#include "apack/error.hpp"

namespace apack::report {

// ordered_json keeps the header first and the scenario's keys in the order its writer chose.
using Json = nlohmann::ordered_json;

namespace {

// JSON has no NaN or infinity; nlohmann would write null anyway, we make it explicit and read
// null back as NaN (a ratio of an empty run, say), so a round trip never fails on it.
Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json footprint_json(const Footprint& f) {
  Json j;
  j["tensors"] = f.tensors;
  j["raw_bytes"] = f.raw_bytes;
  j["stored_bytes"] = f.stored_bytes;
  j["ratio"] = number(f.ratio());  // derived, for readers; not read back
  return j;
}

Json layer_json(const LayerRecord& l) {
  Json j;
  j["index"] = l.index;
  j["name"] = l.name;
  j["kind"] = l.kind;
  j["unit"] = l.unit;
  j["tiles"] = l.tiles;
  j["macs"] = l.macs;
  j["start_ns"] = number(l.start_ns);
  j["end_ns"] = number(l.end_ns);
  j["cycles"] = l.cycles;
  j["compute_cycles"] = l.compute_cycles;
  j["bound"] = l.bound;
  j["dram_read_bytes"] = l.dram_read_bytes;
  j["dram_write_bytes"] = l.dram_write_bytes;
  j["dram_read_bursts"] = l.dram_read_bursts;
  j["dram_write_bursts"] = l.dram_write_bursts;
  j["raw_read_bytes"] = l.raw_read_bytes;
  j["raw_write_bytes"] = l.raw_write_bytes;
  j["compression_ratio"] = number(l.compression_ratio);
  Json e = Json::object();
  for (const auto& [k, v] : l.energy_j) e[k] = number(v);
  j["energy_j"] = e;
  j["energy_total_j"] = number(l.energy_total_j);
  return j;
}

// Walks the parsed document; every accessor takes the key's path for its error message.
class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    throw FormatError(origin_ + ": key '" + key + "': " + problem);
  }

  const Json& at(const Json& obj, const std::string& parent, const char* key) const {
    const std::string path = parent.empty() ? key : parent + "." + key;
    if (!obj.is_object()) fail(parent.empty() ? "(top level)" : parent, "expected an object");
    const auto it = obj.find(key);
    if (it == obj.end()) fail(path, "missing");
    return *it;
  }

  std::string str(const Json& obj, const std::string& parent, const char* key) const {
    const Json& v = at(obj, parent, key);
    if (!v.is_string()) fail(join(parent, key), "expected a string, found " + type(v));
    return v.get<std::string>();
  }
  bool boolean(const Json& obj, const std::string& parent, const char* key) const {
    const Json& v = at(obj, parent, key);
    if (!v.is_boolean()) fail(join(parent, key), "expected true or false, found " + type(v));
    return v.get<bool>();
  }
  double real(const Json& obj, const std::string& parent, const char* key) const {
    const Json& v = at(obj, parent, key);
    if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!v.is_number()) fail(join(parent, key), "expected a number, found " + type(v));
    return v.get<double>();
  }
  int64_t integer(const Json& obj, const std::string& parent, const char* key) const {
    const Json& v = at(obj, parent, key);
    if (v.is_number_unsigned()) {
      if (v.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
        fail(join(parent, key), "out of range");
      return int64_t(v.get<uint64_t>());
    }
    if (!v.is_number_integer()) fail(join(parent, key), "expected an integer, found " + type(v));
    return v.get<int64_t>();
  }
  uint64_t unsigned_int(const Json& obj, const std::string& parent, const char* key) const {
    const Json& v = at(obj, parent, key);
    if (!v.is_number_unsigned())
      fail(join(parent, key), "expected a non-negative integer, found " + type(v));
    return v.get<uint64_t>();
  }
  const Json& array(const Json& obj, const std::string& parent, const char* key) const {
    const Json& v = at(obj, parent, key);
    if (!v.is_array()) fail(join(parent, key), "expected an array, found " + type(v));
    return v;
  }
  const Json& object(const Json& obj, const std::string& parent, const char* key) const {
    const Json& v = at(obj, parent, key);
    if (!v.is_object()) fail(join(parent, key), "expected an object, found " + type(v));
    return v;
  }
  std::vector<std::string> strings(const Json& obj, const std::string& parent,
                                   const char* key) const {
    const Json& a = array(obj, parent, key);
    std::vector<std::string> out;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_string())
        fail(join(parent, key) + "[" + std::to_string(i) + "]", "expected a string");
      out.push_back(a[i].get<std::string>());
    }
    return out;
  }
  std::map<std::string, double> numbers(const Json& obj, const std::string& parent,
                                        const char* key) const {
    std::map<std::string, double> out;
    for (const auto& [k, v] : object(obj, parent, key).items()) {
      if (v.is_null())
        out[k] = std::numeric_limits<double>::quiet_NaN();
      else if (v.is_number())
        out[k] = v.get<double>();
      else
        fail(join(parent, key) + "." + k, "expected a number, found " + type(v));
    }
    return out;
  }

  static std::string join(const std::string& parent, const char* key) {
    return parent.empty() ? key : parent + "." + key;
  }

 private:
  static std::string type(const Json& v) { return v.type_name(); }
  std::string origin_;
};

Footprint read_footprint(const Reader& rd, const Json& top, const char* key) {
  const Json& j = rd.object(top, "", key);
  Footprint f;
  f.tensors = rd.unsigned_int(j, key, "tensors");
  f.raw_bytes = rd.unsigned_int(j, key, "raw_bytes");
  f.stored_bytes = rd.unsigned_int(j, key, "stored_bytes");
  return f;
}

LayerRecord read_layer(const Reader& rd, const Json& j, const std::string& p) {
  LayerRecord l;
  l.index = int(rd.integer(j, p, "index"));
  l.name = rd.str(j, p, "name");
  l.kind = rd.str(j, p, "kind");
  l.unit = rd.str(j, p, "unit");
  l.tiles = rd.integer(j, p, "tiles");
  l.macs = rd.integer(j, p, "macs");
  l.start_ns = rd.real(j, p, "start_ns");
  l.end_ns = rd.real(j, p, "end_ns");
  l.cycles = rd.integer(j, p, "cycles");
  l.compute_cycles = rd.integer(j, p, "compute_cycles");
  l.bound = rd.str(j, p, "bound");
  l.dram_read_bytes = rd.unsigned_int(j, p, "dram_read_bytes");
  l.dram_write_bytes = rd.unsigned_int(j, p, "dram_write_bytes");
  l.dram_read_bursts = rd.unsigned_int(j, p, "dram_read_bursts");
  l.dram_write_bursts = rd.unsigned_int(j, p, "dram_write_bursts");
  l.raw_read_bytes = rd.unsigned_int(j, p, "raw_read_bytes");
  l.raw_write_bytes = rd.unsigned_int(j, p, "raw_write_bytes");
  l.compression_ratio = rd.real(j, p, "compression_ratio");
  l.energy_j = rd.numbers(j, p, "energy_j");
  l.energy_total_j = rd.real(j, p, "energy_total_j");
  return l;
}

EnergyItem read_item(const Reader& rd, const Json& j, const std::string& p) {
  EnergyItem e;
  e.component = rd.str(j, p, "component");
  e.event = rd.str(j, p, "event");
  e.count = rd.real(j, p, "count");
  e.pJ = rd.real(j, p, "pJ");
  e.joules = rd.real(j, p, "joules");
  e.source = rd.str(j, p, "source");
  e.derived = rd.boolean(j, p, "derived");
  return e;
}

}  // namespace

std::string summary_json_text(const RunResult& r) {
  Json j;
  j["format"] = kSummaryFormat;
  j["version"] = kSummaryVersion;
  j["scenario_name"] = r.scenario_name;
  j["verified"] = r.verified;
  j["verification"] = r.verification;
  j["outputs_checked"] = r.outputs_checked;
  j["mismatches"] = r.mismatches;
  j["scenario_file"] = r.scenario_file;
  j["engine"] = r.engine;
  j["engine_description"] = r.engine_description;
  j["codec"] = r.codec;
  j["table_source"] = r.table_source;
  j["dram"] = r.dram;
  j["tlm_mode"] = r.tlm_mode;
  j["model"] = r.model;
  j["inputs"] = r.inputs;
  j["synthetic"] = r.synthetic;
  j["technology"] = r.technology;
  j["clock_ghz"] = number(r.clock_ghz);

  j["sim_time_ns"] = number(r.sim_time_ns);
  j["cycles"] = r.cycles;
  j["macs"] = r.macs;
  j["dram_read_bytes"] = r.dram_read_bytes;
  j["dram_write_bytes"] = r.dram_write_bytes;
  j["dram_read_bursts"] = r.dram_read_bursts;
  j["dram_write_bursts"] = r.dram_write_bursts;
  j["raw_read_bytes"] = r.raw_read_bytes;
  j["raw_write_bytes"] = r.raw_write_bytes;
  j["weights"] = footprint_json(r.weights);
  j["activations"] = footprint_json(r.activations);
  j["energy_total_j"] = number(r.energy_total_j);
  Json by = Json::object();
  for (const auto& [k, v] : r.energy_by_component) by[k] = number(v);
  j["energy_by_component_j"] = by;

  j["wall_seconds"] = number(r.wall_seconds);
  j["reference_seconds"] = number(r.reference_seconds);
  j["sim_wall_seconds"] = number(r.sim_wall_seconds);
  j["peak_rss_bytes"] = r.peak_rss_bytes;
  j["dram_requests"] = r.dram_requests;
  j["dram_requests_per_second"] = number(r.dram_requests_per_second);
  j["sim_to_wall"] = number(r.sim_to_wall);
  j["notes"] = r.notes;

  Json ledger = Json::array();
  for (const EnergyItem& e : r.energy) {
    Json it;
    it["component"] = e.component;
    it["event"] = e.event;
    it["count"] = number(e.count);
    it["pJ"] = number(e.pJ);
    it["joules"] = number(e.joules);
    it["source"] = e.source;
    it["derived"] = e.derived;
    ledger.push_back(std::move(it));
  }
  j["energy"] = std::move(ledger);
  Json layers = Json::array();
  for (const LayerRecord& l : r.layers) layers.push_back(layer_json(l));
  j["layers"] = std::move(layers);

  if (r.scenario_json.empty()) {
    j["scenario"] = nullptr;
  } else {
    try {
      j["scenario"] = Json::parse(r.scenario_json);
    } catch (const Json::exception& e) {  // parse_error, or out_of_range for a huge number
      throw Error("summary of scenario '" + r.scenario_name +
                  "': the resolved scenario is not JSON: " + e.what());
    }
  }
  return j.dump(2) + "\n";
}

void write_summary_json(const RunResult& r, const std::string& path) {
  std::string text;
  try {
    text = summary_json_text(r);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  write_file_atomic(path, text);
}

RunResult parse_summary_json(const std::string& text, const std::string& origin) {
  Json top;
  try {
    top = Json::parse(text);
  } catch (const Json::exception& e) {
    // parse_error (nlohmann's byte offset tells where a truncated file stops), or out_of_range
    // for a number beyond double range (found by fuzz_summary).
    throw FormatError(origin + ": not a valid summary.json (corrupt or truncated): " + e.what());
  }
  const Reader rd(origin);
  if (!top.is_object()) rd.fail("(top level)", "expected a JSON object");
  const std::string format = rd.str(top, "", "format");
  if (format != kSummaryFormat)
    rd.fail("format", "is '" + format + "', expected '" + kSummaryFormat + "'");
  const int64_t version = rd.integer(top, "", "version");
  if (version != kSummaryVersion)
    rd.fail("version", "is " + std::to_string(version) + "; this program reads version " +
                           std::to_string(kSummaryVersion));

  RunResult r;
  r.scenario_name = rd.str(top, "", "scenario_name");
  r.verified = rd.boolean(top, "", "verified");
  r.verification = rd.str(top, "", "verification");
  r.outputs_checked = rd.unsigned_int(top, "", "outputs_checked");
  r.mismatches = rd.unsigned_int(top, "", "mismatches");
  r.scenario_file = rd.str(top, "", "scenario_file");
  r.engine = rd.str(top, "", "engine");
  r.engine_description = rd.str(top, "", "engine_description");
  r.codec = rd.str(top, "", "codec");
  r.table_source = rd.str(top, "", "table_source");
  r.dram = rd.str(top, "", "dram");
  r.tlm_mode = rd.str(top, "", "tlm_mode");
  r.model = rd.str(top, "", "model");
  r.inputs = rd.strings(top, "", "inputs");
  r.synthetic = rd.boolean(top, "", "synthetic");
  r.technology = rd.str(top, "", "technology");
  r.clock_ghz = rd.real(top, "", "clock_ghz");

  r.sim_time_ns = rd.real(top, "", "sim_time_ns");
  r.cycles = rd.integer(top, "", "cycles");
  r.macs = rd.integer(top, "", "macs");
  r.dram_read_bytes = rd.unsigned_int(top, "", "dram_read_bytes");
  r.dram_write_bytes = rd.unsigned_int(top, "", "dram_write_bytes");
  r.dram_read_bursts = rd.unsigned_int(top, "", "dram_read_bursts");
  r.dram_write_bursts = rd.unsigned_int(top, "", "dram_write_bursts");
  r.raw_read_bytes = rd.unsigned_int(top, "", "raw_read_bytes");
  r.raw_write_bytes = rd.unsigned_int(top, "", "raw_write_bytes");
  r.weights = read_footprint(rd, top, "weights");
  r.activations = read_footprint(rd, top, "activations");
  r.energy_total_j = rd.real(top, "", "energy_total_j");
  r.energy_by_component = rd.numbers(top, "", "energy_by_component_j");

  r.wall_seconds = rd.real(top, "", "wall_seconds");
  r.reference_seconds = rd.real(top, "", "reference_seconds");
  r.sim_wall_seconds = rd.real(top, "", "sim_wall_seconds");
  r.peak_rss_bytes = rd.unsigned_int(top, "", "peak_rss_bytes");
  r.dram_requests = rd.unsigned_int(top, "", "dram_requests");
  r.dram_requests_per_second = rd.real(top, "", "dram_requests_per_second");
  r.sim_to_wall = rd.real(top, "", "sim_to_wall");
  r.notes = rd.strings(top, "", "notes");

  const Json& ledger = rd.array(top, "", "energy");
  for (size_t i = 0; i < ledger.size(); ++i)
    r.energy.push_back(read_item(rd, ledger[i], "energy[" + std::to_string(i) + "]"));
  const Json& layers = rd.array(top, "", "layers");
  for (size_t i = 0; i < layers.size(); ++i)
    r.layers.push_back(read_layer(rd, layers[i], "layers[" + std::to_string(i) + "]"));

  const Json& sc = rd.at(top, "", "scenario");
  if (sc.is_object())
    r.scenario_json = sc.dump();
  else if (!sc.is_null())
    rd.fail("scenario", "expected an object or null");
  return r;
}

RunResult read_summary_json(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw FormatError(path + ": cannot open the summary (missing or unreadable)");
  std::ostringstream s;
  s << f.rdbuf();
  if (f.bad()) throw FormatError(path + ": read error");
  return parse_summary_json(s.str(), path);
}

std::string summary_path_for(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st))
    throw Error(path +
                ": no such folder or file (expected a run's output folder or its "
                "summary.json)");
  if (fs::is_directory(st)) {
    const std::string summary = (fs::path(path) / "summary.json").string();
    if (!fs::is_regular_file(summary, ec))
      throw Error(path + ": folder has no summary.json (is it the --out folder of apack-vp run?)");
    return summary;
  }
  return path;
}

}  // namespace apack::report

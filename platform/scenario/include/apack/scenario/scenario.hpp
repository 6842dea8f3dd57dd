// A scenario: one YAML file that describes a whole platform run (docs/scenario.md is the schema
// reference). Reading one gives a typed, validated Scenario with every default filled in and
// every path resolved against the scenario file's folder; anything wrong is an
// apack::FormatError "FILE:LINE: KEY: problem" (or "--set K=V: KEY: problem" for an override).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "apack/codec.hpp"
#include "apack/dram/controller_config.hpp"
#include "apack/engines/engine.hpp"

namespace apack::scenario {

struct EngineSection {
  std::string name = "tensor-core";               // engines::engine_names()
  std::map<std::string, std::string> parameters;  // as the engine reads them ("k" -> "2")
  engines::Baseline baseline;                     // the equal-peak reference
  std::string description;                        // the configured engine in words (derived)
};

// One on-chip buffer. Defaults in docs/scenario.md ([ours], unverified sizes).
struct BufferSpec {
  int64_t size_kib = 0;
  int width_bits = 0;  // bits per access of one bank
  int banks = 0;
};

struct BuffersSection {
  BufferSpec weights{256, 256, 8};
  BufferSpec activations{256, 256, 8};
  BufferSpec outputs{64, 256, 4};
  // A layer's output stays in the activation buffer for the next layer, instead of going
  // through DRAM, when that layer is its only consumer and it fits half the buffer.
  bool keep_on_chip = true;
};

enum class Compressor { apack, bypass, zrle, shapeshifter };
// Where the tables of activations written at run time come from: a profile taken on the
// calibration inputs (what hardware would load), or each tensor itself (an upper bound).
enum class TableSource { profile, oracle };

struct CodecSection {
  bool enabled = true;
  Compressor compressor = Compressor::apack;
  int units = 13;          // derived: keeps up with one LPDDR4-3200 channel (docs/scenario.md)
  int pipeline_depth = 3;  // the decoder's three stages (apack-codec.md §9)
  double clock_ghz = 1.0;  // [ours]
  int fifo_depth = 8;      // values per stream FIFO [ours]
  uint32_t chunk = kDefaultChunk;
  Search search = Search::optimal;
  MapChoice map = MapChoice::automatic;
  TableSource tables = TableSource::profile;
};

enum class TlmMode { lt, at };

struct DramSection {
  std::string memspec = "lpddr4-3200";  // a preset name, or a resolved file path
  bool preset = true;                   // memspec names a preset
  uint32_t channels = 1;                // default: the memspec's
  dram::PagePolicy page_policy = dram::PagePolicy::Open;
  dram::SchedulerPolicy scheduler = dram::SchedulerPolicy::FrFcfs;
  bool refresh = true;
  bool power_down = false;
  TlmMode mode = TlmMode::lt;
  std::string mapping;   // DRAMSys address-mapping JSON, resolved; empty: the default mapping
  std::string mcconfig;  // DRAMSys mcconfig JSON, resolved; empty: none
};

enum class ModelKind { tfjs, onnx, builtin, trace };

struct QuantizationSection {
  int weight_bits = 8;
  int activation_bits = 8;
  bool per_channel = true;
  double percentile = 100.0;
};

struct NetworkSection {
  std::string model;  // a resolved file or folder path, or a built-in name
  ModelKind kind = ModelKind::tfjs;
  std::vector<std::string> inputs;     // resolved
  std::vector<std::string> calibrate;  // resolved; empty: the inputs calibrate
  std::string preprocess = "auto";
  QuantizationSection quantization;
  std::string profile;  // resolved precision profile, or empty
  uint64_t seed = 1;    // synthetic values of built-in topologies
};

struct OutputsSection {
  std::string dir;  // resolved; default out/NAME under the working directory
  bool trace = false;
  bool plots = false;
};

struct Scenario {
  std::string source;  // the scenario file as given ("" for text parsed without a file)
  std::string name;    // default: the file's name without extension
  double clock_ghz = 1.0;
  EngineSection engine;
  BuffersSection buffers;
  CodecSection codec;
  int batch = 1;
  DramSection dram;
  NetworkSection network;
  std::string technology = "65nm";  // a built-in technology, or a resolved table path
  OutputsSection outputs;
  // What some settings mean in this combination ("bypass: the pipeline stores values raw"), for
  // the check command and the run's summary. Not part of the schema.
  std::vector<std::string> notes;
};

struct ReadOptions {
  // The folder relative paths are resolved against; empty: the scenario file's folder (or the
  // working directory for text without a file).
  std::string base_dir;
  // true: memspecs, mcconfigs, mappings and technology tables are read and checked; false: every
  // path is only checked to exist (the fuzz target, which must not read arbitrary files).
  bool read_files = true;
};

// Reads and validates a scenario file. `overrides` are "key=value" strings (--set), applied to
// the YAML tree before validation.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {},
                       const ReadOptions& options = {});
// The same from text; `source` names it in messages.
Scenario parse_scenario(const std::string& yaml_text, const std::string& source,
                        const std::vector<std::string>& overrides = {},
                        const ReadOptions& options = {});

// The resolved scenario as YAML that parse_scenario reads back to an equal Scenario.
std::string to_yaml(const Scenario& s);
// The same as a JSON object (text; scenario_json.hpp has the nlohmann object).
std::string to_json_text(const Scenario& s, int indent = 2);

// Names as the schema spells them.
const char* name(Compressor c);
const char* name(TableSource t);
const char* name(TlmMode m);
const char* name(ModelKind k);
const char* search_name(Search s);
const char* map_name(MapChoice m);
const char* page_policy_name(dram::PagePolicy p);
const char* scheduler_name(dram::SchedulerPolicy p);

// Field-by-field equality (notes and description included), for the round-trip tests.
bool operator==(const Scenario& a, const Scenario& b);
inline bool operator!=(const Scenario& a, const Scenario& b) { return !(a == b); }

}  // namespace apack::scenario

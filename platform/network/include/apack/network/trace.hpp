// Layer traces: the integer values a layer really sees, as .npy files plus a small JSON file
// describing the layers. `network run --dump-layers DIR` writes them from the int8 reference
// executor; users may also write them from another tool. The codec (`apack stats DIR/weights`,
// `apack stats DIR/inputs`) and the engines consume them. docs/traces.md has the format.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "apack/network/graph.hpp"
#include "apack/network/quantize.hpp"

namespace apack::network {

constexpr const char* kTraceFile = "trace.json";

// Writes DIR/trace.json and, for every Conv and FullyConnected layer, its integer weights
// (weights/NNN_name.npy: [F][Kh][Kw][C/groups] or [F][C]), input activations
// (inputs/NNN_name.npy, shaped as the layer input) and outputs (outputs/NNN_name.npy), as
// int8/uint8 (int16/uint16 above 8 bits). NNN is the layer index. The folder is built next to
// DIR and moved into place at the end; an existing DIR is replaced only if it holds a previous
// trace (a trace.json), otherwise it must be empty or absent. Returns the number of layers.
size_t dump_traces(const QuantizedGraph& qg, const IntRun& run, const std::string& dir);

// The checks dump_traces makes on DIR before writing, for callers that want to fail before a
// long run: throws apack::Error when DIR may not be written.
void check_trace_target(const std::string& dir);

struct TraceLayer {
  // Kind (Conv or FullyConnected), name, filters, kernel, stride, dilation, padding, groups and
  // output shape; `weights`/`bias` stay empty (the integer values are below).
  Layer layer;
  Shape input_shape;
  IntTensor weights;  // shape [F][Kh][Kw][C/groups] or [F][C]
  IntTensor input;
  std::optional<IntTensor> output;               // when the trace has one
  double input_scale = 0.0, output_scale = 0.0;  // 0 when not given
  int64_t macs = 0;
};

struct Trace {
  std::string dir;
  std::string model;  // as recorded, may be empty
  bool synthetic_values = false;
  std::vector<TraceLayer> layers;
};

// Reads a trace folder (DIR/trace.json and the .npy files it names, paths relative to DIR).
// Throws apack::FormatError naming the file, the layer and the key for any inconsistency.
Trace load_trace(const std::string& dir);

// Returns the bytes of one file a trace names (`path`: DIR joined with the trace.json entry), or
// throws apack::Error naming it when it cannot be read.
using TraceFileReader = std::function<std::vector<uint8_t>(const std::string& path)>;

// load_trace on a trace.json already in memory (`size` bytes of JSON text): `dir` is the folder
// it stands for (messages name DIR/trace.json) and `read_file` gives the .npy files. load_trace
// is this with a reader of the files; fuzz targets and tests pass their own. Same checks.
Trace parse_trace(const std::string& dir, const uint8_t* trace_json, size_t size,
                  const TraceFileReader& read_file);

// Integer tensor from/to .npy (int8, uint8, int16, uint16, int32).
IntTensor read_int_npy(const std::string& path);
// read_int_npy on a file in memory; `what` names it in messages.
IntTensor parse_int_npy(const uint8_t* bytes, size_t size, const std::string& what);
std::vector<uint8_t> int_npy_bytes(const IntTensor& t);

}  // namespace apack::network

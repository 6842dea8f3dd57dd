// libFuzzer target for the layer-trace reader (parse_trace, the in-memory form of load_trace).
// The input is trace.json, then .npy files, separated by kPartSeparator: the first path the
// trace names reads part 1, the next distinct one part 2, and so on; a path with no part left
// cannot be read. apack::Error (FormatError among them) is how a bad trace is refused; anything
// else, a crash or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "apack/error.hpp"
#include "apack/network/graph.hpp"
#include "apack/network/trace.hpp"
#include "fuzz_parts.hpp"

namespace {

constexpr size_t kMaxFiles = 6;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace apack::network;
  const std::vector<apack::fuzz::Part> parts = apack::fuzz::split_parts(data, size, 1 + kMaxFiles);
  std::map<std::string, size_t> file_of;  // path -> part index
  const TraceFileReader read_file = [&](const std::string& path) {
    auto it = file_of.find(path);
    if (it == file_of.end()) it = file_of.emplace(path, file_of.size() + 1).first;
    if (it->second >= parts.size()) throw apack::Error(path + ": no such file");
    const apack::fuzz::Part& p = parts[it->second];
    return std::vector<uint8_t>(p.data, p.data + p.size);
  };
  Trace t;
  try {
    t = parse_trace("fuzz-trace", parts[0].data, parts[0].size, read_file);
  } catch (const apack::Error& e) {
    apack::fuzz::explain(e);
    return 0;
  }
  // Whatever loads holds as many values as its shapes say (the engines index by shape).
  for (const TraceLayer& l : t.layers) {
    if (int64_t(l.weights.data.size()) != element_count(l.weights.shape)) std::abort();
    if (int64_t(l.input.data.size()) != element_count(l.input.shape)) std::abort();
    if (l.input.shape != l.input_shape) std::abort();
    if (l.output && int64_t(l.output->data.size()) != element_count(l.output->shape)) std::abort();
  }
  return 0;
}

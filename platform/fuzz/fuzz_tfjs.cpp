// libFuzzer target for the TF.js graph-model loader (parse_tfjs_model, the in-memory form of
// load_tfjs_model) and its import into the IR (import_tfjs). The input is model.json, then the
// weight shards, separated by kPartSeparator: the first shard path the manifest names reads part
// 1, the next distinct one part 2, and so on; a path with no part left cannot be read.
// apack::Error (FormatError among them) is how a bad model is refused; anything else, a crash or
// a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "apack/error.hpp"
#include "apack/network/graph.hpp"
#include "apack/network/tfjs.hpp"
#include "apack/network/tfjs_import.hpp"
#include "fuzz_parts.hpp"

namespace {

constexpr size_t kMaxShards = 4;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace apack::network;
  const std::vector<apack::fuzz::Part> parts = apack::fuzz::split_parts(data, size, 1 + kMaxShards);
  std::map<std::string, size_t> shard_of;  // path -> part index
  const ShardReader read_shard = [&](const std::string& path, std::vector<uint8_t>& bytes) {
    auto it = shard_of.find(path);
    if (it == shard_of.end()) it = shard_of.emplace(path, shard_of.size() + 1).first;
    if (it->second >= parts.size()) return false;
    const apack::fuzz::Part& p = parts[it->second];
    bytes.assign(p.data, p.data + p.size);
    return true;
  };
  TfjsModel model;
  try {
    model = parse_tfjs_model(parts[0].data, parts[0].size, "fuzz/model.json", read_shard);
  } catch (const apack::Error& e) {
    apack::fuzz::explain(e);
    return 0;
  }
  // What `network inspect` shows of a loaded model.
  for (const auto& kv : model.weights)
    if (kv.second.size() !=
        (kv.second.dtype == "int32" ? kv.second.i32.size() : kv.second.f32.size()))
      std::abort();
  (void)model.float_parameter_count();
  (void)op_coverage(model);
  (void)unsupported_tfjs_ops(model);
  try {
    const Graph g = import_tfjs(model);
    (void)g.parameter_count();
    (void)g.macs();
  } catch (const apack::Error& e) {
    apack::fuzz::explain(e);
  }
  return 0;
}

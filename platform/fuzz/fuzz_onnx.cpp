// libFuzzer target for the ONNX importer (load_onnx_graph, onnx_op_coverage). The importer reads
// paths, so the input is written to a per-process temporary folder: the .onnx model, then
// (after kPartSeparator) the bytes of weights.bin, the external data file a model may name.
// apack::Error (FormatError among them) is how a bad model is refused; anything else, a crash or
// a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "apack/error.hpp"
#include "apack/network/graph.hpp"
#include "apack/network/onnx_import.hpp"
#include "fuzz_parts.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace apack::network;
  const std::vector<apack::fuzz::Part> parts = apack::fuzz::split_parts(data, size, 2);
  const std::filesystem::path& dir = apack::fuzz::scratch_dir();
  const std::string model = (dir / "model.onnx").string();
  apack::fuzz::write_part(model, parts[0]);
  const std::filesystem::path weights = dir / "weights.bin";
  std::error_code ec;
  if (parts.size() > 1)
    apack::fuzz::write_part(weights, parts[1]);
  else
    std::filesystem::remove(weights, ec);
  try {
    (void)onnx_op_coverage(model);
  } catch (const apack::Error& e) {
    apack::fuzz::explain(e);
  }
  try {
    const Graph g = load_onnx_graph(model);
    (void)g.parameter_count();
    (void)g.macs();
  } catch (const apack::Error& e) {
    apack::fuzz::explain(e);
  }
  return 0;
}

// libFuzzer target for the DRAM request-trace reader (parse_trace, the in-memory form of
// TraceFileReader). The first byte picks the reader's options (burst size for splitting long
// requests, request-size limit); the rest is the .stl text. apack::FormatError is how a bad
// trace is refused; anything else, a crash or a sanitizer report is a finding. What is
// accepted must keep the reader's promises: cycles never decrease, line numbers rise, reads
// carry no data, a split piece stays inside one burst, and writing the lines back and reading
// them again gives the same lines.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "apack/dram/trace_file.hpp"
#include "apack/error.hpp"
#include "fuzz_parts.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace apack::dram;
  if (size == 0) return 0;
  static const uint32_t kBursts[4] = {0, 32, 64, 7};
  TraceReaderOptions o;
  o.burst_bytes = kBursts[data[0] & 3];
  o.max_request_bytes = (data[0] & 4) ? 64 : 4096;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<TraceLine> lines;
  try {
    lines = parse_trace(text, "fuzz.stl", o);
  } catch (const apack::Error& e) {
    apack::fuzz::explain(e);
    return 0;
  }
  uint64_t last_cycle = 0, last_line = 0;
  for (const TraceLine& l : lines) {
    if (l.cycle < last_cycle || l.line < last_line || l.line == 0) std::abort();
    if (!l.write && !l.data.empty()) std::abort();
    if (l.data.size() > o.max_request_bytes) std::abort();
    if (o.burst_bytes != 0 && !l.data.empty() &&
        l.address / o.burst_bytes != (l.address + (l.data.size() - 1)) / o.burst_bytes)
      std::abort();
    last_cycle = l.cycle;
    last_line = l.line;
  }
  std::string again;
  for (const TraceLine& l : lines) append_trace_line(again, l);
  std::vector<TraceLine> back;
  try {
    back = parse_trace(again, "fuzz-again.stl", o);
  } catch (const apack::Error&) {
    std::abort();  // what the writer writes, the reader reads
  }
  if (back.size() != lines.size()) std::abort();
  for (size_t i = 0; i < back.size(); ++i)
    if (back[i].cycle != lines[i].cycle || back[i].write != lines[i].write ||
        back[i].address != lines[i].address || back[i].data != lines[i].data ||
        back[i].line != i + 1)
      std::abort();
  return 0;
}

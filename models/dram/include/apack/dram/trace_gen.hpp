// Synthetic request traces (`apack-vp dram gen`, tests, benchmarks): sequential, strided or
// random addresses, a request every `spacing` trace-clock cycles, a seeded share of writes.
// The generator is a TraceSource, so a player can consume it directly or write_trace_file can
// stream it into a .stl file. Output depends only on the options (the random numbers come
// from a fixed algorithm, xoshiro256** seeded by splitmix64, not from the standard library's
// unspecified distributions), so a seed gives the same trace on every machine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "apack/dram/trace_file.hpp"

namespace apack::dram {

enum class Pattern { Sequential, Strided, Random };
const char* name(Pattern p);  // "sequential", "strided", "random"
std::optional<Pattern> parse_pattern(std::string_view s);

struct GenOptions {
  Pattern pattern = Pattern::Sequential;
  uint64_t requests = 0;
  // Sequential: consecutive bursts. Strided: `stride` bytes apart (any stride; an address that
  // is not burst-aligned means the burst holding it). Random: burst-aligned, uniform over the
  // span. Addresses wrap around inside [base, base + span).
  uint64_t burst_bytes = 64;
  uint64_t stride = 0;        // strided only; 0 = burst_bytes
  uint64_t spacing = 1;       // trace-clock cycles from one request to the next (0: all at cycle 0)
  double write_fraction = 0;  // each request is a write with this probability
  uint64_t seed = 1;
  uint64_t base = 0;           // first address; a multiple of burst_bytes
  uint64_t span = 1ull << 30;  // bytes; a multiple of burst_bytes
};

// Throws apack::Error naming the option ("--span", ...) when the options cannot make a trace.
void validate(const GenOptions& o);

class TraceGenerator : public TraceSource {
 public:
  explicit TraceGenerator(const GenOptions& options);  // validates
  bool next(TraceLine& out) override;
  const std::string& name() const override { return name_; }
  double progress() const override;

 private:
  // xoshiro256** (Blackman and Vigna, 2018).
  struct Rng {
    uint64_t s[4] = {};
    explicit Rng(uint64_t seed);  // the state from splitmix64(seed)
    uint64_t next();
    uint64_t below(uint64_t n);  // uniform in [0, n), n > 0 (Lemire's method, unbiased)
    double unit();               // uniform in [0, 1), 53 bits
  };

  GenOptions o_;
  std::string name_;
  uint64_t index_ = 0;
  uint64_t offset_ = 0;     // sequential and strided: next address - base
  uint64_t step_ = 0;       // sequential and strided: stride modulo the span
  Rng addresses_, writes_;  // separate streams: the addresses do not depend on write_fraction
};

// Writes every line of `source` as a .stl file: streamed into a temporary file next to `path`
// that replaces `path` only once complete, so an error (in the source or the disk) leaves any
// previous file untouched and no partial one. Returns the number of lines written. Throws
// apack::Error naming `path` and the system's reason.
uint64_t write_trace_file(const std::string& path, TraceSource& source,
                          const std::string& header_comment = "");

}  // namespace apack::dram

// Helpers of the SystemC DRAM tests. SystemC allows one simulation per process, so every
// simulation runs in a child process (in_child): the test process itself never starts SystemC,
// can compare several runs, and makes its Catch2 checks on what the children report.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "apack/dram/presets.hpp"
#include "apack/dram/sc/play.hpp"
#include "apack/dram/trace_file.hpp"
#include "apack/error.hpp"

namespace apack::dram::sc::test {

// How a child ended: `failed` with the exception's message, or the value it returned.
template <class T>
struct ChildResult {
  bool failed = false;
  bool format_error = false;  // the exception was an apack::FormatError
  bool apack_error = false;   // ... an apack::Error
  char message[1024] = {};
  T value{};
};

// Runs `fn` in a forked child and returns its result (T must be trivially copyable). A child
// that crashes or exits without answering fails the test.
template <class T>
ChildResult<T> in_child(const std::function<T()>& fn) {
  static_assert(std::is_trivially_copyable_v<T>, "results cross a pipe");
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::fflush(nullptr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    auto* r = new ChildResult<T>();
    try {
      r->value = fn();
    } catch (const std::exception& e) {
      r->failed = true;
      r->format_error = dynamic_cast<const apack::FormatError*>(&e) != nullptr;
      r->apack_error = dynamic_cast<const apack::Error*>(&e) != nullptr;
      std::strncpy(r->message, e.what(), sizeof r->message - 1);
    }
    const char* p = reinterpret_cast<const char*>(r);
    size_t left = sizeof *r;
    while (left > 0) {
      const ssize_t n = write(fds[1], p, left);
      if (n <= 0) _exit(3);
      p += n;
      left -= size_t(n);
    }
    std::fflush(nullptr);
    _exit(0);
  }
  close(fds[1]);
  ChildResult<T> r;
  char* p = reinterpret_cast<char*>(&r);
  size_t got = 0;
  while (got < sizeof r) {
    const ssize_t n = read(fds[0], p + got, sizeof r - got);
    if (n <= 0) break;
    got += size_t(n);
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  INFO("child status " << status);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  REQUIRE(got == sizeof r);
  return r;
}

// The parts of a PlayReport the tests compare, in a form that crosses a pipe.
struct Summary {
  uint64_t requests = 0, reads = 0, writes = 0, bytes = 0;
  uint64_t read_checksum = 0, rejected = 0, violations = 0;
  uint64_t row_hits = 0, row_misses = 0, row_conflicts = 0;
  int64_t total_time_ps = 0;
  double bandwidth_GBps = 0, peak_GBps = 0, avg_latency_ns = 0, p99_latency_ns = 0;
  double max_latency_ns = 0, energy_pj = 0, wall_seconds = 0;
  uint64_t progress_calls = 0, last_progress = 0;
  uint32_t channels = 0;
  uint64_t channel_requests[16] = {};
  uint64_t commands[kCmdCount] = {};
  char first_violation[256] = {};
};

inline Summary summarize(const PlayReport& r) {
  Summary s;
  s.requests = r.requests;
  s.reads = r.reads;
  s.writes = r.writes;
  s.bytes = r.bytes;
  s.read_checksum = r.read_checksum;
  s.rejected = r.rejected_offers;
  s.violations = r.protocol_violations;
  s.row_hits = r.row_hits;
  s.row_misses = r.row_misses;
  s.row_conflicts = r.row_conflicts;
  s.total_time_ps = r.total_time_ps;
  s.bandwidth_GBps = r.bandwidth_GBps;
  s.peak_GBps = r.peak_GBps;
  s.avg_latency_ns = r.avg_latency_ns;
  s.p99_latency_ns = r.p99_latency_ns;
  s.max_latency_ns = r.max_latency_ns;
  s.energy_pj = r.energy.total_pj();
  s.wall_seconds = r.wall_seconds;
  s.channels = r.channels;
  for (size_t c = 0; c < r.channel_requests.size() && c < 16; ++c)
    s.channel_requests[c] = r.channel_requests[c];
  for (int k = 0; k < kCmdCount; ++k) s.commands[k] = r.commands[size_t(k)];
  if (!r.protocol_messages.empty())
    std::strncpy(s.first_violation, r.protocol_messages[0].c_str(), sizeof s.first_violation - 1);
  return s;
}

// A trace held in memory (line numbers as given), for hand-made request lists.
class VectorTrace : public TraceSource {
 public:
  VectorTrace(std::vector<TraceLine> lines, std::string name = "test-trace")
      : lines_(std::move(lines)), name_(std::move(name)) {}
  bool next(TraceLine& out) override {
    if (i_ == lines_.size()) return false;
    out = lines_[i_++];
    return true;
  }
  const std::string& name() const override { return name_; }

 private:
  std::vector<TraceLine> lines_;
  size_t i_ = 0;
  std::string name_;
};

// Options for a preset with its default mapping, `channels` channels, the checker on.
inline PlayOptions options_for(const std::string& preset_name, Mode mode, uint32_t channels = 1) {
  PlayOptions o;
  o.spec = preset(preset_name);
  o.spec.arch.channels = channels;
  o.mapping = default_mapping(o.spec);
  o.mode = mode;
  o.check_protocol = true;
  return o;
}

// Plays `make_source()` in a child and returns the summary; the child's error fails the test.
inline Summary play_in_child(const PlayOptions& o,
                             const std::function<std::unique_ptr<TraceSource>()>& make_source) {
  const auto r = in_child<Summary>([&] {
    auto source = make_source();
    return summarize(play_trace(o, *source));
  });
  INFO(r.message);
  REQUIRE_FALSE(r.failed);
  return r.value;
}

}  // namespace apack::dram::sc::test

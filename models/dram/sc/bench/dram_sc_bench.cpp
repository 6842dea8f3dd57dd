// Simulation speed of the SystemC/TLM DRAM subsystem against the kernel-free core, and its
// peak memory against the number of requests. A measuring tool, not a test:
//
//   dram_sc_bench MODE PRESET PATTERN N [CHANNELS]
//     MODE     lt | at | core (the Controller alone through run_requests) | all
//     PRESET   ddr4-2400 | lpddr4-3200 | hbm2
//     PATTERN  sequential | random (reads over the whole memory) | mixed (random, 1/3 writes)
//     N        requests; CHANNELS (default 1) for lt and at
//
// A trace of N one-burst requests, one per cycle of a 1 GHz trace clock (faster than any of
// the presets serves them, so the memory sets the pace), is generated in memory. One line per
// run: requests/s of wall time and of the process's CPU time (generation and set-up included;
// CPU time is the steadier figure on a shared machine), simulated bandwidth, and the process's
// peak resident memory (getrusage). SystemC allows one simulation per process, so
// `all` runs every mode and pattern in a child process of its own.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "apack/dram/address_mapping.hpp"
#include "apack/dram/controller.hpp"
#include "apack/dram/presets.hpp"
#include "apack/dram/run.hpp"
#include "apack/dram/sc/play.hpp"
#include "apack/dram/trace_gen.hpp"
#include "apack/error.hpp"

extern char** environ;

using namespace apack::dram;

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;  // KiB on Linux
}

GenOptions trace_options(const MemSpec& s, const std::string& pattern, uint64_t n) {
  GenOptions g;
  g.requests = n;
  g.burst_bytes = s.arch.burst_bytes();
  g.spacing = 1;
  g.span = s.arch.channel_bytes() * s.arch.channels;
  g.seed = 7;
  if (pattern == "sequential") {
    g.pattern = Pattern::Sequential;
  } else if (pattern == "random") {
    g.pattern = Pattern::Random;
  } else if (pattern == "mixed") {
    g.pattern = Pattern::Random;
    g.write_fraction = 1.0 / 3.0;
  } else {
    throw apack::Error("unknown pattern '" + pattern + "' (sequential, random, mixed)");
  }
  return g;
}

int run_one(const std::string& mode, const std::string& preset_name, const std::string& pattern,
            uint64_t n, uint32_t channels) {
  const auto start = std::chrono::steady_clock::now();
  MemSpec spec = preset(preset_name);
  spec.arch.channels = channels;
  ControllerConfig config;
  config.record_log = false;
  TraceGenerator trace(trace_options(spec, pattern, n));
  double bandwidth = 0;
  uint64_t done = 0;
  if (mode == "core") {
    if (channels != 1) throw apack::Error("core mode models one channel");
    Controller c(spec, default_mapping(spec), config);
    const ClockPeriod trace_period = ClockPeriod::picoseconds(1000);
    std::vector<Request> requests;
    requests.reserve(n);
    TraceLine line;
    while (trace.next(line))
      requests.push_back({requests.size(), line.address & ~uint64_t(spec.arch.burst_bytes() - 1),
                          line.write,
                          spec.tck.ceil_cycles(trace_period.ceil_ps(int64_t(line.cycle)))});
    const RunResult r = run_requests(c, requests);
    done = r.completions.size();
    bandwidth = double(done) * spec.arch.burst_bytes() / (double(spec.tck.ceil_ps(r.end)) / 1000.0);
  } else if (mode == "lt" || mode == "at") {
    sc::PlayOptions o;
    o.spec = spec;
    o.mapping = default_mapping(spec);
    o.config = config;
    o.mode = mode == "lt" ? sc::Mode::LT : sc::Mode::AT;
    const sc::PlayReport r = sc::play_trace(o, trace);
    done = r.requests;
    bandwidth = r.bandwidth_GBps;
    if (o.mode == sc::Mode::AT)
      std::printf("(AT: %.2f memory-process wake-ups per request)\n",
                  double(r.memory_wakeups) / double(std::max<uint64_t>(1, done)));
  } else {
    throw apack::Error("unknown mode '" + mode + "' (lt, at, core, all)");
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = cpu_seconds();
  std::printf(
      "%-4s %-11s %-10s ch %u  %8llu requests  wall %6.2f s %8.0f req/s  cpu %6.2f s "
      "%8.0f req/s  %6.2f GB/s  peak RSS %7ld KiB\n",
      mode.c_str(), preset_name.c_str(), pattern.c_str(), channels,
      static_cast<unsigned long long>(done), wall, double(done) / wall, cpu, double(done) / cpu,
      bandwidth, peak_rss_kib());
  return 0;
}

int run_all(const char* self, const std::string& preset_name, const std::string& n,
            const std::string& channels) {
  int status = 0;
  for (const char* pattern : {"sequential", "random"})
    for (const char* mode : {"core", "lt", "at"}) {
      if (std::string(mode) == "core" && channels != "1") continue;
      std::vector<std::string> args = {self, mode, preset_name, pattern, n, channels};
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      std::fflush(stdout);
      pid_t pid;
      if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ) != 0) {
        std::perror("posix_spawn");
        return 1;
      }
      int st = 0;
      waitpid(pid, &st, 0);
      if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) status = 1;
    }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5 || argc > 6) {
    std::fprintf(stderr,
                 "usage: dram_sc_bench lt|at|core|all PRESET sequential|random|mixed N "
                 "[CHANNELS]\n");
    return 2;
  }
  try {
    const std::string channels = argc == 6 ? argv[5] : "1";
    if (std::string(argv[1]) == "all") return run_all(argv[0], argv[2], argv[4], channels);
    return run_one(argv[1], argv[2], argv[3], std::stoull(argv[4]), uint32_t(std::stoul(channels)));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dram_sc_bench: %s\n", e.what());
    return 1;
  }
}

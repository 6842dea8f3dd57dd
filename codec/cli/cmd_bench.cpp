// `apack bench`: encode and decode throughput of APack against zstd on the same tensors, and how
// the whole `apack decompress` command scales from one thread to two.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "apack/codec.hpp"
#include "apack/compare.hpp"
#include "apack/crc32c.hpp"
#include "apack/error.hpp"
#include "apack/npy.hpp"
#include "commands.hpp"
#include "io.hpp"
#include "stats_common.hpp"

extern char** environ;

namespace apack::cli {

namespace {

using Clock = std::chrono::steady_clock;

// The figures the task sets for APack (MB/s of original values, one thread) and for the
// decompress command's two-thread speedup.
constexpr double kEncodeTarget = 50.0;
constexpr double kDecodeTarget = 100.0;
constexpr double kScalingTarget = 1.6;
// Without --repeat a measurement repeats until it has this much work, and at least kMinRuns
// times, so short inputs are not timed on one run of a few milliseconds.
constexpr double kAutoSeconds = 1.0;
constexpr int kMinRuns = 3;

struct BenchArgs {
  std::vector<std::string> paths;
  int repeat = 0;  // 0: automatic
  unsigned threads = 0;
  bool json = false;
};

struct Runs {
  std::vector<double> seconds;
  double median() const {
    std::vector<double> s = seconds;
    std::sort(s.begin(), s.end());
    const size_t m = s.size() / 2;
    return s.size() % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
  double best() const { return *std::min_element(seconds.begin(), seconds.end()); }
};

// Calls run(k) for k = 0, 1, ... and times each call.
template <class F>
Runs time_runs(int repeat, F&& run) {
  Runs r;
  double total = 0;
  for (int k = 0; repeat > 0 ? k < repeat : (k < kMinRuns || total < kAutoSeconds); ++k) {
    const auto t0 = Clock::now();
    run(k);
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    r.seconds.push_back(s);
    total += s;
  }
  return r;
}

struct Measurement {
  std::string key;    // JSON name
  std::string label;  // table row
  unsigned threads = 1;
  Runs runs;
  uint64_t coded_bytes = 0;  // size of the coded data, for context
  double target = 0;         // MB/s; 0 = none
};

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);) {
    if (line.compare(0, 10, "model name") != 0) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) break;
    const size_t start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "unknown" : line.substr(start);
  }
  return "unknown";
}

// The 1/5/15-minute load averages: other processes on the machine slow every figure down, so the
// output says how busy it was.
std::vector<double> load_average() {
  std::ifstream f("/proc/loadavg");
  std::vector<double> l(3, 0.0);
  if (!(f >> l[0] >> l[1] >> l[2])) return {};
  return l;
}

// A temporary folder removed with everything in it when the bench ends, also on errors.
struct TempDir {
  std::string path;
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/apack-bench.XXXXXX";
    if (!::mkdtemp(templ.data())) throw Error(templ + ": cannot create a temporary folder");
    path = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

// Runs this program's own binary and waits for it; a non-zero exit is an error.
void run_self(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string argv0 = "apack";
  argv.push_back(argv0.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  // The child's standard output goes to /dev/null: it must not mix with this command's output.
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  // /proc/self/exe is the binary that runs now, whatever PATH or the working folder say.
  const int rc = ::posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error("cannot run /proc/self/exe: " + std::string(std::strerror(rc)));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error("waitpid failed: " + std::string(std::strerror(errno)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string cmd = "apack";
    for (const std::string& a : args) cmd += " " + a;
    throw Error("'" + cmd + "' failed (status " + std::to_string(status) + ")");
  }
}

struct CommandScaling {
  std::string input;  // what was decompressed
  uint64_t values = 0, container_bytes = 0;
  Runs one, two;
  Runs start;  // `apack --version`: what starting a process costs on this machine
  double speedup() const { return one.median() / two.median(); }
  // The speedup of what the command does after the process has started.
  double speedup_after_start() const {
    return (one.median() - start.median()) / (two.median() - start.median());
  }
};

// Times `apack decompress IN.apk -o OUT.npy --threads 1` against `--threads 2` on the largest
// input available: the concatenation of all tensors (as one 1-D array) when there are several.
// The runs alternate between the two settings so that a change in machine load hits both alike.
CommandScaling measure_command(const Inputs& in, int repeat, bool progress) {
  CommandScaling c;
  Tensor t;
  if (in.tensors.size() == 1) {
    t = in.tensors[0].tensor;
    c.input = in.tensors[0].path;
  } else {
    t.data = concatenate(in);
    // Mixed int8/uint8 inputs are concatenated as uint8: the bytes are what is timed.
    t.is_signed = std::all_of(in.tensors.begin(), in.tensors.end(),
                              [](const InputTensor& x) { return x.tensor.is_signed; });
    t.shape = {uint64_t(t.data.size())};
    c.input = "concatenation of " + std::to_string(in.tensors.size()) + " tensors";
  }
  c.values = t.data.size();
  TempDir dir;
  const std::string apk = dir.path + "/in.apk", out = dir.path + "/out.npy";
  EncodeOptions o;
  const EncodeResult r = compress(t, o, c.input);
  c.container_bytes = r.container.size();
  write_output(apk, r.container.data(), r.container.size());
  const std::string header =
      t.npy_header.empty() ? npy_header(t.is_signed ? "|i1" : "|u1", false, t.shape) : t.npy_header;
  const std::vector<uint8_t> expected = npy_file(header, t.data.data(), t.data.size());

  if (progress) std::cerr << "apack bench: apack decompress --threads 1 vs 2\n";
  auto once = [&](unsigned threads, Runs& runs, bool check) {
    const auto t0 = Clock::now();
    run_self({"decompress", apk, "-o", out, "--threads", std::to_string(threads)});
    runs.seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    if (check && read_input(out) != expected)
      throw Error("apack decompress did not restore the input file (" + c.input + ")");
  };
  // One untimed run of each fills the page cache and loads the binary.
  Runs warm;
  once(1, warm, false);
  once(2, warm, false);
  double total = 0;
  for (int k = 0; repeat > 0 ? k < repeat : (k < 2 * kMinRuns || total < 2 * kAutoSeconds); ++k) {
    once(1, c.one, k == 0);
    const auto s0 = Clock::now();
    run_self({"--version"});
    c.start.seconds.push_back(std::chrono::duration<double>(Clock::now() - s0).count());
    once(2, c.two, k == 0);
    total += c.one.seconds.back() + c.two.seconds.back();
  }
  return c;
}

double mbps(uint64_t bytes, double seconds) { return seconds > 0 ? bytes / seconds / 1e6 : 0; }

}  // namespace

void register_bench(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "measure APack encode/decode throughput against zstd, and decompress scaling");
  cmd->add_option("paths", args->paths, "int8/uint8 .npy files, or folders searched for *.npy")
      ->required();
  cmd->add_option("--repeat", args->repeat,
                  "runs per measurement (default: until 1 s of work, at least 3)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--threads", args->threads, "threads for the multi-threaded rows (0 = all cores)")
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "print one JSON object to stdout");
  cmd->footer(
      "Throughput is MB/s of original values (10^6 values per second of wall time, steady\n"
      "clock); the table gives the median and the best run. A run codes every tensor once;\n"
      "encode is compress() including the table search, decode is decompress() including the\n"
      "container checks and CRC-32C. zstd runs on one thread on the same tensors. The\n"
      "decompress command is this binary run as a child process on a temporary container.\n"
      "Inputs are found as in `apack stats` (non-int8 .npy files in folders are skipped).");
  cmd->callback([args] {
    const Inputs in = load_inputs(args->paths, "apack bench");
    const unsigned threads = resolve_threads(args->threads);
    const uint64_t n = in.values();
    const size_t count = in.tensors.size();
    const bool progress = stderr_is_tty();
    const std::vector<double> load = load_average();
    std::vector<Measurement> results;

    auto start = [&](const std::string& label, unsigned th) {
      if (progress) std::cerr << "apack bench: " << label << ", " << th << " thread(s)\n";
    };
    std::vector<std::vector<uint8_t>> containers(count);
    std::vector<unsigned> thread_counts{1};
    if (threads > 1) thread_counts.push_back(threads);
    for (unsigned th : thread_counts) {
      start("APack encode", th);
      EncodeOptions o;
      o.threads = th;
      Measurement m{"apack_encode", "APack encode", th, {}, 0, th == 1 ? kEncodeTarget : 0};
      m.runs = time_runs(args->repeat, [&](int) {
        for (size_t i = 0; i < count; ++i)
          containers[i] = compress(in.tensors[i].tensor, o, in.tensors[i].path).container;
      });
      for (const auto& c : containers) m.coded_bytes += c.size();
      results.push_back(std::move(m));
    }
    for (unsigned th : thread_counts) {
      start("APack decode", th);
      DecodeOptions o;
      o.threads = th;
      Measurement m{"apack_decode", "APack decode", th, {}, 0, th == 1 ? kDecodeTarget : 0};
      m.runs = time_runs(args->repeat, [&](int k) {
        for (size_t i = 0; i < count; ++i) {
          const Tensor t =
              decompress(containers[i].data(), containers[i].size(), o, in.tensors[i].path);
          if (k == 0 && t.data != in.tensors[i].tensor.data)
            throw Error(in.tensors[i].path + ": APack decode did not restore the values");
        }
      });
      for (const auto& c : containers) m.coded_bytes += c.size();
      results.push_back(std::move(m));
    }
    for (int level : {3, 19}) {
      const std::string name = "zstd -" + std::to_string(level);
      const std::string key = "zstd" + std::to_string(level);
      std::vector<std::vector<uint8_t>> z(count);
      start(name + " compress", 1);
      Measurement c{key + "_compress", name + " compress", 1, {}, 0, 0};
      c.runs = time_runs(args->repeat, [&](int) {
        for (size_t i = 0; i < count; ++i) {
          const auto& d = in.tensors[i].tensor.data;
          z[i] = compare::zstd_compress(d.data(), d.size(), level);
        }
      });
      for (const auto& b : z) c.coded_bytes += b.size();
      start(name + " decompress", 1);
      Measurement d{key + "_decompress", name + " decompress", 1, {}, c.coded_bytes, 0};
      d.runs = time_runs(args->repeat, [&](int k) {
        for (size_t i = 0; i < count; ++i) {
          const auto& orig = in.tensors[i].tensor.data;
          const auto back = compare::zstd_decompress(z[i].data(), z[i].size(), orig.size());
          if (k == 0 && back != orig)
            throw Error(in.tensors[i].path + ": zstd did not restore the values");
        }
      });
      results.push_back(std::move(c));
      results.push_back(std::move(d));
    }
    const CommandScaling cs = measure_command(in, args->repeat, progress);

    const std::string cpu = cpu_model();
    const unsigned cores = resolve_threads(0);
    const bool crc_hw = crc32c_hardware();
    if (args->json) {
      nlohmann::ordered_json j;
      j["cpu"] = cpu;
      j["logical_cores"] = cores;
      j["crc32c_hardware"] = crc_hw;
      j["load_average"] = load;
      j["tensors"] = count;
      j["values"] = n;
      j["threads"] = threads;
      j["repeat"] = args->repeat > 0 ? nlohmann::ordered_json(args->repeat) : nullptr;
      j["unit"] = "MB/s = 10^6 original values per second of wall time";
      j["results"] = nlohmann::ordered_json::array();
      for (const Measurement& m : results) {
        nlohmann::ordered_json r;
        r["name"] = m.key;
        r["threads"] = m.threads;
        r["runs"] = m.runs.seconds.size();
        r["mb_per_s_median"] = mbps(n, m.runs.median());
        r["mb_per_s_best"] = mbps(n, m.runs.best());
        r["coded_bytes"] = m.coded_bytes;
        if (m.target > 0) {
          r["target_mb_per_s"] = m.target;
          r["target_met"] = mbps(n, m.runs.median()) >= m.target;
        }
        j["results"].push_back(r);
      }
      j["decompress_command"] = {{"input", cs.input},
                                 {"values", cs.values},
                                 {"container_bytes", cs.container_bytes},
                                 {"runs", cs.one.seconds.size()},
                                 {"seconds_median_1_thread", cs.one.median()},
                                 {"seconds_median_2_threads", cs.two.median()},
                                 {"speedup", cs.speedup()},
                                 {"seconds_median_process_start", cs.start.median()},
                                 {"speedup_after_process_start", cs.speedup_after_start()},
                                 {"target_speedup", kScalingTarget},
                                 {"target_met", cs.speedup() >= kScalingTarget}};
      std::cout << j.dump(1) << "\n";
      return;
    }

    std::ostringstream o;
    o << "data: " << count << " tensor(s), " << n << " values (" << fixed(n / 1e6, 2) << " MB)";
    if (!in.skipped.empty()) o << "; " << in.skipped.size() << " .npy files skipped";
    o << "\nCPU: " << cpu << ", " << cores
      << " logical cores; CRC-32C: " << (crc_hw ? "hardware instruction" : "software table")
      << "\n";
    if (!load.empty())
      o << "load average at start: " << fixed(load[0], 2) << " " << fixed(load[1], 2) << " "
        << fixed(load[2], 2) << " (other processes on the machine lower these figures)\n";
    o << "MB/s = 10^6 original values per second of wall time; median and best of the runs;\n"
      << "targets are checked against the median\n\n";
    o << std::left << std::setw(22) << "" << std::right << std::setw(8) << "threads" << std::setw(6)
      << "runs" << std::setw(13) << "median MB/s" << std::setw(11) << "best MB/s" << std::setw(12)
      << "size % raw"
      << "   target\n";
    for (const Measurement& m : results) {
      const double med = mbps(n, m.runs.median());
      o << std::left << std::setw(22) << m.label << std::right << std::setw(8) << m.threads
        << std::setw(6) << m.runs.seconds.size() << std::setw(13) << fixed(med, 1) << std::setw(11)
        << fixed(mbps(n, m.runs.best()), 1) << std::setw(12)
        << (n ? fixed(100.0 * m.coded_bytes / n, 2) : "-");
      if (m.target > 0)
        o << "   >= " << fixed(m.target, 0) << " MB/s: " << (med >= m.target ? "met" : "MISSED");
      o << "\n";
    }
    o << "\napack decompress command (" << cs.input << ", " << cs.values << " values, "
      << cs.container_bytes << "-byte container), " << cs.one.seconds.size()
      << " runs each, wall time median:\n"
      << "  --threads 1: " << fixed(cs.one.median() * 1e3, 2)
      << " ms, --threads 2: " << fixed(cs.two.median() * 1e3, 2) << " ms; speedup "
      << fixed(cs.speedup(), 2) << "x (target >= " << fixed(kScalingTarget, 1)
      << "x: " << (cs.speedup() >= kScalingTarget ? "met" : "MISSED") << ")\n"
      << "  starting a process here (apack --version, median): "
      << fixed(cs.start.median() * 1e3, 2) << " ms; the rest of the command: --threads 1 "
      << fixed((cs.one.median() - cs.start.median()) * 1e3, 2) << " ms, --threads 2 "
      << fixed((cs.two.median() - cs.start.median()) * 1e3, 2) << " ms, speedup "
      << fixed(cs.speedup_after_start(), 2) << "x\n";
    if (cores < 2)
      o << "  note: this machine has one logical core, so two threads cannot run at once\n";
    std::cout << o.str();
  });
}

}  // namespace apack::cli

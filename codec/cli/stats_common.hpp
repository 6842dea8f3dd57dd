// Shared by `apack stats` and `apack bench`: finding and loading the tensors named on the
// command line, and running per-tensor work on several threads with results kept in input order.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "apack/codec.hpp"

namespace apack::cli {

struct InputTensor {
  std::string path;  // the file as opened
  // Shown in tables: the path inside the folder when the only PATH argument is a folder (the
  // folder is then in the heading), otherwise the full path, so names never collide.
  std::string name;
  Tensor tensor;
};

struct SkippedFile {
  std::string path;
  std::string reason;  // the codec's message, e.g. "dtype float32 ('<f4') is not supported..."
};

struct Inputs {
  std::vector<InputTensor> tensors;
  std::vector<SkippedFile> skipped;
  uint64_t values() const;
};

// Expands PATH arguments. A file is taken as named. A folder is searched recursively for *.npy,
// sorted by path so that output does not depend on directory order. A file named explicitly
// that the codec cannot take (not int8/uint8, Fortran order) is an error; such a file found in a
// folder is skipped with a warning on stderr, since model folders mix dtypes (float biases next
// to int8 weights). A malformed .npy is an error either way: skipping it would hide damaged data.
// Throws apack::Error naming the file; also when no tensor is left. `command` prefixes warnings.
Inputs load_inputs(const std::vector<std::string>& paths, const std::string& command);

// The concatenation of all tensors' bytes in input order (the "whole model").
std::vector<uint8_t> concatenate(const Inputs& in);

bool stderr_is_tty();

// "12.34" with a fixed number of decimals (iostream state stays untouched).
std::string fixed(double v, int decimals);

// Calls work(i) for every i in [0, count) on up to `threads` threads. Indices are handed out in
// order, one at a time, because per-tensor costs differ by orders of magnitude and a static
// split would leave threads idle. Callers store results by index, so output order does not
// depend on scheduling. The first exception stops further work and is rethrown once all
// threads have joined.
template <class F>
void parallel_for(size_t count, unsigned threads, F&& work) {
  threads = unsigned(std::min<size_t>(threads == 0 ? 1 : threads, count));
  if (threads <= 1) {
    for (size_t i = 0; i < count; ++i) work(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  size_t error_index = count;
  std::mutex error_mutex;
  auto loop = [&] {
    for (size_t i; !failed.load() && (i = next.fetch_add(1)) < count;) {
      try {
        work(i);
      } catch (...) {
        // Keep the error of the lowest index: every lower index was handed out before and runs
        // to its end, so a failing run reports the same file as a one-thread run would.
        std::lock_guard<std::mutex> lock(error_mutex);
        if (i < error_index) {
          error_index = i;
          error = std::current_exception();
        }
        failed.store(true);
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(loop);
  loop();
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace apack::cli

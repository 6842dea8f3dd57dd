// Static partition of independent items (chunks) over threads. The first exception thrown by
// any worker is rethrown to the caller once all workers have joined.
#pragma once

#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace apack::detail {

// body(begin, end) runs once per thread on a contiguous range of [0, count).
template <class F>
void parallel_ranges(size_t count, unsigned threads, F&& body) {
  if (threads <= 1 || count <= 1) {
    body(size_t(0), count);
    return;
  }
  threads = unsigned(std::min<size_t>(threads, count));
  std::exception_ptr error;
  std::mutex error_mutex;
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      const size_t begin = count * t / threads, end = count * (t + 1) / threads;
      try {
        body(begin, end);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    });
  }
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace apack::detail

// Stage messages on stderr so long runs show where they are, and the process's peak memory. A
// stage left open by an error is closed by main() (progress_line_open) so the error starts its
// own line.
#pragma once

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "commands.hpp"

namespace apack::vp {

struct Progress {
  using Clock = std::chrono::steady_clock;
  bool quiet = false;
  Clock::time_point start;
  void begin(const std::string& what) {
    start = Clock::now();
    if (!quiet) {
      std::cerr << "apack-vp: " << what << "..." << std::flush;
      progress_line_open = true;
    }
  }
  double end() {
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    if (!quiet) std::fprintf(stderr, " %.2f s\n", s);
    progress_line_open = false;
    return s;
  }
};

inline double peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) * 1024.0;
}

}  // namespace apack::vp

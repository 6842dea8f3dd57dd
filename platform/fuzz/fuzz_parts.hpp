// Helpers shared by the platform's fuzz targets: one fuzz input carries several files (a
// model.json and its weight shards, a trace.json and its .npy files, an .onnx model and its
// external data), separated by kPartSeparator; and a per-process temporary folder for the
// loaders that only read paths.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace apack::fuzz {

// Between two files of one input. Four bytes: rare in JSON and binary data alike, short enough
// for the fuzzer to keep (the targets' dictionaries list it too).
constexpr char kPartSeparator[] = "#@#@";
constexpr size_t kPartSeparatorSize = sizeof kPartSeparator - 1;

struct Part {
  const uint8_t* data;
  size_t size;
};

// The input cut at every separator (at least one part, possibly empty), at most `max_parts`
// parts: the last one keeps whatever follows, separators included.
inline std::vector<Part> split_parts(const uint8_t* data, size_t size, size_t max_parts) {
  std::vector<Part> parts;
  size_t start = 0;
  for (size_t i = 0; i + kPartSeparatorSize <= size && parts.size() + 1 < max_parts;) {
    if (std::memcmp(data + i, kPartSeparator, kPartSeparatorSize) == 0) {
      parts.push_back({data + start, i - start});
      i += kPartSeparatorSize;
      start = i;
    } else {
      ++i;
    }
  }
  parts.push_back({data + start, size - start});
  return parts;
}

// A folder of its own for this process (libFuzzer's -fork/-jobs run several), removed at exit.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "apack-fuzz-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) std::abort();
    static std::string keep = tmpl;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(keep, ec);
    });
    return std::filesystem::path(tmpl);
  }();
  return dir;
}

// With APACK_FUZZ_VERBOSE=1 in the environment, the message of each refused input goes to
// stderr: for checking that the seeds get as far as they are meant to (`fuzz_x seed...`).
inline void explain(const std::exception& e) {
  static const bool verbose = std::getenv("APACK_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "refused: %s\n", e.what());
}

inline void write_part(const std::filesystem::path& file, const Part& p) {
  std::ofstream f(file, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(p.data), std::streamsize(p.size));
  if (!f) std::abort();  // the fuzzer's own disk trouble, not a finding in the parser
}

}  // namespace apack::fuzz

// Helpers of the scenario tests: a temporary folder with files in it, and the error a scenario
// text raises.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "apack/error.hpp"
#include "apack/scenario/scenario.hpp"

namespace apack::scenario::test {

namespace fs = std::filesystem;

// A fresh folder under the system's temporary folder, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("apack-scenario-test-" + std::to_string(getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  // Writes `text` to `name` (folders created), returning the absolute path.
  std::string write(const std::string& name, const std::string& text = "x") const {
    const fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.lexically_normal().string();
  }

 private:
  fs::path path_;
};

// The message of the FormatError that reading `text` (named "s.yaml", paths from `base`) raises,
// or "" when it reads.
inline std::string error_of(const std::string& text, const std::vector<std::string>& sets = {},
                            const std::string& base = "/nonexistent-apack-dir") {
  ReadOptions o;
  o.base_dir = base;
  try {
    parse_scenario(text, "s.yaml", sets, o);
  } catch (const FormatError& e) {
    return e.what();
  }
  return "";
}

// A valid scenario on a built-in topology (no files needed) followed by `extra` lines.
inline std::string builtin_scenario(const std::string& extra = "") {
  return "network:\n  model: alexnet\n" + extra;
}

}  // namespace apack::scenario::test

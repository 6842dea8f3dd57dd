// A fresh folder per test (removed afterwards) so parallel ctest runs never share files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace apack::test {

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& prefix = "apack_net_test_") {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() /
           (prefix + std::to_string(rd()) + "_" + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `name` (relative to the folder) and returns its full path.
  std::string write(const std::string& name, const std::vector<uint8_t>& bytes) const {
    const std::filesystem::path p = path / name;
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
    return p.string();
  }
  std::string write(const std::string& name, const std::string& text) const {
    return write(name, std::vector<uint8_t>(text.begin(), text.end()));
  }
};

}  // namespace apack::test

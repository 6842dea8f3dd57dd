// Paths of the real models and photos (workloads-cache/, fetched on first use by
// scripts/fetch_workloads.sh). A missing file is a test failure, not a skip.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace apack::test {

inline std::string workload_path(const std::string& relative) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(APACK_SOURCE_DIR) / "workloads-cache";
  static bool fetched = false;
  if (!fs::exists(root / relative) && !fetched) {
    fetched = true;
    const std::string cmd =
        "bash " + (fs::path(APACK_SOURCE_DIR) / "scripts" / "fetch_workloads.sh").string() +
        " >/dev/null";
    const int rc = std::system(cmd.c_str());
    INFO("fetch_workloads.sh exit status " << rc);
  }
  const fs::path p = root / relative;
  INFO("real workload file " << p.string() << " (run scripts/fetch_workloads.sh)");
  REQUIRE(fs::exists(p));
  return p.string();
}

inline std::string model_json(const std::string& name) {
  return workload_path("models/" + name + ".json");
}
inline std::string photo(const std::string& name) { return workload_path("images/" + name); }

}  // namespace apack::test

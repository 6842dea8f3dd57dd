// Whole-file writes that either complete or leave nothing: the bytes go to a temporary file in
// the destination's folder, which is renamed over the destination only once fully written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace apack {

// Throws apack::Error naming `path` and the system's reason; no temporary file is left behind.
void write_file_atomic(const std::string& path, const uint8_t* data, size_t size);
inline void write_file_atomic(const std::string& path, const std::vector<uint8_t>& bytes) {
  write_file_atomic(path, bytes.data(), bytes.size());
}
inline void write_file_atomic(const std::string& path, const std::string& text) {
  write_file_atomic(path, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

}  // namespace apack

// File helpers shared by the subcommands: whole-file reads (or stdin for "-"), and atomic writes
// (a temporary file in the target's folder renamed over it, so a failure leaves nothing behind).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace apack::cli {

// Reads the whole file, or standard input for "-". Throws apack::Error naming the path.
std::vector<uint8_t> read_input(const std::string& path);

// A whole input, memory-mapped when it is a regular file (the page cache is used in place: no
// copy, no zero-fill, no page faults on a private buffer), read into memory otherwise.
class Input {
 public:
  explicit Input(const std::string& path);
  ~Input();
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  void* mapped_ = nullptr;
  std::vector<uint8_t> buffer_;
};

// An output of known size filled in place: a temporary file beside `path`, space reserved up
// front (so a full disk is an error here, not a fault later), mapped shared so several threads
// fill it in parallel with no copy, and renamed over `path` by commit(). Destroyed uncommitted,
// it removes the temporary file. "-" buffers in memory and writes standard output on commit().
class Output {
 public:
  Output(const std::string& path, size_t size);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  uint8_t* data() { return data_; }
  void commit();

 private:
  std::string path_, tmp_;
  size_t size_;
  int fd_ = -1;
  uint8_t* data_ = nullptr;
  void* mapped_ = nullptr;
  std::vector<uint8_t> buffer_;
};

// Writes to `path` atomically, or to standard output for "-". Throws apack::Error naming the path.
void write_output(const std::string& path, const uint8_t* data, size_t size);

}  // namespace apack::cli

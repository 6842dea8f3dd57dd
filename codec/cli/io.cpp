#include "io.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <thread>

#include "apack/error.hpp"

namespace apack::cli {

namespace {

std::string os_error() { return std::strerror(errno); }

bool write_all(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t w = ::write(fd, data, size);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += w;
    size -= size_t(w);
  }
  return true;
}

}  // namespace

std::vector<uint8_t> read_input(const std::string& path) {
  const bool std_in = path == "-";
  const std::string name = std_in ? std::string("standard input") : path;
  const int fd = std_in ? 0 : ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw Error(path + ": cannot open: " + os_error());
  struct stat st {};
  if (!std_in && ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw Error(path + ": is a directory");
  }
  // A regular file is read in one go into a buffer of its size; pipes grow as they come.
  std::vector<uint8_t> data;
  if (!std_in && S_ISREG(st.st_mode)) data.reserve(size_t(st.st_size) + 1);
  size_t used = 0;
  for (;;) {
    if (used == data.size()) data.resize(std::max(data.capacity(), 2 * used + (1 << 16)));
    const ssize_t r = ::read(fd, data.data() + used, data.size() - used);
    if (r == 0) break;
    if (r < 0) {
      if (errno == EINTR) continue;
      const std::string err = os_error();
      if (!std_in) ::close(fd);
      throw Error(name + ": read failed: " + err);
    }
    used += size_t(r);
  }
  if (!std_in) ::close(fd);
  data.resize(used);
  return data;
}

Input::Input(const std::string& path) {
  if (path != "-") {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw Error(path + ": cannot open: " + os_error());
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* p = ::mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      ::close(fd);
      if (p != MAP_FAILED) {
        mapped_ = p;
        data_ = static_cast<const uint8_t*>(p);
        size_ = size_t(st.st_size);
        return;
      }
    } else {
      ::close(fd);
    }
  }
  buffer_ = read_input(path);  // stdin, pipes, empty files, or mmap refused
  data_ = buffer_.data();
  size_ = buffer_.size();
}

Input::~Input() {
  if (mapped_) ::munmap(mapped_, size_);
}

namespace {

bool pwrite_all(int fd, const uint8_t* data, size_t size, off_t at) {
  while (size > 0) {
    const ssize_t w = ::pwrite(fd, data, size, at);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += w;
    size -= size_t(w);
    at += w;
  }
  return true;
}

// Writes all of data at offset 0, in `threads` slices when that is worth a thread.
bool write_file(int fd, const uint8_t* data, size_t size, unsigned threads) {
  constexpr size_t kMinSlice = size_t(1) << 20;
  threads = unsigned(std::max<size_t>(1, std::min<size_t>(threads, size / kMinSlice)));
  if (threads == 1) return pwrite_all(fd, data, size, 0);
  std::atomic<bool> ok{true};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    const size_t begin = size * t / threads, end = size * (t + 1) / threads;
    pool.emplace_back([&, begin, end] {
      if (!pwrite_all(fd, data + begin, end - begin, off_t(begin))) ok = false;
    });
  }
  for (auto& th : pool) th.join();
  return ok;
}

}  // namespace

void write_output(const std::string& path, const uint8_t* data, size_t size, unsigned threads) {
  if (path == "-") {
    if (!write_all(1, data, size)) throw Error("standard output: write failed: " + os_error());
    return;
  }
  // A temporary file beside the target, renamed over it: readers never see a partial file and a
  // failure leaves the old file (if any) untouched.
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) throw Error(path + ": cannot create: " + os_error());
  const bool ok = write_file(fd, data, size, threads);
  const std::string err = ok ? "" : os_error();
  ::fchmod(fd, 0644);
  if (::close(fd) != 0 || !ok) {
    ::unlink(tmp.c_str());
    throw Error(path + ": write failed: " + (err.empty() ? os_error() : err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string e = os_error();
    ::unlink(tmp.c_str());
    throw Error(path + ": cannot replace: " + e);
  }
}

Output::Output(const std::string& path, size_t size) : path_(path), size_(size) {
  if (path == "-" || size == 0) {
    buffer_.resize(size);
    data_ = buffer_.data();
    return;
  }
  tmp_ = path + ".tmp.XXXXXX";
  fd_ = ::mkstemp(tmp_.data());
  if (fd_ < 0) throw Error(path + ": cannot create: " + os_error());
  const int err = ::posix_fallocate(fd_, 0, off_t(size));
  if (err != 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
    throw Error(path + ": cannot reserve " + std::to_string(size) +
                " bytes: " + std::strerror(err));
  }
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (p == MAP_FAILED) {  // a file system without shared mappings: fill a buffer, write it
    buffer_.resize(size);
    data_ = buffer_.data();
    return;
  }
  mapped_ = p;
  data_ = static_cast<uint8_t*>(p);
}

void Output::commit() {
  if (path_ == "-" || (fd_ < 0 && size_ == 0)) {
    write_output(path_, buffer_.data(), buffer_.size());
    return;
  }
  bool ok = true;
  std::string err;
  if (mapped_) {
    if (::munmap(mapped_, size_) != 0) ok = false;
    mapped_ = nullptr;
  } else if (!pwrite_all(fd_, buffer_.data(), buffer_.size(), 0)) {
    ok = false;
  }
  if (!ok) err = os_error();
  ::fchmod(fd_, 0644);
  if (::close(fd_) != 0 && ok) {
    ok = false;
    err = os_error();
  }
  fd_ = -1;
  if (!ok || ::rename(tmp_.c_str(), path_.c_str()) != 0) {
    if (ok) err = os_error();
    ::unlink(tmp_.c_str());
    tmp_.clear();
    throw Error(path_ + ": write failed: " + err);
  }
  tmp_.clear();
}

Output::~Output() {
  if (mapped_) ::munmap(mapped_, size_);
  if (fd_ >= 0) ::close(fd_);
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

}  // namespace apack::cli

#include "io.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>

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

// A temporary file beside `path`: readers never see a partial file, and a failure leaves the
// old file (if any) untouched.
int create_temp(const std::string& path, std::string& tmp) {
  tmp = path + ".tmp.XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) throw Error(path + ": cannot create: " + os_error());
  return fd;
}

// Closes the temporary file and renames it over `path`; `ok` false (with its error) or any
// failure here removes it and throws.
void commit_temp(int fd, const std::string& tmp, const std::string& path, bool ok,
                 std::string err) {
  ::fchmod(fd, 0644);
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = os_error();
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    throw Error(path + ": write failed: " + err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    err = os_error();
    ::unlink(tmp.c_str());
    throw Error(path + ": cannot replace: " + err);
  }
}

}  // namespace

void write_output(const std::string& path, const uint8_t* data, size_t size) {
  if (path == "-") {
    if (!write_all(1, data, size)) throw Error("standard output: write failed: " + os_error());
    return;
  }
  std::string tmp;
  const int fd = create_temp(path, tmp);
  const bool ok = pwrite_all(fd, data, size, 0);
  commit_temp(fd, tmp, path, ok, ok ? "" : os_error());
}

Output::Output(const std::string& path, size_t size) : path_(path), size_(size) {
  if (path == "-" || size == 0) {
    buffer_.resize(size);
    data_ = buffer_.data();
    return;
  }
  fd_ = create_temp(path, tmp_);
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
  if (mapped_) {
    ok = ::munmap(mapped_, size_) == 0;
    mapped_ = nullptr;
  } else {
    ok = pwrite_all(fd_, buffer_.data(), buffer_.size(), 0);
  }
  const int fd = fd_;
  fd_ = -1;
  std::string tmp;
  std::swap(tmp, tmp_);  // the destructor no longer owns the file: commit_temp decides
  commit_temp(fd, tmp, path_, ok, ok ? "" : os_error());
}

Output::~Output() {
  if (mapped_) ::munmap(mapped_, size_);
  if (fd_ >= 0) ::close(fd_);
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

}  // namespace apack::cli

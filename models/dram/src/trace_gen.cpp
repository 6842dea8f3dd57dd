#include "apack/dram/trace_gen.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

#include "apack/error.hpp"

namespace apack::dram {

const char* name(Pattern p) {
  switch (p) {
    case Pattern::Sequential:
      return "sequential";
    case Pattern::Strided:
      return "strided";
    case Pattern::Random:
      return "random";
  }
  return "?";
}

std::optional<Pattern> parse_pattern(std::string_view s) {
  for (Pattern p : {Pattern::Sequential, Pattern::Strided, Pattern::Random})
    if (s == name(p)) return p;
  return std::nullopt;
}

void validate(const GenOptions& o) {
  const std::string b = std::to_string(o.burst_bytes);
  if (o.burst_bytes == 0) throw Error("--burst-bytes: must be at least 1");
  if (o.base % o.burst_bytes != 0)
    throw Error("--base: " + std::to_string(o.base) + " is not a multiple of the burst (" + b +
                " bytes)");
  if (o.span == 0 || o.span % o.burst_bytes != 0)
    throw Error("--span: " + std::to_string(o.span) +
                " bytes is not a positive multiple of the burst (" + b + " bytes)");
  if (o.base > std::numeric_limits<uint64_t>::max() - (o.span - 1))
    throw Error("--base/--span: the range runs past the end of the 64-bit address space");
  if (!(o.write_fraction >= 0 && o.write_fraction <= 1))
    throw Error("--write-fraction: must be between 0 and 1");
  if (o.requests > 1 && o.spacing > std::numeric_limits<uint64_t>::max() / (o.requests - 1))
    throw Error("--spacing: the last request's cycle would not fit in 64 bits");
  if (o.stride != 0 && o.pattern != Pattern::Strided)
    throw Error("--stride: applies to --pattern strided only");
}

TraceGenerator::Rng::Rng(uint64_t seed) {
  // splitmix64 (Steele, Lea and Flood, 2014) spreads any seed, 0 included, over the state.
  for (uint64_t& v : s) {
    uint64_t z = (seed += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    v = z ^ (z >> 31);
  }
}

uint64_t TraceGenerator::Rng::next() {
  const auto rotl = [](uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
  const uint64_t result = rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

uint64_t TraceGenerator::Rng::below(uint64_t n) {
  // Lemire, "Fast random integer generation in an interval" (2019): the high half of a
  // 64 x 64-bit product, rejecting the few low halves that would bias it.
  unsigned __int128 m = (unsigned __int128)next() * n;
  uint64_t low = uint64_t(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = (unsigned __int128)next() * n;
      low = uint64_t(m);
    }
  }
  return uint64_t(m >> 64);
}

double TraceGenerator::Rng::unit() { return double(next() >> 11) * 0x1.0p-53; }

TraceGenerator::TraceGenerator(const GenOptions& options)
    : o_(options),
      name_(std::string("generated ") + dram::name(options.pattern) + " trace"),
      addresses_(options.seed),
      writes_(options.seed ^ 0x5752495445535eedull) {
  validate(o_);
  const uint64_t stride = o_.pattern == Pattern::Sequential ? o_.burst_bytes
                          : o_.stride != 0                  ? o_.stride
                                                            : o_.burst_bytes;
  step_ = stride % o_.span;
}

bool TraceGenerator::next(TraceLine& out) {
  if (index_ >= o_.requests) return false;
  out.line = 0;
  out.cycle = index_ * o_.spacing;
  out.data.clear();
  if (o_.pattern == Pattern::Random) {
    out.address = o_.base + addresses_.below(o_.span / o_.burst_bytes) * o_.burst_bytes;
  } else {
    out.address = o_.base + offset_;
    // offset_ + step_ may exceed 2^64 only if the span does; both are below the span.
    offset_ = offset_ >= o_.span - step_ ? offset_ - (o_.span - step_) : offset_ + step_;
  }
  // Drawn for every request, so the same seed gives the same reads/writes split whatever the
  // pattern.
  const double u = writes_.unit();
  out.write = u < o_.write_fraction;
  ++index_;
  return true;
}

double TraceGenerator::progress() const {
  return o_.requests == 0 ? 1.0 : double(index_) / double(o_.requests);
}

namespace {

// A file written through a temporary next to it and renamed into place by commit(); destroyed
// uncommitted, it removes the temporary.
class AtomicStream {
 public:
  explicit AtomicStream(const std::string& path) : path_(path), tmp_(path + ".tmp.XXXXXX") {
    fd_ = ::mkstemp(tmp_.data());
    if (fd_ < 0) throw Error(path_ + ": cannot create the file: " + std::strerror(errno));
    // mkstemp creates 0600; give the file the permissions a plain create would.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd_, 0666 & ~mask);
  }
  ~AtomicStream() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(tmp_.c_str());
  }
  AtomicStream(const AtomicStream&) = delete;
  AtomicStream& operator=(const AtomicStream&) = delete;

  void write(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw Error(path_ + ": cannot write the file: " + std::strerror(errno));
      }
      done += size_t(n);
    }
  }
  void commit() {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw Error(path_ + ": cannot write the file: " + std::strerror(errno));
    if (::rename(tmp_.c_str(), path_.c_str()) != 0)
      throw Error(path_ + ": cannot write the file: " + std::strerror(errno));
    committed_ = true;
  }

 private:
  std::string path_, tmp_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace

uint64_t write_trace_file(const std::string& path, TraceSource& source,
                          const std::string& header_comment) {
  AtomicStream file(path);
  std::string buffer;
  constexpr size_t kFlushBytes = 1 << 20;
  buffer.reserve(kFlushBytes + 256);
  size_t start = 0;
  while (start <= header_comment.size() && !header_comment.empty()) {
    const size_t nl = header_comment.find('\n', start);
    const size_t end = nl == std::string::npos ? header_comment.size() : nl;
    buffer += "# " + header_comment.substr(start, end - start) + "\n";
    start = end + 1;
  }
  uint64_t lines = 0;
  TraceLine line;
  while (source.next(line)) {
    append_trace_line(buffer, line);
    ++lines;
    if (buffer.size() >= kFlushBytes) {
      file.write(buffer);
      buffer.clear();
    }
  }
  file.write(buffer);
  file.commit();
  return lines;
}

}  // namespace apack::dram

#include "apack/dram/trace_file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <istream>
#include <sstream>
#include <string_view>
#include <system_error>

#include "apack/error.hpp"

namespace apack::dram {

namespace {

// Read in blocks this large: a few system calls per megabyte, and always room for one whole
// line of the longest accepted length. Small inputs (tests, fuzzing) start with a buffer of
// their size, grown when a line does not fit.
constexpr size_t kBufferBytes = 1 << 18;
constexpr size_t kMinBufferBytes = 256;
static_assert(kBufferBytes > 2 * TraceFileReader::kMaxLineChars, "a line must fit the buffer");

size_t initial_buffer(uint64_t size) {
  if (size == 0 || size >= kBufferBytes) return kBufferBytes;
  return std::max<size_t>(kMinBufferBytes, size_t(size) + 1);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// -1 for a character that is not a hex digit.
constexpr std::array<int8_t, 256> make_hex_table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = 0; c < 10; ++c) t[size_t('0' + c)] = int8_t(c);
  for (int c = 0; c < 6; ++c) {
    t[size_t('a' + c)] = int8_t(10 + c);
    t[size_t('A' + c)] = int8_t(10 + c);
  }
  return t;
}
constexpr std::array<int8_t, 256> kHex = make_hex_table();

// Shown in messages: a token, cut short when long, with control bytes escaped.
std::string quote(std::string_view s) {
  std::string out = "'";
  const size_t n = std::min<size_t>(s.size(), 40);
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += char(c);
    } else {
      static const char* const kDigits = "0123456789abcdef";
      out += "\\x";
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  if (s.size() > n) out += "...";
  return out + "'";
}

// One request line, parsed. `error` is set instead of throwing so the caller can add the file
// and line (and the hot path stays free of exception set-up).
struct Parsed {
  uint64_t cycle = 0;
  bool write = false;
  uint64_t address = 0;
  uint64_t length = 0;  // 0: no length field
  bool has_data = false;
  std::vector<uint8_t> data;
};

class LineParser {
 public:
  LineParser(const char* begin, const char* end, const TraceReaderOptions& o)
      : p_(begin), end_(end), options_(o) {}

  // False for a blank or comment line. Throws std::string (the problem) for a malformed one.
  bool parse(Parsed& out) {
    skip_space();
    if (p_ == end_ || *p_ == '#') return false;
    parse_cycle(out);
    skip_space();
    out.length = 0;
    if (p_ != end_ && *p_ == '(') parse_length(out);
    parse_command(out);
    parse_address(out);
    out.has_data = false;
    const bool gap = skip_space();
    if (p_ != end_ && *p_ != '#') {
      if (!gap) problem("expected whitespace after the address");
      parse_data(out);
      skip_space();
      if (p_ != end_ && *p_ != '#')
        problem("unexpected text " + quote(token()) + " after the data (a comment starts with #)");
    }
    if (out.length != 0 && out.address + (out.length - 1) < out.address)
      problem("the request of " + std::to_string(out.length) +
              " bytes runs past the end of the 64-bit address space");
    return true;
  }

 private:
  [[noreturn]] static void problem(std::string s) { throw s; }

  bool skip_space() {
    const char* start = p_;
    while (p_ != end_ && is_space(*p_)) ++p_;
    return p_ != start;
  }
  // The token at p_: up to the next whitespace.
  std::string_view token() const {
    const char* e = p_;
    while (e != end_ && !is_space(*e)) ++e;
    return {p_, size_t(e - p_)};
  }
  bool require_space(const char* after) {
    if (p_ == end_ || *p_ == '#') problem(std::string("the line ends after the ") + after);
    if (!skip_space()) problem(std::string("expected whitespace after the ") + after);
    if (p_ == end_ || *p_ == '#') problem(std::string("the line ends after the ") + after);
    return true;
  }

  // Decimal digits into `v`; `what` names the field in messages.
  void decimal(uint64_t& v, const char* what) {
    const auto r = std::from_chars(p_, end_, v, 10);
    if (r.ec == std::errc::result_out_of_range)
      problem(std::string(what) + " " + quote(digits(p_)) + " does not fit in 64 bits");
    if (r.ec != std::errc() || r.ptr == p_)
      problem(std::string("expected ") + what + " (a decimal number), found " + quote(token()));
    p_ = r.ptr;
  }
  std::string_view digits(const char* from) const {
    const char* e = from;
    while (e != end_ && *e >= '0' && *e <= '9') ++e;
    return {from, size_t(e - from)};
  }

  void parse_cycle(Parsed& out) {
    decimal(out.cycle, "a cycle");
    if (p_ == end_ || *p_ != ':')
      problem("expected ':' after the cycle " + std::to_string(out.cycle) + ", found " +
              (p_ == end_      ? std::string("the end of the line")
               : is_space(*p_) ? std::string("whitespace")
                               : quote(token())));
    ++p_;
  }

  void parse_length(Parsed& out) {
    ++p_;  // '('
    decimal(out.length, "a length in bytes");
    if (p_ == end_ || *p_ != ')') problem("expected ')' after the length " + quote(token()));
    ++p_;
    if (out.length == 0) problem("a request length of 0 bytes");
    if (out.length > options_.max_request_bytes)
      problem("the request length " + std::to_string(out.length) + " bytes exceeds the limit of " +
              std::to_string(options_.max_request_bytes));
    require_space("length");
  }

  void parse_command(Parsed& out) {
    const std::string_view t = token();
    if (t == "read") {
      out.write = false;
    } else if (t == "write") {
      out.write = true;
    } else {
      problem(t.empty() ? std::string("expected read or write, found the end of the line")
                        : "unknown command " + quote(t) + " (expected read or write)");
    }
    p_ += t.size();
    require_space("command");
  }

  // Skips an optional 0x or 0X.
  void hex_prefix() {
    if (end_ - p_ >= 2 && p_[0] == '0' && (p_[1] == 'x' || p_[1] == 'X')) p_ += 2;
  }

  void parse_address(Parsed& out) {
    const std::string_view t = token();
    hex_prefix();
    const auto r = std::from_chars(p_, end_, out.address, 16);
    if (r.ec == std::errc::result_out_of_range)
      problem("the address " + quote(t) + " does not fit in 64 bits");
    if (r.ec != std::errc() || r.ptr == p_ || (r.ptr != end_ && !is_space(*r.ptr) && *r.ptr != '#'))
      problem("bad hexadecimal address " + quote(t));
    p_ = r.ptr;
  }

  void parse_data(Parsed& out) {
    const std::string_view t = token();
    hex_prefix();
    const char* e = p_;
    while (e != end_ && !is_space(*e) && *e != '#') ++e;
    const size_t n = size_t(e - p_);
    for (const char* q = p_; q != e; ++q)
      if (kHex[static_cast<unsigned char>(*q)] < 0)
        problem("bad hexadecimal data " + quote(t) + ": " + quote({q, 1}) + " at character " +
                std::to_string(q - p_ + 1) + " of the digits");
    if (n == 0) problem("empty data field " + quote(t));
    if (n % 2 != 0)
      problem("the data has an odd number of hex digits (" + std::to_string(n) +
              "): each byte takes two");
    const uint64_t bytes = n / 2;
    if (bytes > options_.max_request_bytes)
      problem("the data has " + std::to_string(bytes) + " bytes, more than the limit of " +
              std::to_string(options_.max_request_bytes));
    if (out.length != 0 && bytes != out.length)
      problem("the data has " + std::to_string(bytes) + " bytes but the length field says " +
              std::to_string(out.length));
    out.has_data = true;
    out.data.resize(bytes);
    for (size_t i = 0; i < bytes; ++i)
      out.data[i] = uint8_t(kHex[static_cast<unsigned char>(p_[2 * i])] << 4 |
                            kHex[static_cast<unsigned char>(p_[2 * i + 1])]);
    p_ = e;
  }

  const char* p_;
  const char* end_;
  const TraceReaderOptions& options_;
};

std::string os_reason() { return std::strerror(errno); }

}  // namespace

// The request of the current line while it is handed out burst by burst.
struct TraceFileReader::Request {
  Parsed parsed;
  uint64_t line = 0;
  uint64_t next = 0;       // address of the next piece
  uint64_t remaining = 0;  // bytes still to hand out
  size_t data_offset = 0;
};

TraceFileReader::TraceFileReader(const std::string& path, TraceReaderOptions options)
    : in_(nullptr), name_(path), options_(options) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    throw Error(path + ": cannot open the trace: no such file");
  if (std::filesystem::is_directory(status))
    throw Error(path + ": cannot open the trace: it is a directory");
  owned_ = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!owned_->is_open()) throw Error(path + ": cannot open the trace: " + os_reason());
  in_ = owned_.get();
  if (std::filesystem::is_regular_file(status)) {
    size_ = std::filesystem::file_size(path, ec);
    if (ec) size_ = 0;
  }
  capacity_ = initial_buffer(size_);
  buffer_.reset(new char[capacity_]);
}

TraceFileReader::TraceFileReader(std::istream& in, std::string name, TraceReaderOptions options,
                                 uint64_t size)
    : in_(&in), name_(std::move(name)), options_(options), size_(size) {
  capacity_ = initial_buffer(size_);
  buffer_.reset(new char[capacity_]);
}

TraceFileReader::~TraceFileReader() = default;

void TraceFileReader::fail(const std::string& problem) const {
  throw FormatError(name_ + ":" + std::to_string(line_) + ": " + problem);
}

double TraceFileReader::progress() const {
  if (size_ == 0) return -1;
  return std::min(1.0, double(consumed_) / double(size_));
}

// The next line without its '\n', as [begin, end) inside buffer_ (valid until the next call).
bool TraceFileReader::read_line(const char*& begin, const char*& end) {
  for (;;) {
    const char* data = buffer_.get();
    if (begin_ < end_) {
      const void* nl = std::memchr(data + begin_, '\n', end_ - begin_);
      if (nl) {
        begin = data + begin_;
        end = static_cast<const char*>(nl);
        const size_t used = size_t(end - begin) + 1;
        begin_ += used;
        consumed_ += used;
        ++line_;
        if (size_t(end - begin) > kMaxLineChars)
          fail("the line is longer than " + std::to_string(kMaxLineChars) + " characters");
        return true;
      }
    }
    if (eof_) {
      if (begin_ == end_) return false;
      // The last line, without a line feed.
      begin = data + begin_;
      end = data + end_;
      consumed_ += end_ - begin_;
      begin_ = end_;
      ++line_;
      if (size_t(end - begin) > kMaxLineChars)
        fail("the line is longer than " + std::to_string(kMaxLineChars) + " characters");
      return true;
    }
    // No complete line buffered: keep the partial one and read more after it.
    if (end_ - begin_ > kMaxLineChars) {
      ++line_;
      fail("the line is longer than " + std::to_string(kMaxLineChars) + " characters");
    }
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    if (end_ == capacity_) {
      // A line longer than the buffer but within the limit: a larger buffer.
      const size_t grown = std::min(2 * capacity_, kBufferBytes);
      std::unique_ptr<char[]> b(new char[grown]);
      std::memcpy(b.get(), buffer_.get(), end_);
      buffer_ = std::move(b);
      capacity_ = grown;
    }
    in_->read(buffer_.get() + end_, std::streamsize(capacity_ - end_));
    const auto got = in_->gcount();
    if (in_->bad()) throw Error(name_ + ": cannot read the trace: " + os_reason());
    end_ += size_t(got);
    if (got == 0 || in_->eof()) eof_ = true;
  }
}

bool TraceFileReader::next(TraceLine& out) {
  if (!pending_) pending_ = std::make_unique<Request>();
  Request& r = *pending_;
  while (r.remaining == 0) {
    const char* begin = nullptr;
    const char* end = nullptr;
    if (!read_line(begin, end)) return false;
    try {
      if (!LineParser(begin, end, options_).parse(r.parsed)) continue;
    } catch (const std::string& problem) {
      fail(problem);
    }
    const Parsed& p = r.parsed;
    if (any_request_ && p.cycle < last_cycle_)
      fail("cycle " + std::to_string(p.cycle) + " is before the previous request's cycle " +
           std::to_string(last_cycle_) + " (cycles must not decrease)");
    any_request_ = true;
    last_cycle_ = p.cycle;
    r.line = line_;
    r.next = p.address;
    r.data_offset = 0;
    // Bytes the request covers: the length field, else the data's; neither: the burst holding
    // the address, one line as it stands.
    r.remaining = p.length ? p.length : p.has_data ? p.data.size() : 0;
    if (r.remaining == 0) {
      // A plain request: one line, no splitting.
      out.line = line_;
      out.cycle = p.cycle;
      out.write = p.write;
      out.address = p.address;
      out.data.clear();
      return true;
    }
  }
  // One piece: up to the end of the burst holding r.next (the whole rest without splitting).
  uint64_t piece = r.remaining;
  if (options_.burst_bytes != 0) {
    const uint64_t to_boundary = options_.burst_bytes - r.next % options_.burst_bytes;
    piece = std::min(piece, to_boundary);
  }
  const Parsed& p = r.parsed;
  out.line = r.line;
  out.cycle = p.cycle;
  out.write = p.write;
  out.address = r.next;
  if (p.has_data && p.write) {
    out.data.assign(p.data.begin() + std::ptrdiff_t(r.data_offset),
                    p.data.begin() + std::ptrdiff_t(r.data_offset + piece));
  } else {
    out.data.clear();
  }
  r.data_offset += size_t(piece);
  r.remaining -= piece;
  r.next += piece;
  return true;
}

std::vector<TraceLine> parse_trace(const std::string& text, const std::string& name,
                                   TraceReaderOptions options) {
  std::istringstream in(text);
  TraceFileReader reader(in, name, options, text.size());
  std::vector<TraceLine> out;
  TraceLine line;
  while (reader.next(line)) out.push_back(line);
  return out;
}

void append_trace_line(std::string& out, const TraceLine& line) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, line.cycle);
  out.append(buf, r.ptr);
  out += line.write ? ":\twrite\t0x" : ":\tread\t0x";
  r = std::to_chars(buf, buf + sizeof buf, line.address, 16);
  out.append(buf, r.ptr);
  if (!line.data.empty()) {
    static const char* const kDigits = "0123456789abcdef";
    out += "\t0x";
    for (uint8_t b : line.data) {
      out += kDigits[b >> 4];
      out += kDigits[b & 15];
    }
  }
  out += '\n';
}

}  // namespace apack::dram

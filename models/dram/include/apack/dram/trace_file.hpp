// Request traces in DRAMSys's text format (.stl), read as a stream so memory use does not grow
// with the trace: one request per line, "CYCLE:<tab>read|write<tab>0xADDRESS[<tab>0xDATA]",
// the cycle counted in the trace clock. Comment lines start with '#'. Errors name the file and
// the line. TraceSource is what a trace player consumes: a file reader, a generator, a test's
// vector.
//
// The accepted grammar (docs/dram-command.md), a superset of what DRAMSys 5's StlPlayer reads:
//   line    = ws* [ request ws* ] [ '#' any* ]          (blank and comment lines are skipped)
//   request = CYCLE ':' ws* [ '(' LENGTH ')' ws+ ] ('read' | 'write') ws+ ADDRESS [ ws+ DATA ]
//   CYCLE, LENGTH: decimal; ADDRESS, DATA: hexadecimal with an optional 0x; ws: space or tab
// (a CR before the line feed is whitespace too). DATA is the bytes in address order, two hex
// digits each; with a LENGTH it must hold exactly LENGTH bytes. Cycles never decrease.
#pragma once

#include <cstdint>
#include <fstream>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace apack::dram {

struct TraceLine {
  uint64_t line = 0;   // line number in the file (1-based), 0 when not from a file
  uint64_t cycle = 0;  // in the trace clock
  bool write = false;
  uint64_t address = 0;
  std::vector<uint8_t> data;  // empty when the line gives none (reads; writes without data)
};

class TraceSource {
 public:
  virtual ~TraceSource() = default;
  // The next request, in non-decreasing cycle order; false at the end. Throws
  // apack::FormatError naming the source and line for a malformed line.
  virtual bool next(TraceLine& out) = 0;
  // A name for messages (the file name).
  virtual const std::string& name() const = 0;
  // Progress, for long runs: how much of the source was consumed, as a fraction in [0, 1]
  // (negative when unknown).
  virtual double progress() const { return -1; }
};

struct TraceReaderOptions {
  // Bytes of one burst. A request longer than that (a "(LENGTH)" field or a long data field)
  // becomes one TraceLine per burst it touches, all at its cycle, each with its share of the
  // data, as DRAMSys's length converter splits it. 0: never split (the length only checks the
  // data).
  uint32_t burst_bytes = 0;
  // The longest request accepted, bytes (a LENGTH or a data field beyond it is an error).
  uint32_t max_request_bytes = 4096;
};

// Reads a trace file (or any stream) line by line through a fixed buffer: memory does not
// depend on the number of lines, and a line longer than kMaxLineChars is an error rather than
// an allocation. A read's data field is checked and dropped (DRAMSys ignores it too).
class TraceFileReader : public TraceSource {
 public:
  static constexpr size_t kMaxLineChars = 65536;

  // Throws apack::Error naming `path` when it cannot be opened or is not a regular file.
  explicit TraceFileReader(const std::string& path, TraceReaderOptions options = {});
  // Reads `in` (not owned; it must outlive the reader). `size` in bytes, for progress() (0:
  // unknown).
  TraceFileReader(std::istream& in, std::string name, TraceReaderOptions options = {},
                  uint64_t size = 0);
  ~TraceFileReader() override;
  TraceFileReader(const TraceFileReader&) = delete;
  TraceFileReader& operator=(const TraceFileReader&) = delete;

  bool next(TraceLine& out) override;
  const std::string& name() const override { return name_; }
  double progress() const override;

  uint64_t line_number() const { return line_; }  // lines read so far
  uint64_t bytes_consumed() const { return consumed_; }

 private:
  struct Request;
  bool read_line(const char*& begin, const char*& end);
  [[noreturn]] void fail(const std::string& problem) const;

  std::unique_ptr<std::ifstream> owned_;
  std::istream* in_;
  std::string name_;
  TraceReaderOptions options_;
  uint64_t size_ = 0;
  // Grows from a size fitting a small input up to a fixed limit, never with the trace.
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  size_t begin_ = 0, end_ = 0;  // unread bytes of buffer_
  bool eof_ = false;
  uint64_t consumed_ = 0;
  uint64_t line_ = 0;
  bool any_request_ = false;
  uint64_t last_cycle_ = 0;
  std::unique_ptr<Request> pending_;  // the request being split into bursts
};

// Every request of an in-memory trace (tests, the fuzz target). `name` names it in errors.
std::vector<TraceLine> parse_trace(const std::string& text, const std::string& name,
                                   TraceReaderOptions options = {});

// Appends one line in the format above, ending in '\n': "CYCLE:\tread\t0xADDRESS" and, when
// the line has data, "\t0xDATA". Reading it back gives the same TraceLine (line number aside).
void append_trace_line(std::string& out, const TraceLine& line);

}  // namespace apack::dram

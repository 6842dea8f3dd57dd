// Request traces: the .stl grammar (DRAMSys's lines, comments, CRLF, data, length fields and
// their split into bursts), every error with its file and line, the reader on files (missing,
// progress, long traces), the writer's round trip, and the generator's patterns, determinism
// and atomic output.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "apack/dram/trace_file.hpp"
#include "apack/dram/trace_gen.hpp"
#include "apack/error.hpp"

using namespace apack::dram;
using Catch::Contains;
using Catch::StartsWith;
namespace fs = std::filesystem;

namespace {

// The message of the FormatError parsing `text` throws ("" if it does not throw).
std::string error_of(const std::string& text, TraceReaderOptions o = {}) {
  try {
    parse_trace(text, "t.stl", o);
  } catch (const apack::FormatError& e) {
    return e.what();
  }
  return "";
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "apack-trace-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  REQUIRE(f.good());
}

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::vector<TraceLine> all_of(TraceSource& s) {
  std::vector<TraceLine> v;
  TraceLine l;
  while (s.next(l)) v.push_back(l);
  return v;
}

bool same(const TraceLine& a, const TraceLine& b) {
  return a.cycle == b.cycle && a.write == b.write && a.address == b.address && a.data == b.data;
}

}  // namespace

TEST_CASE("trace: DRAMSys lines with tabs or spaces, comments, blank lines and CRLF",
          "[dram][trace]") {
  const std::string text =
      "# a DRAMSys trace\n"
      "0:\twrite\t0x00000000\n"
      "\n"
      "1:\tread\t0x08000000  \n"    // trailing spaces (DRAMSys's ranktest.stl has them)
      "15: write   0x78000000\r\n"  // spaces, CRLF
      "   # indented comment\r\n"
      "\t\r\n"
      "16:read 0XAbCdEf # trailing comment\n"
      "16:\tread\t40\n"                             // no 0x
      "1000000000000:\twrite\t0xffffffffffffffff";  // last line without a line feed
  const auto v = parse_trace(text, "t.stl");
  REQUIRE(v.size() == 6);
  CHECK(v[0].line == 2);
  CHECK(v[0].cycle == 0);
  CHECK(v[0].write);
  CHECK(v[0].address == 0);
  CHECK(v[1].line == 4);
  CHECK(!v[1].write);
  CHECK(v[1].address == 0x08000000);
  CHECK(v[2].line == 5);
  CHECK(v[2].cycle == 15);
  CHECK(v[2].address == 0x78000000);
  CHECK(v[3].line == 8);
  CHECK(v[3].address == 0xabcdef);
  CHECK(v[4].address == 0x40);
  CHECK(v[5].line == 10);
  CHECK(v[5].cycle == 1000000000000ull);
  CHECK(v[5].address == 0xffffffffffffffffull);
  for (const auto& l : v) CHECK(l.data.empty());
  CHECK(parse_trace("", "empty.stl").empty());
  CHECK(parse_trace("# only\n\n   \n", "c.stl").empty());
}

TEST_CASE("trace: data fields, in address order; a read's data is checked and dropped",
          "[dram][trace]") {
  const auto v = parse_trace(
      "56:\twrite\t0x7fff8000\t0x0123456789ABCDEF\n"
      "57:\twrite\t0x100\t00ff\n"
      "58:\tread\t0x200\t0xdead\n",
      "d.stl");
  REQUIRE(v.size() == 3);
  CHECK(v[0].data == std::vector<uint8_t>{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef});
  CHECK(v[1].data == std::vector<uint8_t>{0x00, 0xff});
  CHECK(v[2].data.empty());
}

TEST_CASE("trace: a length field splits a request into the bursts it touches", "[dram][trace]") {
  TraceReaderOptions o;
  o.burst_bytes = 64;
  SECTION("aligned read of two bursts") {
    const auto v = parse_trace("81:\t(128)\tread\t0x400180\n", "l.stl", o);
    REQUIRE(v.size() == 2);
    CHECK(v[0].address == 0x400180);
    CHECK(v[1].address == 0x4001c0);
    for (const auto& l : v) {
      CHECK(l.cycle == 81);
      CHECK(l.line == 1);
      CHECK(!l.write);
    }
  }
  SECTION("unaligned write with data: three pieces with their bytes") {
    std::string hex;
    for (int i = 0; i < 128; ++i) {
      char b[3];
      std::snprintf(b, sizeof b, "%02x", i);
      hex += b;
    }
    const auto v = parse_trace("5: (128) write 0x20 0x" + hex + "\n", "l.stl", o);
    REQUIRE(v.size() == 3);
    CHECK(v[0].address == 0x20);
    CHECK(v[0].data.size() == 32);
    CHECK(v[1].address == 0x40);
    CHECK(v[1].data.size() == 64);
    CHECK(v[2].address == 0x80);
    CHECK(v[2].data.size() == 32);
    CHECK(v[0].data[0] == 0);
    CHECK(v[1].data[0] == 32);
    CHECK(v[2].data[31] == 127);
  }
  SECTION("a data field without a length gives the length") {
    const auto v = parse_trace("5: write 0x3c 0x0102030405060708\n", "l.stl", o);
    REQUIRE(v.size() == 2);
    CHECK(v[0].address == 0x3c);
    CHECK(v[0].data == std::vector<uint8_t>{1, 2, 3, 4});
    CHECK(v[1].address == 0x40);
    CHECK(v[1].data == std::vector<uint8_t>{5, 6, 7, 8});
  }
  SECTION("one burst or less stays one line") {
    const auto v = parse_trace("5: (64) read 0x40\n6: (16) read 0x10\n7: read 0x3f\n", "l.stl", o);
    REQUIRE(v.size() == 3);
    CHECK(v[0].address == 0x40);
    CHECK(v[1].address == 0x10);
  }
  SECTION("without a burst size nothing is split") {
    const auto v = parse_trace("5: (128) read 0x20\n", "l.stl");
    REQUIRE(v.size() == 1);
    CHECK(v[0].address == 0x20);
  }
}

TEST_CASE("trace: every malformed line is an error naming the file and the line", "[dram][trace]") {
  const std::string ok = "# header\n1:\tread\t0x0\n";  // the bad line is line 3
  struct Case {
    const char* line;
    const char* problem;
  };
  const Case cases[] = {
      {"5\tread\t0x0", "expected ':' after the cycle 5"},
      {"5 :\tread\t0x0", "expected ':' after the cycle 5"},
      {"abc:\tread\t0x0", "expected a cycle (a decimal number), found 'abc:'"},
      {"-5:\tread\t0x0", "expected a cycle"},
      {"99999999999999999999:\tread\t0x0", "a cycle '99999999999999999999' does not fit in 64"},
      {"5:\tfetch\t0x0", "unknown command 'fetch' (expected read or write)"},
      {"5:\tREAD\t0x0", "unknown command 'READ'"},
      {"5:", "expected read or write, found the end of the line"},
      {"5:\tread", "the line ends after the command"},
      {"5:\tread\t# no address", "the line ends after the command"},
      {"5:\tread\t0xZZ", "bad hexadecimal address '0xZZ'"},
      {"5:\tread\t0x12g4", "bad hexadecimal address '0x12g4'"},
      {"5:\tread\t0x", "bad hexadecimal address '0x'"},
      {"5:\tread\t0x1ffffffffffffffff", "the address '0x1ffffffffffffffff' does not fit in 64"},
      {"5:\twrite\t0x0\t0xabc", "odd number of hex digits (3)"},
      {"5:\twrite\t0x0\t0xab\\x", "bad hexadecimal data"},
      {"5:\twrite\t0x0\t0x", "empty data field"},
      {"5:\twrite\t0x0\t0xaa\textra", "unexpected text 'extra' after the data"},
      {"5:\t(4)\twrite\t0x0\t0xaabbcc", "the data has 3 bytes but the length field says 4"},
      {"5:\t(0)\tread\t0x0", "a request length of 0 bytes"},
      {"5:\t(8193)\tread\t0x0", "the request length 8193 bytes exceeds the limit of 4096"},
      {"5:\t(64\tread\t0x0", "expected ')' after the length"},
      {"5:\t()\tread\t0x0", "expected a length in bytes"},
      {"5:\t(64)read\t0x0", "expected whitespace after the length"},
      {"5:\t(128)\tread\t0xffffffffffffffc0", "runs past the end of the 64-bit address space"},
      {"0:\tread\t0x0", "cycle 0 is before the previous request's cycle 1"},
      {"5:\tread\t0x0\t0x00\t0x0", "unexpected text '0x0' after the data"},
  };
  for (const auto& c : cases) {
    INFO(c.line);
    const std::string msg = error_of(ok + c.line + "\n2:\tread\t0x40\n");
    CHECK_THAT(msg, StartsWith("t.stl:3: ") && Contains(c.problem));
  }
  // Over-long data, and the limit being an option.
  const std::string big = "5:\twrite\t0x0\t0x" + std::string(2 * 4097, 'a');
  CHECK_THAT(error_of(ok + big),
             StartsWith("t.stl:3: ") && Contains("the data has 4097 bytes, more than the limit"));
  TraceReaderOptions small;
  small.max_request_bytes = 64;
  CHECK_THAT(error_of("1: (65) read 0x0\n", small), Contains("exceeds the limit of 64"));
  // A NUL byte and other control characters are reported escaped.
  CHECK_THAT(error_of(ok + std::string("5:\tread\t0x0\0\n", 13)),
             StartsWith("t.stl:3: ") && Contains("bad hexadecimal address '0x0\\x00'"));
  CHECK_THAT(error_of(std::string("1: re\x01"
                                  "ad 0x0\n")),
             Contains("'re\\x01ad'"));
}

TEST_CASE("trace: a line longer than the limit is an error, not an allocation", "[dram][trace]") {
  const std::string longline = "1:\tread\t0x0\t# " + std::string(70000, 'x') + "\n";
  CHECK_THAT(error_of("0: read 0x0\n" + longline),
             StartsWith("t.stl:2: ") && Contains("longer than 65536 characters"));
  // The same without a final line feed.
  CHECK_THAT(error_of(longline.substr(0, longline.size() - 1)),
             StartsWith("t.stl:1: ") && Contains("longer than"));
  // Lines just under the limit read fine, also across buffer refills.
  std::string text;
  for (int i = 0; i < 12; ++i)
    text += std::to_string(i) + ":\tread\t0x" + std::to_string(i) + "\t# " +
            std::string(60000, 'y') + "\n";
  const auto v = parse_trace(text, "t.stl");
  REQUIRE(v.size() == 12);
  CHECK(v[11].address == 0x11);
  CHECK(v[11].line == 12);
  // A stream claiming to be smaller than it is: the buffer, sized for the claim, grows.
  std::istringstream in(text);
  TraceFileReader r(in, "small-claim.stl", {}, 10);
  TraceLine l;
  uint64_t n = 0;
  while (r.next(l)) CHECK(l.address == std::stoull(std::to_string(n++), nullptr, 16));
  CHECK(n == 12);
  CHECK(r.progress() == 1.0);  // capped at 1
}

TEST_CASE("trace: reading files, progress, errors naming the path", "[dram][trace]") {
  TempDir dir;
  CHECK_THROWS_WITH(TraceFileReader(dir.file("missing.stl")),
                    Contains("missing.stl: cannot open the trace"));
  CHECK_THROWS_WITH(TraceFileReader(dir.path.string()), Contains("is a directory"));

  // A trace of 300 000 lines (several buffer refills): every line, in order, progress rising
  // to 1.
  const std::string path = dir.file("long.stl");
  GenOptions g;
  g.requests = 300000;
  g.write_fraction = 0.25;
  TraceGenerator gen(g);
  CHECK(write_trace_file(path, gen, "generated for a test") == 300000);
  TraceFileReader r(path);
  CHECK(r.name() == path);
  CHECK(r.progress() == 0.0);
  TraceLine l;
  uint64_t n = 0, writes = 0;
  double last = 0;
  bool monotone = true;
  while (r.next(l)) {
    if (l.address != n * 64 || l.cycle != n || l.line != n + 2) {
      FAIL("line " << l.line << ": cycle " << l.cycle << " address " << l.address);
    }
    writes += l.write;
    monotone = monotone && r.progress() >= last;
    last = r.progress();
    ++n;
  }
  CHECK(n == 300000);
  CHECK(monotone);
  CHECK(r.progress() == 1.0);
  CHECK(writes > 70000);
  CHECK(writes < 80000);
  CHECK(!r.next(l));

  // Errors from a file carry its path.
  const std::string bad = dir.file("bad.stl");
  write_text(bad, "0:\tread\t0x0\n1:\tjump\t0x0\n");
  TraceFileReader rb(bad);
  CHECK(rb.next(l));
  CHECK_THROWS_WITH(rb.next(l), StartsWith(bad + ":2: unknown command 'jump'"));
}

TEST_CASE("trace: append_trace_line round-trips through the reader", "[dram][trace]") {
  std::vector<TraceLine> lines(4);
  lines[0] = {0, 0, false, 0, {}};
  lines[1] = {0, 7, true, 0x1234abcd, {}};
  lines[2] = {0, 7, true, 0xffffffffffffffc0ull, {0x00, 0x7f, 0x80, 0xff}};
  lines[3] = {0, ~0ull, false, 64, {}};
  std::string text;
  for (const auto& l : lines) append_trace_line(text, l);
  CHECK(text.substr(0, 11) == "0:\tread\t0x0");
  CHECK_THAT(text, Contains("7:\twrite\t0xffffffffffffffc0\t0x007f80ff\n"));
  const auto back = parse_trace(text, "rt.stl");
  REQUIRE(back.size() == lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    CHECK(same(back[i], lines[i]));
    CHECK(back[i].line == i + 1);
  }
}

TEST_CASE("gen: sequential, strided and random addresses", "[dram][trace][gen]") {
  GenOptions o;
  o.requests = 10;
  o.burst_bytes = 64;
  o.base = 0x1000;
  o.span = 256;  // four bursts, then wrap
  o.spacing = 3;
  SECTION("sequential wraps inside the span") {
    TraceGenerator g(o);
    const auto v = all_of(g);
    REQUIRE(v.size() == 10);
    const uint64_t expect[] = {0x1000, 0x1040, 0x1080, 0x10c0, 0x1000, 0x1040};
    for (size_t i = 0; i < 6; ++i) CHECK(v[i].address == expect[i]);
    for (size_t i = 0; i < v.size(); ++i) {
      CHECK(v[i].cycle == 3 * i);
      CHECK(!v[i].write);
      CHECK(v[i].data.empty());
    }
    CHECK(g.progress() == 1.0);
  }
  SECTION("strided, with a stride that does not divide the span") {
    o.pattern = Pattern::Strided;
    o.stride = 96;
    TraceGenerator g(o);
    const auto v = all_of(g);
    const uint64_t expect[] = {0x1000, 0x1060, 0x10c0, 0x1020, 0x1080, 0x10e0, 0x1040};
    for (size_t i = 0; i < 7; ++i) CHECK(v[i].address == expect[i]);
  }
  SECTION("random: burst-aligned, inside the span, covering it") {
    o.pattern = Pattern::Random;
    o.requests = 2000;
    o.span = 64 * 64;
    TraceGenerator g(o);
    std::set<uint64_t> seen;
    for (const auto& l : all_of(g)) {
      CHECK(l.address % 64 == 0);
      CHECK(l.address >= o.base);
      CHECK(l.address < o.base + o.span);
      seen.insert(l.address);
    }
    CHECK(seen.size() == 64);  // 2000 draws miss one of 64 slots with probability ~6e-12
  }
  SECTION("spacing 0 puts every request at cycle 0") {
    o.spacing = 0;
    TraceGenerator g(o);
    for (const auto& l : all_of(g)) CHECK(l.cycle == 0);
  }
}

TEST_CASE("gen: deterministic for a seed, matching a reference implementation",
          "[dram][trace][gen]") {
  GenOptions o;
  o.pattern = Pattern::Random;
  o.requests = 1000;
  o.seed = 42;
  o.base = 0x1000;
  o.write_fraction = 0.5;
  TraceGenerator a(o), b(o);
  const auto va = all_of(a), vb = all_of(b);
  for (size_t i = 0; i < va.size(); ++i) REQUIRE(same(va[i], vb[i]));
  // xoshiro256** seeded by splitmix64, Lemire's bounded draw: the first addresses and write
  // decisions as computed by an independent Python implementation of the same algorithms.
  const uint64_t addr[] = {0x55e12c0, 0x18414640, 0x2b85e4c0, 0x3b2e3b40, 0x3f79c700};
  const bool writes[] = {false, false, true, false, true, false, false, true};
  for (size_t i = 0; i < 5; ++i) CHECK(va[i].address == addr[i]);
  for (size_t i = 0; i < 8; ++i) CHECK(va[i].write == writes[i]);

  o.seed = 43;
  TraceGenerator c(o);
  const auto vc = all_of(c);
  size_t differ = 0;
  for (size_t i = 0; i < vc.size(); ++i) differ += vc[i].address != va[i].address;
  CHECK(differ > 990);

  // The addresses do not depend on the write fraction; the fraction is honoured.
  o.seed = 42;
  o.write_fraction = 0.0;
  TraceGenerator d(o);
  const auto vd = all_of(d);
  size_t w = 0;
  for (size_t i = 0; i < vd.size(); ++i) {
    CHECK(vd[i].address == va[i].address);
    w += vd[i].write;
  }
  CHECK(w == 0);
  o.write_fraction = 1.0;
  TraceGenerator e(o);
  for (const auto& l : all_of(e)) CHECK(l.write);
  o.write_fraction = 0.3;
  o.requests = 20000;
  TraceGenerator f(o);
  size_t wf = 0;
  for (const auto& l : all_of(f)) wf += l.write;
  CHECK(wf > 5700);  // 6000 +- 5 sigma (sigma = 65)
  CHECK(wf < 6300);
}

TEST_CASE("gen: options that cannot make a trace are refused naming the option",
          "[dram][trace][gen]") {
  GenOptions o;
  o.requests = 4;
  auto err = [](GenOptions x) {
    try {
      validate(x);
    } catch (const apack::Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(err(o).empty());
  GenOptions x = o;
  x.base = 32;
  CHECK_THAT(err(x), StartsWith("--base: 32 is not a multiple of the burst (64 bytes)"));
  x = o;
  x.span = 100;
  CHECK_THAT(err(x), StartsWith("--span: 100 bytes"));
  x = o;
  x.span = 0;
  CHECK_THAT(err(x), StartsWith("--span"));
  x = o;
  x.base = ~0ull - 63;
  CHECK_THAT(err(x), StartsWith("--base/--span"));
  x = o;
  x.write_fraction = 1.5;
  CHECK_THAT(err(x), StartsWith("--write-fraction"));
  x = o;
  x.spacing = ~0ull / 2;
  CHECK_THAT(err(x), StartsWith("--spacing"));
  x = o;
  x.stride = 128;
  CHECK_THAT(err(x), StartsWith("--stride: applies to --pattern strided"));
  x = o;
  x.burst_bytes = 0;
  CHECK_THAT(err(x), StartsWith("--burst-bytes"));
  CHECK(parse_pattern("random") == Pattern::Random);
  CHECK(!parse_pattern("zigzag"));
}

namespace {
// A source that fails after some lines, as a disk or a broken generator might.
struct FailingSource : TraceSource {
  std::string n = "failing";
  uint64_t left;
  explicit FailingSource(uint64_t k) : left(k) {}
  bool next(TraceLine& out) override {
    if (left-- == 0) throw apack::Error("source broke");
    out = TraceLine{};
    return true;
  }
  const std::string& name() const override { return n; }
};
}  // namespace

TEST_CASE("gen: the trace file is replaced only when complete", "[dram][trace][gen]") {
  TempDir dir;
  const std::string path = dir.file("t.stl");
  write_text(path, "old contents\n");
  FailingSource broken(100000);  // more than one flush of the write buffer
  CHECK_THROWS_WITH(write_trace_file(path, broken), Contains("source broke"));
  CHECK(read_text(path) == "old contents\n");
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) ==
        1);  // no temporary left behind
  CHECK_THROWS_WITH(write_trace_file(dir.file("no/such/dir/t.stl"), broken),
                    Contains("no/such/dir/t.stl: cannot create the file"));

  GenOptions o;
  o.requests = 3;
  o.write_fraction = 1;
  TraceGenerator g(o);
  CHECK(write_trace_file(path, g, "line one\nline two") == 3);
  CHECK(read_text(path) ==
        "# line one\n# line two\n0:\twrite\t0x0\n1:\twrite\t0x40\n2:\twrite\t0x80\n");
}

// Parsing cost per line on a sequential trace (run with: dram_tests "[.bench]").
TEST_CASE("trace: parse speed", "[.bench][dram][trace]") {
  GenOptions o;
  o.requests = 2000000;
  TraceGenerator g(o);
  std::string text;
  TraceLine l;
  while (g.next(l)) append_trace_line(text, l);
  std::istringstream in(text);
  TraceFileReader r(in, "bench", {}, text.size());
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t n = 0;
  while (r.next(l)) ++n;
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  WARN("parsed " << n << " lines in " << s << " s: " << s / double(n) * 1e9 << " ns/line");
  CHECK(n == o.requests);
}

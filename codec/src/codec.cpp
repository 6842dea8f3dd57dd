// Tensor-level compress/decompress: value map, table search, coding counts, then chunks coded
// independently on several threads, and the container around them.
#include "apack/codec.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <thread>

#include "apack/container.hpp"
#include "apack/crc32c.hpp"
#include "apack/error.hpp"
#include "apack/parallel.hpp"

namespace apack {

unsigned resolve_threads(unsigned requested) {
  if (requested > 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : hw;
}

namespace {

// Table, counts and predicted size for one map, from that map's histogram.
TablePlan plan_for(const Histogram& h, const EncodeOptions& o, ValueMap map) {
  TablePlan p;
  p.map = map;
  p.table = search_table(h, o.bits, o.search);
  p.report = describe_table(p.table, h);
  std::array<uint64_t, kRows> c{};
  for (int i = 0; i < kRows; ++i) c[i] = p.report.rows[i].vcnt;
  p.q = coding_counts(c);
  for (int i = 0; i < kRows; ++i)
    if (c[i] > 0)
      p.predicted_bits +=
          double(c[i]) * (kCountShift - std::log2(double(p.q[i]))) + double(p.report.rows[i].obits);
  return p;
}

// The zigzag histogram is the raw one with its codes permuted: no second pass over the data.
Histogram zigzag_histogram(const Histogram& raw, int bits) {
  const uint32_t m = uint32_t(1) << bits, sign = m >> 1;
  Histogram zz(m, 0);
  for (uint32_t c = 0; c < m; ++c) {
    const int v = int(c ^ sign) - int(sign);  // the signed value of raw code c
    zz[((unsigned(v) << 1) ^ unsigned(v >> 31)) & (m - 1)] = raw[c];
  }
  return zz;
}

}  // namespace

TablePlan plan_table(const Tensor& t, const EncodeOptions& o, const std::string& what) {
  if (o.bits < 2 || o.bits > 8)
    throw Error(what + ": --bits must be between 2 and 8, got " + std::to_string(o.bits));
  if (o.chunk == 0) throw Error(what + ": the chunk size must be at least 1 value");
  uint64_t n = 1;
  for (auto d : t.shape) n *= d;
  if (n != t.data.size())
    throw Error(what + ": shape holds " + std::to_string(n) + " values but the data has " +
                std::to_string(t.data.size()));
  if (o.map == MapChoice::zigzag && !t.is_signed)
    throw Error(what + ": the zigzag map applies to signed (int8) data only");

  const ElementFormat f{t.is_signed, o.bits};
  check_values(t.data.data(), t.data.size(), f, what);
  // The raw codes' histogram, from a histogram of the bytes through the raw code map.
  const Histogram bytes = make_histogram(t.data.data(), t.data.size(), 8);
  const CodeMap raw_map = make_code_map(f, ValueMap::raw, what);
  Histogram raw(size_t(1) << o.bits, 0);
  for (unsigned b = 0; b < 256; ++b) raw[raw_map.code_of_byte[b]] += bytes[b];

  // `auto` keeps the map whose coded size is smaller. The arithmetic coder spends within a few
  // bits per chunk of -log2(q/1024) per value, so the prediction ranks the maps as full coding
  // would, at the cost of a second table search instead of a second encode.
  if (o.map == MapChoice::raw || !t.is_signed) return plan_for(raw, o, ValueMap::raw);
  const TablePlan z = plan_for(zigzag_histogram(raw, o.bits), o, ValueMap::zigzag);
  if (o.map == MapChoice::zigzag) return z;
  const TablePlan r = plan_for(raw, o, ValueMap::raw);
  return z.predicted_bits < r.predicted_bits ? z : r;
}

namespace {

// A thread costs more to start than a few chunks take to code: at least four chunks each.
unsigned useful_threads(unsigned requested, size_t chunks) {
  const size_t groups = (chunks + 3) / 4;
  return unsigned(std::max<size_t>(1, std::min<size_t>(resolve_threads(requested), groups)));
}

}  // namespace

EncodeResult compress(const Tensor& t, const EncodeOptions& o, const std::string& what) {
  const TablePlan plan = plan_table(t, o, what);
  const uint64_t n = t.data.size();
  const CodeMap map = make_code_map({t.is_signed, o.bits}, plan.map, what);
  const CodingModel model(plan.table, plan.q, &map);
  const size_t nchunks = n == 0 ? 0 : size_t((n - 1) / o.chunk + 1);
  std::vector<CodedChunk> coded(nchunks);
  std::vector<EncodeJob> jobs(nchunks);
  for (size_t c = 0; c < nchunks; ++c) {
    const uint64_t first = uint64_t(c) * o.chunk;
    jobs[c] = {t.data.data() + first, size_t(std::min<uint64_t>(o.chunk, n - first)), &coded[c]};
  }
  detail::parallel_ranges(
      nchunks, useful_threads(o.threads, nchunks),
      [&](size_t begin, size_t end) { encode_chunks(model, jobs.data() + begin, end - begin); });
  std::vector<std::vector<uint8_t>> prefix(nchunks), offset(nchunks);
  uint64_t prefix_bits = 0, offset_bits = 0;
  for (size_t c = 0; c < nchunks; ++c) {
    prefix[c] = std::move(coded[c].prefix);
    offset[c] = std::move(coded[c].offset);
    prefix_bits += coded[c].prefix_bits;
    offset_bits += coded[c].offset_bits;
  }

  ContainerHeader h;
  h.format = {t.is_signed, o.bits};
  h.map = plan.map;
  h.search = o.search;
  h.shape = t.shape;
  h.n = n;
  h.chunk = o.chunk;
  h.npy_header = t.npy_header;
  h.table = plan.table;
  h.q = plan.q;
  h.data_crc = crc32c(0, t.data.data(), t.data.size());

  EncodeResult r;
  r.container = write_container(h, prefix, offset);
  r.table = plan.table;
  r.map = plan.map;
  r.q = plan.q;
  r.report = plan.report;
  r.chunks = nchunks;
  r.prefix_bits = prefix_bits;
  r.offset_bits = offset_bits;
  return r;
}

void decompress_into(const uint8_t* bytes, const ContainerHeader& h, const DecodeOptions& o,
                     uint8_t* out, const std::string& what) {
  const CodeMap map = make_code_map(h.format, h.map, what);
  const CodingModel model(h.table, h.q, &map);
  std::vector<DecodeJob> jobs(h.chunks.size());
  for (size_t c = 0; c < jobs.size(); ++c) {
    const ChunkRef& r = h.chunks[c];
    jobs[c] = {bytes + r.prefix_pos,  size_t(r.prefix_size), bytes + r.offset_pos,
               size_t(r.offset_size), out + r.first_value,   size_t(r.values)};
  }
  // Each thread checksums the values it decoded while they are still in its caches; the
  // slices' checksums combine into the whole array's.
  struct Slice {
    uint64_t begin, length;
    uint32_t crc;
  };
  std::vector<Slice> slices;
  std::mutex slices_mutex;
  detail::parallel_ranges(
      jobs.size(), useful_threads(o.threads, jobs.size()), [&](size_t begin, size_t end) {
        try {
          decode_chunks(model, jobs.data() + begin, end - begin);
        } catch (const ChunkError& e) {
          throw FormatError(what + ": chunk " + std::to_string(begin + e.job) + ": " + e.what());
        }
        if (begin == end) return;
        const uint64_t first = h.chunks[begin].first_value;
        const uint64_t last = h.chunks[end - 1].first_value + h.chunks[end - 1].values;
        const uint32_t crc = crc32c(0, out + first, size_t(last - first));
        std::lock_guard<std::mutex> lock(slices_mutex);
        slices.push_back({first, last - first, crc});
      });
  std::sort(slices.begin(), slices.end(),
            [](const Slice& a, const Slice& b) { return a.begin < b.begin; });
  uint32_t crc = slices.empty() ? crc32c(0, nullptr, 0) : slices[0].crc;
  for (size_t i = 1; i < slices.size(); ++i)
    crc = crc32c_combine(crc, slices[i].crc, slices[i].length);
  if (crc != h.data_crc)
    throw FormatError(what + ": the decoded values do not match the stored checksum");
}

ContainerHeader open_container(const uint8_t* bytes, size_t size, const DecodeOptions& o,
                               const std::string& what) {
  ContainerHeader h = read_container(bytes, size, what, o.check_crc, resolve_threads(o.threads));
  if (h.n > o.max_values)
    throw FormatError(what + ": the container holds " + std::to_string(h.n) +
                      " values, more than the limit of " + std::to_string(o.max_values));
  return h;
}

Tensor decompress(const uint8_t* bytes, size_t size, const DecodeOptions& o,
                  const std::string& what) {
  const ContainerHeader h = open_container(bytes, size, o, what);
  Tensor t;
  t.is_signed = h.format.is_signed;
  t.shape = h.shape;
  t.npy_header = h.npy_header;
  t.data.resize(size_t(h.n));
  decompress_into(bytes, h, o, t.data.data(), what);
  return t;
}

}  // namespace apack

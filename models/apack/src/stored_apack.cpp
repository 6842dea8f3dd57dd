// APack stored form: a container of the codec library (docs/container-format.md) whose table is
// either the tensor's own (oracle) or one computed from a calibration profile. The codec's
// compress() always searches the tensor's own table, so a profile table is coded here from the
// library's public pieces: the coding model, the chunk coder and the container writer.
#include <algorithm>
#include <cmath>

#include "apack/chunk_coder.hpp"
#include "apack/container.hpp"
#include "apack/crc32c.hpp"
#include "apack/error.hpp"
#include "apack/parallel.hpp"
#include "stored_detail.hpp"

namespace apack::pipeline::detail {

namespace {

struct Plan {
  ValueMap map = ValueMap::raw;
  Table table;
  Counts q{};
  double predicted_bits = 0;  // on the calibration data
};

// A table and counts from a calibration histogram of codes. Calibration data need not contain
// every code a later tensor holds, and a row with q = 0 cannot code a value (its interval is
// empty), so every row of non-zero width counts at least once: q >= 1 wherever a value can fall.
// Rows the calibration did hit keep their counts, so a profile that hit every row gives the
// same q as the codec would.
Plan plan_from_histogram(const Histogram& h, ElementFormat f, Search search, ValueMap map) {
  Plan p;
  p.map = map;
  p.table = search_table(h, f.bits, search);
  std::array<uint64_t, kRows> c = row_counts(p.table, h);
  std::array<uint64_t, kRows> smoothed = c;
  for (int i = 0; i < kRows; ++i)
    if (p.table.width(i) > 0) smoothed[i] = std::max<uint64_t>(smoothed[i], 1);
  p.q = coding_counts(smoothed);
  for (int i = 0; i < kRows; ++i)
    if (c[i] > 0)
      p.predicted_bits += double(c[i]) * (kCountShift - std::log2(double(p.q[i])) + p.table.ol(i));
  return p;
}

Plan plan_from_profile(const TableProfile& prof, ElementFormat f, const CodecChoice& c,
                       const std::string& what) {
  if (prof.format.is_signed != f.is_signed || prof.format.bits != f.bits)
    throw Error(what + ": the table profile is of " +
                (prof.format.is_signed ? "signed " : "unsigned ") +
                std::to_string(prof.format.bits) + "-bit values, the tensor of " +
                (f.is_signed ? "signed " : "unsigned ") + std::to_string(f.bits) + "-bit values");
  if (prof.byte_counts.size() != 256)
    throw Error(what + ": a table profile holds 256 byte counts, this one " +
                std::to_string(prof.byte_counts.size()));
  if (prof.total() == 0) throw Error(what + ": the table profile is empty (no calibration values)");
  const auto histogram = [&](ValueMap m) {
    const CodeMap cm = make_code_map(f, m, what);
    Histogram h(size_t(1) << f.bits, 0);
    for (unsigned b = 0; b < 256; ++b) {
      if (prof.byte_counts[b] == 0) continue;
      if (!cm.legal[b])
        throw Error(what + ": the table profile counts byte " + std::to_string(b) +
                    ", which is not a value of the format");
      h[cm.code_of_byte[b]] += prof.byte_counts[b];
    }
    return h;
  };
  if (c.map == MapChoice::zigzag && !f.is_signed)
    throw Error(what + ": the zigzag map applies to signed (int8) data only");
  if (c.map == MapChoice::raw || !f.is_signed)
    return plan_from_histogram(histogram(ValueMap::raw), f, c.search, ValueMap::raw);
  const Plan z = plan_from_histogram(histogram(ValueMap::zigzag), f, c.search, ValueMap::zigzag);
  if (c.map == MapChoice::zigzag) return z;
  const Plan r = plan_from_histogram(histogram(ValueMap::raw), f, c.search, ValueMap::raw);
  return z.predicted_bits < r.predicted_bits ? z : r;  // as the codec's `auto` decides
}

Plan plan_oracle(const uint8_t* values, size_t n, ElementFormat f, const CodecChoice& c,
                 const std::string& what) {
  Tensor t;
  t.is_signed = f.is_signed;
  t.shape = {n};
  t.data.assign(values, values + n);
  EncodeOptions o;
  o.bits = f.bits;
  o.chunk = c.chunk;
  o.search = c.search;
  o.map = c.map;
  const TablePlan tp = plan_table(t, o, what);
  Plan p;
  p.map = tp.map;
  p.table = tp.table;
  p.q = tp.q;
  return p;
}

// Chunk byte ranges from the container's index: each chunk's prefix stream is followed by its
// offset stream, so a chunk is one contiguous range.
void fill_index(StoredTensor& s, const ContainerHeader& h) {
  s.chunks.clear();
  uint64_t index = 0, payload = 0;
  for (const ChunkRef& r : h.chunks) {
    StoredChunk c;
    c.byte_offset = r.prefix_pos;
    c.byte_size = r.prefix_size + r.offset_size;
    c.prefix_size = r.prefix_size;
    c.first_value = r.first_value;
    c.values = r.values;
    s.chunks.push_back(c);
    index += varint_size(r.prefix_size) + varint_size(r.offset_size);
    payload += c.byte_size;
  }
  s.index_bytes = index;
  s.payload_bytes = payload;
  s.header_bytes = s.bytes.size() - index - payload;  // header, table, both CRCs
  s.map = h.map;
  s.table = h.table;
  s.q = h.q;
}

}  // namespace

StoredTensor encode_apack(const uint8_t* values, size_t n, ElementFormat f, const CodecChoice& c,
                          const std::string& what) {
  if (c.chunk == 0) throw Error(what + ": the chunk size must be at least 1 value");
  check_values(values, n, f, what);
  Plan plan;
  if (c.table_source == TableSource::profile) {
    if (c.profile == nullptr)
      throw Error(what + ": table source 'profile' needs calibration data, none was given");
    plan = plan_from_profile(*c.profile, f, c, what);
  } else {
    plan = plan_oracle(values, n, f, c, what);
  }

  const CodeMap map = make_code_map(f, plan.map, what);
  const CodingModel model(plan.table, plan.q, &map);
  const std::vector<StoredChunk> layout = chunk_layout(n, c.chunk, what);
  std::vector<CodedChunk> coded(layout.size());
  std::vector<EncodeJob> jobs(layout.size());
  for (size_t i = 0; i < layout.size(); ++i)
    jobs[i] = {values + layout[i].first_value, size_t(layout[i].values), &coded[i]};
  // Four chunks per thread at least: a thread costs more to start than a chunk takes to code.
  const unsigned threads =
      unsigned(std::min<size_t>(resolve_threads(c.threads), std::max<size_t>(1, jobs.size() / 4)));
  apack::detail::parallel_ranges(jobs.size(), threads, [&](size_t begin, size_t end) {
    encode_chunks(model, jobs.data() + begin, end - begin);
  });
  std::vector<std::vector<uint8_t>> prefix(layout.size()), offset(layout.size());
  for (size_t i = 0; i < layout.size(); ++i) {
    prefix[i] = std::move(coded[i].prefix);
    offset[i] = std::move(coded[i].offset);
  }

  ContainerHeader h;
  h.format = f;
  h.map = plan.map;
  h.search = c.search;
  h.shape = {n};
  h.n = n;
  h.chunk = c.chunk;
  h.table = plan.table;
  h.q = plan.q;
  h.data_crc = crc32c(0, values, n);

  StoredTensor s;
  s.codec = Codec::apack;
  s.format = f;
  s.n = n;
  s.chunk = c.chunk;
  s.table_source = c.table_source;
  s.bytes = write_container(h, prefix, offset);
  // The writer lays the streams out after the header in chunk order; the index is re-derived
  // from the sizes rather than by parsing back what was just written.
  h.chunks.resize(layout.size());
  uint64_t pos = 0;
  for (size_t i = 0; i < layout.size(); ++i) pos += prefix[i].size() + offset[i].size();
  uint64_t at = s.bytes.size() - 4 - pos;  // the trailing CRC-32C follows the streams
  for (size_t i = 0; i < layout.size(); ++i) {
    ChunkRef& r = h.chunks[i];
    r.prefix_pos = at;
    r.prefix_size = prefix[i].size();
    r.offset_pos = at + r.prefix_size;
    r.offset_size = offset[i].size();
    r.first_value = layout[i].first_value;
    r.values = layout[i].values;
    at = r.offset_pos + r.offset_size;
  }
  fill_index(s, h);
  return s;
}

StoredTensor open_apack(std::vector<uint8_t> bytes, ElementFormat f, uint64_t n, uint32_t chunk,
                        const std::string& what, bool check_checksum) {
  const ContainerHeader h = read_container(bytes.data(), bytes.size(), what, check_checksum);
  if (h.format.is_signed != f.is_signed || h.format.bits != f.bits)
    throw FormatError(what + ": the container holds " +
                      (h.format.is_signed ? "signed " : "unsigned ") +
                      std::to_string(h.format.bits) + "-bit values, expected " +
                      (f.is_signed ? "signed " : "unsigned ") + std::to_string(f.bits) + "-bit");
  if (h.n != n)
    throw FormatError(what + ": the container holds " + std::to_string(h.n) + " values, expected " +
                      std::to_string(n));
  if (h.chunk != chunk)
    throw FormatError(what + ": the container's chunks hold " + std::to_string(h.chunk) +
                      " values, expected " + std::to_string(chunk));
  StoredTensor s;
  s.codec = Codec::apack;
  s.format = f;
  s.n = n;
  s.chunk = chunk;
  s.bytes = std::move(bytes);
  // Whether the table was a profile's or the tensor's own is not in the container.
  s.table_source = TableSource::oracle;
  fill_index(s, h);
  return s;
}

std::vector<uint8_t> decode_apack(const StoredTensor& s, const std::string& what) {
  DecodeOptions o;
  o.threads = 0;
  Tensor t = decompress(s.bytes.data(), s.bytes.size(), o, what);
  if (t.data.size() != s.n)
    throw FormatError(what + ": the container holds " + std::to_string(t.data.size()) +
                      " values, expected " + std::to_string(s.n));
  return std::move(t.data);
}

void decode_apack_chunks(const StoredTensor& s, size_t first, size_t end, uint8_t* out,
                         const std::string& what) {
  const CodeMap map = make_code_map(s.format, s.map, what);
  const CodingModel model(s.table, s.q, &map);
  for (size_t i = first; i < end; ++i) {
    const StoredChunk& c = s.chunks[i];
    if (c.byte_offset + c.byte_size > s.bytes.size() || c.prefix_size > c.byte_size)
      throw FormatError(what + ": chunk " + std::to_string(i) + " lies past the stored bytes");
    const uint8_t* p = s.bytes.data() + c.byte_offset;
    try {
      decode_chunk(model, p, size_t(c.prefix_size), p + c.prefix_size,
                   size_t(c.byte_size - c.prefix_size), out, size_t(c.values));
    } catch (const FormatError& e) {
      throw FormatError(what + ": chunk " + std::to_string(i) + ": " + e.what());
    }
    out += c.values;
  }
}

}  // namespace apack::pipeline::detail

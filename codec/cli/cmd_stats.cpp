// `apack stats`: how well APack compresses a set of tensors, against the order-0 entropy bound
// and the comparison codecs of docs/comparison-codecs.md. Every size is of a stream that was
// decoded again and compared with the input, so no number comes from an encoder alone.
#include <array>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "apack/codec.hpp"
#include "apack/compare.hpp"
#include "apack/container.hpp"
#include "apack/error.hpp"
#include "apack/table.hpp"
#include "commands.hpp"
#include "stats_common.hpp"

namespace apack::cli {

namespace {

enum Codec { kApack, kSweep, kUniform, kZrle, kShapeShifter, kZstd3, kZstd19, kDeflate9, kCodecs };

struct CodecInfo {
  const char* key;     // JSON key
  const char* column;  // table heading
  const char* about;   // JSON "codecs" description
};

constexpr std::array<CodecInfo, kCodecs> kInfo{{
    {"apack", "APack", "APack container, search optimal, map auto (the default)"},
    {"apack_sweep", "sweep", "APack container, search sweep, map raw (the paper's configuration)"},
    {"apack_uniform", "uniform", "APack container, uniform table, map raw (no table search)"},
    {"zrle", "zrle", "zero run-length coding, run width chosen per tensor"},
    {"shapeshifter", "ShapeSh", "ShapeShifter per-group widths, groups of 16"},
    {"zstd3", "zstd-3", "zstd level 3, each tensor separately"},
    {"zstd19", "zstd-19", "zstd level 19, each tensor separately"},
    {"deflate9", "defl-9", "zlib (deflate) level 9, each tensor separately"},
}};

struct TensorStats {
  uint64_t n = 0, zeros = 0, raw_bits = 0;
  double entropy_bits = 0;
  std::array<uint64_t, kCodecs> bytes{};
  ValueMap apack_map = ValueMap::raw;
  size_t apack_chunks = 0;
  // Bytes of the default container before its first stream (header, shape, table, chunk index,
  // checksums): a fixed cost that decides the comparison on tensors of a few hundred values.
  uint64_t apack_header_bytes = 0;
};

struct StatsArgs {
  std::vector<std::string> paths;
  int bits = 8;
  uint32_t chunk = kDefaultChunk;
  unsigned threads = 0;
  bool json = false;
};

[[noreturn]] void lossless_failure(const std::string& what, const std::string& codec) {
  throw Error(what + ": " + codec +
              " did not decode to the original values (lossless check failed); this is a bug");
}

// Decodes `coded` again and returns its size if it restores `original`. The comparison
// decoders' messages do not name the input, so a refusal is reported with the file and codec.
template <class Decode>
uint64_t checked_size(const std::vector<uint8_t>& coded, const std::vector<uint8_t>& original,
                      const std::string& what, const std::string& codec, Decode decode) {
  bool same = false;
  try {
    same = decode(coded) == original;
  } catch (const Error& e) {
    throw Error(what + ": " + codec + " refused its own stream (" + e.what() + "); this is a bug");
  }
  if (!same) lossless_failure(what, codec);
  return coded.size();
}

TensorStats measure(const InputTensor& in, const StatsArgs& a) {
  const Tensor& t = in.tensor;
  const std::string& what = in.path;
  const ElementFormat f{t.is_signed, a.bits};
  const size_t n = t.data.size();
  TensorStats s;
  s.n = n;
  s.raw_bits = uint64_t(n) * uint64_t(a.bits);
  // The raw map is a bijection of values to codes, so this histogram has the entropy of the
  // values themselves; to_codes also refuses values that do not fit --bits, naming the index.
  const std::vector<uint8_t> codes = to_codes(t.data.data(), n, f, ValueMap::raw, what);
  const Histogram h = make_histogram(codes.data(), n, a.bits);
  s.entropy_bits = entropy_bits(h);
  s.zeros = h[0];

  // Coding runs on one thread per tensor: `stats` spreads tensors over the threads instead,
  // which scales better on folders of many small tensors.
  auto apack = [&](Codec c, Search search, MapChoice map) {
    EncodeOptions o;
    o.bits = a.bits;
    o.chunk = a.chunk;
    o.search = search;
    o.map = map;
    o.threads = 1;
    const EncodeResult r = compress(t, o, what);
    DecodeOptions d;
    d.threads = 1;
    const Tensor back = decompress(r.container.data(), r.container.size(), d,
                                   what + " (" + kInfo[c].key + " container)");
    if (back.data != t.data || back.shape != t.shape || back.is_signed != t.is_signed ||
        back.npy_header != t.npy_header)
      lossless_failure(what, kInfo[c].key);
    s.bytes[c] = r.container.size();
    return r;
  };
  const EncodeResult def = apack(kApack, Search::optimal, MapChoice::automatic);
  s.apack_map = def.map;
  s.apack_chunks = def.chunks;
  s.apack_header_bytes =
      read_container(def.container.data(), def.container.size(), what).header_size;
  apack(kSweep, Search::sweep, MapChoice::raw);
  apack(kUniform, Search::uniform, MapChoice::raw);

  const uint8_t* v = t.data.data();
  s.bytes[kZrle] = checked_size(compare::zrle_encode(v, n, f), t.data, what, "zrle",
                                [&](const std::vector<uint8_t>& b) {
                                  return compare::zrle_decode(b.data(), b.size(), n, f);
                                });
  s.bytes[kShapeShifter] =
      checked_size(compare::shapeshifter_encode(v, n, f, 16), t.data, what, "shapeshifter",
                   [&](const std::vector<uint8_t>& b) {
                     return compare::shapeshifter_decode(b.data(), b.size(), n, f, 16);
                   });
  auto zstd = [&](const std::vector<uint8_t>& b) {
    return compare::zstd_decompress(b.data(), b.size(), n);
  };
  s.bytes[kZstd3] = checked_size(compare::zstd_compress(v, n, 3), t.data, what, "zstd3", zstd);
  s.bytes[kZstd19] = checked_size(compare::zstd_compress(v, n, 19), t.data, what, "zstd19", zstd);
  s.bytes[kDeflate9] = checked_size(compare::deflate_compress(v, n, 9), t.data, what, "deflate9",
                                    [&](const std::vector<uint8_t>& b) {
                                      return compare::deflate_decompress(b.data(), b.size(), n);
                                    });
  return s;
}

// APack's size over the entropy bound, in percent; NaN where the bound is 0 (a constant or
// empty tensor), for which any real container is "infinitely" above it.
double gap_pct(uint64_t apack_bytes, double entropy) {
  if (!(entropy > 0)) return std::nan("");
  return (double(apack_bytes) * 8.0 / entropy - 1.0) * 100.0;
}

std::string pct_of_raw(double bits, uint64_t raw_bits) {
  if (raw_bits == 0) return "-";
  return fixed(100.0 * bits / double(raw_bits), 2);
}

std::string signed_pct(double v) {
  if (std::isnan(v)) return "-";
  return (v >= 0 ? "+" : "") + fixed(v, 2) + "%";
}

std::string dtype_name(const Tensor& t) { return t.is_signed ? "int8" : "uint8"; }

nlohmann::ordered_json bytes_json(const std::array<uint64_t, kCodecs>& b) {
  nlohmann::ordered_json j;
  for (int c = 0; c < kCodecs; ++c) j[kInfo[c].key] = b[c];
  return j;
}

nlohmann::ordered_json maybe(double v) {
  return std::isnan(v) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v);
}

struct Totals {
  TensorStats sum;
  uint64_t whole_model_zstd19 = 0;
  std::vector<size_t> zstd_wins;  // tensors where per-tensor zstd -19 beats APack default
};

void print_json(const StatsArgs& a, const Inputs& in, const std::vector<TensorStats>& st,
                const Totals& tot) {
  nlohmann::ordered_json j;
  j["bits"] = a.bits;
  j["chunk"] = a.chunk;
  j["codecs"] = nlohmann::ordered_json::object();
  for (const CodecInfo& c : kInfo) j["codecs"][c.key] = c.about;
  j["codecs"]["zstd19_whole_model"] =
      "zstd level 19 once over all tensors' bytes concatenated in the listed order (totals only)";
  j["tensors"] = nlohmann::ordered_json::array();
  for (size_t i = 0; i < st.size(); ++i) {
    const TensorStats& s = st[i];
    const Tensor& t = in.tensors[i].tensor;
    j["tensors"].push_back({{"name", in.tensors[i].name},
                            {"path", in.tensors[i].path},
                            {"dtype", dtype_name(t)},
                            {"shape", t.shape},
                            {"n", s.n},
                            {"zeros", s.zeros},
                            {"raw_bits", s.raw_bits},
                            {"entropy_bits", s.entropy_bits},
                            {"bytes", bytes_json(s.bytes)},
                            {"apack_map", to_string(s.apack_map)},
                            {"apack_chunks", s.apack_chunks},
                            {"apack_header_bytes", s.apack_header_bytes},
                            {"apack_gap_pct", maybe(gap_pct(s.bytes[kApack], s.entropy_bits))}});
  }
  nlohmann::ordered_json t;
  t["tensors"] = st.size();
  t["n"] = tot.sum.n;
  t["zeros"] = tot.sum.zeros;
  t["apack_header_bytes"] = tot.sum.apack_header_bytes;
  t["raw_bits"] = tot.sum.raw_bits;
  t["entropy_bits"] = tot.sum.entropy_bits;
  t["bytes"] = bytes_json(tot.sum.bytes);
  t["bytes"]["zstd19_whole_model"] = tot.whole_model_zstd19;
  t["apack_gap_pct"] = maybe(gap_pct(tot.sum.bytes[kApack], tot.sum.entropy_bits));
  t["apack_sweep_gap_pct"] = maybe(gap_pct(tot.sum.bytes[kSweep], tot.sum.entropy_bits));
  j["totals"] = t;
  j["zstd19_beats_apack"] = nlohmann::ordered_json::array();
  for (size_t i : tot.zstd_wins) j["zstd19_beats_apack"].push_back(in.tensors[i].name);
  j["skipped"] = nlohmann::ordered_json::array();
  for (const SkippedFile& s : in.skipped)
    j["skipped"].push_back({{"path", s.path}, {"reason", s.reason}});
  std::cout << j.dump(1) << "\n";
}

void print_table(const StatsArgs& a, const Inputs& in, const std::vector<TensorStats>& st,
                 const Totals& tot) {
  const TensorStats& sum = tot.sum;
  size_t name_w = 11;  // "total bytes"
  for (const InputTensor& t : in.tensors) name_w = std::max(name_w, t.name.size());
  const int w = 9;
  std::ostringstream o;
  if (in.tensors.size() > 1 && a.paths.size() == 1) o << a.paths[0] << ":\n";
  o << "sizes in % of raw (" << a.bits << " bits per value); entropy = order-0 bound; APack ="
    << " search optimal, map auto;\nsweep = search sweep, map raw (the paper's); uniform = no"
    << " search, map raw; gap = APack over entropy\n\n";
  o << std::left << std::setw(int(name_w)) << "tensor" << std::right << std::setw(11) << "n"
    << std::setw(w) << "entropy";
  for (const CodecInfo& c : kInfo) o << std::setw(w) << c.column;
  o << std::setw(w) << "gap"
    << "\n";
  auto row = [&](const std::string& name, const TensorStats& s) {
    o << std::left << std::setw(int(name_w)) << name << std::right << std::setw(11) << s.n
      << std::setw(w) << pct_of_raw(s.entropy_bits, s.raw_bits);
    for (int c = 0; c < kCodecs; ++c) o << std::setw(w) << pct_of_raw(8.0 * s.bytes[c], s.raw_bits);
    o << std::setw(w) << signed_pct(gap_pct(s.bytes[kApack], s.entropy_bits)) << "\n";
  };
  for (size_t i = 0; i < st.size(); ++i) row(in.tensors[i].name, st[i]);
  o << std::string(name_w + 11 + w * (kCodecs + 2), '-') << "\n";
  row("total", sum);
  // The same totals in bytes, so the table alone gives the sizes behind the ratios.
  o << std::left << std::setw(int(name_w)) << "total bytes" << std::right << std::setw(11)
    << (sum.raw_bits + 7) / 8 << std::setw(w) << uint64_t(std::ceil(sum.entropy_bits / 8));
  for (int c = 0; c < kCodecs; ++c) o << std::setw(w) << sum.bytes[c];
  o << "\n\n";

  o << "tensors: " << st.size();
  if (!in.skipped.empty()) o << " (" << in.skipped.size() << " .npy files skipped, see stderr)";
  o << "; values: " << sum.n << "\n";
  o << "whole-model zstd -19 (all tensors concatenated): " << tot.whole_model_zstd19 << " bytes, "
    << pct_of_raw(8.0 * tot.whole_model_zstd19, sum.raw_bits) << "% of raw\n";
  o << "APack default vs order-0 entropy bound: "
    << signed_pct(gap_pct(sum.bytes[kApack], sum.entropy_bits)) << " (" << sum.bytes[kApack]
    << " bytes, " << sum.apack_header_bytes << " of them container headers, vs "
    << fixed(sum.entropy_bits / 8, 1) << ")\n";
  o << "APack sweep (paper) vs entropy bound:   "
    << signed_pct(gap_pct(sum.bytes[kSweep], sum.entropy_bits)) << " (" << sum.bytes[kSweep]
    << " bytes)\n";
  if (tot.zstd_wins.empty()) {
    o << "zstd -19 per tensor beats APack default on no tensor\n";
  } else {
    o << "zstd -19 per tensor beats APack default on " << tot.zstd_wins.size() << " of "
      << st.size() << " tensors:\n";
    for (size_t i : tot.zstd_wins) {
      const TensorStats& s = st[i];
      o << "  " << in.tensors[i].name << ": zstd -19 " << s.bytes[kZstd19] << " bytes, APack "
        << s.bytes[kApack] << " (" << s.apack_header_bytes << " of them header); " << s.n
        << " values, " << fixed(s.n ? 100.0 * s.zeros / s.n : 0.0, 1) << "% zeros, entropy "
        << fixed(s.n ? s.entropy_bits / s.n : 0.0, 3) << " bits/value\n";
    }
  }
  std::cout << o.str();
}

}  // namespace

void register_stats(CLI::App& app) {
  auto args = std::make_shared<StatsArgs>();
  CLI::App* cmd = app.add_subcommand(
      "stats", "compare APack with the entropy bound and other codecs on .npy tensors");
  cmd->add_option("paths", args->paths, "int8/uint8 .npy files, or folders searched for *.npy")
      ->required();
  cmd->add_flag("--json", args->json, "print one JSON object (sizes in bytes, bits) to stdout");
  cmd->add_option("--bits", args->bits, "value width in bits, 2..8")
      ->check(CLI::Range(2, 8))
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "tensors coded in parallel (0 = all cores)")
      ->capture_default_str();
  cmd->add_option("--chunk", args->chunk, "APack values per chunk")
      ->check(CLI::Range(1u, 1u << 30))
      ->capture_default_str();
  cmd->footer(
      "Folders are searched recursively for *.npy, in sorted order. A .npy found in a folder\n"
      "that is not int8/uint8 (or is Fortran-ordered) is skipped with a warning on stderr; a\n"
      "file named explicitly must be int8/uint8, else it is an error. Malformed files are\n"
      "errors either way. Every coded stream is decoded and compared with the input; a\n"
      "mismatch is an error. Progress goes to stderr when it is a terminal.");
  cmd->callback([args] {
    const Inputs in = load_inputs(args->paths, "apack stats");
    const size_t count = in.tensors.size();
    std::vector<TensorStats> st(count);
    Totals tot;
    const std::vector<uint8_t> all = concatenate(in);
    const bool progress = stderr_is_tty();
    std::mutex progress_mutex;
    size_t done = 0;
    // Item 0 is the whole-model zstd -19, the largest single job, so it starts first and
    // overlaps with the per-tensor work.
    parallel_for(count + 1, resolve_threads(args->threads), [&](size_t i) {
      if (i == 0) {
        const auto z = compare::zstd_compress(all.data(), all.size(), 19);
        if (compare::zstd_decompress(z.data(), z.size(), all.size()) != all)
          lossless_failure("whole model", "zstd19");
        tot.whole_model_zstd19 = z.size();
        return;
      }
      st[i - 1] = measure(in.tensors[i - 1], *args);
      if (progress) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        std::cerr << "apack stats: [" << ++done << "/" << count << "] " << in.tensors[i - 1].name
                  << "\n";
      }
    });
    for (size_t i = 0; i < count; ++i) {
      const TensorStats& s = st[i];
      tot.sum.n += s.n;
      tot.sum.zeros += s.zeros;
      tot.sum.apack_header_bytes += s.apack_header_bytes;
      tot.sum.raw_bits += s.raw_bits;
      tot.sum.entropy_bits += s.entropy_bits;
      for (int c = 0; c < kCodecs; ++c) tot.sum.bytes[c] += s.bytes[c];
      if (s.bytes[kZstd19] < s.bytes[kApack]) tot.zstd_wins.push_back(i);
    }
    if (args->json)
      print_json(*args, in, st, tot);
    else
      print_table(*args, in, st, tot);
  });
}

}  // namespace apack::cli

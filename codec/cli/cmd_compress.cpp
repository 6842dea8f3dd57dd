// `apack compress` and `apack decompress`.
#include <cstring>
#include <iostream>
#include <memory>

#include "apack/codec.hpp"
#include "apack/error.hpp"
#include "apack/npy.hpp"
#include "commands.hpp"
#include "io.hpp"
#include "options.hpp"

namespace apack::cli {

Tensor load_tensor(const std::string& path) {
  const std::vector<uint8_t> bytes = read_input(path);
  const std::string what = path == "-" ? "standard input" : path;
  NpyArray a = parse_npy(bytes.data(), bytes.size(), what);
  const bool is_signed = require_codec_array(a, what);
  return codec_tensor(std::move(a), is_signed);
}

Tensor codec_tensor(NpyArray&& a, bool is_signed) {
  Tensor t;
  t.is_signed = is_signed;
  t.shape = a.shape;
  if (a.header != npy_header(is_signed ? "|i1" : "|u1", false, a.shape)) t.npy_header = a.header;
  t.data = std::move(a.data);
  return t;
}

namespace {

std::string default_output(const std::string& in, const std::string& add,
                           const std::string& strip) {
  if (in == "-") return "-";
  if (!strip.empty() && in.size() > strip.size() &&
      in.compare(in.size() - strip.size(), strip.size(), strip) == 0)
    return in.substr(0, in.size() - strip.size()) + add;
  return in + add;
}

struct CompressArgs {
  std::string in, out;
  EncodeOptions o;
  bool verbose = false;
};

struct DecompressArgs {
  std::string in, out;
  unsigned threads = 0;
  bool verbose = false;
};

}  // namespace

void register_compress(CLI::App& app) {
  auto args = std::make_shared<CompressArgs>();
  CLI::App* cmd =
      app.add_subcommand("compress", "compress an int8/uint8 .npy into an APack container");
  cmd->add_option("input", args->in, "input .npy file, or - for standard input")->required();
  cmd->add_option("-o,--output", args->out, "output container (default: INPUT.apk; - for stdout)");
  add_coding_options(cmd, args->o);
  cmd->add_flag("-v,--verbose", args->verbose, "print a one-line summary to stderr");
  cmd->callback([args] {
    const Tensor t = load_tensor(args->in);
    const std::string out = args->out.empty() ? default_output(args->in, ".apk", "") : args->out;
    const EncodeResult r = compress(t, args->o, args->in == "-" ? "standard input" : args->in);
    write_output(out, r.container.data(), r.container.size());
    if (args->verbose)
      std::cerr << args->in << ": " << t.data.size() << " values -> " << r.container.size()
                << " bytes (" << (t.data.empty() ? 0.0 : 100.0 * r.container.size() / t.data.size())
                << "% of raw), search " << to_string(args->o.search) << ", map " << to_string(r.map)
                << ", " << r.chunks << " chunks\n";
  });
}

void register_decompress(CLI::App& app) {
  auto args = std::make_shared<DecompressArgs>();
  CLI::App* cmd =
      app.add_subcommand("decompress", "restore the original .npy file from an APack container");
  cmd->add_option("input", args->in, "input container, or - for standard input")->required();
  cmd->add_option("-o,--output", args->out,
                  "output .npy (default: INPUT without .apk, else INPUT.npy; - for stdout)");
  cmd->add_option("--threads", args->threads, "worker threads (0 = all cores)")
      ->capture_default_str();
  cmd->add_flag("-v,--verbose", args->verbose, "print a one-line summary to stderr");
  cmd->callback([args] {
    const Input bytes(args->in);
    std::string out = args->out;
    if (out.empty()) {
      out = default_output(args->in, "", ".apk");
      if (out == args->in) out += ".npy";
    }
    DecodeOptions o;
    o.threads = args->threads;
    const std::string what = args->in == "-" ? "standard input" : args->in;
    const ContainerHeader h = open_container(bytes.data(), bytes.size(), o, what);
    const std::string header = h.npy_header.empty()
                                   ? npy_header(h.format.is_signed ? "|i1" : "|u1", false, h.shape)
                                   : h.npy_header;
    // The values are decoded straight into the output file behind the header: no zero-fill,
    // no second copy, and the threads fault its pages in parallel.
    Output file(out, header.size() + size_t(h.n));
    std::memcpy(file.data(), header.data(), header.size());
    decompress_into(bytes.data(), h, o, file.data() + header.size(), what);
    file.commit();
    if (args->verbose)
      std::cerr << args->in << ": " << bytes.size() << " bytes -> " << h.n
                << " values, checksums verified\n";
  });
}

}  // namespace apack::cli

// apack-vp dram gen: writes a synthetic DRAMSys .stl trace (sequential, strided or random
// addresses), streamed into a temporary file that replaces the output only when complete.
#include <chrono>
#include <cstdio>
#include <memory>
#include <sstream>

#include "apack/dram/trace_gen.hpp"
#include "apack/error.hpp"
#include "commands.hpp"
#include "dram_commands.hpp"

namespace apack::vp {

using namespace apack::dram;

namespace {

struct GenArgs {
  std::string pattern = "sequential", output, memspec, stride, base = "0", span, burst_bytes;
  uint64_t requests = 0, spacing = 1, seed = 1;
  uint32_t channels = 0;
  double write_fraction = 0;
};

void generate(const GenArgs& a, const std::string& command_line) {
  GenOptions o;
  o.pattern = *parse_pattern(a.pattern);
  o.requests = a.requests;
  o.spacing = a.spacing;
  o.seed = a.seed;
  o.write_fraction = a.write_fraction;
  o.base = parse_size_arg(a.base, "--base");
  std::string memory = "no memspec";
  if (!a.memspec.empty()) {
    const MemSpec spec = load_memspec_arg(a.memspec, a.channels);
    o.burst_bytes = spec.arch.burst_bytes();
    o.span = spec.arch.channel_bytes() * spec.arch.channels;
    memory = spec.id + ", " + std::to_string(spec.arch.channels) + " channel(s)";
  } else if (a.channels != 0) {
    throw Error("--channels: applies with --memspec only");
  } else {
    o.span = 1ull << 30;  // 1 GiB when no memory says otherwise
  }
  if (!a.burst_bytes.empty()) o.burst_bytes = parse_size_arg(a.burst_bytes, "--burst-bytes");
  if (!a.span.empty()) o.span = parse_size_arg(a.span, "--span");
  if (!a.stride.empty()) {
    o.stride = parse_size_arg(a.stride, "--stride");
    if (o.stride == 0) throw Error("--stride: must be at least 1 byte");
  }
  TraceGenerator gen(o);  // validates, naming the option at fault
  std::ostringstream header;
  header << command_line << "\n"
         << a.requests << " " << name(o.pattern) << " requests, burst " << o.burst_bytes
         << " B, span " << o.span << " B from 0x" << std::hex << o.base << std::dec
         << ", write fraction " << o.write_fraction << ", seed " << o.seed << " (" << memory << ")";
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t n = write_trace_file(a.output, gen, header.str());
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "wrote %llu %s requests to %s (burst %llu B, span %llu B from 0x%llx, seed %llu) "
      "in %.2f s\n",
      static_cast<unsigned long long>(n), name(o.pattern), a.output.c_str(),
      static_cast<unsigned long long>(o.burst_bytes), static_cast<unsigned long long>(o.span),
      static_cast<unsigned long long>(o.base), static_cast<unsigned long long>(o.seed), s);
}

}  // namespace

void register_dram_gen(CLI::App* dram) {
  auto a = std::make_shared<GenArgs>();
  CLI::App* cmd = dram->add_subcommand(
      "gen", "write a synthetic DRAMSys .stl trace: sequential, strided or random addresses");
  cmd->add_option("--pattern", a->pattern,
                  "sequential: consecutive bursts; strided: --stride bytes apart; random: "
                  "uniform, burst-aligned (addresses wrap inside [base, base + span))")
      ->check(CLI::IsMember({"sequential", "strided", "random"}))
      ->capture_default_str();
  cmd->add_option("--requests", a->requests, "number of requests (lines) to write")->required();
  cmd->add_option("-o,--output", a->output, "the trace file to write (.stl)")->required();
  cmd->add_option("--stride", a->stride,
                  "bytes between consecutive requests of --pattern strided (default: one burst)");
  auto* burst = cmd->add_option("--burst-bytes", a->burst_bytes,
                                "bytes of one burst, the granule of addresses (default 64, or "
                                "the memspec's burst)");
  auto* memspec = cmd->add_option("--memspec", a->memspec,
                                  "take the burst size and the capacity (default span) from "
                                  "this memory: preset, DRAMSys .json or YAML");
  burst->excludes(memspec);
  cmd->add_option("--channels", a->channels,
                  "channels of the --memspec memory (multiplies the capacity)")
      ->check(CLI::Range(1u, 64u));
  cmd->add_option("--spacing", a->spacing,
                  "trace-clock cycles from one request to the next (0: all at cycle 0); the "
                  "default 1 (1 ns at 1000 MHz) offers requests at least as fast as any "
                  "one-channel preset serves them")
      ->capture_default_str();
  cmd->add_option("--write-fraction", a->write_fraction,
                  "probability that a request is a write, 0..1")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--seed", a->seed,
                  "seed of the random addresses and of the read/write choice (same seed, same "
                  "trace, on any machine)")
      ->capture_default_str();
  cmd->add_option("--base", a->base, "lowest address (bytes; decimal or 0x hex, burst-aligned)")
      ->capture_default_str();
  cmd->add_option("--span", a->span,
                  "size of the address range, bytes (K/M/G/T suffixes are powers of 1024; "
                  "default: the memspec's capacity, else 1G)");
  cmd->footer(
      "Sizes accept 0x hex and K, M, G, T (KiB, MiB, GiB, TiB). The file starts with '#' comment\n"
      "lines recording the command, then one line per request (docs/dram-command.md).");
  cmd->callback([a, cmd] {
    std::string line = "apack-vp dram gen";
    for (const auto* opt : cmd->get_options())
      // Not the output name: the same options give the same file, whatever it is called.
      if (opt->count() > 0 && opt->get_name() != "--help" && opt->get_name() != "--output")
        for (const auto& v : opt->results()) line += " " + opt->get_name() + " " + v;
    generate(*a, line);
  });
}

}  // namespace apack::vp

// Option parsing shared by the subcommands that code tensors.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "apack/codec.hpp"
#include "apack/npy.hpp"

namespace apack::cli {

// Adds --bits, --chunk, --search, --map, --threads bound to `o`.
inline void add_coding_options(CLI::App* cmd, EncodeOptions& o, bool with_chunk = true) {
  cmd->add_option("--bits", o.bits, "value width in bits, 2..8 (N-bit codes held one per byte)")
      ->check(CLI::Range(2, 8))
      ->capture_default_str();
  if (with_chunk)
    cmd->add_option("--chunk", o.chunk, "values per chunk (unit of random access)")
        ->check(CLI::Range(1u, 1u << 30))
        ->capture_default_str();
  cmd->add_option("--search", o.search, "table search: optimal (default) or sweep (the paper's)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, Search>{{"optimal", Search::optimal}, {"sweep", Search::sweep}},
          CLI::ignore_case));
  cmd->add_option("--map", o.map, "value map: auto (default), raw or zigzag (signed data)")
      ->transform(
          CLI::CheckedTransformer(std::map<std::string, MapChoice>{{"auto", MapChoice::automatic},
                                                                   {"raw", MapChoice::raw},
                                                                   {"zigzag", MapChoice::zigzag}},
                                  CLI::ignore_case));
  cmd->add_option("--threads", o.threads, "worker threads (0 = all cores)")->capture_default_str();
}

// Reads an int8/uint8 .npy into a Tensor; keeps its header only if numpy.save would not write
// exactly that header, so decompress reproduces the file byte for byte.
Tensor load_tensor(const std::string& path);

// The Tensor of a parsed int8/uint8 array (signedness from require_codec_array), with the same
// header rule as load_tensor.
Tensor codec_tensor(NpyArray&& a, bool is_signed);

}  // namespace apack::cli

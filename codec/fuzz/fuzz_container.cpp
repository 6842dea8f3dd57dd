// Two properties under the sanitizers. Decoding: any byte string given to the decoder either
// decodes or fails with FormatError, never a crash, hang or out-of-bounds access (the CRC check
// can be skipped, so the fuzzer reaches the table, the chunk index and the arithmetic decoder
// instead of stopping at the checksum; decoded tensors must re-encode to themselves). Encoding:
// any values, any width and chunk size, decode to themselves.
// The first input byte selects the mode and its parameters.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "apack/codec.hpp"
#include "apack/error.hpp"

namespace {

void round_trip(const apack::Tensor& t, const apack::EncodeOptions& e) {
  const auto bytes = apack::compress(t, e, "fuzz").container;
  apack::DecodeOptions d;
  d.threads = 1;
  if (apack::decompress(bytes.data(), bytes.size(), d, "fuzz").data != t.data) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  apack::EncodeOptions e;
  e.threads = 1;
  try {
    if (mode < 128) {  // decode arbitrary bytes
      apack::DecodeOptions o;
      o.threads = 1;
      o.max_values = 1 << 16;  // small outputs keep executions fast
      o.check_crc = (mode & 1) != 0;
      // The re-encoding only checks the decoded values survive; the uniform table keeps it
      // fast (the table searches are fuzzed in the encoding mode).
      e.search = apack::Search::uniform;
      round_trip(apack::decompress(data + 1, size - 1, o, "fuzz"), e);
    } else {  // encode arbitrary values: width, signedness, search and chunk size from `mode`
      apack::Tensor t;
      t.is_signed = (mode & 1) != 0;
      e.bits = 8;
      e.search = (mode & 2) ? apack::Search::sweep : apack::Search::optimal;
      e.chunk = (mode & 4) ? 64 : 4096;
      // Small tensors keep the executions fast; chunks of 64 still give many chunks.
      t.data.assign(data + 1, data + std::min<size_t>(size, 1 + 4096));
      t.shape = {t.data.size()};
      round_trip(t, e);
    }
  } catch (const apack::Error&) {
  }
  return 0;
}

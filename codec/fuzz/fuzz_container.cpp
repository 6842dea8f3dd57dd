// Any byte string given to the decoder either decodes or fails with FormatError: never a crash,
// hang or out-of-bounds access. The CRC check is skipped so the fuzzer reaches the table, the
// chunk index and the arithmetic decoder instead of stopping at the checksum; the first input
// byte selects whether it runs at all, so the checked path is fuzzed too. Decoded tensors are
// re-encoded and must decode to themselves.
#include <cstddef>
#include <cstdint>

#include "apack/codec.hpp"
#include "apack/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  apack::DecodeOptions o;
  o.threads = 1;
  o.max_values = 1 << 20;
  o.check_crc = (data[0] & 1) != 0;
  try {
    const apack::Tensor t = apack::decompress(data + 1, size - 1, o, "fuzz");
    apack::EncodeOptions e;
    e.threads = 1;
    const auto again = apack::compress(t, e, "fuzz").container;
    apack::DecodeOptions d;
    d.threads = 1;
    if (apack::decompress(again.data(), again.size(), d, "fuzz").data != t.data) __builtin_trap();
  } catch (const apack::Error&) {
  }
  return 0;
}

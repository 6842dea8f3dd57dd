// libFuzzer target for the stored-tensor reader of the APack pipeline (models/apack,
// open_stored): bytes read back from DRAM for a tensor whose codec, format, length and chunk the
// platform's mapping knows. The first six input bytes choose those (codec, signedness, width,
// length, chunk, ShapeShifter group); the rest is the stored bytes. A tensor the reader accepts
// must decode whole and in ranges to values of its format, and a range decode must agree with
// the whole decode. apack::Error (FormatError among them) is how bad bytes are refused; anything
// else, a crash or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "apack/error.hpp"
#include "apack/pipeline/stored_tensor.hpp"

using namespace apack::pipeline;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 6) return 0;
  const Codec codecs[] = {Codec::apack, Codec::bypass, Codec::zrle, Codec::shapeshifter};
  const Codec codec = codecs[data[0] % 4];
  apack::ElementFormat format;
  format.is_signed = (data[1] & 1) != 0;
  format.bits = 2 + data[1] / 2 % 7;                    // 2..8
  const uint64_t n = uint64_t(data[2]) * 37 + data[3];  // up to ~9.7 k values
  const uint32_t chunk = 1 + data[4] % 64 * 31;         // 1..1954
  const int group = 1 + data[5] % 32;
  std::vector<uint8_t> bytes(data + 6, data + size);
  try {
    const StoredTensor s = open_stored(bytes, codec, format, n, chunk, group, "fuzz");
    const std::vector<uint8_t> all = decode_tensor(s, "fuzz");
    if (all.size() != n) std::abort();
    if (n > 0) {
      const uint64_t first = n / 3, count = (n - first) / 2 + 1;
      const RangeDecode r = decode_range(s, first, count, "fuzz");
      if (r.values.size() != count) std::abort();
      for (uint64_t i = 0; i < count; ++i)
        if (r.values[i] != all[first + i]) std::abort();
    }
  } catch (const apack::Error&) {
  }
  return 0;
}

// libFuzzer target for the .npy reader. Besides not crashing, whatever parses must split the
// input exactly into header and data, and rewriting it with the canonical header must parse back
// to the same array.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "apack/error.hpp"
#include "apack/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  apack::NpyArray a;
  try {
    a = apack::parse_npy(data, size, "fuzz.npy");
  } catch (const apack::FormatError&) {
    return 0;
  }
  if (a.header.size() + a.data.size() != size) std::abort();
  if (std::memcmp(a.header.data(), data, a.header.size()) != 0) std::abort();
  try {
    apack::require_codec_array(a, "fuzz.npy");
  } catch (const apack::FormatError&) {
  }

  const std::string h = apack::npy_header(a.descr, a.fortran_order, a.shape);
  if (h.size() % 64 != 0 || h.back() != '\n') std::abort();
  const auto file = apack::npy_file(h, a.data.data(), a.data.size());
  const apack::NpyArray b = apack::parse_npy(file.data(), file.size(), "rewritten.npy");
  if (b.descr != a.descr || b.fortran_order != a.fortran_order || b.shape != a.shape ||
      b.data != a.data || b.header != h || b.element_count() != a.element_count())
    std::abort();
  return 0;
}

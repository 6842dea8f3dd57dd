// libFuzzer target for photo decoding (apack::image::decode: PNG through libpng, JPEG through
// libjpeg-turbo), and the preprocessing a decoded photo goes through. FormatError (an
// apack::Error) is how a bad file is refused; anything else, a crash or a sanitizer report is a
// finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "apack/error.hpp"
#include "apack/image/image.hpp"
#include "fuzz_parts.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace apack::image;
  Image img;
  try {
    img = decode(data, size, "fuzz");
  } catch (const apack::Error& e) {
    apack::fuzz::explain(e);
    return 0;
  }
  if (img.width <= 0 || img.height <= 0 ||
      img.rgb.size() != size_t(img.width) * size_t(img.height) * 3)
    std::abort();
  // A small resize of the decoded pixels (preprocessing holds a float copy of the photo, 12 bytes
  // a pixel, so only photos of a modest size go through it: this target is about decoding).
  if (size_t(img.width) * size_t(img.height) > (size_t(1) << 22)) return 0;
  try {
    Preprocess p;
    p.name = "fuzz";
    p.width = 7;
    p.height = 5;
    p.channels = (size & 1) ? Preprocess::Channels::grey : Preprocess::Channels::rgb;
    const FloatImage t = preprocess(img, p);
    if (t.data.size() != size_t(p.width) * size_t(p.height) * (size & 1 ? 1 : 3)) std::abort();
  } catch (const apack::Error& e) {
    apack::fuzz::explain(e);
  }
  return 0;
}

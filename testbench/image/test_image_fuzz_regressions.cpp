// Regression tests for what fuzzing the photo decoder (platform/fuzz/fuzz_image.cpp) found.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <vector>

#include "apack/error.hpp"
#include "apack/image/image.hpp"
#include "image/image_test_util.hpp"

using Catch::Matchers::Contains;

namespace {

// A small progressive JPEG written by libjpeg.
std::vector<uint8_t> progressive_jpeg(int width, int height) {
  jpeg_compress_struct c;
  jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &buf, &size);
  c.image_width = JDIMENSION(width);
  c.image_height = JDIMENSION(height);
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_simple_progression(&c);
  jpeg_start_compress(&c, TRUE);
  std::vector<uint8_t> row(size_t(width) * 3);
  while (c.next_scanline < c.image_height) {
    for (size_t x = 0; x < row.size(); ++x) row[x] = uint8_t(x * 37 + c.next_scanline * 53);
    JSAMPROW r = row.data();
    jpeg_write_scanlines(&c, &r, 1);
  }
  jpeg_finish_compress(&c);
  std::vector<uint8_t> out(buf, buf + size);
  jpeg_destroy_compress(&c);
  free(buf);
  return out;
}

}  // namespace

TEST_CASE("fuzz: a progressive JPEG claiming 65000 x 65000 pixels is refused from its header",
          "[image][decode][fuzz]") {
  std::vector<uint8_t> jpeg = progressive_jpeg(16, 16);
  REQUIRE(apack::image::decode(jpeg.data(), jpeg.size(), "small.jpg").width == 16);
  // The frame header (SOF2): FF C2, length (2), precision (1), height (2), width (2).
  size_t sof = 0;
  while (sof + 9 < jpeg.size() && !(jpeg[sof] == 0xff && jpeg[sof + 1] == 0xc2)) ++sof;
  REQUIRE(sof + 9 < jpeg.size());
  jpeg[sof + 5] = jpeg[sof + 7] = 0xfd;  // 65000 = 0xfde8
  jpeg[sof + 6] = jpeg[sof + 8] = 0xe8;
  // The pixel limit was checked after jpeg_start_decompress, which for a progressive file reads
  // every scan into coefficient buffers of the claimed size: 13 s under the sanitizers (beyond
  // the fuzzer's 10 s timeout) before the file was refused as truncated. Now the header alone
  // refuses it.
  try {
    apack::image::decode(jpeg.data(), jpeg.size(), "huge.jpg");
    FAIL("a 65000 x 65000 JPEG header was accepted");
  } catch (const apack::FormatError& e) {
    CHECK_THAT(e.what(), Contains("huge.jpg") && Contains("too large"));
  }
}

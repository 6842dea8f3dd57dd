// Helpers for the image tests: hand-built PNG files, libjpeg-written JPEG files, temporary files.
#pragma once

// jpeglib.h uses FILE without including <stdio.h>, so <cstdio> must come first.
#include <cstdio>
// The JPEG encoder.
#include <jpeglib.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace apack::image::test {

inline void put_be32(std::vector<uint8_t>& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(uint8_t(v >> s));
}

inline void put_chunk(std::vector<uint8_t>& out, const char* type,
                      const std::vector<uint8_t>& body) {
  put_be32(out, uint32_t(body.size()));
  size_t start = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), body.begin(), body.end());
  uint32_t crc = uint32_t(crc32(0, out.data() + start, uInt(out.size() - start)));
  put_be32(out, crc);
}

// A non-interlaced PNG from raw row bytes (each row without its filter byte; filter 0 is used),
// so tests control every header field and sample exactly. `extra` chunks (PLTE, tRNS) go before
// IDAT in the given order.
inline std::vector<uint8_t> make_png(
    uint32_t width, uint32_t height, uint8_t depth, uint8_t color,
    const std::vector<std::vector<uint8_t>>& rows,
    const std::vector<std::pair<const char*, std::vector<uint8_t>>>& extra = {}) {
  std::vector<uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::vector<uint8_t> ihdr;
  put_be32(ihdr, width);
  put_be32(ihdr, height);
  ihdr.insert(ihdr.end(), {depth, color, 0, 0, 0});
  put_chunk(out, "IHDR", ihdr);
  for (const auto& [type, body] : extra) put_chunk(out, type, body);
  std::vector<uint8_t> raw;
  for (const auto& r : rows) {
    raw.push_back(0);
    raw.insert(raw.end(), r.begin(), r.end());
  }
  uLongf zsize = compressBound(uLong(raw.size()));
  std::vector<uint8_t> z(zsize);
  if (compress(z.data(), &zsize, raw.data(), uLong(raw.size())) != Z_OK)
    throw std::runtime_error("zlib compress failed");
  z.resize(zsize);
  put_chunk(out, "IDAT", z);
  put_chunk(out, "IEND", {});
  return out;
}

// A baseline JPEG written by libjpeg from `components` (1 or 3) interleaved 8-bit samples.
inline std::vector<uint8_t> make_jpeg(int width, int height, int components,
                                      const std::vector<uint8_t>& samples, int quality = 100) {
  jpeg_compress_struct c;
  jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);  // the default (exit on error) is acceptable in a test writer
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &buf, &size);
  c.image_width = JDIMENSION(width);
  c.image_height = JDIMENSION(height);
  c.input_components = components;
  c.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, quality, TRUE);
  jpeg_start_compress(&c, TRUE);
  while (c.next_scanline < c.image_height) {
    JSAMPROW row = const_cast<uint8_t*>(samples.data()) +
                   size_t(c.next_scanline) * size_t(width) * size_t(components);
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  std::vector<uint8_t> out(buf, buf + size);
  jpeg_destroy_compress(&c);
  free(buf);
  return out;
}

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("apack_image_tests_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::vector<uint8_t>& bytes) const {
    std::string p = file(name);
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    return p;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace apack::image::test

// PNG and JPEG decoding through libpng and libjpeg-turbo.
//
// Both libraries report errors through a callback that must not return. Their defaults print
// and exit() (libjpeg) or longjmp to a buffer the caller must have set (libpng), and throwing a
// C++ exception through their C frames is not something they are built for. So each decoder keeps
// every library call inside one small function that calls setjmp first; the error callbacks copy
// the library's message into a plain buffer and longjmp back there. That function owns no object
// with a destructor (everything it fills lives in the caller's frame), which is what makes the
// longjmp well defined in C++; the caller then frees the library's state and throws.

// jpeglib.h uses FILE without including <stdio.h>, so <cstdio> must come first.
#include <cstdio>
// The two decoders.
#include <jpeglib.h>
#include <png.h>

#include <cerrno>
#include <csetjmp>
#include <cstring>
#include <fstream>
#include <iterator>

#include "apack/error.hpp"
#include "apack/image/image.hpp"

namespace apack::image {
namespace {

// Beyond this a header is far more likely corrupt than a photo; refusing it keeps a bad file
// from asking for gigabytes (3 bytes per pixel: 768 MiB at the limit).
constexpr uint64_t kMaxPixels = uint64_t(1) << 28;

constexpr uint8_t kPngMagic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

std::string hex_start(const uint8_t* bytes, size_t size) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < size && i < 8; ++i) {
    if (i) s += ' ';
    s += hex[bytes[i] >> 4];
    s += hex[bytes[i] & 15];
  }
  return s;
}

// ---- PNG ------------------------------------------------------------------------------------

struct PngSource {
  const uint8_t* data;
  size_t size;
  size_t pos;
  char message[200];
};

[[noreturn]] void png_on_error(png_structp png, png_const_charp msg) {
  auto* src = static_cast<PngSource*>(png_get_error_ptr(png));
  std::snprintf(src->message, sizeof src->message, "%s", msg ? msg : "unknown libpng error");
  std::longjmp(png_jmpbuf(png), 1);
}

// Warnings (a bad CRC in an ancillary chunk, an unknown profile) leave the pixels intact; they
// are not worth refusing a photo for, and printing them would clutter the CLI's output.
void png_on_warning(png_structp, png_const_charp) {}

void png_read_source(png_structp png, png_bytep out, png_size_t len) {
  auto* src = static_cast<PngSource*>(png_get_io_ptr(png));
  if (len > src->size - src->pos) png_error(png, "file ends early (truncated)");
  std::memcpy(out, src->data + src->pos, len);
  src->pos += len;
}

// All libpng calls for one image. Returns false after a libpng error (message in the source).
// `img` and `rows` live in the caller's frame so that nothing here needs a destructor.
bool png_decode_into(png_structp png, png_infop info, Image& img, std::vector<png_bytep>& rows,
                     bool& too_large) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_read_fn(png, png_get_error_ptr(png), png_read_source);
  png_read_info(png, info);
  png_uint_32 width = png_get_image_width(png, info);
  png_uint_32 height = png_get_image_height(png, info);
  if (uint64_t(width) * height > kMaxPixels) {
    too_large = true;
    return false;
  }
  int color = png_get_color_type(png, info);
  int depth = png_get_bit_depth(png, info);
  // Palette -> RGB, grey of 1/2/4 bits -> 8 bits, a tRNS chunk -> alpha (stripped below).
  png_set_expand(png);
  // Rounds each 16-bit sample v to round(v * 255 / 65535) rather than keeping the high byte.
  if (depth == 16) png_set_scale_16(png);
  if (color & PNG_COLOR_MASK_ALPHA || png_get_valid(png, info, PNG_INFO_tRNS))
    png_set_strip_alpha(png);
  if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  if (png_get_rowbytes(png, info) != size_t(width) * 3) png_error(png, "unexpected row layout");
  img.width = int(width);
  img.height = int(height);
  img.rgb.resize(size_t(width) * height * 3);
  rows.resize(height);
  for (png_uint_32 y = 0; y < height; ++y) rows[y] = img.rgb.data() + size_t(y) * width * 3;
  png_read_image(png, rows.data());
  // Reads up to IEND, so a file cut after its pixel data is still reported as truncated.
  png_read_end(png, nullptr);
  return true;
}

Image decode_png(const uint8_t* bytes, size_t size, const std::string& what) {
  PngSource src{bytes, size, 0, {0}};
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_on_error, png_on_warning);
  if (!png) throw Error(what + ": cannot start the PNG decoder (out of memory)");
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    throw Error(what + ": cannot start the PNG decoder (out of memory)");
  }
  Image img;
  std::vector<png_bytep> rows;
  bool too_large = false;
  bool ok = false;
  try {
    ok = png_decode_into(png, info, img, rows, too_large);
  } catch (...) {  // std::bad_alloc from the vectors: free libpng's state all the same
    png_destroy_read_struct(&png, &info, nullptr);
    throw;
  }
  png_destroy_read_struct(&png, &info, nullptr);
  if (too_large) throw FormatError(what + ": PNG image too large (more than 2^28 pixels)");
  if (!ok) throw FormatError(what + ": corrupt or truncated PNG file: " + src.message);
  return img;
}

// ---- JPEG -----------------------------------------------------------------------------------

struct JpegErrors {
  jpeg_error_mgr mgr;  // first member: libjpeg hands back a pointer to it
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void jpeg_on_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// libjpeg calls corrupt data a warning and carries on: a truncated file decodes with its missing
// part filled in grey, after "Premature end of JPEG file". A model fed such pixels gives wrong
// answers quietly, so every warning is treated as an error; trace messages (level >= 0) are
// dropped.
void jpeg_on_message(j_common_ptr cinfo, int level) {
  if (level < 0) jpeg_on_error(cinfo);
}

bool jpeg_decode_into(jpeg_decompress_struct& cinfo, JpegErrors& err, const uint8_t* bytes,
                      size_t size, Image& img, bool& too_large) {
  if (setjmp(err.jump)) return false;
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, bytes, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  // Before jpeg_start_decompress: for a progressive file it sets up coefficient buffers for the
  // whole image and reads every scan, which for a header claiming 65000 x 65000 pixels takes
  // seconds even when the file is a few hundred bytes. (No scaling is asked for, so the output
  // has the image's size.)
  if (uint64_t(cinfo.image_width) * cinfo.image_height > kMaxPixels) {
    too_large = true;
    return false;
  }
  // libjpeg converts grey and YCbCr to RGB itself; CMYK/YCCK it refuses, which lands in the
  // error handler as "Unsupported color conversion request".
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  if (cinfo.output_components != 3) {
    std::snprintf(err.message, sizeof err.message, "%d output components, expected 3",
                  cinfo.output_components);
    return false;
  }
  img.width = int(cinfo.output_width);
  img.height = int(cinfo.output_height);
  img.rgb.resize(size_t(img.width) * img.height * 3);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = img.rgb.data() + size_t(cinfo.output_scanline) * img.width * 3;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  return true;
}

Image decode_jpeg(const uint8_t* bytes, size_t size, const std::string& what) {
  jpeg_decompress_struct cinfo;
  JpegErrors err;
  std::memset(&cinfo, 0, sizeof cinfo);
  err.message[0] = 0;
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = jpeg_on_error;
  err.mgr.emit_message = jpeg_on_message;
  Image img;
  bool too_large = false;
  bool ok = false;
  try {
    ok = jpeg_decode_into(cinfo, err, bytes, size, img, too_large);
  } catch (...) {  // std::bad_alloc from the pixel vector
    jpeg_destroy_decompress(&cinfo);
    throw;
  }
  // Safe after a longjmp at any point, and on a struct jpeg_create_decompress never reached
  // (its memory manager pointer is then still null from the memset).
  jpeg_destroy_decompress(&cinfo);
  if (too_large) throw FormatError(what + ": JPEG image too large (more than 2^28 pixels)");
  if (!ok) throw FormatError(what + ": corrupt or truncated JPEG file: " + err.message);
  return img;
}

}  // namespace

std::optional<FileFormat> detect_format(const uint8_t* bytes, size_t size) {
  if (size >= sizeof kPngMagic && std::memcmp(bytes, kPngMagic, sizeof kPngMagic) == 0)
    return FileFormat::png;
  if (size >= 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff)
    return FileFormat::jpeg;
  return std::nullopt;
}

Image decode(const uint8_t* bytes, size_t size, const std::string& what) {
  if (size == 0) throw FormatError(what + ": empty file, expected a PNG or JPEG image");
  auto format = detect_format(bytes, size);
  if (!format)
    throw FormatError(what + ": not a PNG or JPEG image (starts with " + hex_start(bytes, size) +
                      "; PNG starts 89 50 4e 47 0d 0a 1a 0a, JPEG ff d8 ff)");
  return *format == FileFormat::png ? decode_png(bytes, size, what)
                                    : decode_jpeg(bytes, size, what);
}

Image decode_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(path + ": cannot open image file: " + std::strerror(errno));
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  if (f.bad()) throw Error(path + ": cannot read image file");
  return decode(bytes.data(), bytes.size(), path);
}

}  // namespace apack::image

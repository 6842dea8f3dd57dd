// General-purpose byte compressors as comparison points. They see the stored int8/uint8 bytes
// (one value per byte), which is what a user would feed them.
#include <zlib.h>
#include <zstd.h>

#include <string>

#include "apack/compare.hpp"
#include "apack/error.hpp"

namespace apack::compare {

std::vector<uint8_t> zstd_compress(const uint8_t* data, size_t n, int level) {
  if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()) {
    throw Error("zstd: level " + std::to_string(level) + " is out of range (" +
                std::to_string(ZSTD_minCLevel()) + ".." + std::to_string(ZSTD_maxCLevel()) + ")");
  }
  std::vector<uint8_t> out(ZSTD_compressBound(n));
  const size_t got = ZSTD_compress(out.data(), out.size(), data, n, level);
  if (ZSTD_isError(got)) throw Error(std::string("zstd: ") + ZSTD_getErrorName(got));
  out.resize(got);
  return out;
}

std::vector<uint8_t> zstd_decompress(const uint8_t* bytes, size_t size, size_t n) {
  // One spare byte: a stream holding more than n bytes then fails for lack of room instead of
  // being cut at n and accepted.
  std::vector<uint8_t> out(n + 1);
  const size_t got = ZSTD_decompress(out.data(), out.size(), bytes, size);
  if (ZSTD_isError(got)) {
    throw FormatError(std::string("zstd stream: ") + ZSTD_getErrorName(got) + " (expected " +
                      std::to_string(n) + " bytes)");
  }
  if (got != n) {
    throw FormatError("zstd stream: decodes to " + std::to_string(got) + " bytes, expected " +
                      std::to_string(n));
  }
  out.resize(n);
  return out;
}

std::vector<uint8_t> deflate_compress(const uint8_t* data, size_t n, int level) {
  if (level < Z_DEFAULT_COMPRESSION || level > Z_BEST_COMPRESSION) {
    throw Error("deflate: level " + std::to_string(level) + " is out of range (-1..9)");
  }
  uLongf len = compressBound(uLong(n));
  std::vector<uint8_t> out(len);
  const int rc = compress2(out.data(), &len, data, uLong(n), level);
  if (rc != Z_OK) throw Error(std::string("deflate: compress2 failed: ") + zError(rc));
  out.resize(len);
  return out;
}

std::vector<uint8_t> deflate_decompress(const uint8_t* bytes, size_t size, size_t n) {
  std::vector<uint8_t> out(n + 1);
  uLongf len = uLongf(out.size());
  uLong used = uLong(size);
  // uncompress2 reports how much input it used, so bytes after the zlib stream are caught.
  const int rc = uncompress2(out.data(), &len, bytes, &used);
  // uncompress2 returns Z_BUF_ERROR only when the output is full, and Z_DATA_ERROR for both a
  // corrupt and an incomplete stream.
  if (rc == Z_BUF_ERROR) {
    throw FormatError("deflate stream: decodes to more than " + std::to_string(n) + " bytes");
  }
  if (rc != Z_OK) {
    throw FormatError(std::string("deflate stream: ") +
                      (rc == Z_DATA_ERROR ? "corrupt or truncated" : zError(rc)) + " (expected " +
                      std::to_string(n) + " bytes)");
  }
  if (len != n) {
    throw FormatError("deflate stream: decodes to " + std::to_string(len) + " bytes, expected " +
                      std::to_string(n));
  }
  if (used != size) {
    throw FormatError("deflate stream: " + std::to_string(size - used) +
                      " trailing bytes after the zlib stream");
  }
  out.resize(n);
  return out;
}

}  // namespace apack::compare

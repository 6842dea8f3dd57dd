// NumPy .npy files: parsing any simple array header, and writing headers exactly as
// numpy.save does (format 1.0), so `apack decompress` restores files byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace apack {

struct NpyArray {
  std::string descr;  // e.g. "|i1", "<f4"
  bool fortran_order = false;
  std::vector<uint64_t> shape;  // () for a scalar
  std::string header;           // the file's bytes before the data (magic .. newline)
  std::vector<uint8_t> data;    // the element bytes as stored

  uint64_t element_count() const;  // product of shape (1 for a scalar)
  size_t item_size() const;        // bytes per element from descr
};

// Parses a whole .npy file held in memory. `what` names the input in messages. Throws
// FormatError for a malformed or truncated file, naming what was found.
NpyArray parse_npy(const uint8_t* bytes, size_t size, const std::string& what);

// Refuses, with a message saying what was found and what is accepted, anything the codec cannot
// take: a dtype other than int8/uint8, Fortran order. Returns true for signed (int8) data.
bool require_codec_array(const NpyArray& a, const std::string& what);

// The header numpy.save writes for this array (format 1.0, its key order and spacing, padded
// with spaces to a multiple of 64 bytes, ending in a newline).
std::string npy_header(const std::string& descr, bool fortran_order,
                       const std::vector<uint64_t>& shape);

// A complete file: header + data.
std::vector<uint8_t> npy_file(const std::string& header, const uint8_t* data, size_t size);

}  // namespace apack

// Errors raised by the codec library. Every message names what was wrong and, where the caller
// gave one, the input it came from, so the CLI can print it unchanged.
#pragma once

#include <stdexcept>
#include <string>

namespace apack {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Raised while parsing or decoding bytes that do not form a valid container or file.
class FormatError : public Error {
 public:
  using Error::Error;
};

}  // namespace apack

// Turning array elements into the codes the table sees (spec sections 1, 2 and 4) and back.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace apack {

enum class ValueMap { raw, zigzag };
// What the user asks for: a fixed map, or `auto` (try both on signed data, keep the smaller).
enum class MapChoice { raw, zigzag, automatic };
const char* to_string(ValueMap m);

// Element interpretation of the array: int8 or uint8 bytes holding `bits`-bit values.
struct ElementFormat {
  bool is_signed = false;
  int bits = 8;
};

// The value map as two 256-entry tables between stored bytes and codes, and which bytes are
// legal values of the format. The coder composes these into its own lookup tables, so no array
// of codes is ever materialised.
struct CodeMap {
  std::array<uint8_t, 256> code_of_byte{};
  std::array<uint8_t, 256> byte_of_code{};  // sign-extended where signed
  std::array<uint8_t, 256> legal{};         // 1 where the byte is a value of the format
};
// Refuses zigzag on unsigned data (`what` names the input).
CodeMap make_code_map(ElementFormat f, ValueMap m, const std::string& what);

// Throws, naming the first offending index, unless every value fits the format.
void check_values(const uint8_t* data, size_t n, ElementFormat f, const std::string& what);

// Checks every value fits `bits` (naming the first offending index) and returns the codes.
// `what` names the input in error messages. zigzag is refused for unsigned data.
std::vector<uint8_t> to_codes(const uint8_t* data, size_t n, ElementFormat f, ValueMap m,
                              const std::string& what);

}  // namespace apack

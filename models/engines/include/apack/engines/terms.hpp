// Term encodings for term-serial engines (Laconic, engines.md §4): a value is written as a sum of
// signed powers of two ("terms"); an engine that processes one term pair per lane per cycle
// spends t(a) * t(w) lane-cycles on a product. The encoding is pluggable:
//   "naf"    non-adjacent form, the minimal signed-digit recoding (the default);
//   "binary" the set bits of the magnitude, each carrying the value's sign (no recoding: the
//            baseline that shows what Booth-like recoding buys).
// Values are integers up to 16 bits, signed or unsigned: [kTermValueMin, kTermValueMax].
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace apack::engines {

constexpr int32_t kTermValueMin = -32768;  // int16 minimum
constexpr int32_t kTermValueMax = 65535;   // uint16 maximum
// The most terms any encoding may give a value of the range: "binary" of 65535 has 16, NAF of a
// 17-bit magnitude at most 9; 17 leaves room for a recoding that carries into bit 16.
constexpr int kMaxTerms = 17;

// One term: sign * 2^exponent, exponent in 0..16, sign +1 or -1.
struct Term {
  int8_t exponent = 0;
  int8_t sign = 1;
};

class TermEncoding {
 public:
  virtual ~TermEncoding() = default;
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  // Writes the terms of v (lowest exponent first) to out[0..n) and returns n <= kMaxTerms; zero
  // has no terms. Throws apack::Error when v is outside [kTermValueMin, kTermValueMax].
  virtual int encode(int32_t v, Term* out) const = 0;

  std::vector<Term> terms(int32_t v) const;
  int count(int32_t v) const;
  // Term counts of every value of [kTermValueMin, kTermValueMax] (index v - kTermValueMin),
  // built once when the encoding is first used: the fast path of the engine models.
  const std::vector<uint8_t>& count_table() const;

 protected:
  void build_count_table();  // called by each concrete encoding's constructor

 private:
  std::vector<uint8_t> counts_;
};

// The encodings selectable by name, default first: {"naf", "binary"}.
std::vector<std::string> term_encoding_names();
// The encoding called `name` (a process-wide constant object); apack::Error listing the names
// when there is none.
const TermEncoding& term_encoding(const std::string& name);

// The value the terms stand for: sum of sign * 2^exponent.
int64_t decode_terms(const Term* terms, int n);
inline int64_t decode_terms(const std::vector<Term>& t) {
  return decode_terms(t.data(), int(t.size()));
}

// Term counts of the values lo..hi of one encoding (table[v - lo]), for a layer's value range.
std::vector<uint8_t> term_count_table(const TermEncoding& e, int32_t lo, int32_t hi);

}  // namespace apack::engines

#include "apack/engines/terms.hpp"

#include "apack/error.hpp"

namespace apack::engines {
namespace {

void check_range(const TermEncoding& e, int32_t v) {
  if (v < kTermValueMin || v > kTermValueMax)
    throw Error("term encoding " + e.name() + ": value " + std::to_string(v) +
                " is outside the 16-bit range " + std::to_string(kTermValueMin) + ".." +
                std::to_string(kTermValueMax));
}

// Non-adjacent form: scanning the magnitude from the least significant bit, an odd remainder x
// emits the digit d = 2 - (x mod 4), i.e. +1 when x ends in binary 01 and -1 when it ends in 11
// (a run of ones becomes 2^(top+1) - 2^low), so x - d is a multiple of 4 and the next digit is
// zero: no two adjacent non-zero digits, which makes the digit count minimal among signed-digit
// representations. NAF(-x) = -NAF(x), so negative values recode their magnitude with the signs
// flipped.
class Naf final : public TermEncoding {
 public:
  Naf() { build_count_table(); }
  std::string name() const override { return "naf"; }
  std::string description() const override {
    return "naf (non-adjacent form, minimal signed-digit recoding)";
  }
  int encode(int32_t v, Term* out) const override {
    check_range(*this, v);
    const int8_t sign = v < 0 ? -1 : 1;
    int64_t x = v < 0 ? -int64_t(v) : int64_t(v);
    int n = 0;
    for (int8_t e = 0; x != 0; ++e, x >>= 1) {
      if ((x & 1) == 0) continue;
      const int d = 2 - int(x & 3);  // +1 or -1
      out[n++] = Term{e, int8_t(sign * d)};
      x -= d;
    }
    return n;
  }
};

// Plain binary: one term per set bit of |v|, all with v's sign (sign-magnitude, no recoding).
class Binary final : public TermEncoding {
 public:
  Binary() { build_count_table(); }
  std::string name() const override { return "binary"; }
  std::string description() const override {
    return "binary (set bits of the magnitude with the value's sign, no recoding)";
  }
  int encode(int32_t v, Term* out) const override {
    check_range(*this, v);
    const int8_t sign = v < 0 ? -1 : 1;
    const uint32_t x = uint32_t(v < 0 ? -int64_t(v) : int64_t(v));
    int n = 0;
    for (int8_t e = 0; e < 17; ++e)
      if (x >> e & 1u) out[n++] = Term{e, sign};
    return n;
  }
};

}  // namespace

std::vector<Term> TermEncoding::terms(int32_t v) const {
  Term t[kMaxTerms];
  const int n = encode(v, t);
  return std::vector<Term>(t, t + n);
}

int TermEncoding::count(int32_t v) const {
  Term t[kMaxTerms];
  return encode(v, t);
}

const std::vector<uint8_t>& TermEncoding::count_table() const { return counts_; }

void TermEncoding::build_count_table() {
  counts_ = term_count_table(*this, kTermValueMin, kTermValueMax);
}

std::vector<std::string> term_encoding_names() { return {"naf", "binary"}; }

const TermEncoding& term_encoding(const std::string& name) {
  // Function-local statics: built once, thread-safe, immutable afterwards.
  static const Naf naf;
  static const Binary binary;
  if (name == "naf") return naf;
  if (name == "binary") return binary;
  std::string list;
  for (const auto& n : term_encoding_names()) list += (list.empty() ? "" : ", ") + n;
  throw Error("unknown term encoding '" + name + "': choose one of " + list);
}

int64_t decode_terms(const Term* terms, int n) {
  int64_t s = 0;
  for (int i = 0; i < n; ++i) s += int64_t(terms[i].sign) * (int64_t(1) << terms[i].exponent);
  return s;
}

std::vector<uint8_t> term_count_table(const TermEncoding& e, int32_t lo, int32_t hi) {
  if (lo > hi)
    throw Error("term count table: empty range " + std::to_string(lo) + ".." + std::to_string(hi));
  std::vector<uint8_t> t(size_t(int64_t(hi) - lo + 1));
  Term buf[kMaxTerms];
  for (int64_t v = lo; v <= hi; ++v) t[size_t(v - lo)] = uint8_t(e.encode(int32_t(v), buf));
  return t;
}

}  // namespace apack::engines

// .npy reading and writing. The reader is a small recursive-descent parser for the one Python
// literal numpy writes (a dict with 'descr', 'fortran_order' and 'shape'); it accepts what
// numpy.load accepts for simple dtypes and never reads past the buffer it is given.
#include "apack/npy.hpp"

#include <cctype>
#include <cstring>
#include <limits>

#include "apack/error.hpp"

namespace apack {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
// numpy 2.x raised NPY_MAXDIMS from 32 to 64; accepting 64 reads files from either, and keeps
// every header npy_header can produce far below the 64 KiB limit of format 1.0.
constexpr size_t kMaxDims = 64;
// numpy stores dimensions as npy_intp.
constexpr uint64_t kMaxDim = uint64_t(std::numeric_limits<int64_t>::max());

// A descr string split into its parts, e.g. "<M8[ns]" -> '<', 'M', 8, "[ns]".
struct Descr {
  char order = '|';
  char kind = 0;
  uint64_t count = 0;  // the number after the kind (characters for 'U', bytes otherwise)
  bool has_count = false;
  std::string unit;
};

bool split_descr(const std::string& s, Descr& d) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '<' || s[i] == '>' || s[i] == '|' || s[i] == '=')) d.order = s[i++];
  if (i >= s.size()) return false;
  d.kind = s[i++];
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    // Keeps item sizes small enough that no later product can overflow on their account.
    if (d.count > (uint64_t(1) << 31)) return false;
    d.count = d.count * 10 + uint64_t(s[i++] - '0');
    d.has_count = true;
  }
  d.unit = s.substr(i);
  return true;
}

// Bytes per element, or 0 with ok=false for a descr this reader does not recognise.
size_t descr_item_size(const std::string& s, bool& ok) {
  ok = false;
  Descr d;
  if (!split_descr(s, d)) return 0;
  const uint64_t c = d.count;
  auto one_of = [c](std::initializer_list<uint64_t> sizes) {
    for (uint64_t v : sizes)
      if (c == v) return true;
    return false;
  };
  if (!d.unit.empty() && d.kind != 'M' && d.kind != 'm') return 0;
  switch (d.kind) {
    case 'i':
    case 'u':
      ok = d.has_count && one_of({1, 2, 4, 8});
      break;
    case 'f':
      ok = d.has_count && one_of({2, 4, 8, 12, 16});
      break;
    case 'c':
      ok = d.has_count && one_of({8, 16, 24, 32});
      break;
    case 'b':
      ok = d.has_count && c == 1;
      break;
    case 'S':
    case 'a':
    case 'V':
      ok = d.has_count;
      break;
    case 'U':
      ok = d.has_count;
      return ok ? size_t(c * 4) : 0;
    case 'O':
      // Object arrays hold pickles, not elements; 8 is numpy's pointer-sized itemsize.
      ok = !d.has_count || one_of({4, 8});
      return ok ? 8 : 0;
    case 'M':
    case 'm': {
      ok = d.has_count && c == 8;
      if (!d.unit.empty()) {
        ok = ok && d.unit.size() >= 3 && d.unit.front() == '[' && d.unit.back() == ']';
        for (size_t k = 1; ok && k + 1 < d.unit.size(); ++k) {
          const char ch = d.unit[k];
          ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        }
      }
      break;
    }
    default:
      return 0;
  }
  return ok ? size_t(c) : 0;
}

// The dtype in words for messages, e.g. "float32", "big-endian int16", "object".
std::string dtype_words(const std::string& s) {
  Descr d;
  bool ok = false;
  descr_item_size(s, ok);
  if (!ok || !split_descr(s, d)) return "unrecognised";
  const std::string bitsz = std::to_string(d.count * 8);
  std::string name;
  switch (d.kind) {
    case 'i':
      name = "int" + bitsz;
      break;
    case 'u':
      name = "uint" + bitsz;
      break;
    case 'f':
      name = d.count == 2   ? "float16"
             : d.count == 4 ? "float32"
             : d.count == 8 ? "float64"
                            : "float" + bitsz + " (long double)";
      break;
    case 'c':
      name = "complex" + bitsz;
      break;
    case 'b':
      name = "bool";
      break;
    case 'S':
    case 'a':
      name = "bytes of length " + std::to_string(d.count);
      break;
    case 'U':
      name = "unicode string of length " + std::to_string(d.count);
      break;
    case 'V':
      name = "void (raw " + std::to_string(d.count) + " bytes)";
      break;
    case 'O':
      return "object";
    case 'M':
      name = "datetime64" + d.unit;
      break;
    case 'm':
      name = "timedelta64" + d.unit;
      break;
  }
  // Byte order only matters to a reader when an element has more than one byte.
  const bool multibyte = d.count > 1 && d.kind != 'S' && d.kind != 'a' && d.kind != 'V';
  if (d.order == '>' && multibyte) name = "big-endian " + name;
  return name;
}

std::string shape_repr(const std::vector<uint64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

// Product of the dims; false when it does not fit in 64 bits. A zero dim makes the product 0
// whatever the others are, as in numpy, so it is checked first.
bool checked_count(const std::vector<uint64_t>& shape, uint64_t& out) {
  for (uint64_t d : shape) {
    if (d == 0) {
      out = 0;
      return true;
    }
  }
  uint64_t p = 1;
  for (uint64_t d : shape) {
    if (__builtin_mul_overflow(p, d, &p)) return false;
  }
  out = p;
  return true;
}

uint32_t read_le(const uint8_t* p, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// The header dict as Python's literal syntax allows numpy to write it: any key order, any
// whitespace, either quote style, an optional trailing comma.
class HeaderParser {
 public:
  HeaderParser(const char* text, size_t size, const std::string& what)
      : s_(text), n_(size), what_(what) {}

  void parse(NpyArray& a) {
    bool have_descr = false, have_order = false, have_shape = false;
    skip_ws();
    expect('{', "the header to start with '{'");
    skip_ws();
    while (peek() != '}') {
      const std::string key = parse_string("a quoted key");
      skip_ws();
      expect(':', "':' after the key");
      skip_ws();
      if (key == "descr") {
        once(have_descr, key);
        a.descr = parse_descr();
      } else if (key == "fortran_order") {
        once(have_order, key);
        a.fortran_order = parse_bool();
      } else if (key == "shape") {
        once(have_shape, key);
        a.shape = parse_shape();
      } else {
        fail("unexpected key '" + printable(key) +
             "' (a .npy header has exactly 'descr', 'fortran_order' and 'shape')");
      }
      skip_ws();
      if (peek() == ',') {
        ++i_;
        skip_ws();
      } else if (peek() != '}') {
        fail_at("',' or '}' after the value of '" + key + "'");
      }
    }
    ++i_;
    skip_ws();
    if (i_ != n_) fail_at("only whitespace after the closing '}'");
    if (!have_descr || !have_order || !have_shape) {
      fail(std::string("missing key '") +
           (!have_descr   ? "descr"
            : !have_order ? "fortran_order"
                          : "shape") +
           "'");
    }
  }

 private:
  [[noreturn]] void fail(const std::string& msg) const {
    throw FormatError(what_ + ": malformed .npy header: " + msg);
  }
  [[noreturn]] void fail_at(const std::string& expected) const {
    std::string found = i_ < n_ ? "'" + printable(std::string(1, s_[i_])) + "'" : "the end";
    fail("expected " + expected + " at header offset " + std::to_string(i_) + ", found " + found);
  }
  static std::string printable(const std::string& in) {
    std::string out;
    for (unsigned char c : in.substr(0, 40)) {
      if (c >= 0x20 && c < 0x7F) {
        out += char(c);
      } else {
        static const char hex[] = "0123456789abcdef";
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    if (in.size() > 40) out += "...";
    return out;
  }
  void once(bool& seen, const std::string& key) {
    if (seen) fail("key '" + key + "' appears twice");
    seen = true;
  }
  char peek() const { return i_ < n_ ? s_[i_] : '\0'; }
  bool at_end() const { return i_ >= n_; }
  void expect(char c, const std::string& what) {
    if (at_end() || s_[i_] != c) fail_at(what);
    ++i_;
  }
  void skip_ws() {
    while (i_ < n_ && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r' ||
                       s_[i_] == '\f' || s_[i_] == '\v'))
      ++i_;
  }

  std::string parse_string(const char* what) {
    const char q = peek();
    if (q != '\'' && q != '"') fail_at(what);
    ++i_;
    std::string out;
    while (true) {
      if (at_end()) fail("unterminated string");
      char c = s_[i_++];
      if (c == q) break;
      if (c == '\n') fail("unterminated string");
      if (c == '\\') {
        // dtype strings never need escapes; taking the next character literally is enough to
        // keep a quoted quote from ending the string.
        if (at_end()) fail("unterminated string");
        c = s_[i_++];
      }
      out += c;
    }
    return out;
  }

  std::string parse_descr() {
    const char c = peek();
    if (c == '[') {
      fail_structured();
    }
    if (c == '(') {
      throw FormatError(what_ +
                        ": subarray dtype (descr is a tuple) is not supported; apack accepts "
                        "int8 or uint8 arrays (C order)");
    }
    return parse_string("a quoted dtype string for 'descr'");
  }
  [[noreturn]] void fail_structured() const {
    throw FormatError(what_ +
                      ": structured dtype (descr is a list of fields) is not supported; apack "
                      "accepts int8 or uint8 arrays (C order)");
  }

  bool parse_bool() {
    auto word = [this](const char* w) {
      const size_t len = std::strlen(w);
      if (n_ - i_ < len || std::memcmp(s_ + i_, w, len) != 0) return false;
      // "Truex" is an identifier, not True.
      const size_t j = i_ + len;
      if (j < n_ && (std::isalnum(static_cast<unsigned char>(s_[j])) || s_[j] == '_')) return false;
      i_ = j;
      return true;
    };
    if (word("True")) return true;
    if (word("False")) return false;
    fail_at("True or False for 'fortran_order'");
  }

  uint64_t parse_dim() {
    if (peek() < '0' || peek() > '9') fail_at("a non-negative integer in 'shape'");
    // Python 3 rejects leading zeros in a decimal literal (other than 0 itself).
    if (peek() == '0' && i_ + 1 < n_ && s_[i_ + 1] >= '0' && s_[i_ + 1] <= '9')
      fail_at("an integer without leading zeros in 'shape'");
    uint64_t v = 0;
    while (i_ < n_ && s_[i_] >= '0' && s_[i_] <= '9') {
      const uint64_t digit = uint64_t(s_[i_] - '0');
      if (v > (kMaxDim - digit) / 10) fail("a dimension in 'shape' exceeds 2^63-1");
      v = v * 10 + digit;
      ++i_;
    }
    // numpy strips the 'L' suffix that Python 2 wrote on long integers in format 1.0/2.0 files.
    if (peek() == 'L' || peek() == 'l') ++i_;
    return v;
  }

  std::vector<uint64_t> parse_shape() {
    expect('(', "a tuple for 'shape'");
    std::vector<uint64_t> dims;
    bool trailing_comma = false;
    skip_ws();
    while (peek() != ')') {
      if (dims.size() == kMaxDims)
        fail("'shape' has more than " + std::to_string(kMaxDims) + " dimensions");
      dims.push_back(parse_dim());
      skip_ws();
      trailing_comma = false;
      if (peek() == ',') {
        ++i_;
        trailing_comma = true;
        skip_ws();
      } else if (peek() != ')') {
        fail_at("',' or ')' in 'shape'");
      }
    }
    ++i_;
    // "(5)" is the integer 5 in Python, not a tuple, and numpy refuses it.
    if (dims.size() == 1 && !trailing_comma) fail("'shape' (n) is an integer; a 1-D shape is (n,)");
    return dims;
  }

  const char* s_;
  size_t n_;
  size_t i_ = 0;
  const std::string& what_;
};

}  // namespace

uint64_t NpyArray::element_count() const {
  uint64_t n = 0;
  if (!checked_count(shape, n)) throw FormatError("shape " + shape_repr(shape) + " overflows");
  return n;
}

size_t NpyArray::item_size() const {
  bool ok = false;
  const size_t s = descr_item_size(descr, ok);
  if (!ok) throw FormatError("unrecognised dtype descr '" + descr + "'");
  return s;
}

NpyArray parse_npy(const uint8_t* bytes, size_t size, const std::string& what) {
  if (size < kMagicLen + 2 || std::memcmp(bytes, kMagic, kMagicLen) != 0) {
    throw FormatError(what + ": not a .npy file (it does not start with \\x93NUMPY)");
  }
  const int major = bytes[6], minor = bytes[7];
  size_t len_bytes = 0;
  if (minor == 0 && major == 1) {
    len_bytes = 2;
  } else if (minor == 0 && (major == 2 || major == 3)) {
    len_bytes = 4;
  } else {
    throw FormatError(what + ": unsupported .npy format version " + std::to_string(major) + "." +
                      std::to_string(minor) + " (known: 1.0, 2.0, 3.0)");
  }
  const size_t prefix = kMagicLen + 2 + len_bytes;
  if (size < prefix) {
    throw FormatError(what + ": truncated: the file ends inside the .npy header length");
  }
  const size_t hlen = read_le(bytes + kMagicLen + 2, int(len_bytes));
  if (hlen > size - prefix) {
    throw FormatError(what + ": truncated: the header length field says " + std::to_string(hlen) +
                      " bytes but only " + std::to_string(size - prefix) + " follow");
  }

  NpyArray a;
  HeaderParser(reinterpret_cast<const char*>(bytes) + prefix, hlen, what).parse(a);
  a.header.assign(reinterpret_cast<const char*>(bytes), prefix + hlen);

  bool ok = false;
  const size_t item = descr_item_size(a.descr, ok);
  if (!ok) {
    throw FormatError(what + ": unrecognised dtype descr '" + a.descr + "' in the .npy header");
  }
  uint64_t count = 0, need = 0;
  if (!checked_count(a.shape, count) || __builtin_mul_overflow(count, uint64_t(item), &need)) {
    throw FormatError(what + ": shape " + shape_repr(a.shape) + " of " + dtype_words(a.descr) +
                      " is too large to be a file");
  }
  const uint8_t* data = bytes + prefix + hlen;
  const size_t found = size - prefix - hlen;
  Descr d;
  split_descr(a.descr, d);
  // Object arrays are stored as a pickle whose length the shape does not determine; the data is
  // kept only so require_codec_array can name the dtype.
  if (d.kind != 'O') {
    if (found < need) {
      throw FormatError(what + ": truncated: shape " + shape_repr(a.shape) + " of " +
                        dtype_words(a.descr) + " needs " + std::to_string(need) +
                        " data bytes, found " + std::to_string(found));
    }
    if (found > need) {
      throw FormatError(what + ": " + std::to_string(found - need) +
                        " trailing bytes after the data: shape " + shape_repr(a.shape) + " of " +
                        dtype_words(a.descr) + " needs " + std::to_string(need) +
                        " data bytes, found " + std::to_string(found));
    }
  }
  a.data.assign(data, data + found);
  return a;
}

bool require_codec_array(const NpyArray& a, const std::string& what) {
  Descr d;
  const bool split = split_descr(a.descr, d);
  const bool one_byte_int =
      split && (d.kind == 'i' || d.kind == 'u') && d.has_count && d.count == 1 && d.unit.empty();
  if (!one_byte_int) {
    const std::string words = dtype_words(a.descr);
    const std::string named =
        words == "unrecognised" ? "'" + a.descr + "'" : words + " ('" + a.descr + "')";
    throw FormatError(what + ": dtype " + named +
                      " is not supported; apack accepts int8 or uint8 arrays (C order)");
  }
  if (a.fortran_order) {
    throw FormatError(what +
                      ": Fortran-ordered arrays are not supported; save it with "
                      "np.ascontiguousarray");
  }
  return d.kind == 'i';
}

std::string npy_header(const std::string& descr, bool fortran_order,
                       const std::vector<uint64_t>& shape) {
  for (char c : descr) {
    // Python's repr would escape or switch quotes for these; numpy never writes them.
    if (c < 0x20 || c >= 0x7F || c == '\'' || c == '\\')
      throw Error("npy_header: descr '" + descr + "' is not a plain dtype string");
  }
  if (shape.size() > kMaxDims) {
    throw Error("npy_header: " + std::to_string(shape.size()) + " dimensions (at most " +
                std::to_string(kMaxDims) + ")");
  }
  std::string dict = "{'descr': '" + descr +
                     "', 'fortran_order': " + (fortran_order ? "True" : "False") +
                     ", 'shape': " + shape_repr(shape) + ", }";
  // numpy >= 1.23 leaves room for the growing axis (the first, or the last when Fortran-ordered)
  // to reach 21 digits, so the header can be rewritten in place when data is appended.
  if (!shape.empty()) {
    const std::string grow = std::to_string(fortran_order ? shape.back() : shape.front());
    if (grow.size() < 21) dict.append(21 - grow.size(), ' ');
  }
  // Magic, version and the 2-byte length, then the dict, padding and '\n' end on a multiple of
  // 64 bytes; an already aligned length still gets a full 64 bytes of padding, as in numpy.
  const size_t hlen = dict.size() + 1;
  const size_t pad = 64 - (kMagicLen + 2 + 2 + hlen) % 64;
  const size_t total = hlen + pad;
  std::string out(kMagic, kMagicLen);
  out += '\x01';
  out += '\x00';
  out += char(total & 0xFF);
  out += char(total >> 8);
  out += dict;
  out.append(pad, ' ');
  out += '\n';
  return out;
}

std::vector<uint8_t> npy_file(const std::string& header, const uint8_t* data, size_t size) {
  std::vector<uint8_t> out;
  out.reserve(header.size() + size);
  out.insert(out.end(), header.begin(), header.end());
  if (size > 0) out.insert(out.end(), data, data + size);
  return out;
}

}  // namespace apack

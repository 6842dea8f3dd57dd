// Names of the codec choices and table sources, as scenarios spell them.
#include "apack/error.hpp"
#include "apack/pipeline/stored_tensor.hpp"

namespace apack::pipeline {

const char* to_string(Codec c) {
  switch (c) {
    case Codec::apack:
      return "apack";
    case Codec::bypass:
      return "bypass";
    case Codec::zrle:
      return "zrle";
    case Codec::shapeshifter:
      return "shapeshifter";
  }
  return "?";
}

Codec parse_codec(const std::string& name, const std::string& what) {
  for (Codec c : {Codec::apack, Codec::bypass, Codec::zrle, Codec::shapeshifter})
    if (name == to_string(c)) return c;
  throw Error(what + ": unknown codec '" + name + "' (apack, bypass, zrle or shapeshifter)");
}

const char* to_string(TableSource s) { return s == TableSource::profile ? "profile" : "oracle"; }

TableSource parse_table_source(const std::string& name, const std::string& what) {
  if (name == "profile") return TableSource::profile;
  if (name == "oracle") return TableSource::oracle;
  throw Error(what + ": unknown table source '" + name + "' (profile or oracle)");
}

}  // namespace apack::pipeline

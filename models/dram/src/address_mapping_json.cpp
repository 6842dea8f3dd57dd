#include "apack/dram/address_mapping.hpp"
#include "json_fields.hpp"

namespace apack::dram {

AddressMapping parse_address_mapping(const std::string& text, const std::string& source) {
  const auto j = detail::parse_json(text, source);
  if (!j.is_object()) throw apack::FormatError(source + ": address mapping must be a JSON object");
  const detail::Node m = detail::Node{j, source, ""}.child("addressmapping");
  AddressMapping out;
  bool rank_seen = false;
  for (auto it = m.j.begin(); it != m.j.end(); ++it) {
    const std::string& key = it.key();
    if (key == "XOR") {
      if (!it->is_array()) m.fail(key, "must be a list of {\"FIRST\", \"SECOND\"} objects");
      for (size_t i = 0; i < it->size(); ++i) {
        const auto& e = (*it)[i];
        if (!e.is_object()) m.fail(key, "entry " + std::to_string(i) + " must be an object");
        const detail::Node x{e, source, m.path + ".XOR[" + std::to_string(i) + "]"};
        out.xors.push_back(
            {uint8_t(x.integer("FIRST", 0, 63)), uint8_t(x.integer("SECOND", 0, 63))});
      }
      continue;
    }
    Field field = Field::Byte;
    bool known = false;
    for (int f = 0; f < kFieldCount; ++f)
      if (key == json_name(Field(f))) {
        field = Field(f);
        known = true;
      }
    if (key == "PSEUDOCHANNEL_BIT") {  // HBM2 pseudo channels are the ranks of a channel
      field = Field::Rank;
      known = true;
    }
    if (!known) m.fail(key, "unknown field");
    if (field == Field::Rank) {
      if (rank_seen) m.fail(key, "RANK_BIT and PSEUDOCHANNEL_BIT may not both be given");
      rank_seen = true;
    }
    if (!it->is_array()) m.fail(key, "must be a list of bit positions");
    // A field decodes to a 32-bit value (DecodedAddress), so it has at most 32 bits.
    if (it->size() > 32) m.fail(key, "has " + std::to_string(it->size()) + " bits; at most 32");
    for (const auto& b : *it) {
      if (!b.is_number_integer() || b.get<int64_t>() < 0 || b.get<int64_t>() > 63)
        m.fail(key, "bit positions must be integers in [0, 63], got " + b.dump());
      out[field].push_back(uint8_t(b.get<int64_t>()));
    }
  }
  return out;
}

AddressMapping load_address_mapping(const std::string& path) {
  return parse_address_mapping(detail::read_text_file(path), path);
}

}  // namespace apack::dram

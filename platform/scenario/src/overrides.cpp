#include "overrides.hpp"

#include "apack/error.hpp"

namespace apack::scenario::detail {

namespace {

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

std::vector<std::string> split_key(const std::string& key, const std::string& shown) {
  std::vector<std::string> parts(1);
  for (char c : key) {
    if (c == '.') {
      if (parts.back().empty()) break;
      parts.emplace_back();
    } else if (word_char(c)) {
      parts.back() += c;
    } else {
      throw FormatError(shown +
                        ": the key must be dotted words (letters, digits, '_', '-'), e.g. "
                        "codec.units");
    }
  }
  for (const std::string& p : parts)
    if (p.empty())
      throw FormatError(shown +
                        ": the key must be dotted words with no empty part, e.g. "
                        "codec.units");
  return parts;
}

YAML::Node parse_value(const std::string& text, const std::string& shown) {
  YAML::Node v;
  try {
    v = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw FormatError(shown + ": the value is not a YAML scalar or flow list: " + e.msg);
  }
  if (v.IsNull() && text.find_first_not_of(" \t") == std::string::npos)
    throw FormatError(shown + ": no value after '='");
  if (v.IsMap())
    throw FormatError(shown +
                      ": the value must be a scalar or a flow list such as [a, b]; set "
                      "the keys of a section one by one");
  return v;
}

}  // namespace

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, Origin& origin) {
  if (overrides.empty()) return;
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) return;  // the file's own error is reported first
  for (const std::string& text : overrides) {
    const std::string shown = "--set " + text;
    const size_t eq = text.find('=');
    if (eq == std::string::npos) throw FormatError(shown + ": expected key=value");
    const std::vector<std::string> parts = split_key(text.substr(0, eq), shown);
    const YAML::Node value = parse_value(text.substr(eq + 1), shown);
    YAML::Node cur = root;  // reset(), never operator=: assigning a Node overwrites its target
    std::string path;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      path += (path.empty() ? "" : ".") + parts[i];
      YAML::Node next = cur[parts[i]];
      if (!next.IsDefined() || next.IsNull()) {
        cur[parts[i]] = YAML::Node(YAML::NodeType::Map);
        next.reset(cur[parts[i]]);
        origin.overrides.emplace_back(path, shown);
      } else if (!next.IsMap()) {
        throw FormatError(shown + ": " + path +
                          " is not a section (it holds a value), so it has "
                          "no key " +
                          parts[i + 1]);
      }
      cur.reset(next);
    }
    path += (path.empty() ? "" : ".") + parts.back();
    // Removed first: a key that is a YAML alias would otherwise change its anchor too.
    cur.remove(parts.back());
    cur[parts.back()] = value;
    origin.overrides.emplace_back(path, shown);
  }
}

}  // namespace apack::scenario::detail

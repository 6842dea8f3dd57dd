// Reads a technology energy table (docs/engine-energy.md):
//
//   technology: 65nm
//   description: ...            (optional)
//   offchip_memory: LPDDR4 ...  (optional)
//   events:
//     mac8.active: {pJ: 0.55, source: "...", derived: true}
//
// Strict on purpose: a typo in a key or a quoted number would otherwise leave an energy out or
// at a default, and the report would look plausible. Every error names the file, the line and
// the key.
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "apack/engines/energy.hpp"
#include "apack/error.hpp"
#include "tech_tables.hpp"

namespace apack::engines {

namespace {

constexpr size_t kMaxTableBytes = size_t(1) << 20;  // a table is a few kB
// No single event of an engine costs a microjoule; a larger figure is a unit mistake.
constexpr double kMaxPicojoules = 1e6;

// Where a value is: the file, the line of its key (1-based) and the dotted key path.
struct Place {
  const std::string* file;
  int line;
  std::string key;

  [[noreturn]] void fail(const std::string& problem) const {
    throw FormatError(*file + ":" + std::to_string(line) + ": " + (key.empty() ? "" : key + ": ") +
                      problem);
  }
};

int line_of(const YAML::Node& n, int fallback) {
  return n.Mark().is_null() ? fallback : n.Mark().line + 1;
}

// A plain (unquoted, untagged) scalar: numbers and booleans must be written as such.
bool plain_scalar(const YAML::Node& n) { return n.IsScalar() && n.Tag() == "?"; }

std::string shown(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (!n.IsScalar()) return "nothing";
  std::string s = n.Scalar();
  if (s.size() > 40) s = s.substr(0, 40) + "...";
  return (plain_scalar(n) ? "'" : "quoted '") + s + "'";
}

// The entries of a mapping in file order, each with the line of its key. Keys must be plain
// scalars and appear once (yaml-cpp keeps both entries of a repeated key).
struct Entry {
  std::string key;
  int line;
  YAML::Node value;
};

std::vector<Entry> entries(const YAML::Node& map, const Place& at) {
  if (!map.IsMap()) at.fail("must be a mapping, got " + shown(map));
  std::vector<Entry> out;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const int line = line_of(it->first, at.line);
    const std::string path_prefix = at.key.empty() ? "" : at.key + ".";
    if (!it->first.IsScalar() || it->first.Scalar().empty())
      Place{at.file, line, at.key}.fail("keys must be plain words, got " + shown(it->first));
    const std::string key = it->first.Scalar();
    for (const Entry& e : out)
      if (e.key == key)
        Place{at.file, line, path_prefix + key}.fail("given twice (first on line " +
                                                     std::to_string(e.line) + ")");
    out.push_back({key, line, it->second});
  }
  return out;
}

std::string text_value(const YAML::Node& n, const Place& at) {
  if (!n.IsScalar()) at.fail("must be text, got " + shown(n));
  const std::string& s = n.Scalar();
  if (s.find_first_not_of(" \t\r\n") == std::string::npos) at.fail("must not be empty");
  return s;
}

double picojoules(const YAML::Node& n, const Place& at) {
  if (!plain_scalar(n)) at.fail("must be a number (pJ), got " + shown(n));
  const std::string& s = n.Scalar();
  // YAML spells infinity and NaN .inf and .nan; from_chars reads inf and nan.
  std::string word;
  for (char c : s) word += char(std::tolower(static_cast<unsigned char>(c)));
  if (!word.empty() && (word[0] == '+' || word[0] == '-')) word.erase(0, 1);
  if (!word.empty() && word[0] == '.') word.erase(0, 1);
  if (word == "inf" || word == "infinity" || word == "nan")
    at.fail("must be a finite number, got " + shown(n));
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range)
    at.fail("must be a finite number within double range, got " + shown(n));
  if (ec != std::errc() || end != s.data() + s.size())
    at.fail("must be a number (pJ), got " + shown(n));
  if (!std::isfinite(v)) at.fail("must be a finite number, got " + shown(n));
  if (v < 0) at.fail("must not be negative, got " + shown(n));
  if (v > kMaxPicojoules) at.fail("implausibly large for one event (over 1e6 pJ), got " + shown(n));
  return v == 0 ? 0.0 : v;  // -0 reads as 0
}

bool boolean(const YAML::Node& n, const Place& at) {
  if (plain_scalar(n) && n.Scalar() == "true") return true;
  if (plain_scalar(n) && n.Scalar() == "false") return false;
  at.fail("must be true or false, got " + shown(n));
}

// "component.event": lower-case letters, digits and '_', parts joined by '.', none empty.
bool valid_event_name(const std::string& s) {
  if (s.find('.') == std::string::npos) return false;
  bool part_empty = true;
  for (char c : s) {
    if (c == '.') {
      if (part_empty) return false;
      part_empty = true;
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
      part_empty = false;
    } else {
      return false;
    }
  }
  return !part_empty;
}

EventEnergySource read_event(const Entry& e, const std::string& file) {
  const Place at{&file, e.line, "events." + e.key};
  if (!valid_event_name(e.key))
    at.fail("event names are component.event (lower-case letters, digits, '_')");
  EventEnergySource out;
  bool has_pj = false, has_source = false;
  for (const Entry& f : entries(e.value, at)) {
    const Place fat{&file, f.line, at.key + "." + f.key};
    if (f.key == "pJ") {
      out.pJ = picojoules(f.value, fat);
      has_pj = true;
    } else if (f.key == "source") {
      out.source = text_value(f.value, fat);
      has_source = true;
    } else if (f.key == "derived") {
      out.derived = boolean(f.value, fat);
    } else {
      fat.fail("unknown key (known here: pJ, source, derived)");
    }
  }
  if (!has_pj) Place{&file, e.line, at.key + ".pJ"}.fail("missing (the energy of one event)");
  if (!has_source)
    Place{&file, e.line, at.key + ".source"}.fail("missing (every number names its source)");
  return out;
}

// Counts the documents of a stream (and where the second begins) without building nodes.
class DocumentCounter final : public YAML::EventHandler {
 public:
  int documents = 0;
  YAML::Mark second;
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents == 2) second = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

[[noreturn]] void syntax_error(const YAML::Exception& e, const std::string& file) {
  const int line = e.mark.is_null() ? 1 : e.mark.line + 1;
  const std::string column = e.mark.is_null() ? "" : std::to_string(e.mark.column + 1) + ":";
  throw FormatError(file + ":" + std::to_string(line) + ":" + column + " not valid YAML: " + e.msg);
}

YAML::Node load_one_document(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);  // the first document only
    // Is there a second one? yaml-cpp 0.7's LoadAll can loop forever on some malformed streams
    // (each call reports a document without consuming input), so ask for at most two.
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    DocumentCounter counter;
    if (parser.HandleNextDocument(counter)) parser.HandleNextDocument(counter);
    if (counter.documents > 1)
      Place{&file, counter.second.is_null() ? 1 : counter.second.line + 1, ""}.fail(
          "a table is one YAML document, this text has more");
  } catch (const YAML::Exception& e) {
    syntax_error(e, file);
  }
  return root;
}

EnergyTable read_table(const std::string& text, const std::string& file) {
  if (text.size() > kMaxTableBytes)
    throw FormatError(file + ": " + std::to_string(text.size()) +
                      " bytes is too large for an energy table (at most 1 MiB)");
  const YAML::Node root = load_one_document(text, file);
  const Place top{&file, line_of(root, 1), ""};
  if (!root.IsMap())
    top.fail(
        "must be a mapping with technology, events (and optionally description, "
        "offchip_memory), got " +
        shown(root));
  EnergyTable t;
  t.name = file;
  bool has_technology = false, has_events = false;
  for (const Entry& e : entries(root, top)) {
    const Place at{&file, e.line, e.key};
    if (e.key == "technology") {
      t.technology = text_value(e.value, at);
      has_technology = true;
    } else if (e.key == "description") {
      if (!e.value.IsNull()) t.description = text_value(e.value, at);
    } else if (e.key == "offchip_memory") {
      t.offchip_memory = text_value(e.value, at);
    } else if (e.key == "events") {
      for (const Entry& ev : entries(e.value, at)) t.events[ev.key] = read_event(ev, file);
      if (t.events.empty()) at.fail("lists no event");
      has_events = true;
    } else {
      at.fail("unknown key (known here: technology, description, offchip_memory, events)");
    }
  }
  if (!has_technology) Place{&file, top.line, "technology"}.fail("missing");
  if (!has_events) Place{&file, top.line, "events"}.fail("missing");
  return t;
}

}  // namespace

EnergyTable parse_energy_table(const std::string& yaml_text, const std::string& name) {
  try {
    return read_table(yaml_text, name);
  } catch (const YAML::Exception& e) {
    // Node access problems the checks above do not foresee: still the file's fault.
    throw FormatError(name + ":" + std::to_string(e.mark.is_null() ? 1 : e.mark.line + 1) +
                      ": not a valid energy table: " + e.msg);
  }
}

EnergyTable load_energy_table(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the energy table");
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) throw Error(path + ": cannot read the energy table");
  return parse_energy_table(s.str(), path);
}

std::vector<std::string> list_technologies() {
  std::vector<std::string> names;
  for (const auto& [name, text] : detail::embedded_tech_tables()) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

const std::string& builtin_energy_table_text(const std::string& technology) {
  for (const auto& [name, text] : detail::embedded_tech_tables())
    if (name == technology) return text;
  std::string known;
  for (const std::string& n : list_technologies()) known += (known.empty() ? "" : ", ") + n;
  throw Error("no built-in energy table for technology '" + technology + "' (built in: " + known +
              ")");
}

EnergyTable builtin_energy_table(const std::string& technology) {
  const std::string& text = builtin_energy_table_text(technology);
  EnergyTable t =
      parse_energy_table(text, "models/engines/tech/" + technology + ".yaml (built in)");
  if (t.technology != technology)  // a shipped file misnamed: a build problem, caught by tests
    throw Error("built-in energy table " + technology + ".yaml says technology '" + t.technology +
                "'");
  return t;
}

EnergyTable resolve_energy_table(const std::string& technology_or_path) {
  for (const auto& [name, text] : detail::embedded_tech_tables())
    if (name == technology_or_path) return builtin_energy_table(name);
  if (!std::ifstream(technology_or_path)) {
    std::string known;
    for (const std::string& n : list_technologies()) known += (known.empty() ? "" : ", ") + n;
    throw Error("'" + technology_or_path + "' is neither a built-in technology (" + known +
                ") nor a readable table file");
  }
  return load_energy_table(technology_or_path);
}

}  // namespace apack::engines

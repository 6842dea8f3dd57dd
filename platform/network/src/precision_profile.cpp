#include "apack/network/precision_profile.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "apack/atomic_file.hpp"
#include "apack/error.hpp"

namespace apack::network {

namespace {

// Where a value is, for messages: "SOURCE:LINE: KEY: problem".
struct Place {
  const std::string& source;
  int line;
  std::string key;
  [[noreturn]] void fail(const std::string& what) const {
    throw FormatError(source + ":" + std::to_string(line) + ": " + (key.empty() ? "" : key + ": ") +
                      what);
  }
};

int line_of(const YAML::Node& n, int fallback) {
  return n.Mark().is_null() ? fallback : n.Mark().line + 1;
}

// A plain (unquoted, untagged) scalar.
bool plain(const YAML::Node& n) { return n.IsScalar() && n.Tag() == "?"; }

std::string describe(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (!n.IsScalar()) return "nothing";
  std::string s = n.Scalar();
  if (s.size() > 40) s = s.substr(0, 40) + "...";
  return "'" + s + "'";
}

// The entries of a mapping in file order, refusing non-scalar and repeated keys (yaml-cpp keeps
// both entries of a repeated key; YAML forbids them).
struct Entry {
  std::string key;
  int line;
  YAML::Node value;
};
std::vector<Entry> entries(const YAML::Node& map, const Place& at, const char* what) {
  if (!map.IsMap()) at.fail("must be " + std::string(what) + ", got " + describe(map));
  std::vector<Entry> out;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const int line = line_of(it->first, at.line);
    if (!it->first.IsScalar())
      Place{at.source, line, at.key}.fail("keys must be names, got " + describe(it->first));
    const std::string key = it->first.Scalar();
    for (const Entry& e : out)
      if (e.key == key)
        Place{at.source, line, at.key.empty() ? key : at.key + "." + key}.fail(
            "given twice (first on line " + std::to_string(e.line) + ")");
    out.push_back({key, line, it->second});
  }
  return out;
}

void allow_only(const std::vector<Entry>& es, const Place& at, const std::vector<std::string>& ok) {
  for (const Entry& e : es)
    if (std::find(ok.begin(), ok.end(), e.key) == ok.end()) {
      std::string list;
      for (const auto& k : ok) list += (list.empty() ? "" : ", ") + k;
      Place{at.source, e.line, at.key.empty() ? e.key : at.key + "." + e.key}.fail(
          "unknown key (known: " + list + ")");
    }
}

int width(const Entry& e, const Place& at) {
  const Place p{at.source, e.line, at.key + "." + e.key};
  if (!plain(e.value)) p.fail("must be a width in bits (2..16), got " + describe(e.value));
  const std::string& s = e.value.Scalar();
  if (s.empty() || s.size() > 6 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    p.fail("must be a width in bits (2..16), got " + describe(e.value));
  const int v = std::stoi(s);
  if (v < kProfileMinBits || v > kProfileMaxBits) p.fail("width " + s + " bits is outside 2..16");
  return v;
}

// {pa: N, pw: N}: either may be missing (0 = not given).
std::pair<int, int> widths(const YAML::Node& node, const Place& at) {
  const auto es = entries(node, at, "a mapping {pa: BITS, pw: BITS}");
  allow_only(es, at, {"pa", "pw"});
  int pa = 0, pw = 0;
  for (const Entry& e : es) (e.key == "pa" ? pa : pw) = width(e, at);
  return {pa, pw};
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Up to three Conv/FC layer names closest to `name`, for "no such layer" messages.
std::string close_names(const Graph& g, const std::string& name) {
  const std::string probe = name.substr(0, 200);  // arbitrary input stays cheap
  std::vector<std::pair<size_t, std::string>> ranked;
  for (const Layer& l : g.layers)
    if (l.has_weights()) ranked.push_back({edit_distance(probe, l.name.substr(0, 200)), l.name});
  std::sort(ranked.begin(), ranked.end());
  std::string out;
  for (size_t i = 0; i < ranked.size() && i < 3; ++i)
    out += (i ? ", '" : "'") + ranked[i].second + "'";
  return out;
}

// A layer name as a YAML double-quoted scalar.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

}  // namespace

PrecisionProfile parse_precision_profile(const std::string& text, const std::string& source,
                                         const Graph& graph) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    Place{source, e.mark.is_null() ? 1 : e.mark.line + 1, ""}.fail("not valid YAML: " + e.msg);
  }
  const Place top{source, 1, ""};
  if (!root.IsMap())
    top.fail(
        "a precision profile is a mapping with 'layers:' (and optionally 'network:' and "
        "'default:'), got " +
        describe(root));
  const auto es = entries(root, top, "a mapping");
  allow_only(es, top, {"network", "default", "layers"});
  PrecisionProfile p;
  for (const Entry& e : es) {
    const Place at{source, e.line, e.key};
    if (e.key == "network") {
      if (!e.value.IsScalar() || e.value.Scalar().empty())
        at.fail("must be the model name, got " + describe(e.value));
      p.network = e.value.Scalar();
      if (p.network != graph.name)
        at.fail("the profile is for '" + p.network + "', the model is '" + graph.name + "'");
    } else if (e.key == "default") {
      const auto [pa, pw] = widths(e.value, at);
      if (pa) p.default_pa = pa;
      if (pw) p.default_pw = pw;
    } else {
      for (const Entry& le : entries(e.value, at, "a mapping of layer names to {pa, pw}")) {
        const Place lat{source, le.line, "layers." + quoted(le.key)};
        const int index = graph.find(le.key);
        if (index < 0)
          lat.fail("no layer '" + le.key + "' in " + graph.name +
                   "; closest Conv/FC layers: " + close_names(graph, le.key) +
                   " (apack-vp network inspect MODEL lists every layer)");
        const Layer& l = graph.layers[size_t(index)];
        if (!l.has_weights())
          lat.fail("layer '" + le.key + "' is a " + layer_kind_name(l.kind) +
                   "; a profile gives widths of Conv and FullyConnected layers only");
        const auto [pa, pw] = widths(le.value, lat);
        p.layers.push_back({le.key, pa, pw});
      }
    }
  }
  // Widths left out of a layer's entry are the defaults, known only now.
  for (auto& l : p.layers) {
    if (!l.pa) l.pa = p.default_pa;
    if (!l.pw) l.pw = p.default_pw;
  }
  return p;
}

PrecisionProfile load_precision_profile(const std::string& path, const Graph& graph) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(path + ": cannot open the precision profile");
  std::ostringstream s;
  s << f.rdbuf();
  if (f.bad()) throw Error(path + ": cannot read the precision profile");
  return parse_precision_profile(s.str(), path, graph);
}

std::string precision_profile_yaml(const PrecisionProfile& p,
                                   const std::vector<std::string>& header) {
  std::ostringstream s;
  for (const auto& h : header) {
    // One comment line per header line, whatever it holds.
    std::istringstream lines(h);
    std::string line;
    while (std::getline(lines, line)) s << "# " << line << "\n";
  }
  if (!p.network.empty()) s << "network: " << quoted(p.network) << "\n";
  s << "default: {pa: " << p.default_pa << ", pw: " << p.default_pw << "}\n";
  s << "layers:\n";
  if (p.layers.empty()) s << "  {}\n";
  for (const auto& l : p.layers)
    s << "  " << quoted(l.layer) << ": {pa: " << l.pa << ", pw: " << l.pw << "}\n";
  return s.str();
}

void write_precision_profile(const std::string& path, const PrecisionProfile& profile,
                             const std::vector<std::string>& header) {
  write_file_atomic(path, precision_profile_yaml(profile, header));
}

int activation_producer(const Graph& g, int layer) {
  if (layer < 0 || size_t(layer) >= g.layers.size() || g.layers[size_t(layer)].inputs.empty())
    throw Error(g.name + ": layer " + std::to_string(layer) + " has no input");
  int p = g.layers[size_t(layer)].inputs[0];
  for (;;) {
    const Layer& l = g.layers[size_t(p)];
    const bool keeps =
        l.kind == LayerKind::MaxPool || l.kind == LayerKind::Pad || l.kind == LayerKind::Reshape;
    if (!keeps || l.inputs.empty()) return p;
    p = l.inputs[0];
  }
}

AppliedProfile apply_precision_profile(const Graph& g, const PrecisionProfile& profile,
                                       const QuantConfig& base) {
  const size_t n = g.layers.size();
  AppliedProfile a;
  a.config = base;
  a.config.weight_bits = profile.default_pw;
  a.config.activation_bits = profile.default_pa;
  a.config.weight_bits_of.assign(n, 0);
  a.config.activation_bits_of.assign(n, 0);
  std::vector<int> pa(n, profile.default_pa), listed(n, 0);
  for (const auto& l : profile.layers) {
    const int i = g.find(l.layer);
    if (i < 0 || !g.layers[size_t(i)].has_weights())
      throw Error(g.name + ": the profile names '" + l.layer + "', not a Conv/FC layer of it");
    if (listed[size_t(i)]) throw Error(g.name + ": the profile names '" + l.layer + "' twice");
    listed[size_t(i)] = 1;
    pa[size_t(i)] = l.pa;
    a.config.weight_bits_of[size_t(i)] = l.pw;
  }
  // Every Conv/FC layer asks its producer for its Pa (the default when not listed); a tensor
  // read by several gets the largest width asked.
  std::map<int, std::vector<std::pair<int, int>>> asks;  // producer -> (consumer, width)
  for (size_t i = 0; i < n; ++i)
    if (g.layers[i].has_weights()) asks[activation_producer(g, int(i))].push_back({int(i), pa[i]});
  for (const auto& [producer, list] : asks) {
    int widest = 0;
    for (const auto& c : list) widest = std::max(widest, c.second);
    a.config.activation_bits_of[size_t(producer)] = widest;
    if (std::any_of(list.begin(), list.end(), [&](auto& c) { return c.second != widest; })) {
      std::string s = "tensor '" + g.layers[size_t(producer)].name + "':";
      for (size_t k = 0; k < list.size(); ++k)
        s += (k ? ", " : " ") + std::to_string(list[k].second) + " bits asked by '" +
             g.layers[size_t(list[k].first)].name + "'";
      a.conflicts.push_back(s + "; quantized at " + std::to_string(widest));
    }
  }
  check_config(a.config);
  return a;
}

int data_width(const int32_t* values, size_t count, bool is_signed) {
  // Signed: v >= 0 needs bitlen(v) + 1, v < 0 needs bitlen(-v - 1) + 1 (two's complement, so
  // -128 fits 8 bits). Unsigned: bitlen(v).
  uint32_t ored = 0;
  for (size_t i = 0; i < count; ++i) {
    const int32_t v = values[i];
    if (v < 0 && !is_signed)
      throw Error("data width: negative value " + std::to_string(v) + " in an unsigned tensor");
    ored |= uint32_t(v < 0 ? ~v : v);
  }
  int bits = 0;
  while (bits < 32 && (ored >> bits) != 0) ++bits;
  return std::max(1, bits + (is_signed ? 1 : 0));
}

PrecisionProfile data_precisions(const QuantizedGraph& qg, const IntRun& run) {
  if (!qg.graph) throw Error("data precisions: the quantized graph has no graph");
  const Graph& g = *qg.graph;
  if (run.values.size() != g.layers.size() || qg.layers.size() != g.layers.size())
    throw Error(g.name + ": data precisions need a run of this quantized graph");
  PrecisionProfile p;
  p.network = g.name;
  p.default_pa = qg.config.activation_bits;
  p.default_pw = qg.config.weight_bits;
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const Layer& l = g.layers[i];
    if (!l.has_weights()) continue;
    const IntTensor& x = run.values[size_t(l.inputs[0])];
    const auto& w = qg.layers[i].weights;
    p.layers.push_back(
        {l.name, std::max(kProfileMinBits, data_width(x.data.data(), x.data.size(), x.q.is_signed)),
         std::max(kProfileMinBits, data_width(w.data(), w.size(), true))});
  }
  return p;
}

}  // namespace apack::network

// Reads our YAML memspec (docs/dram-memspec.md) into a MemSpec: a preset as the optional base,
// then every section the file gives, then the rules every memspec obeys (memspec_rules.hpp),
// whose problems are reported at the line of the key concerned.
#include "apack/dram/memspec_yaml.hpp"

#include <algorithm>
#include <map>

#include "apack/dram/constraints.hpp"
#include "apack/dram/presets.hpp"
#include "apack/error.hpp"
#include "json_fields.hpp"
#include "memspec_rules.hpp"
#include "yaml_fields.hpp"

namespace apack::dram {

namespace {

using detail::YamlMap;
using detail::YamlPlace;
using detail::YamlValue;

constexpr size_t kMaxFileBytes = size_t(1) << 20;  // a memspec is a few kB

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

const std::vector<std::string> kArchitectureKeys = {
    "channels", "ranks",        "bank_groups", "banks",        "rows",
    "columns",  "burst_length", "data_rate",   "device_width", "devices"};

// Keys a file without `base` must give: counts with no sensible default. LPDDR4 has no bank
// groups (1 by default); channels 1, data_rate 2 and devices 1 are defaults.
std::vector<std::string> required_architecture(Standard s) {
  std::vector<std::string> k = {"ranks",   "banks",        "rows",
                                "columns", "burst_length", "device_width"};
  if (s != Standard::LPDDR4) k.push_back("bank_groups");
  return k;
}

uint32_t& architecture_field(Architecture& a, const std::string& key) {
  if (key == "channels") return a.channels;
  if (key == "ranks") return a.ranks;
  if (key == "bank_groups") return a.bank_groups;
  if (key == "banks") return a.banks;
  if (key == "rows") return a.rows;
  if (key == "columns") return a.columns;
  if (key == "burst_length") return a.burst_length;
  if (key == "data_rate") return a.data_rate;
  if (key == "device_width") return a.device_width;
  return a.devices;  // "devices": the keys are checked against kArchitectureKeys first
}

// Timing names a memspec of standard `s` may give: those the constraint table needs and the
// extra ones the presets of that standard carry (CL, AL, ...). Anything else is a typo.
std::vector<std::string> known_timings(Standard s) {
  std::vector<std::string> names = required_timings(s);
  for (const std::string& p : preset_names()) {
    const MemSpec spec = preset(p);
    if (spec.standard != s) continue;
    for (const auto& [n, v] : spec.timings)
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  return names;
}

class Reader {
 public:
  explicit Reader(const std::string& source) : source_(source) {}

  MemSpec read(const YamlMap& top) {
    top.allow_only({"id", "base", "standard", "architecture", "clock", "timings", "power"});
    if (auto b = top.find("base")) read_base(*b);
    s_.id = top.get("id").string();
    read_standard(top);
    if (auto a = section(top, "architecture")) read_architecture(a->map());
    if (auto c = section(top, "clock")) read_clock(c->map());
    if (auto t = section(top, "timings")) read_timings(t->map());
    if (auto p = top.find("power")) read_power(p->map());
    if (const auto problem = detail::memspec_problem(s_)) fail_rule(*problem);
    return s_;
  }

 private:
  // A section the file gives, or nothing when the base provides it; required without a base.
  std::optional<YamlValue> section(const YamlMap& top, const std::string& key) {
    if (!base_ && !top.has(key)) top.get(key);  // fails: missing
    auto v = top.find(key);
    if (v) note(v->place());
    return v;
  }

  void note(const YamlPlace& p) { where_[p.path] = p; }

  void read_base(const YamlValue& v) {
    const std::string name = v.string();
    const std::vector<std::string> known = preset_names();
    if (std::find(known.begin(), known.end(), name) == known.end())
      v.fail("unknown preset '" + name + "' (known: " + join(known) + ")");
    s_ = preset(name);
    base_ = v.place();
    base_name_ = name;
  }

  void read_standard(const YamlMap& top) {
    if (base_ && !top.has("standard")) return;
    const YamlValue v = top.get("standard");
    const std::string text = v.string();
    const auto standard = parse_standard(text);
    if (!standard) v.fail("'" + text + "' is not supported (DDR4, LPDDR4, HBM2)");
    if (base_ && *standard != s_.standard)
      v.fail("differs from the base's standard " + std::string(name(s_.standard)) +
             " (timing names differ between standards)");
    s_.standard = *standard;
  }

  void read_architecture(const YamlMap& m) {
    m.allow_only(kArchitectureKeys);
    if (!base_) {
      s_.arch = Architecture{};
      s_.arch.bank_groups = 1;
      for (const std::string& k : required_architecture(s_.standard)) m.get(k);  // or missing
    }
    for (const std::string& k : m.keys()) {
      const YamlValue v = m.get(k);
      // Bounded only to fit the struct; memspec_rules.hpp checks the real ranges.
      architecture_field(s_.arch, k) = uint32_t(v.integer(0, UINT32_MAX));
      note(v.place());
    }
  }

  void read_clock(const YamlMap& m) {
    m.allow_only({"mhz", "tck_ps"});
    if (m.has("mhz") == m.has("tck_ps"))
      m.place().fail("give exactly one of mhz (clock frequency) and tck_ps (clock period)");
    const bool mhz = m.has("mhz");
    const YamlValue v = m.get(mhz ? "mhz" : "tck_ps");
    const auto f = detail::fraction(v.decimal());
    if (!f || f->first == 0) v.fail("must be a positive number of at most 18 digits");
    // tck_ps = num/den ps; mhz = num/den MHz, so tck = 10^6 den / num ps.
    int64_t num = f->first, den = f->second;
    if (mhz) {
      if (__builtin_mul_overflow(den, int64_t(1000000), &den)) v.fail("has too many decimals");
      std::swap(num, den);
    }
    s_.tck = ClockPeriod::picoseconds(num, den);
    note(v.place());
    where_["clock"] = v.place();
  }

  // A timing: cycles as an integer, or {ns: X, min_cycles: N}: ceil(X / tCK), at least N.
  int64_t timing_cycles(const YamlValue& v) {
    if (!v.is_map()) return v.integer(-(int64_t(1) << 62), int64_t(1) << 62);
    const YamlMap m = v.map();
    m.allow_only({"ns", "min_cycles"});
    const YamlValue ns = m.get("ns");
    const auto c =
        detail::ns_to_cycles_ceil(ns.decimal(), s_.tck.num, s_.tck.den, detail::kMaxTiming);
    if (!c)
      ns.fail("is more than " + std::to_string(detail::kMaxTiming) + " cycles of tCK " +
              s_.tck.to_string());
    int64_t cycles = *c;
    if (auto min = m.find("min_cycles"))
      cycles = std::max(cycles, min->integer(0, detail::kMaxTiming));
    return cycles;
  }

  void read_timings(const YamlMap& m) {
    const std::vector<std::string> known = known_timings(s_.standard);
    for (const std::string& k : m.keys()) {
      const YamlValue v = m.get(k);
      if (std::find(known.begin(), known.end(), k) == known.end())
        v.fail("unknown timing for " + std::string(name(s_.standard)) + " (known: " + join(known) +
               ")");
      s_.timings[k] = timing_cycles(v);
      note(v.place());
    }
  }

  void read_power(const YamlMap& p) {
    p.allow_only({"model", "source", "rails", "io_read_pj_per_bit", "io_write_pj_per_bit", "act_pj",
                  "read_pj_per_bit", "write_pj_per_bit"});
    PowerSpec& w = s_.power;
    const PowerSpec::Model inherited = w.model;
    if (base_ && !p.has("model")) {
      // the base's model
    } else {
      const YamlValue v = p.get("model");
      const std::string m = v.string();
      if (m == "idd") {
        w.model = PowerSpec::Model::Idd;
      } else if (m == "per_bit") {
        w.model = PowerSpec::Model::PerBit;
      } else if (m == "none") {
        w.model = PowerSpec::Model::None;
      } else {
        v.fail("unknown model '" + m + "' (idd, per_bit, none)");
      }
    }
    // Figures of another model: an error when given, dropped when inherited.
    const bool idd = w.model == PowerSpec::Model::Idd;
    const bool per_bit = w.model == PowerSpec::Model::PerBit;
    auto only_with = [&](const char* key, bool allowed, const char* model) {
      if (!allowed && p.has(key)) p.get(key).fail(std::string("only with model ") + model);
    };
    only_with("rails", idd, "idd");
    for (const char* k : {"act_pj", "read_pj_per_bit", "write_pj_per_bit"})
      only_with(k, per_bit, "per_bit");
    for (const char* k : {"io_read_pj_per_bit", "io_write_pj_per_bit"})
      only_with(k, idd || per_bit, "idd or per_bit");
    if (!idd) w.rails.clear();
    if (!per_bit) w.act_fj = w.read_fj_per_bit = w.write_fj_per_bit = 0;
    if (!idd && !per_bit) w.io_read_fj_per_bit = w.io_write_fj_per_bit = 0;
    // A model the base does not have needs all its figures from the file.
    const bool complete = base_ && inherited == w.model;
    if (idd && !complete) p.get("rails");
    if (per_bit && !complete)
      for (const char* k : {"act_pj", "read_pj_per_bit", "write_pj_per_bit"}) p.get(k);

    if (auto r = p.find("rails")) read_rails(*r);
    const std::pair<const char*, int64_t*> figures[] = {
        {"io_read_pj_per_bit", &w.io_read_fj_per_bit},
        {"io_write_pj_per_bit", &w.io_write_fj_per_bit},
        {"act_pj", &w.act_fj},
        {"read_pj_per_bit", &w.read_fj_per_bit},
        {"write_pj_per_bit", &w.write_fj_per_bit}};
    for (const auto& [key, field] : figures)
      if (auto v = p.find(key)) {
        *field = v->scaled(3, detail::kMaxFemtojoules, "1 fJ");  // pJ to fJ
        note(v->place());
      }
    // The figures come from this file unless it names their source.
    if (auto v = p.find("source")) {
      w.source = v->string();
    } else {
      w.source = w.model == PowerSpec::Model::None ? "" : source_;
    }
  }

  void read_rails(const YamlValue& v) {
    note(v.place());
    std::vector<PowerRail> rails;
    for (const YamlValue& e : v.list()) {
      const YamlMap r = e.map();
      r.allow_only({"name", "volts", "io", "currents_ma"});
      PowerRail rail;
      const YamlValue n = r.get("name");
      rail.name = n.string();
      for (const PowerRail& other : rails)
        if (other.name == rail.name) n.fail("rail '" + rail.name + "' is given twice");
      const YamlValue volts = r.get("volts");
      rail.millivolts = volts.scaled(3, detail::kMaxMillivolts, "1 mV");
      note(volts.place());
      if (auto io = r.find("io")) rail.io = io->boolean();
      if (auto c = r.find("currents_ma")) {
        const YamlMap currents = c->map();
        std::vector<std::string> names;
        for (int i = 0; i < kIddCount; ++i) names.push_back(name(Idd(i)));
        currents.allow_only(names);
        for (int i = 0; i < kIddCount; ++i)
          if (auto ma = currents.find(names[size_t(i)])) {
            rail.nanoamps[size_t(i)] = ma->scaled(6, detail::kMaxNanoamps, "1 nA");  // mA to nA
            note(ma->place());
          }
      }
      rails.push_back(rail);
    }
    if (rails.empty()) v.fail("needs at least one rail");
    s_.power.rails = rails;
  }

  // The key of the file a broken rule concerns.
  static std::string path_of(const detail::SpecProblem& p) {
    using I = detail::SpecItem;
    switch (p.item) {
      case I::Channels:
        return "architecture.channels";
      case I::Ranks:
        return "architecture.ranks";
      case I::BankGroups:
        return "architecture.bank_groups";
      case I::Banks:
        return "architecture.banks";
      case I::Rows:
        return "architecture.rows";
      case I::Columns:
        return "architecture.columns";
      case I::BurstLength:
        return "architecture.burst_length";
      case I::DataRate:
        return "architecture.data_rate";
      case I::DeviceWidth:
        return "architecture.device_width";
      case I::Devices:
        return "architecture.devices";
      case I::Capacity:
        return "architecture";
      case I::Clock:
        return "clock";
      case I::Timing:
        return "timings." + p.name;
      case I::RailVoltage:
        return "power.rails[" + std::to_string(p.rail) + "].volts";
      case I::RailCurrent:
        return "power.rails[" + std::to_string(p.rail) + "].currents_ma." + name(p.idd);
      case I::EnergyFigure:
        break;
    }
    if (p.name == "rails") return "power.rails";
    if (p.name == "act") return "power.act_pj";
    return "power." + p.name + "_pj_per_bit";
  }

  // Reports a broken rule at the line of its key, of the enclosing section, or of `base:`
  // when the value is inherited.
  [[noreturn]] void fail_rule(const detail::SpecProblem& p) const {
    const std::string path = path_of(p);
    auto exact = where_.find(path);
    if (exact != where_.end()) exact->second.fail(p.what);
    std::string what = p.what;
    if (base_ && what != "missing") what += " (inherited from base " + base_name_ + ")";
    for (std::string prefix = path; !prefix.empty();) {
      const size_t cut = prefix.find_last_of(".[");
      prefix = cut == std::string::npos ? "" : prefix.substr(0, cut);
      auto it = where_.find(prefix);
      if (it != where_.end()) YamlPlace{source_, path, it->second.line}.fail(what);
    }
    YamlPlace{source_, path, base_ ? base_->line : 1}.fail(what);
  }

  std::string source_;
  MemSpec s_;
  std::optional<YamlPlace> base_;
  std::string base_name_;
  std::map<std::string, YamlPlace> where_;  // by path: where the file sets each value
};

}  // namespace

MemSpec parse_memspec_yaml(const std::string& text, const std::string& source) {
  if (text.size() > kMaxFileBytes)
    throw apack::FormatError(source + ": " + std::to_string(text.size()) +
                             " bytes is too large for a memspec (at most 1 MiB)");
  const YAML::Node root = detail::parse_yaml(text, source);
  if (!root.IsMap()) YamlPlace{source, "", 1}.fail("a memspec must be a YAML mapping");
  return Reader(source).read(YamlMap(root, {source, "", 1}));
}

MemSpec load_memspec_yaml(const std::string& path) {
  return parse_memspec_yaml(detail::read_text_file(path), path);
}

}  // namespace apack::dram

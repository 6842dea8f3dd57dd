// Two runs side by side. The ratios are only meaningful when both runs computed the same thing,
// so differences in model or inputs, and unverified runs, are reported as warnings first.
#include "apack/report/compare.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "apack/report/text.hpp"

namespace apack::report {

namespace {

double ratio(double num, double den) {
  return den != 0 ? num / den : std::numeric_limits<double>::quiet_NaN();
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "(none)" : s;
}

// Three decimals; three significant digits below 0.1 so large differences stay readable.
std::string times(double v) {
  if (!std::isfinite(v)) return "n/a";
  if (std::fabs(v) >= 0.1 || v == 0) return fixed(v, 3) + "x";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3gx", v);
  return buf;
}

nlohmann::ordered_json number(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

}  // namespace

Comparison compare_runs(const RunResult& base, const RunResult& other,
                        const std::string& base_label, const std::string& other_label) {
  Comparison c;
  c.base_label = base_label;
  c.other_label = other_label;
  c.base_scenario = base.scenario_name;
  c.other_scenario = other.scenario_name;
  c.base_time_ns = base.sim_time_ns;
  c.other_time_ns = other.sim_time_ns;
  c.speedup = ratio(base.sim_time_ns, other.sim_time_ns);
  c.base_energy_j = base.energy_total_j;
  c.other_energy_j = other.energy_total_j;
  c.energy_efficiency = ratio(base.energy_total_j, other.energy_total_j);
  c.base_traffic_bytes = base.dram_read_bytes + base.dram_write_bytes;
  c.other_traffic_bytes = other.dram_read_bytes + other.dram_write_bytes;
  c.traffic_ratio = ratio(double(c.other_traffic_bytes), double(c.base_traffic_bytes));
  c.read_ratio = ratio(double(other.dram_read_bytes), double(base.dram_read_bytes));
  c.write_ratio = ratio(double(other.dram_write_bytes), double(base.dram_write_bytes));
  c.weights_footprint_ratio =
      ratio(double(other.weights.stored_bytes), double(base.weights.stored_bytes));
  c.activations_footprint_ratio =
      ratio(double(other.activations.stored_bytes), double(base.activations.stored_bytes));

  std::set<std::string> names;
  for (const auto& kv : base.energy_by_component) names.insert(kv.first);
  for (const auto& kv : other.energy_by_component) names.insert(kv.first);
  for (const std::string& n : names) {
    ComponentRatio cr;
    cr.component = n;
    const auto b = base.energy_by_component.find(n);
    const auto o = other.energy_by_component.find(n);
    cr.base_j = b == base.energy_by_component.end() ? 0 : b->second;
    cr.other_j = o == other.energy_by_component.end() ? 0 : o->second;
    cr.ratio = ratio(cr.other_j, cr.base_j);
    c.components.push_back(cr);
  }

  // Layers match by name; duplicate names (not expected from a graph) disable the table.
  std::map<std::string, const LayerRecord*> by_name;
  bool unique = true;
  for (const LayerRecord& l : other.layers) unique &= by_name.emplace(l.name, &l).second;
  std::set<std::string> base_names;
  for (const LayerRecord& l : base.layers) unique &= base_names.insert(l.name).second;
  c.same_layers = unique && !base.layers.empty() && base.layers.size() == other.layers.size();
  for (const LayerRecord& l : base.layers) c.same_layers = c.same_layers && by_name.count(l.name);
  if (c.same_layers) {
    for (const LayerRecord& b : base.layers) {
      const LayerRecord& o = *by_name.at(b.name);
      LayerSpeedup s;
      s.name = b.name;
      s.kind = b.kind;
      s.base_ns = b.end_ns - b.start_ns;
      s.other_ns = o.end_ns - o.start_ns;
      s.speedup = ratio(s.base_ns, s.other_ns);
      s.base_bound = b.bound;
      s.other_bound = o.bound;
      s.traffic_ratio = ratio(double(o.dram_read_bytes + o.dram_write_bytes),
                              double(b.dram_read_bytes + b.dram_write_bytes));
      c.layers.push_back(s);
    }
  }

  if (base.model != other.model)
    c.warnings.push_back("the runs used different models: '" + base.model + "' and '" +
                         other.model + "'");
  if (base.inputs != other.inputs)
    c.warnings.push_back("the runs used different inputs: " + join(base.inputs) + " and " +
                         join(other.inputs));
  if (base.synthetic != other.synthetic)
    c.warnings.push_back("one run used synthetic values and the other did not");
  if (!base.verified)
    c.warnings.push_back(base_label + " ('" + base.scenario_name + "') is NOT VERIFIED");
  if (!other.verified)
    c.warnings.push_back(other_label + " ('" + other.scenario_name + "') is NOT VERIFIED");
  if (!base.layers.empty() && !other.layers.empty() && !c.same_layers)
    c.warnings.push_back("the runs' layers differ (by name): no per-layer comparison");
  return c;
}

std::string format_comparison(const Comparison& c, bool layers) {
  std::ostringstream o;
  o << "compare: A = " << c.base_label << " ('" << c.base_scenario << "')\n"
    << "         B = " << c.other_label << " ('" << c.other_scenario << "')\n";
  for (const std::string& w : c.warnings) o << "WARNING: " << w << "\n";
  o << "\n";
  const auto row = [&o](const std::string& label, const std::string& a, const std::string& b,
                        const std::string& r) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "  %-22s %14s %14s   %s\n", label.c_str(), a.c_str(), b.c_str(),
                  r.c_str());
    o << buf;
  };
  row("", "A", "B", "");
  row("time", human_time_ns(c.base_time_ns), human_time_ns(c.other_time_ns),
      "speedup A/B " + times(c.speedup));
  row("energy", human_energy_j(c.base_energy_j), human_energy_j(c.other_energy_j),
      "efficiency A/B " + times(c.energy_efficiency));
  row("DRAM traffic", human_bytes(double(c.base_traffic_bytes)),
      human_bytes(double(c.other_traffic_bytes)), "B/A " + times(c.traffic_ratio));
  o << "  (B/A read " << times(c.read_ratio) << ", written " << times(c.write_ratio)
    << "; stored weights " << times(c.weights_footprint_ratio) << ", stored activations "
    << times(c.activations_footprint_ratio) << ")\n";
  if (!c.components.empty()) {
    o << "\nenergy by component\n";
    for (const ComponentRatio& cr : c.components)
      row(cr.component, human_energy_j(cr.base_j), human_energy_j(cr.other_j),
          "B/A " + times(cr.ratio));
  }
  if (layers) {
    if (!c.same_layers) {
      o << "\nper layer: not comparable (the runs' layers differ)\n";
    } else {
      o << "\nper layer\n";
      char buf[256];
      std::snprintf(buf, sizeof buf, "  %-28s %-14s %11s %11s %9s %8s  %s\n", "layer", "kind",
                    "A time", "B time", "speedup", "traffic", "bound A/B");
      o << buf;
      for (const LayerSpeedup& s : c.layers) {
        std::string name = s.name.size() > 28 ? s.name.substr(0, 27) + "~" : s.name;
        std::snprintf(buf, sizeof buf, "  %-28s %-14s %11s %11s %9s %8s  %s/%s\n", name.c_str(),
                      s.kind.substr(0, 14).c_str(), human_time_ns(s.base_ns).c_str(),
                      human_time_ns(s.other_ns).c_str(), times(s.speedup).c_str(),
                      times(s.traffic_ratio).c_str(), s.base_bound.c_str(), s.other_bound.c_str());
        o << buf;
      }
    }
  }
  return o.str();
}

std::string comparison_json_text(const Comparison& c) {
  using Json = nlohmann::ordered_json;
  Json j;
  j["base"] = {{"label", c.base_label},
               {"scenario", c.base_scenario},
               {"sim_time_ns", number(c.base_time_ns)},
               {"energy_j", number(c.base_energy_j)},
               {"dram_bytes", c.base_traffic_bytes}};
  j["other"] = {{"label", c.other_label},
                {"scenario", c.other_scenario},
                {"sim_time_ns", number(c.other_time_ns)},
                {"energy_j", number(c.other_energy_j)},
                {"dram_bytes", c.other_traffic_bytes}};
  j["speedup"] = number(c.speedup);
  j["energy_efficiency"] = number(c.energy_efficiency);
  j["traffic_ratio"] = number(c.traffic_ratio);
  j["read_ratio"] = number(c.read_ratio);
  j["write_ratio"] = number(c.write_ratio);
  j["weights_footprint_ratio"] = number(c.weights_footprint_ratio);
  j["activations_footprint_ratio"] = number(c.activations_footprint_ratio);
  Json comps = Json::array();
  for (const ComponentRatio& cr : c.components)
    comps.push_back({{"component", cr.component},
                     {"base_j", number(cr.base_j)},
                     {"other_j", number(cr.other_j)},
                     {"ratio", number(cr.ratio)}});
  j["components"] = std::move(comps);
  j["same_layers"] = c.same_layers;
  Json layers = Json::array();
  for (const LayerSpeedup& s : c.layers)
    layers.push_back({{"name", s.name},
                      {"kind", s.kind},
                      {"base_ns", number(s.base_ns)},
                      {"other_ns", number(s.other_ns)},
                      {"speedup", number(s.speedup)},
                      {"traffic_ratio", number(s.traffic_ratio)},
                      {"base_bound", s.base_bound},
                      {"other_bound", s.other_bound}});
  j["layers"] = std::move(layers);
  j["warnings"] = c.warnings;
  return j.dump(2) + "\n";
}

}  // namespace apack::report

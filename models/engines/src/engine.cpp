#include "apack/engines/engine.hpp"

#include <algorithm>

#include "apack/error.hpp"
#include "factories.hpp"

namespace apack::engines {

EngineSpec EngineSpec::parse(const std::string& text) {
  EngineSpec spec;
  size_t start = 0;
  bool first = true;
  while (true) {
    const size_t colon = text.find(':', start);
    const std::string part = text.substr(start, colon == std::string::npos ? colon : colon - start);
    if (first) {
      if (part.empty()) throw Error("engine '" + text + "': no engine name before ':'");
      spec.name = part;
      first = false;
    } else {
      const size_t eq = part.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == part.size())
        throw Error("engine '" + text + "': parameter '" + part + "' is not key=value");
      const std::string key = part.substr(0, eq);
      if (spec.params.count(key))
        throw Error("engine '" + text + "': parameter '" + key + "' given twice");
      spec.params[key] = part.substr(eq + 1);
    }
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return spec;
}

std::string EngineSpec::str() const {
  std::string s = name;
  for (const auto& [k, v] : params) s += ":" + k + "=" + v;
  return s;
}

const std::string* ParamReader::take(const std::string& key) {
  asked_.push_back(key);
  auto it = params_.find(key);
  if (it == params_.end()) return nullptr;
  taken_ = it->second;
  params_.erase(it);
  return &taken_;
}

int64_t ParamReader::integer(const std::string& key, int64_t fallback, int64_t min, int64_t max) {
  const std::string* v = take(key);
  if (!v) return fallback;
  size_t used = 0;
  long long x = 0;
  try {
    x = std::stoll(*v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v->size() || x < min || x > max)
    throw Error("engine " + engine_ + ": " + key + "=" + *v + " is not an integer in " +
                std::to_string(min) + ".." + std::to_string(max));
  return x;
}

bool ParamReader::boolean(const std::string& key, bool fallback) {
  const std::string* v = take(key);
  if (!v) return fallback;
  if (*v == "1" || *v == "true" || *v == "yes" || *v == "on") return true;
  if (*v == "0" || *v == "false" || *v == "no" || *v == "off") return false;
  throw Error("engine " + engine_ + ": " + key + "=" + *v + " is not a boolean (true/false)");
}

std::string ParamReader::choice(const std::string& key, const std::string& fallback,
                                const std::vector<std::string>& allowed) {
  const std::string* v = take(key);
  if (!v) return fallback;
  if (std::find(allowed.begin(), allowed.end(), *v) != allowed.end()) return *v;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  throw Error("engine " + engine_ + ": " + key + "=" + *v + " is not one of " + list);
}

void ParamReader::finish() const {
  if (params_.empty()) return;
  std::string unknown, known;
  for (const auto& [k, v] : params_) unknown += (unknown.empty() ? "" : ", ") + k;
  std::vector<std::string> asked = asked_;
  std::sort(asked.begin(), asked.end());
  asked.erase(std::unique(asked.begin(), asked.end()), asked.end());
  for (const auto& k : asked) known += (known.empty() ? "" : ", ") + k;
  throw Error("engine " + engine_ + ": unknown parameter(s) " + unknown + " (accepted: " + known +
              ")");
}

std::vector<std::string> engine_names() {
  return {"bit-parallel", "tensor-core", "loom", "laconic"};
}

std::unique_ptr<Engine> make_engine(const EngineSpec& spec, const Baseline& baseline) {
  ParamReader p(spec.name, spec.params);
  std::unique_ptr<Engine> e;
  if (spec.name == "bit-parallel")
    e = detail::make_bit_parallel(p, baseline);
  else if (spec.name == "tensor-core")
    e = detail::make_tensor_core(p, baseline);
  else if (spec.name == "loom")
    e = detail::make_loom(p, baseline);
  else if (spec.name == "laconic")
    e = detail::make_laconic(p, baseline);
  else
    throw Error("unknown engine '" + spec.name +
                "': choose bit-parallel, tensor-core, loom or laconic");
  p.finish();
  return e;
}

}  // namespace apack::engines

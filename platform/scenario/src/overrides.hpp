// Command-line overrides ("--set codec.units=8") applied to a scenario's YAML tree before it is
// validated, so an override is checked exactly like the file's own value.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "apack/scenario/yaml_reader.hpp"

namespace apack::scenario::detail {

// Sets each dotted key to its value (a YAML scalar or flow list), creating missing sections, and
// records in `origin` which keys (and created sections) came from which override. Malformed
// overrides are FormatErrors naming "--set TEXT".
void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, Origin& origin);

}  // namespace apack::scenario::detail

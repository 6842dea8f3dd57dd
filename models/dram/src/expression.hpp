// Distances in the constraint tables are short expressions over timing names, so a table row
// reads like the datasheet ("WL + BURST + WTR_L"). Grammar:
//   expr := term (('+' | '-') term)*
//   term := INTEGER | NAME | 'max' '(' expr ',' expr ')'
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace apack::dram::detail {

// Evaluates `expr`, resolving names with `lookup`. Throws std::logic_error on a malformed
// expression (the tables are code, so that is a programming error).
int64_t evaluate(std::string_view expr, const std::function<int64_t(const std::string&)>& lookup);

// The names `expr` uses, in order of appearance.
std::vector<std::string> names_in(std::string_view expr);

}  // namespace apack::dram::detail

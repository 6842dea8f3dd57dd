#include "json_fields.hpp"

#include <fstream>
#include <sstream>

namespace apack::dram::detail {

std::string read_text_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw apack::Error(path + ": cannot open");
  std::ostringstream s;
  s << f.rdbuf();
  if (f.bad()) throw apack::Error(path + ": cannot read");
  return s.str();
}

}  // namespace apack::dram::detail

// apack-vp dram: the command itself (trace replay) and `dram gen`, plus the argument helpers
// both use.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "apack/dram/memspec_source.hpp"
#include "apack/dram/presets.hpp"
#include "apack/error.hpp"
#include "commands.hpp"
#include "dram_commands.hpp"

namespace apack::vp {

bool is_preset_name(const std::string& arg) {
  const auto names = dram::preset_names();
  return std::find(names.begin(), names.end(), arg) != names.end();
}

dram::MemSpec load_memspec_arg(const std::string& arg, uint32_t channels) {
  dram::MemSpec spec = dram::load_memspec_source(arg);
  if (channels != 0) spec.arch.channels = channels;
  return spec;
}

uint64_t parse_size_arg(const std::string& text, const std::string& option) {
  const auto bad = [&](const std::string& why) -> Error {
    return Error(option + ": '" + text + "' " + why);
  };
  std::string_view s = text;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  uint64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (r.ec == std::errc::result_out_of_range) throw bad("does not fit in 64 bits");
  if (r.ec != std::errc() || r.ptr == s.data())
    throw bad("is not a number (decimal, or hexadecimal with 0x)");
  std::string suffix(r.ptr, s.data() + s.size());
  for (char& c : suffix) c = char(std::toupper(static_cast<unsigned char>(c)));
  int shift = -1;
  if (suffix.empty() || suffix == "B") shift = 0;
  if (suffix == "K" || suffix == "KIB") shift = 10;
  if (suffix == "M" || suffix == "MIB") shift = 20;
  if (suffix == "G" || suffix == "GIB") shift = 30;
  if (suffix == "T" || suffix == "TIB") shift = 40;
  if (shift < 0) throw bad("has an unknown unit (use K, M, G, T or KiB, MiB, GiB, TiB)");
  if (shift > 0 && v > (~uint64_t(0) >> shift)) throw bad("does not fit in 64 bits");
  return v << shift;
}

void register_dram(CLI::App& app) {
  CLI::App* dram = app.add_subcommand(
      "dram",
      "DRAM: replay a DRAMSys trace (.stl) through the SystemC/TLM-2.0 DRAM model, or generate "
      "one (dram gen)");
  register_dram_play(dram);
  register_dram_gen(dram);
}

}  // namespace apack::vp

// libFuzzer target for every DRAM configuration reader (models/dram): the first input byte
// selects the reader (modulo 4), the rest is the file's text.
//   0  DRAMSys memspec JSON   (parse_memspec)
//   1  DRAMSys address mapping JSON (parse_address_mapping)
//   2  DRAMSys mcconfig JSON  (parse_mcconfig)
//   3  our YAML memspec       (parse_memspec_yaml)
// apack::Error (FormatError among them) is how a bad file is refused. What a reader accepts
// must then be usable: a memspec's constraint table evaluates, its default mapping validates
// and a few requests run through a controller without anything but apack::Error; a mapping
// that validates against a preset decodes and encodes consistently. Anything else, a crash or
// a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "apack/dram/address_mapping.hpp"
#include "apack/dram/constraints.hpp"
#include "apack/dram/controller.hpp"
#include "apack/dram/controller_config.hpp"
#include "apack/dram/memspec_json.hpp"
#include "apack/dram/memspec_yaml.hpp"
#include "apack/dram/presets.hpp"
#include "apack/dram/run.hpp"
#include "apack/error.hpp"
#include "fuzz_parts.hpp"

namespace {

using namespace apack::dram;

// A memspec a reader accepted: every consumer of it either works or refuses with apack::Error.
void use_memspec(const MemSpec& s) {
  const ConstraintTable table(s);
  if (table.rows().empty()) std::abort();
  if (s.arch.burst_cycles() < 1 || s.peak_bytes_per_cycle() <= 0) std::abort();
  const AddressMapping m = default_mapping(s);
  m.validate(s, "default");  // the default mapping must fit what the reader accepted
  // It covers the whole memory, every channel (channel bits interleave above the burst).
  if (m.mapped_mask() + 1 != s.arch.channel_bytes() * s.arch.channels) std::abort();
  ControllerConfig c;
  c.record_log = false;
  Controller ctl(s, m, c);
  const uint64_t last = s.arch.channel_bytes() - s.arch.burst_bytes();
  const std::vector<Request> requests = {
      {0, 0, false, 0},
      {1, last, true, 1},
      {2, s.arch.burst_bytes(), false, 2},
      {3, (last / 2) & ~uint64_t(s.arch.burst_bytes() - 1), true, 3}};
  const RunResult r = run_requests(ctl, requests);
  if (r.completions.size() != requests.size()) std::abort();
}

// A mapping the reader accepted, against each preset it fits.
void use_mapping(const AddressMapping& m) {
  for (const std::string& p : preset_names()) {
    const MemSpec s = preset(p);
    try {
      m.validate(s, "mapping");
    } catch (const apack::Error&) {
      continue;
    }
    const uint64_t mask = m.mapped_mask();
    for (uint64_t a :
         {uint64_t(0), mask, uint64_t(0x5555555555555555), uint64_t(0x0123456789abcdef)})
      if ((m.encode(m.decode(a & mask)) & mask) != (a & mask)) std::abort();
    (void)m.to_string();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 4) {
      case 0:
        use_memspec(parse_memspec(text, "fuzz.json"));
        break;
      case 1:
        use_mapping(parse_address_mapping(text, "fuzz.json"));
        break;
      case 2: {
        const ControllerConfig c = parse_mcconfig(text, "fuzz.json");
        if (c.buffer_size < 1 || c.max_active < 1 || c.power_down_timeout < 0) std::abort();
        break;
      }
      case 3:
        use_memspec(parse_memspec_yaml(text, "fuzz.yaml"));
        break;
    }
  } catch (const apack::Error& e) {
    apack::fuzz::explain(e);
  }
  return 0;
}

// The dram section: which memory, how many channels, the controller's policies, LT or AT.
#include <algorithm>
#include <cctype>
#include <filesystem>

#include "apack/dram/address_mapping.hpp"
#include "apack/dram/memspec_source.hpp"
#include "apack/dram/presets.hpp"
#include "apack/error.hpp"
#include "read_sections.hpp"

namespace apack::scenario::detail {

namespace {

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

std::string preset_list() {
  std::string list;
  for (const std::string& n : dram::preset_names()) list += (list.empty() ? "" : ", ") + n;
  return list;
}

// Runs a DRAM reader, turning its error into one at the scenario key that named the file.
template <typename F>
auto checked(const Value& v, const std::string& what, F&& read) {
  try {
    return read();
  } catch (const Error& e) {
    v.fail(what + ": " + e.what());
  }
}

}  // namespace

DramSection read_dram(const std::optional<Value>& section, const Context& cx) {
  DramSection d;
  std::optional<Map> m;
  if (section) {
    m = section->map();
    m->allow_only({"memspec", "channels", "page_policy", "scheduler", "refresh", "power_down",
                   "mode", "mapping", "mcconfig"});
  }
  auto find = [&](const char* key) { return m ? m->find(key) : std::nullopt; };

  std::optional<dram::MemSpec> spec = dram::preset(d.memspec);
  if (auto v = find("memspec")) {
    const std::string s = v->text();
    const auto presets = dram::preset_names();
    if (std::find(presets.begin(), presets.end(), s) != presets.end()) {
      d.memspec = s;
      spec = dram::preset(s);
    } else {
      const std::string ext = lower_extension(s);
      if (ext != ".json" && ext != ".yaml" && ext != ".yml")
        v->fail("must be a preset (" + preset_list() +
                ") or a memspec file (DRAMSys .json, or .yaml/.yml as docs/dram-memspec.md), "
                "got " +
                v->describe());
      d.memspec = existing_file(*v, cx, "memspec");
      d.preset = false;
      spec.reset();
      if (cx.read_files)
        spec = checked(*v, "not a usable memspec",
                       [&] { return dram::load_memspec_source(d.memspec); });
    }
  }
  d.channels = spec ? spec->arch.channels : 1;
  if (auto v = find("channels")) {
    d.channels = uint32_t(v->integer(1, 1024));
    // The router decodes the channel from address bits (docs/dram-memspec.md).
    if ((d.channels & (d.channels - 1)) != 0)
      v->fail("must be a power of two (the channel is decoded from address bits), got " +
              std::to_string(d.channels));
  }
  if (spec) spec->arch.channels = d.channels;

  if (auto v = find("mcconfig")) {
    if (lower_extension(v->text()) != ".json") v->fail("must be a DRAMSys mcconfig .json file");
    d.mcconfig = existing_file(*v, cx, "mcconfig");
    if (cx.read_files) {
      const dram::ControllerConfig c =
          checked(*v, "not a usable mcconfig", [&] { return dram::load_mcconfig(d.mcconfig); });
      // The mcconfig's policies are the defaults the keys below override (as `apack-vp dram`).
      d.page_policy = c.page;
      d.scheduler = c.scheduler;
      d.refresh = c.refresh == dram::RefreshPolicy::AllBank;
      d.power_down = c.power_down == dram::PowerDownPolicy::Staggered;
    }
  }
  if (auto v = find("mapping")) {
    if (lower_extension(v->text()) != ".json")
      v->fail("must be a DRAMSys address-mapping .json file");
    d.mapping = existing_file(*v, cx, "address mapping");
    if (cx.read_files)
      checked(*v, "not a usable address mapping", [&] {
        const dram::AddressMapping map = dram::load_address_mapping(d.mapping);
        if (spec) map.validate(*spec, d.mapping);
        return 0;
      });
  }
  if (auto v = find("page_policy"))
    d.page_policy =
        v->choice({"open", "closed"}) == "open" ? dram::PagePolicy::Open : dram::PagePolicy::Closed;
  if (auto v = find("scheduler"))
    d.scheduler = v->choice({"fr-fcfs", "fcfs"}) == "fcfs" ? dram::SchedulerPolicy::Fcfs
                                                           : dram::SchedulerPolicy::FrFcfs;
  if (auto v = find("refresh")) d.refresh = v->switch_value();
  if (auto v = find("power_down")) d.power_down = v->switch_value();
  if (auto v = find("mode")) d.mode = v->choice({"lt", "at"}) == "lt" ? TlmMode::lt : TlmMode::at;
  return d;
}

}  // namespace apack::scenario::detail

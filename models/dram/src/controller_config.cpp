#include "apack/dram/controller_config.hpp"

#include <algorithm>
#include <vector>

#include "json_fields.hpp"

namespace apack::dram {

const char* name(PagePolicy p) { return p == PagePolicy::Open ? "Open" : "Closed"; }
const char* name(SchedulerPolicy p) { return p == SchedulerPolicy::Fcfs ? "Fifo" : "FrFcfs"; }
const char* name(BufferPolicy p) {
  switch (p) {
    case BufferPolicy::Shared:
      return "Shared";
    case BufferPolicy::Bankwise:
      return "Bankwise";
    case BufferPolicy::ReadWrite:
      return "ReadWrite";
  }
  return "?";
}

namespace {

// DRAMSys 5.1 mcconfig fields that do not change this model: accepted, not used.
const std::vector<std::string> kIgnored = {"CmdMux",
                                           "RespQueue",
                                           "Arbiter",
                                           "RefreshManagement",
                                           "RefreshMaxPulledin",
                                           "ArbitrationDelayFw",
                                           "ArbitrationDelayBw",
                                           "ThinkDelayFw",
                                           "ThinkDelayBw",
                                           "PhyDelayFw",
                                           "PhyDelayBw",
                                           "BlockingReadDelay",
                                           "BlockingWriteDelay",
                                           "HighWatermark",
                                           "LowWatermark"};

// One of `values`, or an error naming the field, the value and the supported ones.
template <class E>
E choose(const detail::Node& m, const std::string& field,
         const std::vector<std::pair<std::string, E>>& values,
         const std::vector<std::string>& unsupported = {}) {
  const std::string v = m.string(field);
  for (const auto& [text, e] : values)
    if (v == text) return e;
  std::string known;
  for (const auto& p : values) known += (known.empty() ? "" : ", ") + p.first;
  if (std::find(unsupported.begin(), unsupported.end(), v) != unsupported.end())
    m.fail(field, "'" + v + "' is not modelled (supported: " + known + ")");
  m.fail(field, "unknown value '" + v + "' (supported: " + known + ")");
}

}  // namespace

ControllerConfig parse_mcconfig(const std::string& text, const std::string& source) {
  const auto j = detail::parse_json(text, source);
  if (!j.is_object()) throw apack::FormatError(source + ": mcconfig must be a JSON object");
  const detail::Node m = detail::Node{j, source, ""}.child("mcconfig");
  ControllerConfig c;
  const std::vector<std::string> known = {"PagePolicy",
                                          "Scheduler",
                                          "SchedulerBuffer",
                                          "RequestBufferSize",
                                          "RequestBufferSizeRead",
                                          "RequestBufferSizeWrite",
                                          "MaxActiveTransactions",
                                          "RefreshPolicy",
                                          "RefreshMaxPostponed",
                                          "PowerDownPolicy",
                                          "PowerDownTimeout"};
  for (auto it = m.j.begin(); it != m.j.end(); ++it)
    if (std::find(known.begin(), known.end(), it.key()) == known.end() &&
        std::find(kIgnored.begin(), kIgnored.end(), it.key()) == kIgnored.end())
      m.fail(it.key(), "unknown field");
  if (m.has("PagePolicy"))
    c.page = choose<PagePolicy>(m, "PagePolicy",
                                {{"Open", PagePolicy::Open}, {"Closed", PagePolicy::Closed}},
                                {"OpenAdaptive", "ClosedAdaptive"});
  if (m.has("Scheduler"))
    c.scheduler = choose<SchedulerPolicy>(m, "Scheduler",
                                          {{"Fifo", SchedulerPolicy::Fcfs},
                                           {"Fcfs", SchedulerPolicy::Fcfs},
                                           {"FrFcfs", SchedulerPolicy::FrFcfs}},
                                          {"FrFcfsGrp", "GrpFrFcfs", "GrpFrFcfsWm"});
  if (m.has("SchedulerBuffer"))
    c.buffer = choose<BufferPolicy>(m, "SchedulerBuffer",
                                    {{"Shared", BufferPolicy::Shared},
                                     {"Bankwise", BufferPolicy::Bankwise},
                                     {"ReadWrite", BufferPolicy::ReadWrite}});
  if (m.has("RequestBufferSize"))
    c.buffer_size = c.buffer_size_read = c.buffer_size_write =
        uint32_t(m.integer("RequestBufferSize", 1, 1 << 20));
  if (m.has("RequestBufferSizeRead"))
    c.buffer_size_read = uint32_t(m.integer("RequestBufferSizeRead", 1, 1 << 20));
  if (m.has("RequestBufferSizeWrite"))
    c.buffer_size_write = uint32_t(m.integer("RequestBufferSizeWrite", 1, 1 << 20));
  if (m.has("MaxActiveTransactions"))
    c.max_active = uint32_t(m.integer("MaxActiveTransactions", 1, 1 << 24));
  if (m.has("RefreshPolicy"))
    c.refresh = choose<RefreshPolicy>(
        m, "RefreshPolicy",
        {{"NoRefresh", RefreshPolicy::NoRefresh}, {"AllBank", RefreshPolicy::AllBank}},
        {"PerBank", "Per2Bank", "SameBank"});
  // Refreshes are issued when due, never postponed: only 0 is modelled.
  if (m.has("RefreshMaxPostponed") && m.integer("RefreshMaxPostponed", 0, 8) != 0)
    m.fail("RefreshMaxPostponed", "postponing refreshes is not modelled (only 0)");
  if (m.has("PowerDownPolicy"))
    c.power_down = choose<PowerDownPolicy>(
        m, "PowerDownPolicy",
        {{"NoPowerDown", PowerDownPolicy::NoPowerDown}, {"Staggered", PowerDownPolicy::Staggered}});
  if (m.has("PowerDownTimeout")) c.power_down_timeout = m.integer("PowerDownTimeout", 0, 1 << 30);
  return c;
}

ControllerConfig load_mcconfig(const std::string& path) {
  return parse_mcconfig(detail::read_text_file(path), path);
}

}  // namespace apack::dram

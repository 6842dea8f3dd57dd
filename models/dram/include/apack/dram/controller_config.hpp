// Memory-controller policies, and DRAMSys mcconfig JSON ({"mcconfig": {"PagePolicy": "Open",
// "Scheduler": "FrFcfs", ...}}). Values DRAMSys knows but this model does not implement are
// errors naming the file, the field and the value; DRAMSys fields with no effect here (CmdMux,
// RespQueue, Arbiter, delays) are accepted and listed in docs/dram.md.
#pragma once

#include <cstdint>
#include <string>

#include "apack/dram/units.hpp"

namespace apack::dram {

// Open: rows stay open after an access. Closed: every access auto-precharges (RDA/WRA).
enum class PagePolicy { Open, Closed };
// Fcfs (DRAMSys "Fifo"): each bank serves its oldest request. FrFcfs: each bank serves its
// oldest row hit first, else its oldest request. Across banks the command that can issue
// earliest goes first, the oldest request winning ties.
enum class SchedulerPolicy { Fcfs, FrFcfs };
// Where the bounded request buffer's limit applies: one buffer for all (Shared), one per bank
// (Bankwise), or separate read and write buffers (ReadWrite).
enum class BufferPolicy { Shared, Bankwise, ReadWrite };
enum class RefreshPolicy { NoRefresh, AllBank };
// Staggered (DRAMSys's name): a rank with nothing to do enters power-down after an idle time.
enum class PowerDownPolicy { NoPowerDown, Staggered };

struct ControllerConfig {
  PagePolicy page = PagePolicy::Open;
  SchedulerPolicy scheduler = SchedulerPolicy::FrFcfs;
  BufferPolicy buffer = BufferPolicy::Bankwise;
  uint32_t buffer_size = 8;        // requests per buffer (per bank when Bankwise)
  uint32_t buffer_size_read = 8;   // ReadWrite only
  uint32_t buffer_size_write = 8;  // ReadWrite only
  // Requests accepted but not yet completed (data transferred), all banks together.
  uint32_t max_active = 128;
  RefreshPolicy refresh = RefreshPolicy::AllBank;
  PowerDownPolicy power_down = PowerDownPolicy::NoPowerDown;
  Cycle power_down_timeout = 3;  // idle cycles before power-down entry
  bool record_log = true;        // keep the command log (tests, traces; off for long runs)
};

ControllerConfig load_mcconfig(const std::string& path);
ControllerConfig parse_mcconfig(const std::string& json_text, const std::string& source);

const char* name(PagePolicy p);
const char* name(SchedulerPolicy p);
const char* name(BufferPolicy p);

}  // namespace apack::dram

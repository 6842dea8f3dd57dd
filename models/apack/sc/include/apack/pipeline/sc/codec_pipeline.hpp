// The compression pipeline as a SystemC/TLM-2.0 module, placed just before the memory
// controllers: target socket `in` takes value accesses of tensors (memory/tensor_access.hpp)
// from the DMA; its DRAM port (`port.out`, LT or AT) reads and writes the tensors' stored
// bytes. It really codes the data:
//   read:  the tensor's header, table and chunk index are read from DRAM the first time the
//          tensor is read (and counted), then, per access, the bytes of the chunks overlapping
//          the values asked for; those chunks are decoded and the values returned. The time is
//          the longer of the DRAM read and the N-unit, P-stage decode (timing.hpp): the units
//          decode while the bytes stream in.
//   write: the values go through the encoder's units as they arrive (the tile pays the encode
//          time); the container is written to DRAM once the tensor is complete, because its
//          header and chunk index depend on every value (the encoder holds the tensor on chip
//          until then; docs/platform.md discusses what this costs in overlap).
// Bypass (codec off) stores raw values at the storage width and costs no pipeline cycles.
// Energy events: apack.* per transfer (APack only; transfer_events), priced by the technology
// table. Everything moved is counted per layer for the report.
#pragma once

#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "apack/engines/events.hpp"
#include "apack/memory/dram_port.hpp"
#include "apack/memory/tensor_map.hpp"
#include "apack/pipeline/stored_tensor.hpp"
#include "apack/pipeline/timing.hpp"

namespace apack::pipeline::sc {

// Traffic and coding work attributed to one layer.
struct LayerTraffic {
  uint64_t read_bytes = 0, write_bytes = 0;          // stored bytes moved to/from DRAM
  uint64_t read_bursts = 0, write_bursts = 0;        // burst-aligned blocks touched
  uint64_t raw_read_bytes = 0, raw_write_bytes = 0;  // the values at storage width
  uint64_t values_decoded = 0, values_encoded = 0;
  double decode_ns = 0, encode_ns = 0;  // pipeline busy time
  engines::EventCounts events;          // apack.*
};

// A span of activity for the optional timeline.
struct Activity {
  std::string track, name;
  double start_ns = 0, dur_ns = 0;
};

class CodecPipeline : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<CodecPipeline> in;
  memory::DramPort port;

  // `bypass`: codec off (every tensor's choice must then be Codec::bypass). `burst_bytes`: the
  // DRAM burst, for counting bursts.
  CodecPipeline(const sc_core::sc_module_name& name, const PipelineConfig& config, bool bypass,
                memory::TensorMap& tensors, uint32_t burst_bytes, memory::TlmStyle style);

  // Before the simulation: stores a tensor the host loads ahead of the run (weights, the input
  // image, constants) through the debug interface (no time, no traffic counted).
  void preload(uint32_t tensor, const std::vector<int32_t>& values);
  // After (or outside) the simulation: every value of a written tensor, read back through the
  // debug interface and decoded with every check (the container's CRCs included).
  std::vector<int32_t> read_back(uint32_t tensor);

  const std::map<int, LayerTraffic>& traffic() const { return traffic_; }
  const PipelineConfig& config() const { return config_; }
  bool bypass() const { return bypass_; }
  // Fault injection, for testing what checks the platform's data: when `tensor` is written
  // (timed), one byte in the middle of its chunk payload is inverted on its way to DRAM.
  void inject_fault(uint32_t tensor) { fault_tensor_ = tensor; }
  bool fault_injected() const { return fault_done_; }
  // Timeline spans are recorded when a sink is set.
  void set_activity_sink(std::function<void(const Activity&)> sink) { sink_ = std::move(sink); }

 private:
  struct Opened {
    StoredTensor stored;  // bytes: an image of the DRAM range, filled as chunks are fetched
  };
  struct Staging {
    std::vector<int32_t> values;
    uint64_t written = 0;
  };

  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& p);
  void read_values(const memory::TensorInfo& t, int layer, uint64_t first, uint64_t count,
                   int32_t* out);
  void write_values(memory::TensorInfo& t, int layer, uint64_t first, uint64_t count,
                    const int32_t* in, const unsigned char* enable, unsigned enable_length);
  // Encodes a complete tensor and stores its bytes: through the port (timed) or the debug
  // interface (preload).
  void store(memory::TensorInfo& t, const std::vector<int32_t>& values, int layer, bool timed);
  Opened& open(const memory::TensorInfo& t, int layer);
  // Waits until `start + duration` when that is later than now.
  void wait_until(const sc_core::sc_time& start, double duration_seconds);
  uint64_t bursts(uint64_t address, uint64_t length) const;
  void debug_access(bool write, uint64_t address, uint8_t* data, uint64_t length);
  void record(const std::string& track, const std::string& name, const sc_core::sc_time& start);

  PipelineConfig config_;
  bool bypass_;
  memory::TensorMap& tensors_;
  uint32_t burst_bytes_;
  std::map<uint32_t, Opened> opened_;
  std::map<uint32_t, Staging> staging_;
  std::map<int, LayerTraffic> traffic_;
  std::function<void(const Activity&)> sink_;
  int64_t fault_tensor_ = -1;
  bool fault_done_ = false;
};

// Stored byte of an int value of `format` (two's complement byte for signed formats); throws
// apack::Error naming `what` when the value does not fit the format.
uint8_t to_stored_byte(int32_t v, ElementFormat format, const std::string& what);
int32_t from_stored_byte(uint8_t b, ElementFormat format);

}  // namespace apack::pipeline::sc

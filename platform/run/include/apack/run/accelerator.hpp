// The accelerator: the module that runs a network layer by layer on the platform. Three threads
// form the double-buffered pipeline of docs/platform.md:
//   loader  - DMA reads of each tile's weights and input rows into a free half of the weight and
//             activation buffers (a half still holding what the next tile needs is kept);
//   compute - the engine module computes the tile from those buffers (its cycles, its sums),
//             which are finished to output values (bias, requantization) in the output buffer;
//   writer  - DMA writes of the tile's outputs to the layer's output tensor (through the codec).
// Layers other than Conv/FullyConnected run on a vector unit (the int8 executor's kernels on
// the tensors read back; one output value per lane per cycle). A layer starts once the
// previous one is written: every layer reads its inputs from DRAM.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <systemc>
#include <vector>

#include "apack/engines/sc/engine_module.hpp"
#include "apack/mapping/tiling.hpp"
#include "apack/memory/buffer.hpp"
#include "apack/memory/dma.hpp"
#include "apack/network/quantize.hpp"

namespace apack::run {

// One layer of the program: the engine work shape (Conv/FC) or a vector layer.
struct LayerJob {
  int index = -1;  // graph layer
  int image = 0;   // which image of the batch
  bool on_engine = false;
  engines::LayerWork work;              // shape and formats (operand pointers unused)
  mapping::LayerPlan plan;              // on_engine only
  std::vector<uint32_t> input_tensors;  // tensor ids of the layer's inputs (graph order)
  std::vector<uint64_t> input_values;   // their sizes (vector layers)
  std::vector<int> input_bits;          // their storage widths
  uint32_t weight_tensor = 0;           // on_engine only
  uint32_t output_tensor = 0;
  // The output stays on chip (the activation buffer) for the next job, which is its only
  // consumer, instead of going through DRAM; the next job then has input_on_chip.
  bool output_on_chip = false;
  bool input_on_chip = false;
};

struct LayerTiming {
  double start_ns = 0, end_ns = 0;
  int64_t compute_cycles = 0;
  double compute_ns = 0;
  double dma_ns = 0;  // DMA busy (reads + writes)
};

struct AcceleratorConfig {
  sc_core::sc_time clock;
  int vector_lanes = 16;  // [ours] values per cycle of the vector unit
};

class Accelerator : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Accelerator);

  Accelerator(const sc_core::sc_module_name& name, const AcceleratorConfig& config,
              const network::QuantizedGraph& qg, const std::vector<LayerJob>& jobs,
              engines::sc::EngineModule& engine, memory::Dma& dma, memory::Buffer& weights,
              memory::Buffer& activations, memory::Buffer& outputs);

  const std::vector<LayerTiming>& timing() const { return timing_; }
  // Energy events of each job: the engine's (without offchip.*) and the DMA's buffer fills and
  // drains (abuf/wbuf.write_bits, obuf.read_bits).
  const std::vector<engines::EventCounts>& job_events() const { return job_events_; }
  // The tensors that stayed on chip, by tensor id, as the next layer found them (for the
  // verification: they never reached DRAM).
  const std::map<uint32_t, std::vector<int32_t>>& on_chip_tensors() const { return on_chip_seen_; }
  // Runs at time 0 in the loader thread before the first layer (the host's preloads, which use
  // the debug interface and so need the sockets bound).
  std::function<void()> before_first_layer;
  bool finished() const { return finished_; }
  std::exception_ptr failure() const { return failure_; }
  // Called after each layer with (layers done, total).
  std::function<void(size_t, size_t)> on_layer_done;
  // Timeline spans (track, name, start_ns, dur_ns) when set.
  std::function<void(const std::string&, const std::string&, double, double)> on_span;

 private:
  struct TileSlot {
    int64_t tile = -1;
    std::vector<int32_t> outputs;  // finished values of the tile's rows, all F (enable selects)
  };

  void loader();
  void compute();
  void writer();
  void guard(const std::function<void()>& body);
  void span(const std::string& track, const std::string& what, const sc_core::sc_time& start);

  AcceleratorConfig config_;
  const network::QuantizedGraph& qg_;
  const std::vector<LayerJob>& jobs_;
  engines::sc::EngineModule& engine_;
  memory::Dma& dma_;
  memory::Buffer &wbuf_, &abuf_, &obuf_;

  // Loader -> compute: (job, tile) ready; compute -> writer: (job, tile, output half).
  sc_core::sc_fifo<int64_t> ready_{2}, done_{2};
  sc_core::sc_semaphore input_halves_{2}, output_halves_{2};
  sc_core::sc_event layer_written_;
  size_t layers_written_ = 0;
  // What each buffer half holds: the weight block / input row band (keyed by first value).
  int64_t weight_half_[2] = {-1, -1}, act_half_[2] = {-1, -1};
  std::vector<std::vector<int32_t>> vector_inputs_[2];
  std::vector<int32_t> output_half_[2];
  std::vector<LayerTiming> timing_;
  std::vector<engines::EventCounts> job_events_;
  // The tensor held in the activation buffer for the next job, and the one being filled.
  std::vector<int32_t> on_chip_, on_chip_next_;
  std::map<uint32_t, std::vector<int32_t>> on_chip_seen_;
  bool finished_ = false;
  std::exception_ptr failure_;
};

}  // namespace apack::run

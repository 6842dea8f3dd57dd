#include "apack/run/run.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>

#include "apack/dram/address_mapping.hpp"
#include "apack/dram/memspec_source.hpp"
#include "apack/dram/sc/channel_map.hpp"
#include "apack/dram/sc/kernel.hpp"
#include "apack/dram/sc/memory_controller.hpp"
#include "apack/dram/sc/router.hpp"
#include "apack/engines/energy.hpp"
#include "apack/engines/sc/engine_module.hpp"
#include "apack/error.hpp"
#include "apack/memory/buffer.hpp"
#include "apack/memory/dma.hpp"
#include "apack/memory/tensor_map.hpp"
#include "apack/network/graph.hpp"
#include "apack/pipeline/sc/codec_pipeline.hpp"
#include "apack/run/accelerator.hpp"
#include "apack/run/ledger.hpp"
#include "apack/run/prepare.hpp"
#include "apack/run/program.hpp"
#include "apack/scenario/scenario.hpp"
#include "fill_result.hpp"

namespace apack::run {

using namespace sc_core;
using report::RunResult;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

struct DramSetup {
  dram::MemSpec spec;
  dram::AddressMapping mapping;
  dram::ControllerConfig config;
};

DramSetup dram_setup(const scenario::Scenario& s) {
  DramSetup d;
  d.spec = dram::load_memspec_source(s.dram.memspec);
  d.spec.arch.channels = s.dram.channels;
  d.mapping = s.dram.mapping.empty() ? dram::default_mapping(d.spec)
                                     : dram::load_address_mapping(s.dram.mapping);
  d.mapping.validate(d.spec, s.dram.mapping.empty() ? "default mapping" : s.dram.mapping);
  if (!s.dram.mcconfig.empty()) d.config = dram::load_mcconfig(s.dram.mcconfig);
  d.config.page = s.dram.page_policy;
  d.config.scheduler = s.dram.scheduler;
  d.config.refresh = s.dram.refresh ? dram::RefreshPolicy::AllBank : dram::RefreshPolicy::NoRefresh;
  d.config.power_down =
      s.dram.power_down ? dram::PowerDownPolicy::Staggered : dram::PowerDownPolicy::NoPowerDown;
  d.config.record_log = false;
  return d;
}

}  // namespace

RunResult run_scenario(const scenario::Scenario& s, const RunCallbacks& cb) {
  const auto wall_start = std::chrono::steady_clock::now();
  static std::atomic<bool> used{false};
  if (used.exchange(true)) throw Error("run_scenario: SystemC allows one simulation per process");
  const auto step = [&](const std::string& m) {
    if (cb.step) cb.step(m);
  };
  const engines::EnergyTable table = engines::resolve_energy_table(s.technology);
  engines::EngineSpec spec{s.engine.name, s.engine.parameters};
  const std::unique_ptr<engines::Engine> core = engines::make_engine(spec, s.engine.baseline);
  const DramSetup ds = dram_setup(s);

  PreparedNetwork net = prepare_network(s, step);
  const network::Graph& g = *net.graph;
  const network::QuantizedGraph& qg = net.qg;
  RunResult r;
  r.reference_seconds = seconds_since(wall_start);

  dram::sc::prepare_kernel();
  if (sc_get_status() != SC_ELABORATION)
    throw Error("run_scenario: a SystemC simulation has already started in this process");
  const dram::sc::ChannelMap map(ds.spec, ds.mapping);
  memory::TensorMap tensors(map.capacity(), map.burst_bytes());

  const mapping::BufferBudget budget{s.buffers.weights.size_kib * 1024 / 2,
                                     s.buffers.activations.size_kib * 1024 / 2,
                                     s.buffers.outputs.size_kib * 1024 / 2};
  const Program program = build_program(s, net, tensors, budget);
  const std::vector<LayerJob>& jobs = program.jobs;
  const pipeline::Codec codec = codec_choice(s.codec).codec;

  step("simulating");
  const auto sim_start = std::chrono::steady_clock::now();
  const sc_time clock(1.0 / s.clock_ghz, SC_NS);
  const memory::TlmStyle style =
      s.dram.mode == scenario::TlmMode::at ? memory::TlmStyle::at : memory::TlmStyle::lt;
  pipeline::PipelineConfig pc;
  pc.units = unsigned(s.codec.units);
  pc.stages = unsigned(s.codec.pipeline_depth);
  pc.clock_hz = s.codec.clock_ghz * 1e9;
  pc.fifo_depth = unsigned(s.codec.fifo_depth);

  Ledger ledger(table);
  {
    dram::sc::Router router("router", map);
    std::vector<std::unique_ptr<dram::sc::MemoryController>> channels;
    for (uint32_t c = 0; c < map.channels(); ++c) {
      const dram::sc::ChannelSetup cs{ds.spec, ds.mapping, ds.config, c, false};
      const std::string n = "channel_" + std::to_string(c);
      channels.push_back(std::make_unique<dram::sc::MemoryController>(n.c_str(), cs));
      router.out[c].bind(channels.back()->in);
    }
    pipeline::sc::CodecPipeline codec_module("codec", pc, codec == pipeline::Codec::bypass, tensors,
                                             map.burst_bytes(), style);
    codec_module.port.out.bind(router.in);
    codec_module.port.set_channel_map(map);
    if (!cb.inject_fault.empty()) {
      size_t i = 0;
      while (i < g.layers.size() && g.layers[i].name != cb.inject_fault) ++i;
      if (i == g.layers.size())
        throw Error("--inject-fault: the model has no layer named '" + cb.inject_fault + "'");
      codec_module.inject_fault(program.outputs[0][i]);
      r.notes.push_back("a fault was injected into the stored output of '" + cb.inject_fault +
                        "' (testing the checks)");
    }
    memory::Dma dma("dma", clock);
    dma.out.bind(codec_module.in);
    memory::Buffer wbuf(
        "weight_buffer",
        {s.buffers.weights.size_kib * 1024, s.buffers.weights.width_bits, s.buffers.weights.banks},
        "wbuf");
    memory::Buffer abuf("activation_buffer",
                        {s.buffers.activations.size_kib * 1024, s.buffers.activations.width_bits,
                         s.buffers.activations.banks},
                        "abuf");
    memory::Buffer obuf(
        "output_buffer",
        {s.buffers.outputs.size_kib * 1024, s.buffers.outputs.width_bits, s.buffers.outputs.banks},
        "obuf");
    engines::sc::EngineModule engine("engine", *core, clock);
    AcceleratorConfig ac;
    ac.clock = clock;
    Accelerator acc("accelerator", ac, qg, jobs, engine, dma, wbuf, abuf, obuf);
    acc.before_first_layer = [&] {
      for (size_t i = 0; i < g.layers.size(); ++i) {
        const network::Layer& l = g.layers[i];
        if (l.kind == network::LayerKind::Input || l.kind == network::LayerKind::Const)
          for (size_t b = 0; b < net.references.size(); ++b)
            codec_module.preload(program.outputs[b][i], net.references[b].values[i].data);
        if (l.has_weights()) codec_module.preload(program.weights[i], qg.layers[i].weights);
      }
    };
    acc.on_layer_done = cb.layer;
    if (cb.timeline) {
      acc.on_span = [&](const std::string& track, const std::string& name, double start,
                        double dur) {
        r.timeline.push_back({track, name, start, dur});
      };
      codec_module.set_activity_sink([&](const pipeline::sc::Activity& a) {
        r.timeline.push_back({a.track, a.name, a.start_ns, a.dur_ns});
      });
    }

    sc_start();

    if (acc.failure()) std::rethrow_exception(acc.failure());
    for (const auto& c : channels)
      if (c->failure()) std::rethrow_exception(c->failure());
    if (!acc.finished())
      throw std::logic_error("run_scenario: the simulation ended before the last layer");
    int64_t end_ps = dram::sc::now_ps();
    for (const auto& c : channels) {
      c->drain();
      end_ps = std::max(end_ps, c->stats().last_done_ps);
    }
    for (const auto& c : channels) c->finish(end_ps);
    r.sim_wall_seconds = seconds_since(sim_start);
    r.sim_time_ns = double(end_ps) / 1000.0;

    // Verification: every tensor the platform wrote, read back from DRAM and decoded with every
    // check, against the reference executor's.
    step("verifying");
    uint64_t checked = 0, wrong = 0, kept = 0;
    std::string first_bad, read_error;
    for (const LayerJob& job : jobs) {
      std::vector<int32_t> got;
      if (job.output_on_chip) {
        const auto on_chip = acc.on_chip_tensors().find(job.output_tensor);
        if (on_chip != acc.on_chip_tensors().end()) got = on_chip->second;
      } else {
        try {
          got = codec_module.read_back(job.output_tensor);
        } catch (const Error& e) {
          // A stored tensor that no longer decodes (its checks fail) does not verify.
          if (read_error.empty()) read_error = e.what();
        }
      }
      const std::vector<int32_t>& want =
          net.references[size_t(job.image)].values[size_t(job.index)].data;
      kept += job.output_on_chip ? 1 : 0;
      uint64_t bad = want.size() - std::min(want.size(), got.size());
      for (size_t k = 0; k < std::min(want.size(), got.size()); ++k) bad += got[k] != want[k];
      checked += want.size();
      wrong += bad;
      if (bad && first_bad.empty()) first_bad = g.layers[size_t(job.index)].name;
    }
    r.outputs_checked = checked;
    r.mismatches = wrong;
    r.verified = wrong == 0 && checked > 0;
    r.verification =
        r.verified
            ? "every layer's output (" + std::to_string(jobs.size()) + " tensors, " +
                  std::to_string(checked) + " values), read back from DRAM and decoded" +
                  (kept ? " (" + std::to_string(kept) + " kept on chip: from the buffer)" : "") +
                  ", equals the reference int8 executor's"
            : std::to_string(wrong) + " of " + std::to_string(checked) +
                  " values differ from the reference int8 executor (first in layer '" + first_bad +
                  "')" + (read_error.empty() ? "" : "; " + read_error);

    fill_result(r, s, net, jobs, acc, codec_module, channels, tensors, ledger, ds.spec);
  }
  r.wall_seconds = seconds_since(wall_start);
  return r;
}

}  // namespace apack::run

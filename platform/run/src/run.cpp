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

pipeline::Codec codec_of(const scenario::CodecSection& c) {
  if (!c.enabled) return pipeline::Codec::bypass;
  switch (c.compressor) {
    case scenario::Compressor::apack:
      return pipeline::Codec::apack;
    case scenario::Compressor::bypass:
      return pipeline::Codec::bypass;
    case scenario::Compressor::zrle:
      return pipeline::Codec::zrle;
    case scenario::Compressor::shapeshifter:
      return pipeline::Codec::shapeshifter;
  }
  return pipeline::Codec::bypass;
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

  // Stored forms: activations with the scenario's codec and table source, weights with tables
  // of their own (known before the run, what hardware would load with them).
  const pipeline::Codec codec = codec_of(s.codec);
  pipeline::CodecChoice act_choice;
  act_choice.codec = codec;
  act_choice.chunk = s.codec.chunk;
  act_choice.search = s.codec.search;
  act_choice.map = s.codec.map;
  act_choice.table_source = s.codec.tables == scenario::TableSource::profile
                                ? pipeline::TableSource::profile
                                : pipeline::TableSource::oracle;
  pipeline::CodecChoice weight_choice = act_choice;
  weight_choice.table_source = pipeline::TableSource::oracle;

  std::vector<uint32_t> out_tensor(g.layers.size()), weight_tensor(g.layers.size(), 0);
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const network::Layer& l = g.layers[i];
    const ElementFormat f = output_format(qg, int(i));
    if (f.bits > 8 || f.bits < 2)
      throw Error(s.source + ": layer '" + l.name + "' stores " + std::to_string(f.bits) +
                  "-bit values; the platform's stored forms hold 2 to 8 bits");
    pipeline::CodecChoice c = act_choice;
    const bool preloaded =
        l.kind == network::LayerKind::Input || l.kind == network::LayerKind::Const;
    if (c.table_source == pipeline::TableSource::profile) {
      if (preloaded && l.kind == network::LayerKind::Const)
        c.table_source = pipeline::TableSource::oracle;
      else
        c.profile = &net.profiles[i];
    }
    out_tensor[i] = tensors.declare(l.name, memory::TensorRole::activations, int(i), f,
                                    uint64_t(network::element_count(l.shape)), c);
    if (l.has_weights()) {
      const int wb = qg.layers[i].weight_bits;
      if (wb > 8 || wb < 2)
        throw Error(s.source + ": layer '" + l.name + "' has " + std::to_string(wb) +
                    "-bit weights; the platform's stored forms hold 2 to 8 bits");
      weight_tensor[i] =
          tensors.declare(l.name + "/weights", memory::TensorRole::weights, int(i),
                          ElementFormat{true, wb}, qg.layers[i].weights.size(), weight_choice);
    }
  }

  // The program: one job per layer that computes something.
  const mapping::BufferBudget budget{s.buffers.weights.size_kib * 1024 / 2,
                                     s.buffers.activations.size_kib * 1024 / 2,
                                     s.buffers.outputs.size_kib * 1024 / 2};
  std::vector<LayerJob> jobs;
  size_t conv_at = 0;
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const network::Layer& l = g.layers[i];
    if (l.kind == network::LayerKind::Input || l.kind == network::LayerKind::Const) continue;
    LayerJob job;
    job.index = int(i);
    job.output_tensor = out_tensor[i];
    for (int in : l.inputs) {
      job.input_tensors.push_back(out_tensor[size_t(in)]);
      job.input_values.push_back(uint64_t(network::element_count(g.layers[size_t(in)].shape)));
      job.input_bits.push_back(output_format(qg, in).bits);
    }
    if (l.has_weights()) {
      while (conv_at < net.layers.size() && net.layers[conv_at].index != int(i)) ++conv_at;
      if (conv_at == net.layers.size())
        throw std::logic_error("run_scenario: no engine work for layer " + l.name);
      job.on_engine = true;
      job.work = net.layers[conv_at].work;
      job.work.activations = nullptr;
      job.work.weights = nullptr;
      job.weight_tensor = weight_tensor[i];
      job.plan = mapping::plan_layer(job.work, budget);
    }
    jobs.push_back(std::move(job));
  }

  // A layer's output stays on chip when the next job is its only consumer, it is not a graph
  // output and it fits half of the activation buffer (the other half keeps the next tiles).
  if (s.buffers.keep_on_chip) {
    std::vector<std::vector<int>> consumers(g.layers.size());
    for (size_t i = 0; i < g.layers.size(); ++i)
      for (int in : g.layers[i].inputs) consumers[size_t(in)].push_back(int(i));
    std::vector<bool> is_output(g.layers.size(), false);
    for (const auto& o : g.outputs) is_output[size_t(o.layer)] = true;
    for (size_t j = 0; j + 1 < jobs.size(); ++j) {
      const int li = jobs[j].index;
      const std::vector<int>& c = consumers[size_t(li)];
      const ElementFormat f = output_format(qg, li);
      const int64_t bytes = (network::element_count(g.layers[size_t(li)].shape) * f.bits + 7) / 8;
      const bool only_next = !c.empty() && std::all_of(c.begin(), c.end(), [&](int x) {
        return x == jobs[j + 1].index;
      });
      const bool first_input =
          !jobs[j + 1].on_engine || g.layers[size_t(jobs[j + 1].index)].inputs.at(0) == li;
      if (only_next && first_input && !is_output[size_t(li)] && bytes <= budget.activation_bytes) {
        jobs[j].output_on_chip = true;
        jobs[j + 1].input_on_chip = true;
      }
    }
  }

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
          codec_module.preload(out_tensor[i], net.reference.values[i].data);
        if (l.has_weights()) codec_module.preload(weight_tensor[i], qg.layers[i].weights);
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
    std::string first_bad;
    for (const LayerJob& job : jobs) {
      const auto on_chip = acc.on_chip_tensors().find(job.output_tensor);
      const std::vector<int32_t> got =
          job.output_on_chip
              ? (on_chip == acc.on_chip_tensors().end() ? std::vector<int32_t>{} : on_chip->second)
              : codec_module.read_back(job.output_tensor);
      const std::vector<int32_t>& want = net.reference.values[size_t(job.index)].data;
      kept += job.output_on_chip ? 1 : 0;
      uint64_t bad = 0;
      for (size_t k = 0; k < want.size(); ++k) bad += got.at(k) != want[k];
      if (got.size() != want.size()) bad += 1;
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
                  "')";

    fill_result(r, s, net, jobs, acc, codec_module, channels, tensors, ledger, ds.spec);
  }
  r.wall_seconds = seconds_since(wall_start);
  return r;
}

}  // namespace apack::run

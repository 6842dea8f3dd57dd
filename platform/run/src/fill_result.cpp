#include "fill_result.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

#include "apack/dram/energy.hpp"
#include "apack/dram/sc/play.hpp"
#include "apack/network/graph.hpp"
#include "apack/scenario/scenario.hpp"

namespace apack::run {

namespace {

const char* layer_kind(const network::Layer& l) { return network::layer_kind_name(l.kind); }

}  // namespace

void fill_result(report::RunResult& r, const scenario::Scenario& s, const PreparedNetwork& net,
                 const std::vector<LayerJob>& jobs, const Accelerator& acc,
                 const pipeline::sc::CodecPipeline& codec,
                 const std::vector<std::unique_ptr<dram::sc::MemoryController>>& channels,
                 const memory::TensorMap& tensors, Ledger& ledger, const dram::MemSpec& spec) {
  const network::Graph& g = *net.graph;
  r.scenario_name = s.name;
  r.scenario_file = s.source;
  r.scenario_json = scenario::to_json_text(s, -1);
  r.engine = s.engine.name;
  r.engine_description = s.engine.description;
  r.codec = s.codec.enabled ? scenario::name(s.codec.compressor) : "bypass";
  r.table_source = r.codec == "apack" ? scenario::name(s.codec.tables) : "";
  r.dram = s.dram.memspec + " x" + std::to_string(s.dram.channels) +
           (s.dram.channels == 1 ? " channel" : " channels");
  r.tlm_mode = scenario::name(s.dram.mode);
  r.model = s.network.model;
  r.inputs = s.network.inputs;
  r.synthetic = net.synthetic;
  r.technology = s.technology;
  r.clock_ghz = s.clock_ghz;
  r.notes = s.notes;
  r.notes.insert(r.notes.end(), net.notes.begin(), net.notes.end());
  r.cycles = int64_t(r.sim_time_ns * s.clock_ghz + 0.5);

  // DRAM: totals, and its energy by kind (attributed to layers by their share of bytes moved).
  // Each kind is listed with the count it is made of: commands, or DRAM cycles for the
  // background and power-down states (summed over ranks), or bursts for I/O.
  dram::sc::PlayReport d;
  d.channels = uint32_t(channels.size());
  dram::sc::summarize_channels(d, spec, channels);
  r.dram_requests = d.requests;
  const dram::EnergyBreakdown& dram_energy = d.energy;
  std::array<double, dram::kEnergyKinds> dram_counts{};
  const auto cmds = [&](std::initializer_list<dram::Cmd> cs) {
    double n = 0;
    for (dram::Cmd c : cs) n += double(d.commands[size_t(c)]);
    return n;
  };
  {
    using dram::Cmd;
    using K = dram::EnergyKind;
    dram_counts[size_t(K::ACT)] = cmds({Cmd::ACT});
    dram_counts[size_t(K::PRE)] = cmds({Cmd::PRE, Cmd::PREA});
    dram_counts[size_t(K::RD)] = cmds({Cmd::RD, Cmd::RDA});
    dram_counts[size_t(K::WR)] = cmds({Cmd::WR, Cmd::WRA});
    dram_counts[size_t(K::REF)] = cmds({Cmd::REF});
    dram_counts[size_t(K::IO)] = cmds({Cmd::RD, Cmd::RDA, Cmd::WR, Cmd::WRA});
    for (int b = 0; b < dram::kBackgroundCount; ++b) {
      const auto state = dram::Background(b);
      const bool power_down =
          state != dram::Background::ActiveStandby && state != dram::Background::PrechargeStandby;
      dram_counts[size_t(power_down ? K::PowerDown : K::Background)] +=
          double(d.residency_cycles[size_t(b)]);
    }
  }
  const std::string dram_source =
      "DRAM model (docs/dram.md): IDD method on the " + s.dram.memspec +
      " memspec's currents and voltages over the simulated commands (count: commands; "
      "background and power-down: rank-cycles; I/O: bursts)";
  for (int k = 0; k < dram::kEnergyKinds; ++k) {
    const double pj = dram_energy.pj[size_t(k)];
    if (pj > 0)
      ledger.add_dram(std::string("dram.") + dram::name(dram::EnergyKind(k)),
                      std::max(1.0, dram_counts[size_t(k)]), pj, dram_source);
  }
  if (!dram_energy.modelled)
    r.notes.push_back("the memspec has no power data: DRAM energy is not modelled (zero)");

  const auto& traffic = codec.traffic();
  uint64_t all_bytes = 0;
  for (const auto& [layer, t] : traffic) all_bytes += t.read_bytes + t.write_bytes;
  const double dram_joules = dram_energy.total_pj() * 1e-12;

  for (size_t j = 0; j < jobs.size(); ++j) {
    const LayerJob& job = jobs[j];
    const network::Layer& l = g.layers[size_t(job.index)];
    const LayerTiming& t = acc.timing()[j];
    report::LayerRecord rec;
    rec.index = job.index;
    rec.name =
        net.references.size() == 1 ? l.name : l.name + " [image " + std::to_string(job.image) + "]";
    rec.kind = layer_kind(l);
    rec.unit = job.on_engine ? "engine" : "vector";
    rec.tiles = job.on_engine ? int64_t(job.plan.tiles.size()) : 0;
    rec.macs = job.on_engine ? job.work.macs() : 0;
    rec.start_ns = t.start_ns;
    rec.end_ns = t.end_ns;
    rec.cycles = int64_t((t.end_ns - t.start_ns) * s.clock_ghz + 0.5);
    rec.compute_cycles = t.compute_cycles;
    auto it = traffic.find(int(j));
    if (it != traffic.end()) {
      const auto& tr = it->second;
      rec.dram_read_bytes = tr.read_bytes;
      rec.dram_write_bytes = tr.write_bytes;
      rec.dram_read_bursts = tr.read_bursts;
      rec.dram_write_bursts = tr.write_bursts;
      rec.raw_read_bytes = tr.raw_read_bytes;
      rec.raw_write_bytes = tr.raw_write_bytes;
      rec.energy_j = ledger.add(tr.events);
    }
    const uint64_t raw = rec.raw_read_bytes + rec.raw_write_bytes;
    rec.compression_ratio =
        raw == 0 ? 1.0 : double(rec.dram_read_bytes + rec.dram_write_bytes) / double(raw);
    // The layer waited on whichever side was busy longer.
    const double layer_ns = t.end_ns - t.start_ns;
    rec.bound = t.compute_ns >= 0.5 * layer_ns ? "compute" : "memory";
    for (const auto& [c, j2] : ledger.add(acc.job_events()[j])) rec.energy_j[c] += j2;
    if (all_bytes > 0)
      rec.energy_j["dram"] +=
          dram_joules * double(rec.dram_read_bytes + rec.dram_write_bytes) / double(all_bytes);
    for (const auto& [c, v] : rec.energy_j) rec.energy_total_j += v;
    r.macs += rec.macs;
    r.dram_read_bytes += rec.dram_read_bytes;
    r.dram_write_bytes += rec.dram_write_bytes;
    r.dram_read_bursts += rec.dram_read_bursts;
    r.dram_write_bursts += rec.dram_write_bursts;
    r.raw_read_bytes += rec.raw_read_bytes;
    r.raw_write_bytes += rec.raw_write_bytes;
    r.layers.push_back(std::move(rec));
  }
  r.energy = ledger.items();
  r.energy_total_j = ledger.total_joules();
  r.energy_by_component = ledger.by_component();

  for (const memory::TensorInfo& t : tensors.all()) {
    if (!t.written) continue;
    report::Footprint& f = t.role == memory::TensorRole::weights ? r.weights : r.activations;
    ++f.tensors;
    f.raw_bytes += (t.n * uint64_t(t.format.bits) + 7) / 8;
    f.stored_bytes += t.stored_bytes;
  }
  if (r.sim_wall_seconds > 0) {
    r.dram_requests_per_second = double(r.dram_requests) / r.sim_wall_seconds;
    r.sim_to_wall = r.sim_time_ns * 1e-9 / r.sim_wall_seconds;
  }
}

}  // namespace apack::run

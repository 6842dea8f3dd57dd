#include "apack/run/program.hpp"

#include <algorithm>
#include <string>

#include "apack/error.hpp"
#include "apack/network/graph.hpp"

namespace apack::run {

pipeline::CodecChoice codec_choice(const scenario::CodecSection& c) {
  pipeline::CodecChoice choice;
  choice.codec = pipeline::Codec::bypass;
  if (c.enabled) switch (c.compressor) {
      case scenario::Compressor::apack:
        choice.codec = pipeline::Codec::apack;
        break;
      case scenario::Compressor::bypass:
        choice.codec = pipeline::Codec::bypass;
        break;
      case scenario::Compressor::zrle:
        choice.codec = pipeline::Codec::zrle;
        break;
      case scenario::Compressor::shapeshifter:
        choice.codec = pipeline::Codec::shapeshifter;
        break;
    }
  choice.chunk = c.chunk;
  choice.search = c.search;
  choice.map = c.map;
  choice.table_source = c.tables == scenario::TableSource::profile ? pipeline::TableSource::profile
                                                                   : pipeline::TableSource::oracle;
  return choice;
}

namespace {

bool preloaded(const network::Layer& l) {
  return l.kind == network::LayerKind::Input || l.kind == network::LayerKind::Const;
}

// Declares every layer's output for every image, and the weights once. Activations take the
// scenario's codec and table source; weights and constants take tables of their own (known
// before the run: what hardware would load with them).
void declare_tensors(const scenario::Scenario& s, const PreparedNetwork& net,
                     memory::TensorMap& tensors, Program& p) {
  const network::Graph& g = *net.graph;
  const network::QuantizedGraph& qg = net.qg;
  const pipeline::CodecChoice act_choice = codec_choice(s.codec);
  pipeline::CodecChoice weight_choice = act_choice;
  weight_choice.table_source = pipeline::TableSource::oracle;
  const size_t images = net.references.size();
  p.outputs.assign(images, std::vector<uint32_t>(g.layers.size(), 0));
  p.weights.assign(g.layers.size(), 0);
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const network::Layer& l = g.layers[i];
    const ElementFormat f = output_format(qg, int(i));
    if (f.bits > 8 || f.bits < 2)
      throw Error(s.source + ": layer '" + l.name + "' stores " + std::to_string(f.bits) +
                  "-bit values; the platform's stored forms hold 2 to 8 bits");
    pipeline::CodecChoice c = act_choice;
    if (c.table_source == pipeline::TableSource::profile) {
      if (l.kind == network::LayerKind::Const)
        c.table_source = pipeline::TableSource::oracle;
      else
        c.profile = &net.profiles[i];
    }
    for (size_t b = 0; b < images; ++b) {
      const std::string name = images == 1 ? l.name : l.name + " [image " + std::to_string(b) + "]";
      p.outputs[b][i] = tensors.declare(name, memory::TensorRole::activations, int(i), f,
                                        uint64_t(network::element_count(l.shape)), c);
    }
    if (l.has_weights()) {
      const int wb = qg.layers[i].weight_bits;
      if (wb > 8 || wb < 2)
        throw Error(s.source + ": layer '" + l.name + "' has " + std::to_string(wb) +
                    "-bit weights; the platform's stored forms hold 2 to 8 bits");
      p.weights[i] =
          tensors.declare(l.name + "/weights", memory::TensorRole::weights, int(i),
                          ElementFormat{true, wb}, qg.layers[i].weights.size(), weight_choice);
    }
  }
}

// A layer's output stays on chip when the next job (same image) is its only consumer, it is not
// a graph output and it fits half of the activation buffer (the other half keeps the next
// tiles).
void keep_on_chip(const PreparedNetwork& net, const mapping::BufferBudget& budget,
                  std::vector<LayerJob>& jobs) {
  const network::Graph& g = *net.graph;
  std::vector<std::vector<int>> consumers(g.layers.size());
  for (size_t i = 0; i < g.layers.size(); ++i)
    for (int in : g.layers[i].inputs) consumers[size_t(in)].push_back(int(i));
  std::vector<bool> is_output(g.layers.size(), false);
  for (const auto& o : g.outputs) is_output[size_t(o.layer)] = true;
  for (size_t j = 0; j + 1 < jobs.size(); ++j) {
    const LayerJob &a = jobs[j], &next = jobs[j + 1];
    if (a.image != next.image) continue;
    const int li = a.index;
    const std::vector<int>& c = consumers[size_t(li)];
    const ElementFormat f = output_format(net.qg, li);
    const int64_t bytes = (network::element_count(g.layers[size_t(li)].shape) * f.bits + 7) / 8;
    const bool only_next =
        !c.empty() && std::all_of(c.begin(), c.end(), [&](int x) { return x == next.index; });
    const bool first_input = !next.on_engine || g.layers[size_t(next.index)].inputs.at(0) == li;
    if (only_next && first_input && !is_output[size_t(li)] && bytes <= budget.activation_bytes) {
      jobs[j].output_on_chip = true;
      jobs[j + 1].input_on_chip = true;
    }
  }
}

}  // namespace

Program build_program(const scenario::Scenario& s, const PreparedNetwork& net,
                      memory::TensorMap& tensors, const mapping::BufferBudget& budget) {
  const network::Graph& g = *net.graph;
  const network::QuantizedGraph& qg = net.qg;
  Program p;
  declare_tensors(s, net, tensors, p);
  // Plans per layer, shared by every image.
  std::vector<const engines::NetworkLayer*> work(g.layers.size(), nullptr);
  for (const auto& nl : net.layers) work[size_t(nl.index)] = &nl;
  std::vector<mapping::LayerPlan> plans(g.layers.size());
  for (size_t i = 0; i < g.layers.size(); ++i)
    if (g.layers[i].has_weights()) {
      if (!work[i]) throw std::logic_error("build_program: no engine work for " + g.layers[i].name);
      plans[i] = mapping::plan_layer(work[i]->work, budget);
    }
  for (size_t b = 0; b < net.references.size(); ++b) {
    for (size_t i = 0; i < g.layers.size(); ++i) {
      const network::Layer& l = g.layers[i];
      if (preloaded(l)) continue;
      LayerJob job;
      job.index = int(i);
      job.image = int(b);
      job.output_tensor = p.outputs[b][i];
      for (int in : l.inputs) {
        job.input_tensors.push_back(p.outputs[b][size_t(in)]);
        job.input_values.push_back(uint64_t(network::element_count(g.layers[size_t(in)].shape)));
        job.input_bits.push_back(output_format(qg, in).bits);
      }
      if (l.has_weights()) {
        job.on_engine = true;
        job.work = work[i]->work;
        job.work.activations = nullptr;
        job.work.weights = nullptr;
        job.weight_tensor = p.weights[i];
        job.plan = plans[i];
      }
      p.jobs.push_back(std::move(job));
    }
  }
  if (s.buffers.keep_on_chip) keep_on_chip(net, budget, p.jobs);
  return p;
}

}  // namespace apack::run

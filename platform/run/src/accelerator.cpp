#include "apack/run/accelerator.hpp"

#include <algorithm>

#include "apack/error.hpp"

namespace apack::run {

using namespace sc_core;

namespace {

// Queue entries: job << 24 | tile, with flag bits above (which halves a tile uses).
constexpr int kFlags = 56;
constexpr int64_t kPlain = (int64_t(1) << kFlags) - 1;
int64_t key(size_t job, int64_t tile) { return int64_t(job) << 24 | tile; }
size_t job_of(int64_t k) { return size_t((k & kPlain) >> 24); }
int64_t tile_of(int64_t k) { return k & 0xffffff; }
double ns(const sc_time& t) { return t.to_seconds() * 1e9; }

// Items that pass through the compute and writer threads: a tile per engine tile, one per
// vector layer. The threads stop after the last one, so that nothing is left suspended (and
// unreleased) when the simulation ends.
size_t work_items(const std::vector<LayerJob>& jobs) {
  size_t n = 0;
  for (const LayerJob& j : jobs) n += j.on_engine ? j.plan.tiles.size() : 1;
  return n;
}

}  // namespace

Accelerator::Accelerator(const sc_module_name& name, const AcceleratorConfig& config,
                         const network::QuantizedGraph& qg, const std::vector<LayerJob>& jobs,
                         engines::sc::EngineModule& engine, memory::Dma& dma,
                         memory::Buffer& weights, memory::Buffer& activations,
                         memory::Buffer& outputs)
    : sc_module(name),
      config_(config),
      qg_(qg),
      jobs_(jobs),
      engine_(engine),
      dma_(dma),
      wbuf_(weights),
      abuf_(activations),
      obuf_(outputs),
      timing_(jobs.size()),
      job_events_(jobs.size()) {
  SC_THREAD(loader);
  SC_THREAD(compute);
  SC_THREAD(writer);
}

void Accelerator::guard(const std::function<void()>& body) {
  try {
    body();
  } catch (...) {
    if (!failure_) failure_ = std::current_exception();
    sc_stop();
  }
}

void Accelerator::span(const std::string& track, const std::string& what, const sc_time& start) {
  if (on_span && sc_time_stamp() > start)
    on_span(track, what, ns(start), ns(sc_time_stamp() - start));
}

void Accelerator::loader() {
  guard([&] {
    int prev_w = 1, prev_a = 1;  // the halves the previous tile used
    if (before_first_layer) before_first_layer();
    for (size_t j = 0; j < jobs_.size(); ++j) {
      // Every layer reads its inputs from DRAM: wait until the previous one is written.
      while (layers_written_ < j) wait(layer_written_);
      const LayerJob& job = jobs_[j];
      timing_[j].start_ns = ns(sc_time_stamp());
      const std::string& lname = qg_.graph->layers[size_t(job.index)].name;
      if (!job.on_engine) {
        input_halves_.wait();
        std::vector<std::vector<int32_t>>& ins = vector_inputs_[0];
        ins.clear();
        for (size_t i = 0; i < job.input_tensors.size(); ++i) {
          if (job.input_on_chip && j > 0 && job.input_tensors[i] == jobs_[j - 1].output_tensor) {
            ins.push_back(on_chip_);  // already in the activation buffer
            continue;
          }
          ins.emplace_back(size_t(job.input_values.at(i)));
          const sc_time s = sc_time_stamp();
          dma_.read(job.input_tensors[i], int(j), 0, ins.back().size(), ins.back().data(), abuf_,
                    job.input_bits.at(i));
          job_events_[j].add("abuf.write_bits", double(ins.back().size()) * job.input_bits[i]);
          span("dma.read", lname, s);
        }
        ready_.write(key(j, 0));
        continue;
      }
      const engines::LayerWork& w = job.work;
      for (size_t k = 0; k < job.plan.tiles.size(); ++k) {
        const mapping::Tile& tile = job.plan.tiles[k];
        input_halves_.wait();
        const sc_time s = sc_time_stamp();
        const int64_t wkey = key(j, tile.f0), akey = key(j, tile.oy0);
        if (weight_half_[0] != wkey && weight_half_[1] != wkey) {
          const int h = 1 - prev_w;
          const mapping::ValueRange r = mapping::weight_range(w, tile);
          wbuf_.slot(h).resize(r.count);
          dma_.read(job.weight_tensor, int(j), r.first, r.count, wbuf_.slot(h).data(), wbuf_,
                    w.weight.bits);
          job_events_[j].add("wbuf.write_bits", double(r.count) * w.weight.bits);
          weight_half_[h] = wkey;
        }
        prev_w = weight_half_[0] == wkey ? 0 : 1;
        if (act_half_[0] != akey && act_half_[1] != akey) {
          const int h = 1 - prev_a;
          const mapping::ValueRange r = mapping::activation_range(w, tile);
          abuf_.slot(h).resize(r.count);
          if (job.input_on_chip) {
            // The rows are already in the activation buffer (the previous layer's output).
            std::copy_n(on_chip_.begin() + long(r.first), r.count, abuf_.slot(h).begin());
          } else {
            dma_.read(job.input_tensors.at(0), int(j), r.first, r.count, abuf_.slot(h).data(),
                      abuf_, w.act.bits);
            job_events_[j].add("abuf.write_bits", double(r.count) * w.act.bits);
          }
          act_half_[h] = akey;
        }
        prev_a = act_half_[0] == akey ? 0 : 1;
        span("dma.read", lname, s);
        ready_.write(key(j, int64_t(k)) | int64_t(prev_w) << kFlags |
                     int64_t(prev_a) << (kFlags + 1));
      }
    }
  });
}

void Accelerator::compute() {
  guard([&] {
    int out_half = 0;
    for (size_t item = 0, items = work_items(jobs_); item < items; ++item) {
      const int64_t k = ready_.read();
      const int w_half = int(k >> kFlags & 1), a_half = int(k >> (kFlags + 1) & 1);
      const int64_t plain = k & kPlain;
      const size_t j = job_of(plain);
      const int64_t t = tile_of(plain);
      const LayerJob& job = jobs_[j];
      const network::Layer& layer = qg_.graph->layers[size_t(job.index)];
      output_halves_.wait();
      std::vector<int32_t>& out = output_half_[out_half];
      const sc_time s = sc_time_stamp();
      const int64_t before = engine_.busy_cycles();
      if (!job.on_engine) {
        // The vector unit: the executor's kernel on the tensors read back from DRAM.
        std::vector<network::IntTensor> values(size_t(job.index) + 1);
        for (size_t i = 0; i < job.input_tensors.size(); ++i) {
          network::IntTensor& x = values[size_t(layer.inputs[i])];
          const network::Layer& src = qg_.graph->layers[size_t(layer.inputs[i])];
          x.shape = src.shape;
          x.q = qg_.layers[size_t(layer.inputs[i])].out;
          x.data = std::move(vector_inputs_[0][i]);
        }
        input_halves_.post();
        network::IntTensor y = network::run_int_layer(qg_, size_t(job.index), values);
        out = std::move(y.data);
        const int64_t n = int64_t(out.size());
        engine_.busy((n + config_.vector_lanes - 1) / config_.vector_lanes);
        const double bits = double(n) * qg_.layers[size_t(job.index)].out.bits;
        job_events_[j].add("obuf.write_bits", bits);
      } else {
        const mapping::Tile& tile = job.plan.tiles[size_t(t)];
        const engines::LayerWork& w = job.work;
        std::vector<int32_t> storage;
        const engines::LayerWork tw = mapping::tile_work(w, tile, abuf_.slot(a_half).data(),
                                                         wbuf_.slot(w_half).data(), storage);
        engines::LayerResult r = engine_.compute(tw);
        for (const auto& [event, count] : r.events.all())
          if (event.rfind("offchip.", 0) != 0) job_events_[j].add(event, count);
        input_halves_.post();
        // Finish the sums into output values, laid out as the tile's output rows x all F.
        const int64_t rows = tile.oy1 - tile.oy0, Fp = tile.f1 - tile.f0;
        out.assign(size_t(rows * w.Ox * w.F), 0);
        for (int64_t p = 0; p < rows * w.Ox; ++p)
          for (int64_t f = 0; f < Fp; ++f)
            out[size_t(p * w.F + tile.f0 + f)] = network::finish_weighted_sum(
                qg_, size_t(job.index), tile.f0 + f, r.outputs[size_t(p * Fp + f)]);
      }
      timing_[j].compute_cycles += engine_.busy_cycles() - before;
      timing_[j].compute_ns += ns(sc_time_stamp() - s);
      span("engine", layer.name, s);
      done_.write(plain | int64_t(out_half) << kFlags);
      out_half ^= 1;
    }
  });
}

void Accelerator::writer() {
  guard([&] {
    std::vector<size_t> tiles_written(jobs_.size(), 0);
    for (size_t item = 0, items = work_items(jobs_); item < items; ++item) {
      const int64_t k = done_.read();
      const int half = int(k >> kFlags & 1);
      const int64_t plain = k & kPlain;
      const size_t j = job_of(plain);
      const LayerJob& job = jobs_[j];
      const std::string& lname = qg_.graph->layers[size_t(job.index)].name;
      std::vector<int32_t>& out = output_half_[half];
      const sc_time s = sc_time_stamp();
      size_t tiles = 1;
      if (job.output_on_chip) {
        // Output buffer -> activation buffer, for the next layer: no DRAM.
        uint64_t moved = 0;
        const int bits = qg_.layers[size_t(job.index)].out.bits;
        if (!job.on_engine) {
          on_chip_next_ = out;
          moved = out.size();
        } else {
          const engines::LayerWork& w = job.work;
          const mapping::Tile& tile = job.plan.tiles[size_t(tile_of(plain))];
          const mapping::ValueRange r = mapping::output_rows_range(w, tile);
          on_chip_next_.resize(size_t(w.outputs()));
          for (uint64_t i = 0; i < r.count; ++i) {
            const int64_t f = int64_t(i % uint64_t(w.F));
            if (f >= tile.f0 && f < tile.f1) {
              on_chip_next_[r.first + i] = out[i];
              ++moved;
            }
          }
          tiles = job.plan.tiles.size();
        }
        job_events_[j].add("obuf.read_bits", double(moved) * bits);
        job_events_[j].add("abuf.write_bits", double(moved) * bits);
        wait(config_.clock * double(abuf_.access_cycles(moved * uint64_t(bits))));
        span("buffer.move", lname, s);
      } else if (!job.on_engine) {
        dma_.write(job.output_tensor, int(j), 0, out.size(), out.data(), {}, obuf_,
                   qg_.layers[size_t(job.index)].out.bits);
        job_events_[j].add("obuf.read_bits",
                           double(out.size()) * qg_.layers[size_t(job.index)].out.bits);
      } else {
        const engines::LayerWork& w = job.work;
        const mapping::Tile& tile = job.plan.tiles[size_t(tile_of(plain))];
        const mapping::ValueRange r = mapping::output_rows_range(w, tile);
        std::vector<uint8_t> enable;
        if (tile.f1 - tile.f0 != w.F) {
          enable.assign(size_t(w.F), 0);
          std::fill(enable.begin() + tile.f0, enable.begin() + tile.f1, 1);
        }
        dma_.write(job.output_tensor, int(j), r.first, r.count, out.data(), enable, obuf_,
                   w.out.bits);
        job_events_[j].add("obuf.read_bits",
                           double((tile.oy1 - tile.oy0) * w.Ox * (tile.f1 - tile.f0)) * w.out.bits);
        tiles = job.plan.tiles.size();
      }
      if (!job.output_on_chip) span("dma.write", lname, s);
      output_halves_.post();
      if (++tiles_written[j] == tiles) {
        timing_[j].end_ns = ns(sc_time_stamp());
        if (job.output_on_chip) {
          on_chip_.swap(on_chip_next_);
          on_chip_seen_[job.output_tensor] = on_chip_;
        }
        ++layers_written_;
        layer_written_.notify(SC_ZERO_TIME);
        if (on_layer_done) on_layer_done(layers_written_, jobs_.size());
        if (layers_written_ == jobs_.size()) {
          finished_ = true;
          sc_stop();
        }
      }
    }
  });
}

}  // namespace apack::run

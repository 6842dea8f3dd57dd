#include "apack/engines/compare.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

namespace apack::engines {

OutputCheck check_outputs(const std::vector<int64_t>& reference, const std::vector<int64_t>& got) {
  OutputCheck c;
  c.ran = true;
  if (got.size() != reference.size()) {
    c.mismatches = int64_t(std::max(got.size(), reference.size()));
    c.first = 0;
    return c;
  }
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i] == reference[i]) continue;
    if (c.mismatches++ == 0) {
      c.first = int64_t(i);
      c.expected = reference[i];
      c.got = got[i];
    }
  }
  return c;
}

std::vector<EngineRun> run_engines(const std::vector<NetworkLayer>& layers,
                                   const std::vector<NamedEngine>& engines,
                                   const CompareOptions& options) {
  std::vector<EngineRun> runs(engines.size());
  struct Task {
    size_t engine, layer;
    double cost;
  };
  std::vector<Task> tasks;
  for (size_t e = 0; e < engines.size(); ++e) {
    runs[e].spec = engines[e].spec;
    runs[e].info = engines[e].engine->info();
    runs[e].layers.resize(layers.size());
    for (size_t l = 0; l < layers.size(); ++l)
      tasks.push_back({e, l, double(layers[l].work.macs()) * (runs[e].info.value_driven ? 3 : 1)});
  }
  // Longest first, so the last tasks to finish are short ones.
  std::stable_sort(tasks.begin(), tasks.end(),
                   [](const Task& a, const Task& b) { return a.cost > b.cost; });
  unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  threads = std::max(1u, std::min<unsigned>(threads, unsigned(tasks.size())));
  std::atomic<size_t> next{0};
  std::mutex mutex;
  size_t done = 0;
  std::exception_ptr error;
  auto worker = [&] {
    while (true) {
      const size_t t = next++;
      if (t >= tasks.size()) return;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (error) return;
      }
      const Task& task = tasks[t];
      const NetworkLayer& nl = layers[task.layer];
      EngineLayerRun& out = runs[task.engine].layers[task.layer];
      try {
        const auto start = std::chrono::steady_clock::now();
        RunOptions ro;
        ro.outputs = options.verify;
        out.result = engines[task.engine].engine->run(nl.work, ro);
        if (options.verify) out.check = check_outputs(nl.reference, out.result.outputs);
        std::vector<int64_t>().swap(out.result.outputs);
        out.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        return;
      }
      std::lock_guard<std::mutex> lock(mutex);
      ++done;
      if (options.progress) options.progress(done, tasks.size());
    }
  };
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);

  for (EngineRun& r : runs) {
    for (size_t l = 0; l < layers.size(); ++l) {
      const EngineLayerRun& lr = r.layers[l];
      r.cycles += lr.result.cycles;
      r.compute_cycles += lr.result.compute_cycles;
      r.bandwidth_cycles += lr.result.bandwidth_cycles;
      r.weight_bits += lr.result.weight_bits;
      r.act_in_bits += lr.result.act_in_bits;
      r.act_out_bits += lr.result.act_out_bits;
      r.events += lr.result.events;
      r.seconds += lr.seconds;
      r.macs += layers[l].work.macs();
      if (lr.check.equal()) ++r.layers_equal;
    }
  }
  return runs;
}

}  // namespace apack::engines

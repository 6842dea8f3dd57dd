// The memory path of the platform as SystemC modules, one simulation per process (this file is
// built twice: LT and AT). A test thread drives a DMA -> codec pipeline -> router -> memory
// controller chain over real LPDDR4-3200 timing:
// - a tensor stored by the host (preload) reads back, range by range, exactly as written, and
//   the codec moves fewer DRAM bytes than the raw values for skewed data;
// - a tensor written in tiles with byte-enable patterns (two filter halves of every pixel) is
//   stored once complete and reads back (debug interface, every CRC checked) as written;
// - reads take simulated time; a value that does not fit the storage format is an error naming
//   the tensor.
#include <catch2/catch.hpp>
#include <random>

#include "apack/dram/address_mapping.hpp"
#include "apack/dram/presets.hpp"
#include "apack/dram/sc/channel_map.hpp"
#include "apack/dram/sc/kernel.hpp"
#include "apack/dram/sc/memory_controller.hpp"
#include "apack/dram/sc/router.hpp"
#include "apack/error.hpp"
#include "apack/memory/buffer.hpp"
#include "apack/memory/dma.hpp"
#include "apack/memory/tensor_map.hpp"
#include "apack/pipeline/sc/codec_pipeline.hpp"

#ifndef APACK_TEST_AT
#define APACK_TEST_AT 0
#endif

using namespace apack;
using namespace sc_core;

namespace {

// Skewed signed 8-bit values: mostly small, a few large.
std::vector<int32_t> skewed(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::geometric_distribution<int> g(0.3);
  std::vector<int32_t> v(n);
  for (auto& x : v) {
    int m = std::min(g(rng), 127);
    x = (rng() & 1) ? m : -m;
  }
  return v;
}

struct Driver : sc_module {
  SC_HAS_PROCESS(Driver);
  memory::Dma& dma;
  memory::Buffer& buffer;
  pipeline::sc::CodecPipeline& codec;
  uint32_t a, b, c;
  std::vector<int32_t> a_values, b_values;
  std::vector<std::string> failures;
  bool done = false;
  double read_ns = 0;
  std::string range_error;

  Driver(sc_module_name n, memory::Dma& d, memory::Buffer& buf, pipeline::sc::CodecPipeline& cp,
         uint32_t ta, uint32_t tb, uint32_t tc)
      : sc_module(n), dma(d), buffer(buf), codec(cp), a(ta), b(tb), c(tc) {
    SC_THREAD(run);
  }

  void expect(bool ok, const std::string& what) {
    if (!ok) failures.push_back(what);
  }

  void run() {
    a_values = skewed(20000, 1);
    codec.preload(a, a_values);
    // Ranges of A: the start, the middle across chunk boundaries, the end.
    for (auto [first, count] : std::vector<std::pair<uint64_t, uint64_t>>{
             {0, 100}, {1000, 5000}, {19990, 10}, {4095, 2}}) {
      std::vector<int32_t> got(count);
      const sc_time t0 = sc_time_stamp();
      dma.read(a, 7, first, count, got.data(), buffer, 8);
      read_ns += (sc_time_stamp() - t0).to_seconds() * 1e9;
      expect(std::equal(got.begin(), got.end(), a_values.begin() + long(first)),
             "range [" + std::to_string(first) + ", +" + std::to_string(count) + ") of A");
    }
    // B: 500 pixels x 4 filters, written as two tiles of filters {0,1} and {2,3}.
    b_values = skewed(2000, 2);
    std::vector<int32_t> tile(2000, 99);  // positions outside the pattern must not be taken
    for (size_t i = 0; i < 2000; ++i)
      if (i % 4 < 2) tile[i] = b_values[i];
    dma.write(b, 8, 0, 2000, tile.data(), {1, 1, 0, 0}, buffer, 8);
    for (size_t i = 0; i < 2000; ++i) tile[i] = i % 4 >= 2 ? b_values[i] : 99;
    dma.write(b, 8, 0, 2000, tile.data(), {0, 0, 1, 1}, buffer, 8);
    std::vector<int32_t> back(2000);
    dma.read(b, 9, 0, 2000, back.data(), buffer, 8);
    expect(back == b_values, "B read back through the codec");
    // A value outside signed 4-bit storage.
    std::vector<int32_t> bad(64, 3);
    bad[10] = 9;
    try {
      dma.write(c, 9, 0, 64, bad.data(), {}, buffer, 4);
    } catch (const Error& e) {
      range_error = e.what();
    }
    done = true;
    sc_stop();
  }
};

}  // namespace

TEST_CASE("codec path: DMA, codec pipeline, router and memory controller move real data",
          "[run][sc]") {
  dram::sc::prepare_kernel();
  dram::MemSpec spec = dram::preset("lpddr4-3200");
  const dram::AddressMapping mapping = dram::default_mapping(spec);
  const dram::sc::ChannelMap map(spec, mapping);
  memory::TensorMap tensors(map.capacity(), map.burst_bytes());
  pipeline::CodecChoice choice;
  choice.chunk = 1024;
  const uint32_t a = tensors.declare("A", memory::TensorRole::weights, 7, {true, 8}, 20000, choice);
  const uint32_t b =
      tensors.declare("B", memory::TensorRole::activations, 8, {true, 8}, 2000, choice);
  const uint32_t c =
      tensors.declare("C", memory::TensorRole::activations, 9, {true, 4}, 64, choice);

  dram::sc::Router router("router", map);
  dram::sc::MemoryController mc("channel_0", {spec, mapping, dram::ControllerConfig{}, 0, true});
  router.out[0].bind(mc.in);
  pipeline::PipelineConfig pc;
  pc.units = 4;
  pipeline::sc::CodecPipeline codec("codec", pc, false, tensors, map.burst_bytes(),
                                    APACK_TEST_AT ? memory::TlmStyle::at : memory::TlmStyle::lt);
  codec.port.out.bind(router.in);
  memory::Dma dma("dma", sc_time(1, SC_NS));
  dma.out.bind(codec.in);
  memory::Buffer buffer("buffer", {65536, 256, 4}, "abuf");
  Driver driver("driver", dma, buffer, codec, a, b, c);

  sc_start();
  if (mc.failure()) std::rethrow_exception(mc.failure());
  REQUIRE(driver.done);
  for (const auto& f : driver.failures) FAIL_CHECK(f);
  CHECK(driver.failures.empty());
  CHECK(driver.read_ns > 0);
  // Host preloads are not traffic; the reads of A are, and the codec saves bytes on skewed data.
  const auto& tr = codec.traffic();
  REQUIRE(tr.count(7) == 1);
  CHECK(tr.at(7).read_bytes > 0);
  CHECK(tr.at(7).read_bytes < tr.at(7).raw_read_bytes);
  CHECK(tr.at(7).values_decoded >= 5112);  // whole chunks around the ranges read
  REQUIRE(tr.count(8) == 1);
  CHECK(tr.at(8).write_bytes == tensors.at(b).stored_bytes);
  CHECK(tr.at(8).values_encoded == 2000);
  CHECK(codec.read_back(b) == driver.b_values);
  CHECK(driver.range_error.find("C") != std::string::npos);
  CHECK(driver.range_error.find("does not fit") != std::string::npos);
  CHECK(mc.protocol_violations() == 0);
}

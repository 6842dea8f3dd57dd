#include "apack/memory/dma.hpp"

#include <algorithm>
#include <sstream>

#include "apack/error.hpp"
#include "apack/memory/tensor_access.hpp"

namespace apack::memory {

using namespace sc_core;

Dma::Dma(const sc_module_name& name, sc_time clock) : sc_module(name), out("out"), clock_(clock) {}

namespace {

// A value access of `count` values of `tensor` from `first`, on behalf of `layer`.
void prepare(tlm::tlm_generic_payload& p, tlm::tlm_command command, uint32_t tensor, int layer,
             uint64_t first, uint64_t count, unsigned char* data) {
  p.set_command(command);
  p.set_address(first * kValueBytes);
  p.set_data_ptr(data);
  p.set_data_length(unsigned(count * kValueBytes));
  p.set_streaming_width(unsigned(count * kValueBytes));
  // Owned by the payload (its destructor frees it), so an exception cannot leave a dangling
  // extension behind.
  auto* access = new TensorAccess;
  access->tensor = tensor;
  access->layer = layer;
  p.set_extension(access);
}

}  // namespace

void Dma::read(uint32_t tensor, int layer, uint64_t first, uint64_t count, int32_t* dst,
               Buffer& buffer, int bits_per_value) {
  if (count == 0) return;
  tlm::tlm_generic_payload p;
  prepare(p, tlm::TLM_READ_COMMAND, tensor, layer, first, count,
          reinterpret_cast<unsigned char*>(dst));
  ++stats_.reads;
  stats_.values_read += count;
  transfer(p, buffer, count * uint64_t(bits_per_value), true);
}

void Dma::write(uint32_t tensor, int layer, uint64_t first, uint64_t count, const int32_t* src,
                const std::vector<uint8_t>& enable, Buffer& buffer, int bits_per_value) {
  if (count == 0) return;
  tlm::tlm_generic_payload p;
  prepare(p, tlm::TLM_WRITE_COMMAND, tensor, layer, first, count,
          reinterpret_cast<unsigned char*>(const_cast<int32_t*>(src)));
  std::vector<unsigned char> be;
  uint64_t written = count;
  if (!enable.empty()) {
    be.resize(enable.size() * kValueBytes);
    uint64_t on = 0;
    for (size_t i = 0; i < enable.size(); ++i) {
      std::fill_n(be.begin() + long(i * kValueBytes), kValueBytes,
                  enable[i] ? TLM_BYTE_ENABLED : TLM_BYTE_DISABLED);
      on += enable[i] ? 1 : 0;
    }
    p.set_byte_enable_ptr(be.data());
    p.set_byte_enable_length(unsigned(be.size()));
    written = count / enable.size() * on;
    for (uint64_t i = count / enable.size() * enable.size(); i < count; ++i)
      written += enable[i % enable.size()] ? 1 : 0;
  }
  ++stats_.writes;
  stats_.values_written += written;
  transfer(p, buffer, written * uint64_t(bits_per_value), false);
}

void Dma::transfer(tlm::tlm_generic_payload& p, Buffer& buffer, uint64_t bits, bool fill) {
  const sc_time start = sc_time_stamp();
  sc_time delay = SC_ZERO_TIME;
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  out->b_transport(p, delay);  // the codec may wait() inside (it talks to DRAM)
  if (p.get_response_status() != tlm::TLM_OK_RESPONSE) {
    std::ostringstream m;
    m << name() << ": " << (fill ? "read" : "write") << " failed: " << p.get_response_string();
    throw Error(m.str());
  }
  const sc_time buffer_side = clock_ * double(buffer.access_cycles(bits));
  const sc_time memory_side = sc_time_stamp() - start + delay;
  const sc_time total = std::max(buffer_side, memory_side);
  if (total > sc_time_stamp() - start) wait(total - (sc_time_stamp() - start));
  stats_.busy_ns += (sc_time_stamp() - start).to_seconds() * 1e9;
}

}  // namespace apack::memory

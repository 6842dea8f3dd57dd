#include "apack/pipeline/sc/codec_pipeline.hpp"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "apack/error.hpp"
#include "apack/memory/tensor_access.hpp"

namespace apack::pipeline::sc {

using namespace sc_core;
using memory::kValueBytes;
using memory::TensorInfo;

uint8_t to_stored_byte(int32_t v, ElementFormat f, const std::string& what) {
  const int32_t lo = f.is_signed ? -(1 << (f.bits - 1)) : 0;
  const int32_t hi = f.is_signed ? (1 << (f.bits - 1)) - 1 : (1 << f.bits) - 1;
  if (v < lo || v > hi)
    throw Error(what + ": value " + std::to_string(v) + " does not fit " +
                (f.is_signed ? "signed " : "unsigned ") + std::to_string(f.bits) + "-bit storage");
  return uint8_t(int8_t(v));
}

int32_t from_stored_byte(uint8_t b, ElementFormat f) {
  return f.is_signed ? int32_t(int8_t(b)) : int32_t(b);
}

CodecPipeline::CodecPipeline(const sc_module_name& name, const PipelineConfig& config, bool bypass,
                             memory::TensorMap& tensors, uint32_t burst_bytes,
                             memory::TlmStyle style)
    : sc_module(name),
      in("in"),
      port("port", style),
      config_(config),
      bypass_(bypass),
      tensors_(tensors),
      burst_bytes_(burst_bytes) {
  validate(config, this->name());
  in.register_b_transport(this, &CodecPipeline::b_transport);
  in.register_transport_dbg(this, &CodecPipeline::transport_dbg);
}

void CodecPipeline::b_transport(tlm::tlm_generic_payload& p, sc_time& delay) {
  auto* access = p.get_extension<memory::TensorAccess>();
  if (!access || p.get_address() % kValueBytes != 0 || p.get_data_length() % kValueBytes != 0) {
    p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  // Catch up with the initiator's local time first: the codec talks to DRAM at real times.
  if (delay != SC_ZERO_TIME) {
    wait(delay);
    delay = SC_ZERO_TIME;
  }
  TensorInfo& t = tensors_.at(access->tensor);
  const uint64_t first = p.get_address() / kValueBytes, count = p.get_data_length() / kValueBytes;
  if (first > t.n || count > t.n - first)
    throw Error(std::string(name()) + ": values [" + std::to_string(first) + ", " +
                std::to_string(first + count) + ") are outside tensor '" + t.name + "' of " +
                std::to_string(t.n) + " values");
  int32_t* data = reinterpret_cast<int32_t*>(p.get_data_ptr());
  if (p.is_read())
    read_values(t, access->layer, first, count, data);
  else if (p.is_write())
    write_values(t, access->layer, first, count, data, p.get_byte_enable_ptr(),
                 p.get_byte_enable_length());
  else {
    p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int CodecPipeline::transport_dbg(tlm::tlm_generic_payload&) { return 0; }

void CodecPipeline::wait_until(const sc_time& start, double seconds) {
  const sc_time end = start + sc_time(seconds, SC_SEC);
  if (end > sc_time_stamp()) wait(end - sc_time_stamp());
}

uint64_t CodecPipeline::bursts(uint64_t address, uint64_t length) const {
  if (length == 0) return 0;
  const uint64_t b = burst_bytes_;
  return (address + length - 1) / b - address / b + 1;
}

void CodecPipeline::record(const std::string& track, const std::string& what,
                           const sc_time& start) {
  if (!sink_) return;
  sink_(Activity{track, what, start.to_seconds() * 1e9,
                 (sc_time_stamp() - start).to_seconds() * 1e9});
}

CodecPipeline::Opened& CodecPipeline::open(const TensorInfo& t, int layer) {
  auto it = opened_.find(t.id);
  if (it != opened_.end()) return it->second;
  // The header, table and chunk index: read once, as a hardware codec would cache them.
  std::vector<uint8_t> image(t.stored_bytes, 0);
  LayerTraffic& tr = traffic_[layer];
  if (t.metadata_bytes > 0) {
    port.read(t.base, image.data(), t.metadata_bytes);
    tr.read_bytes += t.metadata_bytes;
    tr.read_bursts += bursts(t.base, t.metadata_bytes);
  }
  Opened o;
  o.stored = open_stored(std::move(image), t.choice.codec, t.format, t.n, t.choice.chunk,
                         t.choice.shapeshifter_group, t.name + " (read back from DRAM)",
                         /*check_checksum=*/false);
  return opened_.emplace(t.id, std::move(o)).first->second;
}

void CodecPipeline::read_values(const TensorInfo& t, int layer, uint64_t first, uint64_t count,
                                int32_t* out) {
  if (!t.written)
    throw Error(std::string(name()) + ": tensor '" + t.name + "' is read before it was written");
  const sc_time start = sc_time_stamp();
  Opened& o = open(t, layer);
  const std::string what = t.name + " (read back from DRAM)";
  const ChunkSpan span = chunks_for_range(o.stored, first, count, what);
  // Fetch exactly the chunks' bytes into the image; decode only those.
  const sc_time dram_start = sc_time_stamp();
  port.read(t.base + span.byte_offset, o.stored.bytes.data() + span.byte_offset, span.byte_size);
  record("dram.read", t.name, dram_start);
  LayerTraffic& tr = traffic_[layer];
  tr.read_bytes += span.byte_size;
  tr.read_bursts += bursts(t.base + span.byte_offset, span.byte_size);
  tr.raw_read_bytes += (count * uint64_t(t.format.bits) + 7) / 8;
  const RangeDecode d = decode_range(o.stored, first, count, what);
  for (uint64_t i = 0; i < count; ++i) out[i] = from_stored_byte(d.values[i], t.format);
  if (bypass_ || t.choice.codec == Codec::bypass) {
    const TransferTiming timing = time_bypass(config_, span.values);
    wait_until(start, timing.seconds);
    return;
  }
  std::vector<uint64_t> chunk_values;
  for (size_t c = span.first_chunk; c < span.end_chunk; ++c)
    chunk_values.push_back(o.stored.chunks[c].values);
  const TransferTiming timing = time_transfer(config_, chunk_values, Direction::decode);
  tr.values_decoded += span.values;
  tr.decode_ns += timing.seconds * 1e9;
  if (t.choice.codec == Codec::apack) tr.events += transfer_events(timing, Direction::decode);
  // The units decode while the bytes arrive: the transfer ends when both are done.
  const sc_time decode_start = sc_time_stamp();
  wait_until(start, timing.seconds);
  if (sc_time_stamp() > decode_start) record("codec.decode", t.name, decode_start);
}

void CodecPipeline::write_values(TensorInfo& t, int layer, uint64_t first, uint64_t count,
                                 const int32_t* in, const unsigned char* enable,
                                 unsigned enable_length) {
  const sc_time start = sc_time_stamp();
  Staging& s = staging_[t.id];
  if (s.values.empty()) s.values.assign(t.n, 0);
  const unsigned pattern = enable ? enable_length / unsigned(kValueBytes) : 0;
  uint64_t written = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (pattern && enable[(i % pattern) * kValueBytes] != TLM_BYTE_ENABLED) continue;
    s.values[first + i] = in[i];
    ++written;
  }
  s.written += written;
  if (s.written > t.n)
    throw Error(std::string(name()) + ": tensor '" + t.name + "' received more values than it has");
  if (!bypass_ && t.choice.codec != Codec::bypass) {
    // The tile's values stream through the encoder's units, a chunk per stream.
    std::vector<uint64_t> chunk_values;
    for (uint64_t left = written; left > 0;) {
      const uint64_t c = std::min<uint64_t>(left, t.choice.chunk);
      chunk_values.push_back(c);
      left -= c;
    }
    const TransferTiming timing = time_transfer(config_, chunk_values, Direction::encode);
    LayerTraffic& tr = traffic_[layer];
    tr.values_encoded += written;
    tr.encode_ns += timing.seconds * 1e9;
    if (t.choice.codec == Codec::apack) tr.events += transfer_events(timing, Direction::encode);
    wait_until(start, timing.seconds);
    if (sc_time_stamp() > start) record("codec.encode", t.name, start);
  }
  if (s.written == t.n) {
    std::vector<int32_t> values = std::move(s.values);
    staging_.erase(t.id);
    store(t, values, layer, true);
  }
}

void CodecPipeline::store(TensorInfo& t, const std::vector<int32_t>& values, int layer,
                          bool timed) {
  std::vector<uint8_t> bytes(values.size());
  for (size_t i = 0; i < values.size(); ++i) bytes[i] = to_stored_byte(values[i], t.format, t.name);
  const StoredTensor s = encode_tensor(bytes, t.format, t.choice, t.name);
  const uint64_t metadata = s.chunks.empty() ? s.stored_bytes() : s.chunks.front().byte_offset;
  const uint64_t base = tensors_.place(t.id, s.stored_bytes(), metadata);
  if (!timed) {
    debug_access(true, base, const_cast<uint8_t*>(s.bytes.data()), s.bytes.size());
    return;
  }
  const sc_time start = sc_time_stamp();
  if (int64_t(t.id) == fault_tensor_ && s.payload_bytes > 0) {
    std::vector<uint8_t> faulty = s.bytes;
    faulty[metadata + s.payload_bytes / 2] ^= 0xff;
    port.write(base, faulty.data(), faulty.size());
    fault_done_ = true;
  } else {
    port.write(base, s.bytes.data(), s.bytes.size());
  }
  record("dram.write", t.name, start);
  LayerTraffic& tr = traffic_[layer];
  tr.write_bytes += s.stored_bytes();
  tr.write_bursts += bursts(base, s.stored_bytes());
  tr.raw_write_bytes += s.raw_bytes();
}

void CodecPipeline::preload(uint32_t tensor, const std::vector<int32_t>& values) {
  TensorInfo& t = tensors_.at(tensor);
  if (values.size() != t.n)
    throw Error("preload of '" + t.name + "': " + std::to_string(values.size()) +
                " values given, the tensor has " + std::to_string(t.n));
  store(t, values, t.layer, false);
}

void CodecPipeline::debug_access(bool write, uint64_t address, uint8_t* data, uint64_t length) {
  // transport_dbg moves at most what the target accepts per call; loop until done.
  uint64_t done = 0;
  while (done < length) {
    tlm::tlm_generic_payload p;
    p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(address + done);
    p.set_data_ptr(data + done);
    const uint64_t part = std::min<uint64_t>(length - done, uint64_t(1) << 30);
    p.set_data_length(unsigned(part));
    const unsigned n = port.out->transport_dbg(p);
    if (n == 0)
      throw Error(std::string(name()) + ": debug " + (write ? "write" : "read") + " at address " +
                  std::to_string(address + done) + " moved nothing");
    done += n;
  }
}

std::vector<int32_t> CodecPipeline::read_back(uint32_t tensor) {
  const TensorInfo& t = tensors_.at(tensor);
  if (!t.written) throw Error("read back of '" + t.name + "': the tensor was never written");
  std::vector<uint8_t> bytes(t.stored_bytes);
  debug_access(false, t.base, bytes.data(), bytes.size());
  const std::string what = t.name + " (read back from DRAM)";
  const StoredTensor s = open_stored(std::move(bytes), t.choice.codec, t.format, t.n,
                                     t.choice.chunk, t.choice.shapeshifter_group, what);
  const std::vector<uint8_t> v = decode_tensor(s, what);
  std::vector<int32_t> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = from_stored_byte(v[i], t.format);
  return out;
}

}  // namespace apack::pipeline::sc

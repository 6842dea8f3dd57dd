// The hardware sections: engine, buffers, codec.
#include "apack/error.hpp"
#include "read_sections.hpp"

namespace apack::scenario::detail {

namespace {

// The engine's own error names the parameter ("engine loom: k=3 is not ..." or "unknown
// parameter(s) kk"); point at that parameter's line when one is named, else at the engine.
Place engine_error_place(const std::string& message, const std::optional<Map>& params,
                         const Place& fallback) {
  if (params) {
    const size_t unknown = message.find("unknown parameter");
    for (const std::string& key : params->keys()) {
      const bool as_value = message.find(": " + key + "=") != std::string::npos;
      bool as_unknown = false;
      if (unknown != std::string::npos) {
        const size_t at = message.find(key, unknown);
        as_unknown = at != std::string::npos && message.find("(accepted", unknown) > at;
      }
      if (as_value || as_unknown) return params->find(key)->place();
    }
  }
  return fallback;
}

BufferSpec read_buffer(const std::optional<Value>& v, BufferSpec b) {
  if (!v) return b;
  const Map m = v->map();
  m.allow_only({"size_kib", "width_bits", "banks"});
  if (auto x = m.find("size_kib")) b.size_kib = x->integer(1, int64_t(1) << 20);
  if (auto x = m.find("width_bits")) {
    b.width_bits = int(x->integer(8, 4096));
    if (b.width_bits % 8 != 0) x->fail("must be a whole number of bytes (a multiple of 8)");
  }
  if (auto x = m.find("banks")) b.banks = int(x->integer(1, 1024));
  // Every bank holds whole words: size x 8192 bits split over banks x width-bit words.
  const int64_t bits = b.size_kib * 8192;
  if (bits % (int64_t(b.banks) * b.width_bits) != 0)
    m.place().fail(std::to_string(b.size_kib) + " KiB do not split into " +
                   std::to_string(b.banks) + " banks of whole " + std::to_string(b.width_bits) +
                   "-bit words");
  return b;
}

}  // namespace

EngineSection read_engine(const std::optional<Value>& section, const Place& at) {
  EngineSection e;
  std::optional<Map> params;
  Place fallback = at;
  if (section) {
    const Map m = section->map();
    m.allow_only({"name", "parameters", "baseline"});
    fallback = m.place();
    if (auto v = m.find("name")) {
      e.name = v->choice(engines::engine_names());
      fallback = v->place();
    }
    if (auto v = m.find("parameters")) {
      params = v->map();
      for (const std::string& key : params->keys()) {
        const Value p = *params->find(key);
        if (!p.is_scalar()) p.fail("must be a single value, got " + p.describe());
        e.parameters[key] = p.text();
      }
    }
    if (auto v = m.find("baseline")) {
      const Map b = v->map();
      b.allow_only({"width", "tiles", "rows"});
      if (auto x = b.find("width")) {
        e.baseline.width = int(x->integer(8, 16));
        if (e.baseline.width != 8 && e.baseline.width != 16) x->fail("must be 8 or 16");
      }
      if (auto x = b.find("tiles")) e.baseline.tiles = int(x->integer(1, 1024));
      if (auto x = b.find("rows")) e.baseline.rows = int(x->integer(1, 1024));
    }
  }
  try {
    const auto engine = engines::make_engine({e.name, e.parameters}, e.baseline);
    e.description = engine->info().description;
  } catch (const FormatError&) {
    throw;
  } catch (const Error& err) {
    engine_error_place(err.what(), params, fallback).fail(err.what());
  }
  return e;
}

BuffersSection read_buffers(const std::optional<Value>& section) {
  BuffersSection b;
  if (!section) return b;
  const Map m = section->map();
  m.allow_only({"weights", "activations", "outputs", "keep_on_chip"});
  b.weights = read_buffer(m.find("weights"), b.weights);
  b.activations = read_buffer(m.find("activations"), b.activations);
  b.outputs = read_buffer(m.find("outputs"), b.outputs);
  if (auto v = m.find("keep_on_chip")) b.keep_on_chip = v->boolean();
  return b;
}

CodecSection read_codec(const std::optional<Value>& section) {
  CodecSection c;
  if (!section) return c;
  const Map m = section->map();
  m.allow_only({"enabled", "compressor", "units", "pipeline_depth", "clock_ghz", "fifo_depth",
                "chunk", "search", "map", "tables"});
  if (auto v = m.find("enabled")) c.enabled = v->boolean();
  if (auto v = m.find("compressor")) {
    const std::string s = v->choice({"apack", "bypass", "zrle", "shapeshifter"});
    c.compressor = s == "apack"    ? Compressor::apack
                   : s == "bypass" ? Compressor::bypass
                   : s == "zrle"   ? Compressor::zrle
                                   : Compressor::shapeshifter;
  }
  if (auto v = m.find("units")) c.units = int(v->integer(1, 4096));
  if (auto v = m.find("pipeline_depth")) c.pipeline_depth = int(v->integer(1, 64));
  if (auto v = m.find("clock_ghz")) c.clock_ghz = v->number(0, 10, true);
  if (auto v = m.find("fifo_depth")) c.fifo_depth = int(v->integer(1, 65536));
  // The container stores the chunk size as a varint of 1 .. 2^32-1 (container-format.md).
  if (auto v = m.find("chunk")) c.chunk = uint32_t(v->integer(1, 4294967295LL));
  if (auto v = m.find("search"))
    c.search = v->choice({"optimal", "sweep"}) == "optimal" ? Search::optimal : Search::sweep;
  if (auto v = m.find("map")) {
    const std::string s = v->choice({"auto", "raw", "zigzag"});
    c.map = s == "auto" ? MapChoice::automatic : s == "raw" ? MapChoice::raw : MapChoice::zigzag;
  }
  if (auto v = m.find("tables"))
    c.tables =
        v->choice({"profile", "oracle"}) == "profile" ? TableSource::profile : TableSource::oracle;
  return c;
}

}  // namespace apack::scenario::detail

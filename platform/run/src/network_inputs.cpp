#include "apack/run/network_inputs.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "apack/error.hpp"
#include "apack/network/builtin.hpp"
#include "apack/npy.hpp"

namespace apack::vp {

using network::Graph;
using network::Shape;

namespace {

const Shape& input_shape(const Graph& g) {
  if (g.inputs.size() != 1)
    throw Error(g.name + ": network run feeds exactly one input; the model has " +
                std::to_string(g.inputs.size()));
  return g.layers[size_t(g.inputs[0])].shape;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

image::Preprocess choose_preprocess(const Graph& g, const std::string& name) {
  const Shape& s = input_shape(g);
  if (s.size() != 4 || (s[3] != 1 && s[3] != 3))
    throw Error(g.name + ": input " + network::shape_str(s) +
                " is not an image (1xHxWx1 or 1xHxWx3); give a preprocessed .npy instead");
  image::Preprocess p;
  bool from_preset = false;
  if (name != "auto" && name != "generic") {
    p = image::preset(name);
    from_preset = true;
  } else if (name == "auto") {
    for (const auto& n : image::preset_names())
      if (n == g.name) {
        p = image::preset(n);
        from_preset = true;
      }
  }
  if (!from_preset) {
    p.name = "generic";
    p.height = int(s[1]);
    p.width = int(s[2]);
    p.channels = s[3] == 1 ? image::Preprocess::Channels::grey : image::Preprocess::Channels::rgb;
    p.scale = 1.0 / 127.5;
    p.offset = -1.0;
  }
  const int64_t channels = p.channels == image::Preprocess::Channels::grey ? 1 : 3;
  if (p.height != s[1] || p.width != s[2] || channels != s[3])
    throw Error("preprocessing '" + p.name + "' makes " + std::to_string(p.height) + "x" +
                std::to_string(p.width) + "x" + std::to_string(channels) + " but " + g.name +
                " takes " + network::shape_str(s));
  return p;
}

image::Crop parse_crop(const std::string& text) {
  image::Crop c;
  char a, b, d;
  std::istringstream in(text);
  if (!(in >> c.x >> a >> c.y >> b >> c.w >> d >> c.h) || a != ',' || b != ',' || d != ',' ||
      !(in >> std::ws).eof())
    throw Error("--crop '" + text + "': expected X,Y,W,H in pixels, e.g. 150,50,150,150");
  if (c.w <= 0 || c.h <= 0 || c.x < 0 || c.y < 0)
    throw Error("--crop '" + text + "': the box needs x, y >= 0 and a positive width and height");
  return c;
}

network::FloatTensor load_input(const std::string& path, const Graph& g,
                                const image::Preprocess& pre,
                                const std::optional<image::Crop>& crop) {
  const Shape& s = input_shape(g);
  network::FloatTensor t;
  t.shape = s;
  if (ends_with(path, ".npy")) {
    if (crop) throw Error(path + ": --crop applies to images, not to a preprocessed .npy");
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error(path + ": cannot open the input: " + std::strerror(errno));
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
    NpyArray a = parse_npy(bytes.data(), bytes.size(), path);
    if (a.descr != "<f4" || a.fortran_order)
      throw FormatError(path + ": the input .npy must be float32 ('<f4') in C order, not '" +
                        a.descr + "'" + (a.fortran_order ? " (Fortran order)" : ""));
    Shape given(a.shape.begin(), a.shape.end());
    Shape with_batch = given;
    with_batch.insert(with_batch.begin(), 1);
    if (given != s && with_batch != s)
      throw FormatError(path + ": shape " + network::shape_str(given) +
                        " does not match the input " + network::shape_str(s) + " of " + g.name);
    t.data.resize(size_t(network::element_count(s)));
    std::memcpy(t.data.data(), a.data.data(), t.data.size() * 4);
    return t;
  }
  const image::Image img = image::decode_file(path);
  image::FloatImage f = image::preprocess(img, pre, crop, path);
  t.data = std::move(f.data);
  return t;
}

network::FloatTensor synthetic_input(const network::Graph& g, uint64_t seed) {
  const network::Layer& in = g.layers[size_t(g.inputs.at(0))];
  network::FloatTensor t{in.shape, std::vector<float>(size_t(network::element_count(in.shape)))};
  network::SyntheticNormal rng(seed ^ 0x9e3779b97f4a7c15ULL);
  for (auto& v : t.data) v = float(std::max(-1.0, std::min(1.0, rng.next() / 3.0)));
  return t;
}

}  // namespace apack::vp

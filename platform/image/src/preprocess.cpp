// Crop, bilinear resize, and per-model preprocessing to float32 NHWC tensors.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "apack/atomic_file.hpp"
#include "apack/error.hpp"
#include "apack/image/image.hpp"
#include "apack/npy.hpp"

namespace apack::image {
namespace {

// The presets follow ../shared/workloads/README.md, which records how the models' own library
// (@vladmandic/human) feeds them. Affine maps are written as scale/offset:
//   x/127.5 - 1                  -> scale 1/127.5, offset -1
//   ((grey/255) - 0.5) * 2       -> scale 2/255,   offset -1
const std::vector<Preprocess>& presets() {
  static const std::vector<Preprocess> all = {
      {"posenet", 385, 385, Preprocess::Channels::rgb, 1.0 / 127.5, -1.0},
      {"blazeface", 256, 256, Preprocess::Channels::rgb, 1.0 / 127.5, -1.0},
      {"emotion", 64, 64, Preprocess::Channels::grey, 2.0 / 255.0, -1.0},
  };
  return all;
}

std::string box_text(const Crop& b) {
  return "x=" + std::to_string(b.x) + ", y=" + std::to_string(b.y) + ", w=" + std::to_string(b.w) +
         ", h=" + std::to_string(b.h);
}

}  // namespace

Image crop(const Image& img, const Crop& b, const std::string& what) {
  // 64-bit sums: x + w must not wrap for boxes given on a command line.
  bool fits = b.w > 0 && b.h > 0 && b.x >= 0 && b.y >= 0 && int64_t(b.x) + b.w <= img.width &&
              int64_t(b.y) + b.h <= img.height;
  if (!fits)
    throw Error(what + ": crop box (" + box_text(b) + ") does not fit in the " +
                std::to_string(img.width) + "x" + std::to_string(img.height) +
                " image (width x height); it must be non-empty and lie wholly inside");
  Image out;
  out.width = b.w;
  out.height = b.h;
  out.rgb.resize(size_t(b.w) * b.h * 3);
  for (int y = 0; y < b.h; ++y)
    std::memcpy(out.rgb.data() + size_t(y) * b.w * 3,
                img.rgb.data() + (size_t(b.y + y) * img.width + b.x) * 3, size_t(b.w) * 3);
  return out;
}

FloatImage to_float(const Image& img) {
  FloatImage f;
  f.width = img.width;
  f.height = img.height;
  f.channels = 3;
  f.data.assign(img.rgb.begin(), img.rgb.end());
  return f;
}

FloatImage resize_bilinear(const FloatImage& in, int out_height, int out_width) {
  if (out_height <= 0 || out_width <= 0 || in.height <= 0 || in.width <= 0 || in.channels <= 0)
    throw Error("resize_bilinear: sizes must be positive (input " + std::to_string(in.width) + "x" +
                std::to_string(in.height) + ", output " + std::to_string(out_width) + "x" +
                std::to_string(out_height) + ")");
  // The arithmetic mirrors tfjs-backend-cpu's ResizeBilinear (alignCorners=false,
  // halfPixelCenters=false): JavaScript numbers are doubles, the output a Float32Array, so the
  // coordinates and blend are computed in double and rounded to float once.
  const double row_ratio = double(in.height) / out_height;
  const double col_ratio = double(in.width) / out_width;
  const int ch = in.channels;
  FloatImage out;
  out.width = out_width;
  out.height = out_height;
  out.channels = ch;
  out.data.resize(size_t(out_width) * out_height * ch);

  // Column sample positions are the same for every row.
  std::vector<int> col_lo(out_width), col_hi(out_width);
  std::vector<double> col_frac(out_width);
  for (int c = 0; c < out_width; ++c) {
    double src = col_ratio * c;
    int lo = std::max(0, int(std::floor(src)));
    col_lo[c] = lo;
    col_hi[c] = std::min(in.width - 1, int(std::ceil(src)));
    col_frac[c] = src - lo;
  }

  float* o = out.data.data();
  for (int r = 0; r < out_height; ++r) {
    double src = row_ratio * r;
    int lo = std::max(0, int(std::floor(src)));
    int hi = std::min(in.height - 1, int(std::ceil(src)));
    double row_frac = src - lo;
    const float* top_row = in.data.data() + size_t(lo) * in.width * ch;
    const float* bottom_row = in.data.data() + size_t(hi) * in.width * ch;
    for (int c = 0; c < out_width; ++c) {
      const float* tl = top_row + size_t(col_lo[c]) * ch;
      const float* tr = top_row + size_t(col_hi[c]) * ch;
      const float* bl = bottom_row + size_t(col_lo[c]) * ch;
      const float* br = bottom_row + size_t(col_hi[c]) * ch;
      for (int k = 0; k < ch; ++k) {
        double top = tl[k] + (double(tr[k]) - tl[k]) * col_frac[c];
        double bottom = bl[k] + (double(br[k]) - bl[k]) * col_frac[c];
        *o++ = float(top + (bottom - top) * row_frac);
      }
    }
  }
  return out;
}

const Preprocess& preset(const std::string& name) {
  for (const auto& p : presets())
    if (p.name == name) return p;
  std::string known;
  for (const auto& p : presets()) known += (known.empty() ? "" : ", ") + p.name;
  throw Error("unknown preprocessing preset '" + name + "' (known: " + known + ")");
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const auto& p : presets()) names.push_back(p.name);
  return names;
}

FloatImage preprocess(const Image& img, const Preprocess& p, const std::optional<Crop>& box,
                      const std::string& what) {
  if (p.width <= 0 || p.height <= 0)
    throw Error("preprocessing '" + p.name + "': tensor size must be positive");
  // Resize first, on the 8-bit RGB values as floats, then grey, then the affine map: the order
  // of the models' library (tf.image.resizeBilinear on the image tensor, then split/weight/add,
  // then normalise). All three steps are linear or affine with weights summing to 1, so another
  // order would differ only by float rounding; this one matches it operation for operation.
  FloatImage resized =
      resize_bilinear(to_float(box ? crop(img, *box, what) : img), p.height, p.width);
  FloatImage t;
  t.width = p.width;
  t.height = p.height;
  const size_t pixels = size_t(p.width) * p.height;
  const float* s = resized.data.data();
  if (p.channels == Preprocess::Channels::grey) {
    t.channels = 1;
    t.data.resize(pixels);
    for (size_t i = 0; i < pixels; ++i, s += 3) {
      double grey = kGreyR * s[0] + kGreyG * s[1] + kGreyB * s[2];
      t.data[i] = float(grey * p.scale + p.offset);
    }
  } else {
    t.channels = 3;
    t.data.resize(pixels * 3);
    for (size_t i = 0; i < pixels * 3; ++i) t.data[i] = float(s[i] * p.scale + p.offset);
  }
  return t;
}

std::vector<uint8_t> tensor_npy(const FloatImage& t) {
  // '<f4' is little-endian float32; memcpy of the floats is that layout only on such hosts.
  static_assert(sizeof(float) == 4, "float must be IEEE-754 binary32");
  const uint16_t probe = 1;
  uint8_t first = 0;
  std::memcpy(&first, &probe, 1);
  if (first != 1) throw Error("writing '<f4' .npy files needs a little-endian host");
  std::string header =
      npy_header("<f4", false, {1, uint64_t(t.height), uint64_t(t.width), uint64_t(t.channels)});
  return npy_file(header, reinterpret_cast<const uint8_t*>(t.data.data()),
                  t.data.size() * sizeof(float));
}

void write_tensor_npy(const FloatImage& t, const std::string& path) {
  write_file_atomic(path, tensor_npy(t));
}

}  // namespace apack::image

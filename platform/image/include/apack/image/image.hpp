// Real inputs for the networks: decoding PNG and JPEG photographs to 8-bit RGB, cropping,
// bilinear resizing with TF.js's sampling convention, and the per-model preprocessing that turns
// a photo into the float32 NHWC tensor a model expects. docs/image-input.md has the conventions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace apack::image {

// A decoded photo: 8-bit RGB, row-major, height x width x 3 (pixel (y, x) channel c at
// rgb[(y * width + x) * 3 + c]). Grey images are expanded to three equal channels, alpha is
// dropped, 16-bit samples are reduced to 8 bits, palettes are expanded.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;

  uint8_t at(int y, int x, int c) const { return rgb[(size_t(y) * size_t(width) + x) * 3 + c]; }
};

// Float samples, row-major, height x width x channels. Also the preprocessed tensor, whose shape
// is 1 x height x width x channels (NHWC).
struct FloatImage {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<float> data;

  float at(int y, int x, int c) const {
    return data[(size_t(y) * size_t(width) + x) * size_t(channels) + c];
  }
};

enum class FileFormat { png, jpeg };

// The format named by the first bytes (PNG signature, or JPEG's FF D8 FF), or nothing.
std::optional<FileFormat> detect_format(const uint8_t* bytes, size_t size);

// Decodes a PNG or JPEG held in memory; `what` names the input in messages. The format comes from
// the magic bytes, never from a name. Throws FormatError for an unsupported format or a truncated
// or corrupt file, naming `what` and the problem.
Image decode(const uint8_t* bytes, size_t size, const std::string& what);

// Reads and decodes a file. Throws Error when the file cannot be read, FormatError as decode().
Image decode_file(const std::string& path);

// A box in the original image's pixels: left column x, top row y, width w, height h.
struct Crop {
  int x = 0;
  int y = 0;
  int w = 0;
  int h = 0;
};

// The pixels inside the box. Throws Error, naming `what`, the box and the image size, when the
// box is empty or does not lie wholly inside the image.
Image crop(const Image& img, const Crop& box, const std::string& what = "image");

// 8-bit samples to floats in [0, 255], unchanged in value.
FloatImage to_float(const Image& img);

// Bilinear resize as TF.js tf.image.resizeBilinear(x, [out_height, out_width]) with
// alignCorners=false and halfPixelCenters=false: output (r, c) samples the input at
// (r * in_height / out_height, c * in_width / out_width), interpolating between the floor and
// the ceiling of each coordinate, the ceiling clamped to the last row/column. No rounding: the
// result is float, as TF.js returns float32. Throws Error for a non-positive size.
FloatImage resize_bilinear(const FloatImage& in, int out_height, int out_width);

// What a model expects: the tensor's size, its channels, and an affine map value * scale + offset
// applied after resizing (and, for grey, after the luma weighting).
struct Preprocess {
  enum class Channels { rgb, grey };
  std::string name;
  int width = 0;
  int height = 0;
  Channels channels = Channels::rgb;
  double scale = 1.0;
  double offset = 0.0;
};

// The luma weights the emotion model's library uses (ITU-R BT.601, rounded as it rounds them).
constexpr double kGreyR = 0.2989;
constexpr double kGreyG = 0.5870;
constexpr double kGreyB = 0.1140;

// Named presets: "posenet", "blazeface", "emotion". Throws Error listing the known names.
const Preprocess& preset(const std::string& name);
std::vector<std::string> preset_names();

// The model's input tensor from a photo: optional crop (original pixels), bilinear resize to
// p.height x p.width, then grey if asked, then value * p.scale + p.offset, as float32.
// The result has p.height x p.width x (3 or 1) samples, shape 1 x H x W x C.
FloatImage preprocess(const Image& img, const Preprocess& p,
                      const std::optional<Crop>& box = std::nullopt,
                      const std::string& what = "image");

// The tensor as a complete float32 .npy file ('<f4', C order, shape 1 x H x W x C), byte for
// byte what numpy.save writes for the same array.
std::vector<uint8_t> tensor_npy(const FloatImage& t);

// Writes tensor_npy(t) to `path` through a temporary file renamed into place, so a failure
// leaves no partial file. Throws Error naming the path.
void write_tensor_npy(const FloatImage& t, const std::string& path);

}  // namespace apack::image

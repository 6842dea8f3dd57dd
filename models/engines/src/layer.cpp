#include "apack/engines/layer.hpp"

#include "apack/error.hpp"

namespace apack::engines {

int64_t conv_out_size(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                      int64_t pad_before, int64_t pad_after) {
  const int64_t span = (kernel - 1) * dilation + 1;
  const int64_t padded = in + pad_before + pad_after;
  return padded < span ? 0 : (padded - span) / stride + 1;
}

namespace {
void check_format(const LayerWork& l, const OperandFormat& f, const char* what) {
  if (f.bits < 1 || f.bits > 16)
    throw Error("layer '" + l.name + "': " + what + " width " + std::to_string(f.bits) +
                " bits: engines take 1..16");
  if (f.precision < 1 || f.precision > f.bits)
    throw Error("layer '" + l.name + "': " + what + " precision " + std::to_string(f.precision) +
                " is outside 1.." + std::to_string(f.bits) + " (its storage width)");
}
}  // namespace

void check_layer(const LayerWork& l) {
  auto fail = [&](const std::string& what) { throw Error("layer '" + l.name + "': " + what); };
  if (l.H < 1 || l.W < 1 || l.C < 1 || l.F < 1 || l.Kh < 1 || l.Kw < 1 || l.groups < 1 ||
      l.stride_h < 1 || l.stride_w < 1 || l.dilation_h < 1 || l.dilation_w < 1 || l.Oy < 1 ||
      l.Ox < 1 || l.pad_top < 0 || l.pad_left < 0)
    fail("sizes, strides and dilations must be positive and paddings not negative");
  if (l.C % l.groups != 0 || l.F % l.groups != 0)
    fail("groups (" + std::to_string(l.groups) + ") must divide C (" + std::to_string(l.C) +
         ") and F (" + std::to_string(l.F) + ")");
  if (l.fully_connected &&
      (l.H != 1 || l.W != 1 || l.Kh != 1 || l.Kw != 1 || l.Oy != 1 || l.Ox != 1 || l.groups != 1))
    fail("a fully connected layer has H = W = Kh = Kw = Oy = Ox = groups = 1");
  // The last window must start inside the padded input.
  const int64_t last_y = (l.Oy - 1) * l.stride_h - l.pad_top;
  const int64_t last_x = (l.Ox - 1) * l.stride_w - l.pad_left;
  if (last_y + (l.Kh - 1) * l.dilation_h < 0 || last_x + (l.Kw - 1) * l.dilation_w < 0 ||
      last_y >= l.H + l.pad_top || last_x >= l.W + l.pad_left)
    fail("the output size does not fit the input, kernel, stride and padding");
  if (!l.activations || !l.weights) fail("no activation or weight values");
  check_format(l, l.act, "activation");
  check_format(l, l.weight, "weight");
  check_format(l, l.out, "output");
}

}  // namespace apack::engines

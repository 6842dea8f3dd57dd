// One layer as every engine sees it: the shape, the integer operands and the precisions the
// layer's data are stored and processed at. It is self-contained (no network IR), so engines are
// testable on hand-made layers and the platform can build it from any network.
//
// Conventions (the same as the network IR, docs/engines.md):
// - Activations are the layer's input, H x W x C (HWC, channels fastest). A fully connected
//   layer is H = W = 1 with C inputs.
// - Weights are OHWI: [F][Kh][Kw][C/groups], so one filter's reduction is contiguous and already
//   in the shared mapping's order (channels fastest, then kernel position).
// - Depthwise is groups == C (F a multiple of C; filter f reads channel f / (F / C)).
// - Padding cells are zeros (the int8 zero point is 0).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace apack::engines {

// How one tensor's integers are represented. `bits` is the storage width of the quantized data
// (8 or 16, or a profile's narrower width); `precision` the static per-layer precision the
// engine processes (Pa or Pw, <= bits), from a precision profile or from the data.
struct OperandFormat {
  int bits = 8;
  bool is_signed = true;
  int precision = 8;
};

struct LayerWork {
  std::string name;
  bool fully_connected = false;
  // Input activations
  int64_t H = 1, W = 1, C = 1;
  // Filters and window
  int64_t F = 1, Kh = 1, Kw = 1, groups = 1;
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;
  // Output windows (Oy x Ox); the caller computes them (the IR already has them).
  int64_t Oy = 1, Ox = 1;

  const int32_t* activations = nullptr;  // H*W*C values
  const int32_t* weights = nullptr;      // F*Kh*Kw*(C/groups) values
  OperandFormat act, weight;
  OperandFormat out;  // the output tensor's storage (off-chip bits of the results)

  int64_t Cg() const { return C / groups; }
  int64_t Fg() const { return F / groups; }
  // Products in the reduction of one output: R = (C/g) * Kh * Kw.
  int64_t reduction() const { return Cg() * Kh * Kw; }
  int64_t windows() const { return Oy * Ox; }
  int64_t macs() const { return windows() * F * reduction(); }
  int64_t outputs() const { return windows() * F; }
};

// Throws apack::Error naming the layer when the shape is inconsistent (groups not dividing C and
// F, output size not matching input, kernel and stride, null operands, precisions outside
// 1..bits, widths outside 1..16).
void check_layer(const LayerWork& layer);

// The output size of a convolution along one axis (the rule the IR uses).
int64_t conv_out_size(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                      int64_t pad_before, int64_t pad_after);

}  // namespace apack::engines

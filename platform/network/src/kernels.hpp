// Layer kernels shared by the fp32 and the int8 executors. They are templates over the element
// types so both executors walk windows, broadcasts and paddings with the same code; the
// executors differ only in what they do with the sums (float epilogue or integer requantization).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>

#include "apack/network/graph.hpp"
#include "apack/parallel.hpp"

namespace apack::network::detail {

// Splits [0, count) over threads, in blocks so that small layers stay on one thread.
template <class F>
void parallel_blocks(size_t count, unsigned threads, size_t min_block, F&& body) {
  size_t max_threads = std::max<size_t>(1, count / std::max<size_t>(1, min_block));
  apack::detail::parallel_ranges(count, unsigned(std::min<size_t>(threads, max_threads)),
                                 std::forward<F>(body));
}

// Dot product with the accumulator type doing the arithmetic. For int16 x int16 -> int32 GCC
// turns this into multiply-add-pairs vector code; for float the `omp simd` reduction lets it
// vectorize (the summation order then follows the vector width, which is fine for fp32).
template <typename TAcc, typename TIn, typename TW>
inline TAcc dot(const TIn* x, const TW* w, int64_t n) {
  TAcc s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t k = 0; k < n; ++k) s += TAcc(x[k]) * TAcc(w[k]);
  return s;
}

// Convolution sums without bias: acc[(oy*OW + ox)*F + f] = sum over the window of x * w.
// Padding cells contribute nothing (they are zeros in both executors: the int8 zero point is 0).
template <typename TAcc, typename TIn, typename TW>
void conv_sums(const Layer& l, const Shape& in_shape, const TIn* in, const TW* w, TAcc* acc,
               unsigned threads) {
  const int64_t H = in_shape[1], W = in_shape[2], C = in_shape[3];
  const int64_t OH = l.shape[1], OW = l.shape[2], F = l.out_channels;
  const int64_t G = l.groups, Cg = C / G, Fg = F / G, KH = l.kernel_h, KW = l.kernel_w;
  const bool depthwise = Cg == 1 && G == C;
  // Depthwise: weights regrouped per tap so the inner loop runs over contiguous filters.
  std::vector<TW> taps;
  if (depthwise) {
    taps.resize(size_t(KH * KW * F));
    for (int64_t f = 0; f < F; ++f)
      for (int64_t t = 0; t < KH * KW; ++t) taps[size_t(t * F + f)] = w[f * KH * KW + t];
  }
  const int64_t mult = depthwise ? F / C : 0;
  parallel_blocks(size_t(OH * OW), threads, 64, [&](size_t begin, size_t end) {
    std::vector<TAcc> row(depthwise ? size_t(F) : 0);
    for (size_t p = begin; p < end; ++p) {
      const int64_t oy = int64_t(p) / OW, ox = int64_t(p) % OW;
      TAcc* out = acc + int64_t(p) * F;
      const int64_t y0 = oy * l.stride_h - l.pad_top, x0 = ox * l.stride_w - l.pad_left;
      if (depthwise) {
        std::fill(row.begin(), row.end(), TAcc(0));
        for (int64_t ky = 0; ky < KH; ++ky) {
          const int64_t iy = y0 + ky * l.dilation_h;
          if (iy < 0 || iy >= H) continue;
          for (int64_t kx = 0; kx < KW; ++kx) {
            const int64_t ix = x0 + kx * l.dilation_w;
            if (ix < 0 || ix >= W) continue;
            const TIn* xv = in + (iy * W + ix) * C;
            const TW* wv = taps.data() + (ky * KW + kx) * F;
            TAcc* r = row.data();
            if (mult == 1) {
#pragma omp simd
              for (int64_t f = 0; f < F; ++f) r[f] += TAcc(xv[f]) * TAcc(wv[f]);
            } else {
              for (int64_t f = 0; f < F; ++f) r[f] += TAcc(xv[f / mult]) * TAcc(wv[f]);
            }
          }
        }
        std::copy(row.begin(), row.end(), out);
        continue;
      }
      for (int64_t f = 0; f < F; ++f) out[f] = 0;
      for (int64_t ky = 0; ky < KH; ++ky) {
        const int64_t iy = y0 + ky * l.dilation_h;
        if (iy < 0 || iy >= H) continue;
        for (int64_t kx = 0; kx < KW; ++kx) {
          const int64_t ix = x0 + kx * l.dilation_w;
          if (ix < 0 || ix >= W) continue;
          const TIn* xv = in + (iy * W + ix) * C;
          for (int64_t g = 0; g < G; ++g) {
            const TIn* xg = xv + g * Cg;
            for (int64_t f = g * Fg; f < (g + 1) * Fg; ++f)
              out[f] += dot<TAcc>(xg, w + ((f * KH + ky) * KW + kx) * Cg, Cg);
          }
        }
      }
    }
  });
}

// Fully connected sums without bias: acc[f] = sum_c x[c] * w[f*C + c].
template <typename TAcc, typename TIn, typename TW>
void fc_sums(const Layer& l, int64_t C, const TIn* in, const TW* w, TAcc* acc, unsigned threads) {
  const int64_t F = l.out_channels;
  parallel_blocks(size_t(F), threads, 16, [&](size_t begin, size_t end) {
    for (size_t f = begin; f < end; ++f) acc[f] = dot<TAcc>(in, w + int64_t(f) * C, C);
  });
}

// Visits the valid (non-padding) input cells of every pooling window:
// visit(out_index, channel_base_pointer_offset, count) is called per output pixel with the
// list of input pixel offsets gathered in `cells`.
template <class F>
void pool_windows(const Layer& l, const Shape& in_shape, unsigned threads, F&& body) {
  const int64_t H = in_shape[1], W = in_shape[2], C = in_shape[3];
  const int64_t OH = l.shape[1], OW = l.shape[2];
  parallel_blocks(size_t(OH * OW), threads, 256, [&](size_t begin, size_t end) {
    std::vector<int64_t> cells;
    for (size_t p = begin; p < end; ++p) {
      const int64_t oy = int64_t(p) / OW, ox = int64_t(p) % OW;
      cells.clear();
      for (int64_t ky = 0; ky < l.kernel_h; ++ky) {
        const int64_t iy = oy * l.stride_h - l.pad_top + ky;
        if (iy < 0 || iy >= H) continue;
        for (int64_t kx = 0; kx < l.kernel_w; ++kx) {
          const int64_t ix = ox * l.stride_w - l.pad_left + kx;
          if (ix < 0 || ix >= W) continue;
          cells.push_back((iy * W + ix) * C);
        }
      }
      body(int64_t(p) * C, cells, C);
    }
  });
}

// Element index in an input of shape `in` for each element of the broadcast output `out`.
inline std::vector<int64_t> broadcast_strides(const Shape& in, const Shape& out) {
  std::vector<int64_t> strides(out.size(), 0);
  int64_t stride = 1;
  for (size_t k = 0; k < in.size(); ++k) {
    size_t d_in = in.size() - 1 - k, d_out = out.size() - 1 - k;
    strides[d_out] = in[d_in] == 1 ? 0 : stride;
    stride *= in[d_in];
  }
  return strides;
}

// body(i, ia, ib) for every output element i with the matching input indices.
template <class F>
void broadcast_each(const Shape& a, const Shape& b, const Shape& out, F&& body) {
  const int64_t n = element_count(out);
  if (a == out && b == out) {
    for (int64_t i = 0; i < n; ++i) body(i, i, i);
    return;
  }
  const auto sa = broadcast_strides(a, out), sb = broadcast_strides(b, out);
  const size_t rank = out.size();
  std::vector<int64_t> idx(rank, 0);
  int64_t ia = 0, ib = 0;
  for (int64_t i = 0; i < n; ++i) {
    body(i, ia, ib);
    for (size_t d = rank; d-- > 0;) {
      ++idx[d];
      ia += sa[d];
      ib += sb[d];
      if (idx[d] < out[d]) break;
      ia -= sa[d] * out[d];
      ib -= sb[d] * out[d];
      idx[d] = 0;
    }
  }
}

// Constant padding of any rank.
template <typename T>
void pad_copy(const Shape& in, const std::vector<int64_t>& pads, const T* src, T fill,
              const Shape& out, T* dst) {
  std::fill(dst, dst + element_count(out), fill);
  const size_t rank = in.size();
  if (rank == 0) return;
  const int64_t inner = in[rank - 1];
  const int64_t rows = element_count(in) / std::max<int64_t>(inner, 1);
  std::vector<int64_t> idx(rank, 0);
  for (int64_t r = 0; r < rows; ++r) {
    // idx holds the input coordinates of this row's first element.
    int64_t o = 0;
    for (size_t d = 0; d < rank; ++d) o = o * out[d] + idx[d] + pads[2 * d];
    std::copy(src + r * inner, src + (r + 1) * inner, dst + o);
    for (size_t d = rank - 1; d-- > 0;) {
      if (++idx[d] < in[d]) break;
      idx[d] = 0;
    }
  }
}

// Concatenation along `axis`: `place(input, src_offset, dst_offset, n)` copies n elements.
inline void concat_blocks(const std::vector<Shape>& ins, int axis, const Shape& out,
                          const std::function<void(size_t, int64_t, int64_t, int64_t)>& place) {
  int64_t outer = 1;
  for (int d = 0; d < axis; ++d) outer *= out[size_t(d)];
  int64_t out_inner = element_count(out) / std::max<int64_t>(outer, 1);
  int64_t offset = 0;
  for (size_t i = 0; i < ins.size(); ++i) {
    int64_t inner = element_count(ins[i]) / std::max<int64_t>(outer, 1);
    for (int64_t o = 0; o < outer; ++o) place(i, o * inner, o * out_inner + offset, inner);
    offset += inner;
  }
}

inline int normalized_axis(int axis, size_t rank) { return axis < 0 ? axis + int(rank) : axis; }

}  // namespace apack::network::detail

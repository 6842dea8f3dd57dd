// The input tensor of a `network run`: a photo preprocessed as the model expects, or a float32
// .npy fed as is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "apack/image/image.hpp"
#include "apack/network/executor.hpp"
#include "apack/network/graph.hpp"

namespace apack::vp {

// The preprocessing for `graph`: the preset named `name`, or for "auto" the preset whose name is
// the graph's name (posenet, emotion, blazeface), else the generic one: resize to the input's
// H x W, RGB (3 channels) or grey (1 channel), x / 127.5 - 1. Throws when the preset's size or
// channels differ from the graph input.
image::Preprocess choose_preprocess(const network::Graph& graph, const std::string& name);

// Parses "X,Y,W,H".
image::Crop parse_crop(const std::string& text);

// An image path (PNG/JPEG by content) or a .npy (float32, C order, as many elements as the
// input; its shape must equal the input's, a missing leading batch of 1 allowed).
network::FloatTensor load_input(const std::string& path, const network::Graph& graph,
                                const image::Preprocess& pre,
                                const std::optional<image::Crop>& crop);

// A seeded input for a built-in topology run without an image: uniform-ish in [-1, 1] (a normal
// deviate / 3, clamped), the range of the generic preprocessing.
network::FloatTensor synthetic_input(const network::Graph& graph, uint64_t seed);

}  // namespace apack::vp

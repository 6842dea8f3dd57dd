// The engines' constructors from parameters, one per engine file; engine.cpp dispatches by name.
#pragma once

#include <memory>

#include "apack/engines/engine.hpp"

namespace apack::engines::detail {

std::unique_ptr<Engine> make_bit_parallel(ParamReader& params, const Baseline& baseline);
std::unique_ptr<Engine> make_tensor_core(ParamReader& params, const Baseline& baseline);
std::unique_ptr<Engine> make_loom(ParamReader& params, const Baseline& baseline);
std::unique_ptr<Engine> make_laconic(ParamReader& params, const Baseline& baseline);

}  // namespace apack::engines::detail

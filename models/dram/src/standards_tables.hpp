// The per-standard tables (standards_*.cpp), gathered by constraints.cpp.
#pragma once

#include "apack/dram/constraints.hpp"

namespace apack::dram::detail {

StandardDef ddr4_table();
StandardDef lpddr4_table();
StandardDef hbm2_table();

}  // namespace apack::dram::detail

// Turning a finished simulation into the RunResult: per-layer records, totals, footprints, the
// priced ledger and the simulator's own speed.
#pragma once

#include <memory>
#include <vector>

#include "apack/dram/memspec.hpp"
#include "apack/dram/sc/memory_controller.hpp"
#include "apack/memory/tensor_map.hpp"
#include "apack/pipeline/sc/codec_pipeline.hpp"
#include "apack/report/run_result.hpp"
#include "apack/run/accelerator.hpp"
#include "apack/run/ledger.hpp"
#include "apack/run/prepare.hpp"
#include "apack/scenario/scenario.hpp"

namespace apack::run {

void fill_result(report::RunResult& r, const scenario::Scenario& s, const PreparedNetwork& net,
                 const std::vector<LayerJob>& jobs, const Accelerator& acc,
                 const pipeline::sc::CodecPipeline& codec,
                 const std::vector<std::unique_ptr<dram::sc::MemoryController>>& channels,
                 const memory::TensorMap& tensors, Ledger& ledger, const dram::MemSpec& spec);

}  // namespace apack::run

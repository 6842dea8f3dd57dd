// The "posted" LT semantics, chosen per transaction by the initiator. A b_transport carrying a
// Posted extension returns as soon as the memory has ACCEPTED every burst of it (delay = the
// acceptance time): the data has moved (functionally, at that moment) and the completion is
// accounted in the memory's statistics when it happens. Without the extension b_transport is
// blocking: it returns at the last burst's completion. See memory_controller.hpp.
#pragma once

#include <tlm>

namespace apack::dram::sc {

class Posted : public tlm::tlm_extension<Posted> {
 public:
  tlm::tlm_extension_base* clone() const override { return new Posted(*this); }
  void copy_from(const tlm::tlm_extension_base&) override {}
};

}  // namespace apack::dram::sc

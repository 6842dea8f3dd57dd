#include "apack/dram/sc/kernel.hpp"

#include <cstdlib>

#include "apack/error.hpp"

namespace apack::dram::sc {

void prepare_kernel() {
  static bool done = false;
  if (done) return;
  // 0: a user who asks for the banner keeps it.
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  if (sc_core::sc_get_time_resolution() != sc_core::sc_time(1, sc_core::SC_PS))
    throw apack::Error("dram: the SystemC time resolution must be 1 ps (it is " +
                       sc_core::sc_get_time_resolution().to_string() + ")");
  // sc_stop() (how a failing process ends the run) reports "Simulation stopped by user" as
  // an info of this id on standard output; the error itself is what the caller reports.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  done = true;
}

}  // namespace apack::dram::sc

// Debian's libsystemc is linked with BIND_NOW and refers to sc_main (from sc_elab_and_sim, its
// own main), so every program linking it needs the symbol even when, as here, the simulation
// is started from an ordinary function. A weak definition satisfies the loader and gives way
// to a program's own sc_main. It lives in this file because every module's constructor calls
// prepare_kernel, which keeps this object in the link (an archive member is not pulled in for
// a symbol only a shared library wants; apack_dram_sc also forces it in with --undefined for
// programs that never call the kernel). It only runs if something calls sc_elab_and_sim.
__attribute__((weak)) int sc_main(int, char**) { return 1; }

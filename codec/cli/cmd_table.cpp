// `apack table`: the table the codec would use for a tensor, with the section-3 cost model.
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "apack/codec.hpp"
#include "commands.hpp"
#include "options.hpp"

namespace apack::cli {

namespace {

struct TableArgs {
  std::string in;
  EncodeOptions o;
  bool json = false;
};

}  // namespace

void register_table(CLI::App& app) {
  auto args = std::make_shared<TableArgs>();
  CLI::App* cmd = app.add_subcommand("table", "print the value table chosen for a tensor");
  cmd->add_option("input", args->in, "input .npy file, or - for standard input")->required();
  add_coding_options(cmd, args->o, false);
  cmd->add_flag("--json", args->json, "print only the table as JSON");
  cmd->callback([args] {
    const Tensor t = load_tensor(args->in);
    const TablePlan p = plan_table(t, args->o, args->in == "-" ? "standard input" : args->in);
    if (args->json) {
      nlohmann::ordered_json j;
      j["n"] = t.data.size();
      j["bits"] = args->o.bits;
      j["estimate_bits"] = p.report.estimate_bits;
      j["rows"] = nlohmann::ordered_json::array();
      for (const RowReport& r : p.report.rows)
        j["rows"].push_back({{"vmin", r.vmin},
                             {"ol", r.ol},
                             {"abits", r.abits},
                             {"obits", r.obits},
                             {"vcnt", r.vcnt}});
      std::cout << j.dump() << "\n";
      return;
    }
    std::cout << args->in << ": " << t.data.size() << " values, " << args->o.bits
              << "-bit codes, search " << to_string(args->o.search) << ", map " << to_string(p.map)
              << "\n";
    std::cout << " row  vmin  vmax  OL      count      q    abits    obits\n";
    for (int i = 0; i < kRows; ++i) {
      const RowReport& r = p.report.rows[i];
      const uint32_t end = p.table.vmin[i + 1];
      std::cout << std::setw(4) << i << std::setw(6) << r.vmin << std::setw(6);
      if (end > r.vmin)
        std::cout << end - 1;
      else
        std::cout << "-";
      std::cout << std::setw(4) << r.ol << std::setw(11) << r.vcnt << std::setw(7) << p.q[i]
                << std::setw(9) << r.abits << std::setw(9) << r.obits << "\n";
    }
    std::cout << "estimate: " << p.report.estimate_bits << " bits ("
              << (t.data.empty() ? 0.0 : double(p.report.estimate_bits) / t.data.size())
              << " bits/value)\n";
  });
}

}  // namespace apack::cli

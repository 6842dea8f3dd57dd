// layers.csv and energy.csv: columns, values, quoting, and the ledger's TOTAL row. The files
// are read back with a small RFC 4180 parser written here, independent of the writer.
#include <catch2/catch.hpp>

#include "apack/report/tables.hpp"
#include "sample_result.hpp"

using namespace apack::report;
using apack::report::test::sample_result;
using apack::report::test::ScratchDir;
using apack::report::test::slurp;

namespace {

using Rows = std::vector<std::vector<std::string>>;

// Quoted fields may hold commas, doubled quotes and line breaks; records end with CRLF.
Rows parse_csv(const std::string& text) {
  Rows rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::string& field = rows.back().back();
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      rows.emplace_back(1);
    } else {
      field += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

}  // namespace

TEST_CASE("csv_field quotes only what needs it", "[report][csv]") {
  CHECK(csv_field("conv1") == "conv1");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field(" padded") == "\" padded\"");
  CHECK(csv_field("") == "");
}

TEST_CASE("layers.csv has the documented columns, one row per layer", "[report][csv]") {
  ScratchDir dir("layers-csv");
  const std::string path = dir.file("layers.csv");
  write_layers_csv(sample_result(), path);
  const std::string text = slurp(path);
  const Rows rows = parse_csv(text);
  REQUIRE(rows.size() == 3);  // header + 2 layers
  const std::vector<std::string> header = {
      "index", "name", "kind", "unit", "tiles", "macs", "start_ns", "end_ns", "time_ns", "cycles",
      "compute_cycles", "bound", "dram_read_bytes", "dram_write_bytes", "dram_read_bursts",
      "dram_write_bursts", "raw_read_bytes", "raw_write_bytes", "compression_ratio",
      // union of the layers' components, sorted: codec only in layer 1, engine only in layer 0
      "energy_codec_uJ", "energy_dram_uJ", "energy_engine_uJ", "energy_total_uJ"};
  CHECK(rows[0] == header);
  CHECK(rows[1] == std::vector<std::string>{
                       "0",    "conv \"1\",a", "Conv", "engine",  "12",  "100000", "0",  "1500",
                       "1500", "1500",         "1200", "compute", "800", "300",    "13", "5",
                       "1600", "600",          "0.5",  "0",       "1",   "1.5",    "2.5"});
  CHECK(rows[2] == std::vector<std::string>{"1",    "add_1",  "Add",   "vector", "0",   "0",
                                            "1500", "2000.5", "500.5", "501",    "100", "memory",
                                            "200",  "200",    "3",     "3",      "400", "400",
                                            "0.5",  "0.25",   "0.25",  "0",      "0.5"});
  // The raw line shows the quoting a spreadsheet expects.
  CHECK(text.find("0,\"conv \"\"1\"\",a\",Conv,") != std::string::npos);
}

TEST_CASE("energy.csv lists the ledger and a TOTAL row equal to its sum", "[report][csv]") {
  ScratchDir dir("energy-csv");
  const std::string path = dir.file("energy.csv");
  write_energy_csv(sample_result(), path);
  const Rows rows = parse_csv(slurp(path));
  REQUIRE(rows.size() == 5);  // header, 3 items, TOTAL
  CHECK(rows[0] == std::vector<std::string>{"component", "event", "count", "pJ_each", "energy_uJ",
                                            "share_percent", "derived", "source"});
  CHECK(rows[1] == std::vector<std::string>{"engine", "mac", "1200000", "1.25", "1.5", "50", "no",
                                            "Horowitz ISSCC 2014, 45nm scaled"});
  CHECK(rows[3][6] == "yes");
  double sum = 0, shares = 0;
  for (size_t i = 1; i + 1 < rows.size(); ++i) {
    REQUIRE(rows[i].size() == 8);
    sum += std::stod(rows[i][4]);
    shares += std::stod(rows[i][5]);
    // pJ each times count is the row's energy: the columns agree with each other.
    CHECK(std::stod(rows[i][2]) * std::stod(rows[i][3]) * 1e-6 == Approx(std::stod(rows[i][4])));
  }
  const auto& total = rows.back();
  REQUIRE(total.size() == 8);
  CHECK(total[0] == "TOTAL");
  CHECK(std::stod(total[4]) == Approx(sum));
  CHECK(std::stod(total[4]) == Approx(3.0));  // 1.5 + 1.25 + 0.25 uJ
  CHECK(shares == Approx(100.0));
  CHECK(std::stod(rows[2][5]) == Approx(100.0 * 1.25 / 3.0));
}

TEST_CASE("an empty run writes headers only", "[report][csv]") {
  RunResult r;
  const Rows layers = parse_csv(layers_csv_text(r));
  REQUIRE(layers.size() == 1);
  CHECK(layers[0].back() == "energy_total_uJ");
  const Rows energy = parse_csv(energy_csv_text(r));
  REQUIRE(energy.size() == 2);
  CHECK(energy[1][0] == "TOTAL");
  CHECK(energy[1][4] == "0");
}

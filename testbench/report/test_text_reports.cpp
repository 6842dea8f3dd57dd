// Human units, the terminal summary, and write_reports' set of files.
#include <catch2/catch.hpp>
#include <filesystem>

#include "apack/error.hpp"
#include "apack/report/reports.hpp"
#include "sample_result.hpp"

using namespace apack::report;
using apack::report::test::sample_result;
using apack::report::test::ScratchDir;
using apack::report::test::spit;

TEST_CASE("human units", "[report][text]") {
  CHECK(human_bytes(812) == "812 B");
  CHECK(human_bytes(1536) == "1.50 KiB");
  CHECK(human_bytes(300.0 * 1024 * 1024) == "300 MiB");
  CHECK(human_bytes(1.5 * 1024 * 1024 * 1024) == "1.50 GiB");
  CHECK(human_time_ns(850) == "850 ns");
  CHECK(human_time_ns(12345) == "12.3 us");
  CHECK(human_time_ns(4.56e6) == "4.56 ms");
  CHECK(human_time_ns(1.234e9) == "1.23 s");
  CHECK(human_energy_j(12e-12) == "12.0 pJ");
  CHECK(human_energy_j(5.67e-5) == "56.7 uJ");
  CHECK(human_energy_j(1.23e-3) == "1.23 mJ");
  CHECK(human_energy_j(0) == "0 J");
  CHECK(human_count(950) == "950");
  CHECK(human_count(123456789012.0) == "123 G");
  CHECK(fixed(NAN, 2) == "n/a");
}

TEST_CASE("format_summary: the run at a glance", "[report][text]") {
  RunResult r = sample_result();
  std::string s = format_summary(r);
  CHECK_THAT(s, Catch::Contains("scenario 'tc & apack'"));
  CHECK_THAT(s, Catch::Contains("apack (tables: profile)"));
  CHECK_THAT(s, Catch::Contains("lpddr4-3200 x1 channel"));
  CHECK_THAT(s, Catch::Contains("verified       yes"));
  CHECK_THAT(s, Catch::Contains("2.00 us simulated"));  // 2000.5 ns
  CHECK_THAT(s, Catch::Contains("ratio 0.500"));        // 1000 stored / 2000 raw read
  CHECK_THAT(s, Catch::Contains("2.40 KiB stored / 4.00 KiB raw = 60.0%"));  // weights
  CHECK_THAT(s, Catch::Contains("energy 3.00 uJ"));
  CHECK_THAT(s, Catch::Contains("50.0%"));    // engine share
  CHECK_THAT(s, Catch::Contains("300 MiB"));  // peak memory
  CHECK_THAT(s, Catch::Contains("tables from the calibration profile"));
  CHECK_THAT(s, !Catch::Contains("NOT VERIFIED"));
  // Components listed largest first, after the energy total.
  const size_t energy = s.find("energy 3.00 uJ");
  CHECK(s.find("  engine ", energy) < s.find("  dram ", energy));
  CHECK(s.find("  dram ", energy) < s.find("  codec ", energy));

  r.verified = false;
  r.mismatches = 7;
  s = format_summary(r);
  CHECK_THAT(s, Catch::Contains("NOT VERIFIED"));
  CHECK_THAT(s, Catch::Contains("mismatches 7"));
}

TEST_CASE("write_reports writes the asked files and names a folder it cannot create",
          "[report][files]") {
  ScratchDir dir("reports");
  const std::string out = dir.file("a/b/out");
  const auto minimal = write_reports(sample_result(), out, false, false);
  REQUIRE(minimal.size() == 3);
  CHECK(std::filesystem::path(minimal[0]).filename() == "summary.json");
  CHECK(std::filesystem::path(minimal[1]).filename() == "layers.csv");
  CHECK(std::filesystem::path(minimal[2]).filename() == "energy.csv");
  const auto all = write_reports(sample_result(), out, true, true);
  REQUIRE(all.size() == 6);
  for (const std::string& f : all) CHECK(std::filesystem::file_size(f) > 0);
  CHECK(std::filesystem::path(all[3]).filename() == "trace.json");

  spit(dir.file("plain"), "x");
  CHECK_THROWS_WITH(write_reports(sample_result(), dir.file("plain"), false, false),
                    Catch::Contains(dir.file("plain")));
  CHECK_THROWS_AS(write_reports(sample_result(), dir.file("plain") + "/sub", false, false),
                  apack::Error);
}

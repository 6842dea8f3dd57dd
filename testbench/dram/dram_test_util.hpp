// Helpers shared by the DRAM tests: building requests and addresses, running a controller and
// checking every log it produces with the protocol checker.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "apack/dram/address_mapping.hpp"
#include "apack/dram/controller.hpp"
#include "apack/dram/presets.hpp"
#include "apack/dram/protocol_checker.hpp"
#include "apack/dram/run.hpp"

namespace apack::dram::test {

inline std::string data_file(const std::string& name) {
  return std::string(APACK_DRAM_DATA_DIR) + "/dramsys/" + name;
}

inline Request read_at(uint64_t id, uint64_t address, Cycle t) { return {id, address, false, t}; }
inline Request write_at(uint64_t id, uint64_t address, Cycle t) { return {id, address, true, t}; }

inline uint64_t address_of(const AddressMapping& m, uint32_t rank, uint32_t group, uint32_t bank,
                           uint32_t row, uint32_t column = 0) {
  DecodedAddress d;
  d.rank = rank;
  d.group = group;
  d.bank = bank;
  d.row = row;
  d.column = column;
  return m.encode(d);
}

// Every log the controller produces must pass the checker: timing, bank state, and (when the
// controller refreshes) the refresh deadline up to `end`.
inline void require_legal(const Controller& c, Cycle end) {
  CheckOptions o;
  o.refresh_deadline = c.config().refresh != RefreshPolicy::NoRefresh;
  o.end = end;
  const auto v = check_log(c.spec(), c.log(), o);
  INFO(c.spec().id << ": " << c.log().size() << " commands");
  for (size_t i = 0; i < v.size() && i < 5; ++i) UNSCOPED_INFO(v[i].message);
  REQUIRE(v.empty());
}

// Runs `requests` to completion and checks the log.
inline RunResult run_checked(Controller& c, const std::vector<Request>& requests) {
  RunResult r = run_requests(c, requests);
  REQUIRE(r.completions.size() == requests.size());
  require_legal(c, r.end);
  return r;
}

// Sequential reads of `count` consecutive bursts from address 0, all offered at time 0 (the
// source is as fast as back-pressure lets it be).
inline std::vector<Request> sequential_reads(const MemSpec& s, size_t count) {
  std::vector<Request> v;
  for (size_t i = 0; i < count; ++i) v.push_back(read_at(i, i * s.arch.burst_bytes(), 0));
  return v;
}

// Fraction of the channel's peak data bandwidth a run achieved: bytes moved over
// peak bytes per cycle x cycles from time 0 to the last completion.
inline double fraction_of_peak(const MemSpec& s, size_t bursts, Cycle end) {
  return double(bursts) * s.arch.burst_bytes() / (s.peak_bytes_per_cycle() * double(end));
}

}  // namespace apack::dram::test

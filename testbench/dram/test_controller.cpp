// The controller core: back-pressure under each buffer policy and the active-transaction
// limit, FR-FCFS against FCFS, completion times, mixed random traffic under every policy on
// every preset (each log checked), determinism, refresh and power-down together, and running
// from DRAMSys files.
#include <catch2/catch.hpp>
#include <map>
#include <random>

#include "apack/dram/memspec_json.hpp"
#include "apack/error.hpp"
#include "dram_test_util.hpp"

using namespace apack::dram;
using namespace apack::dram::test;

TEST_CASE("back-pressure: bank-wise buffer", "[dram][controller]") {
  const MemSpec s = preset("ddr4-2400");
  const AddressMapping m = default_mapping(s);
  ControllerConfig cfg;
  cfg.buffer = BufferPolicy::Bankwise;
  cfg.buffer_size = 2;
  Controller c(s, m, cfg);
  const uint64_t bank0 = address_of(m, 0, 0, 0, 1), bank1 = address_of(m, 0, 1, 0, 1);
  CHECK(c.try_enqueue(read_at(1, bank0, 0)));
  CHECK(c.try_enqueue(read_at(2, bank0 + 256, 0)));
  CHECK_FALSE(c.can_accept(bank0, false));
  CHECK_FALSE(c.try_enqueue(read_at(3, bank0 + 512, 0)));  // bank 0 full
  CHECK(c.try_enqueue(read_at(4, bank1, 0)));              // another bank has room
  CHECK(c.requests().rejected == 1);
  // Space frees when the first request's column command issues (ACT at 0, RD at tRCD).
  while (!c.can_accept(bank0, false)) REQUIRE(c.step());
  CHECK(c.now() == 16);
  CHECK(c.try_enqueue(read_at(3, bank0 + 512, 0)));
  c.drain();
  CHECK(c.take_completions().size() == 4);
  require_legal(c, c.now());
}

TEST_CASE("back-pressure: shared and read/write buffers, active-transaction limit",
          "[dram][controller]") {
  const MemSpec s = preset("ddr4-2400");
  const AddressMapping m = default_mapping(s);
  {
    ControllerConfig cfg;
    cfg.buffer = BufferPolicy::Shared;
    cfg.buffer_size = 3;
    Controller c(s, m, cfg);
    for (uint32_t b = 0; b < 3; ++b) CHECK(c.try_enqueue(read_at(b, address_of(m, 0, b, 0, 1), 0)));
    CHECK_FALSE(c.try_enqueue(read_at(9, address_of(m, 0, 3, 3, 1), 0)));
  }
  {
    ControllerConfig cfg;
    cfg.buffer = BufferPolicy::ReadWrite;
    cfg.buffer_size_read = 2;
    cfg.buffer_size_write = 1;
    Controller c(s, m, cfg);
    CHECK(c.try_enqueue(read_at(1, address_of(m, 0, 0, 0, 1), 0)));
    CHECK(c.try_enqueue(read_at(2, address_of(m, 0, 1, 0, 1), 0)));
    CHECK_FALSE(c.try_enqueue(read_at(3, address_of(m, 0, 2, 0, 1), 0)));
    CHECK(c.try_enqueue(write_at(4, address_of(m, 0, 2, 0, 1), 0)));
    CHECK_FALSE(c.try_enqueue(write_at(5, address_of(m, 0, 3, 0, 1), 0)));
  }
  {
    ControllerConfig cfg;
    cfg.max_active = 2;
    Controller c(s, m, cfg);
    CHECK(c.try_enqueue(read_at(1, address_of(m, 0, 0, 0, 1), 0)));
    CHECK(c.try_enqueue(read_at(2, address_of(m, 0, 1, 0, 1), 0)));
    CHECK_FALSE(c.try_enqueue(read_at(3, address_of(m, 0, 2, 0, 1), 0)));
    // Both issue their RD by cycle 17, but stay active until their data is out (16 + 20).
    c.advance_to(30);
    CHECK(c.pending() == 0);
    CHECK_FALSE(c.try_enqueue(read_at(3, address_of(m, 0, 2, 0, 1), 30)));
    while (!c.can_accept(address_of(m, 0, 2, 0, 1), false)) REQUIRE(c.step());
    CHECK(c.now() == 16 + 16 + 4);  // the first completion
  }
}

TEST_CASE("FR-FCFS serves a younger row hit first, FCFS keeps arrival order",
          "[dram][controller]") {
  const MemSpec s = preset("ddr4-2400");
  const AddressMapping m = default_mapping(s);
  for (SchedulerPolicy p : {SchedulerPolicy::FrFcfs, SchedulerPolicy::Fcfs}) {
    ControllerConfig cfg;
    cfg.scheduler = p;
    Controller c(s, m, cfg);
    // Open row 1 of bank 0, then offer a conflict (row 2) followed by a hit (row 1).
    run_requests(c, {read_at(1, address_of(m, 0, 0, 0, 1), 0)});
    const Cycle t = c.now() + 100;
    const RunResult r = run_checked(
        c, {read_at(2, address_of(m, 0, 0, 0, 2), t), read_at(3, address_of(m, 0, 0, 0, 1, 8), t)});
    std::map<uint64_t, Completion> by_id;
    for (const Completion& d : r.completions) by_id[d.id] = d;
    if (p == SchedulerPolicy::FrFcfs) {
      CHECK(by_id[3].done < by_id[2].done);
      CHECK(by_id[3].outcome == RowOutcome::Hit);
      CHECK(by_id[3].latency() == 16 + 4);
    } else {
      CHECK(by_id[2].done < by_id[3].done);
      CHECK(by_id[2].outcome == RowOutcome::Conflict);
      CHECK(by_id[3].outcome == RowOutcome::Conflict);  // its row was closed by request 2
    }
  }
}

TEST_CASE("mixed random traffic under every policy on every preset passes the checker",
          "[dram][controller]") {
  for (const std::string& name : preset_names()) {
    const MemSpec s = preset(name);
    const AddressMapping m = default_mapping(s);
    for (PagePolicy page : {PagePolicy::Open, PagePolicy::Closed})
      for (SchedulerPolicy sched : {SchedulerPolicy::FrFcfs, SchedulerPolicy::Fcfs})
        for (BufferPolicy buf : {BufferPolicy::Bankwise, BufferPolicy::Shared})
          for (PowerDownPolicy pd : {PowerDownPolicy::NoPowerDown, PowerDownPolicy::Staggered}) {
            ControllerConfig cfg;
            cfg.page = page;
            cfg.scheduler = sched;
            cfg.buffer = buf;
            cfg.buffer_size = buf == BufferPolicy::Shared ? 32 : 4;
            cfg.power_down = pd;
            INFO(name << " " << ::apack::dram::name(page) << " " << ::apack::dram::name(sched)
                      << " " << ::apack::dram::name(buf) << " power-down " << int(pd));
            std::mt19937_64 rng(11);
            // Bursty arrivals over a few refresh intervals; a small address window so rows
            // are hit, missed and conflicted; a third writes.
            std::vector<Request> req;
            Cycle t = 0;
            for (uint64_t i = 0; i < 3000; ++i) {
              t += rng() % 4 == 0 ? Cycle(rng() % 400) : 0;
              const uint64_t addr =
                  (rng() % (1u << 22)) / s.arch.burst_bytes() * s.arch.burst_bytes();
              req.push_back({i, addr, rng() % 3 == 0, t});
            }
            Controller c(s, m, cfg);
            const RunResult r = run_checked(c, req);
            std::vector<bool> seen(req.size(), false);
            for (const Completion& d : r.completions) {
              REQUIRE(!seen[d.id]);
              seen[d.id] = true;
              CHECK(d.arrival == req[d.id].arrival);
              CHECK(d.accepted >= d.arrival);
              CHECK(d.done - d.issued ==
                    (d.write ? s.write_latency() : s.read_latency()) + s.arch.burst_cycles());
              CHECK(d.latency() >=
                    (d.write ? s.write_latency() : s.read_latency()) + s.arch.burst_cycles());
            }
            if (page == PagePolicy::Closed) {
              const Statistics st = c.statistics();
              CHECK(st.commands(Cmd::RD) + st.commands(Cmd::WR) == 0);
            }
          }
  }
}

TEST_CASE("the controller is deterministic", "[dram][controller]") {
  const MemSpec s = preset("lpddr4-3200");
  const AddressMapping m = default_mapping(s);
  std::vector<Request> req;
  std::mt19937_64 rng(3);
  for (uint64_t i = 0; i < 5000; ++i)
    req.push_back({i, (rng() % (1u << 26)) & ~31ull, rng() % 2 == 0, Cycle(i * 3)});
  Controller a(s, m), b(s, m);
  run_requests(a, req);
  run_requests(b, req);
  REQUIRE(a.log().size() == b.log().size());
  for (size_t i = 0; i < a.log().size(); ++i) {
    CHECK(a.log()[i].time == b.log()[i].time);
    CHECK(a.log()[i].cmd == b.log()[i].cmd);
  }
}

TEST_CASE("long idle stretches with power-down: wakes for every refresh", "[dram][controller]") {
  const MemSpec s = preset("ddr4-2400");
  const AddressMapping m = default_mapping(s);
  ControllerConfig cfg;
  cfg.power_down = PowerDownPolicy::Staggered;
  Controller c(s, m, cfg);
  std::vector<Request> req;
  for (uint64_t i = 0; i < 20; ++i)
    req.push_back(read_at(i, i * 1000003 % (1u << 30) & ~63ull, Cycle(i) * 4000));
  run_checked(c, req);
  const Cycle end = 10 * s.refresh_interval() + 100;
  c.advance_to(end);
  require_legal(c, end);
  const Statistics st = c.statistics();
  CHECK(st.commands(Cmd::REF) == 10);
  CHECK(st.commands(Cmd::PDX) >= 10 + 1);
  const double asleep = double(st.residency(Background::PrechargePowerDown) +
                               st.residency(Background::ActivePowerDown)) /
                        double(end);
  CHECK(asleep > 0.9);
}

TEST_CASE("a controller built from DRAMSys files", "[dram][controller]") {
  const MemSpec s = load_memspec(data_file("JEDEC_4Gb_DDR4-2400_8bit_A.json"));
  const AddressMapping m = load_address_mapping(data_file("am_ddr4_8x4Gbx8_dimm_p1KB_brc.json"));
  const ControllerConfig cfg = load_mcconfig(data_file("fr_fcfs.json"));
  Controller c(s, m, cfg);
  std::vector<Request> req;
  for (uint64_t i = 0; i < 5000; ++i) req.push_back(read_at(i, i * 64, 0));
  const RunResult r = run_checked(c, req);
  CHECK(r.completions.size() == 5000);
  // Configurations that could never accept a request are refused up front.
  ControllerConfig zero;
  zero.buffer = BufferPolicy::ReadWrite;
  zero.buffer_size_write = 0;
  CHECK_THROWS_AS(Controller(s, m, zero), apack::Error);
  // A mapping that does not fit the memspec is refused.
  CHECK_THROWS_AS(Controller(preset("lpddr4-3200"), m, cfg), apack::FormatError);
}

TEST_CASE("the scheduler's cached bank choices always equal fresh ones", "[dram][controller]") {
  // The scheduler keeps each bank's choice and timing bound up to date incrementally
  // (TimingEngine::raise); after every controller event they must equal a recomputation from
  // the histories, under each policy, with refresh and power-down, on every preset (HBM2 has
  // two pseudo channels as ranks).
  for (const std::string& name : preset_names()) {
    const MemSpec s = preset(name);
    const AddressMapping m = default_mapping(s);
    for (PagePolicy page : {PagePolicy::Open, PagePolicy::Closed})
      for (SchedulerPolicy sched : {SchedulerPolicy::FrFcfs, SchedulerPolicy::Fcfs}) {
        ControllerConfig cfg;
        cfg.page = page;
        cfg.scheduler = sched;
        cfg.power_down = PowerDownPolicy::Staggered;
        cfg.record_log = false;
        INFO(name << " " << ::apack::dram::name(page) << " " << ::apack::dram::name(sched));
        Controller c(s, m, cfg);
        std::mt19937_64 rng(5);
        Cycle t = 0;
        uint64_t checks = 0, inconsistent = 0;
        for (uint64_t i = 0; i < 4000; ++i) {
          t += rng() % 3 == 0 ? Cycle(rng() % 300) : 0;
          const uint64_t addr = (rng() % (1u << 21)) / s.arch.burst_bytes() * s.arch.burst_bytes();
          Request r{i, addr, rng() % 3 == 0, t};
          while (!c.try_enqueue(r)) {
            REQUIRE(c.step());
            ++checks;
            if (!c.scheduler_consistent()) ++inconsistent;
          }
          ++checks;
          if (!c.scheduler_consistent()) ++inconsistent;
        }
        while (!c.idle()) {
          REQUIRE(c.step());
          ++checks;
          if (!c.scheduler_consistent()) ++inconsistent;
        }
        CHECK(checks > 4000);
        CHECK(inconsistent == 0);
      }
  }
}

// The protocol checker against forged command logs. For every row of every preset's
// constraint table a generator builds a log that is legal except for one pair of commands,
// placed in the row's scope at the row's distance minus one: the checker must name that row;
// at exactly the distance it must not. One test case per kind of constraint, a test that every
// row belongs to some kind, hand-written logs for bank-state errors, time order and the
// refresh deadline, and the incremental ProtocolChecker against check_log on one forged log.
#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <set>

#include "apack/dram/constraints.hpp"
#include "apack/dram/protocol_state.hpp"
#include "dram_test_util.hpp"

using namespace apack::dram;
using namespace apack::dram::test;

namespace {

// The presets with two ranks, so rank-to-rank rows apply too (HBM2 has two pseudo channels).
MemSpec two_rank(const std::string& name) {
  MemSpec s = preset(name);
  s.arch.ranks = 2;
  return s;
}

// The label's kind: the text before its first space ("tRAS (PREA)" -> "tRAS").
std::string base_of(const std::string& label) { return label.substr(0, label.find(' ')); }

bool log_state_legal(const MemSpec& s, const std::vector<Command>& log) {
  ProtocolState st(s.arch);
  for (const Command& c : log) {
    if (!st.illegal(c).empty()) return false;
    st.apply(c);
  }
  return true;
}

Command make(Cmd c, BankAddress at, uint32_t row = 5) {
  Command x;
  x.cmd = c;
  x.at = at;
  x.row = row;
  return x;
}

// Where B goes relative to A for a row of scope `scope`: the narrowest placement in which the
// row applies, so rows of narrower scopes (with larger distances) do not.
BankAddress place_b(const Architecture& a, Scope scope, const BankAddress& at_a) {
  BankAddress b = at_a;
  switch (scope) {
    case Scope::Bank:
      break;
    case Scope::BankGroup:
      b.bank = (at_a.bank + 1) % a.banks_per_group();
      break;
    case Scope::Rank:
      if (a.bank_groups > 1)
        b.group = (at_a.group + 1) % a.bank_groups;
      else
        b.bank = (at_a.bank + 1) % a.banks_per_group();
      break;
    case Scope::OtherRank:
    case Scope::Channel:
      b.rank = (at_a.rank + 1) % a.ranks;
      break;
  }
  return b;
}

// A log violating `row` once: setup commands far apart (kGap exceeds every distance), then A at
// T and B at T + distance + shift. Returns nothing when (a, b) cannot be made state-legal.
constexpr Cycle kGap = 2000;

std::optional<std::vector<Command>> forge(const MemSpec& s, const Constraint& row, Cmd a, Cmd b,
                                          Cycle shift, size_t& b_index) {
  const Architecture& arch = s.arch;
  const BankAddress at_a{0, 0, 0};
  const BankAddress at_b = place_b(arch, row.scope, at_a);
  std::vector<Command> log;
  Cycle t = 0;
  auto push = [&](Command c) {
    c.time = t;
    t += kGap;
    log.push_back(c);
  };
  std::vector<Command> tail;  // A (or the window of A's) and B
  const bool windowed = row.nth > 1;
  // Banks A and B need open beforehand (column commands and PRE act on an open row).
  auto needs_open = [](Cmd c) { return is_column(c) || c == Cmd::PRE; };
  const bool a_closes_b = a == Cmd::PREA ? at_a.rank == at_b.rank
                                         : (auto_precharges(a) || a == Cmd::PRE) && at_a == at_b;
  if (!windowed && needs_open(a)) push(make(Cmd::ACT, at_a));
  if (needs_open(b) && !a_closes_b && !(a == Cmd::ACT && at_a == at_b) &&
      !(needs_open(a) && at_a == at_b))
    push(make(Cmd::ACT, at_b));
  if (a == Cmd::PDX) push(make(Cmd::PDE, at_a));
  Cycle ta = t;
  if (windowed) {
    // row.nth ACTs to different bank groups (or banks) at the short activate distance, then
    // B, a further ACT, row.distance after the first.
    Cycle rrd = 0;
    const ConstraintTable table(s);
    for (const Constraint& r : table.rows())
      if (r.from == bit(Cmd::ACT) && r.to == bit(Cmd::ACT) && r.scope == Scope::Rank && r.nth == 1)
        rrd = std::max(rrd, r.distance);
    for (int i = 0; i <= row.nth; ++i) {
      const uint32_t k = uint32_t(i);
      BankAddress at{0, k % arch.bank_groups, (k / arch.bank_groups) % arch.banks_per_group()};
      Command c = make(Cmd::ACT, at);
      c.time = i < row.nth ? ta + Cycle(i) * rrd : ta + row.distance + shift;
      tail.push_back(c);
    }
  } else {
    Command ca = make(a, at_a);
    ca.time = ta;
    Command cb = make(b, at_b);
    cb.time = ta + row.distance + shift;
    tail = {ca, cb};
    if (a == Cmd::ACT && b == Cmd::ACT && at_a == at_b) {
      // A row cycle needs the row closed in between: PRE as early as tRAS allows.
      const ConstraintTable table(s);
      Command pre = make(Cmd::PRE, at_a);
      pre.time = ta;
      for (const Constraint& r : table.rows())
        if (r.scope == Scope::Bank && in(r.from, Cmd::ACT) && in(r.to, Cmd::PRE))
          pre.time = std::max(pre.time, ta + r.distance);
      tail = {ca, pre, cb};
    }
  }
  if (tail.back().time < tail[tail.size() - 2].time) return std::nullopt;
  log.insert(log.end(), tail.begin(), tail.end());
  b_index = log.size() - 1;
  if (!log_state_legal(s, log)) return std::nullopt;
  return log;
}

bool names(const std::vector<LogViolation>& v, size_t index, const std::string& label) {
  return std::any_of(v.begin(), v.end(),
                     [&](const LogViolation& x) { return x.index == index && x.rule == label; });
}

// Runs the generator over every (A, B) pair of every row of every preset whose kind is in
// `kinds`; returns how many rows were exercised.
size_t check_kinds(const std::set<std::string>& kinds) {
  size_t rows = 0;
  for (const std::string& name : preset_names()) {
    const MemSpec s = two_rank(name);
    const ConstraintTable table(s);
    for (const Constraint& row : table.rows()) {
      if (!kinds.count(base_of(row.label))) continue;
      if (row.distance <= 0) continue;  // never binding: the command bus comes first
      INFO(name << ": " << row.describe());
      size_t pairs = 0;
      for (int a = 0; a < kCmdCount; ++a)
        for (int b = 0; b < kCmdCount; ++b) {
          if (!in(row.from, Cmd(a)) || !in(row.to, Cmd(b))) continue;
          size_t bi = 0;
          const auto early = forge(s, row, Cmd(a), Cmd(b), -1, bi);
          const auto exact = forge(s, row, Cmd(a), Cmd(b), 0, bi);
          if (!early || !exact) continue;
          INFO("pair " << ::apack::dram::name(Cmd(a)) << " -> " << ::apack::dram::name(Cmd(b)));
          CheckOptions o;
          o.refresh_deadline = false;
          const auto bad = check_log(s, *early, o);
          CHECK(names(bad, bi, row.label));
          // Nothing before B is wrong, and at the distance this row is satisfied.
          for (const auto& v : bad) CHECK(v.index == bi);
          CHECK_FALSE(names(check_log(s, *exact, o), bi, row.label));
          ++pairs;
        }
      CHECK(pairs > 0);
      ++rows;
    }
  }
  return rows;
}

// The kinds of constraint, by label (before any parenthesis), across the three standards.
const std::vector<std::pair<const char*, std::set<std::string>>> kKinds = {
    {"tRC", {"tRC", "tRCpb"}},
    {"tRRD", {"tRRD_S", "tRRD_L", "tRRDS", "tRRDL", "tRRD"}},
    {"tFAW", {"tFAW"}},
    {"tRCD", {"tRCD", "tRCDRD", "tRCDWR"}},
    {"tRAS", {"tRAS"}},
    {"tRP", {"tRP", "tRPpb", "tRPab"}},
    {"tPPD", {"tPPD"}},
    {"tRTP", {"tRTP"}},
    {"tWR", {"tWR"}},
    {"auto-precharge", {"tRTP+tRP", "tWR+tRP", "tRTP+tRPpb", "tWR+tRPpb"}},
    {"tCCD", {"tCCD_L", "tCCD_S", "tCCDL", "tCCDS", "tCCD"}},
    {"tRTW", {"tRTW"}},
    {"tWTR", {"tWTR_L", "tWTR_S", "tWTRL", "tWTRS", "tWTR"}},
    {"tRTRS", {"tRTRS"}},
    {"tRFC", {"tRFC", "tRFCab"}},
    {"power-down entry",
     {"tRDPDEN", "tWRPDEN", "tWRAPDEN", "tACTPDEN", "tPRPDEN", "tREFPDEN", "tCMDCKE"}},
    {"tCKE", {"tCKE"}},
    {"tXP", {"tXP"}},
    {"command bus", {"command", "row", "column"}},
};

const std::set<std::string>& kind(const std::string& k) {
  for (const auto& [name, labels] : kKinds)
    if (k == name) return labels;
  throw std::logic_error("no kind " + k);
}

}  // namespace

#define CHECKER_KIND_TEST(K)                                                \
  TEST_CASE("checker rejects forged " K " violations", "[dram][checker]") { \
    CHECK(check_kinds(kind(K)) > 0);                                        \
  }

CHECKER_KIND_TEST("tRC")
CHECKER_KIND_TEST("tRRD")
CHECKER_KIND_TEST("tFAW")
CHECKER_KIND_TEST("tRCD")
CHECKER_KIND_TEST("tRAS")
CHECKER_KIND_TEST("tRP")
CHECKER_KIND_TEST("tPPD")
CHECKER_KIND_TEST("tRTP")
CHECKER_KIND_TEST("tWR")
CHECKER_KIND_TEST("auto-precharge")
CHECKER_KIND_TEST("tCCD")
CHECKER_KIND_TEST("tRTW")
CHECKER_KIND_TEST("tWTR")
CHECKER_KIND_TEST("tRTRS")
CHECKER_KIND_TEST("tRFC")
CHECKER_KIND_TEST("power-down entry")
CHECKER_KIND_TEST("tCKE")
CHECKER_KIND_TEST("tXP")
CHECKER_KIND_TEST("command bus")

TEST_CASE("every constraint row belongs to a tested kind, labels are unique", "[dram][checker]") {
  for (const std::string& name : preset_names()) {
    const ConstraintTable table(two_rank(name));
    std::set<std::string> labels;
    for (const Constraint& row : table.rows()) {
      INFO(name << ": " << row.describe());
      CHECK(labels.insert(row.label).second);
      bool covered = false;
      for (const auto& k : kKinds) covered |= k.second.count(base_of(row.label)) > 0;
      CHECK(covered);
    }
  }
}

TEST_CASE("a hand-written DDR4 log: tRCD, then tCCD_L vs tCCD_S", "[dram][checker]") {
  const MemSpec s = preset("ddr4-2400");
  auto cmd = [](Cycle t, Cmd c, uint32_t g, uint32_t b, uint32_t row = 1, uint32_t col = 0) {
    Command x;
    x.time = t;
    x.cmd = c;
    x.at = {0, g, b};
    x.row = row;
    x.column = col;
    return x;
  };
  std::vector<Command> log = {cmd(0, Cmd::ACT, 0, 0), cmd(4, Cmd::ACT, 1, 0),
                              cmd(15, Cmd::RD, 0, 0)};
  auto v = check_log(s, log);
  REQUIRE(v.size() == 1);
  CHECK(v[0].rule == "tRCD");
  CHECK(v[0].earliest == 16);
  CHECK(v[0].index == 2);
  log[2].time = 16;
  log.push_back(cmd(20, Cmd::RD, 1, 0, 1, 8));  // other bank group: tCCD_S = 4 is enough
  log.push_back(cmd(26, Cmd::RD, 0, 0, 1, 8));  // same group as the RD at 16: tCCD_L = 6
  CHECK(check_log(s, log).empty());
  // One cycle early within the bank group: tCCD_L alone.
  auto early = log;
  early[3] = cmd(21, Cmd::RD, 0, 0, 1, 8);
  early.pop_back();
  v = check_log(s, early);
  REQUIRE(v.size() == 1);
  CHECK(v[0].rule == "tCCD_L");
  CHECK(v[0].earliest == 22);
  // One cycle early across bank groups (after the RD at 20 to group 1): tCCD_S alone.
  early = log;
  early[4].time = 23;
  v = check_log(s, early);
  REQUIRE(v.size() == 1);
  CHECK(v[0].rule == "tCCD_S");
  CHECK(v[0].earliest == 24);
}

TEST_CASE("checker: bank-state errors", "[dram][checker]") {
  const MemSpec s = preset("ddr4-2400");
  auto c = [](Cycle t, Cmd k, uint32_t bank, uint32_t row = 1, uint32_t col = 0) {
    Command x;
    x.time = t;
    x.cmd = k;
    x.at = {0, 0, bank};
    x.row = row;
    x.column = col;
    return x;
  };
  auto first_state = [&](const std::vector<Command>& log) -> std::string {
    for (const auto& v : check_log(s, log))
      if (v.rule == "state") return v.message;
    return "";
  };
  CHECK_THAT(first_state({c(0, Cmd::RD, 0)}), Catch::Contains("precharged bank"));
  CHECK_THAT(first_state({c(0, Cmd::ACT, 0), c(100, Cmd::ACT, 0, 2)}),
             Catch::Contains("row 1 open"));
  CHECK_THAT(first_state({c(0, Cmd::ACT, 0), c(100, Cmd::WR, 0, 2)}),
             Catch::Contains("row 1 is open"));
  CHECK_THAT(first_state({c(0, Cmd::ACT, 0), c(100, Cmd::RD, 0, 1, 3)}),
             Catch::Contains("not a burst start"));
  CHECK_THAT(first_state({c(0, Cmd::ACT, 0), c(100, Cmd::REF, 0)}), Catch::Contains("REF with 1"));
  CHECK_THAT(first_state({c(0, Cmd::PDE, 0), c(100, Cmd::ACT, 0)}),
             Catch::Contains("in power-down"));
  CHECK_THAT(first_state({c(0, Cmd::PDX, 0)}), Catch::Contains("not in power-down"));
  CHECK_THAT(first_state({c(0, Cmd::ACT, 5)}), Catch::Contains("does not exist"));
  CHECK_THAT(first_state({c(0, Cmd::ACT, 0, 40000)}), Catch::Contains("row 40000"));
  // RDA closes the bank: a following RD is a state error, an ACT after tRTP + tRP is fine.
  CHECK_THAT(first_state({c(0, Cmd::ACT, 0), c(16, Cmd::RDA, 0), c(60, Cmd::RD, 0)}),
             Catch::Contains("precharged bank"));
  CHECK(check_log(s, {c(0, Cmd::ACT, 0), c(39, Cmd::RDA, 0), c(39 + 12 + 16, Cmd::ACT, 0, 2)})
            .empty());
  // PRE to a precharged bank is a legal no-op.
  CHECK(check_log(s, {c(0, Cmd::PRE, 0)}).empty());
}

TEST_CASE("checker: time order and the refresh deadline", "[dram][checker]") {
  const MemSpec s = preset("ddr4-2400");
  Command a;
  a.cmd = Cmd::ACT;
  a.time = 100;
  Command b = a;
  b.at.bank = 1;
  b.time = 90;
  auto v = check_log(s, {a, b});
  CHECK(std::any_of(v.begin(), v.end(), [](const LogViolation& x) { return x.rule == "order"; }));

  // JESD79-4: at most 8 refreshes postponed, so REFs at most 9 x tREFI apart.
  const Cycle refi = s.refresh_interval();
  Command ref;
  ref.cmd = Cmd::REF;
  ref.time = 9 * refi;
  Command ref2 = ref;
  ref2.time = 18 * refi + 1;
  CheckOptions o;
  o.end = 18 * refi + 1;
  v = check_log(s, {ref, ref2}, o);
  REQUIRE(v.size() == 1);
  CHECK(v[0].rule == "tREFI");
  CHECK(v[0].index == 1);
  ref2.time = 18 * refi;
  o.end = 27 * refi + 1;
  v = check_log(s, {ref, ref2}, o);
  REQUIRE(v.size() == 1);  // the end of the log is too late
  CHECK(v[0].index == 2);
  o.end = 27 * refi;
  CHECK(check_log(s, {ref, ref2}, o).empty());
}

TEST_CASE("checker: one command at a time reports what check_log reports", "[dram][checker]") {
  const MemSpec s = preset("ddr4-2400");
  const Cycle refi = s.refresh_interval();
  auto c = [](Cycle t, Cmd k, uint32_t group, uint32_t bank) {
    Command x;
    x.time = t;
    x.cmd = k;
    x.at = {0, group, bank};
    x.row = 1;
    return x;
  };
  // Rules broken by five of the commands, plus the refresh deadline at the end.
  const std::vector<Command> log = {
      c(0, Cmd::ACT, 0, 0),            // legal
      c(4, Cmd::ACT, 1, 0),            // legal
      c(15, Cmd::RD, 0, 0),            // tRCD: 16 at the earliest
      c(100, Cmd::RD, 2, 0),           // state: the bank is precharged
      c(90, Cmd::ACT, 0, 1),           // order, and the command bus: before the RD at 100
      c(200, Cmd::ACT, 0, 9),          // state: no bank 9 in a group of 4
      c(1000, Cmd::PREA, 0, 0),        // legal
      c(9 * refi + 1, Cmd::REF, 0, 0)  // tREFI: one cycle past 9 x tREFI from time 0
  };
  const std::vector<size_t> per_command = {0, 0, 1, 1, 2, 1, 0, 1};
  const std::vector<std::string> rules = {"tRCD",  "state", "order", "command bus",
                                          "state", "tREFI", "tREFI"};
  const Cycle end = 18 * refi + 2;  // 9 x tREFI + 1 after the REF

  CheckOptions o;
  o.end = end;
  const auto whole = check_log(s, log, o);
  ProtocolChecker checker(s, o);
  for (size_t i = 0; i < log.size(); ++i) {
    INFO("command " << i << ": " << to_string(log[i]));
    CHECK(checker.check(log[i]) == per_command[i]);
  }
  CHECK(checker.finish(end) == 1);
  CHECK(checker.commands() == log.size());
  CHECK(checker.violation_count() == rules.size());
  const auto& step = checker.violations();
  REQUIRE(whole.size() == rules.size());
  REQUIRE(step.size() == whole.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    INFO(whole[i].message);
    CHECK(whole[i].rule == rules[i]);
    CHECK(step[i].rule == whole[i].rule);
    CHECK(step[i].index == whole[i].index);
    CHECK(step[i].earliest == whole[i].earliest);
    CHECK(step[i].command.time == whole[i].command.time);
    CHECK(step[i].message == whole[i].message);
  }
  CHECK(whole[0].earliest == 16);
  CHECK(whole.back().index == log.size());  // the end of the log
  CHECK_THAT(whole.back().message, Catch::EndsWith("at the end of the log"));

  // Past max_violations the checker keeps counting but keeps no more; the end is named as
  // the caller says (the SystemC module: "run").
  o.max_violations = 2;
  ProtocolChecker capped(s, o);
  for (const Command& x : log) capped.check(x);
  capped.finish(end, "run");
  CHECK(capped.violation_count() == rules.size());
  REQUIRE(capped.violations().size() == 2);
  CHECK(capped.messages() == std::vector<std::string>{whole[0].message, whole[1].message});
  CHECK(check_log(s, log, o).size() == 2);
  ProtocolChecker run(s, CheckOptions{});
  for (const Command& x : log) run.check(x);
  run.finish(end, "run");
  CHECK_THAT(run.violations().back().message, Catch::EndsWith("at the end of the run"));
}

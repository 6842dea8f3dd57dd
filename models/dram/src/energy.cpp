#include "apack/dram/energy.hpp"

#include "apack/dram/checked.hpp"

namespace apack::dram {

const char* name(EnergyKind k) {
  static const char* const kNames[kEnergyKinds] = {"ACT", "PRE",        "RD",         "WR",
                                                   "REF", "background", "power-down", "I/O"};
  return kNames[size_t(k)];
}

double EnergyBreakdown::total_pj() const {
  double t = 0;
  for (double v : pj) t += v;
  return t;
}

namespace {

// Charges of one device in millivolt x nanoamp x cycle units (1e-24 J per ps of tCK): per
// event, and per cycle of each background state.
struct Charges {
  Wide act = 0, pre = 0, rd = 0, wr = 0, ref = 0, io_rd = 0, io_wr = 0;
  std::array<Wide, kBackgroundCount> per_cycle{};
};

// The precharge time the IDD formulas use: per-bank tRP (LPDDR4: tRPpb).
Cycle precharge_time(const MemSpec& s) {
  return s.t(s.standard == Standard::LPDDR4 ? "RPPB" : "RP");
}

Charges idd_charges(const MemSpec& s) {
  Charges c;
  const Wide ras = s.t("RAS"), rp = precharge_time(s), rfc = s.refresh_cycle();
  const Wide burst = s.arch.burst_cycles();
  for (const PowerRail& r : s.power.rails) {
    const Wide v = r.millivolts;
    auto i = [&](Idd k) { return Wide(r.na(k)); };
    c.act += v * (i(Idd::IDD0) - i(Idd::IDD3N)) * ras;
    c.pre += v * (i(Idd::IDD0) - i(Idd::IDD2N)) * rp;
    const Wide rd = v * (i(Idd::IDD4R) - i(Idd::IDD3N)) * burst;
    const Wide wr = v * (i(Idd::IDD4W) - i(Idd::IDD3N)) * burst;
    (r.io ? c.io_rd : c.rd) += rd;
    (r.io ? c.io_wr : c.wr) += wr;
    c.ref += v * (i(Idd::IDD5) - i(Idd::IDD3N)) * rfc;
    c.per_cycle[size_t(Background::ActiveStandby)] += v * i(Idd::IDD3N);
    c.per_cycle[size_t(Background::PrechargeStandby)] += v * i(Idd::IDD2N);
    c.per_cycle[size_t(Background::ActivePowerDown)] += v * i(Idd::IDD3P);
    c.per_cycle[size_t(Background::PrechargePowerDown)] += v * i(Idd::IDD2P);
  }
  return c;
}

// mV x nA x cycles -> picojoules: x tCK (ps) x 1e-24 J / 1e-12 J.
double to_pj(Wide charge, const ClockPeriod& tck) {
  return double((long double)charge * tck.num / tck.den * 1e-12L);
}
double fj_to_pj(Wide fj) { return double((long double)fj / 1000.0L); }

}  // namespace

EventEnergies event_energies(const MemSpec& s) {
  EventEnergies e;
  const PowerSpec& p = s.power;
  const double bits = double(s.arch.burst_bytes()) * 8;
  if (p.model == PowerSpec::Model::Idd) {
    const Charges c = idd_charges(s);
    const double d = s.arch.devices;
    e.act = d * to_pj(c.act, s.tck);
    e.pre = d * to_pj(c.pre, s.tck);
    e.rd = d * to_pj(c.rd, s.tck);
    e.wr = d * to_pj(c.wr, s.tck);
    e.ref = d * to_pj(c.ref, s.tck);
    e.io_rd = d * to_pj(c.io_rd, s.tck);
    e.io_wr = d * to_pj(c.io_wr, s.tck);
    for (int b = 0; b < kBackgroundCount; ++b)
      e.per_cycle[size_t(b)] = d * to_pj(c.per_cycle[size_t(b)], s.tck);
  } else if (p.model == PowerSpec::Model::PerBit) {
    e.act = fj_to_pj(p.act_fj);
    e.rd = fj_to_pj(p.read_fj_per_bit) * bits;
    e.wr = fj_to_pj(p.write_fj_per_bit) * bits;
  }
  e.io_rd += fj_to_pj(p.io_read_fj_per_bit) * bits;
  e.io_wr += fj_to_pj(p.io_write_fj_per_bit) * bits;
  return e;
}

namespace {

// Exact sums per kind for the given ranks: IDD charges (mV nA cycles, all devices) and
// femtojoules, converted to picojoules once.
EnergyBreakdown sum_ranks(const MemSpec& s, const RankCounters* ranks, size_t n) {
  EnergyBreakdown out;
  const PowerSpec& p = s.power;
  if (p.model == PowerSpec::Model::None) return out;
  out.modelled = true;
  const Wide devices = s.arch.devices;
  const Wide bits = Wide(s.arch.burst_bytes()) * 8;
  const char* what = "energy";
  std::array<Wide, kEnergyKinds> charge{}, fj{};
  auto add = [&](std::array<Wide, kEnergyKinds>& a, EnergyKind k, Wide per, uint64_t count) {
    a[size_t(k)] = wide_add(a[size_t(k)], wide_mul(per, Wide(count), what), what);
  };
  const Charges c = p.model == PowerSpec::Model::Idd ? idd_charges(s) : Charges{};
  for (size_t i = 0; i < n; ++i) {
    const RankCounters& r = ranks[i];
    const uint64_t acts = r.commands[size_t(Cmd::ACT)], refs = r.commands[size_t(Cmd::REF)];
    const uint64_t rds = r.read_bursts(), wrs = r.write_bursts();
    if (p.model == PowerSpec::Model::Idd) {
      add(charge, EnergyKind::ACT, c.act * devices, acts);
      add(charge, EnergyKind::PRE, c.pre * devices, r.precharged_banks);
      add(charge, EnergyKind::RD, c.rd * devices, rds);
      add(charge, EnergyKind::WR, c.wr * devices, wrs);
      add(charge, EnergyKind::REF, c.ref * devices, refs);
      add(charge, EnergyKind::IO, c.io_rd * devices, rds);
      add(charge, EnergyKind::IO, c.io_wr * devices, wrs);
      for (int b = 0; b < kBackgroundCount; ++b) {
        const bool pd = Background(b) == Background::ActivePowerDown ||
                        Background(b) == Background::PrechargePowerDown;
        add(charge, pd ? EnergyKind::PowerDown : EnergyKind::Background,
            c.per_cycle[size_t(b)] * devices, r.residency[size_t(b)]);
      }
    } else {
      add(fj, EnergyKind::ACT, p.act_fj, acts);
      add(fj, EnergyKind::RD, wide_mul(p.read_fj_per_bit, bits, what), rds);
      add(fj, EnergyKind::WR, wide_mul(p.write_fj_per_bit, bits, what), wrs);
    }
    add(fj, EnergyKind::IO, wide_mul(p.io_read_fj_per_bit, bits, what), rds);
    add(fj, EnergyKind::IO, wide_mul(p.io_write_fj_per_bit, bits, what), wrs);
  }
  for (int k = 0; k < kEnergyKinds; ++k)
    out.pj[size_t(k)] = to_pj(charge[size_t(k)], s.tck) + fj_to_pj(fj[size_t(k)]);
  return out;
}

}  // namespace

EnergyBreakdown energy(const MemSpec& s, const Statistics& st) {
  return sum_ranks(s, st.ranks.data(), st.ranks.size());
}

EnergyBreakdown rank_energy(const MemSpec& s, const RankCounters& r) { return sum_ranks(s, &r, 1); }

}  // namespace apack::dram

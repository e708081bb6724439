#include "explore/shrink.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace bs::explore {
namespace {

double ms(double s) { return std::round(s * 1000) / 1000; }

struct Candidate {
  Schedule schedule;
  std::string what;
};

double nominal_latency_ms(const Scenario& s, const Episode& e) {
  const LinkSpec* l = find_link(s, e.node, e.peer);
  return l ? l->latency_s * 1000 : 0;
}

// The candidates of one kind of shrinking, smallest change last: each is strictly
// smaller than `cur` in one episode.
std::vector<Candidate> drop_one(const Schedule& cur, const Scenario& s) {
  std::vector<Candidate> out;
  if (cur.size() < 2) return out;
  for (std::size_t i = 0; i < cur.size(); ++i) {
    Schedule c = cur;
    c.erase(c.begin() + static_cast<std::ptrdiff_t>(i));
    out.push_back({std::move(c), "dropped: " + describe(cur[i], s)});
  }
  return out;
}

std::vector<Candidate> start_later(const Schedule& cur, const Space& sp, const Scenario& s) {
  std::vector<Candidate> out;
  for (std::size_t i = 0; i < cur.size(); ++i)
    for (double f : {0.5, 0.125}) {
      Schedule c = cur;
      const double later = ms(c[i].start_s + (sp.until_s - c[i].start_s) * f);
      if (later <= c[i].start_s) continue;
      c[i].start_s = later;
      std::string what = fmt::format("later: {} (was at {:.3f} s)", describe(c[i], s), cur[i].start_s);
      std::stable_sort(c.begin(), c.end(), [](const Episode& a, const Episode& b) { return a.start_s < b.start_s; });
      out.push_back({std::move(c), std::move(what)});
    }
  return out;
}

std::vector<Candidate> milder(const Schedule& cur, const Scenario& s) {
  std::vector<Candidate> out;
  for (std::size_t i = 0; i < cur.size(); ++i) {
    for (double f : {0.5, 0.875}) {
      Schedule c = cur;
      const double shorter = std::max(0.001, ms(c[i].length_s * f));
      if (shorter >= c[i].length_s) continue;
      c[i].length_s = shorter;
      std::string what = fmt::format("shorter: {} (was {:.3f} s)", describe(c[i], s), cur[i].length_s);
      out.push_back({std::move(c), std::move(what)});
    }
    if (cur[i].kind != Episode::Kind::SlowLink) continue;
    const double nominal = nominal_latency_ms(s, cur[i]);
    Schedule c = cur;
    const double lower = std::round(nominal + (c[i].latency_ms - nominal) * 0.5);
    if (lower >= c[i].latency_ms || lower <= nominal) continue;
    c[i].latency_ms = lower;
    std::string what = fmt::format("milder: {} (was {:g} ms)", describe(c[i], s), cur[i].latency_ms);
    out.push_back({std::move(c), std::move(what)});
  }
  return out;
}

}  // namespace

ShrinkResult shrink(const Schedule& failing, const Space& space, const Oracle& still_breaks, const Scenario& s,
                    std::size_t max_runs) {
  ShrinkResult r;
  r.minimal = failing;
  bool progress = true;
  while (progress && r.runs < max_runs) {
    progress = false;
    // Fewer faults first: dropping an episode shrinks most; then the finer steps.
    for (int phase = 0; phase < 3 && !progress; ++phase) {
      std::vector<Candidate> cands = phase == 0   ? drop_one(r.minimal, s)
                                     : phase == 1 ? start_later(r.minimal, space, s)
                                                  : milder(r.minimal, s);
      if (cands.empty()) continue;
      if (r.runs + cands.size() > max_runs) cands.resize(max_runs - r.runs);
      std::vector<Schedule> batch;
      for (const auto& c : cands) batch.push_back(c.schedule);
      const std::vector<bool> breaks = still_breaks(batch);
      r.runs += batch.size();
      for (std::size_t i = 0; i < cands.size(); ++i)
        if (breaks.at(i)) {
          r.minimal = cands[i].schedule;
          r.steps.push_back({std::move(cands[i].what), r.minimal});
          progress = true;
          break;
        }
    }
  }
  return r;
}

}  // namespace bs::explore

#include "explore/schedule.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/rng.hpp"

namespace bs::explore {
namespace {

double round_ms(double s) { return std::round(s * 1000) / 1000; }

const LinkSpec& link_of(const Scenario& s, NodeId a, NodeId b) {
  if (const LinkSpec* l = find_link(s, a, b)) return *l;
  throw std::logic_error("explore: a schedule names a link the scenario does not have");
}

// One fault entry: its time, its --fault argument and its scenario JSON.
struct Entry {
  double at_s;
  std::string arg;
  nlohmann::ordered_json json;
};

std::vector<Entry> entries(const Schedule& schedule, const Scenario& s) {
  std::vector<Entry> out;
  auto at = [](double t) { return fmt::format("{:.3f}", t); };
  for (const Episode& e : schedule) {
    const double end = round_ms(e.start_s + e.length_s);
    const std::string& a = s.node_names[e.node];
    switch (e.kind) {
      case Episode::Kind::Crash:
        out.push_back({e.start_s, at(e.start_s) + ":crash:" + a, {{"at_s", e.start_s}, {"crash", a}}});
        out.push_back({end, at(end) + ":restart:" + a, {{"at_s", end}, {"restart", a}}});
        break;
      case Episode::Kind::Partition: {
        const std::string& b = s.node_names[e.peer];
        out.push_back({e.start_s, fmt::format("{}:link_down:{}:{}", at(e.start_s), a, b), {{"at_s", e.start_s}, {"link_down", {a, b}}}});
        out.push_back({end, fmt::format("{}:link_up:{}:{}", at(end), a, b), {{"at_s", end}, {"link_up", {a, b}}}});
        break;
      }
      case Episode::Kind::SlowLink: {
        const std::string& b = s.node_names[e.peer];
        const double nominal_ms = link_of(s, e.node, e.peer).latency_s * 1000;
        out.push_back({e.start_s, fmt::format("{}:link_latency:{}:{}:{}", at(e.start_s), a, b, e.latency_ms),
                       {{"at_s", e.start_s}, {"link_latency", {a, b}}, {"latency_ms", e.latency_ms}}});
        out.push_back({end, fmt::format("{}:link_latency:{}:{}:{}", at(end), a, b, nominal_ms),
                       {{"at_s", end}, {"link_latency", {a, b}}, {"latency_ms", nominal_ms}}});
        break;
      }
    }
  }
  // Faults apply in time order; at equal times, in the order the episodes were listed.
  std::stable_sort(out.begin(), out.end(), [](const Entry& x, const Entry& y) { return x.at_s < y.at_s; });
  return out;
}

}  // namespace

Space default_space(const Scenario& s) {
  Space sp;
  for (NodeId i = 0; i < s.node_names.size(); ++i) sp.crashable.push_back(i);
  for (const auto& l : s.links) sp.links.emplace_back(l.a, l.b);
  sp.kinds = {Episode::Kind::Crash, Episode::Kind::Partition, Episode::Kind::SlowLink};
  sp.until_s = 0.8 * s.duration_s;
  sp.max_length_s = std::max(sp.min_length_s, 0.2 * s.duration_s);
  return sp;
}

Schedule random_schedule(const Space& sp, std::uint64_t seed) {
  Rng rng(seed);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng.uniform01() * static_cast<double>(n)); };
  // Only the kinds this scenario can have: no links, no link faults.
  std::vector<Episode::Kind> kinds;
  for (auto k : sp.kinds)
    if (k == Episode::Kind::Crash ? !sp.crashable.empty() : !sp.links.empty()) kinds.push_back(k);
  Schedule out;
  if (kinds.empty()) return out;
  const int n = 1 + static_cast<int>(pick(static_cast<std::size_t>(std::max(1, sp.max_episodes))));
  for (int i = 0; i < n; ++i) {
    Episode e;
    e.kind = kinds[pick(kinds.size())];
    e.start_s = round_ms(rng.uniform(sp.from_s, sp.until_s));
    e.length_s = std::max(0.001, round_ms(rng.uniform(sp.min_length_s, sp.max_length_s)));
    if (e.kind == Episode::Kind::Crash) {
      e.node = sp.crashable[pick(sp.crashable.size())];
    } else {
      std::tie(e.node, e.peer) = sp.links[pick(sp.links.size())];
      if (e.kind == Episode::Kind::SlowLink) e.latency_ms = std::round(rng.uniform(sp.min_latency_ms, sp.max_latency_ms));
    }
    out.push_back(e);
  }
  std::stable_sort(out.begin(), out.end(), [](const Episode& a, const Episode& b) { return a.start_s < b.start_s; });
  return out;
}

std::vector<std::string> fault_args(const Schedule& schedule, const Scenario& s) {
  std::vector<std::string> out;
  for (auto& e : entries(schedule, s)) out.push_back(std::move(e.arg));
  return out;
}

nlohmann::ordered_json faults_json(const Schedule& schedule, const Scenario& s) {
  auto out = nlohmann::ordered_json::array();
  for (auto& e : entries(schedule, s)) out.push_back(std::move(e.json));
  return out;
}

std::string describe(const Episode& e, const Scenario& s) {
  const std::string& a = s.node_names[e.node];
  switch (e.kind) {
    case Episode::Kind::Crash: return fmt::format("{} crashes at {:.3f} s for {:.3f} s", a, e.start_s, e.length_s);
    case Episode::Kind::Partition:
      return fmt::format("link {}-{} down at {:.3f} s for {:.3f} s", a, s.node_names[e.peer], e.start_s, e.length_s);
    case Episode::Kind::SlowLink:
      return fmt::format("link {}-{} slowed to {:g} ms at {:.3f} s for {:.3f} s", a, s.node_names[e.peer], e.latency_ms,
                         e.start_s, e.length_s);
  }
  return "";
}

std::uint64_t run_seed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace bs::explore

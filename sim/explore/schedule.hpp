// Fault schedules for `brokersim explore`: what may go wrong, where and when, drawn at
// random from a seed, and written back as the scenario's own fault entries.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario/scenario.hpp"

namespace bs::explore {

/// One thing going wrong for a while. Each episode ends by itself (the node restarts,
/// the link comes back, its latency returns to the scenario's), so a schedule never
/// leaves the system broken for good: what breaks a promise is the fault, not a
/// permanent outage.
struct Episode {
  enum class Kind { Crash, Partition, SlowLink } kind = Kind::Crash;
  double start_s = 0;   ///< simulated seconds
  double length_s = 0;  ///< until the restart, link_up or latency restored
  NodeId node = kNoNode;  ///< the crashed node, or one end of the link
  NodeId peer = kNoNode;  ///< the link's other end (Partition, SlowLink)
  double latency_ms = 0;  ///< SlowLink: the link's one-way latency meanwhile
  bool operator==(const Episode&) const = default;
};

/// A fault schedule: episodes in order of their start.
using Schedule = std::vector<Episode>;

/// What the explorer may do: which nodes may crash, which links may be cut or slowed,
/// when, how long and how slow. Built from the scenario and the command line.
struct Space {
  std::vector<NodeId> crashable;                     ///< nodes that may crash
  std::vector<std::pair<NodeId, NodeId>> links;      ///< links that may be cut or slowed
  std::vector<Episode::Kind> kinds;                  ///< kinds allowed (at least one)
  double from_s = 0, until_s = 0;                    ///< episodes start in [from_s, until_s)
  double min_length_s = 0.05, max_length_s = 1.0;    ///< outage lengths
  double min_latency_ms = 50, max_latency_ms = 1000; ///< a slow link's latency
  int max_episodes = 3;                              ///< per schedule (at least 1)
};

/// The default space for a scenario: every node may crash, every link may be cut or
/// slowed, episodes start in the first 80% of the run and last up to a fifth of it.
Space default_space(const Scenario& s);

/// A schedule of 1..max_episodes episodes drawn from `space` with `seed` (the same seed
/// always gives the same schedule). Times are rounded to milliseconds, latencies to whole
/// milliseconds, so a schedule reads and re-runs exactly.
Schedule random_schedule(const Space& space, std::uint64_t seed);

/// The fault entries of `schedule` as `brokersim run --fault` arguments (T:crash:NODE,
/// T:restart:NODE, T:link_down:A:B, ...), in time order.
std::vector<std::string> fault_args(const Schedule& schedule, const Scenario& s);

/// The same entries as the scenario format's "faults" array.
nlohmann::ordered_json faults_json(const Schedule& schedule, const Scenario& s);

/// One line for a person: "c2 crashes at 0.412 s for 0.250 s".
std::string describe(const Episode& e, const Scenario& s);

/// The seed of run `index` of an exploration started with `seed` (splitmix64: nearby
/// indices give unrelated schedules).
std::uint64_t run_seed(std::uint64_t seed, std::uint64_t index);

}  // namespace bs::explore

// `brokersim explore`: search random fault schedules for one that breaks a promise,
// shrink it, and write it as a scenario a student can open.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bs {

/// What `brokersim explore` was asked (its command-line options; see --help).
struct ExploreOptions {
  std::string scenario;
  std::vector<std::string> promises;    ///< --promise; empty = the scenario's expect block
  std::size_t runs = 100;               ///< schedules to try
  std::optional<std::uint64_t> seed;    ///< exploration seed; default the scenario's seed
  unsigned jobs = 0;                    ///< runs at once; 0 = one per core
  std::vector<std::string> nodes;       ///< nodes that may crash; empty = all
  std::vector<std::string> links;       ///< links "A-B" that may be cut or slowed; empty = all
  std::vector<std::string> kinds;       ///< crash, partition, slow; empty = all
  std::optional<double> from_s, until_s;  ///< when episodes may start (simulated seconds)
  std::optional<double> max_length_s;   ///< longest outage (simulated seconds)
  int max_faults = 3;                   ///< episodes per schedule
  std::string out;                      ///< the counterexample scenario; default explored-NAME.json
  bool verbose = false;                 ///< one line per run
  bool quiet = false;                   ///< no progress bar
  std::vector<std::string> simgrid;     ///< --cfg= / --log= for every run
};

/// Run the exploration and print its report on stdout. Returns 0 when no schedule broke
/// the promise, 1 when one did (the shrunk schedule is written to `out`). Throws
/// ScenarioError for bad input (exit 2) and std::runtime_error when a run of brokersim
/// itself fails (a simulator bug: the schedule is written out to reproduce it).
int explore_scenario(const ExploreOptions& opt);

}  // namespace bs

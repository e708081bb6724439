// `brokersim sweep`: one scenario over a grid of parameter values and seeds, one CSV row
// per run.
#pragma once
#include <string>
#include <vector>

namespace bs {

/// What `brokersim sweep` was asked for.
struct SweepOptions {
  std::string scenario;                     ///< the scenario file
  std::vector<std::string> sets;            ///< each "KEY=v1,v2,..." (cli/sweep_set.hpp)
  unsigned seeds = 1;                       ///< runs per grid point, >= 1
  unsigned jobs = 1;                        ///< runs at once, >= 1
  std::string csv;                          ///< the CSV file; empty: standard output
  bool quiet = false;                       ///< no progress bar, no summary
  std::vector<std::string> simgrid_options; ///< --cfg=..., --log=..., passed to each run
};

/// Run the cartesian product of the --set values (the first --set varies slowest) times
/// `seeds` seeds: seed i (from 0) is the scenario's seed + i, so the first run of each
/// point is the lesson's own run. Each point is the scenario file with its values
/// replaced, written to a temporary directory (removed afterwards); every run is a
/// `brokersim run --metrics` child, `jobs` at a time. Writes the CSV: a header, then one
/// row per run in grid order: the values, `seed`, `verdict` and every checker total (the
/// union over the runs, in the order they first appear; a blank cell where a run's model
/// has no such total). The CSV depends only on the scenario, the sets and the seeds, not
/// on `jobs`. Returns 0; throws ScenarioError (exit 2) for a bad --set, a point the loader
/// refuses (its message, after the point's values) or an unwritable CSV; returns 3 when a
/// run fails otherwise.
int sweep(const SweepOptions& opt);

}  // namespace bs

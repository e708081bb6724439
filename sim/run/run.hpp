// Running one scenario under SimGrid. One run per process: SimGrid allows a single
// Engine per process, so callers that need several runs start several processes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "check/expect.hpp"
#include "check/totals.hpp"
#include "scenario/scenario.hpp"

namespace bs {

struct RunOptions {
  bool progress = false;               ///< a progress bar on stderr when the run takes over 2 s of wall time (terminals only)
  std::string trace_path;              ///< "" = no trace file (network events are then not built)
  std::optional<std::uint64_t> seed;   ///< overrides the scenario's seed
  /// SimGrid's own options for the Engine (--cfg=NAME:VALUE, --log=...), already checked
  /// by check_simgrid_options. A --cfg of network/model or network/crosstraffic replaces
  /// brokersim's default for it (CM02, 0).
  std::vector<std::string> simgrid_options;
};

struct RunResult {
  Totals totals;
  std::vector<ExpectationResult> expectations;
  bool pass = true;            ///< every expectation held
  /// A variant run's view of the lesson's own expectations (same / changed); empty otherwise.
  std::vector<LessonExpectation> lesson;
  double wall_s = 0;           ///< wall-clock seconds spent simulating
  std::uint64_t events = 0;    ///< trace events produced (network events included when traced)
  std::uint64_t seed = 0;
};

/// Build the platform, run every node until the scenario's duration, apply the fault
/// schedule, and check the expectations. Throws std::runtime_error on an internal
/// failure of a node (reported with the node's name).
RunResult run_scenario(const Scenario& s, const RunOptions& opt);

/// The trace header fields of a scenario (written first in every trace).
nlohmann::ordered_json trace_header(const Scenario& s, std::uint64_t seed);

}  // namespace bs

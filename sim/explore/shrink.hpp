// Shrinking a fault schedule that breaks a promise to a smaller one that still does:
// fewer episodes, later starts, shorter and milder outages. The idea is the shrinking of
// property-based testing as TigerBeetle's VOPR applies it to fault schedules: a student
// reads one crash at the moment that matters, not five faults of which four are noise.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "explore/schedule.hpp"

namespace bs::explore {

/// Runs a batch of candidate schedules and says, for each, whether it still breaks the
/// promise. Candidates of one batch are independent, so they may run in parallel.
using Oracle = std::function<std::vector<bool>(const std::vector<Schedule>&)>;

/// One accepted shrink step: what changed, and the schedule after it.
struct ShrinkStep {
  std::string what;  ///< e.g. "dropped: link p1-broker down at 1.200 s for 0.300 s"
  Schedule schedule;
};

struct ShrinkResult {
  Schedule minimal;               ///< still breaks the promise; no candidate smaller does
  std::vector<ShrinkStep> steps;  ///< in the order they were taken
  std::size_t runs = 0;           ///< candidates run
};

/// Shrink `failing` (which breaks the promise) until no candidate is smaller: first try
/// dropping each episode, then moving each start later (towards `space.until_s`), then
/// shortening each outage and bringing a slow link's latency back towards `nominal_ms`.
/// Each round runs its candidates as one batch and takes the first that still breaks the
/// promise, in candidate order, so the result does not depend on how the batch is run.
/// Stops after `max_runs` candidates. Times stay on whole milliseconds.
ShrinkResult shrink(const Schedule& failing, const Space& space, const Oracle& still_breaks, const Scenario& s,
                    std::size_t max_runs = 400);

}  // namespace bs::explore

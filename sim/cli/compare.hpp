// `brokersim compare`: several runs' totals side by side, one column per run.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bs {

/// Run each scenario in its own process (with `seed` if given) and print their checker
/// totals side by side: one column per run, headed by the scenario's name, its model and
/// the system that model imitates (vocabulary/systems.hpp), then each run's verdict and
/// its expectations. Needs at least two scenarios. Returns 0, or 2 when a scenario does not
/// load (the child's message is on stderr) and 3 when a run fails otherwise.
/// `simgrid_options` (--cfg=..., --log=...) are passed on to each child run.
int compare_runs(const std::vector<std::string>& scenarios, std::optional<std::uint64_t> seed,
                 const std::vector<std::string>& simgrid_options = {});

}  // namespace bs

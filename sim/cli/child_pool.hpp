// Many runs at once: each in its own brokersim process, a few processes at a time.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/child_run.hpp"

namespace bs {

/// One run to make: `brokersim run SCENARIO --quiet --metrics TMP [--seed SEED] EXTRA...`.
struct ChildRequest {
  std::string scenario;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> extra;  ///< e.g. --fault T:crash:NODE, --cfg=...
};

/// The number of runs to keep going at once by default: one per core.
unsigned default_jobs();

/// Run every request in a child process (SimGrid allows one Engine per process, so
/// parallel runs are processes), at most `jobs` (>= 1) at a time. Returns the results in
/// the order of `requests`, whatever order they finished in. `on_done(n)` is called
/// after each run with the number finished so far, from a worker thread, one call at a
/// time. Throws std::runtime_error if a child cannot be started.
std::vector<ChildRun> run_in_children(const std::vector<ChildRequest>& requests, unsigned jobs,
                                      const std::function<void(std::size_t)>& on_done = {});

}  // namespace bs

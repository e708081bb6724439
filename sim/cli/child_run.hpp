#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bs {

/// Result of running `brokersim run` on one scenario in a child process.
struct ChildRun {
  int exit_code = 0;
  nlohmann::ordered_json metrics;  ///< null when the run failed
};

/// Run one scenario in its own process (SimGrid allows one Engine per process) and
/// collect its metrics. The child's stderr passes through, so load errors are shown.
/// `extra` is appended to the child's `brokersim run` arguments (--try, --fault ...).
ChildRun run_in_child(const std::string& scenario, std::optional<std::uint64_t> seed,
                      const std::vector<std::string>& extra = {});

}  // namespace bs

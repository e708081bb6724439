// Running the simulator as a child process and loading what it wrote.
#pragma once
#include <string>
#include <vector>

namespace bs::gui {

/// Where to find `brokersim`: the explicit path if given, else next to this program's
/// build tree (<exe dir>/../sim/brokersim), else the PATH. Empty if none is found.
std::string find_brokersim(const std::string& explicit_path);

/// Result of one `brokersim run`: the trace path on success, else what went wrong.
struct SimRun {
  bool ok = false;
  std::string trace_path;
  std::string error;  ///< the child's stderr (or why it could not start)
};

/// Run `brokersim run SCENARIO --trace <tmp> --quiet [--fault F]... [--try]` in a child
/// process (SimGrid allows one engine per process) and wait for it. Faults use the CLI's
/// syntax, e.g. "2.5:crash:c1" or "2.5:link_down:p1:broker"; `try_this` runs the
/// scenario's "Try this" variant instead of the lesson.
SimRun run_brokersim(const std::string& brokersim, const std::string& scenario,
                     const std::vector<std::string>& extra_faults, bool try_this = false);

/// A fault spec in words for labels: "2.5:crash:c1" -> "c1 crashes at 2.500 s".
std::string describe_fault(const std::string& spec);

}  // namespace bs::gui

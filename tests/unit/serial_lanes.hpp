// Context::compute for the SimGrid-free harnesses: a work item becomes a timer that fires
// when its lane's backlog and its own work are done. Lanes never share cores here (as if
// the host had a core per lane); the core sharing of the real run is SimGrid's, tested in
// cpu_test.cpp.
#pragma once
#include <algorithm>
#include <cstdint>
#include <map>

#include "core/node.hpp"

namespace bs::test {

struct SerialLanes {
  std::map<std::uint64_t, double> free_at;  ///< lane -> simulated time its last item ends

  /// The absolute time at which `r`, requested at `now`, completes; its lane is busy until then.
  double finish(double now, const ComputeRequest& r) {
    double& f = free_at[r.lane];
    f = std::max(f, now) + r.work_s;
    return f;
  }
  /// A crash: every lane's backlog is gone.
  void clear() { free_at.clear(); }
};

}  // namespace bs::test

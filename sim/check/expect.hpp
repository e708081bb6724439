// A scenario's `expect` block: bounds on the checker's totals.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "check/totals.hpp"

namespace bs {

/// One bound: metric (a total_by_name name) compared with a value.
struct Expectation {
  std::string metric;
  std::optional<double> min, max, eq;
  std::string json_path;  ///< where it was declared, for messages
};

/// Result of checking one expectation.
struct ExpectationResult {
  Expectation expectation;
  double observed = 0;
  bool pass = false;
  std::string describe() const;  ///< e.g. "lost == 0: observed 2"
};

/// Check every expectation against the totals.
std::vector<ExpectationResult> check_expectations(const std::vector<Expectation>& ex, const Totals& t);

}  // namespace bs

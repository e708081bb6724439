#pragma once
#include <stdexcept>
#include <string>

namespace bs {

/// A scenario that cannot be loaded. what() names the file, the JSON path and what was
/// expected, e.g. "s.json: $.nodes[2].prefetch: expected an integer >= 0, got -1".
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace bs

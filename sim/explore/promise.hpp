// The promise `brokersim explore` tries to break: the scenario's expect block, or the
// user's --promise expressions written as one.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bs::explore {

/// An expect block (docs/scenario-format.md, "Expectations") from --promise expressions
/// "METRIC OP NUMBER", OP one of ==, <=, >= (the block's eq, max, min), e.g. "lost==0",
/// "consumers.c1.processed >= 10". Several expressions all must hold; two on the same
/// metric join into one bound. Metric names are checked later, by the scenario loader.
/// Throws ScenarioError naming the expression when it cannot be read.
nlohmann::ordered_json promise_expect(const std::vector<std::string>& expressions);

}  // namespace bs::explore

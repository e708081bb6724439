// The checker's totals as of the viewed time, and the scenario's expectations.
#pragma once
#include <memory>
#include <vector>

#include "check/checker.hpp"
#include "check/expect.hpp"
#include "model/trace_model.hpp"

namespace bs::gui {

/// Feeds the checker the events with t <= the viewed time. Like the Playhead it moves
/// forward incrementally and replays from the start when the user goes back.
class SummaryAt {
 public:
  explicit SummaryAt(std::shared_ptr<const TraceModel> m);
  /// Bring the checker to the first `applied` events (Playhead::applied()).
  void update(std::size_t applied);
  const Totals& totals() const { return totals_; }
  /// The header's "expect" block: {"lost": 0, "reordered": {"min": 1}, ...}.
  const std::vector<Expectation>& expectations() const { return expect_; }

 private:
  std::shared_ptr<const TraceModel> model_;
  std::unique_ptr<Checker> checker_;
  std::size_t fed_ = 0;
  Totals totals_;
  std::vector<Expectation> expect_;
};

/// Parse an "expect" block as the scenario format writes it (number = eq, or an object of
/// min / max / eq). Entries of another shape are skipped: the simulator validated them.
std::vector<Expectation> parse_expectations(const nlohmann::ordered_json& expect);

}  // namespace bs::gui

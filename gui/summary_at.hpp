// The checker's totals as of the viewed time, and the scenario's expectations.
#pragma once
#include <memory>
#include <vector>

#include "check/checker.hpp"
#include "check/expect.hpp"
#include "model/trace_model.hpp"

namespace bs::gui {

/// The checker's totals at the viewed time: read from the Playhead's ledger (the checker
/// fed every event with t <= the viewed time), refreshed when the playhead moves.
class SummaryAt {
 public:
  explicit SummaryAt(std::shared_ptr<const TraceModel> m);
  /// Take the totals of `play`'s ledger if it moved since the last call.
  void update(const Playhead& play);
  const Totals& totals() const { return totals_; }
  /// The header's "expect" block: {"lost": 0, "reordered": {"min": 1}, ...}.
  const std::vector<Expectation>& expectations() const { return expect_; }

 private:
  std::shared_ptr<const TraceModel> model_;
  std::size_t seen_ = SIZE_MAX;  // Playhead::applied() at the last update
  Totals totals_;
  std::vector<Expectation> expect_;
};

/// Parse an "expect" block as the scenario format writes it (number = eq, or an object of
/// min / max / eq). Entries of another shape are skipped: the simulator validated them.
std::vector<Expectation> parse_expectations(const nlohmann::ordered_json& expect);

}  // namespace bs::gui

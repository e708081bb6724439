#include "summary_at.hpp"

namespace bs::gui {

std::vector<Expectation> parse_expectations(const nlohmann::ordered_json& expect) {
  std::vector<Expectation> out;
  if (!expect.is_object()) return out;
  for (const auto& [metric, v] : expect.items()) {
    Expectation e;
    e.metric = metric;
    e.json_path = "$.expect." + metric;
    if (v.is_number()) {
      e.eq = v.get<double>();
    } else if (v.is_object()) {
      if (v.contains("min") && v["min"].is_number()) e.min = v["min"].get<double>();
      if (v.contains("max") && v["max"].is_number()) e.max = v["max"].get<double>();
      if (v.contains("eq") && v["eq"].is_number()) e.eq = v["eq"].get<double>();
    } else {
      continue;
    }
    out.push_back(std::move(e));
  }
  return out;
}

SummaryAt::SummaryAt(std::shared_ptr<const TraceModel> m) : model_(std::move(m)) {
  const auto& raw = model_->trace.header.raw;
  if (raw.contains("expect")) expect_ = parse_expectations(raw["expect"]);
}

void SummaryAt::update(const Playhead& play) {
  // The state is a function of how many events were applied: same count, same totals.
  if (play.applied() == seen_) return;
  seen_ = play.applied();
  totals_ = play.state().ledger().totals();
}

}  // namespace bs::gui

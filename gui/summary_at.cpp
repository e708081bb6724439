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
  checker_ = std::make_unique<Checker>(model_->trace.header.node_names,
                                       topic_groups_from_header(model_->trace.header.raw));
  const auto& raw = model_->trace.header.raw;
  if (raw.contains("expect")) expect_ = parse_expectations(raw["expect"]);
  totals_ = checker_->totals();
}

void SummaryAt::update(std::size_t applied) {
  if (applied == fed_) return;
  if (applied < fed_) {
    checker_ = std::make_unique<Checker>(model_->trace.header.node_names,
                                       topic_groups_from_header(model_->trace.header.raw));
    fed_ = 0;
  }
  const auto& ev = model_->trace.events;
  for (; fed_ < applied && fed_ < ev.size(); ++fed_) checker_->on_event(ev[fed_]);
  totals_ = checker_->totals();
}

}  // namespace bs::gui

#include "app_state.hpp"

#include <algorithm>

#include "check/variant.hpp"
#include "model/comparison.hpp"

namespace bs::gui {

Run make_run(Trace tr, std::string label) {
  Run r;
  r.model = TraceModel::build(std::move(tr));
  r.play = std::make_unique<Playhead>(r.model);
  r.summary = std::make_unique<SummaryAt>(r.model);
  r.summary->update(*r.play);
  r.label = std::move(label);
  return r;
}

std::vector<std::string> describe_runs(const std::vector<Run>& runs, const nlohmann::ordered_json& try_expect) {
  static const char* kinds[] = {"lesson", "what-if", "Try this", "beside"};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const Run& r = runs[i];
    const Totals& t = r.summary->totals();
    auto count = [](const std::vector<ExpectationResult>& rs) {
      std::size_t n = 0;
      for (const auto& x : rs) n += x.pass;
      return n;
    };
    std::string line = std::string(1, run_letter(i)) + " (" + kinds[static_cast<int>(r.kind)] + ") " + r.label + ": ";
    if (r.kind == RunKind::WhatIf || r.kind == RunKind::TryThis) {
      if (r.kind == RunKind::TryThis) {
        auto pred = check_expectations(parse_expectations(try_expect), t);
        line += "prediction " + std::to_string(count(pred)) + " of " + std::to_string(pred.size()) + " hold; ";
      }
      std::size_t changed = 0;
      for (const auto& v : judge_against_lesson(r.reference, t)) changed += !v.same();
      line += "lesson's expectations " + std::to_string(r.reference.size() - changed) + " same, " +
              std::to_string(changed) + " changed";
    } else {
      auto res = check_expectations(r.summary->expectations(), t);
      line += "expectations " + std::to_string(count(res)) + " of " + std::to_string(res.size()) + " hold";
    }
    out.push_back(line);
  }
  return out;
}

double AppState::t_end() const {
  double e = 0;
  for (const auto& r : runs) e = std::max(e, r.model->t_end);
  return e;
}

void AppState::seek(double nt) {
  t = std::clamp(nt, 0.0, t_end());
  for (auto& r : runs) {
    r.play->seek(t);
    r.summary->update(*r.play);
  }
}

void AppState::select(MsgId msg) {
  selected = msg;
  selected_events = has_trace() ? model().lifecycle(msg) : std::vector<std::size_t>{};
}

void AppState::set_scenario(const std::string& path) {
  scenario_path = path;
  lesson = path.empty() ? ScenarioEntry{} : read_scenario_entry(path);
}

void AppState::open_run(Run r) {
  runs.clear();
  runs.push_back(std::move(r));
  error.clear();
  playing = false;
  select(0);
  seek(0);
  tab = SideTab::Lesson;
}

}  // namespace bs::gui

#include "app_state.hpp"

#include <algorithm>

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

void AppState::open_run(Run r) {
  runs.clear();
  runs.push_back(std::move(r));
  error.clear();
  playing = false;
  select(0);
  seek(0);
  tab = SideTab::Lesson;
  tab_force_frames = 2;
}

}  // namespace bs::gui

// Lesson panel: what to read aloud, and the picker for the other lessons.
#include "theme.hpp"
#include "views.hpp"

namespace bs::gui {

void draw_lesson(AppState& app) {
  if (app.has_trace()) {
    const auto& h = app.model().trace.header;
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(h.title.empty() ? h.scenario.c_str() : h.title.c_str());
    ImGui::Separator();
    ImGui::TextUnformatted(h.description.empty() ? "(no description)" : h.description.c_str());
    ImGui::PopTextWrapPos();
    ImGui::TextDisabled("seed %llu, model %s", static_cast<unsigned long long>(h.seed), h.model.c_str());
  }
  ImGui::Spacing();
  ImGui::Separator();
  if (app.scenarios.empty()) {
    ImGui::TextDisabled("No lessons found (use --scenarios DIR).");
    return;
  }
  ImGui::Text("Lessons in %s", app.scenarios_dir.c_str());
  bool busy = app.job && !app.job->done;
  for (const auto& s : app.scenarios) {
    bool current = s.path == app.scenario_path;
    if (ImGui::Selectable(s.title.c_str(), current) && !busy && !current)
      start_job(app, s.path, {}, false, "original", -1);
  }
}

}  // namespace bs::gui
